"""ECS rules on task definitions whose containers a template chooses with Fn::If: each branch is
a task definition of its own, and containers of different branches never meet."""

from __future__ import annotations

from tests.checks.ecs import scan_text
from tests.conftest import findings_of

_HEAD = """Parameters:
  Debug: {Type: String, Default: "no"}
Conditions:
  IsDebug: !Equals [!Ref Debug, "yes"]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
"""


def _problems(text: str, tmp_path) -> list[tuple[int, str]]:
    result = scan_text(tmp_path, "template.yaml", _HEAD + text, "ECS015")
    return [
        (f.region.start_line, f.message.split("would be rejected by ECS: ", 1)[1])
        for f in findings_of(result, "ECS015")
    ]


def test_one_container_written_in_both_branches_is_no_duplicate(tmp_path):
    text = """      ContainerDefinitions:
        - !If
          - IsDebug
          - {Name: web, Image: "nginx:1.27-debug"}
          - {Name: web, Image: "nginx:1.27"}
        - {Name: proxy, Image: "envoy:1.30"}
"""
    assert _problems(text, tmp_path) == []


def test_a_name_written_twice_beside_a_conditional_container_is_a_duplicate(tmp_path):
    text = """      ContainerDefinitions:
        - !If
          - IsDebug
          - {Name: web, Image: "nginx:1.27-debug"}
          - {Name: proxy, Image: "nginx:1.27"}
        - {Name: proxy, Image: "envoy:1.30"}
"""
    assert _problems(text, tmp_path) == [(15, "another container is also named proxy.")]


def test_container_lists_of_both_branches_are_two_tasks(tmp_path):
    # The same names in both lists are no duplicates; a container of one list that depends
    # on one only the other list defines names an undefined container.
    text = """      ContainerDefinitions: !If
        - IsDebug
        - - {Name: web, Image: "nginx:1.27", DependsOn: [{ContainerName: proxy}]}
          - {Name: proxy, Image: "envoy:1.30"}
        - - {Name: web, Image: "nginx:1.27", DependsOn: [{ContainerName: proxy}]}
"""
    assert _problems(text, tmp_path) == [
        (14, "it refers to container proxy, which is not defined.")
    ]


def test_volumes_from_a_container_of_the_other_branch_are_not_mounted(tmp_path):
    volumes = """      Volumes: [{Name: docker, Host: {SourcePath: /var/run/docker.sock}}]
      ContainerDefinitions: !If
        - IsDebug
        - - {Name: agent, Image: "dd:7", MountPoints: [{SourceVolume: docker, ContainerPath: /s}]}
          - {Name: app, Image: "app:1", VolumesFrom: [{SourceContainer: agent}]}
        - - {Name: agent, Image: "dd:7"}
          - {Name: app, Image: "app:1", VolumesFrom: [{SourceContainer: agent}]}
"""
    result = scan_text(tmp_path, "template.yaml", _HEAD + volumes, "ECS006")
    assert [(f.resource, f.region.start_line) for f in findings_of(result, "ECS006")] == [
        ("AWS::ECS::TaskDefinition Task container agent", 10),
        ("AWS::ECS::TaskDefinition Task container app", 14),
    ]


def _secrets(text: str, tmp_path) -> list[tuple[int, str]]:
    result = scan_text(tmp_path, "template.yaml", _HEAD + text, "ECS007")
    return [(f.region.start_line, f.severity.name.lower()) for f in findings_of(result, "ECS007")]


_VARIABLE = """      ContainerDefinitions:
        - Name: web
          Image: "nginx:1.27"
          Environment:
            - Name: {name}
              Value: {value}
"""


def test_an_environment_name_on_a_condition_is_judged_in_each_deployment(tmp_path):
    """The deployment that names the variable DB_PASSWORD writes its literal: a secret."""
    text = _VARIABLE.format(name="!If [IsDebug, DEBUG_LEVEL, DB_PASSWORD]", value="Wq7-rLp2-vX9e")
    assert _secrets(text, tmp_path) == [(15, "critical")]
    # The Value on the same condition: the deployment named DB_PASSWORD resolves a secret.
    text = _VARIABLE.format(
        name="!If [IsDebug, DB_PASSWORD, DEBUG_LEVEL]",
        value="!If [IsDebug, '{{resolve:secretsmanager:prod/db:SecretString:pw}}', verbose]",
    )
    assert _secrets(text, tmp_path) == [(15, "high")]


def test_an_environment_name_on_a_condition_takes_its_own_deployments_value(tmp_path):
    # DB_PASSWORD is given the store's reference by ECS secrets elsewhere; the literal is
    # the other deployment's DB_HOST, never paired with the secret's name.
    text = _VARIABLE.format(
        name="!If [IsDebug, DB_HOST, DB_PASSWORD]",
        value="!If [IsDebug, Wq7-rLp2-vX9e.internal, '${DbPasswordPlaceholder}']",
    )
    assert _secrets(text, tmp_path) == []


def test_a_network_mode_each_deployment_chooses_is_one_finding(tmp_path):
    text = """      RequiresCompatibilities: [FARGATE]
      Cpu: "256"
      Memory: "512"
      ContainerDefinitions: [{Name: web, Image: "nginx:1.27"}]
"""
    head = _HEAD.replace("NetworkMode: awsvpc", "NetworkMode: !If [IsDebug, host, bridge]")
    result = scan_text(tmp_path, "template.yaml", head + text, "ECS015")
    assert [(f.region.start_line, f.message) for f in findings_of(result, "ECS015")] == [
        (
            9,
            "AWS::ECS::TaskDefinition Task would be rejected by ECS: FARGATE requires "
            "networkMode awsvpc, not host or bridge.",
        )
    ]


def test_a_host_path_each_deployment_chooses_is_one_finding(tmp_path):
    # The gravest path grades it: the runtime's socket, where IsDebug is true.
    text = """      Volumes:
        - Name: v
          Host: {SourcePath: !If [IsDebug, /var/run/docker.sock, /]}
      ContainerDefinitions:
        - Name: web
          Image: "nginx:1.27"
          MountPoints: [{SourceVolume: v, ContainerPath: /x}]
"""
    result = scan_text(tmp_path, "template.yaml", _HEAD + text, "ECS006")
    (finding,) = findings_of(result, "ECS006")
    assert finding.region.start_line == 12
    assert finding.severity.label == "critical"
    assert "mounts the host path /var/run/docker.sock (volume v, writable)" in finding.message
    assert finding.message.endswith(" Another deployment mounts / there.")
