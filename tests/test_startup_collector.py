"""The `guardlint` command runs without the cyclic collector from before it imports the CLI:
collecting while click and guardlint's modules load walked them again and again (13 M
instructions, 3% of a Dockerfile scan). Checked in a fresh interpreter; nothing is timed."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from tests.conftest import ROOT, write_file
from tests.test_startup import DOCKERFILE

# What the console script does: its module imported (`light` printed: click not loaded yet),
# then its function called, each collection the collector starts printed on stderr.
_COMMAND = """
import gc, importlib, sys
module, function = sys.argv[1].split(":")
command = getattr(importlib.import_module(module), function)
print("light" if "click" not in sys.modules else "heavy", file=sys.stderr)
gc.callbacks.append(lambda phase, info: phase == "start" and print("collected", file=sys.stderr))
sys.argv = ["guardlint", *sys.argv[2:]]
command()
"""


def _command(tmp_path, entry_point: str) -> list[str]:
    args = ("scan", "svc/Dockerfile", "-f", "json", "-o", "out.json", "-q")
    done = subprocess.run([sys.executable, "-c", _COMMAND, entry_point, *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert (tmp_path / "out.json").stat().st_size  # the scan ran
    return done.stderr.split()


def test_the_command_collects_nothing_while_it_loads_the_cli_and_scans_a_dockerfile(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert _command(tmp_path, scripts["guardlint"]) == ["light"]
    # The control: the CLI's main, called with the collector on.
    assert "collected" in _command(tmp_path, "guardlint.cli:main")
