"""CodeDeploy AppSpec recognition (guardlint/documents/appspec.py, classify, discover) and the
TargetService of an ECS AppSpec as a derived `ecs-service` document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardlint.discover import discover, kind_by_name
from guardlint.documents import SKIPPED, UNPARSABLE, parse_file
from guardlint.documents.appspec import ECS, appspec_of
from guardlint.parse.located import YamlMap
from tests.conftest import findings_of, run_scan, write_file

EC2 = "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /opt/app\n"
EC2_HOOKS_ONLY = "version: 0.0\nHooks:\n  AfterInstall:\n    - location: s.sh\n"
ECS_APPSPEC = """version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: <TASK_DEFINITION>
        LoadBalancerInfo:
          ContainerName: web
          ContainerPort: 80
        networkConfiguration:
          awsvpcConfiguration:
            assignPublicIp: ENABLED
"""
LAMBDA_PROPERTIES = {"name": "f", "alias": "a", "currentversion": "1", "targetversion": "2"}
LAMBDA_APPSPEC = json.dumps(
    {
        "version": "0.0",
        "resources": [{"fn": {"type": "AWS::Lambda::Function", "properties": LAMBDA_PROPERTIES}}],
    }
)


def kinds(directory: Path, name: str, text: str) -> list[str]:
    """The kinds of the documents guardlint makes of `text` saved as `name`."""
    path = write_file(directory, name, text)
    (source,) = [f for f in discover([str(path)], str(directory)).files]
    return [document.kind for document in parse_file(source).documents]


@pytest.mark.parametrize(
    "name", ["appspec.yml", "appspec.yaml", "appspec.json", "AppSpec.YML", "APPSPEC.Json",
             "appspec.yml.j2"]
)  # fmt: skip
def test_appspec_names_are_their_own_kind(name):
    assert kind_by_name(name) == "appspec"


@pytest.mark.parametrize("name", ["my-appspec.yml", "appspec.yml.bak", "appspec.txt"])
def test_other_names_are_not(name):
    assert kind_by_name(name) != "appspec"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("appspec.yml", EC2, ["appspec"]),
        ("appspec.yml", "version: 0.0\nos: linux\n", ["appspec"]),  # by name: any section
        ("appspec.yml", "Version: 1.0\nHooks: []\n", ["appspec"]),
        ("deploy/app-spec.yaml", EC2, ["appspec"]),  # by content
        ("codedeploy.yml", EC2_HOOKS_ONLY, ["appspec"]),
        ("codedeploy.json", json.dumps({"version": 0.0, "os": "linux", "files": []}), ["appspec"]),
        ("ecs.yaml", ECS_APPSPEC, ["appspec", "ecs-service"]),
        ("appspec.yaml", ECS_APPSPEC, ["appspec", "ecs-service"]),
        ("lambda.json", LAMBDA_APPSPEC, ["appspec"]),
    ],
)
def test_appspecs_by_name_and_by_content(tmp_path, name, text, expected):
    assert kinds(tmp_path, name, text) == expected


TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Service:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: x}
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # A CloudFormation template's Resources is a map, never a list (its ECS service is
        # an ecs-service document of the ECS pack).
        ("template.yaml", TEMPLATE, ["cloudformation", "ecs-service"]),
        (
            "template.yaml",
            "version: 0.0\n" + TEMPLATE.split("\n", 1)[1],
            ["cloudformation", "ecs-service"],
        ),
        ("appspec.yml", TEMPLATE, ["cloudformation", "ecs-service"]),
        ("pod.yaml", "version: 0.0\napiVersion: v1\nkind: Pod\nspec: {}\n", ["kubernetes"]),
        # MoveApps' appspec.json: a file named appspec.json with no AppSpec section.
        ("appspec.json", json.dumps({"settings": [], "dependencies": {"R": []}}), []),
        ("appspec.json", json.dumps({"version": "1.0", "settings": [], "license": {}}), []),
        ("appspec.yml", "version: 0.0\n", []),
        # version 0.0 alone, or with other shapes, is no AppSpec.
        ("config.yaml", "version: 0.0\nname: demo\n", []),
        ("config.yaml", "version: 0.0\nos: linux\n", []),  # no files, no hooks
        ("config.yaml", "version: 0.1\nhooks: {a: b}\n", []),
        ("config.yaml", "version: 0.0\nResources:\n  - a: {Type: AWS::S3::Bucket}\n", []),
        ("config.yaml", "Resources:\n  - a: {Type: AWS::ECS::Service}\n", []),  # no version
        ("package.json", json.dumps({"name": "x", "version": "0.0.1", "hooks": {}}), []),
        (".github/workflows/ci.yml", "on: push\njobs:\n  a: {runs-on: x, steps: []}\n", []),
        ("openapi.yaml", "openapi: 3.0.0\ninfo: {version: 0.0.1}\npaths: {}\n", []),
        ("buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands: [make]\n", ["buildspec"]),
        ("values.yaml", "version: 0.0.3\nhooks:\n  enabled: true\n", []),
    ],
)
def test_other_yaml_and_json_keep_their_kind(tmp_path, name, text, expected):
    assert kinds(tmp_path, name, text) == expected


def test_a_version_zero_sniff_lets_an_ec2_appspec_through(tmp_path):
    """An EC2 AppSpec names no AWS:: type: without `version: 0.0` in the sniff it was skipped."""
    path = write_file(tmp_path, "deploy.yml", EC2_HOOKS_ONLY.replace("Hooks", "hooks"))
    (source,) = discover([str(path)], str(tmp_path)).files
    assert parse_file(source).status != SKIPPED


def test_an_unparsable_file_named_appspec_is_gl001(tmp_path):
    write_file(tmp_path, "appspec.yml", "version: 0.0\nos: [linux\n")
    write_file(tmp_path, "other/deploy.yml", "hooks: [unclosed\n")  # not IaC by its text
    result = run_scan(tmp_path)
    assert [f.path for f in findings_of(result, "GL001")] == ["appspec.yml"]
    assert result.files["unparsable"] == 1 and result.files["skipped"] == 1


def test_parse_errors_by_name(tmp_path):
    path = write_file(tmp_path, "AppSpec.json", '{"version": 0.0,')
    (source,) = discover([str(path)], str(tmp_path)).files
    assert parse_file(source).status == UNPARSABLE


def test_the_target_service_is_an_ecs_service_document_as_written(tmp_path):
    path = write_file(tmp_path, "appspec.yaml", ECS_APPSPEC)
    (source,) = discover([str(path)], str(tmp_path)).files
    appspec, service = parse_file(source).documents
    assert appspec_of(appspec).platform == ECS
    assert service.kind == "ecs-service"
    assert service.meta == {"resource": "appspec AWS::ECS::Service TargetService"}
    assert isinstance(service.data, YamlMap) and service.data.region.start_line == 6
    network = service.data["networkConfiguration"]["awsvpcConfiguration"]
    assert network["assignPublicIp"] == "ENABLED"  # the keys as written, in any case
    assert network.key_region("assignPublicIp").start_line == 12
    assert service.lines == appspec.lines and service.rel_path == "appspec.yaml"


def test_every_target_service_is_handed_over(tmp_path):
    """Two TargetServices are invalid (CDP005), yet each is a service the ECS pack may judge."""
    second = ECS_APPSPEC.split("Resources:\n", 1)[1].replace("TargetService", "Second")
    path = write_file(tmp_path, "appspec.yaml", ECS_APPSPEC + second)
    (source,) = discover([str(path)], str(tmp_path)).files
    services = [d for d in parse_file(source).documents if d.kind == "ecs-service"]
    assert [s.meta["resource"] for s in services] == [
        "appspec AWS::ECS::Service TargetService",
        "appspec AWS::ECS::Service Second",
    ]


@pytest.mark.parametrize(
    "properties", ["", "      Properties: [a]\n", "      Properties: <PROPERTIES>\n"]
)
def test_no_service_document_without_a_properties_map(tmp_path, properties):
    text = (
        f"version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n{properties}"
    )
    assert kinds(tmp_path, "appspec.yml", text) == ["appspec"]
