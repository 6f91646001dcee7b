"""What a permissions boundary takes away from its principal's identity policies (IAM User
Guide, "Permissions boundaries for IAM entities": an entity may only perform the actions that
both its identity-based policies and its boundary allow; an explicit Deny in the boundary
refuses too). guardlint.documents.iam.holders says which boundary every holder of a policy has.

Read conservatively, as a Deny of every action no Allow statement of the boundary names on
Resource `*`: an Allow counts whatever its resources and Condition (it may let the action
through somewhere), a statement whose Effect is not Deny counts as an Allow, and a boundary
with a statement or an Action entry it cannot read refuses nothing of its own (its Denies are
read as every policy's are).
"""

from __future__ import annotations

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.iam.denials import EVERYTHING, Denial, KeySet, denial_of
from guardlint.documents.iam.policy import Policy, Statement
from guardlint.documents.iam.values import branches
from guardlint.knowledge.iam_actions import expand
from guardlint.parse.located import YamlMap

_CACHE_KEY = "iam_boundary_denial"  # Policy.views of the boundary policy


def boundary_denial(boundary: Policy) -> Denial:
    """What the boundary refuses its principals on every resource (found once per policy)."""
    return boundary.once(_CACHE_KEY, lambda: _boundary_denial(boundary))


def _boundary_denial(boundary: Policy) -> Denial:
    allowed = _allowed(boundary)
    if allowed is None:
        return denial_of(boundary)
    # Every action but those it allows: the complement of the allowed set.
    refused = KeySet(allowed.keys, not allowed.complement)
    return Denial.union(
        [Denial(refused, refused, actions_refused=refused.complement), denial_of(boundary)]
    )


def _allowed(boundary: Policy) -> KeySet | None:
    """The actions some Allow of the boundary names, or None when one cannot be read."""
    if not _all_statements_read(boundary):
        return None
    sets = []
    for statement in boundary.statements:
        if statement.effect == "Deny":
            continue
        named = _named(statement)
        if named is None:
            return None
        sets.append(named)
    return KeySet.union(sets)


def _named(statement: Statement) -> KeySet | None:
    if "NotAction" in statement.node:
        excluded = statement.items("NotAction")
        if any(item.text is None for item in excluded):
            return None
        return KeySet(frozenset(a.key for item in excluded for a in expand(str(item.text))), True)
    if "Action" not in statement.node or any(item.text is None for item in statement.actions):
        return None
    if statement.every_action:
        return EVERYTHING
    return KeySet(frozenset(a.key for item in statement.actions for a in expand(str(item.text))))


def _all_statements_read(boundary: Policy) -> bool:
    """Every statement the boundary may hold is a map it read (not an intrinsic it skipped)."""
    data = boundary.data
    if not isinstance(data, dict) or "Statement" not in data:
        return False
    known = boundary.reader.known
    for statements in branches(data["Statement"], known):
        for entry in statements if isinstance(statements, list) else [statements]:
            for branch in branches(entry, known):
                if not isinstance(branch, YamlMap) or intrinsic(branch):
                    return False
    return True
