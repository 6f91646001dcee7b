"""Linear-time cases of files of many distinct parts, each costing its own work once: a policy's
many different Action patterns, each expanded on its own (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json


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
    # Each pattern compiled to a regex and tried on every action of its service, 100,000 of
    # them (30 s): a pattern that is its text and a `*` is a bisect of the sorted names, and the
    # spellings of one pattern share its expansion.
    "iam-many-distinct-action-patterns": ("policy.json", _distinct_patterns(20_000), "IAM011"),
}
