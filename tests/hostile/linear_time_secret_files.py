"""Linear-time cases of files of as many different secrets as 1 MB holds, in each place secrets
are looked for: a ConfigMap's data, a Secret's stringData, a Lambda function's and an ECS
container's environment in a CloudFormation template, a Compose service's environment and the
.env file it reads, a Dockerfile's ENV and ARG lines. Each secret is a finding, made and
rendered in every format (tests/hostile/test_linear_time.py). The cost grows with the file:
a 4 MB one (`SIZE = 4_000_000`) holds four times as many."""

from __future__ import annotations

import json
from base64 import b32encode, b64encode
from hashlib import sha256


def _digest(number: int, kind: str) -> bytes:
    return sha256(f"{kind}{number}".encode()).digest()


def _password(number: int) -> str:
    """A different password of 16 letters and digits for each number."""
    text = b64encode(_digest(number, "p")).decode()
    return text.replace("+", "").replace("/", "")[:16]


def _access_key(number: int) -> str:
    """A different AWS access key ID (AKIA and 16 of A-Z, 2-7) for each number."""
    return "AKIA" + b32encode(_digest(number, "a")).decode()[:16]


def _github_token(number: int) -> str:
    """A different classic GitHub token (ghp_ and 36 letters and digits) for each number."""
    text = b64encode(_digest(number, "g") + _digest(number, "h")).decode()
    return "ghp_" + text.replace("+", "").replace("/", "")[:36]


_KINDS = (
    ("password", _password),
    ("key", _access_key),
    ("pass", _password),
    ("token", _github_token),
)
SIZE = 1_000_000  # bytes of a file's secret lines: 25,000 to 30,000 of them


def secret_entries(line_size: int) -> list[tuple[str, str]]:
    """As many different (name, secret) pairs as SIZE holds in lines of `line_size` bytes
    besides the two: passwords, AWS access key IDs and GitHub tokens under names that say
    what they hold."""
    entries, size, number = [], 0, 0
    while size < SIZE:
        kind, make = _KINDS[number % 4]
        entries.append((f"{kind}{number}", make(number)))
        size += line_size + len(entries[-1][0]) + len(entries[-1][1])
        number += 1
    return entries


def private_key_blocks(count: int) -> list[tuple[str, str]]:
    """`count` different RSA private key blocks (a header, one line of base64, the footer)."""
    return [
        (
            f"tls_key_{n}",
            "-----BEGIN RSA PRIVATE KEY-----\n"
            + b64encode(_digest(n, "k") * 2).decode()
            + "\n-----END RSA PRIVATE KEY-----",
        )
        for n in range(count)
    ]


def _yaml_entries(indent: str) -> str:
    """Flat `name: secret` lines, with a private key block scalar every 1,000th entry."""
    entries = secret_entries(len(indent) + 3)
    lines = [f"{indent}{name}: {value}\n" for name, value in entries]
    for number, (name, block) in enumerate(private_key_blocks(len(entries) // 1_000)):
        body = "".join(f"{indent}  {line}\n" for line in block.splitlines())
        lines[number * 1_000] = f"{indent}{name}: |\n{body}"
    return "".join(lines)


def config_map() -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n"
        f"data:\n{_yaml_entries('  ')}"
    )


def string_data_secret() -> str:
    return (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: settings, namespace: shop}\n"
        f"stringData:\n{_yaml_entries('  ')}"
    )


def lambda_template() -> str:
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/api\n"
        "      Code: {ZipFile: 'def handler(event, context): return 1'}\n"
        f"      Environment:\n        Variables:\n{_yaml_entries(' ' * 10)}"
    )


def ecs_template() -> str:
    """A task definition's container environment as JSON, one variable a line."""
    variables = ",\n".join(
        json.dumps({"Name": name.upper(), "Value": value}, separators=(",", ":"))
        for name, value in secret_entries(len('{"Name":"","Value":""},') + 1)
    )
    head = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "ContainerDefinitions": [
                        {"Name": "app", "Image": "nginx:1.27", "Environment": ["@"]}
                    ]
                },
            }
        },
    }
    return json.dumps(head).replace('"@"', "\n" + variables + "\n")


def compose_file() -> str:
    return "services:\n  web:\n    image: nginx:1.27\n    environment:\n" + "".join(
        f"      {name.upper()}: {value}\n" for name, value in secret_entries(9)
    )


def env_file() -> str:
    return "".join(f"{name.upper()}={value}\n" for name, value in secret_entries(2))


def dockerfile() -> str:
    words = ("ENV", "ARG")
    return "FROM alpine:3.22\n" + "".join(
        f"{words[n % 2]} {name.upper()}={value}\n"
        for n, (name, value) in enumerate(secret_entries(6))
    )


# Each secret a finding. A Secret manifest's one K8S025 finding names all its values, each in
# its own region: each region was searched for every value with an automaton built again, and
# each line's search made a list as long as the values (100 KB: 16 s; 1 MB: past the timeout).
SECRET_FILE_CASES = {
    "configmap-many-distinct-secrets": ("configmap.yaml", config_map(), "K8S014"),
    "secret-string-data-many-distinct-secrets": ("secret.yaml", string_data_secret(), "K8S025"),
    "lambda-environment-many-distinct-secrets": ("template.yaml", lambda_template(), "CFN015"),
    "ecs-environment-many-distinct-secrets": ("template.json", ecs_template(), "ECS007"),
    "compose-environment-many-distinct-secrets": ("compose.yaml", compose_file(), "CMP007"),
    "dockerfile-env-arg-many-distinct-secrets": ("Dockerfile", dockerfile(), "DKR004"),
}
