"""Windows tasks (TaskDefinition.windows): ECS002 and ECS008 do not judge them, as `user` and
readonlyRootFilesystem are not supported there. A task on EC2 Windows instances need not
declare its runtimePlatform; how it is written says where it runs."""

from __future__ import annotations

import pytest

from tests.checks.ecs import BOTH_INPUTS, container, found


def _writable(**settings: object) -> dict:
    """A container of an image no table knows, without readonlyRootFilesystem, as root."""
    written = container(
        image="123456789012.dkr.ecr.us-east-1.amazonaws.com/iis-app:1.4", **settings
    )
    del written["readonlyRootFilesystem"]
    return {**written, "user": "root"}


def _judged(scan, directory, definition) -> list[str]:
    return [
        rule for rule in ("ECS002", "ECS008") if found(scan, directory / rule, definition, rule)
    ]


@BOTH_INPUTS
@pytest.mark.parametrize(
    "expression",
    ["attribute:ecs.os-type == windows", "attribute:ecs.os-type==windows",
     "attribute:ecs.os-family == WINDOWS_SERVER_2019_FULL",
     "attribute:ecs.os-family in [WINDOWS_SERVER_2019_CORE, WINDOWS_SERVER_2022_CORE]",
     "attribute:ecs.instance-type =~ m5.* and attribute:ecs.os-type == windows"],
)  # fmt: skip
def test_a_placement_constraint_on_windows_instances_makes_a_windows_task(
    tmp_path, scan, expression
):
    constraint = {"type": "memberOf", "expression": expression}
    definition = {
        "family": "web",
        "containerDefinitions": [_writable()],
        "placementConstraints": [constraint],
    }
    assert _judged(scan, tmp_path, definition) == []


@BOTH_INPUTS
@pytest.mark.parametrize(
    "expression",
    ["attribute:ecs.os-type == linux", "attribute:ecs.os-type != windows",
     "attribute:ecs.os-family not_in [WINDOWS_SERVER_2019_FULL]",
     "attribute:ecs.os-type == linux and attribute:stack == windows",
     "attribute:ecs.availability-zone in [us-east-1a]"],
)  # fmt: skip
def test_other_placement_constraints_leave_a_linux_task(tmp_path, scan, expression):
    constraint = {"type": "memberOf", "expression": expression}
    definition = {
        "family": "web",
        "containerDefinitions": [_writable()],
        "placementConstraints": [constraint],
    }
    assert _judged(scan, tmp_path, definition) == ["ECS002", "ECS008"]


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("settings", "volume"),
    [({"workingDirectory": "C:\\inetpub\\wwwroot"}, None),
     ({"mountPoints": [{"sourceVolume": "data", "containerPath": "C:\\data"}]}, {}),
     ({"mountPoints": [{"sourceVolume": "data", "containerPath": "d:/logs"}]}, {}),
     ({"mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]},
      {"sourcePath": "C:\\ProgramData\\app"})],
)  # fmt: skip
def test_a_path_from_a_drive_letter_makes_a_windows_task(tmp_path, scan, settings, volume):
    """The FSx for Windows File Server example of the ECS guide mounts C:\\fsx-windows-dir."""
    definition = {"family": "web", "containerDefinitions": [_writable(**settings)]}
    if volume is not None:
        definition["volumes"] = [{"name": "data", "host": volume}]
    assert _judged(scan, tmp_path, definition) == []


@BOTH_INPUTS
@pytest.mark.parametrize(
    "settings",
    [{"workingDirectory": "/app"}, {"workingDirectory": "C:"},
     {"mountPoints": [{"sourceVolume": "data", "containerPath": "/mnt/c:/data"}]}],
)  # fmt: skip
def test_linux_paths_leave_a_linux_task(tmp_path, scan, settings):
    definition = {
        "family": "web",
        "containerDefinitions": [_writable(**settings)],
        "volumes": [{"name": "data"}],
    }
    assert _judged(scan, tmp_path, definition) == ["ECS002", "ECS008"]


@BOTH_INPUTS
@pytest.mark.parametrize(
    "settings",
    [{"entryPoint": ["powershell", "-Command"], "command": ["C:\\ServiceMonitor.exe w3svc"]},
     {"entryPoint": ["PowerShell.exe", "-Command"]},
     {"command": ["cmd", "/S", "/C", "app.exe"]},
     {"command": ["C:\\app\\server.exe", "--port", "80"]}],
)  # fmt: skip
def test_a_windows_program_makes_a_windows_task(tmp_path, scan, settings):
    """The ECS guide's Windows examples run `powershell -Command`; PowerShell on Linux is
    pwsh."""
    definition = {"family": "web", "containerDefinitions": [_writable(**settings)]}
    assert _judged(scan, tmp_path, definition) == []


@BOTH_INPUTS
@pytest.mark.parametrize(
    "settings",
    [{"entryPoint": ["pwsh", "-Command"]}, {"entryPoint": [], "command": ["cmd"]},
     {"entryPoint": ["sh", "-c"], "command": ["powershell"]},
     {"command": ["/app/run", "cmd"]}],
)  # fmt: skip
def test_other_programs_leave_a_linux_task(tmp_path, scan, settings):
    definition = {"family": "web", "containerDefinitions": [_writable(**settings)]}
    assert _judged(scan, tmp_path, definition) == ["ECS002", "ECS008"]


@BOTH_INPUTS
def test_an_fsx_for_windows_file_server_volume_makes_a_windows_task(tmp_path, scan):
    """The ECS guide's storage options: FSx for Windows File Server volumes are for Windows
    tasks on EC2 only."""
    fsx = {"fileSystemId": "fs-0eeb5730b2EXAMPLE", "rootDirectory": "share",
           "authorizationConfig": {"credentialsParameter": "arn:aws:ssm:us-east-1:1:parameter/ad",
                                   "domain": "example.com"}}  # fmt: skip
    definition = {
        "family": "web",
        "containerDefinitions": [_writable()],
        "volumes": [{"name": "share", "fsxWindowsFileServerVolumeConfiguration": fsx}],
    }
    assert _judged(scan, tmp_path, definition) == []
    definition["volumes"] = [{"name": "share", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]
    assert _judged(scan, tmp_path / "efs", definition) == ["ECS002", "ECS008"]
