"""IAM005 on a bucket policy whose bucket, in the same template, sets RestrictPublicBuckets:
S3 then limits what a public policy grants to AWS services and the bucket owner's account."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file

_TEMPLATE = """\
Parameters:
  Env: {{Type: String, AllowedValues: [prod, dev]}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
{restrict}
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: {bucket}
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${{Site.Arn}}/*"
"""


def _public(tmp_path, restrict: str, bucket: str = "!Ref Site") -> bool:
    line = f"        RestrictPublicBuckets: {restrict}" if restrict else ""
    text = _TEMPLATE.format(restrict=line, bucket=bucket)
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    return bool(findings_of(result, "IAM005"))


@pytest.mark.parametrize("restrict", ["true", '"true"', "!If [IsProd, true, true]"])
def test_a_policy_of_a_bucket_restricting_public_access_is_not_public(tmp_path, restrict):
    assert not _public(tmp_path, restrict)


@pytest.mark.parametrize(
    ("restrict", "bucket"),
    [
        ("", "!Ref Site"),  # RestrictPublicBuckets absent: false
        ("false", "!Ref Site"),
        ("!If [IsProd, true, false]", "!Ref Site"),  # one deployment does not restrict
        ("!Ref AWS::NoValue", "!Ref Site"),
        ("true", "other-bucket"),  # another bucket's policy, whose settings are not known
    ],
)
def test_a_policy_of_a_bucket_that_may_not_restrict_is_public(tmp_path, restrict, bucket):
    assert _public(tmp_path, restrict, bucket)


_ACCESS_POINT = """\
Resources:
  Site:
    Type: AWS::S3::Bucket
{bucket_block}
  Point:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: !Ref Site
{point_block}
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{AWS: "*"}}
            Action: s3:GetObject
            Resource: arn:aws:s3:us-east-1:111122223333:accesspoint/point/object/*
"""
_OPEN = "PublicAccessBlockConfiguration: {BlockPublicPolicy: false, RestrictPublicBuckets: false}"
_RESTRICTED = "PublicAccessBlockConfiguration: {RestrictPublicBuckets: true}"


@pytest.mark.parametrize(
    ("bucket_block", "point_block", "public"),
    [
        # AWS turns on all four settings of an access point unless its creation turns them off.
        ("", "", False),
        ("", _RESTRICTED, False),
        ("", _OPEN, True),
        # A request through the access point is refused when its bucket's settings block it.
        (_RESTRICTED, _OPEN, False),
    ],
)
def test_an_access_point_policy_is_public_only_where_no_block_restricts_it(
    tmp_path, bucket_block, point_block, public
):
    text = _ACCESS_POINT.format(
        bucket_block=f"    Properties:\n      {bucket_block}" if bucket_block else "",
        point_block=f"      {point_block}" if point_block else "",
    )
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is public


@pytest.mark.parametrize(
    ("restrict", "principal", "public"),
    [
        # Public only where IsProd is true, which restricts public access there.
        ("!If [IsProd, true, false]", '!If [IsProd, "*", {AWS: "arn:aws:iam::1:root"}]', False),
        # Public only where IsProd is false, which does not restrict.
        ("!If [IsProd, false, true]", '!If [IsProd, "*", {AWS: "arn:aws:iam::1:root"}]', True),
        ("!If [IsProd, true, false]", '!If [IsProd, {AWS: "arn:aws:iam::1:root"}, "*"]', True),
    ],
)
def test_a_block_is_judged_with_the_principal_its_own_deployment_writes(
    tmp_path, restrict, principal, public
):
    text = _TEMPLATE.format(
        restrict=f"        RestrictPublicBuckets: {restrict}", bucket="!Ref Site"
    ).replace('Principal: "*"', f"Principal: {principal}")
    result = run_scan(write_file(tmp_path, "template.yaml", text).parent, only_rules={"IAM005"})
    assert bool(findings_of(result, "IAM005")) is public
