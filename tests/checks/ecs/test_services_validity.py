"""ECS014 (checks/ecs/services.py) on every kind of service, and ECS015 (validity.py)."""

from __future__ import annotations

import json

import pytest

from guardlint.checks.registry import check_for
from guardlint.model.documents import Document
from guardlint.parse.yaml_nodes import load_documents
from guardlint.rulebook import load_rulebook
from tests.checks.ecs import BOTH_INPUTS, container, scan_text, task
from tests.conftest import findings_of, lines_of

# ---- ECS014 public-ip-assigned


def _service(assign: str | None, **extra: object) -> str:
    awsvpc = {"subnets": ["subnet-1"]} | ({} if assign is None else {"assignPublicIp": assign})
    body = {"serviceName": "web", "cluster": "prod", "taskDefinition": "web:3",
            "networkConfiguration": {"awsvpcConfiguration": awsvpc}, **extra}  # fmt: skip
    return json.dumps(body, indent=2)


def test_public_ip_catches_a_service_definition(tmp_path):
    result = scan_text(tmp_path, "service.json", _service("ENABLED"), "ECS014")
    (finding,) = findings_of(result, "ECS014")
    assert finding.resource == "ECS service web" and finding.region.start_line == 10


@pytest.mark.parametrize("assign", ["DISABLED", None, "<ASSIGN_PUBLIC_IP>", "${PUBLIC_IP}"])
def test_public_ip_doesnt_catch_disabled_absent_or_placeholders(tmp_path, assign):
    assert not scan_text(tmp_path, "service.json", _service(assign), "ECS014").findings


@pytest.mark.parametrize(
    ("name", "body", "resource"),
    [
        # update-service input names the service `service`, and need not name a task definition
        ("update-service.json", {"cluster": "prod", "service": "web"}, "ECS service web"),
        # ecspresso's service definition: its name and task definition live in its config file
        ("ecs-service-def.json", {"launchType": "FARGATE", "desiredCount": 2},
         "ECS service (unnamed)"),
    ],
)  # fmt: skip
def test_public_ip_in_service_inputs_known_by_their_awsvpc_configuration(
    tmp_path, name, body, resource
):
    network = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}}
    text = json.dumps({**body, "networkConfiguration": network}, indent=2)
    (finding,) = findings_of(scan_text(tmp_path, name, text, "ECS014"), "ECS014")
    line = text[: text.index('"assignPublicIp"')].count("\n") + 1
    assert finding.resource == resource and finding.region.start_line == line


def test_a_network_configuration_without_awsvpc_is_no_service(tmp_path):
    # AWS Batch job definitions write networkConfiguration.assignPublicIp without awsvpc
    text = json.dumps({"type": "container", "platformCapabilities": ["FARGATE"],
                       "networkConfiguration": {"assignPublicIp": "ENABLED"}})  # fmt: skip
    assert not scan_text(tmp_path, "job.json", text, "ECS014").findings


def _printed(name: str, assign: str) -> dict:
    """A service as describe-services prints it: ARNs and state beside its settings."""
    awsvpc = {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": assign}
    return {"serviceArn": f"arn:aws:ecs:us-east-1:123456789012:service/prod/{name}",
            "serviceName": name, "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
            "status": "ACTIVE", "desiredCount": 2, "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": awsvpc}}  # fmt: skip


def test_public_ip_in_the_services_the_cli_prints(tmp_path):
    """describe-services prints `services` (and `failures`), create-service and update-service
    print `service`: each service in them is judged as a service definition is."""
    described = {"services": [_printed("web", "ENABLED"), _printed("worker", "DISABLED"),
                              _printed("api", "ENABLED")], "failures": []}  # fmt: skip
    found = findings_of(
        scan_text(tmp_path / "d", "services.json", json.dumps(described, indent=2), "ECS014"),
        "ECS014",
    )
    assert [f.resource for f in found] == ["ECS service web", "ECS service api"]
    created = json.dumps({"service": _printed("web", "ENABLED")}, indent=2)
    (finding,) = findings_of(scan_text(tmp_path / "c", "out.json", created, "ECS014"), "ECS014")
    line = created[: created.index('"assignPublicIp"')].count("\n") + 1
    assert finding.resource == "ECS service web" and finding.region.start_line == line


