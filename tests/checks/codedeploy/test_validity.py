"""CDP005 (checks/codedeploy/validity.py): AppSpecs CodeDeploy rejects, placeholders never."""

from __future__ import annotations

import json

import pytest

from tests.checks.codedeploy import cdp005_problems, ec2, scan_appspec
from tests.conftest import findings_of, lines_of

EC2_VALID = """files:
  - source: /
    destination: /opt/shop
file_exists_behavior: OVERWRITE
hooks:
  ApplicationStop:
    - location: scripts/stop.sh
      timeout: 60
  AfterInstall:
    - location: scripts/install.sh
      timeout: 3600
      runas: shop
"""
ECS = """version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: arn:aws:ecs:eu-west-1:111122223333:task-definition/shop:7
        LoadBalancerInfo:
          ContainerName: web
          ContainerPort: 8080
Hooks:
  - BeforeInstall: CodeDeployHook_prepare
  - AfterAllowTestTraffic: CodeDeployHook_smoke-test
"""
LAMBDA = """version: 0.0
Resources:
  - orders:
      Type: AWS::Lambda::Function
      Properties:
        Name: orders
        Alias: live
        CurrentVersion: 4
        TargetVersion: 5
Hooks:
  - BeforeAllowTraffic: CodeDeployHook_pre
  - AfterAllowTraffic: CodeDeployHook_post
"""


@pytest.mark.parametrize("text", [ec2(EC2_VALID), ECS, LAMBDA], ids=["ec2", "ecs", "lambda"])
def test_valid_appspecs_of_every_platform(tmp_path, text):
    assert cdp005_problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("version", "fires"),
    [("1.0", True), ("0.1", True), ("'1'", True), ("true", True), ("0.0", False),
     ("'0.0'", False), ("0", False), ("<VERSION>", False), ("'${VERSION}'", False), ("''", False)],
)  # fmt: skip
def test_version(tmp_path, version, fires):
    text = ec2(EC2_VALID).replace("version: 0.0", f"version: {version}")
    assert bool(lines_of(scan_appspec(tmp_path, text, "CDP005"), "CDP005")) == fires


def test_a_missing_version(tmp_path):
    text = ec2(EC2_VALID).replace("version: 0.0\n", "")
    assert [m for _, m in cdp005_problems(tmp_path, text)] == [
        "The AppSpec has no version: CodeDeploy requires `version: 0.0`."
    ]


@pytest.mark.parametrize(
    ("os_name", "fires"),
    [("ubuntu", True), ("Linux", True), ("amazonlinux", True), ("[linux]", True),
     ("linux", False), ("windows", False), ("'{{ os }}'", False), ("''", False)],
)  # fmt: skip
def test_os(tmp_path, os_name, fires):
    assert bool(cdp005_problems(tmp_path, ec2(EC2_VALID, os_name))) == fires


def test_a_missing_os(tmp_path):
    text = ec2(EC2_VALID).replace("os: linux\n", "")
    assert [line for line, _ in cdp005_problems(tmp_path, text)] == [1]


@pytest.mark.parametrize(
    ("behavior", "fires"),
    [("REPLACE", True), ("SKIP", True), ("DISALLOW", False), ("OVERWRITE", False),
     ("RETAIN", False), ("retain", False), ("<BEHAVIOR>", False)],
)  # fmt: skip
def test_file_exists_behavior(tmp_path, behavior, fires):
    text = ec2(EC2_VALID.replace("OVERWRITE", behavior))
    assert [line for line, _ in cdp005_problems(tmp_path, text)] == ([6] if fires else [])


@pytest.mark.parametrize(
    ("mapping", "missing"),
    [("{source: app/}", "destination"), ("{destination: /opt/shop}", "source"),
     ("{source: app/, destination: null}", "destination"), ("app/", "source or destination")],
)  # fmt: skip
def test_files_mapping_without_source_or_destination(tmp_path, mapping, missing):
    text = ec2(f"files:\n  - {{source: /, destination: /opt/a}}\n  - {mapping}\n")
    (finding,) = findings_of(scan_appspec(tmp_path, text, "CDP005"), "CDP005")
    assert finding.region.start_line == 5 and finding.resource == "appspec files[1]"
    assert f"has no {missing}" in finding.message


