"""Vendor tokens of a self-identifying shape that trufflehog's detectors know
(pkg/detectors/<provider>/<provider>.go) and gitleaks' rules do not: each found wherever it is
written, its stand-ins (`figd_your_token_here`, `<your-token>`, filler) quiet, and a longer
run of its alphabet no token."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets
from guardlint.knowledge.vendor_tokens import may_hold_vendor_token
from tests.conftest import findings_of, run_scan, write_file
from tests.knowledge.test_vendor_tokens import ALNUM, B64, HEX

UUIDS = (
    "1d1a0208-f69a-47ed-9c1b-8c29c5fc9769@ddedb3cc-596d-482b-8e8c-6cc149a7a7b7",
    "d8352f48-e96e-4321-800f-f998f9af400a",
)
TEAMS_WEBHOOK = (
    f"https://acme.webhook.office.com/webhookb2/{UUIDS[0]}/IncomingWebhook/{HEX[:32]}/{UUIDS[1]}"
)
TOKENS = {
    "Buildkite Token": "bkua_" + ALNUM.lower()[:40],
    "Notion Token": "ntn_40718263519" + ALNUM[:35],
    "Airtable Personal Access Token": "pat" + ALNUM[:14] + "." + HEX[:64],
    "Contentful Personal Access Token": "CFPAT-" + B64[:43],
    "Figma Token": "figd_" + B64[:40],
    "Flutterwave Secret Key": "FLWSECK-" + HEX[:32] + "-X",
    "Ubidots Token": "BBFF-" + ALNUM[:30],
    "xAI API Key": "xai-" + ALNUM[:80],
    "Replicate API Token": "r8_" + B64[:37],
    "OpenRouter API Key": "sk-or-v1-" + HEX[:64],
    # `sk.` + base64 of {"u":"acme-dev","a":"..."} + `.` + its signature
    "Mapbox Secret Token": "sk.eyJ1IjoiYWNtZS1kZXYiLCJhIjoiY2x4OXp5a2QxMGFiYzJqcHh0OXJ6dDJ4OSJ9."
    + B64[:22],
    "Microsoft Teams Webhook": TEAMS_WEBHOOK,
    "Groq API Key": "gsk_" + ALNUM[:52],  # 52 after the prefix, as Groq issues them
    "Netlify Token": "nfp_" + B64.replace("-", "a")[:36],
    "Figma Token (figp_)": "figp_" + B64[:40] + "==",
    "HubSpot Private App Token": "pat-na1-" + UUIDS[1],
    "Apify API Token": "apify_api_" + ALNUM[:36],
    "Deno Deploy Token": "ddp_" + ALNUM[:36],
    "CircleCI Token": "CCIPAT_" + ALNUM[:22] + "_" + HEX[:40],
}


@pytest.mark.parametrize("kind,token", TOKENS.items())
@pytest.mark.parametrize("written", ["{}", 'setting: "{}"', '{{"value":"{}"}}', "ENV A={} B=1"])
def test_a_trufflehog_token_is_found_whole_wherever_it_is_written(kind, token, written):
    kind = kind.split(" (")[0]
    assert [(m.kind, m.value) for m in find_secrets(written.format(token))] == [(kind, token)]


@pytest.mark.parametrize("kind,token", TOKENS.items())
def test_every_trufflehog_token_passes_the_vendor_prefilter(kind, token):
    assert may_hold_vendor_token(token.casefold())


FIXED_LENGTH = ("Buildkite Token", "Notion Token", "Airtable Personal Access Token",
                "Contentful Personal Access Token", "Ubidots Token", "xAI API Key",
                "Replicate API Token", "OpenRouter API Key", "Netlify Token",
                "CircleCI Token", "HubSpot Private App Token", "Apify API Token",
                "Deno Deploy Token")  # fmt: skip


@pytest.mark.parametrize("token", [TOKENS[kind] for kind in FIXED_LENGTH])
@pytest.mark.parametrize("longer", ["x{}", "{}x", "{}_x"])
def test_a_longer_run_of_the_same_alphabet_is_no_token(token, longer):
    assert find_secrets("v: " + longer.format(token)) == []


# The stand-ins of these vendors' documentation and READMEs: words to the reader, filler,
# angle brackets, a token counted out, an all-zero webhook.
STAND_INS = [
    "figd_your_token_here", "figd_xxx", "figd_" + "x" * 40, "bkua_" + "x" * 40,
    "bkua_yourbuildkiteapiaccesstokengoeshere1234", "ntn_00000000000" + "x" * 35,
    "ntn_12345678901abcdefghijklmnopqrstuvwxyzabcdefghi", "BBFF-" + "x" * 30,
    "xai-your-xai-api-key-here", "sk-or-v1-" + "0" * 64, "r8_your_replicate_api_token_here_xxxxx",
    "FLWSECK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X", "CFPAT-<your-token>", "CFPAT-" + "x" * 43,
    "patXXXXXXXXXXXXXX." + "0" * 64, "https://xxx.webhook.office.com/webhookb2/xxx",
    "https://contoso.webhook.office.com/webhookb2/00000000-0000-0000-0000-000000000000@00000000"
    "-0000-0000-0000-000000000000/IncomingWebhook/00000000000000000000000000000000/00000000-0000-"
    "0000-0000-000000000000", "gsk_" + "x" * 52, "sk.eyJ1IjoiEXAMPLE" + "x" * 30 + "." + "x" * 22,
    "xai-" + "ab12" * 20, "nfp_your_netlify_personal_access_token", "nfp_" + "x" * 36,
    "CCIPAT_" + "x" * 22 + "_" + "0" * 40, "ccipat_PLACEHOLDER_syncer_test_value",
    "figp_short", "figp_" + "a" * 60, "figp_your_figma_personal_access_token_here",
    "pat-na1-00000000-0000-0000-0000-000000000000", "pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    "pat-na1-12345678-1234-1234-1234-123456789012", "pat-eu1-abcdef12-abcd-abcd-abcd-abcdef123456",
    "apify_api_" + "x" * 36, "ddp_" + "x" * 36, "ddw_your_deno_deploy_access_token_here",
]  # fmt: skip


@pytest.mark.parametrize("token", STAND_INS)
@pytest.mark.parametrize("written", ["token: {}", "ENV A={}", '{{"value":"{}"}}'])
def test_a_trufflehog_stand_in_is_quiet(token, written):
    assert find_secrets(written.format(token)) == []


def test_a_teams_webhook_is_reported_under_a_name_that_says_nothing(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        f"services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        f"      NOTIFY_URL: {TEAMS_WEBHOOK}\n      BUILD_HOOK: {TOKENS['Buildkite Token']}\n",
    )
    assert len(findings_of(run_scan(tmp_path, only_rules={"CMP007"}), "CMP007")) == 2


# An Azure DevOps personal access token of the legacy shape (52 base32 characters): no prefix
# of its own, known by the name it is kept under
LEGACY_PAT = "k3xq7z2mw5vfn4hjr6tbp8c2sd9lg3ya7ewq5ub6nx4tk2fj8rmz"


@pytest.mark.parametrize(
    "name,text",
    [
        ("Dockerfile", "FROM alpine:3.20\nENV {}={}\n"),
        (
            "compose.yaml",
            "services:\n  web:\n    image: nginx:1.27\n    environment:\n      {}: {}\n",
        ),
        (
            "deploy.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers:\n"
            "    - name: web\n      image: nginx:1.27\n      env:\n"
            "        - {{name: {}, value: '{}'}}\n",
        ),
    ],
)
@pytest.mark.parametrize("variable", ["AZURE_DEVOPS_PAT", "GH_PAT", "OPENAI_KEY"])
def test_a_token_is_read_by_its_trufflehog_keyword_name(tmp_path, name, text, variable):
    rule = {"Dockerfile": "DKR004", "compose.yaml": "CMP007", "deploy.yaml": "K8S014"}[name]
    write_file(tmp_path, name, text.format(variable, LEGACY_PAT))
    assert len(findings_of(run_scan(tmp_path, only_rules={rule}), rule)) == 1
    write_file(tmp_path, name, text.format(variable, "<your-pat>"))
    assert findings_of(run_scan(tmp_path, only_rules={rule}), rule) == []
    write_file(tmp_path, name, text.format("GH_PATH", "/usr/local/k3xq7z2mw5vfn4hjr6tbp8c2sd9"))
    assert findings_of(run_scan(tmp_path, only_rules={rule}), rule) == []


@pytest.mark.parametrize(
    "line,candidate",
    [("GH_PAT=x", True), ("ghPatProd: x", True), ("ghPatV2: x", True), ("  pat: x", True),
     ("- name: AZURE_DEVOPS_PAT", True), ("mountPath: /x", False), ("pattern: x", False),
     ("patch: x", False), ("dispatch: x", False)],
)  # fmt: skip
def test_pat_makes_a_line_a_candidate_only_as_a_word(line, candidate):
    """A `path` makes no line a candidate for the secret search (most Kubernetes files hold
    many), a name ending in `pat` does: the candidate lines stay a superset of the lines a
    secret name is written in."""
    from guardlint.knowledge.secret_lines import _candidate_lines
    from guardlint.knowledge.secret_names import may_name_a_secret

    assert bool(list(_candidate_lines([line]))) is candidate
    assert may_name_a_secret(line.casefold()) is candidate
