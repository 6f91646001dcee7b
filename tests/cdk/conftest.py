"""What the CDK tests share: the fixture app and its cloud assembly, scanned once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, findings_of, run_scan

APP = FIXTURES / "cloudformation" / "CFN001" / "bad-cdk-assembly"
ASSEMBLY = APP / "cdk.out"
STACK = ASSEMBLY / "ApiStack.template.json"
SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text())
BUCKET = "AWS::S3::Bucket ApiStack/Uploads/Resource (Uploads1E6C8F2B)"


@pytest.fixture(scope="module")
def fixture_scan():
    return run_scan(APP)


@pytest.fixture
def app_copy(tmp_path, monkeypatch):
    """The fixture app in a directory of its own, which is the working directory (scan root)."""
    shutil.copytree(APP, tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "app"


def by_rule(result, rule_id: str):
    (finding,) = findings_of(result, rule_id)
    return finding


# Resource names ---------------------------------------------------------------------------
