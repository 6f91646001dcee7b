"""CDK framework resources in a template the CDK wrote without construct paths (`cdk synth
--path-metadata false`, `"pathMetadata": false` in cdk.json, and the snapshots of the CDK's
own integration tests): still named as such, by logical ID, with labels and fingerprints as
for any template."""

from __future__ import annotations

import json

from guardlint.findings.make import fingerprint
from guardlint.knowledge.cdk import FRAMEWORK_NOTE
from tests.cdk.conftest import by_rule
from tests.conftest import run_scan, write_file

_RETENTION = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRoleDefaultPolicyADDA7DEB"
_BOOTSTRAP = {
    "BootstrapVersion": {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/cdk-bootstrap/hnb659fds/version",
    }
}


def _template(extra: dict) -> str:
    resources = {
        _RETENTION: {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "p",
                "Roles": ["r"],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"],
                            "Resource": "*",
                        }
                    ],
                },
            },
        },
        "Logs6819BB44": {"Type": "AWS::S3::Bucket"},
    }
    return json.dumps({"Resources": resources, **extra}, indent=1)


def test_framework_resources_of_a_cdk_template_without_paths_say_so(tmp_path):
    write_file(tmp_path, "bootstrap.template.json", _template({"Parameters": _BOOTSTRAP}))
    # The CDK's version metadata marks a template as the CDK's as well as its bootstrap check.
    with_metadata = json.loads(_template({}))
    with_metadata["Resources"]["CDKMetadata"] = {
        "Type": "AWS::CDK::Metadata",
        "Properties": {"Analytics": "v2:deflate64:H4sI"},
    }
    write_file(tmp_path, "metadata.template.json", json.dumps(with_metadata, indent=1))
    result = run_scan(tmp_path)
    framework = [f for f in result.findings if f.rule_id == "IAM003"]
    assert len(framework) == 2
    for finding in framework:
        assert finding.message.endswith(FRAMEWORK_NOTE)
        # Labelled and fingerprinted by logical ID, as any template without construct paths.
        assert finding.resource == f"AWS::IAM::Policy {_RETENTION} Statement 1"
        assert finding.fingerprint == fingerprint(
            "IAM003", finding.path, finding.resource, *finding.fingerprint_basis[1:]
        )
        assert finding.fingerprint_basis[0] == finding.resource
    # The app's own resources are not the CDK's.
    assert not [f for f in result.findings if f.rule_id == "CFN001" and FRAMEWORK_NOTE in f.message]


def test_a_template_the_cdk_did_not_write_has_no_framework_resources(tmp_path):
    template = write_file(tmp_path, "template.json", _template({}))
    finding = by_rule(run_scan(template), "IAM003")
    assert FRAMEWORK_NOTE not in finding.message
