"""Recognition of ECS inputs (guardlint/documents/ecs/recognize.py, discover.py's `ecs` names):
task definitions by name and by content, Dockerrun.aws.json by name and version, service
definitions, the ECS resources of a template; and nothing else."""

from __future__ import annotations

import json

import pytest

from guardlint.discover import kind_by_name
from guardlint.documents import SCANNED, SKIPPED, UNPARSABLE, parse_file
from guardlint.model.documents import SourceFile
from tests.conftest import write_file

TASK = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}
SERVICE = {"serviceName": "web", "cluster": "prod", "taskDefinition": "web:3",
           "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}  # fmt: skip


def _parsed(tmp_path, name: str, text: str):
    path = write_file(tmp_path, name, text)
    kind = kind_by_name(path.name)
    assert kind is not None, name
    return parse_file(SourceFile(str(path), name, kind, str(tmp_path)))


def _kinds(tmp_path, name: str, text: str) -> list[str]:
    return [document.kind for document in _parsed(tmp_path, name, text).documents]


@pytest.mark.parametrize(
    "name",
    ["taskdef.json", "taskdef-prod.json", "task-definition.json", "task-definition-web.json",
     "task_definition.json", "api-taskdef.json", "Taskdef.JSON", "Dockerrun.aws.json",
     "dockerrun.aws.json", "taskdef.json.j2"],
)  # fmt: skip
def test_names_of_task_definitions_are_their_own_kind(name):
    assert kind_by_name(name) == "ecs"


@pytest.mark.parametrize(
    "name", ["mytaskdef.json", "taskdef.yaml", "package.json", "Dockerrun.json", "appspec.json"]
)
def test_other_names_are_not(name):
    assert kind_by_name(name) != "ecs"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("taskdef.json", json.dumps(TASK)),
        ("task-definition.json", json.dumps({"taskDefinition": TASK, "tags": []})),
        ("deploy/web.json", json.dumps(TASK)),
        ("deploy/described.json", json.dumps({"taskDefinition": TASK})),
        (
            "ecs/web-task.yaml",
            "family: web\ncontainerDefinitions:\n  - name: web\n    image: x:1\n",
        ),
        ("pascal.json", json.dumps({"Family": "web", "ContainerDefinitions": [{"Image": "x:1"}]})),
        ("taskdef.json", '{"family": "web"}'),  # by name: ECS015 says what it lacks
    ],
)
def test_task_definitions_by_name_or_content(tmp_path, name, text):
    assert _kinds(tmp_path, name, text) == ["ecs-task"]


def test_the_task_definition_is_the_taskdefinition_member(tmp_path):
    parsed = _parsed(tmp_path, "out.json", json.dumps({"taskDefinition": TASK}))
    assert parsed.documents[0].data["family"] == "web"


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1", ["ecs-task"]), (1, ["ecs-task"]), (2, ["ecs-task"]), ("2", ["ecs-task"]), ("3", []),
     (3, [])],
)  # fmt: skip
def test_dockerrun_versions(tmp_path, version, expected):
    text = json.dumps({"AWSEBDockerrunVersion": version, "Image": {"Name": "x:1"},
                       "containerDefinitions": [{"name": "a", "image": "x:1"}],
                       "authentication": {"bucket": "b", "key": "k"}})  # fmt: skip
    parsed = _parsed(tmp_path, "Dockerrun.aws.json", text)
    assert [d.kind for d in parsed.documents] == expected
    if expected:
        assert parsed.documents[0].meta["flavor"] == f"dockerrun-v{version}"
    else:
        assert parsed.status == SKIPPED


@pytest.mark.parametrize(
    ("version", "body", "flavor"),
    [(1, {"Image": {"Name": "x:1"}, "Volumes": []}, "dockerrun-v1"),
     ("2", {"containerDefinitions": [{"name": "a", "image": "x:1"}]}, "dockerrun-v2"),
     (3, {"authentication": {"bucket": "b", "key": "k"}}, None)],
)  # fmt: skip
def test_a_dockerrun_file_of_another_name_by_its_version_key(tmp_path, version, body, flavor):
    """One file per environment (Dockerrun.aws.staging.json), copied to Dockerrun.aws.json when
    the bundle is made: only Beanstalk writes AWSEBDockerrunVersion."""
    text = json.dumps({"AWSEBDockerrunVersion": version, **body})
    parsed = _parsed(tmp_path, "deploy/Dockerrun.aws.staging.json", text)
    assert [d.meta["flavor"] for d in parsed.documents if d.kind == "ecs-task"] == (
        [flavor] if flavor else []
    )


