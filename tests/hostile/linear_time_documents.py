"""Linear-time cases of documents with many parts that a loop compared with each other, or
branches and loops that multiply what is looked up (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import hashlib
import json

from tests.hostile.linear_time_codebuild import CODEBUILD_CASES
from tests.hostile.linear_time_copies import COPY_CASES
from tests.hostile.linear_time_images import IMAGE_CASES
from tests.hostile.linear_time_openapi import OPENAPI_CASES
from tests.hostile.linear_time_sam import SAM_CASES
from tests.hostile.linear_time_streams import STREAM_CASES


def _branches(depth: int, leaf: str) -> object:
    """`leaf` at the end of every branch of `depth` nested Fn::If: 2 ** depth values."""
    return leaf if depth == 0 else {"Fn::If": ["C", *[_branches(depth - 1, leaf)] * 2]}


def _keys(depth: int, leaves: str) -> list[object]:
    return [_branches(depth, leaf) for leaf in leaves]


_PUBLIC_BUCKET = {"AccessControl": "PublicReadWrite", "BucketName": {"Fn::Sub": "${N}"}}


def _nested_loops(depth: int, items: int, output: dict) -> dict:
    """`depth` Fn::ForEach loops inside each other, over `items` items each, around `output`."""
    for level in range(depth):
        output = {f"Fn::ForEach::L{level}": [f"L{level}", [f"i{i}" for i in range(items)], output]}
    return output


def _public_statement(effect: str, action: str, number: int) -> dict:
    """A statement for everyone; a Deny only for callers outside a VPC endpoint."""
    statement = {"Effect": effect, "Principal": "*", "Action": action, "Resource": "*"}
    if effect == "Deny":
        statement["Condition"] = {"StringNotEquals": {"aws:SourceVpce": f"vpce-{number}"}}
    return statement


def _token(number: int) -> str:
    """A distinct random-looking secret: no prefix shared with the others'."""
    return hashlib.sha256(str(number).encode()).hexdigest()[:24]


