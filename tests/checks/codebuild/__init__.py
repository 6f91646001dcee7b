"""Tests of the CodeBuild pack (rules/codebuild.yaml)."""

from tests.conftest import FIXTURES

CODEBUILD = FIXTURES / "codebuild"
