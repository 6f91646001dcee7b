"""What a policy grants: administrator access (IAM001), every action of a service (IAM002),
write actions on every resource (IAM003), Allow with NotAction/NotResource/NotPrincipal
(IAM004).

IAM001 and IAM002 judge identity, resource and AWS IoT (device) policies; IAM003 judges
identity policies only: in a resource policy `Resource: "*"` means the resource the policy is
attached to. The three judge a template's policy once per deployment
(guardlint.checks.iam.hits.per_deployment), never one Fn::If branch's Action with the other
branch's Resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from guardlint.checks.iam.hits import (
    by_statement,
    listing,
    names_by_deployment,
    per_deployment,
    policy_hit,
)
from guardlint.checks.registry import check
from guardlint.documents.iam.applied import denials_of
from guardlint.documents.iam.denials import Denials
from guardlint.documents.iam.grants import (
    delegates_to_account,
    on_any_resource,
    only_a_boundary,
    wildcard_grants,
)
from guardlint.documents.iam.policy import DEVICE, RESOURCE, TRUST, Policy, Statement, policy_of
from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import (
    PERMISSIONS_MANAGEMENT,
    WRITE,
    Action,
    expand,
    scoped_at_levels,
    scoped_names,
)
from guardlint.knowledge.iam_wildcards import grants_every_action, whole_services
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

_ADMIN_CONSEQUENCE = {
    RESOURCE: "its principals get full control of the resource, including deleting it and "
    "rewriting this policy",
    DEVICE: "a device holding it may connect as any client, publish and subscribe to every "
    "topic and change every thing's shadow",
}

# What every action is, where not every action of every service: a device policy (AWS IoT
# Core's) grants only IoT's device actions.
_EVERY_ACTION = {DEVICE: "every action a device policy can grant"}


@check("IAM001")
def admin_access(document: Document, rule: Rule) -> Iterator[Hit]:
    """Statements allowing every action (`*`, `*:*`, any glob of them all: `*:?*`) on every
    resource; in a resource policy, not those handing control to an account's IAM, and not
    where a Deny (of the policy, or of another its holders hold) refuses every action, or every
    resource but a few (IAM002 and the narrower rules judge what it still grants)."""
    return per_deployment(document, _admin_access)


def _admin_access(policy: Policy) -> Iterator[Hit]:
    if policy.kind == TRUST or only_a_boundary(policy) or denials_of(policy).admin_refused:
        return
    for statement in policy.statements:
        if not on_any_resource(statement) or delegates_to_account(policy, statement):
            continue
        consequence = _ADMIN_CONSEQUENCE.get(
            policy.kind, "whoever holds it is a full administrator of the account"
        )
        for entries, region in _every_action(statement):
            yield policy_hit(
                policy,
                statement,
                f"{policy.where(statement)} allows every action ({entries}) on every "
                f"resource: {consequence}.",
                region,
            )


def _every_action(statement: Statement) -> Iterator[tuple[str, Region]]:
    """Each Action entry granting every action of every service, or else the entries that
    together grant every service whole (`a*:*`, `b*:*` ... `x*:*`), as written and where."""
    entries = statement.every_action
    if entries and _alone(entries):
        yield from ((f"`{item.text}`", item.region) for item in entries)
    elif entries:
        yield _written(entries), statement.actions[0].region


def _alone(entries: tuple[Item, ...]) -> bool:
    """Entries of Statement.every_action that each grant every action (not together)."""
    return grants_every_action(entries[0].text or "")


def _written(entries: tuple[Item, ...]) -> str:
    """The entries granting every action as a message names them: the first that does alone
    (`*`), or all that together do."""
    return f"`{entries[0].text}`" if _alone(entries) else listing(f"`{e.text}`" for e in entries)


def _refused(actions: tuple[Action, ...], denied: Denials) -> bool:
    """Every action of a whole service refused on every resource: it grants nothing (a
    service the database does not know is never refused)."""
    return bool(denied and actions) and all(denied.refuses(action.key) for action in actions)


@check("IAM002")
def wildcard_service_action(document: Document, rule: Rule) -> Iterator[Hit]:
    """Allow statements granting every action of a service (`s3:*`), or `*` on named
    resources (or on the few a Deny's NotResource leaves): one finding per statement, naming
    every such service; not a whole service a Deny refuses everywhere."""
    return per_deployment(document, _wildcard_service_action)


def _wildcard_service_action(policy: Policy) -> Iterator[Hit]:
    if policy.kind == TRUST or only_a_boundary(policy):
        return
    denied = denials_of(policy)
    # A Deny of every action (or all but a few) everywhere leaves `*` a few actions at most; one
    # on all resources but a few leaves `*` on those: every action of every service on named
    # resources, as if written there.
    every_action = not denied.actions_refused
    for statement in policy.statements:
        if not statement.is_allow or delegates_to_account(policy, statement):
            continue
        whole = statement.every_action
        anywhere = on_any_resource(statement)
        # On every resource it is IAM001's.
        if whole and every_action and (not anywhere or denied.resources_refused):
            where = (
                "on the resources a Deny's NotResource leaves it"
                if anywhere
                else "on the resources it names"
            )
            yield policy_hit(
                policy,
                statement,
                f"{policy.where(statement)} allows {_written(whole)}, "
                f"{_EVERY_ACTION.get(policy.kind, 'every action of every service')} ({where}, "
                "including future actions), where the task needs a few.",
                whole[0].region,
                services=["*"],
            )
            continue
        found = [
            (item, service, actions)
            for item in statement.actions
            if not any(item is entry for entry in whole)
            for service in whole_services(item.text or "")
            if not _refused(actions := expand(f"{service}:*"), denied)
        ]
        if not found:
            continue
        services = list(dict.fromkeys(service for _, service, _ in found))
        entries = list(dict.fromkeys(f"`{item.text}`" for item, _, _ in found))
        # One service's actions (each once in expand()'s tuple) are counted without a set of
        # its hundreds of keys, made again for each of thousands of statements.
        distinct = list({id(actions): actions for _, _, actions in found}.values())
        keys = distinct[0] if len(distinct) == 1 else {a.key for x in distinct for a in x}
        count = len(keys)
        # A prefix the database does not list may be a service newer than it (IAM011 says it
        # is unknown): its actions cannot be counted.
        counted = (
            f"{_EVERY_ACTION[DEVICE]}, including future ones"
            if policy.kind == DEVICE
            else f"{count} actions, including future ones"
            if count
            else "a service the IAM action database does not list: all its actions, including "
            "future ones"
        )
        granted = (
            f"{entries[0]}, every action of {services[0]}"
            if len(services) == 1
            else f"{listing(entries)}, every action of {len(services)} services, "
            f"{listing([f'{service}:*' for service in services], limit=10)}"
        )
        yield policy_hit(
            policy,
            statement,
            f"{policy.where(statement)} allows {granted} ({counted}), where the task needs a few.",
            found[0][0].region,
            services=services,
        )


@check("IAM003")
def wildcard_resource_write(document: Document, rule: Rule) -> Iterator[Hit]:
    """Identity policy statements allowing write or permissions-management actions (the
    rule's `access_levels`) on Resource `*`, counting only actions that can be scoped: one
    finding per statement naming what every deployment of the template grants
    (guardlint.checks.iam.hits.names_by_deployment)."""
    levels = frozenset(rule.options.get("access_levels", (WRITE, PERMISSIONS_MANAGEMENT)))
    for reports in by_statement(document, lambda policy: _writes(policy, levels)):
        policy, statement, first = reports[0]
        names, differing = names_by_deployment([(p, writes.names) for p, _, writes in reports])
        whole = next((writes.whole for _, _, writes in reports if writes.whole), None)
        where = policy.where(statement)
        yield policy_hit(
            policy,
            statement,
            f"{where} allows {whole} on every resource {first.scope}, which includes every "
            "write and permissions-management action of every service; scope Resource to the "
            "ARNs the workload needs."
            if whole
            else f"{where} allows {len(names)} write or permissions-management action(s) on "
            f"every resource {first.scope}: {listing(names)}"
            + (f" ({differing})" if differing else "")
            + "; scope Resource to the ARNs they need.",
            first.region,
            actions=names[:50],
            actionCount=len(names),
        )


@dataclass(frozen=True)
class _Writes:
    """What one deployment's statement allows on every resource of its type."""

    names: list[str]  # the actions, sorted
    region: Region  # of the first Action entry granting one (`*` where it is written)
    scope: str  # `(`*`)`, `but those NotResource names`, `of their type`
    whole: str | None  # the Action `*` (however spelt) granting them all, as written


def _writes(policy: Policy, levels: frozenset[str]) -> Iterator[tuple[Statement, _Writes]]:
    for grant in wildcard_grants(policy):
        statement = grant.statement
        # Actions AWS only accepts on `*` (no resource-level permissions) cannot be scoped.
        anywhere = on_any_resource(statement)
        if anywhere and statement.actions:
            # By the Action entries' texts (cached): Action `*` counts too, as IAM001 reports
            # the administrator and this rule the writes. An entry whose every such action a
            # Deny takes away grants none: the finding is at what is still granted.
            denied = grant.denied
            kept = [
                (item, denied.remaining(scoped_at_levels(item.text, levels)))
                for item in statement.actions
                if item.text is not None
            ]
            granting = [item for item, actions in kept if actions]
            names = (
                sorted({action.full_name for _, actions in kept for action in actions})
                if denied
                else list(scoped_names(tuple(str(item.text) for item in granting), levels))
            )
        else:  # on ARNs (or NotAction): the actions whose every resource of a type they reach
            reached = [
                (item, action)
                for item, actions in grant.entries + grant.complement
                for action in actions
                if action.access_level in levels and action.resource_scoped
            ]
            granting = list(dict.fromkeys(item for item, _ in reached))
            names = sorted({action.full_name for _, action in reached})
        if not names:
            continue
        whole = statement.every_action if grant.admin else ()
        scope = (
            ("(`*`)" if statement.resources else "but those NotResource names")
            if anywhere
            else "of their type"
        )
        written = _written(whole) if whole else None
        yield statement, _Writes(names, (whole or granting)[0].region, scope, written)


_NOT_ELEMENTS = ("NotAction", "NotResource", "NotPrincipal")


@check("IAM004")
def not_action_allow(document: Document, rule: Rule) -> Iterator[Hit]:
    """Allow statements with NotAction, NotResource or NotPrincipal; not a permissions
    boundary's, which only caps what its principals may do (as `NotAction: iam:*` means to)."""
    policy = policy_of(document)
    if only_a_boundary(policy):
        return
    for statement in policy.statements:
        present = [key for key in _NOT_ELEMENTS if key in statement.node]
        if statement.is_allow and present:
            yield policy_hit(
                policy,
                statement,
                f"{policy.where(statement)} combines Allow with {' and '.join(present)}: it "
                "grants everything except what is listed, including actions, resources or "
                "principals added later.",
                statement.key_region(present[0]),
                elements=present,
            )
