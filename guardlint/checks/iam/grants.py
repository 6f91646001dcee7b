"""What a policy grants: administrator access (IAM001), every action of a service (IAM002),
write actions on every resource (IAM003), Allow with NotAction/NotResource/NotPrincipal
(IAM004).

IAM001 and IAM002 judge identity and resource policies; IAM003 judges identity policies
only: in a resource policy `Resource: "*"` means the resource the policy is attached to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardlint.checks.iam.hits import action_names, listing, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.iam.grants import (
    delegates_to_account,
    is_full_wildcard,
    on_any_resource,
    wildcard_grants,
)
from guardlint.documents.iam.policy import RESOURCE, TRUST, policy_of
from guardlint.knowledge.iam_actions import PERMISSIONS_MANAGEMENT, WRITE, expand
from guardlint.model import Document, Hit, Rule


@check("IAM001")
def admin_access(document: Document, rule: Rule) -> Iterator[Hit]:
    """Statements allowing every action (`*`, `*:*`) on every resource; in a resource policy,
    not those handing control to an account's IAM."""
    policy = policy_of(document)
    if policy.kind == TRUST:
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
    resources."""
    policy = policy_of(document)
    if policy.kind == TRUST:
        return
    for statement in policy.statements:
        if not statement.is_allow or delegates_to_account(policy, statement):
            continue
        for item in statement.actions:
            text = (item.text or "").strip()
            form = _SERVICE_WILDCARD.match(text)
            if form:
                scope = f"every action of {form.group(1)} ({len(expand(text))} actions"
            elif is_full_wildcard(item) and not on_any_resource(statement):
                scope = "every action of every service (on the resources it names"  # not IAM001
            else:
                continue
            yield policy_hit(
                policy,
                statement,
                f"{policy.where(statement)} allows `{item.text}`, {scope}, including future "
                "ones), where the task needs a few.",
                item.region,
                service=form.group(1) if form else "*",
            )


@check("IAM003")
def wildcard_resource_write(document: Document, rule: Rule) -> Iterator[Hit]:
    """Identity policy statements allowing write or permissions-management actions (the
    rule's `access_levels`) on Resource `*`, counting only actions that can be scoped."""
    policy = policy_of(document)
    levels = set(rule.options.get("access_levels", (WRITE, PERMISSIONS_MANAGEMENT)))
    for grant in wildcard_grants(policy):
        # Actions AWS only accepts on `*` (no resource-level permissions) cannot be scoped.
        found = [
            (item, action)
            for item, actions in grant.entries
            for action in actions
            if action.access_level in levels and action.resource_scoped
        ]
        if found:
            names = action_names(found)
            yield policy_hit(
                policy,
                grant.statement,
                f"{policy.where(grant.statement)} allows {len(names)} write or "
                f"permissions-management action(s) on every resource (`*`): {listing(names)}; "
                "scope Resource to the ARNs they need.",
                found[0][0].region,
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
