"""The secret patterns a start compiles: those of guardlint's own tokens, URL credentials,
connection strings and private keys (guardlint.knowledge.secret_patterns), of filler
(placeholders, vendor_tokens), of a name's words (secret_names) and of a vendor pattern's
counts (guardlint.parse.open_runs) run only on a text that needs them, and a scan of a file
with no such text compiles none. Checked in a fresh interpreter; nothing is timed."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import write_file
from tests.test_startup import DOCKERFILE

_COUNT = (
    "import sys\n"
    "sys.argv = ['guardlint', 'scan', sys.argv[1], '-f', 'json', '-o', 'out.json']\n"
    "from guardlint.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "from guardlint.knowledge import secret_patterns as s, placeholders as p, vendor_tokens as v\n"
    "from guardlint.knowledge import secret_names as n\n"
    "from guardlint.parse import open_runs as o\n"
    "from guardlint.parse.lazy_pattern import LazyPattern\n"
    "patterns = [*s.CONNECTION_STRING_SECRETS, *(p for _, p in s.TOKENS),"
    " s.BASE64_EMBEDDED_PRIVATE_KEY, *s._RUN_TAILS.values(), s._KEY_RUN, s.KEY_LINE,"
    " p._REPEATED, v._ONE_CHARACTER_RUN, o._QUANTIFIER, n._CAMEL_HUMP, n._ACRONYM_END,"
    " n._NON_ALPHANUMERIC]\n"
    "print(sum(not isinstance(p, LazyPattern) or '_compiled' in vars(p) for p in patterns))\n"
)


def _compiled(tmp_path, directory: str) -> str:
    done = subprocess.run([sys.executable, "-c", _COUNT, directory], cwd=tmp_path,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.split()[-1]


def test_a_scan_without_secret_text_compiles_no_secret_pattern(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert _compiled(tmp_path, "svc") == "0"
    token = "ghp_" + "Q7vK2mX9pL4rT8wN3bY6cF1hJ5dS0aZeUgVi"
    write_file(tmp_path, "token/Dockerfile", DOCKERFILE + f"ENV GITHUB_TOKEN={token}\n")
    assert _compiled(tmp_path, "token") != "0"  # the control: a text that needs some


def test_the_secret_search_compiles_no_client_s_pattern_until_a_text_names_the_client():
    """Forty-odd command-line password patterns (and their continuations) took 18 ms to compile
    in every process: each is compiled when a text first names its command, as a word of its
    own."""
    code = (
        "from guardlint.knowledge.secret_patterns import COMMAND_CREDENTIALS as C\n"
        "from guardlint.knowledge.secrets import find_secrets\n"
        "find_secrets('RUN apt-get install -y ca-certificates && rm -rf /var/lib/apt/lists/*')\n"
        # words that hold a client's name (net, mount, vault, mc) without naming the client
        "find_secrets('kubernetes.io/network volumeMounts vault.hashicorp.com/role ibmcloud')\n"
        "before = sum('_compiled' in vars(p) for p in C)\n"
        "find_secrets('RUN mysql -uroot -pS3cr3tPassw0rd -e status')\n"
        "print(len(C), before, sum('_compiled' in vars(p) for p in C))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    patterns, before, after = map(int, done.stdout.split())
    assert patterns > 40
    assert before == 0 and 0 < after < 5


def test_the_vendor_token_search_is_written_when_a_text_may_hold_a_token():
    """Rewriting the hundred token shapes' runs for one search (guardlint.parse.open_runs) cost
    every process that imported the secret search a tenth of its import: it is done when
    PREFILTER first admits a text."""
    code = (
        "from guardlint.knowledge.secrets import find_secrets\n"
        "from guardlint.knowledge.vendor_tokens import _searches\n"
        "find_secrets('RUN apt-get install -y ca-certificates && rm -rf /var/lib/apt/lists/*')\n"
        "find_secrets('ENV PASSWORD=hunter2-not-a-vendor-token')\n"
        "before = _searches.cache_info().currsize\n"
        "find_secrets('ENV NPM_TOKEN=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')\n"
        "print(before, _searches.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "1"]
