"""What a policy grants: administrator access (IAM001), every action of a service (IAM002),
write actions on every resource (IAM003), Allow with NotAction/NotResource/NotPrincipal
(IAM004).

IAM001 and IAM002 judge identity and resource policies; IAM003 judges identity policies
only: in a resource policy `Resource: "*"` means the resource the policy is attached to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.iam.hits import listing, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.iam.grants import (
    admin_refused,
    delegates_to_account,
    is_full_wildcard,
    on_any_resource,
    wildcard_grants,
)
from guardlint.documents.iam.policy import RESOURCE, TRUST, policy_of
from guardlint.knowledge.iam_actions import (
    PERMISSIONS_MANAGEMENT,
    WRITE,
    expand,
    scoped_at_levels,
    scoped_names,
)
from guardlint.model import Document, Hit, Rule


@check("IAM001")
def admin_access(document: Document, rule: Rule) -> Iterator[Hit]:
    """Statements allowing every action (`*`, `*:*`) on every resource; in a resource policy,
    not those handing control to an account's IAM, and not where a Deny refuses it (the
    narrower rules judge what it still grants)."""
    policy = policy_of(document)
    if policy.kind == TRUST or admin_refused(policy):
        return
    for statement in policy.statements:
        if not on_any_resource(statement) or delegates_to_account(policy, statement):
            continue
        consequence = (
            "its principals get full control of the resource, including deleting it and "
            "rewriting this policy"
            if policy.kind == RESOURCE
            else "whoever holds it is a full administrator of the account"
        )
        for item in statement.actions:
            if is_full_wildcard(item):
                yield policy_hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} allows every action (`{item.text}`) on every "
                    f"resource: {consequence}.",
                    item.region,
                )


_SERVICE_WILDCARD = re.compile(r"^([A-Za-z0-9-]+):\*$")


@check("IAM002")
def wildcard_service_action(document: Document, rule: Rule) -> Iterator[Hit]:
    """Allow statements granting every action of a service (`s3:*`), or `*` on named
    resources: one finding per statement, naming every such service."""
    policy = policy_of(document)
    if policy.kind == TRUST:
        return
    for statement in policy.statements:
        if not statement.is_allow or delegates_to_account(policy, statement):
            continue
        whole = [item for item in statement.actions if is_full_wildcard(item)]
        if whole and not on_any_resource(statement):  # on Resource `*` it is IAM001's
            yield policy_hit(
                policy,
                statement,
                f"{policy.where(statement)} allows `{whole[0].text}`, every action of every "
                "service (on the resources it names, including future actions), where the "
                "task needs a few.",
                whole[0].region,
                services=["*"],
            )
            continue
        found = [
            (item, form.group(1))
            for item in statement.actions
            if (form := _SERVICE_WILDCARD.match((item.text or "").strip()))
        ]
        if not found:
            continue
        services = list(dict.fromkeys(service.lower() for _, service in found))
        count = len({a.key for item, _ in found for a in expand(item.text or "")})
        granted = (
            f"`{found[0][0].text}`, every action of {found[0][1]}"
            if len(services) == 1
            else f"every action of {len(services)} services, "
            f"{listing([f'{service}:*' for service in services], limit=10)}"
        )
        yield policy_hit(
            policy,
            statement,
            f"{policy.where(statement)} allows {granted} ({count} actions, including future "
            "ones), where the task needs a few.",
            found[0][0].region,
            services=services,
        )


@check("IAM003")
def wildcard_resource_write(document: Document, rule: Rule) -> Iterator[Hit]:
    """Identity policy statements allowing write or permissions-management actions (the
    rule's `access_levels`) on Resource `*`, counting only actions that can be scoped."""
    policy = policy_of(document)
    levels = frozenset(rule.options.get("access_levels", (WRITE, PERMISSIONS_MANAGEMENT)))
    for grant in wildcard_grants(policy):
        statement = grant.statement
        # Actions AWS only accepts on `*` (no resource-level permissions) cannot be scoped.
        anywhere = on_any_resource(statement)
        if anywhere and statement.actions:
            # By the Action entries' texts (cached): Action `*` counts too, as IAM001 reports
            # the administrator and this rule the writes.
            granting = [
                item
                for item in statement.actions
                if item.text is not None and scoped_at_levels(item.text, levels)
            ]
            names = [
                name
                for name in scoped_names(tuple(item.text for item in granting), levels)
                if name.lower() not in grant.denied
            ]
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
        whole = [item for item in statement.actions if grant.admin and is_full_wildcard(item)]
        where = policy.where(statement)
        scope = (
            ("(`*`)" if statement.resources else "but those NotResource names")
            if anywhere
            else "of their type"
        )
        yield policy_hit(
            policy,
            statement,
            f"{where} allows `{whole[0].text}` on every resource {scope}, which includes every "
            "write and permissions-management action of every service; scope Resource to the "
            "ARNs the workload needs."
            if whole
            else f"{where} allows {len(names)} write or permissions-management action(s) on "
            f"every resource {scope}: {listing(names)}; "
            "scope Resource to the ARNs they need.",
            (whole or granting)[0].region,
            actions=names[:50],
            actionCount=len(names),
        )


_NOT_ELEMENTS = ("NotAction", "NotResource", "NotPrincipal")


@check("IAM004")
def not_action_allow(document: Document, rule: Rule) -> Iterator[Hit]:
    """Allow statements with NotAction, NotResource or NotPrincipal."""
    policy = policy_of(document)
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
