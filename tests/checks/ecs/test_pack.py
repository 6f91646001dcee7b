"""The ECS pack as a whole: one task in JSON and in CloudFormation gives the same rules, and
CFN027 is superseded (it stays known, emits nothing, and what names it carries over to ECS001,
ECS002, ECS003, ECS007 and ECS008 on AWS::ECS::TaskDefinition resources)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.model.rules import Severity
from guardlint.parse.yaml_loader import load_plain
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.checks.ecs import container, task, template_of
from tests.conftest import FIXTURES, NEVER_OR_MAYBE, findings_of, run_scan, write_file

SAME_TASK = FIXTURES / "ecs" / "same-task"
SUPPRESSED = FIXTURES / "ecs" / "CFN027-suppressed"
SUCCESSORS = {"ECS001", "ECS002", "ECS003", "ECS007", "ECS008"}
NOTICE = (
    "guardlint: CFN027 is deprecated, superseded by ECS001, ECS002, ECS003, ECS007, ECS008; "
    "what names it applies to those rules on AWS::ECS::TaskDefinition resources\n"
)


def _ecs_rules(path) -> list[tuple[str, str]]:
    """(rule, container or task) of the ECS findings, in a comparable form."""
    return sorted(
        (f.rule_id, f.resource.rsplit(" container ", 1)[-1] if " container " in f.resource else "")
        for f in run_scan(path).findings
        if f.pack == "ecs"
    )


def test_the_same_task_in_json_and_cloudformation_gives_the_same_findings():
    in_json = _ecs_rules(SAME_TASK / "json")
    in_cloudformation = _ecs_rules(SAME_TASK / "cloudformation")
    assert {rule for rule, _ in in_json} == {f"ECS0{n:02}" for n in range(1, 16)} - {"ECS014"}
    assert in_json == in_cloudformation


# ---- CFN027 superseded

# A task definition CFN027 reported on five counts (privileged, root, writable, a secret, the
# host network), and one it did not (pidMode host, ECS004); a standalone task definition that
# CFN027 never covered.
TEMPLATE = template_of(
    task(
        container(
            privileged=True,
            user="root",
            readonlyRootFilesystem=False,
            environment=[{"name": "DB_PASSWORD", "value": "Wk3nQ8vZp2Lr6Tx9"}],
        ),
        networkMode="host",
        pidMode="host",
    )
)
STANDALONE = json.dumps(task(container(privileged=True)), indent=2)


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_file(tmp_path, "template.yaml", TEMPLATE)
    write_file(tmp_path, "taskdef.json", STANDALONE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def _active(result) -> list[tuple[str, str]]:
    report = json.loads(result.stdout)
    return sorted((f["rule_id"], f["path"]) for f in report["findings"] if "suppression" not in f)


def test_cfn027_emits_nothing_and_its_parts_are_the_ecs_rules(project):
    result = run_scan(project)
    assert not findings_of(result, "CFN027")
    in_template = {f.rule_id for f in result.findings if f.path == "template.yaml"}
    assert in_template >= SUCCESSORS
    assert "CFN027" not in {rule.id for rule in result.rules}


def test_rules_lists_cfn027_as_deprecated():
    text = _invoke("rules").stdout
    (line,) = [line for line in text.splitlines() if line.startswith("CFN027")]
    assert line.endswith("(deprecated, superseded by ECS001, ECS002, ECS003, ECS007, ECS008)")
    rows = {row["id"]: row for row in json.loads(_invoke("rules", "-f", "json").stdout)}
    assert rows["CFN027"]["deprecated"] is True
    assert rows["CFN027"]["superseded_by"] == sorted(SUCCESSORS)
    assert "deprecated" not in rows["ECS001"]
    assert _invoke("explain", "CFN027").exit_code == 0


def test_a_suppressed_cfn027_keeps_ecs001_quiet():
    result = run_scan(SUPPRESSED)
    successors = [f for f in result.findings if f.rule_id in SUCCESSORS]
    assert {f.rule_id for f in successors} == {"ECS001", "ECS003", "ECS008"}
    assert all(f.suppression is not None for f in successors)
    assert not [f for f in result.active_findings if f.rule_id == "ECS001"]
    reasons = {f.suppression.justification for f in successors}
    assert reasons == {"the node agent needs the host; reviewed by the platform team",
                       "the worker mounts FUSE filesystems"}  # fmt: skip
    assert result.superseded_named == {"CFN027"}


def test_an_inline_cfn027_ignore_covers_only_the_successors_on_its_lines(tmp_path):
    write_file(tmp_path, "template.yaml", TEMPLATE.replace(
        "      Privileged: true", "      Privileged: true  # guardlint:ignore CFN027 -- reviewed"
    ))  # fmt: skip
    result = run_scan(tmp_path)
    suppressed = {f.rule_id for f in result.findings if f.suppression is not None}
    assert suppressed == {"ECS001"}


def test_a_cfn027_ignore_does_not_cover_other_rules_or_inputs(tmp_path):
    """ECS009 was never part of CFN027; a standalone task definition was never CFN's."""
    shutil.copytree(SUPPRESSED, tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "template.yaml").read_text()
    write_file(tmp_path, "template.yaml", text.replace("example/node-agent:2.1", "example/agent"))
    result = run_scan(tmp_path)
    (latest,) = findings_of(result, "ECS009")
    assert latest.suppression is None


