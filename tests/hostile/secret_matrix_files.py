"""The files of the secret matrix (tests/hostile/test_secret_matrix.py): the same two secrets
written in every way the file kinds allow, and which of them a report shows."""

from __future__ import annotations

import json

from guardlint.report import REPORTERS

TOKEN = "ghp_Q7vK2mX9pL4rT8wN3bY6cF1hJ5dS0aZeUgVi"
PASSWORD = "Kx7/mQ2'v N9pR\u00e94w"
SECRETS = (TOKEN, PASSWORD)
RUN = 6
FORMATS = [*sorted(REPORTERS), "baseline"]


# -- how a YAML scalar can spell a value (indent: where a folded line goes on) ------------------


def _json_body(value: str) -> str:
    """The value inside JSON quotes, with `\\/` and `\\uXXXX` where plain text would do."""
    middle = len(value) // 2
    escaped = (
        f"\\u{ord(c):04x}" if i == middle or ord(c) > 127 else c for i, c in enumerate(value)
    )
    return "".join(escaped).replace("/", "\\/")


def _split(value: str) -> int:
    """Where to break a value over two lines: between two characters that are not spaces."""
    middle = len(value) // 2
    while value[middle - 1] == " " or value[middle] == " ":
        middle += 1
    return middle


def _folded(value: str, indent: str) -> str | None:
    return value.replace(" ", "\n" + indent, 1) if " " in value else None


YAML_ENCODINGS = {
    "plain": lambda value, indent: value,
    "double-quoted-escapes": lambda value, indent: f'"{_json_body(value)}"',
    "single-quoted": lambda value, indent: "'" + value.replace("'", "''") + "'",
    "plain-folded": lambda value, indent: _folded(value, indent),
    "double-quoted-folded": lambda value, indent: (
        f'"{_folded(value, indent)}"' if " " in value else None
    ),
    "single-quoted-folded": lambda value, indent: (
        "'" + _folded(value.replace("'", "''"), indent) + "'" if " " in value else None
    ),
    "double-quoted-continued": lambda value, indent: (
        f'"{value[: _split(value)]}\\\n{indent}{value[_split(value) :]}"'
    ),
}


def _yaml(encoding: str, value: str, indent: str) -> str:
    """The value in `encoding`; a token has no space to fold at, so it is continued."""
    spelled = YAML_ENCODINGS[encoding](value, indent)
    return (
        spelled if spelled is not None else YAML_ENCODINGS["double-quoted-continued"](value, indent)
    )


COMPOSE = """services:
  app:
    image: example/app:1.0
    environment:
      DB_PASSWORD: {password}
      API_TOKEN: {token}
  worker:
    image: example/worker:1.0
    privileged: true  # guardlint:ignore CMP001 -- the token {plain_token} needs it
    environment:
      - {listed}
"""
KUBERNETES = """apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: apps
spec:
  containers:
    - name: app
      image: example/app:1.0
      env:
        - name: DB_PASSWORD
          value: {password}
        - name: API_TOKEN
          value: {token}
"""
CLOUDFORMATION = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: {default}
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      DBInstanceClass: db.t3.micro
      MasterUsername: admin
      MasterUserPassword: {master}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Environment:
        Variables:
          DB_PASSWORD: {password}
          API_TOKEN: {token}
      Code:
        ZipFile: |
{code}
"""
BUILDSPEC = """version: 0.2
env:
  variables:
    DB_PASSWORD: {password}
    API_TOKEN: {token}
phases:
  build:
    commands:
      - make
"""
# A CodeBuild project: a plaintext variable, an inline buildspec's (the literal block keeps the
# inner YAML's own spelling), and a source credential's token.
CODEBUILD = """Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Artifacts: {{Type: NO_ARTIFACTS}}
      Environment:
        Type: LINUX_CONTAINER
        Image: aws/codebuild/standard:7.0
        EnvironmentVariables:
          - Name: DB_PASSWORD
            Value: {password}
      Source:
        Type: GITHUB
        Location: https://github.com/example/app.git
        BuildSpec: |
          version: 0.2
          env:
            variables:
              API_TOKEN: {inline_token}
          phases:
            build:
              commands:
                - make
  Credential:
    Type: AWS::CodeBuild::SourceCredential
    Properties:
      ServerType: GITHUB
      AuthType: PERSONAL_ACCESS_TOKEN
      Token: {token}
