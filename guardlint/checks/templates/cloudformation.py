"""CloudFormation templates (kube-linter's shape): a rule is data, the logic is here.

- `resource-property`: tests on the properties of resources of some types ("must be true",
  "must not be one of", "must be set"), each with its message;
- `security-group-ingress`: ingress from the whole internet to given ports (or every port).

Their parameters are declared in guardlint.checks.templates.TEMPLATES. Values are read through
the evaluator (guardlint.documents.cloudformation.values): a value that cannot be resolved
never yields a finding.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from guardlint.checks.cloudformation.hits import hit, once_per_place, place_of
from guardlint.checks.registry import template
from guardlint.documents.cloudformation.ingress import world_ingress
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED
from guardlint.documents.cloudformation.resources import Resource, resources_of, template_of
from guardlint.documents.cloudformation.sam_made import sam_made_resources
from guardlint.documents.cloudformation.scenarios import scenarios
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import (
    is_false_or_missing,
    is_set,
    map_values,
    may_be_empty,
    may_be_false,
    may_be_missing,
    may_be_true,
    may_equal,
)
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity


@template("resource-property")
def resource_property(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each test of `params.tests` on each resource of `params.types` (or of the test's own
    types) that no condition of `params.unless` or the test's `unless` exempts; with
    `params.sam_made`, also on those the SAM transform makes without properties."""
    template = template_of(document)
    params = rule.params
    made = sam_made_resources(document, *params["types"]) if params["sam_made"] else ()
    for resource in itertools.chain(resources_of(document, *params["types"]), made):
        tests = [t for t in params["tests"] if resource.type in (t["types"] or params["types"])]
        read = [params["unless"], *(c for t in tests for c in (t["unless"], [t]))]
        values = [_value_of(resource, c["property"]) for conditions in read for c in conditions]
        views = scenarios(template, template.resources.get(resource.logical_id), values)
        # Each test's finding is its own problem, even where another test reports the same
        # place (a log group with neither RetentionInDays nor KmsKeyId).
        for test in tests:
            judge = functools.partial(_hits, resource=resource, params=params, tests=[test])
            yield from once_per_place(((view, judge(view)) for view in views), place_of)


def _hits(template: Template, resource: Resource, params: Mapping, tests: list) -> Iterator[Hit]:
    """The hits of `tests` on `resource` in one scenario of the template."""
    if _exempt(template, resource, params["unless"]):
        return
    for test in tests:
        if not _exempt(template, resource, test["unless"]):
            yield from _test_hits(template, resource, test)


def _exempt(template: Template, resource: Resource, conditions: list[dict]) -> bool:
    """Whether any condition holds: the property it names is as it says (_PREDICATES)."""
    return any(_found(template, resource, condition) is not None for condition in conditions)


def _found(template: Template, resource: Resource, test: Mapping[str, Any]) -> tuple | None:
    """(container, key, value) to report when the test's property is as it says, else None.
    The container is the map that holds the property (None: report the resource itself)."""
    for container, key in _places(template, resource, test["property"]):
        found = _PREDICATES[test["is"]](template, container, key, test["values"])
        if found is not None:
            return found
    return None


def _value_of(resource: Resource, path: str) -> Any:
    """The property that holds `path` (None where it is not written), whose Fn::If conditions
    the scenarios branch on, however deep."""
    return resource.props.get(path.split(".")[0]) if path else None


def _places(template: Template, resource: Resource, path: str) -> list[tuple[Any, str | None]]:
    """The maps that may hold the property at `path` (dotted through maps, each of which may
    sit behind Fn::If: in one scenario, the branch it takes) with its key; none when a map on
    the way is missing or unknown. An empty path: the resource's properties, and no key."""
    if not path:
        return [(resource.props, None)]
    *parents, key = path.split(".")
    containers: list[Any] = [resource.props]
    for parent in parents:
        containers = [
            value
            for container in containers
            for value in map_values(template, container.get(parent))
            if value is not UNRESOLVED
        ]
    return [(container, key) for container in containers]


