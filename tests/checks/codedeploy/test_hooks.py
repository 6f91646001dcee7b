"""CDP001 (checks/codedeploy/hooks.py): an EC2/On-Premises hook script with `runas: root`."""

from __future__ import annotations

import json

import pytest

from tests.checks.codedeploy import ec2, scan_appspec
from tests.conftest import findings_of, lines_of

HOOKS = """hooks:
  BeforeInstall:
    - location: scripts/stop.sh
      timeout: 60
  AfterInstall:
    - location: scripts/install.sh
    - location: scripts/migrate.sh
      timeout: 300
      {runas}
"""


def _hooks(runas: str) -> str:
    return ec2(HOOKS.replace("{runas}", runas))


def test_catches_runas_root_on_the_hook_entry_line(tmp_path):
    (finding,) = findings_of(scan_appspec(tmp_path, _hooks("runas: root"), "CDP001"), "CDP001")
    assert finding.region.start_line == 9  # `- location: scripts/migrate.sh`
    assert finding.resource == "appspec hook AfterInstall[1]"
    assert "scripts/migrate.sh" in finding.message and finding.severity.label == "medium"


@pytest.mark.parametrize("runas", ["runas: 'root'", 'runas: "root "', "RunAs: root"])
def test_catches_root_however_quoted_and_keys_in_any_case(tmp_path, runas):
    assert lines_of(scan_appspec(tmp_path, _hooks(runas), "CDP001"), "CDP001") == [9]


@pytest.mark.parametrize(
    "runas",
    ["", "runas: webapp", "runas: ec2-user", "runas: rootless", "runas: 0", "runas:"],
    ids=["no-runas", "webapp", "ec2-user", "rootless", "uid-0-is-no-user-name", "null"],
)
def test_doesnt_catch_other_users_or_a_missing_runas(tmp_path, runas):
    assert lines_of(scan_appspec(tmp_path, _hooks(runas), "CDP001"), "CDP001") == []


def test_doesnt_catch_windows_where_runas_is_ignored(tmp_path):
    text = _hooks("runas: root").replace("os: linux", "os: Windows")
    assert lines_of(scan_appspec(tmp_path, text, "CDP001"), "CDP001") == []


def test_catches_json_appspecs(tmp_path):
    spec = {
        "version": 0.0,
        "os": "linux",
        "Hooks": {"ApplicationStart": [{"location": "start.sh", "runas": "root"}]},
    }
    text = json.dumps(spec, indent=2)
    result = scan_appspec(tmp_path, text, "CDP001", name="appspec.json")
    assert [f.resource for f in findings_of(result, "CDP001")] == [
        "appspec hook ApplicationStart[0]"
    ]


def test_ecs_hooks_name_functions_not_users(tmp_path):
    text = (
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n"
        "      Properties: {TaskDefinition: x}\nHooks:\n  - BeforeInstall: root\n"
    )
    assert lines_of(scan_appspec(tmp_path, text, "CDP001"), "CDP001") == []


def test_hook_scripts_an_alias_brings_are_reported_at_each_alias(tmp_path):
    text = ec2(
        "x-script: &as-root {location: scripts/setup.sh, runas: root}\n"
        "hooks:\n  BeforeInstall:\n    - *as-root\n  AfterInstall:\n    - location: b.sh\n"
        "    - *as-root\n"
    )
    result = scan_appspec(tmp_path, text, "CDP001")
    assert lines_of(result, "CDP001") == [6, 9]
