"""Tests of the ECS pack's rules (rules/ecs.yaml). Most cases run on both inputs of one task
definition: a standalone taskdef.json (the API's camelCase) and the same task as an
AWS::ECS::TaskDefinition in a template (CloudFormation's PascalCase)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from guardlint.engine.scan import ScanResult
from guardlint.model.findings import Finding
from tests.conftest import run_scan, write_file

# Maps whose keys are the user's (log driver options, labels), not settings: kept as written.
_USER_KEYS = frozenset({"options", "dockerLabels", "systemControls", "driverOpts", "labels"})


def container(name: str = "app", **settings: Any) -> dict[str, Any]:
    """A container definition with a pinned image, read-only and logging (so that only what a
    test adds is reported)."""
    return {
        "name": name,
        "image": f"example/{name}:1.0",
        "readonlyRootFilesystem": True,
        "logConfiguration": {"logDriver": "awslogs"},
        **settings,
    }


def task(*containers: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"family": "web", **settings, "containerDefinitions": list(containers or [container()])}


def pascal(value: Any) -> Any:
    """A task definition's keys as CloudFormation spells them (readonlyRootFilesystem ->
    ReadonlyRootFilesystem); user-defined keys (log options, labels) stay as written."""
    if isinstance(value, dict):
        return {
            key[:1].upper() + key[1:]: item if key in _USER_KEYS else pascal(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [pascal(item) for item in value]
    return value


def template_of(definition: dict[str, Any], **extra: Any) -> str:
    """A template holding `definition` as AWS::ECS::TaskDefinition Task."""
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        **extra,
        "Resources": {
            "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": pascal(definition)}
        },
    }
    return yaml.safe_dump(body, sort_keys=False)


def scan_json(directory: Path, definition: dict[str, Any], *rule_ids: str) -> ScanResult:
    write_file(directory, "taskdef.json", json.dumps(definition, indent=2))
    return run_scan(directory, only_rules=set(rule_ids))


def scan_template(directory: Path, definition: dict[str, Any], *rule_ids: str) -> ScanResult:
    write_file(directory, "template.yaml", template_of(definition))
    return run_scan(directory, only_rules=set(rule_ids))


def scan_text(directory: Path, name: str, text: str, *rule_ids: str) -> ScanResult:
    write_file(directory, name, text)
    return run_scan(directory, only_rules=set(rule_ids))


Scanner = Callable[[Path, dict[str, Any], str], ScanResult]
BOTH_INPUTS = pytest.mark.parametrize("scan", [scan_json, scan_template], ids=["json", "cfn"])


def found(
    scan: Scanner, directory: Path, definition: dict[str, Any], rule_id: str
) -> list[Finding]:
    """The rule's findings on `definition` through `scan`."""
    return [f for f in scan(directory, definition, rule_id).findings if f.rule_id == rule_id]
