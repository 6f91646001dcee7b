"""Linear-time cases of IAM policies whose statements a rule would look through again for
each of their parts (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

POLICY_CASES = {
    # An Allow with NotAction grants some 20,000 actions, which every rule looks through:
    # thousands of statements (or policies) with NotAction stalled the scan past its budget.
    "not-action-statements": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "NotAction": [f"svc{n}:*"], "Resource": "*"}
                    for n in range(2_000)
                ],
            },
            indent=1,
        ),
        "IAM004",
    ),
    # Each Action entry of a statement was looked up among all of them (grants): quadratic.
    "many-action-entries": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [f"s3:Get{n}" for n in range(20_000)],
                        "Resource": "*",
                    },
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                ],
            },
            indent=1,
        ),
        "IAM001",
    ),
    "not-action-policies": (
        "template.json",
        json.dumps(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {
                    f"Policy{n}": {
                        "Type": "AWS::IAM::ManagedPolicy",
                        "Properties": {
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {"Effect": "Allow", "NotAction": [f"s{n}:{m}"], "Resource": "*"}
                                    for m in range(4)
                                ],
                            }
                        },
                    }
                    for n in range(300)
                },
            },
            indent=1,
        ),
        "IAM004",
    ),
}
