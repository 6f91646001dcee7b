"""Hostile texts for tests/hostile/test_linear_time.py: each a file that makes a naive pattern or
parser take quadratic or exponential time, with the rule that must still report it."""

from __future__ import annotations

import hashlib
import json

from tests.hostile.conftest import CONTROL

BUDGET = 5.0  # seconds for the whole scan; fixed, each case takes well under a second
LONG = 99_000  # a line may hold 100,000 characters
POD = """apiVersion: v1
kind: Pod
metadata: {{name: api, namespace: shop}}
spec:
  containers:
    - name: app
      image: "{image}"
"""


def _template(resources: dict) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


def _lambda(properties: dict) -> dict:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "index.handler", "Role": "r"}
        | properties,
    }


def _continued(piece: str, lines: int = 5) -> str:
    """`piece` repeated to fill `lines` Dockerfile lines joined by continuations (100 KB each):
    one instruction longer than any line may be."""
    line = piece * (LONG // len(piece))
    return " \\\n".join([line] * lines)


def _lines(piece: str, prefix: str = "") -> str:
    """Thirty comment lines of `piece` repeated, 10,000 characters each, then one as long as a
    line may be (a minified file's). A prefix that a detector knows (AKIA) makes every detector
    run on the line."""
    return (
        f"# {prefix}{piece * (9_900 // len(piece))}\n" * 30
        + f"# {prefix}{piece * (LONG // len(piece))}\n"
    )


def _many(line: str, count: int) -> str:
    """`line` `count` times, its `{i}` numbered from 0 (and `{j}` from 1)."""
    return "".join(line.format(i=i, j=i + 1) for i in range(count))


NESTED = LONG // len("${A:-}")  # `${A:-` and `}` pairs on one line


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
CASES = {
    # Exponential: one `.*` per star backtracked through every way to place the stars.
    "iam-action-wildcard": (
        "policy.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:*?*?*?*?*?*?*?*?*?*?Q", "*"],
                        "Resource": "*",
                    }
                ],
            }
        ),
        "IAM001",
    ),
    "dockerfile-from-space-run": (
        "Dockerfile",
        "FROM python:3.12-slim" + " " * LONG + "x\n",
        "DKR001",
    ),
    "dockerfile-directive-space-run": (
        "Dockerfile",
        "# syntax=docker/dockerfile:1" + " " * LONG + "x\nFROM python:3.12-slim\n",
        "DKR001",
    ),
    "dockerfile-unclosed-variables": (
        "Dockerfile",
        "FROM " + "${BASE:-" * (LONG // 8) + "\n",
        "DKR001",
    ),
    "dockerfile-escaped-quotes": (
        "Dockerfile",
        'FROM python:3.12-slim\nRUN echo "' + '\\"' * (LONG // 2) + "\n",
        "DKR001",
    ),
    "dockerfile-flags": (
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY " + _continued("--a ", lines=20) + " src /dst\n",
        "DKR001",
    ),
    "dockerfile-wrappers": (
        "Dockerfile",
        "FROM python:3.12-slim\nRUN " + _continued("sudo ") + " id\n",
        "DKR001",
    ),
    "dockerfile-assignments": (
        "Dockerfile",
        "FROM python:3.12-slim\nENV " + _continued("a=b ") + "\n",
        "DKR001",
    ),
    "dockerfile-update-then-managers": (
        "Dockerfile",
        "FROM debian:12\nRUN apt-get update && " + "apt " * (LONG // 4) + "\nUSER app\n",
        "DKR023",
    ),
    "dockerfile-interpreter-digits": (
        "Dockerfile",
        "FROM python:3.12-slim\nRUN curl -fsSL https://x.io/i | python" + "3" * LONG + "x\n",
        "DKR001",
    ),
    # Every removal is globbed against every secret file copied before it.
    "dockerfile-removed-glob": (
        "Dockerfile",
        f"FROM python:3.12-slim\nUSER app\nCOPY id_rsa /{'a' * LONG}/id_rsa\n"
        + f"RUN rm -rf /*{'a' * (LONG // 2)}b\n" * 5,
        "DKR015",
    ),
    "command-line-password": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "curl " * (LONG // 5)
        + "\nRUN curl -u admin:Vq8rT2mK9wLx https://x.io\n",
        "DKR004",
    ),
    # The secret scan reads every line of every file; CONTROL is a ConfigMap holding a token.
    "secret-assignment-lines": ("configmap.yaml", _lines("password") + CONTROL, "K8S014"),
    "jwt-detector-lines": ("configmap.yaml", _lines("eyJ") + CONTROL, "K8S014"),
    # `a=a=a=...` holds an assignment written as another's value at every `=`.
    "nested-assignment-lines": (
        "configmap.yaml",
        _lines("a=", prefix="token ") + CONTROL,
        "K8S014",
    ),
    "npm-detector-lines": ("configmap.yaml", _lines("/", prefix="AKIA ") + CONTROL, "K8S014"),
    "openai-detector-lines": ("configmap.yaml", _lines("sk-", prefix="AKIA ") + CONTROL, "K8S014"),
    "interpolation-braces": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        + "".join(f"      API_TOKEN_{n}: '{'{{' * (LONG // 2)}}}x'\n" for n in range(5)),
        "CMP007",
    ),
    "name-capital-run": (
        "Dockerfile",
        f"FROM python:3.12-slim\nUSER app\nENV {'A' * LONG}=x DB_PASSWORD=Vq8rT2mK9wLxZ\n",
        "DKR004",
    ),
    # A YAML explicit key (`? key`) may be as long as a line: a simple key stops at 1,024.
    "name-digit-run": (
        "template.yaml",
        f"Parameters:\n  ? Secret{'1' * LONG}x\n  : Type: String\n"
        "  DbPassword:\n    Type: String\n    Default: Vq8rT2mK9wLxZ\n"
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
        "CFN018",
    ),
    "managed-policy-name": (
        "template.yaml",
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      ManagedPolicyArns:\n"
        + f"        - arn:aws:iam::aws:policy/{'FullAccess' * (LONG // 10)}.\n" * 5
        + "        - arn:aws:iam::aws:policy/AdministratorAccess\n",
        "CFN026",
    ),
    "sub-unclosed-references": (
        "template.json",
        _template(
            {
                "Bucket": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"BucketName": {"Fn::Sub": "${" * (LONG // 2)}},
                }
            }
        ),
        "CFN003",
    ),
    "lambda-sub-unclosed-escapes": (
        "template.json",
        _template(
            {
                "Fn": _lambda(
                    {
                        "Code": {"ZipFile": {"Fn::Sub": "${!" * (LONG // 3)}},
                        "Environment": {"Variables": {"DB_PASSWORD": "Vq8rT2mK9wLxZ"}},
                    }
                )
            }
        ),
        "CFN015",
    ),
    "bandit-quoted-password": (
        "template.json",
        # bandit quotes the password; one ending in a newline leaves no closing quote on its line
        _template({"Fn": _lambda({"Code": {"ZipFile": 'password = "' + "'" * LONG + '\\n"\n'}})}),
        "CFN030",
    ),
    "kubernetes-image-angle-run": ("pod.yaml", POD.format(image="<" * LONG), "K8S009"),
    # SAM's message names the resource; a logical id can repeat the text that is searched for.
    "sam-error-resource-id": (
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        f"  ? '{'Resource with id [' * (LONG // 18)}]'\n"
        "  : Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      InlineCode: 'def handler(e, c): pass'\n"
        "      Events: {Bad: {Type: Api, Properties: {Path: 5, Method: [get]}}}\n",
        "CFN028",
    ),
    # Many parts, each once compared with (or copied for) every other.
    "dockerfile-continued-lines": (
        "Dockerfile",
        # dockerfile-parse grew the joined value by copying it for each line
        "FROM python:3.12-slim\nLABEL a=b" + " \\\nc" * 300_000 + "\n",
        "DKR001",
    ),
    "dockerfile-heredocs": (
        "Dockerfile",
        # the lines were copied, and the later instructions filtered, for each heredoc
        "FROM python:3.12-slim\n" + _many("RUN <<EOF\necho {i}\nEOF\n", 10_000),
        "DKR001",
    ),
    "dockerfile-continued-heredocs": (
        "Dockerfile",
        # a body line ending in `\` had the whole file parsed again (up to 100 times)
        "FROM python:3.12-slim\n" + _many("RUN <<EOF\necho {i} \\\nEOF\n", 10_000),
        "DKR001",
    ),
    "dockerfile-shell-lookups": (
        "Dockerfile",
        # the stage was searched for its last SHELL at each instruction
        'FROM python:3.12-slim\nSHELL ["/bin/bash", "-c"]\n' + "LABEL a=b\n" * 40_000,
        "DKR001",
    ),
    "dockerfile-stage-chain": (
        "Dockerfile",
        # ... and then each stage it is built FROM
        "FROM python:3.12-slim AS s0\n" + _many("FROM s{i} AS s{j}\nLABEL a=b\n", 15_000),
        "DKR001",
    ),
    "dockerfile-copies-and-removals": (
        "Dockerfile",
        # every copied file was compared with every later `rm` target
        "FROM python:3.12-slim\nUSER app\n"
        + _many("COPY id_rsa /keys/{i}/id_rsa\n", 5_000)
        + _many("RUN rm -f /tmp/{i}\n", 5_000)
        + "RUN rm -rf /keys/0\n",
        "DKR018",
    ),
    "dockerfile-suppression-comments": (
        "Dockerfile",
        # every finding was compared with every suppression of the file
        "FROM python:3.12-slim\nUSER app\n"
        + _many("# guardlint:ignore DKR009 -- x\n" * 6 + "ADD f{i}.txt /f{i}\n", 6_000),
        "DKR006",
    ),
    "cloudformation-findinmap-branches": (
        "template.json",
        # every combination of the three keys' values was looked up (2,048 each: 8.6e9)
        json.dumps(
            {
                "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
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
    "compose-nested-defaults": (
        "compose.yaml",
        # each default was interpolated by a recursive call (RecursionError: GL002)
        "services:\n"
        + "".join(
            f'  {name}:\n    image: "{"${A:-" * NESTED}{image}{"}" * NESTED}"\n'
            for name, image in (("web", "nginx"), ("worker", "redis:7.4"))
        ),
        "CMP008",
    ),
}
