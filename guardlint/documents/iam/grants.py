"""What a policy's Allow statements grant on every resource, and to which accounts: the view
the IAM rules judge a statement by (guardlint.checks.iam and the policy-grants-actions
template). "Every resource" is Resource `*`, or for each action an ARN that reaches every
resource of its type (guardlint.documents.iam.resources).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from guardlint.documents.cloudformation.cdk import stack_account
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.applied import denials_of
from guardlint.documents.iam.conditions import pinned_per_deployment
from guardlint.documents.iam.denials import Denials
from guardlint.documents.iam.holders import BOUNDARY_ONLY, companions
from guardlint.documents.iam.policy import IDENTITY, RESOURCE, Policy, Statement, policy_of
from guardlint.documents.iam.resources import Reach, is_any_resource
from guardlint.documents.iam.values import UNKNOWN_PART, Item, Principal
from guardlint.knowledge.iam_actions import Action, any_of

# An account root principal: `arn:aws:iam::123456789012:root` (the partition may be written
# `${AWS::Partition}`) or the bare account ID.
_ACCOUNT_ROOT = re.compile(r"^(arn:(?:\$\{[^}]*\}|[^:]+):iam::([^:]+):root|([0-9]{12}))$")
# Attribute-based access control: `Resource: "*"` limited by the resources' tags, S3 objects'
# included (`s3:ExistingObjectTag/...`), also as a service's own keys name them (RDS's and DMS's
# per-type `rds:db-tag/...`, `dms:endpoint-tag/...`, but not their request's `req-tag/`; S3's
# `s3:BucketTag/...` and `s3:AccessPointTag/...`; Data Pipeline's `datapipeline:Tag/...`), or
# KMS keys' aliases (`kms:ResourceAliases`, and `kms:RequestAlias`, the alias a request names
# the key by), or by an attribute of the resource itself
# (`secretsmanager:resource/AllowRotationLambdaArn`: the secrets this function rotates), when
# the Condition pins one: a resource without it passes `...IfExists` and `ForAllValues:`
# (unless a `Null` test of `false` demands it), `Null` alone or a negation. Each try starts at
# the key's start or a colon and reads no further than the next colon: linear.
_RESOURCE_TAG_KEY = re.compile(
    r"(^|:)(resourcetag/|existingobjecttag/|(bucket|accesspoint|tablebucket|vectorbucket)tag/"
    r"|tag/|(?!req-)[a-z-]+-tag/|resource/|resourcealiases$|requestalias$)",
    re.IGNORECASE,
)
# Policy.views key holding a policy's wildcard grants: four rules judge them, and a Deny of
# `*` refuses some 20,000 actions, each looked up in every grant.
_CACHE_KEY = "iam_wildcard_grants"


def only_a_boundary(policy: Policy) -> bool:
    """A managed policy of a template that principals only have as their permissions boundary:
    it grants nothing (guardlint.documents.iam.holders), so the grant rules leave it alone."""
    return bool(policy.document.meta.get(BOUNDARY_ONLY))


def on_any_resource(statement: Statement) -> bool:
    """An Allow statement whose Resource includes `*`, or with NotResource: that reaches every
    resource but those it names (IAM evaluation, "NotResource"), unless it names `*`."""
    if not statement.is_allow:
        return False
    if any(is_any_resource(item) for item in statement.resources):
        return True
    excluded = statement.items("NotResource")
    return bool(excluded) and not any(is_any_resource(item) for item in excluded)


# A bucket policy's key for the account of the access point a request comes through.
_ACCESS_POINT_ACCOUNT = frozenset({"s3:dataaccesspointaccount"})


def delegates_to_account(policy: Policy, statement: Statement) -> bool:
    """A resource policy statement that hands control to an account's IAM: every principal is
    the stack's own account (`${AWS::AccountId}`, or a CDK stack's account as its assembly
    names it), or, in a KMS key policy, an account root (the
    default key policy AWS writes), or, in a bucket policy, only requests through the access
    points of a named account (`s3:DataAccessPointAccount` pinned: S3's delegation of access
    control to access points). Identity policies of that account (and its access points'
    policies) then decide."""
    principals = statement.principals
    if policy.kind != RESOURCE or not principals:
        return False
    if all(p.kind == "AWS" and is_own_account(p.item, policy) for p in principals):
        return True
    # Every deployment of the template must delegate: one branch's delegation is its own.
    if policy.is_bucket_policy and all(
        keys & _ACCESS_POINT_ACCOUNT for keys in pinned_per_deployment(policy, statement)
    ):
        return True
    # The key's own account is one: the root of a second one, or of every one, holds it too.
    accounts = {_root_account(p, policy) for p in principals}
    return policy.is_key_policy and len(accounts) == 1 and None not in accounts


def _root_account(principal: Principal, policy: Policy) -> str | None:
    """The account whose root an AWS principal is (`own` for the stack's), or None: not an
    account root, or a wildcard account (every account's)."""
    if principal.kind != "AWS":
        return None
    if is_own_account(principal.item, policy):
        return "own"
    root = _ACCOUNT_ROOT.match(root_text(principal.item, policy) or "")
    account = root and (root.group(2) or root.group(3))
    if account == UNKNOWN_PART:  # an Fn::Join's: one account per Join as written
        return repr(principal.item.raw)
    return account if account and "*" not in account and "?" not in account else None


_ACCOUNT_ID_REF = ("Ref", "AWS::AccountId")
_STACK_ACCOUNT = "cdk_stack_account"  # Document.meta: the stack's account, looked up once


def names_own_account(item: Item, policy: Policy) -> bool:
    """Whether a principal names the stack's own account: `${AWS::AccountId}`, or the literal
    account a CDK stack with a concrete environment deploys to (its cloud assembly says)."""
    if item.mentions_own_account:
        return True
    meta = policy.document.meta
    if _STACK_ACCOUNT not in meta:
        meta[_STACK_ACCOUNT] = stack_account(policy.document)
    own = meta[_STACK_ACCOUNT]
    text = root_text(item, policy) if own else None
    return text is not None and own in text.split(":")


def is_own_account(item: Item, policy: Policy) -> bool:
    """Whether a principal is the stack's own account itself: its root (`arn:...:iam::${AWS::
    AccountId}:root`) or its ID (`!Ref AWS::AccountId`), whose IAM then decides; or of it with
    the rest unknown (`...:${AWS::AccountId}:${Principal}`, perhaps `root`). A user or role of
    it (`...:${AWS::AccountId}:role/Admin`) is not: the grant reaches that one directly."""
    if not names_own_account(item, policy):
        return False
    if root_text(item, policy) is not None or intrinsic(item.raw) == _ACCOUNT_ID_REF:
        return True
    rest = item.partial.rsplit(":", 1)[-1] if item.partial is not None else None
    return rest == UNKNOWN_PART  # `${AWS::AccountId}` alone, or an unknown name after it


def root_text(item: Item, policy: Policy) -> str | None:
    """The text of a principal that names an account root: as written (`${Var}` kept), else
    as an Fn::Join builds it, with what the template cannot know as `${?}`, or `${Name}` for
    a Ref to a parameter that only takes an account ID; None for any other principal."""
    for text in (item.template_text, item.partial):
        if text is not None and _ACCOUNT_ROOT.match(text.strip()):
            return text.strip()
    name = _account_parameter(item, policy.document.meta.get("template"))
    return f"${{{name}}}" if name else None


# An AllowedPattern that admits nothing but an account ID: `^\d{12}$`, `[0-9]{12}`, `(\d{12})`.
_ACCOUNT_ID_ONLY = re.compile(r"^\^?\(?(\\d|\[0-9\])\{12\}\)?\$?$")


def _account_parameter(item: Item, template: Template | None) -> str | None:
    """The parameter an item is a Ref to, when its AllowedPattern only admits account IDs."""
    call = intrinsic(item.raw)
    if not isinstance(template, Template) or not call or call[0] != "Ref":
        return None
    parameter = template.parameters.get(call[1]) if isinstance(call[1], str) else None
    pattern = parameter.get("AllowedPattern") if isinstance(parameter, dict) else None
    return call[1] if isinstance(pattern, str) and _ACCOUNT_ID_ONLY.match(pattern) else None


Entries = list[tuple[Item, tuple[Action, ...]]]


@dataclass
class Grant:
    """An Allow statement on every resource and, for each Action entry, the actions it grants
    on every resource of their type."""

    statement: Statement
    entries: Entries
    # The actions Denies of its holder's policies refuse on every resource, or on all but a few
    # a NotResource names: granted on every resource by no Allow.
    denied: Denials = field(default_factory=Denials)
    # What a NotAction grants, every action it does not name: IAM004 reports the statement, as
    # IAM001 does Action `*`, so only IAM003 (Resource, a fix of its own) judges it again.
    complement: Entries = field(default_factory=list)
    # Its Action `*` on Resource `*` is administrator access (IAM001's): no Deny refuses it.
    admin: bool = False

    def matching(self, patterns: Iterable[str]) -> list[tuple[Item, Action]]:
        """The (entry, action) pairs whose action one of the patterns (wildcards allowed)
        covers."""
        covers = any_of(tuple(str(pattern) for pattern in patterns))
        return [
            (item, action) for item, actions in self.entries for action in _covered(actions, covers)
        ]


# What a rule's patterns cover of an entry's actions, by the tuple of them (expand()'s, one
# object for every `ec2:*` of a file): 20,000 statements of `ec2:*` tested its 700 actions
# against each rule's patterns, each time (30 s for a 2 MB policy). Each value holds its
# tuple, so that no other tuple can have its id while it is there.
_COVERED: dict[tuple[int, re.Pattern[str]], tuple[tuple[Action, ...], list[Action]]] = {}


def _covered(actions: tuple[Action, ...], covers: re.Pattern[str]) -> list[Action]:
    key = (id(actions), covers)
    held = _COVERED.get(key)
    if held is None or held[0] is not actions:
        if len(_COVERED) >= 4096:
            _COVERED.clear()
        held = _COVERED[key] = (actions, [a for a in actions if covers.match(a.key)])
    return held[1]


def _grant(statement: Statement, denied: Denials) -> Grant | None:
    """What the statement grants on every resource. On Resource `*` that is every action but
    Action `*` itself, however spelt (`Statement.every_action`), which is administrator
    access (unless a Deny refused it): IAM001
    reports it once instead of every narrower rule. On ARNs it is each action one of them
    reaches every resource of (`*` included: IAM001 does not report it there)."""
    anywhere = on_any_resource(statement)
    reach = Reach() if anywhere else Reach.of(statement.resources)
    if not anywhere and (not statement.is_allow or not reach):
        return None
    grant = Grant(statement, [], denied)
    # grants() yields the Action entries, or a NotAction's first entry for its complement.
    not_action = statement.items("NotAction")[:1]
    every_action = statement.every_action if anywhere and not denied.admin_refused else ()
    for item, actions in statement.grants():
        if any(item is entry for entry in every_action):
            grant.admin = True
            continue
        actions = denied.remaining(actions)
        if not anywhere:
            actions = tuple(a for a in actions if reach.reaches(a))
        if anywhere or actions:
            complement = bool(not_action) and item is not_action[0]
            (grant.complement if complement else grant.entries).append((item, actions))
    return grant if anywhere or grant.entries or grant.complement else None


def wildcard_grants(policy: Policy) -> list[Grant]:
    """Allow statements of an identity policy on every resource, unless a Condition limits
    them to resources by tag (ABAC); found once per policy."""
    if policy.kind != IDENTITY or only_a_boundary(policy):
        return []
    return policy.once(_CACHE_KEY, lambda: _wildcard_grants(policy))


def _wildcard_grants(policy: Policy) -> list[Grant]:
    denied = denials_of(policy)
    return [
        grant
        for statement in policy.statements
        if not all(
            any(_RESOURCE_TAG_KEY.search(key) for key in keys)
            for keys in pinned_per_deployment(policy, statement)
        )
        and (grant := _grant(statement, denied)) is not None
    ]


Granted = list[tuple[Item, Action]]


def granted(policy: Policy, patterns: tuple[str, ...]) -> Granted:
    """The actions of `patterns` the policy grants on every resource, one (entry, action) each;
    found once per policy and patterns, since the policies it is held with ask again."""
    key = "iam_granted:" + "|".join(patterns)
    return policy.once(key, lambda: _granted(policy, patterns))


def _granted(policy: Policy, patterns: tuple[str, ...]) -> Granted:
    found: dict[str, tuple[Item, Action]] = {}
    for grant in wildcard_grants(policy):
        for item, action in grant.matching(patterns):
            found.setdefault(action.key, (item, action))
    return list(found.values())


def granted_with(policy: Policy, patterns: tuple[str, ...]) -> list[Granted]:
    """For each principal of the template surely holding the policy, what its other policies
    grant of `patterns` (guardlint.documents.iam.holders.companions): IAM evaluates a
    principal's policies together, so a combination may be split between them."""
    return [
        [pair for other in others for pair in granted(policy_of(other), patterns)]
        for others in companions(policy.document)
    ]
