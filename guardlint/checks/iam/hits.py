"""How the IAM checks word and locate what they report, shared by the pack's families and the
policy-grants-actions template."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from guardlint.documents.iam.policy import Policy, Statement, policy_scenarios
from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import Action
from guardlint.model import Document, Hit, Region, Severity


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


def once_each(hits: Iterable[Hit]) -> Iterator[Hit]:
    """The hits, each once: a statement that several deployments of a template write alike
    (guardlint.documents.iam.policy.policy_scenarios) is reported once."""
    seen: set[tuple[str, Region, str]] = set()
    for hit in hits:
        key = (hit.message, hit.region, hit.resource)
        if key not in seen:
            seen.add(key)
            yield hit


def per_deployment(document: Document, judge: Callable[[Policy], Iterable[Hit]]) -> Iterator[Hit]:
    """What `judge` finds in each deployment of the policy (policy_scenarios: each Fn::If of
    one template condition takes the same branch in every element and every `!Sub` string),
    so that a statement's Action is judged with the Resource the same deployment gives it;
    a statement an earlier deployment reported is not reported again (one finding per
    statement, as when the policy is read once)."""
    reported: set[str] = set()
    for policy in policy_scenarios(document):
        found = list(judge(policy))
        yield from (hit for hit in found if hit.resource not in reported)
        reported.update(hit.resource for hit in found)


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
