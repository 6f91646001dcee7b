"""Which files are CodeBuild's: buildspecs by name and by content, create-project JSON,
projects and source credentials in templates; and the YAML and JSON of other tools that must
keep their kind (GitHub workflows, GitLab CI, OpenAPI, package.json, Helm values, Kubernetes,
CloudFormation)."""

from __future__ import annotations

import json

import pytest

from guardlint.discover import kind_by_name
from tests.conftest import findings_of, run_scan, write_file

BUILDSPEC = """\
version: 0.2
phases:
  build:
    commands:
      - make
"""


@pytest.mark.parametrize(
    "name",
    ["buildspec.yml", "buildspec.yaml", "BuildSpec.YML", "buildspec-test.yml",
     "buildspec_deploy.yaml", "integration.buildspec.yml", "buildspec.yml.j2"],
)  # fmt: skip
def test_buildspec_file_names(name, tmp_path):
    assert kind_by_name(name) == "buildspec"
    write_file(tmp_path, f"ci/{name}", BUILDSPEC)
    assert run_scan(tmp_path).kinds == {"buildspec": 1}


@pytest.mark.parametrize("name", ["buildspec.json", "mybuildspec.yml", "buildspec", "spec.yml"])
def test_other_names_are_not_buildspecs_by_name(name):
    assert kind_by_name(name) != "buildspec"


def test_a_named_buildspec_that_does_not_parse_is_gl001(tmp_path):
    write_file(tmp_path, "buildspec.yml", "version: 0.2\nphases:\n  build: [unclosed\n")
    result = run_scan(tmp_path)
    assert [f.rule_id for f in result.findings] == ["GL001"]
    assert result.files["unparsable"] == 1


def test_a_named_buildspec_is_one_whatever_its_keys(tmp_path):
    """By name, any map is a buildspec (a batch-only one has no phases)."""
    write_file(tmp_path, "buildspec-batch.yml", "version: 0.2\nbatch:\n  fast-fail: true\n")
    assert run_scan(tmp_path).kinds == {"buildspec": 1}


@pytest.mark.parametrize(
    "text",
    [
        BUILDSPEC,
        BUILDSPEC.replace("0.2", '"0.2"'),
        BUILDSPEC.replace("0.2", "0.1"),
        "version: 0.2\nrun-as: root\nenv: {variables: {A: b}}\nproxy: {upload-artifacts: no}\n"
        "phases:\n  install: {commands: [a]}\n  pre_build: {commands: [b]}\n  post_build: {}\n"
        "artifacts: {files: ['**/*']}\nreports: {}\ncache: {paths: []}\n",
        '{"version": "0.2", "phases": {"build": {"commands": ["make"]}}}',
    ],
)
def test_buildspecs_by_content(text, tmp_path):
    write_file(tmp_path, "ci/pipeline.yml", text)
    assert run_scan(tmp_path).kinds == {"buildspec": 1}


NOT_BUILDSPECS = {
    "version 0.3": BUILDSPEC.replace("0.2", "0.3"),
    "version 2": BUILDSPEC.replace("0.2", "2"),
    "no version": BUILDSPEC.replace("version: 0.2\n", ""),
    "phases a list": "version: 0.2\nphases: [build]\n",
    "an unknown phase": BUILDSPEC + "  deploy:\n    commands: [x]\n",
    "services beside": BUILDSPEC + "services:\n  web: {image: nginx}\n",
    "jobs beside": BUILDSPEC + "jobs:\n  test: {runs-on: ubuntu-latest}\n",
    "stages beside": BUILDSPEC + "stages: [build]\n",
    "steps beside": BUILDSPEC + "steps: [{name: x}]\n",
    "Resources beside": BUILDSPEC + "Resources: {}\n",
    "apiVersion and kind beside": BUILDSPEC + "apiVersion: v1\nkind: ConfigMap\n",
    "Helm values": BUILDSPEC + "image: {repository: nginx}\nreplicaCount: 2\n",
}


@pytest.mark.parametrize("text", NOT_BUILDSPECS.values(), ids=NOT_BUILDSPECS.keys())
def test_yaml_that_is_no_buildspec(text, tmp_path):
    write_file(tmp_path, "ci/pipeline.yml", text)
    result = run_scan(tmp_path)
    assert "buildspec" not in result.kinds
    assert not [f for f in result.findings if f.rule_id.startswith("CBD")]


OTHER_TOOLS = {
    ".github/workflows/ci.yml": (
        "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: curl -sSL https://x.example/i.sh | bash\n",
        {},
    ),
    ".gitlab-ci.yml": (
        "stages: [build]\nbuild:\n  stage: build\n  script: [curl -k https://x | sh]\n"
        "  artifacts: {paths: [dist]}\n",
        {},
    ),
    "openapi.yaml": (
        "openapi: 3.0.0\ninfo: {title: api, version: '0.2'}\npaths: {}\n"
        "components: {schemas: {Build: {properties: {phases: {type: object}}}}}\n",
        {},
    ),
    "package.json": (
        json.dumps({"name": "app", "version": "0.2.0", "scripts": {"build": "tsc"},
                    "config": {"phases": ["build"], "computeType": "small"}}),
        {},
    ),
    "chart/values.yaml": (
        "image: {repository: app, tag: '1.0'}\nbuild:\n  phases: {build: {commands: [x]}}\n"
        "  computeType: BUILD_GENERAL1_SMALL\n",
        {},
    ),
    "k8s/job.yaml": (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: build}\nspec:\n  template:\n"
        "    spec:\n      containers: [{name: b, image: 'aws/codebuild/standard:7.0'}]\n"
        "      restartPolicy: Never\n",
        {"kubernetes": 1},
    ),
    "template.yaml": (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket: {Type: AWS::S3::Bucket}\n",
        {"cloudformation": 1},
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", OTHER_TOOLS)
def test_other_tools_keep_their_kind(path, tmp_path):
    text, kinds = OTHER_TOOLS[path]
    write_file(tmp_path, path, text)
    result = run_scan(tmp_path)
    assert dict(result.kinds) == kinds
    assert not [f for f in result.findings if f.rule_id.startswith("CBD")]


PROJECT = {
    "name": "shop",
    "source": {"type": "GITHUB", "location": "https://github.com/example/shop.git"},
    "artifacts": {"type": "NO_ARTIFACTS"},
    "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:4.0",
                    "computeType": "BUILD_GENERAL1_SMALL"},
    "serviceRole": "arn:aws:iam::123456789012:role/build",
}  # fmt: skip


