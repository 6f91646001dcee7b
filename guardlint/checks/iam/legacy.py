"""IAM pack: checks on policy documents, standalone or embedded in templates
(guardlint.documents.iam.embedded).

Every check reads the normalized policy of guardlint.documents.iam.policy (statements of resolved
items with regions) and the action database of guardlint.knowledge.iam_actions. Checks about what a
policy grants "on every resource" (IAM003, IAM006, IAM007, IAM012) judge identity policies
only: in a resource policy `Resource: "*"` means the resource the policy is attached to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.policy import (
    IDENTITY,
    RESOURCE,
    TRUST,
    Item,
    Policy,
    Principal,
    Statement,
    is_any_resource,
    policy_of,
)
from guardlint.knowledge.iam_actions import (
    ACTION_FORM,
    PERMISSIONS_MANAGEMENT,
    WRITE,
    Action,
    any_of,
    expand,
    is_known_service,
    matches,
)
from guardlint.model import Document, Hit, Region, Rule, Severity
from guardlint.parse.yaml_nodes import YamlMap

# -- shared helpers -------------------------------------------------------------------------


def _hit(
    policy: Policy,
    statement: Statement | None,
    message: str,
    region: Region,
    severity: Severity | None = None,
    **properties: Any,
) -> Hit:
    return Hit(
        message=message,
        region=region,
        resource=policy.resource_of(statement),
        severity=severity,
        properties={"policyKind": policy.kind, **properties},
    )


def _is_full_wildcard(item: Item) -> bool:
    return item.text is not None and item.text.strip() in ("*", "*:*")


def _on_any_resource(statement: Statement) -> bool:
    return statement.is_allow and any(is_any_resource(item) for item in statement.resources)


def _delegates_to_account(policy: Policy, statement: Statement) -> bool:
    """A resource policy statement that hands control to an account's IAM: every principal is
    the stack's own account (`${AWS::AccountId}`), or, in a KMS key policy, an account root (the
    default key policy AWS writes). Identity policies of that account then decide."""
    principals = statement.principals
    if policy.kind != RESOURCE or not principals:
        return False
    if all(p.kind == "AWS" and p.item.mentions_own_account for p in principals):
        return True
    return policy.is_key_policy and all(
        p.kind == "AWS" and _ACCOUNT_ROOT.match((p.item.template_text or "").strip())
        for p in principals
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listing(names: Iterable[str], limit: int = 5) -> str:
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


@dataclass
class _Grant:
    """An Allow statement on Resource `*` and what each Action entry of it expands to."""

    statement: Statement
    entries: list[tuple[Item, tuple[Action, ...]]]

    def matching(self, patterns: Iterable[str]) -> list[tuple[Item, Action]]:
        covers = any_of(tuple(str(pattern) for pattern in patterns)).match
        return [
            (item, action)
            for item, actions in self.entries
            for action in actions
            if covers(action.key)
        ]


# Attribute-based access control: `Resource: "*"` limited by the resources' tags.
_RESOURCE_TAG_KEY = re.compile(r"(^|:)resourcetag/", re.IGNORECASE)


def _wildcard_grants(policy: Policy) -> list[_Grant]:
    """Allow statements on Resource `*` of an identity policy, unless a Condition limits them
    to resources by tag (ABAC). Action `*` is left out: that is administrator access, which
    IAM001 reports once instead of every narrower rule."""
    if policy.kind != IDENTITY:
        return []
    return [
        _Grant(statement, [(i, a) for i, a in statement.grants() if not _is_full_wildcard(i)])
        for statement in policy.statements
        if _on_any_resource(statement)
        and not any(_RESOURCE_TAG_KEY.search(entry.key) for entry in statement.conditions)
    ]


def _names(found: Iterable[tuple[Item, Action]]) -> list[str]:
    return sorted({action.full_name for _, action in found})


# -- IAM001 to IAM004: what an identity policy grants ----------------------------------------


@check("IAM001")
def admin_access(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    if policy.kind == TRUST:
        return
    for statement in policy.statements:
        if not _on_any_resource(statement) or _delegates_to_account(policy, statement):
            continue
        consequence = (
            "its principals get full control of the resource, including deleting it and "
            "rewriting this policy"
            if policy.kind == RESOURCE
            else "whoever holds it is a full administrator of the account"
        )
        for item in statement.actions:
            if _is_full_wildcard(item):
                yield _hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} allows every action (`{item.text}`) on every "
                    f"resource: {consequence}.",
                    item.region,
                )


_SERVICE_WILDCARD = re.compile(r"^([A-Za-z0-9-]+):\*$")


@check("IAM002")
def wildcard_service_action(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    if policy.kind == TRUST:
        return
    for statement in policy.statements:
        if not statement.is_allow or _delegates_to_account(policy, statement):
            continue
        for item in statement.actions:
            text = (item.text or "").strip()
            form = _SERVICE_WILDCARD.match(text)
            if form:
                scope = f"every action of {form.group(1)} ({len(expand(text))} actions"
            elif _is_full_wildcard(item) and not _on_any_resource(statement):
                scope = "every action of every service (on the resources it names"  # not IAM001
            else:
                continue
            yield _hit(
                policy,
                statement,
                f"{policy.where(statement)} allows `{item.text}`, {scope}, including future "
                "ones), where the task needs a few.",
                item.region,
                service=form.group(1) if form else "*",
            )


@check("IAM003")
def wildcard_resource_write(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    levels = set(rule.options.get("access_levels", (WRITE, PERMISSIONS_MANAGEMENT)))
    for grant in _wildcard_grants(policy):
        # Actions AWS only accepts on `*` (no resource-level permissions) cannot be scoped.
        found = [
            (item, action)
            for item, actions in grant.entries
            for action in actions
            if action.access_level in levels and action.resource_scoped
        ]
        if found:
            names = _names(found)
            yield _hit(
                policy,
                grant.statement,
                f"{policy.where(grant.statement)} allows {len(names)} write or "
                f"permissions-management action(s) on every resource (`*`): {_listing(names)}; "
                "scope Resource to the ARNs they need.",
                found[0][0].region,
                actions=names[:50],
                actionCount=len(names),
            )


_NOT_ELEMENTS = ("NotAction", "NotResource", "NotPrincipal")


@check("IAM004")
def not_action_allow(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    for statement in policy.statements:
        present = [key for key in _NOT_ELEMENTS if key in statement.node]
        if statement.is_allow and present:
            yield _hit(
                policy,
                statement,
                f"{policy.where(statement)} combines Allow with {' and '.join(present)}: it "
                "grants everything except what is listed, including actions, resources or "
                "principals added later.",
                statement.key_region(present[0]),
                elements=present,
            )


# -- IAM005, IAM008, IAM009: who a resource or trust policy lets in --------------------------


def _lower(keys: Iterable[str]) -> set[str]:
    return {key.lower() for key in keys}


_UNRESTRICTED_VALUES = frozenset({"*", "0.0.0.0/0", "::/0"})


def _restricts(statement: Statement, keys: set[str], negated: bool = False) -> bool:
    """A Condition tests one of `keys` with a value that narrows something down (with a
    negated operator when `negated`: a Deny "unless from our VPC endpoint")."""
    return any(
        entry.key.lower() in keys
        and (not negated or "Not" in entry.base_operator)
        and not any(
            v.text is not None and v.text.strip() in _UNRESTRICTED_VALUES for v in entry.values
        )
        for entry in statement.conditions
    )


@dataclass
class _Denials:
    """The action sets of a policy's Deny statements for everyone whose Condition restricts
    the caller ("deny unless from our VPC endpoint"), up to the first Deny whose Condition
    is unknown; made once per policy, not once per Allow (a policy with thousands of both)."""

    covered: list[frozenset[str]]
    unknown_follows: bool  # a Deny with an unknown Condition comes after them
    covered_by_any: frozenset[str]


def _denials(policy: Policy, keys: set[str]) -> _Denials:
    covered: list[frozenset[str]] = []
    unknown_follows = False
    for deny in policy.statements:
        if deny.effect != "Deny" or not (deny.principals or deny.not_principals):
            continue
        if not deny.conditions_known:
            unknown_follows = True
            break
        if _restricts(deny, keys, negated=True):
            covered.append(frozenset(a.key for _, actions in deny.grants() for a in actions))
    return _Denials(covered, unknown_follows, frozenset().union(*covered))


def _denied_elsewhere(allow: Statement, denials: _Denials) -> bool | None:
    """True when one of the restricting Denies covers every action of `allow`; None when
    unknown."""
    if any(item.text is None for item in allow.actions):
        return None
    wanted = {action.key for _, actions in allow.grants() for action in actions}
    if wanted <= denials.covered_by_any and any(wanted <= c for c in denials.covered):
        return True
    return None if denials.unknown_follows else False


@check("IAM005")
def public_principal(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    if policy.kind not in (RESOURCE, TRUST) or document.meta.get("vpc_only"):
        return
    keys = _lower(rule.options.get("restricting_condition_keys", ()))
    denials: _Denials | None = None
    for statement in policy.statements:
        public = [p for p in statement.principals if p.is_public]
        if not statement.is_allow or not public or not statement.conditions_known:
            continue
        if _restricts(statement, keys):
            continue
        denials = denials or _denials(policy, keys)
        if _denied_elsewhere(statement, denials) is not False:
            continue
        yield _hit(
            policy,
            statement,
            f"{policy.where(statement)} allows Principal `*` (anyone, including anonymous "
            "callers and every AWS account) with no Condition restricting the caller's "
            "account, organization, source or network.",
            public[0].item.region,
        )


@check("IAM008")
def insecure_transport(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    if not policy.is_bucket_policy or not policy.statements:
        return
    # A statement whose Effect could not be resolved may be the Deny: never report on it.
    denies = [s for s in policy.statements if s.effect != "Allow"]
    if any(not s.conditions_known for s in denies):
        return
    for statement in denies:
        for entry in statement.conditions:
            if entry.key.lower() == "aws:securetransport" and any(
                v.text is not None and v.text.lower() == "false" for v in entry.values
            ):
                return
    data = policy.data
    region = data.key_region("Statement") if isinstance(data, YamlMap) else Region(1)
    yield _hit(
        policy,
        None,
        f"{_capitalized(policy.where())} (an S3 bucket policy) has no Deny for requests with "
        "`aws:SecureTransport` false, so objects can be read and written over plain HTTP.",
        region,
    )


_ACCOUNT_ROOT = re.compile(r"^(arn:[^:]+:iam::([^:]+):root|(\d{12}))$")


def _is_cross_account_root(principal: Principal) -> bool:
    text = principal.item.template_text
    return (
        principal.kind == "AWS"
        and text is not None
        and bool(_ACCOUNT_ROOT.match(text.strip()))
        and not principal.item.mentions_own_account
    )


def _grants_action(statement: Statement, action_key: str) -> bool:
    return any(
        item.text is not None and matches(item.text, action_key) for item in statement.actions
    )


def _oidc_provider_host(principal: Principal, policy: Policy) -> str | None:
    """The host of a Federated principal: `token.actions.githubusercontent.com` from its ARN,
    or from the Url of the AWS::IAM::OIDCProvider resource it references."""
    text = principal.item.template_text
    if text:
        host = text.split("oidc-provider/", 1)[-1]
        return host.lower().removeprefix("https://")
    template = policy.document.meta.get("template")
    call = intrinsic(principal.item.raw)
    if not isinstance(template, Template) or call is None:
        return None
    name, argument = call
    target = argument[0] if name == "Fn::GetAtt" and isinstance(argument, list) else argument
    if name not in ("Ref", "Fn::GetAtt") or not isinstance(target, str):
        return None
    if template.resource_type(target) != "AWS::IAM::OIDCProvider":
        return None
    urls = template.resolved_strings(template.properties(target).get("Url"))
    return urls[0].lower().removeprefix("https://") if len(urls) == 1 else None


_POSITIVE_STRING_OPERATORS = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike"})
# Repository subjects no real policy names: a `sub` pattern that admits them admits anyone's.
_FOREIGN_GITHUB_SUBJECTS = (
    "repo:guardlint-probe-owner/probe-repo:ref:refs/heads/main",
    "repo:guardlint-probe-owner/probe-repo:environment:production",
    "repo:guardlint-probe-owner/probe-repo:pull_request",
)


def _admits_any_repository(operator: str, pattern: str) -> bool:
    if operator != "StringLike":
        return False  # StringEquals compares literally: `*` there matches only `*`
    return any(matches(pattern, subject) for subject in _FOREIGN_GITHUB_SUBJECTS)


def _web_identity_problem(
    statement: Statement, host: str | None, audience_hosts: dict[str, str]
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
    if host != "token.actions.githubusercontent.com":
        return None
    broad = [
        value.text
        for entry in subject_tests
        for value in entry.values
        if value.text is not None and _admits_any_repository(entry.base_operator, value.text)
    ]
    if broad:
        return f"matches `sub` with `{broad[0]}`, which admits a workflow of any GitHub repository"
    return None


@check("IAM009")
def trust_policy_too_broad(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    if policy.kind != TRUST:
        return
    external_keys = _lower(rule.options.get("cross_account_condition_keys", ()))
    audience_hosts = {
        host.lower(): key.lower()
        for host, key in rule.options.get("audience_condition_keys", {}).items()
    }
    for statement in policy.statements:
        if not statement.is_allow or not statement.conditions_known:
            continue
        if _grants_action(statement, "sts:assumerole") and not _restricts(statement, external_keys):
            for principal in statement.principals:
                if _is_cross_account_root(principal):
                    yield _hit(
                        policy,
                        statement,
                        f"{policy.where(statement)} lets every identity of account "
                        f"`{principal.item.template_text}` assume the role with no "
                        "sts:ExternalId condition (confused-deputy risk).",
                        principal.item.region,
                        trust="cross-account",
                    )
        if not _grants_action(statement, "sts:assumerolewithwebidentity"):
            continue
        for principal in statement.principals:
            if principal.kind != "Federated":
                continue
            host = _oidc_provider_host(principal, policy)
            problem = _web_identity_problem(statement, host, audience_hosts)
            if problem:
                yield _hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} trusts web identities from "
                    f"{host or 'an OIDC provider'} and {problem}.",
                    principal.item.region,
                    trust="web-identity",
                    provider=host or "",
                )


# -- IAM010, IAM011: is the document valid ---------------------------------------------------

_VERSIONS = ("2012-10-17", "2008-10-17")
_EFFECTS = ("Allow", "Deny")
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))
_SID = re.compile(r"^[A-Za-z0-9]*$")


def _version_problems(policy: Policy) -> Iterator[tuple[str, Region, Severity | None]]:
    data = policy.data
    if not isinstance(data, YamlMap):
        return
    if "Version" not in data:
        yield (
            "has no Version, so AWS applies the 2008-10-17 language where policy variables "
            "such as ${aws:username} are plain text; add Version: 2012-10-17",
            data.key_region("Statement"),
            Severity.LOW,
        )
        return
    versions = [item.text for item in policy.values(data, "Version")]
    if len(versions) != 1 or versions[0] is None:
        return
    if versions[0] == "2008-10-17":
        yield (
            "uses the old 2008-10-17 Version, where policy variables are plain text",
            data.value_region("Version"),
            Severity.LOW,
        )
    elif versions[0] not in _VERSIONS:
        yield (
            f"has Version `{versions[0]}`; AWS accepts only 2012-10-17 (or 2008-10-17)",
            data.value_region("Version"),
            None,
        )


def _statement_problems(policy: Policy, statement: Statement) -> Iterator[tuple[str, Region]]:
    node = statement.node
    if "Effect" not in node:
        yield "has no Effect", node.region
    elif statement.effect is not None and statement.effect not in _EFFECTS:
        yield (
            f"has Effect `{statement.effect}`; only Allow or Deny is valid",
            node.value_region("Effect"),
        )
    for positive, negative in _EXCLUSIVE:
        if positive in node and negative in node:
            yield f"has both {positive} and {negative}", node.key_region(negative)
    if "Action" not in node and "NotAction" not in node:
        yield "has neither Action nor NotAction", node.region
    if policy.kind != TRUST and "Resource" not in node and "NotResource" not in node:
        yield "has neither Resource nor NotResource", node.region
    if policy.kind == IDENTITY and policy.owner and ("Principal" in node or "NotPrincipal" in node):
        yield (
            "names a Principal, which an identity policy must not",
            node.key_region("Principal" if "Principal" in node else "NotPrincipal"),
        )
    if (
        policy.kind in (RESOURCE, TRUST)
        and policy.owner
        and not ("Principal" in node or "NotPrincipal" in node)
    ):
        yield "has no Principal, which a resource or trust policy requires", node.region
    for element in ("Action", "NotAction"):
        for item in statement.items(element):
            text = (item.text or "").strip()
            if item.text is not None and text != "*" and not ACTION_FORM.match(text):
                yield (
                    f"has {element} `{item.text}`, which is not in `service:action` form",
                    item.region,
                )
    if policy.kind == IDENTITY and statement.sid and not _SID.match(statement.sid):
        yield (
            f"has Sid `{statement.sid}`; IAM accepts only letters and digits there",
            node.value_region("Sid"),
        )


@check("IAM010")
def malformed_policy(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    for problem, region, severity in _version_problems(policy):
        yield _hit(policy, None, f"{_capitalized(policy.where())} {problem}.", region, severity)
    data = policy.data
    if isinstance(data, YamlMap) and "Statement" in data and data["Statement"] in (None, [], {}):
        yield _hit(
            policy,
            None,
            f"{_capitalized(policy.where())} has an empty Statement: it allows nothing.",
            data.value_region("Statement"),
        )
    for region in policy.invalid_entries:
        yield _hit(
            policy,
            None,
            f"{_capitalized(policy.where())} has a Statement entry that is not a map.",
            region,
        )
    seen_sids: dict[str, int] = {}
    for statement in policy.statements:
        for problem, region in _statement_problems(policy, statement):
            yield _hit(policy, statement, f"{policy.where(statement)} {problem}.", region)
        if statement.sid:
            first = seen_sids.setdefault(statement.sid, statement.index)
            if first != statement.index:
                yield _hit(
                    policy,
                    statement,
                    f"{policy.where(statement)} repeats Sid `{statement.sid}` of Statement "
                    f"{first}; Sids must be unique within a policy.",
                    statement.node.value_region("Sid"),
                )


@check("IAM011")
def unknown_action(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    extra = [str(pattern) for pattern in rule.options.get("known_actions", ())]
    for statement in policy.statements:
        for element in ("Action", "NotAction"):
            for item in statement.items(element):
                problem = _unknown_action_problem(item, extra)
                if problem:
                    yield _hit(
                        policy,
                        statement,
                        f"{policy.where(statement)} has {element} `{item.text}`: {problem}, "
                        "so it grants or denies nothing (a typo, or a made-up name).",
                        item.region,
                        action=item.text,
                    )


def _unknown_action_problem(item: Item, extra: list[str]) -> str | None:
    text = (item.text or "").strip()
    form = ACTION_FORM.match(text)
    if not form or text in ("*", "*:*"):
        return None  # unresolved, `*`, or malformed (IAM010's)
    if any(matches(pattern, text.lower()) or matches(text, pattern.lower()) for pattern in extra):
        return None
    if expand(text):
        return None
    prefix = form.group(1)
    if "*" not in prefix and "?" not in prefix and not is_known_service(prefix):
        return f"`{prefix}` is not an AWS service prefix"
    return f"no {prefix} action matches it"


# -- IAM006, IAM007, IAM012: dangerous capabilities on Resource `*` -------------------------


@check("IAM006")
def privilege_escalation(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    grants = _wildcard_grants(policy)
    partners = _names(
        f for g in grants for f in g.matching(rule.options.get("passrole_partners", ()))
    )
    for grant in grants:
        found = grant.matching(rule.options.get("escalation_actions", ()))
        if not found:
            continue
        names = _names(found)
        passrole = any(action.key == "iam:passrole" for _, action in found)
        combo = (
            f"; with {_listing(partners)} it can hand any role to a new resource and act as it"
            if passrole and partners
            else ""
        )
        yield _hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows privilege-escalation actions on every "
            f"resource: {_listing(names)}{combo}.",
            found[0][0].region,
            actions=names,
            passRolePartners=partners if passrole else [],
        )


@check("IAM007")
def credential_exposure(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    paired_only = [str(p).lower() for p in rule.options.get("paired_only", ())]
    for grant in _wildcard_grants(policy):
        found = grant.matching(rule.options.get("credential_actions", ()))
        # Some actions only accept `*` and hand out little on their own (an ECR login token):
        # they count only next to another credential-returning action.
        leading = [(i, a) for i, a in found if not any(matches(p, a.key) for p in paired_only)]
        if not leading:
            continue
        names = _names(found)
        yield _hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows actions that return secrets or "
            f"credentials on every resource: {_listing(names)}; scope them to the secrets, "
            "parameters, keys or objects the workload owns.",
            leading[0][0].region,
            actions=names,
        )


@check("IAM012")
def data_exfiltration(document: Document, rule: Rule) -> Iterator[Hit]:
    policy = policy_of(document)
    grants = _wildcard_grants(policy)
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
        names = _names(found)
        yield _hit(
            policy,
            grant.statement,
            f"{policy.where(grant.statement)} allows actions that copy or expose data on every "
            f"resource: {_listing(names)}; scope them to the buckets, parameters, snapshots "
            "or databases the workload owns.",
            found[0][0].region,
            actions=names,
        )
