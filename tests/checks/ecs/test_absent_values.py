"""A setting that is null (JSON written by a generator, `"logConfiguration": null`) or
`!Ref AWS::NoValue` (CloudFormation, usually an Fn::If branch) is not set: ECS applies its
default. Rules that judge a missing setting judge these the same way (ECS002 in host mode,
ECS008, ECS010, ECS012), and a value that cannot be resolved still never fires."""

from __future__ import annotations

import pytest

from tests.checks.ecs import container, found, scan_json, scan_text
from tests.conftest import lines_of

# A template whose Fn::If branches on a condition that cannot be known without deploying.
_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {{Type: String}}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: host
      ContainerDefinitions:
        - Name: app
          Image: "example/app:1.0"
          User: "1000"
          ReadonlyRootFilesystem: true
          LogConfiguration: {{LogDriver: awslogs}}
{container}
      Volumes:
        - Name: files
          EFSVolumeConfiguration:
            FilesystemId: fs-1
{efs}
"""
_NO_VALUE = "!Ref AWS::NoValue"


def _template(tmp_path, rule_id: str, container_lines: str = "", efs: str = "") -> list[int]:
    base = """            TransitEncryption: ENABLED"""
    text = _TEMPLATE.format(container=container_lines, efs=efs or base)
    return lines_of(scan_text(tmp_path, "template.yaml", text, rule_id), rule_id)


def _second(settings: str) -> str:
    """A second container with `settings` (lines at its key indentation)."""
    return '        - Name: side\n          Image: "example/side:1.0"\n' + settings


# ---- JSON null


@pytest.mark.parametrize(
    "settings",
    [{"logConfiguration": None}, {"logConfiguration": {"logDriver": None}}],
    ids=["no-config", "no-driver"],
)
def test_null_log_configuration_is_none(tmp_path, settings):
    definition = {"family": "web", "containerDefinitions": [container(**settings)]}
    assert found(scan_json, tmp_path, definition, "ECS012")


def test_null_read_only_root_is_writable(tmp_path):
    definition = {
        "family": "web",
        "containerDefinitions": [container(readonlyRootFilesystem=None)],
    }
    assert found(scan_json, tmp_path, definition, "ECS008")


def test_null_transit_encryption_is_disabled(tmp_path):
    efs = {"fileSystemId": "fs-1", "transitEncryption": None}
    definition = {
        "family": "web",
        "containerDefinitions": [container()],
        "volumes": [{"name": "files", "efsVolumeConfiguration": efs}],
    }
    assert found(scan_json, tmp_path, definition, "ECS010")


def test_null_user_in_host_mode_is_the_images(tmp_path):
    definition = {
        "family": "web",
        "networkMode": "host",
        "containerDefinitions": [container(user=None)],
    }
    assert found(scan_json, tmp_path, definition, "ECS002")


# ---- CloudFormation AWS::NoValue


def test_no_value_log_configuration_or_driver(tmp_path):
    lines = _second(
        f"          User: '1000'\n          ReadonlyRootFilesystem: true\n"
        f"          LogConfiguration: !If [Prod, {{LogDriver: awslogs}}, {_NO_VALUE}]\n"
        '        - Name: third\n          Image: "example/third:1.0"\n'
        "          User: '1000'\n          ReadonlyRootFilesystem: true\n"
        f"          LogConfiguration: {{LogDriver: !If [Prod, awslogs, {_NO_VALUE}]}}\n"
    )
    assert _template(tmp_path, "ECS012", lines) == [21, 26]


def test_no_value_read_only_root(tmp_path):
    lines = _second(
        f"          User: '1000'\n          ReadonlyRootFilesystem: !If [Prod, true, {_NO_VALUE}]\n"
        "          LogConfiguration: {LogDriver: awslogs}\n"
    )
    assert _template(tmp_path, "ECS008", lines) == [20]


def test_no_value_transit_encryption(tmp_path):
    efs = f"            TransitEncryption: !If [Prod, ENABLED, {_NO_VALUE}]"
    assert _template(tmp_path, "ECS010", efs=efs) == [22]


def test_no_value_user_in_host_mode(tmp_path):
    lines = _second(
        f"          User: !If [Prod, '1000', {_NO_VALUE}]\n          ReadonlyRootFilesystem: true\n"
        "          LogConfiguration: {LogDriver: awslogs}\n"
    )
    assert _template(tmp_path, "ECS002", lines) == [17]


def test_unresolved_or_set_values_still_dont_fire(tmp_path):
    """Only NoValue is absence: a Ref to a parameter without default stays unknown."""
    lines = _second(
        "          User: !Ref Env\n          ReadonlyRootFilesystem: !Ref Env\n"
        "          LogConfiguration: !If [Prod, {LogDriver: awslogs}, {LogDriver: splunk}]\n"
    )
    efs = "            TransitEncryption: !Ref Env"
    for rule_id in ("ECS002", "ECS008", "ECS010", "ECS012"):
        assert _template(tmp_path / rule_id, rule_id, lines, efs) == [], rule_id
