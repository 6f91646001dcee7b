"""ECS011 (checks/ecs/roles.py): one role as task role and execution role."""

from __future__ import annotations

import pytest

from tests.checks.ecs import BOTH_INPUTS, found, scan_text, task
from tests.conftest import findings_of

# ---- ECS011 task-role-is-execution-role

ROLE = "arn:aws:iam::123456789012:role/app"


@BOTH_INPUTS
def test_same_role_catches(tmp_path, scan):
    assert found(scan, tmp_path, task(taskRoleArn=ROLE, executionRoleArn=ROLE), "ECS011")


@BOTH_INPUTS
@pytest.mark.parametrize(
    "roles",
    [{"executionRoleArn": ROLE}, {"taskRoleArn": ROLE},
     {"taskRoleArn": ROLE, "executionRoleArn": ROLE + "-execution"},
     {"taskRoleArn": "<ROLE_ARN>", "executionRoleArn": "<ROLE_ARN>"},
     {"taskRoleArn": "", "executionRoleArn": ""}],
)  # fmt: skip
def test_same_role_doesnt_catch_missing_different_or_placeholders(tmp_path, scan, roles):
    assert not found(scan, tmp_path, task(**roles), "ECS011")


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("task_role", "execution_role"),
    [("app", ROLE), (" app ", "arn:aws:iam::123456789012:role/service-role/app"),
     ("app", "arn:aws-cn:iam::123456789012:role/app"),
     ("arn:aws:iam::123456789012:role/ecs/app", ROLE), (ROLE, "arn:aws:iam::<ACCOUNT>:role/app")],
)  # fmt: skip
def test_same_role_by_short_name_and_arn(tmp_path, scan, task_role, execution_role):
    """The task role may be given by its short name, the execution role by its ARN; a role's
    name is unique in its account whatever its path."""
    roles = {"taskRoleArn": task_role, "executionRoleArn": execution_role}
    assert found(scan, tmp_path, task(**roles), "ECS011")


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("task_role", "execution_role"),
    [("apps", ROLE), ("app", "arn:aws:iam::123456789012:role/app-execution"),
     ("app", "arn:aws:iam::123456789012:user/app"), ("role/app", ROLE),
     ("arn:aws:iam::111111111111:role/app", ROLE), ("App", ROLE),
     ("REPLACE_ME", "arn:aws:iam::123456789012:role/REPLACE_ME")],
)  # fmt: skip
def test_different_roles_by_name_dont_catch(tmp_path, scan, task_role, execution_role):
    roles = {"taskRoleArn": task_role, "executionRoleArn": execution_role}
    assert not found(scan, tmp_path, task(**roles), "ECS011")


def test_same_role_by_name_in_a_template_with_an_unknown_account(tmp_path):
    text = """Resources:
  Named:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: ecsTaskExecution
      ExecutionRoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ecsTaskExecution"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  Other:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: app
      ExecutionRoleArn: !Sub "arn:aws:iam::${AWS::AccountId}:role/${AWS::StackName}-app"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  TwoArns:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":role/app"]]
      ExecutionRoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
"""
    result = scan_text(tmp_path, "template.yaml", text, "ECS011")
    assert [f.resource for f in findings_of(result, "ECS011")] == [
        "AWS::ECS::TaskDefinition Named", "AWS::ECS::TaskDefinition TwoArns"
    ]  # fmt: skip


def test_same_role_in_a_template(tmp_path):
    text = """Parameters:
  Shared: {Type: String, Default: "arn:aws:iam::123456789012:role/app"}
  Other: {Type: String}
Resources:
  Role: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
  Second: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
  RefAndArn:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Ref Role
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SameParameter:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Ref Shared
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/app"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  Different:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !GetAtt Role.Arn
      ExecutionRoleArn: !GetAtt Second.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  Unknown:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Ref Other
      ExecutionRoleArn: !ImportValue shared-execution-role
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SubOfArn:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Sub "${Role.Arn}"
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SubOfName:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: {"Fn::Sub": ["${Role}", {}]}
      ExecutionRoleArn: !Sub "${ Role.Arn }"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SubVariable:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Sub ["${Exec}", {Exec: !GetAtt Role.Arn}]
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SubOfOther:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Sub "${Second.Arn}"
      ExecutionRoleArn: !Sub ["${Role}", {Role: !GetAtt Role.Arn}]
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  SubWithText:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Sub "${Role.Arn}-task"
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  BranchOfSame:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !If [Maybe, !GetAtt Role.Arn, !Ref AWS::NoValue]
      ExecutionRoleArn: !If [Maybe, !Ref Second, !Sub "${Role.Arn}"]
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  BranchOfOther:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !If [Maybe, !GetAtt Second.Arn, !Ref AWS::NoValue]
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  BranchNeverTaken:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !If [Never, !GetAtt Role.Arn, !GetAtt Second.Arn]
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
Conditions:
  Maybe: !Equals [!Ref Other, prod]
  Never: !Equals [a, b]
"""
    result = scan_text(tmp_path, "template.yaml", text, "ECS011")
    assert [f.resource for f in findings_of(result, "ECS011")] == [
        "AWS::ECS::TaskDefinition RefAndArn",
        "AWS::ECS::TaskDefinition SameParameter",
        "AWS::ECS::TaskDefinition SubOfArn",
        "AWS::ECS::TaskDefinition SubOfName",
        "AWS::ECS::TaskDefinition SubVariable",
        "AWS::ECS::TaskDefinition BranchOfSame",
    ]


def test_a_role_the_template_names_is_its_name_and_arn(tmp_path):
    """A role whose RoleName (and Path) the template writes: its Ref is that name and its Arn
    `arn:...:role<path><name>`, however the other setting spells the same role."""
    text = """Resources:
  Exec:
    Type: AWS::IAM::Role
    Properties: {RoleName: app-exec, Path: /ecs/, AssumeRolePolicyDocument: {}}
  Unnamed: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
  ByName:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: app-exec
      ExecutionRoleArn: !GetAtt Exec.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  WrittenOut:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: !Sub "arn:aws:iam::${AWS::AccountId}:role/ecs/${Exec}"
      ExecutionRoleArn: !Sub "${Exec.Arn}"
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  Other:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: app
      ExecutionRoleArn: !GetAtt Exec.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
  NotNamed:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: Unnamed
      ExecutionRoleArn: !GetAtt Unnamed.Arn
      ContainerDefinitions: [{Name: a, Image: "x:1"}]
"""
    result = scan_text(tmp_path, "template.yaml", text, "ECS011")
    assert [f.resource for f in findings_of(result, "ECS011")] == [
        "AWS::ECS::TaskDefinition ByName", "AWS::ECS::TaskDefinition WrittenOut"
    ]  # fmt: skip
