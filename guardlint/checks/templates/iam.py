"""IAM templates: what an identity policy grants on every resource.

`policy-grants-actions`: an Allow statement of an identity policy on Resource `*` (not limited
by resource tags, guardlint.documents.iam.grants) grants actions of a list (wildcards in the
policy and in the list are expanded against the IAM action database). The lists are rule
options, so that a user's config can change them; the params name those options. What
Action `*` on `*` or a NotAction grants is IAM001's or IAM004's finding (Grant.entries leaves
it out). One finding
per statement and rule (an action two rules list, such as s3:GetObject, is reported by each,
as rules.md lists it for both).
"""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.iam.hits import action_names, listing, policy_hit
from guardlint.checks.registry import template
from guardlint.documents.iam.conditions import pinned_per_deployment
from guardlint.documents.iam.grants import Grant, granted_with, wildcard_grants
from guardlint.documents.iam.policy import Policy, policy_scenarios
from guardlint.documents.iam.values import Item
from guardlint.knowledge.iam_actions import Action, matches
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

Found = list[tuple[Item, Action]]


def _option(rule: Rule, param: str) -> list:
    """The rule option that the template parameter `param` names (none: empty)."""
    name = rule.params[param]
    return list(rule.options.get(name, ())) if name else []


def _limited(policy: Policy, rule: Rule, grant: Grant, found: Found) -> Found:
    """`found` without the actions the statement's Condition limits (the option
    `params.limited_by`: action pattern -> condition keys, with wildcards, one of which must
    be pinned)."""
    name = rule.params["limited_by"]
    limits = rule.options.get(name, {}) if name else {}
    if not limits:
        return found
    deployments = pinned_per_deployment(policy, grant.statement)
    lifted = [
        str(pattern)
        for pattern, keys in limits.items()
        if all(
            any(matches(str(key), pinned_key) for key in keys for pinned_key in pinned)
            for pinned in deployments
        )
    ]
    return [(i, a) for i, a in found if not any(matches(p, a.key) for p in lifted)]


def _combined(
    policy: Policy, grants: list[Grant], combinations: list[list[str]]
) -> dict[int, Found]:
    """For each grant, the actions of the combinations granted in full, by the policy or by it
    and the other policies one principal surely holds with it: each combination once per
    policy, at its first statement granting a part, with the other parts wherever they are."""
    extra: dict[int, Found] = {}
    for combination in combinations:
        own = [found for grant in grants for found in grant.matching(combination)]
        if not own:
            continue
        held = [own] + [own + theirs for theirs in granted_with(policy, tuple(combination))]
        together = next((found for found in held if _complete(found, combination)), None)
        if together is None:
            continue
        number = next(number for number, grant in enumerate(grants) if grant.matching(combination))
        extra.setdefault(number, []).extend(together)
    return extra


def _complete(found: Found, combination: list[str]) -> bool:
    return all(any(matches(member, action.key) for _, action in found) for member in combination)


def _partners(policy: Policy, grants: list[Grant], patterns: tuple[str, ...]) -> list[str]:
    """The partner actions the policy, or another policy a holder of it surely holds, grants on
    every resource."""
    if not patterns:
        return []
    held = [f for theirs in granted_with(policy, patterns) for f in theirs]
    return action_names([f for g in grants for f in g.matching(patterns)] + held)


@template("policy-grants-actions")
def policy_grants_actions(document: Document, rule: Rule) -> Iterator[Hit]:
    """Statements granting actions of the option `params.actions` on every resource: what each
    deployment of the template grants (policy_scenarios, never one Fn::If branch's Action with
    the other's Resource), one finding per statement for what any of them grants."""
    params = rule.params
    paired_only = [str(pattern) for pattern in _option(rule, "paired_only")]
    by_statement: dict[int, Found] = {}
    firsts: dict[int, tuple[Policy, Grant]] = {}
    partners: set[str] = set()
    for policy in policy_scenarios(document):
        grants = wildcard_grants(policy)
        combined = _combined(policy, grants, [list(c) for c in _option(rule, "combinations")])
        partners.update(_partners(policy, grants, tuple(_option(rule, "partners"))))
        for number, grant in enumerate(grants):
            # Both branches of an `Fn::If` are one statement: one finding for what either grants.
            firsts.setdefault(grant.statement.index, (policy, grant))
            by_statement.setdefault(grant.statement.index, []).extend(
                _limited(policy, rule, grant, grant.matching(_option(rule, "actions")))
                + combined.get(number, [])
            )
    partnered = sorted(partners)
    for index, found in by_statement.items():
        policy, grant = firsts[index]
        # Some actions hand out little on their own (an ECR login token): they count only
        # next to another action of the list.
        leading = [(i, a) for i, a in found if not any(matches(p, a.key) for p in paired_only)]
        if not leading:
            continue
        names = action_names(found)
        with_partners = bool(params["partners_of"]) and any(
            matches(params["partners_of"], action.key) for _, action in found
        )
        clause = params["partners_clause"] if with_partners and partnered else ""
        properties = {"actions": names}
        if params["partners_property"]:
            properties[params["partners_property"]] = partnered if with_partners else []
        yield policy_hit(
            policy,
            grant.statement,
            params["message"].format(
                where=policy.where(grant.statement),
                actions=listing(names),
                partners=clause.format(partners=listing(partnered)),
            ),
            leading[0][0].region,
            **properties,
        )
