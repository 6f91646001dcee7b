"""Who a resource or trust policy lets in: anyone (IAM005, Principal `*` with no restricting
Condition), or too broad a set of other accounts and web identities (IAM009)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from guardlint.checks.iam.hits import per_deployment, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import referenced_id
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.conditions import (
    admits_everything,
    excludes_all_but,
    like_admits_prefix,
    requires,
)
from guardlint.documents.iam.embedded import closed_to_public
from guardlint.documents.iam.grants import names_own_account, root_text
from guardlint.documents.iam.policy import (
    RESOURCE,
    TRUST,
    Policy,
    Statement,
    policy_of,
)
from guardlint.documents.iam.resources import (
    is_any_resource,
    resource_pattern,
    without_variables,
)
from guardlint.documents.iam.values import Principal
from guardlint.knowledge.iam_actions import matches
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


def _lower(keys: Iterable[str]) -> set[str]:
    return {key.lower() for key in keys}


# What a public Allow's actions left by Denies on every resource are looked up against, on
# each of its resources: Denies on resource patterns, Denies on one named resource, its own
# resources and the actions left. Past these bounds a Deny (or the Allow) is not counted:
# thousands of statements stay linear, and a Deny this narrow is written for a few.
_MAX_DENY_PATTERNS = 8
_MAX_DENIES_PER_RESOURCE = 8
_MAX_ALLOW_RESOURCES = 16
_MAX_LEFT = 64


@dataclass
class _Denials:
    """The action sets of a policy's Deny statements for everyone whose Condition restricts
    the caller ("deny unless from our VPC endpoint") or for everyone but the principals
    NotPrincipal names, by the resources they deny them on, up to the first Deny whose
    Condition is unknown; made once per policy, not once per Allow (a policy with thousands
    of both)."""

    everywhere: set[str] = field(default_factory=set)  # Resource `*`, or none (the policy's)
    named: dict[str, list[frozenset[str]]] = field(default_factory=dict)  # by resource text
    patterns: list[tuple[re.Pattern[str], frozenset[str]]] = field(default_factory=list)
    unknown_follows: bool = False  # a Deny with an unknown Condition comes after them
    found: bool = False  # a restricting Deny at all

    def add(self, deny: Statement, actions: frozenset[str]) -> None:
        """The Deny's actions on its resources (one with NotResource leaves some: none)."""
        self.found = True
        if "NotResource" in deny.node:
            return
        if "Resource" not in deny.node or any(is_any_resource(i) for i in deny.resources):
            self.everywhere.update(actions)
            return
        for item in deny.resources:
            text = item.template_text
            if text is None:
                continue
            if "*" not in text and "?" not in text:
                on_it = self.named.setdefault(text, [])
                on_it += [actions] if len(on_it) < _MAX_DENIES_PER_RESOURCE else []
            elif len(self.patterns) < _MAX_DENY_PATTERNS:
                self.patterns.append((resource_pattern(text), actions))

    def cover(self, left: set[str], resource: str) -> bool:
        """Whether Denies on some resources cover the actions on one (a Resource text)."""
        for actions in self.named.get(resource, ()):
            left = left - actions
        for pattern, actions in self.patterns:
            if left and pattern.match(resource):
                left = left - actions
        return not left


def _denials(policy: Policy, keys: set[str]) -> _Denials:
    denials = _Denials()
    for deny in policy.statements:
        # Only a Deny for everyone (or for a principal it cannot read) reaches anonymous
        # callers and other accounts; one for a named role restricts that role alone.
        named = deny.principals or deny.not_principals
        if deny.effect != "Deny" or not (named and deny.may_name_everyone):
            continue
        if not deny.conditions_known:
            denials.unknown_follows = True
            break
        # NotPrincipal with no Condition denies everyone but the principals it names.
        everyone_else = bool(deny.not_principals) and not deny.conditions
        if everyone_else or excludes_all_but(deny, keys):
            denials.add(deny, frozenset(a.key for _, actions in deny.grants() for a in actions))
    return denials


def _denied_elsewhere(allow: Statement, denials: _Denials) -> bool | None:
    """True when the restricting Denies cover every action of `allow` on each of its
    resources; None when unknown."""
    if any(item.text is None for item in allow.actions + allow.items("NotAction")):
        return None
    wanted = {action.key for _, actions in allow.grants() for action in actions}
    left = wanted - denials.everywhere
    resources = [item.template_text for item in allow.resources]
    if not wanted:  # no action the database knows: any restricting Deny may be for it
        covered = denials.found
    elif not left:
        covered = True
    elif (
        "Resource" not in allow.node  # the resource the policy is attached to, or NotResource
        or len(resources) > _MAX_ALLOW_RESOURCES
        or len(left) > _MAX_LEFT
        or None in resources
    ):
        covered = False
    else:
        covered = all(denials.cover(left, str(resource)) for resource in resources)
    if covered:
        return True
    return None if denials.unknown_follows else False