def test_other_services_lists_are_no_ecs_services(tmp_path):
    text = json.dumps({"services": [{"name": "web", "cluster": "prod"}, "worker"],
                       "service": "web"})  # fmt: skip
    assert not scan_text(tmp_path, "services.json", text, "ECS014").findings


def test_public_ip_in_services_and_task_sets_of_a_template(tmp_path):
    text = """Parameters:
  Public: {Type: String, Default: ENABLED}
  Unknown: {Type: String}
Resources:
  Web:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration:
        AwsvpcConfiguration: {AssignPublicIp: !Ref Public, Subnets: [subnet-1]}
  Canary:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: prod
      Service: !Ref Web
      TaskDefinition: web:4
      NetworkConfiguration:
        AwsVpcConfiguration: {AssignPublicIp: ENABLED, Subnets: [subnet-1]}
  Private:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration:
        AwsvpcConfiguration: {AssignPublicIp: !Ref Unknown, Subnets: [subnet-1]}
"""
    result = scan_text(tmp_path, "template.yaml", text, "ECS014")
    assert [(f.resource, f.region.start_line) for f in findings_of(result, "ECS014")] == [
        ("AWS::ECS::Service Web", 9),
        ("AWS::ECS::TaskSet Canary", 17),
    ]


APPSPEC_TARGET = """\
Type: AWS::ECS::Service
Properties:
  TaskDefinition: <TASK_DEFINITION>
  LoadBalancerInfo: {ContainerName: web, ContainerPort: 8080}
  NetworkConfiguration:
    AwsvpcConfiguration:
      Subnets: [subnet-1]
      AssignPublicIp: ENABLED
"""


@pytest.mark.parametrize(("assign", "expected"), [("ENABLED", [8]), ("DISABLED", [])])
def test_public_ip_on_an_appspec_target_service_document(assign, expected):
    """The CodeDeploy pack hands each ECS AppSpec TargetService over as an `ecs-service`
    document: its Properties map as written, and its resource text."""
    text = APPSPEC_TARGET.replace("ENABLED", assign)
    (target,) = load_documents(text)
    document = Document(
        kind="ecs-service",
        rel_path="appspec.yaml",
        data=target["Properties"],
        lines=text.splitlines(),
        meta={"resource": "appspec TargetService"},
    )
    rule = load_rulebook().get("ECS014")
    hits = list(check_for(rule)(document, rule))
    assert [hit.region.start_line for hit in hits] == expected
    assert all(hit.resource == "appspec TargetService" for hit in hits)


# ---- ECS015 invalid-task-definition


def _problems(result) -> list[str]:
    return [
        f.message.split("would be rejected by ECS: ", 1)[1] for f in findings_of(result, "ECS015")
    ]


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ({"family": "web", "containerDefinitions": []}, "containerDefinitions is empty."),
        ({"family": "web", "containerDefinitions": "web"}, "containerDefinitions is not a list."),
        (task({"name": "web"}), "it has no image."),
        (task({"image": "x:1"}), "it has no name."),
        (task(container(), container()), "another container is also named app."),
        (task(container(portMappings={"containerPort": 80})), "portMappings is not a list."),
        (task(container(environment={"A": "b"})), "environment is not a list."),
        (task(container(mountPoints={"sourceVolume": "a"})), "mountPoints is not a list."),
        (task(container(mountPoints=[{"sourceVolume": "data", "containerPath": "/d"}])),
         "mountPoint sourceVolume data is not declared in volumes."),
        (task(container(links=["db:db"])), "it refers to container db, which is not defined."),
        (task(container(volumesFrom=[{"sourceContainer": "init"}])),
         "it refers to container init, which is not defined."),
        (task(container(dependsOn=[{"containerName": "init", "condition": "START"}])),
         "it refers to container init, which is not defined."),
        (task(container("a"), container("b", links=["a"]), networkMode="awsvpc"),
         "links are not supported with networkMode awsvpc."),
    ],
)  # fmt: skip
def test_invalid_catches(tmp_path, scan, definition, problem):
    assert _problems(scan(tmp_path, definition, "ECS015")) == [problem]


FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
           "memory": "512"}  # fmt: skip


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"networkMode": "bridge"}, "FARGATE requires networkMode awsvpc, not bridge."),
        ({"networkMode": None}, "FARGATE requires networkMode awsvpc, and none is set."),
        ({"cpu": None}, "FARGATE requires a task-level cpu."),
        ({"memory": None}, "FARGATE requires a task-level memory."),
        ({"volumes": [{"name": "h", "host": {"sourcePath": "/data"}}]},
         "FARGATE does not support host volumes (host.sourcePath)."),
    ],
)  # fmt: skip
def test_invalid_fargate(tmp_path, scan, change, problem):
    settings = {key: value for key, value in (FARGATE | change).items() if value is not None}
    assert _problems(scan(tmp_path, task(**settings), "ECS015")) == [problem]


@BOTH_INPUTS
def test_invalid_fargate_containers(tmp_path, scan):
    devices = {"devices": [{"hostPath": "/dev/fuse"}]}
    definition = task(container("a", privileged=True), container("b", linuxParameters=devices),
                      **FARGATE)  # fmt: skip
    assert _problems(scan(tmp_path, definition, "ECS015")) == [
        "FARGATE does not support privileged containers.",
        "FARGATE does not support devices.",
    ]


@BOTH_INPUTS
@pytest.mark.parametrize(
    "definition",
    [
        task(container("init"),
             container("web", dependsOn=[{"containerName": "init"}], links=["init:i"],
                       volumesFrom=[{"sourceContainer": "init"}]),
             volumes=[{"name": "data"}]),
        task(**FARGATE | {"cpu": "1 vCPU", "memory": "2 GB"}),
        task(**FARGATE | {"requiresCompatibilities": ["FARGATE", "EC2"],
                          "volumes": [{"name": "v"}]}),
        task(container("<NAME>", image="<IMAGE1_NAME>", links=["${LINKED}"],
                       mountPoints=[{"sourceVolume": "${VOLUME}", "containerPath": "/v"}])),
        task(**FARGATE | {"networkMode": "${NETWORK_MODE}"}),
        # `register-task-definition --generate-cli-skeleton`: blank strings are placeholders
        task(container("", image="", secrets=[{"name": "", "valueFrom": ""}]),
             executionRoleArn=""),
        task(container(" ", image=" "), **FARGATE | {"cpu": "", "memory": " "}),
        task(container(portMappings=[{"containerPort": 80}], environment=[], mountPoints=[])),
    ],
)  # fmt: skip
def test_valid_definitions_dont_catch(tmp_path, scan, definition):
    assert _problems(scan(tmp_path, definition, "ECS015")) == []


def test_a_file_named_as_a_task_definition_without_containers(tmp_path):
    result = scan_text(tmp_path, "taskdef.json", '{"family": "web"}', "ECS015")
    assert _problems(result) == ["it has no containerDefinitions."]


def test_dockerrun_beanstalk_volumes_and_v1_without_image(tmp_path):
    v2 = """{"AWSEBDockerrunVersion": 2,
 "containerDefinitions": [
  {"name": "web", "image": "nginx:1.27",
   "mountPoints": [{"sourceVolume": "awseb-logs-web", "containerPath": "/var/log/nginx"},
                   {"sourceVolume": "awseb-logs-api", "containerPath": "/x"}]}]}
"""
    result = scan_text(tmp_path / "v2", "Dockerrun.aws.json", v2, "ECS015")
    assert _problems(result) == [
        "mountPoint sourceVolume awseb-logs-api is not declared in volumes."
    ]
    v1 = '{"AWSEBDockerrunVersion": "1", "Ports": [{"ContainerPort": "80"}]}'
    assert not scan_text(tmp_path / "v1", "Dockerrun.aws.json", v1, "ECS015").findings