def test_placeholder_source_and_destination_are_fine(tmp_path):
    text = ec2("files:\n  - source: ''\n    destination: <DESTINATION>\n")
    assert cdp005_problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("script", "fires"),
    [("{timeout: 60}", True), ("{location: null}", True), ("{runas: shop}", True),
     ("{location: ''}", False), ("{location: s.sh}", False), ("{location: '${SCRIPT}'}", False)],
)  # fmt: skip
def test_hook_script_without_location(tmp_path, script, fires):
    text = ec2(f"hooks:\n  AfterInstall:\n    - {script}\n")
    expected = [(5, "A script of the AfterInstall hook has no location: the agent rejects it.")]
    assert cdp005_problems(tmp_path, text) == (expected if fires else [])


@pytest.mark.parametrize(
    ("timeout", "fires"),
    [("3601", True), ("7200", True), ("'4000'", True), ("3600", False), ("300", False),
     ("'${TIMEOUT}'", False), ("<TIMEOUT>", False)],
)  # fmt: skip
def test_timeout_over_an_hour(tmp_path, timeout, fires):
    text = ec2(f"hooks:\n  AfterInstall:\n    - location: s.sh\n      timeout: {timeout}\n")
    assert [line for line, _ in cdp005_problems(tmp_path, text)] == ([6] if fires else [])


@pytest.mark.parametrize(
    "event",
    ["ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService",
     "BeforeBlockTraffic", "AfterBlockTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"],
)  # fmt: skip
def test_ec2_events(tmp_path, event):
    text = ec2(f"hooks:\n  {event}:\n    - location: s.sh\n")
    assert cdp005_problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("event", "why"),
    [("DownloadBundle", "CodeDeploy's own step"), ("Install", "CodeDeploy's own step"),
     ("AllowTraffic", "CodeDeploy's own step"), ("AfterAllowTestTraffic", "EC2/On-Premises hooks"),
     ("afterInstall", "case-sensitive: AfterInstall"), ("PostInstall", "EC2/On-Premises hooks")],
)  # fmt: skip
def test_ec2_events_it_does_not_run(tmp_path, event, why):
    text = ec2(f"hooks:\n  {event}:\n    - location: s.sh\n")
    ((line, message),) = cdp005_problems(tmp_path, text)
    assert line == 4 and why in message


@pytest.mark.parametrize(
    ("hooks", "message"),
    [("hooks: [{AfterInstall: s.sh}]", "hooks is not a mapping of lifecycle events to scripts."),
     ("hooks:\n  AfterInstall: s.sh", "The AfterInstall hook is not a list of scripts.")],
)  # fmt: skip
def test_ec2_hooks_of_the_wrong_shape(tmp_path, hooks, message):
    assert [m for _, m in cdp005_problems(tmp_path, ec2(hooks))] == [message]


def test_an_empty_ec2_hook_is_fine(tmp_path):
    assert cdp005_problems(tmp_path, ec2("hooks:\n  AfterInstall:\n")) == []


@pytest.mark.parametrize(
    "event", ["BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic",
              "AfterAllowTraffic"]
)  # fmt: skip
def test_ecs_events(tmp_path, event):
    assert cdp005_problems(tmp_path, ECS.replace("BeforeInstall", event)) == []


@pytest.mark.parametrize("event", ["ApplicationStart", "ValidateService", "BeforeBlockTraffic"])
def test_ecs_events_it_does_not_run(tmp_path, event):
    ((line, message),) = cdp005_problems(tmp_path, ECS.replace("BeforeInstall", event))
    assert line == 11 and message.startswith(f"ECS deployments run no {event} hook")


@pytest.mark.parametrize("event", ["BeforeInstall", "AfterInstall", "AfterAllowTestTraffic"])
def test_lambda_events_it_does_not_run(tmp_path, event):
    ((line, message),) = cdp005_problems(tmp_path, LAMBDA.replace("BeforeAllowTraffic", event))
    assert line == 11 and message.startswith(f"Lambda deployments run no {event} hook")


@pytest.mark.parametrize(
    ("function", "fires"),
    [("[a, b]", True), ("{name: a}", True), ("", True), ("42", True), ("''", False),
     ("<HOOK_FUNCTION>", False), ("'${HOOK}'", False)],
)  # fmt: skip
def test_ecs_and_lambda_hooks_name_a_function(tmp_path, function, fires):
    for text in (ECS.replace("CodeDeployHook_prepare", function),
                 LAMBDA.replace("CodeDeployHook_pre", function)):  # fmt: skip
        assert bool(cdp005_problems(tmp_path, text)) == fires, text