# name -> (file name, text, rule whose finding must survive)
DOCUMENT_CASES = {
    "cloudformation-findinmap-branches": (
        "template.json",
        # every combination of the three keys' values was looked up (2,048 each: 8.6e9)
        json.dumps(
            {
                # a condition no one can know, so every branch is in play
                "Conditions": {"C": {"Fn::Equals": [{"Ref": "AWS::Region"}, "b"]}},
                "Mappings": {"M": {"k": {"v": "PublicRead"}}},
                "Resources": {
                    "Bucket": {
                        "Type": "AWS::S3::Bucket",
                        "Properties": {"AccessControl": {"Fn::FindInMap": _keys(11, "Mkv")}},
                    }
                },
            },
            indent=0,
        ),
        "CFN002",
    ),
    "cloudformation-scenario-conditions": (
        "template.json",
        # each resource's scenarios assume conditions of a long chain, among many parameters: a
        # scenario that copied the sections, or followed each reference of the chain again,
        # cost the template's size (or 2 ** depth) per resource
        json.dumps(
            {
                "Parameters": {
                    f"P{i}": {"Type": "String", "AllowedValues": ["x"]} for i in range(10_000)
                }
                | {"Snapshot": {"Type": "String", "Default": ""}},
                "Conditions": {
                    f"C{i}": {"Fn::And": [{"Condition": f"C{i + 1}"}] * 2} for i in range(3_000)
                }
                | {"C3000": {"Fn::Equals": [{"Ref": "Snapshot"}, ""]}},
                "Resources": {
                    f"Q{i}": {
                        "Type": "AWS::SQS::Queue",
                        "Condition": f"C{i}",
                        "Properties": {
                            "SqsManagedSseEnabled": {"Fn::If": [f"C{i + 1}", False, True]},
                            "KmsMasterKeyId": {"Fn::If": [f"C{i + 2}", "", {"Ref": "P1"}]},
                        },
                    }
                    for i in range(1_000)
                },
            },
            indent=0,
        ),
        "CFN022",
    ),
    "cloudformation-for-each-collections": (
        "template.json",
        # loops generate a copy of their output template per item, nested loops per combination
        json.dumps(
            {
                "Resources": {
                    "Fn::ForEach::Many": [
                        "N",
                        [f"b{i}" for i in range(100_000)],
                        {"${N}": {"Type": "AWS::S3::Bucket", "Properties": _PUBLIC_BUCKET}},
                    ],
                    **_nested_loops(
                        5, 40, {"${L0}${L1}${L2}${L3}${L4}": {"Type": "AWS::SNS::Topic"}}
                    ),
                }
            },
            indent=0,
        ),
        "CFN002",
    ),
    "cloudformation-log-bucket-policies": (
        "template.json",
        # which buckets receive logs reads every statement of every bucket policy once, and a
        # default of Fn::FindInMap adds one value per lookup, not one per map entry
        json.dumps(
            {
                "Mappings": {"M": {f"k{i}": {"v": "Private"} for i in range(20_000)}},
                "Resources": {
                    f"B{i}": {
                        "Type": "AWS::S3::Bucket",
                        "Properties": {
                            "AccessControl": {
                                "Fn::FindInMap": [
                                    "M",
                                    {"Ref": "AWS::Region"},
                                    "v",
                                    {"DefaultValue": "Private"},
                                ]
                            }
                        },
                    }
                    for i in range(1_000)
                }
                | {
                    f"P{i}": {
                        "Type": "AWS::S3::BucketPolicy",
                        "Properties": {
                            "Bucket": {"Ref": f"B{i}"},
                            "PolicyDocument": {
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Principal": {"Service": ["lambda.amazonaws.com"] * 5},
                                        "Action": ["s3:*?*?*?*?*?*?*?*?Q"] * 5,
                                    }
                                ]
                                * 10
                            },
                        },
                    }
                    for i in range(100)
                },
            },
            indent=0,
        ),
        "CFN005",
    ),
    **OPENAPI_CASES,
    **SAM_CASES,
    **IMAGE_CASES,
    **CODEBUILD_CASES,
    **COPY_CASES,
    **STREAM_CASES,
    "iam-public-allows-and-denies": (
        "policy.json",
        # every public Allow expanded the actions of every restricting Deny
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    *(_public_statement("Allow", "s3:GetObject", i) for i in range(1_000)),
                    *(_public_statement("Deny", "ec2:*", i) for i in range(1_000)),
                ],
            },
            indent=0,
        ),
        "IAM005",
    ),
    "iam-many-statements": (
        "policy.json",
        # whether it is a KMS key policy was worked out again for each statement
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::bucket/key",
                    }
                ]
                * 8_000
                + [_public_statement("Allow", "s3:GetObject", 0)],
            },
            indent=0,
        ),
        "IAM005",
    ),
    "compose-many-secrets": (
        "compose.yaml",
        # every finding's snippet was matched against one alternation of all the secrets
        "services:\n"
        + "".join(
            f"  s{i}:\n    image: nginx:1.27\n    environment:\n"
            f"      API_TOKEN: {_token(i)}  # {'0123456789abcdef' * 12}\n"
            for i in range(2_500)
        ),
        "CMP007",
    ),
    "yaml-block-ends-after-comments": (
        "compose.yaml",
        # where a block collection or block scalar ends is found after its last value, by
        # reading what follows it once (not once per level of nesting it ends, nor per alias)
        "x-env: &env {A: b}\nservices:\n  web:\n    image: nginx:1.27\n    privileged: true\n"
        + "    labels:\n      "
        + "- " * 90
        + "*env\n"
        + "#\n" * 100_000
        + "".join(
            f"  s{i}:\n    image: nginx:1.27\n    environment: *env\n" + "  #\n" * 20
            for i in range(2_000)
        )
        + "  last:\n    image: nginx:1.27\n    command: |\n      run\n"
        + "\n" * 100_000,
        "CMP001",
    ),
    "ecs-many-volumes": (
        "taskdef.json",
        # each mountPoint looked its volume up among all volumes, and each container went through
        # every volume again: quadratic in a file of many volumes and containers
        json.dumps(
            {
                "family": "many",
                "volumes": [
                    {"name": f"v{i}", "host": {"sourcePath": f"/data/{i}"}} for i in range(20_000)
                ]
                + [{"name": "docker", "host": {"sourcePath": "/var/run/docker.sock"}}],
                "containerDefinitions": [
                    {
                        "name": f"c{c}",
                        "image": "nginx:1.27",
                        "mountPoints": [
                            {"sourceVolume": f"v{i}", "containerPath": f"/m/{i}"}
                            for i in range(c * 1_000, c * 1_000 + 1_000)
                        ],
                    }
                    for c in range(20)
                ]
                + [
                    {
                        "name": "agent",
                        "image": "agent:1.0",
                        "mountPoints": [
                            {"sourceVolume": "docker", "containerPath": "/var/run/docker.sock"}
                        ],
                    }
                ],
            },
            indent=0,
        ),
        "ECS006",
    ),
    "argo-workflow-templates-and-volumes": (
        "workflow.json",
        # every template's containers are one workflow's: each volume was looked for in every
        # container's mounts
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Workflow",
                "metadata": {"name": "w", "namespace": "ci"},
                "spec": {
                    "volumes": [
                        {"name": f"v{i}", "hostPath": {"path": f"/d{i}"}} for i in range(5_000)
                    ],
                    "templates": [
                        {
                            "name": f"t{i}",
                            "container": {
                                "image": "alpine:3.19",
                                "volumeMounts": [{"name": f"v{i}", "mountPath": "/d"}],
                                "securityContext": {"privileged": i == 4_999},
                            },
                        }
                        for i in range(5_000)
                    ],
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "argo-templates-with-pods-of-their-own": (
        "workflow.json",
        # each template runs a pod of its own (its own account, a podSpecPatch): the workflow's
        # volumes and sysctls were judged again for every pod, its securityContext merged
        # again under every patch
        json.dumps(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Workflow",
                "metadata": {"name": "w", "namespace": "ci"},
                "spec": {
                    "volumes": [
                        {"name": f"v{i}", "hostPath": {"path": f"/d{i}"}} for i in range(5_000)
                    ],
                    "securityContext": {
                        "sysctls": [{"name": f"kernel.x{i}", "value": "1"} for i in range(5_000)],
                        **{f"k{i}": i for i in range(5_000)},
                    },
                    "templates": [
                        {
                            "name": f"t{i}",
                            "serviceAccountName": f"a{i}",
                            "podSpecPatch": '{"securityContext": {"runAsGroup": 1}}',
                            "container": {
                                "image": "alpine:3.19",
                                "volumeMounts": [{"name": f"v{i}", "mountPath": "/d"}],
                                "securityContext": {"privileged": i == 4_999},
                            },
                        }
                        for i in range(5_000)
                    ],
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "tekton-step-template-under-every-step": (
        "task.json",
        # the stepTemplate was merged into each step: its every env entry copied for every step
        json.dumps(
            {
                "apiVersion": "tekton.dev/v1",
                "kind": "Task",
                "metadata": {"name": "t", "namespace": "ci"},
                "spec": {
                    "stepTemplate": {
                        "image": "alpine:3.19",
                        "env": [{"name": f"E{i}", "value": "1"} for i in range(5_000)],
                        "securityContext": {f"k{i}": i for i in range(5_000)},
                    },
                    "steps": [
                        {
                            "name": f"s{i}",
                            "env": [{"name": f"E{i}", "value": "2"}],
                            "securityContext": {"privileged": i == 4_999},
                        }
                        for i in range(5_000)
                    ],
                },
            },
            indent=0,
        ),
        "K8S001",
    ),
    "ecs-volumes-from-chain": (
        "taskdef.json",
        # volumesFrom followed from each container through all the later ones: a recursion as
        # deep as the file, and without memory 3 ** depth paths
        json.dumps(
            {
                "family": "chain",
                "volumes": [{"name": "docker", "host": {"sourcePath": "/var/run/docker.sock"}}],
                "containerDefinitions": [
                    {
                        "name": f"c{c}",
                        "image": "nginx:1.27",
                        "volumesFrom": [{"sourceContainer": f"c{c + k}"} for k in (1, 2, 3)],
                    }
                    for c in range(5_000)
                ]
                + [
                    {
                        "name": f"c{5_000 + k}",
                        "image": "agent:1.0",
                        "mountPoints": [
                            {"sourceVolume": "docker", "containerPath": "/var/run/docker.sock"}
                        ],
                    }
                    for k in range(3)
                ],
            },
            indent=0,
        ),
        "ECS006",
    ),
}
