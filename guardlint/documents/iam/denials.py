"""What Deny statements take away from the Allows of a policy on every resource, as IAM
evaluates them (IAM User Guide, "Policy evaluation logic"): an explicit Deny in any policy that
applies to a request overrides every Allow, and all the identity policies of a role, user or
group apply together, so a Deny in one of them refuses what another allows
(guardlint.documents.iam.applied gathers them, guardlint.documents.iam.holders says which
policies a template's principals hold).

Only a Deny with no Condition, for everyone the Allows may name (an identity policy's holder,
Principal `*` in a resource policy), refuses for certain. On Resource `*` it refuses its
actions everywhere; on ARNs, those of its actions whose every resource of every type it
matches in every account and region (`arn:aws:iam::*:role/*` refuses iam:PassRole, a Deny
on one account's roles does not: guardlint.documents.iam.resources.covered_keys). With
NotResource it refuses them on every resource but those it names
("NotResource matches every resource except those specified"), so an action it covers is
left on every resource of its type only when a NotResource entry reaches all of them
(`arn:aws:s3:::*`); a NotResource entry of `*`, or one that cannot be read, leaves everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from guardlint.documents.cloudformation.conditions import undecided
from guardlint.documents.cloudformation.intrinsics import sub_references
from guardlint.documents.iam.policy import IDENTITY, Policy, Statement
from guardlint.documents.iam.resources import (
    Reach,
    covered_keys,
    is_any_resource,
    is_any_resource_text,
    without_variables,
)
from guardlint.documents.iam.values import Item, branches
from guardlint.knowledge.iam_actions import Action, expand

# Policy.views key holding a policy's own Denial (every policy of its holders asks for it).
_CACHE_KEY = "iam_denial"
# Deny statements on ARNs read for the actions they refuse on every resource of their types
# (resources.covered_keys, a few milliseconds each): past them a Deny on ARNs refuses nothing,
# so that thousands of them written to stall the scan are judged in time. The policies of one
# template share the count (document.meta COVERING_BUDGET, a one-item list).
MAX_COVERING_DENIES = 32
COVERING_BUDGET = "iam_covering_budget"


@dataclass(frozen=True)
class KeySet:
    """Action keys, or every action's key but some (`complement`): a Deny of `*` or with
    NotAction refuses some 20,000 actions, which are never listed one by one."""

    keys: frozenset[str] = frozenset()
    complement: bool = False

    def __contains__(self, key: object) -> bool:
        return (key in self.keys) != self.complement

    def __bool__(self) -> bool:
        return self.complement or bool(self.keys)

    @staticmethod
    def union(sets: list[KeySet]) -> KeySet:
        """All of them together, in one pass over their keys."""
        listed = frozenset().union(*(s.keys for s in sets if not s.complement))
        all_but = [s.keys for s in sets if s.complement]
        if not all_but:
            return KeySet(listed)
        return KeySet(frozenset.intersection(*all_but) - listed, True)


EVERYTHING = KeySet(complement=True)


@dataclass(frozen=True)
class Denial:
    """What unconditional Deny statements refuse: one policy's, or all those that apply to
    the holders of one (Denials)."""

    refused: KeySet = KeySet()  # on every resource: granted nowhere
    # Refused on every resource, or on all but some a NotResource names, none of them every
    # resource of one of the action's types: granted on every resource nowhere.
    blocked: KeySet = KeySet()
    # Action `*`, or every action but a NotAction's, refused on every resource: an Allow of
    # `*` grants a few actions at most.
    actions_refused: bool = False
    # Every action (`*` or a NotAction's) refused on every resource but a NotResource's: an
    # Allow of `*` reaches those resources only.
    resources_refused: bool = False

    def __bool__(self) -> bool:
        return bool(self.blocked) or self.actions_refused or self.resources_refused

    @staticmethod
    def union(denials: list[Denial]) -> Denial:
        return Denial(
            KeySet.union([d.refused for d in denials]),
            KeySet.union([d.blocked for d in denials]),
            any(d.actions_refused for d in denials),
            any(d.resources_refused for d in denials),
        )


# Large expansions by key (`*` is 20,000 actions), by the id of the tuple the action database's
# caches return; each entry holds its tuple, so that id is no other tuple's while it is here.
_KEYED: dict[int, tuple[tuple[Action, ...], dict[str, Action]]] = {}
_MAX_KEYED = 32


def _keyed(actions: tuple[Action, ...]) -> dict[str, Action]:
    entry = _KEYED.get(id(actions))
    if entry is None or entry[0] is not actions:
        if len(_KEYED) >= _MAX_KEYED:
            _KEYED.clear()
        entry = _KEYED[id(actions)] = (actions, {action.key: action for action in actions})
    return entry[1]


@dataclass(frozen=True)
class Denials:
    """The Denial that applies wherever a policy's Allows do."""

    denial: Denial = Denial()

    def __contains__(self, key: object) -> bool:
        """Whether the action (a lower-case key) is no longer granted on every resource."""
        return key in self.denial.blocked

    def __bool__(self) -> bool:
        return bool(self.denial)

    def refuses(self, key: str) -> bool:
        """Whether the action is refused on every resource: granted nowhere."""
        return key in self.denial.refused

    def remaining(self, actions: tuple[Action, ...]) -> tuple[Action, ...]:
        """The actions still granted on every resource."""
        blocked = self.denial.blocked
        if not blocked:
            return actions
        if blocked == EVERYTHING:
            return ()
        keys, complement = blocked.keys, blocked.complement
        if complement and len(keys) * 4 < len(actions):  # `*` but a few: look those up
            index = _keyed(actions)
            return tuple(index[key] for key in sorted(keys) if key in index)
        return tuple(a for a in actions if (a.key in keys) == complement)

    @property
    def actions_refused(self) -> bool:
        return self.denial.actions_refused

    @property
    def resources_refused(self) -> bool:
        return self.denial.resources_refused

    @property
    def admin_refused(self) -> bool:
        """Action `*` on Resource `*` is no longer every action on every resource."""
        return self.denial.actions_refused or self.denial.resources_refused


