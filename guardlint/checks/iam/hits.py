"""How the IAM checks word and locate what they report, shared by the pack's families and the
policy-grants-actions template."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from guardlint.checks.cloudformation.hits import once_per_place
from guardlint.documents.cloudformation.scenarios import deployments_named
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.policy import Policy, Statement, policy_scenarios
from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import Action
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Severity

T = TypeVar("T")


def policy_hit(
    policy: Policy,
    statement: Statement | None,
    message: str,
    region: Region,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    """A hit on the policy (or one of its statements), with the policy's kind as a property."""
    return Hit(
        message=message,
        region=region,
        resource=policy.resource_of(statement),
        severity=severity,
        properties={"policyKind": policy.kind, **properties},
    )


def per_deployment(document: Document, judge: Callable[[Policy], Iterable[Hit]]) -> Iterator[Hit]:
    """What `judge` finds in each deployment of the policy (policy_scenarios: each Fn::If of
    one template condition takes the same branch in every element and every `!Sub` string),
    so that a statement's Action is judged with the Resource the same deployment gives it.
    One finding per statement, as when the policy is read once: the first deployment's that
    reports it, whose message adds what each other deployment reports differently, naming it
    (guardlint.checks.cloudformation.hits.once_per_place)."""
    reports = ((policy.reader.template, judge(policy)) for policy in policy_scenarios(document))
    return once_per_place(reports, _statement)


def _statement(hit: Hit) -> str:
    return hit.resource


def by_statement(
    document: Document, judge: Callable[[Policy], Iterable[tuple[Statement, T]]]
) -> list[list[tuple[Policy, Statement, T]]]:
    """What `judge` finds of each statement in each deployment of the policy, by statement
    (its resource label), in the order first found."""
    found: dict[str, list[tuple[Policy, Statement, T]]] = {}
    for policy in policy_scenarios(document):
        for statement, what in judge(policy):
            found.setdefault(policy.resource_of(statement), []).append((policy, statement, what))
    return list(found.values())


def names_by_deployment(reports: list[tuple[Policy, list[str]]]) -> tuple[list[str], str]:
    """The names any of the deployments reports, sorted, and what they report differently:
    `s3:PutObject only where IsProd is false` ("" when each reports the same names)."""
    first = reports[0][1]
    if all(names == first for _, names in reports):
        # Most often one deployment: no name to ask which reports it (Action `*` gives 10,000
        # names); a list already sorted sorts in one pass, where a set's order would not.
        return sorted(dict.fromkeys(first)), ""
    union = sorted({name for _, names in reports for name in names})
    among = [policy.reader.template for policy, _ in reports]
    reporting: dict[str, list[Template]] = {}
    for policy, names in reports:
        for name in names:
            reporting.setdefault(name, []).append(policy.reader.template)
    partial: dict[tuple[int, ...], list[str]] = {}
    for name in union:
        if len(reporting[name]) < len(reports):
            partial.setdefault(tuple(id(view) for view in reporting[name]), []).append(name)
    clauses = [
        f"{listing(names) if len(names) <= 5 else f'{len(names)} of them'} only where "
        + deployments_named(reporting[names[0]], among)
        for names in partial.values()
    ]
    return union, "; ".join(clauses)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def listing(names: Iterable[str], limit: int = 5) -> str:
    """The first `limit` names, then how many more."""
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def action_names(found: Iterable[tuple[Item, Action]]) -> list[str]:
    """The sorted full names of the actions found."""
    return sorted({action.full_name for _, action in found})
