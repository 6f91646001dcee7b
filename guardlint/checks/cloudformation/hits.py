"""The Hit every CloudFormation check makes: on a resource, at the key that shows the problem."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from guardlint.documents.cloudformation.resources import (
    Resource,
    region_at,
    resources_of,
    template_of,
    value_region,
)
from guardlint.documents.cloudformation.scenarios import deployments_named, scenarios
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import is_false_or_missing
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Severity


def hit(
    resource: Resource,
    message: str,
    container: Any = None,
    key: Any = None,
    severity: Severity | None = None,
    secret_values: tuple[str, ...] = (),
    **properties: Any,
) -> Hit:
    """A Hit on `resource`, located at `container[key]` when given and written; the
    `secret_values` it names are written inside that value."""
    region = resource.region if container is None else region_at(container, key, resource.region)
    return Hit(
        message=message,
        region=region,
        resource=resource.label,
        severity=severity,
        properties={"logicalId": resource.logical_id, **properties},
        secret_values=secret_values,
        secret_regions=(value_region(container, key) or region,) if secret_values else (),
    )


def unless_enabled(
    template: Template, resource: Resource, key: str, message: str, container: Any = None
) -> Iterator[Hit]:
    """A hit when the boolean `key` of `container` (by default the resource's properties) may
    be false or is missing: at the key where it is written, else on the resource."""
    props = resource.props if container is None else container
    if is_false_or_missing(template, props, key):
        yield hit(resource, message, props if key in props else None, key)


def in_each_scenario(
    template: Template,
    resource: Resource,
    values: Iterable[Any],
    judge: Callable[[Template], Iterable[Hit]],
) -> Iterator[Hit]:
    """The hits `judge` finds in each scenario of `resource` (the Fn::If branches of the
    `values` it reads taken together: guardlint.documents.cloudformation.scenarios), one
    finding per place (once_per_place): `AccessControl: !If [Prod, PublicRead,
    PublicReadWrite]` is one finding, which names the other scenario's ACL."""
    views = scenarios(template, template.resources.get(resource.logical_id), values)
    return once_per_place(((view, judge(view)) for view in views), place_of)


def place_of(found: Hit) -> tuple[Any, str]:
    """Where a hit is: its region, on its resource."""
    return found.region, found.resource


def once_per_place(
    reports: Iterable[tuple[Template | None, Iterable[Hit]]], place: Callable[[Hit], Hashable]
) -> Iterator[Hit]:
    """The hits each deployment of a template (a scenario: guardlint.documents.cloudformation
    .scenarios) reports, one finding per problem: at each `place`, the hits of the first
    deployment that reports there, the first of them adding what each other deployment
    reports there differently, naming it (`Where IsProd is false: ...`)."""
    found: dict[Hashable, list[tuple[Template | None, list[Hit]]]] = {}
    for view, hits in reports:
        here: dict[Hashable, list[Hit]] = {}
        for each in hits:
            here.setdefault(place(each), []).append(each)
        for key, theirs in here.items():
            found.setdefault(key, []).append((view, theirs))
    for reported in found.values():
        distinct: dict[tuple[str, Any], Hit] = {}
        for each in reported[0][1]:
            distinct.setdefault((each.message, each.region), each)
        first = list(distinct.values())
        said = {each.message for each in first}
        among = [view for view, _ in reported]
        added: dict[str, list[Template | None]] = {}
        for view, theirs in reported[1:]:
            for each in theirs:
                if each.message not in said:
                    added.setdefault(each.message, []).append(view)
        elsewhere = "".join(
            f" Where {deployments_named(views, among)}: {message}"
            for message, views in added.items()
        )
        # Most often one deployment reports there: its hit is the finding as it is.
        yield replace(first[0], message=first[0].message + elsewhere) if elsewhere else first[0]
        yield from first[1:]


def scenario_hits(
    document: Document,
    types: Iterable[str],
    keys: Iterable[str],
    judge: Callable[[Template, Resource], Iterable[Hit]],
) -> Iterator[Hit]:
    """The hits `judge` finds on each resource of `types`, in each of its scenarios (the
    Fn::If branches of the properties `keys` taken together, its own Condition true)."""
    template = template_of(document)
    keys = tuple(keys)
    for resource in resources_of(document, *types):
        values = [resource.props.get(key) for key in keys]
        yield from in_each_scenario(template, resource, values, partial(_judged, judge, resource))


def _judged(
    judge: Callable[[Template, Resource], Iterable[Hit]], resource: Resource, template: Template
) -> Iterable[Hit]:
    return judge(template, resource)