@pytest.mark.parametrize("name", ["taskdef.json", "Dockerrun.aws.json", "web-taskdef.json"])
def test_a_broken_file_named_like_a_task_definition_is_unparsable(tmp_path, name):
    """Selected by name: no content sniff, so a parse error is reported (GL001)."""
    assert _parsed(tmp_path, name, '{"family": "web",\n  "x": [\n').status == UNPARSABLE


def test_a_broken_json_of_another_name_without_ecs_words_is_skipped(tmp_path):
    assert _parsed(tmp_path, "settings.json", '{"family": "web",\n').status == SKIPPED


def test_service_definitions(tmp_path):
    parsed = _parsed(tmp_path, "service.json", json.dumps(SERVICE))
    (document,) = parsed.documents
    assert document.kind == "ecs-service" and document.meta["resource"] == "ECS service web"
    by_task = {key: value for key, value in SERVICE.items() if key != "serviceName"}
    assert _kinds(tmp_path, "create.json", json.dumps(by_task)) == ["ecs-service"]


def test_a_template_keeps_its_kind_and_derives_its_ecs_documents(tmp_path):
    text = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: web, Image: "x:1"}]
  Service:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: !Ref Task}
  Canary:
    Type: AWS::ECS::TaskSet
    Properties: {Service: !Ref Service, Cluster: c, TaskDefinition: !Ref Task}
