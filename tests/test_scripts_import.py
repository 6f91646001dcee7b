"""The scripts beside the package (bench/, tools/) import only names guardlint still has: a
module moved or renamed in guardlint must not silently break the benchmarks or CI tooling."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# bench/plot.py needs matplotlib, which only the plotting step installs.
SCRIPTS = sorted(
    path for path in [*ROOT.glob("bench/*.py"), *ROOT.glob("tools/*.py")] if path.name != "plot.py"
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_script_imports(script, monkeypatch):
    # As `python bench/bench.py` runs it: its own directory first on the path (bench/kinds.py).
    monkeypatch.syspath_prepend(str(script.parent))
    runpy.run_path(str(script), run_name="imported")  # anything but __main__: no run
