"""Small CodeBuild inputs for the family tests: a buildspec, a project in a template."""

from __future__ import annotations

import textwrap
from pathlib import Path

from guardlint.engine.scan import ScanResult
from tests.conftest import run_scan, write_file

PROJECT_HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::123456789012:role/build
"""

PROJECT_VARIABLE = """\
Environment:
  Type: LINUX_CONTAINER
  Image: aws/codebuild/standard:7.0
  EnvironmentVariables:
    - Name: {name}
      Value: {value}
{type}"""


def project_variable(name: str, value: str, kind: str | None = None) -> str:
    """A project's Environment with one variable (of Type `kind`, else none written)."""
    line = f"      Type: {kind}\n" if kind else ""
    return PROJECT_VARIABLE.format(name=name, value=value, type=line)


def scan_buildspec(tmp_path: Path, text: str, rule_id: str, **options) -> ScanResult:
    write_file(tmp_path, "buildspec.yml", textwrap.dedent(text))
    return run_scan(tmp_path, only_rules={rule_id}, **options)


def scan_project(
    tmp_path: Path, properties: str, rule_id: str, parameters: str = "", **options
) -> ScanResult:
    """A template with one project, Build, whose Properties (after ServiceRole, from line 7)
    are `properties` (written at column 1); `parameters` (top-level sections) come after."""
    body = textwrap.indent(textwrap.dedent(properties).rstrip("\n") + "\n", " " * 6)
    write_file(tmp_path, "template.yaml", PROJECT_HEAD + body + textwrap.dedent(parameters))
    return run_scan(tmp_path, only_rules={rule_id}, **options)