_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")


def _written_for_certain(policy: Policy) -> set[int]:
    """The statements (ids of their maps) no template condition may leave out: neither the
    Statement nor its entry is an `Fn::If` of a condition not known statically."""
    known = policy.reader.known
    data = policy.data
    written = data.get("Statement") if isinstance(data, dict) else None
    if undecided(known, written):
        return set()
    certain: set[int] = set()
    for statements in branches(written, known):
        for entry in statements if isinstance(statements, list) else [statements]:
            if not undecided(known, entry):
                certain.update(id(node) for node in branches(entry, known))
    return certain


def _for_everyone(policy: Policy, statement: Statement) -> bool:
    """An unconditional Deny for everyone the policy's Allows may name, whose elements no
    template condition chooses."""
    everyone = not statement.not_principals and (
        policy.kind == IDENTITY or any(p.is_public for p in statement.principals)
    )
    node, known = statement.node, policy.reader.known
    return (
        statement.effect == "Deny"
        and everyone
        and "Condition" not in node
        and not any(undecided(known, node[key]) for key in _ELEMENTS if key in node)
    )


def _denied_actions(statement: Statement) -> KeySet | None:
    """The actions a Deny statement names: its Action entries, or every action but its
    NotAction's; None when an entry cannot be read."""
    if "NotAction" in statement.node:
        excluded = statement.items("NotAction")
        if any(item.text is None for item in excluded):
            return None
        return KeySet(frozenset(a.key for item in excluded for a in expand(str(item.text))), True)
    if any(item.text is None for item in statement.actions):
        return None
    if statement.every_action:
        return EVERYTHING
    return KeySet(frozenset(a.key for item in statement.actions for a in expand(str(item.text))))


def _names_some(policy: Policy, item: Item) -> bool:
    """A NotResource entry known not to be every resource: resolved, or a Sub pattern whose
    variables are pseudo parameters, resource attributes or resources (never `*`)."""
    if item.text is not None:
        return not is_any_resource(item)
    text = item.template_text
    template = policy.reader.template
    if text is None or template is None:
        return False
    for variable in sub_references(text):
        name = variable.group(1).strip()
        if not (name.startswith("AWS::") or "." in name or name in template.resources):
            return False
    return not is_any_resource_text(without_variables(text))


def _statement_denial(policy: Policy, statement: Statement, covering: list[int]) -> Denial:
    denied = _denied_actions(statement)
    if denied is None:
        return Denial()
    every_action = denied.complement
    if any(is_any_resource(item) for item in statement.resources):
        return Denial(denied, denied, actions_refused=every_action)
    if statement.resources:
        # Every resource of every type of some actions (`arn:aws:iam::*:role/*`): those are
        # granted nowhere.
        covering[0] += 1
        if covering[0] > MAX_COVERING_DENIES:
            return Denial()
        covered = covered_keys(statement.resources)
        refused = KeySet(covered - denied.keys if every_action else covered & denied.keys)
        return Denial(refused, refused)
    kept = statement.items("NotResource")
    if not kept or not all(_names_some(policy, item) for item in kept):
        return Denial()
    reach = Reach.of(kept)
    if reach.wildcard_services or reach.overflow:
        return Denial()  # `arn:aws:s3*:...`: what it leaves is not worked out
    # What the NotResource leaves a whole type of stays granted on every resource of it.
    left = reach.reached_keys()
    blocked = KeySet(denied.keys | left, True) if every_action else KeySet(denied.keys - left)
    return Denial(blocked=blocked, resources_refused=every_action)


def _denial(policy: Policy) -> Denial:
    certain = _written_for_certain(policy)
    budget = policy.document.meta.get(COVERING_BUDGET)
    covering = budget if isinstance(budget, list) else [0]
    return Denial.union(
        [
            _statement_denial(policy, statement, covering)
            for statement in policy.statements
            if id(statement.node) in certain and _for_everyone(policy, statement)
        ]
    )


def denial_of(policy: Policy) -> Denial:
    """What the policy's own Deny statements refuse (found once per policy)."""
    return policy.once(_CACHE_KEY, lambda: _denial(policy))