"""
# The password as Python literals: plain, escaped, and split over two lines.
PYTHON_CODE = [
    f"password = {PASSWORD!r}",
    "secret = " + repr(PASSWORD).replace("/", "\\x2f").replace("\u00e9", "\\xe9"),
    f"token = ({PASSWORD[:8]!r}",
    f"         {PASSWORD[8:]!r})",
    "def handler(event, context):",
    "    return password, secret, token",
]


def _yaml_files(encoding: str) -> dict[str, str]:
    def spell(value: str, indent: str) -> str:
        return _yaml(encoding, value, indent)

    listed = _yaml(encoding, f"DB_PASSWORD={PASSWORD}", " " * 8)
    return {
        f"yaml-{encoding}/compose.yaml": COMPOSE.format(
            password=spell(PASSWORD, " " * 8),
            token=spell(TOKEN, " " * 8),
            plain_token=TOKEN,
            listed=listed,
        ),
        f"yaml-{encoding}/pod.yaml": KUBERNETES.format(
            password=spell(PASSWORD, " " * 12), token=spell(TOKEN, " " * 12)
        ),
        f"yaml-{encoding}/template.yaml": CLOUDFORMATION.format(
            default=spell(PASSWORD, " " * 6),
            master=spell(PASSWORD, " " * 8),
            password=spell(PASSWORD, " " * 12),
            token=spell(TOKEN, " " * 12),
            code="\n".join(" " * 10 + line for line in PYTHON_CODE),
        ),
        f"yaml-{encoding}/buildspec.yml": BUILDSPEC.format(
            password=spell(PASSWORD, " " * 6), token=spell(TOKEN, " " * 6)
        ),
        f"yaml-{encoding}/codebuild.yaml": CODEBUILD.format(
            password=spell(PASSWORD, " " * 14),
            inline_token=spell(TOKEN, " " * 16),
            token=spell(TOKEN, " " * 8),
        ),
    }


# -- JSON: CloudFormation, Kubernetes, IAM ---------------------------------------------------

JSON_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"DbPassword": {"Type": "String", "NoEcho": True, "Default": PASSWORD}},
    "Resources": {
        "Database": {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {
                "Engine": "mysql",
                "DBInstanceClass": "db.t3.micro",
                "MasterUsername": "admin",
                "MasterUserPassword": PASSWORD,
            },
        },
        "Worker": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": "arn:aws:iam::123456789012:role/worker",
                "Environment": {"Variables": {"DB_PASSWORD": PASSWORD, "API_TOKEN": TOKEN}},
                "Code": {"ZipFile": {"Fn::Join": ["\n", PYTHON_CODE]}},
            },
        },
    },
}
JSON_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "app", "namespace": "apps"},
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "example/app:1.0",
                "env": [
                    {"name": "DB_PASSWORD", "value": PASSWORD},
                    {"name": "API_TOKEN", "value": TOKEN},
                ],
            }
        ]
    },
}
JSON_PROJECT = {
    "name": "app",
    "source": {"type": "GITHUB", "location": "https://github.com/example/app.git"},
    "artifacts": {"type": "NO_ARTIFACTS"},
    "environment": {
        "type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0",
        "computeType": "BUILD_GENERAL1_SMALL",
        "environmentVariables": [
            {"name": "DB_PASSWORD", "value": PASSWORD},
            {"name": "API_TOKEN", "value": TOKEN, "type": "PLAINTEXT"},
        ],
    },
}
JSON_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": f"arn:aws:s3:::releases/{TOKEN}",
        }
    ],
}


def _json_files(escaped: bool) -> dict[str, str]:
    folder = "json-escaped" if escaped else "json-plain"
    files = {}
    for name, data in (
        ("template.json", JSON_TEMPLATE),
        ("pod.json", JSON_POD),
        ("policy.json", JSON_POLICY),
        ("project.json", JSON_PROJECT),
    ):
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if escaped:
            for secret in SECRETS:  # neither needs escaping in JSON
                text = text.replace(secret, _json_body(secret))
        files[f"{folder}/{name}"] = text
    return files


# -- Dockerfiles ------------------------------------------------------------------------------


def _dockerfile(escape: str, continued: bool) -> str:
    def spell(value: str) -> str:
        cut = _split(value)
        return f"{value[:cut]}{escape}\n{value[cut:]}" if continued else value

    directive = "# escape=`\n" if escape == "`" else ""
    return (
        f"{directive}FROM python:3.12-slim\n"
        f'ENV DB_PASSWORD="{spell(PASSWORD)}"\n'
        f"ARG GITHUB_TOKEN={spell(TOKEN)}\n"
        f'RUN curl -H "Authorization: token {spell(TOKEN)}" https://example.com/x.sh | sh\n'
        "USER app\n"
    )


DOCKERFILES = {
    "docker-plain/Dockerfile": _dockerfile("\\", False),
    "docker-continued/Dockerfile": _dockerfile("\\", True),
    "docker-backtick/Dockerfile": _dockerfile("`", True),
}


# -- secrets that other findings show: names (a finding's resource) and quoted values -------------

# The token in the namespace: a repository name in capitals is no image (knowledge/images.py).
IMAGE = f"registry.example.com/{TOKEN}/app:latest"
SHOWN = {
    "names-plain/compose.yaml": f"services:\n  {TOKEN}:\n    image: x:1\n    privileged: true\n",
    "names-escaped/compose.yaml": (
        f'services:\n  "{_json_body(TOKEN)}":\n    image: x:1\n    privileged: true\n'
    ),
    "names-escaped/template.json": json.dumps(
        {"Resources": {TOKEN: {"Type": "AWS::S3::Bucket", "Properties": {}}}}, indent=2
    ).replace(TOKEN, _json_body(TOKEN)),
    "names-plain/Dockerfile": f"FROM alpine:3.20 AS {TOKEN}\nRUN echo hi\n",
    "quoted-plain/compose.yaml": f"services:\n  app:\n    image: {IMAGE}\n",
    "quoted-escaped/compose.yaml": f'services:\n  app:\n    image: "{_json_body(IMAGE)}"\n',
    "quoted-escaped/pod.json": json.dumps(
        {**JSON_POD, "spec": {"containers": [{"name": "app", "image": IMAGE}]}}, indent=2
    ).replace(TOKEN, _json_body(TOKEN)),
}


def tree() -> dict[str, str]:
    files = {**DOCKERFILES, **SHOWN, **_json_files(False), **_json_files(True)}
    for encoding in YAML_ENCODINGS:
        files.update(_yaml_files(encoding))
    return files
