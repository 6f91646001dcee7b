"""Linear-time cases of vendor tokens (guardlint.knowledge.vendor_tokens) and the filler tests
of a token's text (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

from tests.hostile.conftest import CONTROL

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

VENDOR_TOKEN_CASES = {
    # Runs of each vendor token's prefix and alphabet (guardlint.knowledge.vendor_tokens),
    # searched at once on RE2: `re` tried each pattern at each character.
    "vendor-token-prefixes-and-runs": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for prefix in (
                "glrt-",
                "AIza",
                "sk-proj-",
                "dp.st.",
                "8Q~",
                "SK",
                "hvs.",
                "dapi",
                "eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs",
                "sgp_",
                "sha256~",
                "pat.",
                "v1.0-",
                "dnkey-a-",
                "sc_a.b.acc_",
                "hooks.slack.com/services/T",
                "xoxe-1234567890-",
            )
            for line in (prefix * (_LONG // len(prefix)), prefix + "a" * _LONG)
        )
        + "# "
        + "a" * _LONG
        + ".atlasv1.\n"
        + CONTROL,
        "K8S014",
    ),
    # The same for the shapes of trufflehog's detectors (a file of its own: one file would
    # pass the size limit)
    **{
        f"trufflehog-token-prefixes-and-runs-{part}": (
            "configmap.yaml",
            "".join(
                f"# {line}\n"
                for prefix in prefixes
                for line in (prefix * (_LONG // len(prefix)), prefix + "a" * _LONG)
            )
            + CONTROL,
            "K8S014",
        )
        for part, prefixes in enumerate(
            (
                (
                    "bkua_",
                    "ntn_12345678901",
                    "pat",
                    "patabcdefghijklmn.",
                    "CFPAT-",
                    "figd_",
                    "FLWSECK-",
                    "BBFF-",
                    "xai-",
                    "r8_",
                    "sk-or-v1-",
                    "sk.eyJ1Ijoi",
                ),
                (
                    "https://a.webhook.office.com/webhookb2/",
                    "https://",
                    "nfp_",
                    "CCIPAT_",
                    "CCIPAT_abcdefghijklmnopqrstuv_",
                    "figp_",
                    "pat-na1-",
                    "pat-na1-0123abcd-",
                    "apify_api_",
                    "ddp_",
                    # `pat` as a name's last word (secret_names.NAME_SEARCH_PATTERNS)
                    "patprod",
                    "GH_PAT=",
                ),
            )
        )
    },
    # A prefix whose shape wants a suffix after a long run (`AA`, `.01.crc`, `T3BlbkFJ`), each
    # followed by a match of another shape: a search for the union that starts again after
    # each match read the run to the end of the line each time (a run left open and unbounded
    # for RE2); now what follows a run is optional, and each search stops at its match.
    "vendor-suffixes-wanted-between-matches": (
        "configmap.yaml",
        "".join(
            f"# {(prefix + 'dapi0') * (_LONG // (len(prefix) + 5))}\n"
            for prefix in (
                "sk-ant-api03-",
                "glpat-",
                "xapp-1-",
                "sk-proj-",
                "dp.pt.a.",
                "pat.",
                "FLWSECK-",
                "sk.eyJ1Ijoi",
                "patabcdefghijklmn.",
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # A token as long as a line (a key file in base64 has no upper bound), its body short
    # periods that each break off just before they would count as filler: each position of it
    # is read a bounded number of times by the filler tests (counts_out_or_repeats).
    "filler-tests-of-a-line-long-token": (
        "configmap.yaml",
        "# ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs"
        + "".join(("ababababababab", "X", "cabcabcabcabca", "Y", "bcdabcdabcdabc", "Z"))
        * (_LONG // 45)
        + "\n"
        + CONTROL,
        "K8S014",
    ),
    # The same with long periods (five to sixteen characters), each repeated until one
    # character short of counting as filler: each position is still read a bounded number of
    # times (counts_out_or_repeats).
    "long-period-filler-tests-of-a-line-long-token": (
        "configmap.yaml",
        "# ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs"
        + "".join(
            (
                "abcdeabcdeabcd",
                "X",
                "0123456789abcdef012345678901234",
                "Y",
                "Ab1Cd2Ef3Ab1Cd2Ef",
                "-",
            )
        )
        * (_LONG // 120)
        + "\n"
        + CONTROL,
        "K8S014",
    ),
    # Shapes that start with a run of their alphabet, their signature after it (Mailchimp's
    # `-us1`, Microsoft's `JQQJ9` and `+ASt`): one search finds each run once, and each run is
    # held to its shape within its bounds.
    "vendor-signatures-after-long-runs": (
        "configmap.yaml",
        "".join(
            f"# {run * (_LONG // len(run))}{signature}{run * 40}\n"
            for run, signature in (
                ("9f", "-us1"),
                ("aZ", "JQQJ99CE"),
                ("a+", "+ASt"),
                ("0", "-us1"),
            )
        )
        + CONTROL,
        "K8S014",
    ),
}
