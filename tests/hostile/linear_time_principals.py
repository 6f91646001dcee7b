"""Linear-time cases of IAM principals a template builds (tests/hostile/test_linear_time.py,
through linear_time_policies.POLICY_CASES)."""

from __future__ import annotations

import json

_PARTITION_ROOT = "arn:${{AWS::Partition}}:iam::${{A{}}}:root"


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=1)


PRINCIPAL_CASES = {
    # Statements of elements the grammar does not have and Principals written as strings or
    # lists (IAM010 names each): each statement's keys are looked at once.
    "unknown-elements-and-principal-forms": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": [f"arn:aws:iam::{n:012d}:root"] if n % 2 else f"p{n}",
                        "Action": "s3:GetObject",
                        "Resource": [],
                        **{f"Extra{m}": m for m in range(10)},
                    }
                    for n in range(1_000)
                ],
            },
            indent=1,
        ),
        "IAM010",
    ),
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
