"""ECS001-ECS005 (checks/ecs/isolation.py): privileged, root users, host network, host
namespaces, dangerous capabilities."""

from __future__ import annotations

import pytest

from tests.checks.ecs import (
    BOTH_INPUTS,
    container,
    found,
    scan_json,
    scan_template,
    scan_text,
    task,
)
from tests.conftest import lines_of

WINDOWS = {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}


# ---- ECS001 privileged


@BOTH_INPUTS
@pytest.mark.parametrize("value", [True, "true", "True"])
def test_privileged_catches_every_container_and_the_string_true(tmp_path, scan, value):
    sidecar = container("sidecar", essential=False, privileged=value)
    (finding,) = found(scan, tmp_path, task(container(), sidecar), "ECS001")
    assert finding.resource.endswith("container sidecar")
    assert "Container sidecar of" in finding.message


@BOTH_INPUTS
@pytest.mark.parametrize("value", [False, "false", None])
def test_privileged_doesnt_catch_false_or_missing(tmp_path, scan, value):
    settings = {} if value is None else {"privileged": value}
    assert not found(scan, tmp_path, task(container(**settings)), "ECS001")


def test_privileged_resolves_template_values(tmp_path):
    text = """Parameters:
  Privileged: {Type: String, Default: "true"}
  Unknown: {Type: String}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: "x:1", Privileged: !Ref Privileged}
        - {Name: b, Image: "x:1", Privileged: !Ref Unknown}
"""
    assert lines_of(scan_text(tmp_path, "template.yaml", text, "ECS001"), "ECS001") == [9]


def test_privileged_resources_name_the_input(tmp_path):
    definition = task(container(privileged=True))
    (in_json,) = found(scan_json, tmp_path / "j", definition, "ECS001")
    (in_cfn,) = found(scan_template, tmp_path / "c", definition, "ECS001")
    assert in_json.resource == "task definition web container app"
    assert in_cfn.resource == "AWS::ECS::TaskDefinition Task container app"
    assert in_cfn.properties == {"logicalId": "Task", "container": "app"}


# ---- ECS002 runs-as-root


@BOTH_INPUTS
# The container runtime reads a numeric user as a number (Go's strconv.Atoi): "00", "+0" and
# "-0" are UID 0.
@pytest.mark.parametrize(
    "user", ["root", "0", "root:root", "0:0", "root:app", "0:1000", 0, "00", "000:0", "+0", "-0"]
)
def test_root_user_catches(tmp_path, scan, user):
    (finding,) = found(scan, tmp_path, task(container(user=user)), "ECS002")
    assert f"(user {user})" in finding.message


@BOTH_INPUTS
@pytest.mark.parametrize(
    "user", ["1000", "1000:1000", "app", "rootless", "nobody:root", 65534, "01000", "10"]
)
def test_root_user_doesnt_catch_other_users(tmp_path, scan, user):
    assert not found(scan, tmp_path, task(container(user=user)), "ECS002")


@BOTH_INPUTS
def test_missing_user_only_counts_in_host_network_mode(tmp_path, scan):
    assert not found(scan, tmp_path / "bridge", task(container()), "ECS002")
    assert not found(scan, tmp_path / "awsvpc", task(container(), networkMode="awsvpc"), "ECS002")
    host = task(container("a"), container("b", user="1000"), networkMode="host")
    (finding,) = found(scan, tmp_path / "host", host, "ECS002")
    assert finding.resource.endswith("container a") and "host network" in finding.message


@BOTH_INPUTS
def test_missing_user_in_host_mode_doesnt_catch_privileged_containers(tmp_path, scan):
    host = task(container(privileged=True), networkMode="host")
    assert not found(scan, tmp_path, host, "ECS002")


@BOTH_INPUTS
def test_windows_tasks_are_not_judged(tmp_path, scan):
    windows = task(container(user="root"), networkMode="host", runtimePlatform=WINDOWS)
    assert not found(scan, tmp_path, windows, "ECS002")


def test_dockerrun_has_no_host_network_clause(tmp_path):
    text = '{"AWSEBDockerrunVersion": 2, "networkMode": "host",\n' \
        ' "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}\n'  # fmt: skip
    result = scan_text(tmp_path, "Dockerrun.aws.json", text, "ECS002", "ECS003")
    assert not result.findings


# ---- ECS003 host-network


@BOTH_INPUTS
def test_host_network_catches(tmp_path, scan):
    (finding,) = found(scan, tmp_path, task(networkMode="host"), "ECS003")
    assert finding.resource in ("task definition web", "AWS::ECS::TaskDefinition Task")


@BOTH_INPUTS
@pytest.mark.parametrize("mode", ["bridge", "awsvpc", "none", None])
def test_host_network_doesnt_catch_other_modes(tmp_path, scan, mode):
    settings = {} if mode is None else {"networkMode": mode}
    assert not found(scan, tmp_path, task(**settings), "ECS003")


def test_host_network_points_at_the_key_in_json(tmp_path):
    text = '{\n  "family": "web",\n  "networkMode": "host",\n' \
        '  "containerDefinitions": [{"name": "a", "image": "x:1"}]\n}\n'  # fmt: skip
    assert lines_of(scan_text(tmp_path, "taskdef.json", text, "ECS003"), "ECS003") == [3]


# ---- ECS004 host-namespace


@BOTH_INPUTS
def test_host_namespaces_catch_pid_and_ipc_each(tmp_path, scan):
    findings = found(scan, tmp_path, task(pidMode="host", ipcMode="host"), "ECS004")
    assert sorted(f.properties["setting"] for f in findings) == ["ipcMode", "pidMode"]


@BOTH_INPUTS
@pytest.mark.parametrize("mode", ["task", "none"])
def test_host_namespaces_dont_catch_task_or_none(tmp_path, scan, mode):
    assert not found(scan, tmp_path, task(pidMode=mode, ipcMode=mode), "ECS004")


# ---- ECS005 dangerous-capabilities


def _capabilities(add: list[str] | None = None, drop: list[str] | None = None) -> dict:
    capabilities = {"add": add} if add is not None else {}
    capabilities |= {"drop": drop} if drop is not None else {}
    return task(container(linuxParameters={"capabilities": capabilities}))


@BOTH_INPUTS
@pytest.mark.parametrize(
    "capability",
    ["ALL", "SYS_ADMIN", "sys_admin", "CAP_SYS_ADMIN", "cap_sys_ptrace", "SYS_MODULE",
     "NET_ADMIN", "DAC_READ_SEARCH", "BPF", "PERFMON"],
)  # fmt: skip
def test_capabilities_catch_the_listed_ones_in_any_spelling(tmp_path, scan, capability):
    (finding,) = found(scan, tmp_path, _capabilities(add=[capability, "CHOWN"]), "ECS005")
    expected = capability.upper().removeprefix("CAP_")
    assert finding.properties["capability"] == expected


@BOTH_INPUTS
def test_capabilities_dont_catch_drop_lists_or_harmless_adds(tmp_path, scan):
    definition = _capabilities(add=["NET_BIND_SERVICE", "CHOWN"], drop=["ALL", "SYS_ADMIN"])
    assert not found(scan, tmp_path, definition, "ECS005")


def test_capabilities_report_each_entry_on_its_line(tmp_path):
    text = """Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: vpn
          Image: example/vpn:3.0
          LinuxParameters:
            Capabilities:
              Add:
                - NET_ADMIN
                - NET_BIND_SERVICE
                - SYS_ADMIN
"""
    assert lines_of(scan_text(tmp_path, "template.yaml", text, "ECS005"), "ECS005") == [11, 13]
