"""CFN019 on what an EC2 instance is given: cfn-init's credentials in its Metadata, and user
data written in base64."""

from __future__ import annotations

import base64

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of


def instance_with_authentication(block: str) -> str:
    return (
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n"
        "      AWS::CloudFormation::Authentication:\n"
        f"{block}"
        "    Properties:\n      ImageId: ami-12345678\n"
    )


def test_cfn019_catches_keys_and_passwords_in_cfn_init_authentication(tmp_path):
    # cfn-init's credentials are written in the resource's Metadata, in camelCase.
    block = (
        "        ArtifactBucket:\n          type: S3\n          buckets: [deploy-artifacts]\n"
        "          accessKeyId: AKIAQ2XJ7ZL4KX3PVN6T\n"
        "          secretKey: 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\n"
        "        RepoLogin:\n          type: basic\n          username: deploy\n"
        "          password: Bas1cAuthPassw0rd\n          uris: ['https://repo.example.com']\n"
    )
    result = scan_text(tmp_path, instance_with_authentication(block))
    found = findings_of(result, "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [
        (10, "secretKey"),
        (14, "password"),
    ]
    assert "Bas1cAuthPassw0rd" not in found[1].message + found[1].snippet


def test_cfn019_does_not_catch_authentication_by_role_or_reference(tmp_path):
    block = (
        "        ArtifactBucket:\n          type: S3\n          buckets: [deploy-artifacts]\n"
        "          roleName: deploy-instance-role\n"
        "        RepoLogin:\n          type: basic\n          username: deploy\n"
        "          password: !Ref RepoPassword\n          uris: ['https://repo.example.com']\n"
    )
    parameter = "Parameters:\n  RepoPassword:\n    Type: String\n    NoEcho: true\n"
    result = scan_text(tmp_path, parameter + instance_with_authentication(block))
    assert not findings_of(result, "CFN019")


def instance_with_user_data(script: str) -> str:
    encoded = base64.b64encode(script.encode()).decode()
    return (
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n"
        f"      ImageId: ami-12345678\n      UserData: {encoded}\n"
    )


def test_cfn019_catches_a_credential_in_user_data_written_in_base64(tmp_path):
    # EC2 takes user data in base64; templates exported from a stack write it so, encoded.
    script = (
        "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAQ2XJ7ZL4KX3PVN6T\n"
        "export AWS_SECRET_ACCESS_KEY=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\n"
    )
    found = findings_of(scan_text(tmp_path, instance_with_user_data(script)), "CFN019")
    assert [(f.region.start_line, f.properties["property"]) for f in found] == [(6, "UserData")]
    assert base64.b64encode(script.encode()).decode() not in found[0].snippet


def test_cfn019_does_not_catch_user_data_in_base64_without_a_credential(tmp_path):
    script = "#!/bin/bash\nyum install -y httpd\nsystemctl enable --now httpd\n"
    assert not findings_of(scan_text(tmp_path, instance_with_user_data(script)), "CFN019")