def test_create_project_json(tmp_path):
    write_file(tmp_path, "codebuild/shop.json", json.dumps(PROJECT, indent=2))
    result = run_scan(tmp_path)
    assert result.kinds == {"codebuild-project": 1}
    (finding,) = findings_of(result, "CBD010")
    assert finding.resource == "codebuild project shop"


def test_create_project_keys_in_any_case(tmp_path):
    """PascalCase (as a template writes them) and an image without a computeType count."""
    project = {
        "Source": {"Type": "CODECOMMIT"},
        "Environment": {"Image": "aws/codebuild/standard:7.0", "PrivilegedMode": True},
        "Artifacts": {"Type": "NO_ARTIFACTS"},
    }
    write_file(tmp_path, "project.json", json.dumps(project))
    result = run_scan(tmp_path)
    assert result.kinds == {"codebuild-project": 1}
    assert [f.resource for f in findings_of(result, "CBD001")] == ["codebuild project (unnamed)"]


def test_batch_get_projects_output(tmp_path):
    """`aws codebuild batch-get-projects` prints each project as create-project takes it (with
    the service's own fields), under `projects`, beside the names it did not find."""
    shop = {**PROJECT, "arn": "arn:aws:codebuild:eu-west-1:123456789012:project/shop"}
    docker = {
        **PROJECT,
        "name": "images",
        "environment": {**PROJECT["environment"], "image": "aws/codebuild/standard:7.0",
                        "privilegedMode": True},
    }  # fmt: skip
    output = {"projects": [shop, docker], "projectsNotFound": ["old"]}
    write_file(tmp_path, "projects.json", json.dumps(output, indent=2))
    result = run_scan(tmp_path)
    assert result.kinds == {"codebuild-project": 2}
    assert [f.resource for f in findings_of(result, "CBD010")] == ["codebuild project shop"]
    (privileged,) = findings_of(result, "CBD001")
    assert privileged.resource == "codebuild project images"
    assert (
        privileged.region.start_line
        == json.dumps(output, indent=2).splitlines().index('        "privilegedMode": true') + 1
    )


def test_create_project_output(tmp_path):
    """`aws codebuild create-project` and `update-project` print the project they made, under
    `project`, as batch-get-projects does."""
    made = {**PROJECT, "environment": {**PROJECT["environment"], "privilegedMode": True}}
    write_file(tmp_path, "created.json", json.dumps({"project": made}, indent=2))
    result = run_scan(tmp_path)
    assert result.kinds == {"codebuild-project": 1}
    assert [f.resource for f in findings_of(result, "CBD001")] == ["codebuild project shop"]


@pytest.mark.parametrize(
    "output",
    [
        {"project": PROJECT, "tags": []},
        {"project": {"name": "half", "source": {"type": "GITHUB"}}},
        {"projects": [PROJECT, {"name": "half", "source": {"type": "GITHUB"}}]},
        {"projects": [PROJECT], "nextToken": "x", "items": []},
        {"projects": []},
        {"projects": PROJECT},
    ],
)
def test_a_list_of_projects_only_in_batch_get_projects_shape(output, tmp_path):
    write_file(tmp_path, "projects.json", json.dumps(output))
    assert run_scan(tmp_path).kinds == {}


@pytest.mark.parametrize(
    "missing", ["source", "artifacts", "environment", "source.type", "environment.image"]
)
def test_json_without_a_part_of_create_project_is_none(missing, tmp_path):
    project = json.loads(json.dumps(PROJECT))
    section, _, key = missing.partition(".")
    if key:
        del project[section][key]
        project[section].pop("computeType", None)
    else:
        del project[section]
    write_file(tmp_path, "project.json", json.dumps(project))
    assert run_scan(tmp_path).kinds == {}


def test_projects_and_source_credentials_in_a_template(tmp_path):
    template = """\
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Source: {Type: GITHUB, BuildSpec: ci/buildspec.yml}
      Environment: {Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0}
      Artifacts: {Type: NO_ARTIFACTS}
  Credential:
    Type: AWS::CodeBuild::SourceCredential
    Properties: {ServerType: GITHUB, Token: '{{resolve:secretsmanager:gh}}'}
"""
    write_file(tmp_path, "template.yaml", template)
    result = run_scan(tmp_path)
    # The BuildSpec names a file in the source: no buildspec document of its own.
    assert result.kinds == {"cloudformation": 1, "codebuild-project": 2}


def test_a_project_with_a_custom_image_and_an_environment_type(tmp_path):
    project = {
        "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases: {}\n"},
        "environment": {"type": "ARM_CONTAINER", "image": "registry.example.com/build:7"},
        "artifacts": {"type": "NO_ARTIFACTS"},
    }
    write_file(tmp_path, "project.json", json.dumps(project))
    assert run_scan(tmp_path).kinds == {"codebuild-project": 1, "buildspec": 1}
