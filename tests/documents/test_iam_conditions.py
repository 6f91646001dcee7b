"""IAM policies in templates whose `Fn::If` conditions are known statically
(guardlint/documents/iam/policy.py `branches`, guardlint/documents/cloudformation/conditions.py):
a branch the stack never takes is not judged."""

from __future__ import annotations

from tests.conftest import findings_of, lines_of, run_scan, write_file

STATIC_CONDITIONS = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev]}
  Stage: {Type: String, Default: dev}
Conditions:
  Never: !Equals [a, b]
  Always: !Equals [a, a]
  NotAlways: !Not [!Condition Always]
  OnlyDev: !Equals [!Ref Env, prod]
  Maybe: !Equals [!Ref Stage, prod]
Resources:
  WholeStatement:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: !If
          - Never
          - [{Effect: Allow, Action: "*", Resource: "*"}]
          - [{Effect: Allow, Action: sqs:GetQueueUrl, Resource: "*"}]
  StatementEntry:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - Always
            - {Effect: Allow, Action: sqs:GetQueueUrl, Resource: "*"}
            - {Effect: Allow, Action: "*", Resource: "*"}
  ActionValue:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: !If [NotAlways, "*:*", sqs:GetQueueUrl]
            Resource: !If [NotAlways, "*", arn:aws:sqs:us-east-1:123456789012:jobs]
  WholeDocument:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Roles: [r]
      PolicyDocument: !If
        - OnlyDev
        - Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
        - Statement: [{Effect: Allow, Action: sqs:GetQueueUrl, Resource: "*"}]
  PolicyList:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:*}]
      Policies: !If
        - Never
        - - PolicyName: admin
            PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
        - - !If
            - Always
            - !Ref AWS::NoValue
            - PolicyName: admin
              PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
  EitherWay:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - Maybe
            - {Effect: Allow, Action: sqs:GetQueueUrl, Resource: "*"}
            - {Effect: Allow, Action: "*", Resource: "*"}
          - !If
            - Always
            - {Effect: Allow, Action: "*", Resource: "*"}
            - {Effect: Allow, Action: sqs:GetQueueUrl, Resource: "*"}
"""


def test_a_branch_a_static_condition_never_takes_is_not_judged(tmp_path):
    """Statements, values, documents and policy lists behind an `Fn::If` whose condition is
    known (literals, a parameter with one allowed value) are judged by the branch taken; a
    condition on a parameter that may take any value leaves both."""
    result = run_scan(write_file(tmp_path, "template.yaml", STATIC_CONDITIONS).parent)
    either_way = [
        "AWS::IAM::ManagedPolicy EitherWay Statement 1",
        "AWS::IAM::ManagedPolicy EitherWay Statement 2",
    ]
    assert [f.resource for f in findings_of(result, "IAM001")] == either_way
    assert lines_of(result, "IAM001") == [72, 75]
    # IAM003 reports `*` beside IAM001; sqs:GetQueueUrl only reads.
    assert [f.resource for f in findings_of(result, "IAM003")] == either_way
