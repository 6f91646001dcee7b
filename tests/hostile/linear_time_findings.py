"""Linear-time cases of files of many distinct parts, each costing its own work once: a file
of as many different secrets as 5 MB holds, each a finding, and a policy's many different
Action patterns, each expanded on its own (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json
from base64 import b32encode, b64encode
from hashlib import sha256

_SECRETS = 25_000  # different secrets, each a finding: 0.7 to 1 MB


def _password(number: int) -> str:
    """A different password of 16 letters and digits for each number."""
    text = b64encode(sha256(str(number).encode()).digest()).decode()
    return text.replace("+", "").replace("/", "")[:16]


def _access_key(number: int) -> str:
    """A different AWS access key ID (AKIA and 16 of A-Z, 2-7) for each number."""
    return "AKIA" + b32encode(sha256(str(number).encode()).digest()).decode()[:16]


def _config_map(entries: str) -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n"
        f"data:\n{entries}"
    )


def _spelled(text: str, number: int) -> str:
    """The `number`-th of the text's spellings in upper and lower case."""
    return "".join(c.upper() if number >> k & 1 else c for k, c in enumerate(text))


def _distinct_patterns(statements: int) -> str:
    """A policy of `statements` statements on Resource `*`, each with four Action patterns no
    other statement has and that match no action (`ec2:Describe17A*`), in big services, and one
    that matches many, spelled in its own case (`eC2:DEscribe*`). One statement per line."""
    services = (("ec2", "Describe"), ("sagemaker", "Create"), ("ec2", "Get"), ("glue", "Get"))
    lines = []
    for number in range(statements):
        service, verb = services[number % len(services)]
        actions = [f"{service}:{verb}{number}{letter}*" for letter in "ABCD"]
        actions.append(_spelled(f"{service}:{verb}*", number // len(services)))
        statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
        lines.append(json.dumps(statement, separators=(",", ":")))
    return '{"Version":"2012-10-17","Statement":[\n' + ",\n".join(lines) + "\n]}\n"


FINDING_CASES = {
    # Each secret a finding: each value was searched by thirty detector patterns one at a time
    # (a set search now says which can match) and judged by loops over its characters; each
    # line's generic finding was made before it gave way to the specific one.
    "configmap-many-distinct-passwords": (
        "configmap.yaml",
        _config_map("".join(f"  password{n}: {_password(n)}\n" for n in range(_SECRETS))),
        "K8S014",
    ),
    "configmap-many-distinct-access-keys": (
        "configmap.yaml",
        _config_map("".join(f"  key{n}: {_access_key(n)}\n" for n in range(_SECRETS))),
        "K8S014",
    ),
    "dockerfile-many-distinct-env-passwords": (
        "Dockerfile",
        "FROM alpine:3.22\n"
        + "".join(f"ENV DB_PASSWORD_{n}={_password(n)}\n" for n in range(_SECRETS)),
        "DKR004",
    ),
    "text-many-distinct-access-keys": (
        "Dockerfile",
        "FROM alpine:3.22\n" + "".join(f"# key {_access_key(n)}\n" for n in range(_SECRETS)),
        "SEC001",
    ),
    # Each pattern compiled to a regex and tried on every action of its service, 100,000 of
    # them (30 s): a pattern that is its text and a `*` is a bisect of the sorted names, and the
    # spellings of one pattern share its expansion.
    "iam-many-distinct-action-patterns": ("policy.json", _distinct_patterns(20_000), "IAM011"),
}
