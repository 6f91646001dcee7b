"""IAM pack: IAM006, IAM007, IAM012 until they move to a template."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.iam.hits import action_names, listing, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.iam.grants import wildcard_grants
from guardlint.documents.iam.policy import policy_of
from guardlint.knowledge.iam_actions import matches
from guardlint.model import Document, Hit, Rule

# -- IAM006, IAM007, IAM012: dangerous capabilities on Resource `*` -------------------------


@check("IAM006")
def privilege_escalation(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    grants = wildcard_grants(policy)
    partners = action_names(
        f for g in grants for f in g.matching(rule.options.get("passrole_partners", ()))
    )
    for grant in grants:
        found = grant.matching(rule.options.get("escalation_actions", ()))
        if not found:
            continue
        names = action_names(found)
        passrole = any(action.key == "iam:passrole" for _, action in found)
        combo = (
            f"; with {listing(partners)} it can hand any role to a new resource and act as it"
            if passrole and partners
            else ""
        )
        yield policy_hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows privilege-escalation actions on every "
            f"resource: {listing(names)}{combo}.",
            found[0][0].region,
            actions=names,
            passRolePartners=partners if passrole else [],
        )


@check("IAM007")
def credential_exposure(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    paired_only = [str(p).lower() for p in rule.options.get("paired_only", ())]
    for grant in wildcard_grants(policy):
        found = grant.matching(rule.options.get("credential_actions", ()))
        # Some actions only accept `*` and hand out little on their own (an ECR login token):
        # they count only next to another credential-returning action.
        leading = [(i, a) for i, a in found if not any(matches(p, a.key) for p in paired_only)]
        if not leading:
            continue
        names = action_names(found)
        yield policy_hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows actions that return secrets or "
            f"credentials on every resource: {listing(names)}; scope them to the secrets, "
            "parameters, keys or objects the workload owns.",
            leading[0][0].region,
            actions=names,
        )


@check("IAM012")
def data_exfiltration(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    grants = wildcard_grants(policy)
    combinations = [list(c) for c in rule.options.get("exfiltration_combinations", ())]
    complete = [
        combination
        for combination in combinations
        if all(any(g.matching([member]) for g in grants) for member in combination)
    ]
    reported: set[int] = set()
    for grant in grants:
        found = grant.matching(rule.options.get("exfiltration_actions", ()))
        for number, combination in enumerate(complete):
            own = grant.matching(combination)
            if number not in reported and own:
                # Reported once, at the first statement granting a part of it.
                reported.add(number)
                found += own + [
                    f for g in grants if g is not grant for f in g.matching(combination)
                ]
        if not found:
            continue
        names = action_names(found)
        yield policy_hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows actions that copy or expose data on every "
            f"resource: {listing(names)}; scope them to the buckets, parameters, snapshots "
            "or databases the workload owns.",
            found[0][0].region,
            actions=names,
        )
