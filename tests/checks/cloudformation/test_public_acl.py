"""CFN002 and a bucket's own public access block: S3 ignores every public ACL of a bucket that
sets IgnorePublicAcls; BlockPublicAcls alone leaves an ACL set before it in force."""

from __future__ import annotations

import pytest

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of

_BUCKET = """\
Parameters:
  Env: {{Type: String, AllowedValues: [prod, dev]}}
  Ignore: {{Type: String, AllowedValues: ["true", "false"], Default: "true"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
      OwnershipControls: {{Rules: [{{ObjectOwnership: ObjectWriter}}]}}
      PublicAccessBlockConfiguration:
        BlockPublicAcls: {block}
        BlockPublicPolicy: true
        IgnorePublicAcls: {ignore}
        RestrictPublicBuckets: true
"""


def _acl_lines(tmp_path, block: str, ignore: str) -> list[int]:
    result = scan_text(tmp_path, _BUCKET.format(block=block, ignore=ignore), only_rules={"CFN002"})
    return [f.region.start_line for f in findings_of(result, "CFN002")]


@pytest.mark.parametrize("ignore", ["true", '"true"', "!Ref Ignore"])
def test_a_public_acl_the_bucket_ignores_is_not_reported(tmp_path, ignore):
    assert _acl_lines(tmp_path, "true", ignore) == []
    assert _acl_lines(tmp_path / "unblocked", "false", ignore) == []


@pytest.mark.parametrize(
    "ignore",
    ["false", "!If [IsProd, true, false]", "!Ref AWS::NoValue"],
)
def test_a_public_acl_some_deployment_does_not_ignore(tmp_path, ignore):
    # BlockPublicAcls refuses new public ACLs but leaves one already set in force.
    assert _acl_lines(tmp_path, "true", ignore) == [10]