def test_a_hooks_entry_that_is_no_mapping(tmp_path):
    text = ECS + "  - CodeDeployHook_stray\n"
    assert cdp005_problems(tmp_path, text) == [
        (13, "A Hooks entry is not an `event: function name` mapping.")
    ]


def test_ecs_needs_exactly_one_target_service(tmp_path):
    service = ECS.split("Resources:\n", 1)[1].split("Hooks:", 1)[0]
    text = ECS.replace(service, service + service.replace("TargetService", "Second"))
    assert cdp005_problems(tmp_path, text) == [
        (2, "An ECS AppSpec takes exactly one TargetService; this one lists 2 resources.")
    ]


@pytest.mark.parametrize(
    ("line", "missing"),
    [("        TaskDefinition:", "TaskDefinition"), ("          ContainerName:", "ContainerName"),
     ("          ContainerPort:", "ContainerPort")],
)  # fmt: skip
def test_ecs_target_service_properties(tmp_path, line, missing):
    text = "".join(kept for kept in ECS.splitlines(True) if not kept.startswith(line))
    ((where, message),) = cdp005_problems(tmp_path, text)
    assert where == 5 and missing in message


def test_ecs_keys_in_any_case_and_placeholders(tmp_path):
    text = (
        "version: 0.0\nresources:\n  - TargetService:\n      type: AWS::ECS::Service\n"
        "      properties:\n        taskDefinition: <TASK_DEFINITION>\n"
        "        loadBalancerInfo: {containerName: '', containerPort: '${PORT}'}\n"
        "hooks:\n  - BeforeInstall: ''\n"
    )
    assert cdp005_problems(tmp_path, text, name="appspec.yaml") == []


@pytest.mark.parametrize("name", ["Name", "Alias", "CurrentVersion", "TargetVersion"])
def test_lambda_function_properties(tmp_path, name):
    text = "".join(
        line for line in LAMBDA.splitlines(True) if not line.startswith(f"        {name}:")
    )
    ((line, message),) = cdp005_problems(tmp_path, text)
    assert line == 5 and f"has no {name} in its Properties" in message


def test_json_lambda_appspec(tmp_path):
    spec = {
        "version": 0.0,
        "Resources": [{"fn": {"Type": "AWS::Lambda::Function", "Properties": {"Name": "fn"}}}],
        "Hooks": [{"BeforeAllowTraffic": "pre"}],
    }
    ((_, message),) = cdp005_problems(tmp_path, json.dumps(spec, indent=2), name="appspec.json")
    assert "has no Alias, CurrentVersion, TargetVersion" in message


def test_problems_on_one_line_have_their_own_fingerprints(tmp_path):
    text = "files: {}\nhooks: []\n"  # neither version nor os, both reported at line 1
    found = findings_of(scan_appspec(tmp_path, text, "CDP005"), "CDP005")
    assert len(found) == 4 and len({f.fingerprint for f in found}) == 4


@pytest.mark.parametrize(
    "body",
    ["files: <FILES>", "files:\n  - '${FILE_MAPPING}'", "hooks: '{{ hooks }}'",
     "hooks:\n  AfterInstall: <AFTER_INSTALL_SCRIPTS>", "hooks:\n  AfterInstall:\n    - $SCRIPT",
     "hooks:\n  AfterInstall:\n    - ''"],
)  # fmt: skip
def test_a_placeholder_for_a_whole_ec2_section_or_entry_is_fine(tmp_path, body):
    """A pipeline may fill in a whole list or map, not only a scalar."""
    assert cdp005_problems(tmp_path, ec2(body)) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [("      Properties:\n", "      Properties: <SERVICE_PROPERTIES>\n"),
     ("        LoadBalancerInfo:\n", "        LoadBalancerInfo: ${LB_INFO}\n"),
     ("Hooks:\n", "Hooks: <HOOKS>\n"),
     ("  - BeforeInstall: CodeDeployHook_prepare\n", "  - <BEFORE_INSTALL_HOOK>\n")],
)  # fmt: skip
def test_a_placeholder_for_a_whole_ecs_map_is_fine(tmp_path, old, new):
    lines = ECS.replace(old, new).splitlines(True)
    # the replaced map's own keys go with it
    if "Properties:" in old:
        lines = [line for line in lines if not line.startswith("        ")]
    if "LoadBalancerInfo" in old:
        lines = [line for line in lines if not line.startswith("          ")]
    if old == "Hooks:\n":
        lines = [line for line in lines if not line.startswith("  - ") or "Target" in line]
    assert cdp005_problems(tmp_path, "".join(lines)) == []