def _names_any_account(principal: Principal) -> bool:
    """An IAM or STS ARN with a wildcard in its account (`arn:aws:iam::*:root`, also as the
    template builds it around what it cannot know): IAM takes `*` in a principal only alone,
    so such a policy is meant for every account."""
    parts = without_variables((principal.item.pattern or "").strip()).split(":", 5)
    return (
        principal.kind == "AWS"
        and len(parts) == 6
        and parts[0].lower() == "arn"
        and parts[2].lower() in ("iam", "sts")
        and ("*" in parts[4] or "?" in parts[4])
    )


def _public_grantee(statement: Statement) -> tuple[str, Region] | None:
    """How an Allow statement names everyone, and where: Principal `*`, a principal ARN of
    any account (`arn:aws:iam::*:root`), or NotPrincipal (everyone but the principals it
    names, anonymous callers included; NotPrincipal `*` leaves no one)."""
    public = [p for p in statement.principals if p.is_public]
    if public:
        return "Principal `*` (anyone, including anonymous callers and every AWS account)", (
            public[0].item.region
        )
    any_account = [p.item for p in statement.principals if _names_any_account(p)]
    if any_account:
        written = any_account[0].template_text or any_account[0].pattern
        return (
            f"`{written}`, a principal ARN whose wildcard account names every AWS account",
            any_account[0].region,
        )
    if statement.not_principals and not any(p.is_public for p in statement.not_principals):
        return (
            "everyone but the principals NotPrincipal names (anonymous callers and every "
            "other AWS account included)",
            statement.key_region("NotPrincipal"),
        )
    return None


@check("IAM005")
def public_principal(document: Document, rule: Rule) -> Iterator[Hit]:
    """Resource and trust policy statements allowing Principal `*` (or everyone but a
    NotPrincipal) with no Condition (nor a Deny for everyone) restricting the caller, in some
    deployment of the template: one finding per statement, adding how other deployments let
    everyone in (guardlint.checks.iam.hits.per_deployment)."""
    policy = policy_of(document)
    if policy.kind not in (RESOURCE, TRUST) or document.meta.get("closed_to_public"):
        return
    keys = _lower(rule.options.get("restricting_condition_keys", ()))
    yield from per_deployment(
        document, lambda each: () if closed_to_public(each) else _public_statements(each, keys)
    )


def _public_statements(policy: Policy, keys: set[str]) -> Iterator[Hit]:
    denials: _Denials | None = None
    for statement in policy.statements:
        if not statement.is_allow or not statement.conditions_known:
            continue
        grantee = _public_grantee(statement)
        if grantee is None or requires(statement, keys):
            continue
        denials = denials or _denials(policy, keys)
        if _denied_elsewhere(statement, denials) is not False:
            continue
        who, region = grantee
        yield policy_hit(
            policy,
            statement,
            f"{policy.where(statement)} allows {who} with no Condition restricting the "
            "caller's account, organization, source or network.",
            region,
        )


def _cross_account_root(principal: Principal, policy: Policy) -> str | None:
    """The text of an AWS principal naming another account's root, if it does."""
    if principal.kind != "AWS" or names_own_account(principal.item, policy):
        return None
    return root_text(principal.item, policy)


def _grants_action(statement: Statement, action_key: str) -> bool:
    return any(
        item.text is not None and matches(item.text, action_key) for item in statement.actions
    )


def _oidc_provider_host(principal: Principal, statement: Statement, policy: Policy) -> str | None:
    """The host of a Federated principal: `token.actions.githubusercontent.com` from its ARN,
    from the Url of the AWS::IAM::OIDCProvider resource it references, or, when the template
    cannot tell, from the provider's token keys the Condition tests (`<host>:sub`)."""
    host = _written_provider_host(principal, policy)
    if host is not None and "${" not in host:
        return host
    tested = {
        key.rsplit(":", 1)[0]
        for entry in statement.conditions
        if ":" in (key := entry.key.lower()) and not key.startswith(("aws:", "sts:"))
    }
    return tested.pop() if len(tested) == 1 else None


def _written_provider_host(principal: Principal, policy: Policy) -> str | None:
    text = principal.item.template_text
    if text:
        host = text.split("oidc-provider/", 1)[-1]
        return host.lower().removeprefix("https://")
    template = policy.document.meta.get("template")
    target = referenced_id(principal.item.raw)
    if not isinstance(template, Template) or target is None:
        return None
    if template.resource_type(target) != "AWS::IAM::OIDCProvider":
        return None
    urls = template.resolved_strings(template.properties(target).get("Url"))
    return urls[0].lower().removeprefix("https://") if len(urls) == 1 else None