def test_the_notice_is_one_line_on_stderr_and_not_an_error(project):
    write_file(project, ".guardlint.yaml", "disable: [CFN027]\nseverity: {CFN027: low}\n")
    text = TEMPLATE.replace(
        "      Privileged: true", "      Privileged: true  # guardlint:ignore CFN027 -- ok"
    )
    write_file(project, "template.yaml", text)
    result = _invoke("scan", ".", "-f", "json", "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stderr.count("CFN027 is deprecated") == 1
    assert NOTICE in result.stderr
    assert "CFN027" not in _invoke("scan", ".", "-q", "-f", "json").stderr


def test_config_disable_of_cfn027_disables_its_parts_on_template_task_definitions(project):
    before = _active(_invoke("scan", ".", "-f", "json"))
    write_file(project, ".guardlint.yaml", "disable: [CFN027]\n")
    after = _active(_invoke("scan", ".", "-f", "json"))
    dropped = sorted(set(before) - set(after))
    assert dropped == sorted((rule, "template.yaml") for rule in SUCCESSORS)
    assert ("ECS001", "taskdef.json") in after  # never CFN027's
    assert ("ECS004", "template.yaml") in after  # never one of its parts


def test_skip_rule_and_rule_cfn027_on_the_command_line(project):
    skipped = _active(_invoke("scan", ".", "-f", "json", "--skip-rule", "CFN027"))
    assert not [rule for rule, path in skipped if rule in SUCCESSORS and path == "template.yaml"]
    only = _active(_invoke("scan", ".", "-f", "json", "--rule", "CFN027"))
    assert {rule for rule, _ in only} == SUCCESSORS  # not ECS004
    assert {path for _, path in only} == {"template.yaml"}


def test_a_cfn027_severity_override_applies_to_its_parts(project):
    write_file(project, ".guardlint.yaml", "severity: {CFN027: info, ECS002: high}\n")
    report = json.loads(_invoke("scan", ".", "-f", "json").stdout)
    severities = {(f["rule_id"], f["path"]): f["severity"] for f in report["findings"]}
    assert severities["ECS001", "template.yaml"] == "info"
    assert severities["ECS002", "template.yaml"] == "high"  # its own override wins
    assert severities["ECS007", "template.yaml"] == "info"
    assert severities["ECS001", "taskdef.json"] == Severity.CRITICAL.label


def test_a_cfn027_baseline_entry_covers_its_parts_on_the_same_path_and_resource(project):
    resource = "AWS::ECS::TaskDefinition Task container app"
    baseline = {"version": 1, "findings": [
        {"fingerprint": "0" * 32, "rule_id": "CFN027", "path": "template.yaml",
         "resource": resource},
        {"fingerprint": "1" * 32, "rule_id": "CFN027", "path": "taskdef.json",
         "resource": "task definition web container app"},
    ]}  # fmt: skip
    write_file(project, "baseline.json", json.dumps(baseline))
    result = _invoke("scan", ".", "-f", "json", "--baseline", "baseline.json")
    assert NOTICE in result.stderr
    report = json.loads(result.stdout)
    baselined = sorted(
        f["rule_id"] for f in report["findings"]
        if f.get("suppression", {}).get("kind") == "external"
    )  # fmt: skip
    # The container's four parts; not the task's host network (another resource), not the
    # standalone file (CFN027 never covered it).
    assert baselined == ["ECS001", "ECS002", "ECS007", "ECS008"]


@pytest.mark.parametrize(
    ("superseded_by", "problem"),
    [
        ({"rules": ["ECS999"], "resource_type": "AWS::ECS::TaskDefinition"},
         "superseded by ECS999, which is not a rule in force"),
        ({"rules": ["CFN027"], "resource_type": "AWS::ECS::TaskDefinition"},
         "superseded by CFN027, which is not a rule in force"),
        ({"rules": []}, "needs rules (a list of rule IDs) and a resource_type"),
    ],
)  # fmt: skip
def test_a_built_in_superseded_rule_is_checked_when_the_packs_load(
    tmp_path, superseded_by, problem
):
    path = os.path.join(builtin_rules_dir(), "cloudformation.yaml")
    packs = [load_pack(p) for p in pack_files(builtin_rules_dir()) if p != path]
    pack = load_plain(Path(path).read_text())
    (old,) = [rule for rule in pack["rules"] if rule["id"] == "CFN027"]
    old["superseded_by"] = superseded_by
    changed = write_file(tmp_path, "cloudformation.yaml", yaml.safe_dump(pack))
    with pytest.raises(RuleError, match=re.escape(problem)):
        Rulebook([*packs, load_pack(changed)])


def test_a_pack_name_in_the_config_does_not_name_cfn027(project):
    """Disabling or enabling the cloudformation pack says nothing about the ECS rules."""
    write_file(project, ".guardlint.yaml", "disable: [cloudformation]\n")
    result = _invoke("scan", ".", "-f", "json")
    assert ("ECS001", "template.yaml") in _active(result)
    assert "deprecated" not in result.stderr
    write_file(project, ".guardlint.yaml", "enable: [cloudformation]\n")
    assert not [
        rule for rule, _ in _active(_invoke("scan", ".", "-f", "json")) if rule[:3] == "ECS"
    ]


_CONDITIONAL = (
    NEVER_OR_MAYBE
    + """  Task:
    Type: AWS::ECS::TaskDefinition
    Condition: COND
    Properties:
      NetworkMode: host
      PidMode: host
      TaskRoleArn: arn:aws:iam::123456789012:role/app
      ExecutionRoleArn: arn:aws:iam::123456789012:role/app
      ContainerDefinitions:
        - Name: app
          Image: nginx
          Privileged: true
          User: root
          MountPoints: [{SourceVolume: sock, ContainerPath: /var/run/docker.sock}]
          LinuxParameters: {Capabilities: {Add: [SYS_ADMIN]}}
          Environment:
            - {Name: DB_PASSWORD, Value: "s3cr3t-Pa55w0rd-value"}
      Volumes:
        - {Name: sock, Host: {SourcePath: /var/run/docker.sock}}
        - {Name: files, EFSVolumeConfiguration: {FilesystemId: fs-1}}
  Service:
    Type: AWS::ECS::Service
    Condition: COND
    Properties:
      NetworkConfiguration: {AwsvpcConfiguration: {AssignPublicIp: ENABLED}}
"""
)


def test_resources_never_created_are_judged_only_for_their_secrets(tmp_path):
    """As in the CFN pack: a resource whose Condition is always false is never deployed, but
    a secret written in it is in the repository all the same (ECS007)."""
    write_file(tmp_path / "never", "template.yaml", _CONDITIONAL.replace("COND", "Never"))
    never = {f.rule_id for f in run_scan(tmp_path / "never").findings if f.pack == "ecs"}
    assert never == {"ECS007"}
    write_file(tmp_path / "maybe", "template.yaml", _CONDITIONAL.replace("COND", "Maybe"))
    maybe = {f.rule_id for f in run_scan(tmp_path / "maybe").findings if f.pack == "ecs"}
    assert maybe >= {
        "ECS001", "ECS002", "ECS003", "ECS004", "ECS005", "ECS006", "ECS007", "ECS008",
        "ECS009", "ECS010", "ECS011", "ECS012", "ECS014",
    }  # fmt: skip