"""
    parsed = _parsed(tmp_path, "template.yaml", text)
    assert [d.kind for d in parsed.documents] == [
        "cloudformation", "ecs-task", "ecs-service", "ecs-service"
    ]  # fmt: skip
    assert [d.meta.get("resource") for d in parsed.documents[1:]] == [
        "AWS::ECS::TaskDefinition Task", "AWS::ECS::Service Service", "AWS::ECS::TaskSet Canary"
    ]  # fmt: skip


NOT_ECS = {
    "package.json": json.dumps(
        {
            "name": "app",
            "version": "1.0.0",
            "scripts": {"build": "tsc"},
            "dependencies": {"aws-cdk-lib": "2.150.0"},
        }
    ),
    "tsconfig.json": json.dumps({"compilerOptions": {"target": "ES2022", "strict": True}}),
    "openapi.yaml": "openapi: 3.0.0\ninfo: {title: Shop, version: '1'}\npaths:\n"
    "  /containerDefinitions:\n    get: {responses: {'200': {description: ok}}}\n",
    ".github/workflows/deploy.yml": "name: deploy\non: push\njobs:\n  deploy:\n"
    "    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n"
    "        with: {task-definition: taskdef.json, container-name: web, image: x}\n"
    "      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n"
    "        with: {service: web, cluster: prod, networkConfiguration: x}\n",
    "charts/web/values.yaml": "image: {repository: nginx, tag: latest}\nserviceName: web\n"
    "containerDefinitions: enabled\n",
    "crd.yaml": "apiVersion: example.com/v1\nkind: EcsTask\ncontainerDefinitions:\n"
    "  - {name: web, image: x}\n",
    "wrapped.json": json.dumps({"Resources": {"Task": {"Type": "Custom::Thing"}}, **TASK}),
    "strings.json": json.dumps({"containerDefinitions": ["web", "db"]}),
    "lonely-service.json": json.dumps({"serviceName": "web", "region": "eu-west-1"}),
    "values.yaml": "serviceName: web\ncluster: {enabled: true}\nservices:\n  web: {port: 80}\n",
    # AWS Batch's job definition: no awsvpcConfiguration, which only ECS writes
    "netconfig.json": json.dumps({"networkConfiguration": {"assignPublicIp": "ENABLED"}}),
}


@pytest.mark.parametrize("name", sorted(NOT_ECS))
def test_unrelated_json_and_yaml_is_not_ecs(tmp_path, name):
    kinds = _kinds(tmp_path, name, NOT_ECS[name])
    assert not {"ecs-task", "ecs-service"} & set(kinds), kinds


def test_cloudformation_and_kubernetes_keep_their_kind(tmp_path):
    template = {"AWSTemplateFormatVersion": "2010-09-09", **TASK, "Resources": {}}
    assert _kinds(tmp_path, "template.json", json.dumps(template)) == ["cloudformation"]
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                "data": {"containerDefinitions": "[]"}}  # fmt: skip
    assert _kinds(tmp_path, "cm.json", json.dumps(manifest)) == ["kubernetes"]


def test_recognition_needs_no_parse_of_other_files(tmp_path):
    """The text sniff lets ECS files through and still skips what cannot be IaC unparsed."""
    assert _parsed(tmp_path, "web.json", json.dumps(TASK)).status == SCANNED
    assert _parsed(tmp_path, "data.json", json.dumps({"rows": [1, 2]})).status == SKIPPED


# Container settings that neither Kubernetes nor Compose has (in any spelling of theirs).
ECS_ONLY = {
    "essential": True, "memoryReservation": 256, "readonlyRootFilesystem": True,
    "linuxParameters": {"initProcessEnabled": True}, "dependsOn": [], "environmentFiles": [],
    "dockerLabels": {}, "firelensConfiguration": {"type": "fluentbit"}, "stopTimeout": 30,
    "startTimeout": 30, "systemControls": [], "dockerSecurityOptions": [],
    "repositoryCredentials": {"credentialsParameter": "arn"}, "resourceRequirements": [],
    "volumesFrom": [], "pseudoTerminal": False, "disableNetworking": False,
    "dnsServers": ["10.0.0.2"], "dnsSearchDomains": ["svc"], "extraHosts": [],
    "workingDirectory": "/app", "credentialSpecs": [],
}  # fmt: skip
# The `--container-definitions file://...` input of register-task-definition, and the file
# Terraform's `container_definitions = file(...)` reads: a list of container definitions.
CONTAINERS = [{"name": "web", "image": "nginx:1.27", "essential": True,
               "portMappings": [{"containerPort": 80}]}]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("task-definition.json", json.dumps(CONTAINERS)),
        ("taskdef.json", json.dumps([{"name": "web", "image": "nginx:1.27"}])),
        ("infra/containers.json", json.dumps(CONTAINERS)),
        ("infra/web.json", json.dumps([{"Name": "w", "Image": "x:1", "LogConfiguration": {}}])),
        ("ecs/containers.yaml", "- name: web\n  image: x:1\n  portMappings: []\n"),
        # by any setting only ECS containers have, in either spelling, the name aside
        *(
            (f"infra/{key}.json", json.dumps([{"name": "web", "image": "x:1", key: value}]))
            for key, value in ECS_ONLY.items()
        ),
        ("infra/essential.json", json.dumps([{"Name": "web", "Image": "x:1", "Essential": True}])),
        ("infra/unnamed.json", json.dumps([{"image": "x:1", "essential": True}])),
        ("ecs/sidecars.yaml", "- image: x:1\n  essential: true\n- image: envoy:1\n"),
    ],
)
def test_a_list_of_container_definitions_is_a_task_definition(tmp_path, name, text):
    parsed = _parsed(tmp_path, name, text)
    assert [d.kind for d in parsed.documents] == ["ecs-task"]
    containers = parsed.documents[0].data["containerDefinitions"]
    assert isinstance(containers, list) and len(containers) == text.lower().count("image")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # name and image alone are not ECS's: any list of images has them.
        ("images.json", json.dumps([{"name": "web", "image": "nginx:1.27"}])),
        ("mixed.json", json.dumps([*CONTAINERS, "web"])),
        ("partial.json", json.dumps([*CONTAINERS, {"name": "db", "portMappings": []}])),
        ("ports.json", json.dumps([{"portMappings": [{"containerPort": 80}]}])),
        ("empty-taskdef.json", "[]"),
        ("taskdef-strings.json", '["web", "db"]'),
        ("pod-containers.yaml", "- name: web\n  image: x:1\n  ports:\n  - containerPort: 80\n"),
        # Kubernetes' and Compose's own settings, in the spellings that lower to ECS's
        (
            "k8s.json",
            json.dumps(
                [
                    {
                        "name": "a",
                        "image": "x",
                        "workingDir": "/",
                        "stdin": True,
                        "restartPolicy": "Always",
                        "env": [],
                        "tty": True,
                    }
                ]
            ),
        ),
        (
            "compose.json",
            json.dumps(
                [
                    {
                        "image": "x",
                        "depends_on": ["db"],
                        "working_dir": "/",
                        "extra_hosts": [],
                        "dns": [],
                        "entrypoint": ["sh"],
                        "healthcheck": {},
                        "ulimits": {},
                        "privileged": True,
                    }
                ]
            ),
        ),
        ("essential-words.json", json.dumps([{"title": "essential", "image": "x"}])),
        ("no-image.json", json.dumps([{"name": "web", "essential": True}])),
    ],
)
def test_other_lists_are_not(tmp_path, name, text):
    assert "ecs-task" not in _kinds(tmp_path, name, text)