def test_unresolvable_template_values_never_invalid(tmp_path):
    text = """Parameters:
  Containers: {Type: String}
  Mode: {Type: String}
  Volumes: {Type: String}
  Name: {Type: String}
Resources:
  Opaque:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: !Ref Containers
  Fargate:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: !Ref Mode
      Cpu: 256
      Memory: 512
      Volumes: !Ref Volumes
      ContainerDefinitions:
        - Name: !Ref Name
          Image: x:1
          MountPoints: [{SourceVolume: data, ContainerPath: /d}]
          DependsOn: [{ContainerName: init}]
"""
    assert lines_of(scan_text(tmp_path, "template.yaml", text, "ECS015"), "ECS015") == []


SECRETS = [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db"}]


@BOTH_INPUTS
def test_secrets_without_an_execution_role(tmp_path, scan):
    """RegisterTaskDefinition: "When you are specifying container secrets, you must also
    specify a value for 'executionRoleArn'" (the agent fetches them with that role); one
    finding per task, at the first container with secrets."""
    definition = task(container("a"), container("b", secrets=SECRETS),
                      container("c", secrets=SECRETS))  # fmt: skip
    result = scan(tmp_path, definition, "ECS015")
    assert _problems(result) == [
        "it has secrets and the task sets no executionRoleArn to fetch them with."
    ]
    assert findings_of(result, "ECS015")[0].resource.endswith("container b")


@BOTH_INPUTS
@pytest.mark.parametrize(
    "definition",
    [
        task(container(secrets=SECRETS),
             executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
        task(container(secrets=SECRETS), executionRoleArn="<TASK_EXECUTION_ROLE_ARN>"),
        task(container(secrets=[])),
        task(container(logConfiguration={"logDriver": "awslogs"})),
    ],
)  # fmt: skip
def test_secrets_with_an_execution_role_or_none_dont_catch(tmp_path, scan, definition):
    assert _problems(scan(tmp_path, definition, "ECS015")) == []


def test_secrets_of_a_list_of_containers_alone_dont_catch(tmp_path):
    """`--container-definitions file://containers.json`: the role is given beside it."""
    text = json.dumps([container(secrets=SECRETS)])
    assert lines_of(scan_text(tmp_path, "containers.json", text, "ECS015"), "ECS015") == []


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("mode", "ports", "problem"),
    [
        ("awsvpc", {"containerPort": 8080, "hostPort": 80},
         "with networkMode awsvpc hostPort 80 must be left out or equal containerPort 8080."),
        ("host", {"containerPort": "8080", "hostPort": "80"},
         "with networkMode host hostPort 80 must be left out or equal containerPort 8080."),
        ("none", {"containerPort": 80}, "networkMode none takes no portMappings."),
    ],
)  # fmt: skip
def test_port_mappings_the_network_mode_refuses(tmp_path, scan, mode, ports, problem):
    """PortMapping: with awsvpc or host "the hostPort can be left blank or it must be the same
    value as the containerPort"; with none "you can't specify port mappings"."""
    definition = task(container(portMappings=[ports]), networkMode=mode)
    assert _problems(scan(tmp_path, definition, "ECS015")) == [problem]


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("mode", "ports"),
    [("awsvpc", {"containerPort": 80}), ("awsvpc", {"containerPort": 80, "hostPort": 80}),
     ("awsvpc", {"containerPort": 80, "hostPort": 0}),
     ("bridge", {"containerPort": 80, "hostPort": 8080}),
     (None, {"containerPort": 80, "hostPort": 8080}),
     ("awsvpc", {"containerPort": 80, "hostPort": "${HOST_PORT}"}),
     ("host", {"containerPort": 80, "hostPort": "9" * 5000})],
)  # fmt: skip
def test_port_mappings_the_network_mode_takes(tmp_path, scan, mode, ports):
    settings = {"networkMode": mode} if mode else {}
    definition = task(container(portMappings=[ports]), **settings)
    assert _problems(scan(tmp_path, definition, "ECS015")) == []