def test_a_section_of_the_wrong_shape_that_is_no_placeholder_still_fires(tmp_path):
    assert [m for _, m in cdp005_problems(tmp_path, ec2("files: app/"))] == [
        "files is not a list of source and destination mappings."
    ]


@pytest.mark.parametrize(
    ("timeout", "fires"),
    [("0", True), ("-5", True), ("'0'", True), ("0.5", True), ("-.inf", True), ("1", False),
     ("null", False), (".nan", False)],
)  # fmt: skip
def test_a_timeout_without_a_whole_second(tmp_path, timeout, fires):
    # The agent takes the timeout's whole seconds (`to_i`) and rejects a script with none.
    text = ec2(f"hooks:\n  AfterInstall:\n    - location: s.sh\n      timeout: {timeout}\n")
    problems = cdp005_problems(tmp_path, text)
    assert [line for line, _ in problems] == ([6] if fires else [])
    assert all("at least 1 second" in message for _, message in problems)


PERMISSIONS = """files:
  - source: /
    destination: /opt/shop
permissions:
  - object: /opt/shop
    pattern: "**"
    except: [/opt/shop/tmp]
    owner: shop
    mode: 755
    type: [file, directory]
"""


@pytest.mark.parametrize(
    ("old", "new", "resource"),
    [("type: [file, directory]", "type: [files]", "appspec permissions[0]"),
     ("type: [file, directory]", "type: [File]", "appspec permissions[0]"),
     ("type: [file, directory]", "type: file", "appspec permissions[0]"),
     ("- object: /opt/shop\n", "- owner: root\n", "appspec permissions[0]"),
     ("os: linux", "os: windows", "appspec")],
)  # fmt: skip
def test_permissions_the_agent_rejects(tmp_path, old, new, resource):
    text = ec2(PERMISSIONS).replace(old, new)
    (finding,) = findings_of(scan_appspec(tmp_path, text, "CDP005"), "CDP005")
    assert finding.resource == resource
    assert finding.region.start_line == (6 if resource == "appspec" else 7)


@pytest.mark.parametrize(
    ("old", "new"),
    [("", ""), ("type: [file, directory]", "type: [directory]"),
     ("type: [file, directory]", "type: <TYPES>"), ("    type: [file, directory]\n", ""),
     ("permissions:\n", "other:\n")],
)  # fmt: skip
def test_permissions_the_agent_takes(tmp_path, old, new):
    text = ec2(PERMISSIONS).replace(old, new) if old else ec2(PERMISSIONS)
    assert cdp005_problems(tmp_path, text) == []


def test_a_windows_appspec_without_permissions_is_fine(tmp_path):
    text = ec2("files:\n  - source: /\n    destination: C:\\\\inetpub\\\\shop\n", "windows")
    assert cdp005_problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("old", "new", "effect"),
    [("hooks:", "Hooks:", "ignores the section"), ("files:", "Files:", "ignores the section"),
     ("permissions:", "PERMISSIONS:", "ignores the section"),
     ("version: 0.0", "Version: 0.0", "rejects the AppSpec"),
     ("os: linux", "OS: linux", "rejects the AppSpec")],
)  # fmt: skip
def test_ec2_sections_the_agent_reads_only_in_lower_case(tmp_path, old, new, effect):
    # The agent looks its sections up in a Ruby hash: `yaml_hash['hooks']`.
    body = EC2_VALID + "permissions:\n  - object: /opt/shop\n    owner: shop\n"
    text = ec2(body).replace(old, new, 1)
    ((line, message),) = cdp005_problems(tmp_path, text)
    assert (
        line == text.splitlines().index(next(x for x in text.splitlines() if x.startswith(new))) + 1
    )
    assert f"misses `{new.split(':')[0]}` and {effect}" in message


def test_ecs_and_lambda_sections_in_any_case(tmp_path):
    assert cdp005_problems(tmp_path, ECS.replace("version:", "Version:")) == []
