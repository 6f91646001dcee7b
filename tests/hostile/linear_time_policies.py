"""Linear-time cases of IAM policies whose statements a rule would look through again for
each of their parts (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json

from tests.hostile.linear_time_conditions import CONDITION_CASES
from tests.hostile.linear_time_principals import PRINCIPAL_CASES


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=1)


def _managed(statements: list[dict], **properties: object) -> dict:
    document = {"Version": "2012-10-17", "Statement": statements}
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": document, **properties},
    }


_ROLES = 120
_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
# Services of many resource types (ARN formats).
_BIG_SERVICES = ("ec2", "rds", "iam", "sagemaker", "glue", "ssm", "lambda", "redshift")

POLICY_CASES = {
    # Thousands of Action patterns with a wildcard in the service prefix that fits no service:
    # each was matched against every action of every service (20,000), not only theirs.
    "service-prefix-patterns": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [*(f"x{n}*:Get*" for n in range(3_000)), "s3*:*"],
                        "Resource": "arn:aws:s3:::data/*",
                    }
                ],
            },
            indent=1,
        ),
        "IAM002",
    ),
    # An account's roles as `aws iam get-account-authorization-details` prints them, each with
    # a NotAction policy: the file's policies share one budget of expansions, as a template's.
    "account-details-not-action-roles": (
        "account.json",
        json.dumps(
            {
                "RoleDetailList": [
                    {
                        "RoleName": f"role{n}",
                        "AssumeRolePolicyDocument": _TRUST,
                        "RolePolicyList": [
                            {
                                "PolicyName": "all-but",
                                "PolicyDocument": {
                                    "Version": "2012-10-17",
                                    "Statement": [
                                        {"Effect": "Allow", "NotAction": f"s{n}:*", "Resource": "*"}
                                    ],
                                },
                            }
                        ],
                    }
                    for n in range(1_000)
                ]
            },
            indent=1,
        ),
        "IAM004",
    ),
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
    # Each action of `*` was tested against each Resource entry that reaches a whole type:
    # 20,000 actions times thousands of entries.
    "type-wide-resource-entries": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": [f"arn:aws:s3:::b{n}/*" for n in range(5_000)],
                    }
                ],
            },
            indent=1,
        ),
        "IAM002",
    ),
    # A Deny of every action but some on all resources but some, in each of a thousand
    # policies: what it leaves of `*` is worked out without listing 20,000 actions for each.
    "deny-all-but-one-resource-policies": (
        "template.json",
        _template(
            {
                f"Policy{n}": _managed(
                    [
                        _ALLOW_ALL,
                        {
                            "Effect": "Deny",
                            "NotAction": ["s3:*", f"sqs:Send{n}"],
                            "NotResource": [f"arn:aws:s3:::b{n}", "arn:aws:sqs:*:*:*"],
                        },
                    ]
                )
                for n in range(1_000)
            }
        ),
        "IAM003",
    ),
    # Policies attached to all roles but one, beside Denies attached to every role: each
    # policy looks for the Denies all its holders hold, a bounded few per role.
    "denying-policies-of-many-roles": (
        "template.json",
        _template(
            {
                **{
                    f"Role{n}": {
                        "Type": "AWS::IAM::Role",
                        "Properties": {"AssumeRolePolicyDocument": _TRUST},
                    }
                    for n in range(_ROLES)
                },
                **{
                    f"Deny{n}": _managed(
                        [{"Effect": "Deny", "Action": f"s{n}:*", "Resource": "*"}],
                        Roles=[{"Ref": f"Role{m}"} for m in range(_ROLES)],
                    )
                    for n in range(_ROLES)
                },
                **{
                    f"Allow{n}": _managed(
                        [{"Effect": "Allow", "Action": "sqs:DeleteMessage", "Resource": "*"}],
                        Roles=[{"Ref": f"Role{m}"} for m in range(_ROLES) if m != n],
                    )
                    for n in range(_ROLES)
                },
            }
        ),
        "IAM003",
    ),
    # A Resource written as a Sub of thousands of unclosed `${`: replacing its variables
    # scanned from each to the end.
    "unclosed-sub-variables": (
        "template.json",
        _template(
            {
                "Policy": _managed(
                    [
                        *(
                            {
                                "Effect": "Allow",
                                "Action": "iam:PassRole",
                                "Resource": {"Fn::Sub": f"arn:aws:iam::{n}:role/" + "${" * 40_000},
                            }
                            for n in range(5)
                        ),
                        _ALLOW_ALL,
                    ]
                )
            }
        ),
        "IAM001",
    ),
    # Thousands of Deny statements, of some actions or of all but some on all resources but
    # some: what they refuse together is gathered once, not copied again for each.
    "many-deny-statements": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    _ALLOW_ALL,
                    *(
                        {"Effect": "Deny", "Action": f"ec2:Describe{n}*", "Resource": "*"}
                        for n in range(2_000)
                    ),
                    *(
                        {
                            "Effect": "Deny",
                            "NotAction": f"s3:Get{n}*",
                            "NotResource": ["arn:aws:ec2:*:*:*", f"arn:aws:s3:::b{n}/*"],
                        }
                        for n in range(2_000)
                    ),
                ],
            },
            indent=1,
        ),
        "IAM002",
    ),
    # Thousands of Denies on ARNs of whole services, each also on one bucket prefix of its own:
    # what each refuses on every resource of its actions' types is worked out for a few only.
    "type-wide-deny-statements": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    _ALLOW_ALL,
                    *(
                        {
                            "Effect": "Deny",
                            "Action": "*",
                            "Resource": [
                                f"arn:aws:s3:::b{n}*",
                                *(f"arn:aws:{service}:*:*:*" for service in _BIG_SERVICES),
                            ],
                        }
                        for n in range(6_000)
                    ),
                ],
            },
            indent=1,
        ),
        "IAM001",
    ),
    # Thousands of public Allows beside thousands of Denies unless from an endpoint, each on
    # its own objects: each Allow looks up the Denies on its resources, not all of them.
    "restricting-denies-by-resource": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    *(
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": ["s3:GetObject", "s3:PutObject"],
                            "Resource": [f"arn:aws:s3:::b{n}/*", f"arn:aws:s3:::c{n}/*"],
                        }
                        for n in range(2_000)
                    ),
                    *(
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [f"arn:aws:s3:::b{n}/*", f"arn:aws:s3:::c{n}*"],
                            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
                        }
                        for n in range(1, 2_000)
                    ),
                ],
            },
            indent=1,
        ),
        "IAM005",
    ),
    # Thousands of roles, each bounded by a policy of its own, and a policy whose thousands of
    # Conditions name boundaries: which policies are only boundaries is found in one pass.
    "boundaries-of-many-roles": (
        "template.json",
        _template(
            {
                **{
                    f"Role{n}": {
                        "Type": "AWS::IAM::Role",
                        "Properties": {
                            "AssumeRolePolicyDocument": _TRUST,
                            "PermissionsBoundary": {"Ref": f"Boundary{n}"},
                        },
                    }
                    for n in range(2_000)
                },
                **{f"Boundary{n}": _managed([_ALLOW_ALL]) for n in range(2_000)},
                "Delegate": _managed(
                    [
                        _ALLOW_ALL,
                        *(
                            {
                                "Effect": "Allow",
                                "Action": "iam:CreateRole",
                                "Resource": "*",
                                "Condition": {
                                    "StringEquals": {
                                        "iam:PermissionsBoundary": {"Ref": f"Boundary{n}"}
                                    }
                                },
                            }
                            for n in range(2_000)
                        ),
                    ]
                ),
            }
        ),
        "IAM001",
    ),
    # Thousands of policies of one role, each granting one part of a combination among many
    # actions: what each grants of it is found once, not again for every policy held with it.
    "parts-held-by-one-role": (
        "template.json",
        _template(
            {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {"AssumeRolePolicyDocument": _TRUST},
                },
                **{
                    f"Policy{n}": _managed(
                        [
                            {
                                "Effect": "Allow",
                                "Action": ["ec2:CreateSnapshot", "iam:PassRole", "ec2:Describe*"],
                                "Resource": "*",
                            }
                            for _ in range(2)
                        ],
                        Roles=[{"Ref": "Role"}],
                    )
                    for n in range(1_000)
                },
            }
        ),
        "IAM006",
    ),
    **PRINCIPAL_CASES,
    **CONDITION_CASES,
}
