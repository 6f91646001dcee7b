"""CloudFormation secrets (CFN015, CFN019) written through intrinsics: an environment or its
variables behind Fn::If, a credential written into a Fn::Sub or Fn::Join."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of, lines_of

_CONDITION = "Conditions:\n  IsProd: !Equals [!Ref AWS::AccountId, '123456789012']\n"
_FUNCTION = """\
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {S3Bucket: b, S3Key: k}
      Role: arn:aws:iam::1:role/r
"""


def test_cfn015_catches_a_credential_in_variables_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment:
        Variables: !If
          - IsProd
          - DB_PASSWORD: Pr0dPassw0rd7
            STAGE: prod
          - STAGE: dev
            API_TOKEN: a8f5f167f44f4964e6c998dee827110c
"""
    )
    found = findings_of(scan_text(tmp_path, text), "CFN015")
    assert [(f.region.start_line, f.properties["variable"]) for f in found] == [
        (14, "DB_PASSWORD"),
        (17, "API_TOKEN"),
    ]
    assert "Pr0dPassw0rd7" not in found[0].snippet


def test_cfn015_catches_a_credential_in_an_environment_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment: !If
        - IsProd
        - Variables: {STAGE: prod, DB_PASSWORD: Pr0dPassw0rd7}
        - !Ref AWS::NoValue
"""
    )
    assert lines_of(scan_text(tmp_path, text), "CFN015") == [13]


def test_cfn015_does_not_catch_references_in_variables_behind_fn_if(tmp_path):
    text = (
        _CONDITION
        + "Parameters:\n  DbPass: {Type: String, NoEcho: true}\n"
        + "Resources:\n"
        + _FUNCTION
        + """\
      Environment:
        Variables: !If
          - IsProd
          - {DB_PASSWORD: !Ref DbPass, STAGE: prod}
          - {DB_PASSWORD: '{{resolve:secretsmanager:dev/db:SecretString:password}}'}
"""
    )
    assert not findings_of(scan_text(tmp_path, text), "CFN015")
