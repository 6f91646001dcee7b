"""What a policy's Allow statements grant on every resource, and to which accounts: the view
the IAM rules judge a statement by (guardlint.checks.iam and the policy-grants-actions
template).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from guardlint.documents.iam.policy import (
    IDENTITY,
    RESOURCE,
    Item,
    Policy,
    Statement,
    is_any_resource,
)
from guardlint.knowledge.iam_actions import Action, any_of

# An account root principal: `arn:aws:iam::123456789012:root` or the bare account ID.
ACCOUNT_ROOT = re.compile(r"^(arn:[^:]+:iam::([^:]+):root|(\d{12}))$")
# Attribute-based access control: `Resource: "*"` limited by the resources' tags.
_RESOURCE_TAG_KEY = re.compile(r"(^|:)resourcetag/", re.IGNORECASE)


def is_full_wildcard(item: Item) -> bool:
    """The Action entry `*` or `*:*`: every action of every service."""
    return item.text is not None and item.text.strip() in ("*", "*:*")


def on_any_resource(statement: Statement) -> bool:
    """An Allow statement whose Resource includes `*`."""
    return statement.is_allow and any(is_any_resource(item) for item in statement.resources)


def delegates_to_account(policy: Policy, statement: Statement) -> bool:
    """A resource policy statement that hands control to an account's IAM: every principal is
    the stack's own account (`${AWS::AccountId}`), or, in a KMS key policy, an account root (the
    default key policy AWS writes). Identity policies of that account then decide."""
    principals = statement.principals
    if policy.kind != RESOURCE or not principals:
        return False
    if all(p.kind == "AWS" and p.item.mentions_own_account for p in principals):
        return True
    return policy.is_key_policy and all(
        p.kind == "AWS" and ACCOUNT_ROOT.match((p.item.template_text or "").strip())
        for p in principals
    )


@dataclass
class Grant:
    """An Allow statement on Resource `*` and what each Action entry of it expands to."""

    statement: Statement
    entries: list[tuple[Item, tuple[Action, ...]]]

    def matching(self, patterns: Iterable[str]) -> list[tuple[Item, Action]]:
        """The (entry, action) pairs whose action one of the patterns (wildcards allowed)
        covers."""
        covers = any_of(tuple(str(pattern) for pattern in patterns)).match
        return [
            (item, action)
            for item, actions in self.entries
            for action in actions
            if covers(action.key)
        ]


def wildcard_grants(policy: Policy) -> list[Grant]:
    """Allow statements on Resource `*` of an identity policy, unless a Condition limits them
    to resources by tag (ABAC). Action `*` is left out: that is administrator access, which
    IAM001 reports once instead of every narrower rule."""
    if policy.kind != IDENTITY:
        return []
    return [
        Grant(statement, [(i, a) for i, a in statement.grants() if not is_full_wildcard(i)])
        for statement in policy.statements
        if on_any_resource(statement)
        and not any(_RESOURCE_TAG_KEY.search(entry.key) for entry in statement.conditions)
    ]