def _present(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    if key is None:
        return None, None, ""
    return (container, key, "") if key in container else None


def _missing(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    if not may_be_missing(template, container, key):
        return None
    return (container if key in container else None, key, "")


def _true(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    return (container, key, "") if may_be_true(template, container, key) else None


def _false(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    return (container, key, "") if may_be_false(template, container, key) else None


def _false_or_missing(
    template: Template, container: Any, key: str | None, values: list
) -> tuple | None:
    if not is_false_or_missing(template, container, key):
        return None
    return (container if key in container else None, key, "")


def _empty_or_missing(
    template: Template, container: Any, key: str | None, values: list
) -> tuple | None:
    if not may_be_missing(template, container, key) and not may_be_empty(template, container, key):
        return None
    return (container if key in container else None, key, "")


def _set(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    return (container, key, "") if key is not None and is_set(template, container, key) else None


def _one_of(template: Template, container: Any, key: str | None, values: list) -> tuple | None:
    value = may_equal(template, container.get(key), *values)
    return (container, key, value) if value else None


def _non_empty_list(
    template: Template, container: Any, key: str | None, values: list
) -> tuple | None:
    for candidate in template.possible_values(container.get(key)):
        # a list parameter whose default is "" holds one empty item: no entry
        if isinstance(candidate, list) and any(item != "" for item in candidate):
            return container, key, ""
    return None


# What each `is` of a test (and of an `unless` condition) means, for the property's map and key.
_PREDICATES = {
    "present": _present,  # written, whatever its value (no property: the resource exists)
    "missing": _missing,  # not written, or may be AWS::NoValue (reported where written)
    "true": _true,  # may resolve to true
    "false": _false,  # written and may resolve to false
    "false-or-missing": _false_or_missing,  # not written, or may resolve to false
    "empty-or-missing": _empty_or_missing,  # not written, or may resolve to ""
    "set": _set,  # written and never "" (a value that cannot be resolved is set)
    "one-of": _one_of,  # may resolve to one of `values` (case-insensitive)
    "non-empty-list": _non_empty_list,  # may be a list with items
}


def _test_hits(template: Template, resource: Resource, test: Mapping[str, Any]) -> Iterator[Hit]:
    found = _found(template, resource, test)
    if found is None:
        return
    container, key, value = found
    message = test["message"].format(
        logical_id=resource.logical_id, property=test["property"], value=value
    )
    properties = dict(test["properties"])
    if test["value_property"]:
        properties[test["value_property"]] = value
    severity = Severity.parse(test["severity"]) if test["severity"] else None
    yield hit(resource, message, container, key, severity=severity, **properties)


@template("security-group-ingress")
def security_group_ingress(document: Document, rule: Rule) -> Iterator[Hit]:
    """Ingress from 0.0.0.0/0 or ::/0 that opens `params.ports` (a rule option named by
    `params.ports_option` replaces them) on `params.protocols`, or, with `params.every_port`,
    every port. A rule open on every port is only the every-port rule's finding."""
    params = rule.params
    ports = params["ports"]
    if params["ports_option"]:
        ports = [int(port) for port in rule.options.get(params["ports_option"], ports)]
    for ingress in world_ingress(document):
        if params["every_port"] != ingress.opens_every_port:
            continue
        opened = [port for port in ports if ingress.opens(port)]
        if params["every_port"]:
            properties = {}
        elif opened and ingress.protocol in params["protocols"]:
            record = params["record"]
            properties = {record: opened[0] if record == "port" else opened}
        else:
            continue
        group = ingress.resource
        allows = params["allows"].format(ports=", ".join(map(str, opened)))
        yield hit(
            group,
            f"Security group rule in {group.logical_id} allows {allows} from {ingress.cidr} "
            f"({ingress.ports_text}): anyone on the internet can reach it.",
            ingress.rule,
            ingress.cidr_key,
            cidr=ingress.cidr,
            protocol=ingress.protocol,
            **properties,
        )
