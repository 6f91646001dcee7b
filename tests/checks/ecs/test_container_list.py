"""A file that holds only a task's container definitions (register-task-definition's
`--container-definitions file://...`, Terraform's `container_definitions = file(...)`): the
container rules judge each container; what depends on the task (its volumes, network mode,
launch type) is elsewhere and never fires."""

from __future__ import annotations

import json

import pytest

from tests.checks.ecs import container
from tests.conftest import findings_of, run_scan, write_file

NAMES = ["task-definition.json", "infra/containers.json"]


def _scan(tmp_path, name: str, containers: list, *rule_ids: str):
    write_file(tmp_path, name, json.dumps(containers, indent=2))
    return run_scan(tmp_path, only_rules=set(rule_ids))


@pytest.mark.parametrize("name", NAMES)
def test_container_rules_fire_on_each_container(tmp_path, name):
    containers = [
        container("web", privileged=True, portMappings=[{"containerPort": 80}]),
        container("db", user="0", environment=[{"name": "DB_PASSWORD", "value": "Sup3r-S3cret"}]),
    ]
    result = _scan(tmp_path, name, containers, "ECS001", "ECS002", "ECS007")
    found = {(f.rule_id, f.region.start_line, f.resource) for f in result.findings}
    assert found == {
        ("ECS001", 9, "task definition (unnamed) container web"),
        ("ECS002", 23, "task definition (unnamed) container db"),
        ("ECS007", 27, "task definition (unnamed) container db"),
    }


@pytest.mark.parametrize("name", NAMES)
def test_unpinned_image_unlogged_and_writable_containers(tmp_path, name):
    containers = [{"name": "web", "image": "nginx", "essential": True, "portMappings": []}]
    result = _scan(tmp_path, name, containers, "ECS008", "ECS009", "ECS012")
    assert sorted(f.rule_id for f in result.findings) == ["ECS008", "ECS009", "ECS012"]


@pytest.mark.parametrize("name", NAMES)
def test_volumes_declared_by_the_task_elsewhere_are_not_invalid(tmp_path, name):
    containers = [
        container("web", mountPoints=[{"sourceVolume": "docker", "containerPath": "/s"}]),
        container("side", volumesFrom=[{"sourceContainer": "web"}], links=["web"]),
    ]
    result = _scan(tmp_path, name, containers, "ECS006", "ECS015")
    assert not result.findings


@pytest.mark.parametrize("name", NAMES)
def test_what_ecs_rejects_in_the_containers_themselves(tmp_path, name):
    containers = [container("web"), container("web", dependsOn=[{"containerName": "db"}])]
    result = _scan(tmp_path, name, containers, "ECS015")
    assert len(findings_of(result, "ECS015")) == 2


@pytest.mark.parametrize(
    "setting",
    [{"privileged": True}, {"user": "0"}, {"cpu": 256, "memory": 512},
     {"environment": [{"name": "MODE", "value": "prod"}]}],
)  # fmt: skip
def test_a_minimal_list_known_by_a_setting_kubernetes_containers_never_have(tmp_path, setting):
    containers = [{"name": "app", "image": "example/app:1.0", **setting}]
    result = _scan(tmp_path, "infra/containers.json", containers, "ECS008")
    assert [f.rule_id for f in result.findings] == ["ECS008"]


@pytest.mark.parametrize(
    "items",
    [
        # a pod's containers: Kubernetes writes none of those settings on a container
        [{"name": "app", "image": "example/app:1.0", "env": [], "command": ["run"]}],
        # those settings on an item without a name: not every item is a container
        [{"image": "example/app:1.0", "user": "0"}, {"name": "b", "image": "b:1", "user": "1"}],
    ],
)
def test_lists_that_are_no_container_definitions(tmp_path, items):
    assert not _scan(tmp_path, "infra/containers.json", items, "ECS008").findings


def test_settings_not_shaped_as_ecs_writes_them(tmp_path):
    # a CI matrix's `environment` is a name, a Compose-like `environment` a list of strings
    items = [{"name": "a", "image": "ubuntu:22.04", "environment": "prod"},
             {"name": "b", "image": "debian:12", "environment": ["MODE=prod"]}]  # fmt: skip
    assert not _scan(tmp_path, "infra/containers.json", items, "ECS008").findings
