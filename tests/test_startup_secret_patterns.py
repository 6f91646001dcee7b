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
