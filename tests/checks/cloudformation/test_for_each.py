"""Resources an Fn::ForEach loop generates (AWS::LanguageExtensions) are checked like any
other, named by their generated logical IDs and found on the loop's lines."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

ADMIN_LOOP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Names: {{Type: CommaDelimitedList, Default: '{names}'}}
Resources:
  Fn::ForEach::Once:
    - X
    - {collection}
    - ${{X}}Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}
          ManagedPolicyArns: [arn:aws:iam::aws:policy/{managed}]
          Policies:
            - PolicyName: p
              PolicyDocument:
                Version: "2012-10-17"
                Statement: [{{Effect: Allow, Action: "{action}", Resource: "*"}}]
      ${{X}}SG:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: x
          SecurityGroupIngress: [{{IpProtocol: "-1", CidrIp: {cidr}}}]
"""


def _found(result, *rule_ids: str) -> list[tuple[str, str, int]]:
    return sorted(
        (rule_id, finding.resource, finding.region.start_line)
        for rule_id in rule_ids
        for finding in findings_of(result, rule_id)
    )


def test_generated_resources_are_checked_by_every_rule(tmp_path):
    text = ADMIN_LOOP.format(
        names="x", collection="[Admin]", managed="AdministratorAccess", action="*",
        cidr="0.0.0.0/0",
    )  # fmt: skip
    result = scan_text(tmp_path, text)
    assert _found(result, "CFN026", "IAM001", "CFN008") == [
        ("CFN008", "AWS::EC2::SecurityGroup AdminSG", 26),
        ("CFN026", "AWS::IAM::Role AdminRole", 16),
        ("IAM001", "AWS::IAM::Role AdminRole Statement 1", 21),
    ]
    assert not findings_of(result, "CFN028")


def test_a_loop_over_a_list_parameter_checks_each_item(tmp_path):
    text = ADMIN_LOOP.format(
        names="Build, Deploy", collection="!Ref Names", managed="ReadOnlyAccess",
        action="s3:GetObject", cidr="0.0.0.0/0",
    )  # fmt: skip
    result = scan_text(tmp_path, text)
    assert _found(result, "CFN008") == [
        ("CFN008", "AWS::EC2::SecurityGroup BuildSG", 26),
        ("CFN008", "AWS::EC2::SecurityGroup DeploySG", 26),
    ]


def test_safe_generated_resources_stay_silent(tmp_path):
    text = ADMIN_LOOP.format(
        names="x", collection="[Build, Deploy]", managed="ReadOnlyAccess",
        action="s3:GetObject", cidr="10.0.0.0/8",
    )  # fmt: skip
    result = scan_text(tmp_path, text)
    assert not _found(result, "CFN026", "IAM001", "IAM003", "IAM005", "CFN008", "CFN028")


def test_a_template_whose_resources_are_all_loops_is_a_template(tmp_path):
    """AWSTemplateFormatVersion is optional: Resources holding only loops make a template."""
    text = """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [Logs, Assets]
    - ${Name}Bucket:
        Type: AWS::S3::Bucket
        Properties: {AccessControl: PublicReadWrite}
"""
    result = scan_text(tmp_path, text)
    assert _found(result, "CFN002") == [
        ("CFN002", "AWS::S3::Bucket AssetsBucket", 8),
        ("CFN002", "AWS::S3::Bucket LogsBucket", 8),
    ]
