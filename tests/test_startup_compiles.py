"""What a start compiles: a module-level pattern is compiled as its module loads, in every
process that starts a scan, whether the scan runs it or not. Checked in a fresh interpreter;
nothing is timed."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import write_file
from tests.test_startup import DOCKERFILE


def test_a_dockerfile_scan_compiles_no_pattern_its_text_never_needs(tmp_path):
    """A substitution's reserved words and backtick escapes, gpg's key IDs, Windows paths:
    patterns (0.05 to 0.15 ms each to compile) that a Dockerfile without them never runs."""
    code = (
        "import sys\n"
        "sys.argv = ['guardlint', 'scan', sys.argv[1], '-f', 'json', '-o', 'out.json']\n"
        "from guardlint.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "from guardlint.parse import shell_lex as s\n"
        "from guardlint.knowledge import openpgp as o, windows_commands as w\n"
        "from guardlint.parse.lazy_pattern import LazyPattern\n"
        "patterns = [s._RESERVED, s._BACKTICK_ESCAPE, o._KEY_ID, o._VARIABLE, w._DRIVE,"
        " w._PROVIDER, w._SEPARATORS]\n"
        "print(sum(not isinstance(p, LazyPattern) or '_compiled' in vars(p) for p in patterns))\n"
    )

    def compiled(directory: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, directory], cwd=tmp_path,
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout.split()[-1]

    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert compiled("svc") == "0"
    key = "52BB7E3DE28A71BE22EC05FFEF80A866B47A981F"
    gpg = f"ARG KEY={key}\nRUN gpg --recv-keys $KEY && echo `case x in y) id;; esac`\n"
    write_file(tmp_path, "gpg/Dockerfile", DOCKERFILE + gpg)
    assert compiled("gpg") != "0"  # the control: a text that needs some
