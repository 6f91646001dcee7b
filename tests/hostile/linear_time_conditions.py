"""Linear-time cases of IAM policies whose Conditions or Resources a rule reads part by part
(tests/hostile/test_linear_time.py, through linear_time_policies.POLICY_CASES)."""

from __future__ import annotations

import json

_DENIES = [
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Logs", "Arn"]}] * 4_000]},
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
] * 10

# Denies for everyone whose Conditions test thousands of keys and values, the last test of
# each narrowing the Deny: each test is read once per Deny, and the public Allow is reported.
_NARROWED_DENIES = [
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {
            "StringNotLike": {
                "aws:userid": [f"AROA{n:016d}:*" for n in range(2_000)],
                **{f"aws:PrincipalTag/t{n}": "x" for n in range(2_000)},
            },
            "Bool": {"aws:SecureTransport": "false"},
        },
    }
] * 20


def _deny_in(condition: str) -> dict:
    """A Deny of plain HTTP that only the deployments where `condition` holds write."""
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return {"Fn::If": [condition, deny, {"Ref": "AWS::NoValue"}]}


def _tagged_in(condition: str) -> dict:
    """A grant on every resource that only the deployments where `condition` holds limit to
    resources by tag."""
    tagged = {"StringEquals": {"aws:ResourceTag/team": "a"}}
    return {
        "Effect": "Allow",
        "Action": "ec2:TerminateInstances",
        "Resource": "*",
        "Condition": {"Fn::If": [condition, tagged, {"Ref": "AWS::NoValue"}]},
    }


def _under_four_conditions(kind: str, properties: dict, statements: list[dict]) -> str:
    """A template of one policy resource whose statements branch on four conditions that no
    parameter decides: 16 deployments."""
    policy = {"Version": "2012-10-17", "Statement": statements}
    return json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Env": {"Type": "String"}},
            "Conditions": {f"C{n}": {"Fn::Equals": [{"Ref": "Env"}, str(n)]} for n in range(4)},
            "Resources": {
                "Policy": {"Type": kind, "Properties": {**properties, "PolicyDocument": policy}}
            },
        },
        indent=1,
    )


CONDITION_CASES = {
    "public-allow-narrowed-denies": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::b/*",
                    },
                    *_NARROWED_DENIES,
                ],
            },
            indent=1,
        ),
        "IAM005",
    ),
    # Thousands of long `sub` patterns of a shared CI provider: each is read up to the owner's
    # subject it is asked about, not compared again with every other.
    "shared-provider-subjects": (
        "trust.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringLike": {
                            "gitlab.com:sub": [
                                f"project_path:{n}" + "?" * 500 + "/" for n in range(2_000)
                            ]
                            + ["project_path:*"]
                        }
                    },
                },
            },
            indent=1,
        ),
        "IAM009",
    ),
    # Thousands of condition keys (YAML's longest, 1,024 characters) of long runs of letters
    # and hyphens that never reach `-tag/`, and of hundreds of colons: each try at a service's
    # resource-tag key starts at a colon and reads no further than the next one; the Allow on
    # every resource is still reported.
    "resource-tag-keys-never-closed": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "sqs:DeleteQueue",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            **{f"rds{n}:" + "db-" * 330 + "ta/": "x" for n in range(1_000)},
                            **{f"k{n}" + ":db-ta" * 160: "x" for n in range(1_000)},
                        }
                    },
                },
            },
            indent=1,
        ),
        "IAM003",
    ),
    # A bucket policy's Deny on a Fn::Join of thousands of parts, each looked at once.
    "bucket-deny-joined-resources": (
        "template.json",
        json.dumps(
            {
                "Resources": {
                    "Logs": {"Type": "AWS::S3::Bucket"},
                    "LogsPolicy": {
                        "Type": "AWS::S3::BucketPolicy",
                        "Properties": {
                            "Bucket": {"Ref": "Logs"},
                            "PolicyDocument": {"Version": "2012-10-17", "Statement": _DENIES},
                        },
                    },
                }
            },
            indent=1,
        ),
        "IAM008",
    ),
    # A bucket policy read once per deployment (policy_scenarios): thousands of statements,
    # each an Fn::If on one of four conditions no parameter decides (16 deployments), none of
    # which denies plain HTTP for certain.
    "deployments-of-a-policy": (
        "template.json",
        _under_four_conditions(
            "AWS::S3::BucketPolicy",
            {"Bucket": "logs"},
            [_deny_in(f"C{n % 4}") for n in range(1_500)],
        ),
        "IAM008",
    ),
    # An identity policy whose statements' tag limits each deployment reads on its own
    # (conditions.pinned_per_deployment): 16 deployments of 1,500 statements.
    "deployments-of-tag-limits": (
        "template.json",
        _under_four_conditions(
            "AWS::IAM::ManagedPolicy", {}, [_tagged_in(f"C{n % 4}") for n in range(1_500)]
        ),
        "IAM003",
    ),
}
