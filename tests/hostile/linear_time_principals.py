"""Linear-time cases of IAM principals a template builds (tests/hostile/test_linear_time.py,
through linear_time_policies.POLICY_CASES)."""

from __future__ import annotations

import json

_PARTITION_ROOT = "arn:${{AWS::Partition}}:iam::${{A{}}}:root"


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=1)


PRINCIPAL_CASES = {
    # Thousands of account roots a trust policy builds (by Fn::Join, by Fn::Sub with the
    # partition as a variable) and one long unclosed `arn:${`: each is read once.
    "built-account-roots": (
        "template.json",
        _template(
            {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {
                                        "AWS": [
                                            "arn:${" + "a:" * 40_000,
                                            *(
                                                {
                                                    "Fn::Join": [
                                                        "",
                                                        [
                                                            "arn:aws:iam::",
                                                            {"Ref": f"A{n}"},
                                                            ":root",
                                                        ],
                                                    ]
                                                }
                                                for n in range(1_500)
                                            ),
                                            *(
                                                {"Fn::Sub": _PARTITION_ROOT.format(n)}
                                                for n in range(1_500)
                                            ),
                                        ]
                                    },
                                    "Action": "sts:AssumeRole",
                                }
                            ],
                        }
                    },
                }
            }
        ),
        "IAM009",
    ),
}