_POSITIVE_STRING_OPERATORS = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike"})
# An owner no real policy names: a `sub` pattern admitting its pipelines admits anyone's.
_PROBE_OWNER = "guardlint-probe-owner"


def _admits_other_owners(operator: str, pattern: str, owner_field: str) -> bool:
    """Whether a `sub` pattern admits the pipelines of owners anyone can register, where
    `owner_field` is how the subject names its owner (`repo:{owner}/`)."""
    if operator != "StringLike":
        return False  # StringEquals compares literally: `*` there matches only `*`
    before, _, after = owner_field.partition("{owner}")
    # A wildcard in the owner (`repo:*/app:*`, `repo:my-org*/...`) admits owners anyone can
    # register, whatever the rest of the pattern says.
    if pattern[: len(before)].lower() == before.lower():
        # The owner ends where the subject goes on: at its separator, or at a `:`.
        rest = pattern[len(before) :]
        ends = [end for end in (rest.find(after[:1]) if after else -1, rest.find(":")) if end >= 0]
        owner = rest[: min(ends)] if ends else rest
        if "*" in owner or "?" in owner:
            return True
    return like_admits_prefix(pattern, before + _PROBE_OWNER + after)


def _web_identity_problem(
    statement: Statement, host: str | None, audience_hosts: dict[str, str], owner_field: str
) -> str | None:
    """Why a web-identity trust is too broad, or None when its subject is pinned."""
    subject_tests = [
        entry
        for entry in statement.conditions
        if entry.base_operator in _POSITIVE_STRING_OPERATORS
        and (
            entry.key.lower().endswith(":sub")
            or (host in audience_hosts and entry.key.lower() == f"{host}:{audience_hosts[host]}")
        )
    ]
    if not subject_tests:
        return "has no `sub` condition, so any identity of that provider can assume the role"
    if all(admits_everything(entry) for entry in subject_tests):
        return (
            f"matches `{subject_tests[0].key}` with a pattern of only wildcards, so any "
            "identity of that provider can assume the role"
        )
    if "{owner}" not in owner_field:
        return None
    # Conditions all hold: the trust is broad when each `sub` test admits other owners.
    broad = [
        next(
            (
                value.text
                for value in entry.values
                if value.text is not None
                and _admits_other_owners(entry.base_operator, value.text, owner_field)
            ),
            None,
        )
        for entry in subject_tests
    ]
    if broad and all(broad):
        return (
            f"matches `sub` with `{broad[0]}`, which admits the pipelines of owners anyone "
            f"can register on {host}"
        )
    return None


@check("IAM009")
def trust_policy_too_broad(document: Document, rule: Rule) -> Iterator[Hit]:
    """Trust policies letting another account's root assume the role without an external
    ID, or web identities without a pinned `sub`, in some deployment of the template: one
    finding per statement and principal, adding what other deployments trust too broadly
    (guardlint.checks.iam.hits.per_deployment)."""
    if policy_of(document).kind != TRUST:
        return
    yield from per_deployment(document, lambda policy: _broad_trust(policy, rule))


def _broad_trust(policy: Policy, rule: Rule) -> Iterator[Hit]:
    external_keys = _lower(rule.options.get("cross_account_condition_keys", ()))
    audience_hosts = {
        host.lower(): key.lower()
        for host, key in rule.options.get("audience_condition_keys", {}).items()
    }
    owner_fields = {
        host.lower(): str(field)
        for host, field in rule.options.get("shared_provider_subjects", {}).items()
    }
    for statement in policy.statements:
        if not statement.is_allow or not statement.conditions_known:
            continue
        if _grants_action(statement, "sts:assumerole") and not requires(
            statement, external_keys, account_named=True
        ):
            for principal in statement.principals:
                if root := _cross_account_root(principal, policy):
                    yield policy_hit(
                        policy,
                        statement,
                        f"{policy.where(statement)} lets every identity of account "
                        f"`{root}` assume the role with no "
                        "sts:ExternalId condition (confused-deputy risk).",
                        principal.item.region,
                        trust="cross-account",
                    )
        if not _grants_action(statement, "sts:assumerolewithwebidentity"):
            continue
        for principal in statement.principals:
            if principal.kind != "Federated":
                continue
            host = _oidc_provider_host(principal, statement, policy)
            owner_field = owner_fields.get(host or "", "")
            problem = _web_identity_problem(statement, host, audience_hosts, owner_field)
            if problem:
                yield policy_hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} trusts web identities from "
                    f"{host or 'an OIDC provider'} and {problem}.",
                    principal.item.region,
                    trust="web-identity",
                    provider=host or "",
                )
