"""IAM006, IAM007, IAM012 on Resource entries a template writes with intrinsics: an ARN that
`Fn::Join` or `Fn::Sub` (with a variable map) builds around the stack's account or region
reaches as far as the same ARN written with `!Sub "...${AWS::AccountId}..."`."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file

TEMPLATE = """\
Parameters:
  AppName: {{Type: String, Default: orders}}
  AnyName: {{Type: String, Default: "*"}}
  Unknown: {{Type: String}}
Resources:
  Bucket: {{Type: AWS::S3::Bucket}}
  Deploy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: {action}
            Resource: {resource}
"""


def _rules(tmp_path, action: str, resource: str, rule: str) -> list:
    text = TEMPLATE.format(action=action, resource=resource)
    return findings_of(run_scan(write_file(tmp_path, "template.yaml", text).parent), rule)


@pytest.mark.parametrize(
    ("action", "resource", "rule"),
    [
        (
            "iam:PassRole",
            "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':role/*']]",
            "IAM006",
        ),
        (
            "iam:PassRole",
            "!Join ['', ['arn:aws:iam::', !Ref 'AWS::AccountId', ':role/*']]",
            "IAM006",
        ),
        (
            "kms:Decrypt",
            "!Join [':', ['arn:aws:kms', !Ref 'AWS::Region', !Ref 'AWS::AccountId', 'key/*']]",
            "IAM007",
        ),
        (
            "iam:PassRole",
            "!Sub ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}', {Name: '*'}]",
            "IAM006",
        ),
        # A parameter's Default is its value (`*` here), as a Ref of it reads.
        (
            "ssm:GetParameter",
            "!Sub 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${AnyName}'",
            "IAM012",
        ),
    ],
)
def test_an_arn_built_around_the_account_reaches_every_resource_of_its_type(
    tmp_path, action, resource, rule
):
    (found,) = _rules(tmp_path, action, resource, rule)
    assert found.region.start_line == 14  # the Action granted


@pytest.mark.parametrize(
    ("action", "resource", "rule"),
    [
        (
            "iam:PassRole",
            "!Join ['', ['arn:aws:iam::', !Ref 'AWS::AccountId', ':role/', !Ref AppName]]",
            "IAM006",
        ),
        (
            "iam:PassRole",
            "!Join ['', ['arn:aws:iam::', !Ref 'AWS::AccountId', ':role/', !Ref Unknown]]",
            "IAM006",
        ),
        # What the template cannot know is never taken for a wildcard.
        (
            "iam:PassRole",
            "!Join ['', ['arn:aws:iam::', !Ref 'AWS::AccountId', ':', !Ref Unknown, '*']]",
            "IAM006",
        ),
        ("s3:GetObject", "!Join ['', [!GetAtt Bucket.Arn, '/*']]", "IAM012"),
        ("s3:GetObject", "!Join ['', ['arn:aws:s3:::', !Ref Bucket, '/*']]", "IAM012"),
        (
            "iam:PassRole",
            "!Sub ['arn:aws:iam::${AWS::AccountId}:role/${Name}', {Name: !Ref AppName}]",
            "IAM006",
        ),
    ],
)
def test_an_arn_built_around_a_name_is_scoped(tmp_path, action, resource, rule):
    assert not _rules(tmp_path, action, resource, rule)
