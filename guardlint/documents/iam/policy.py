"""A normalized view of one IAM policy document, shared by every IAM rule.

Policies are written in many equivalent shapes: Statement as a map or a list; Action,
Resource, Principal as a string or a list; Principal `*`, {"AWS": "*"} or {"AWS": ["*"]};
CloudFormation intrinsics anywhere. This module reduces all of them to Statements of Items
(a string value with its region, or unknown: guardlint.documents.iam.values reads them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.scenarios import scenarios
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.values import ConditionEntry, Item, Principal, Reader, branches
from guardlint.knowledge.iam_actions import Action, all_but, expand
from guardlint.knowledge.iam_wildcards import (
    grants_every_action,
    together_every_service,
    whole_services,
)
from guardlint.model.documents import Document, Region
from guardlint.parse.located import YamlMap, region_of

IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"
# An AWS IoT policy: what the devices holding it may do in AWS IoT, not in the account (the
# rules of an identity policy's reach on Resource `*` do not judge it).
DEVICE = "device"
POLICY_KINDS = (IDENTITY, RESOURCE, TRUST, DEVICE)
_CACHE_KEY = "iam_policy"  # document.meta key holding the parsed Policy
_SCENARIOS_KEY = "iam_policy_scenarios"  # ... and the policy once per deployment
# A file's NotAction statements judged by what they grant (an Allow's by IAM003, a Deny's by
# IAM005; denials.py reads a Deny's as all but its names), 20,000 actions each: past them, one
# is reported by IAM004 alone, so that thousands of them written to stall the scan are judged
# in time. The policies of one template share the count (meta COMPLEMENT_BUDGET).
MAX_COMPLEMENTED = 16
COMPLEMENT_BUDGET = "complement_budget"
# Document.meta: the S3 public access blocks that govern a bucket or access point policy
# (guardlint.documents.iam.embedded.closed_to_public), judged in each deployment of the policy.
PUBLIC_ACCESS_BLOCKS = "public_access_blocks"
# Document.meta: a policy of an account's IAM entity as the AWS CLI prints it (iam/printed.py),
# named by the role, user, group or managed policy that holds it (its `resource`).
ACCOUNT_ENTITY = "account_entity"
_S3_ARN = re.compile(r"^arn:(aws[\w-]*|\$\{AWS::Partition\}):s3:::", re.IGNORECASE)
# Actions a role trust policy grants: sts:AssumeRole, ...WithSAML, ...WithWebIdentity (also
# as a pattern: `sts:AssumeRole*`), and the session extras that travel with them.
_TRUST_ACTION = re.compile(
    r"^sts:(assume[\w*?]*|tagsession|setsourceidentity|setcontext|\*)$", re.IGNORECASE
)
T = TypeVar("T")


@dataclass
class Statement:
    """One statement of a policy, its elements normalized."""

    index: int  # 1-based position in the Statement list (both Fn::If branches share it)
    node: YamlMap
    sid: str | None
    effect: str | None
    elements: dict[str, tuple[Item, ...]]  # Action, NotAction, Resource, NotResource
    principals: tuple[Principal, ...]
    not_principals: tuple[Principal, ...]
    conditions: tuple[ConditionEntry, ...]
    conditions_known: bool  # False when a Condition is an intrinsic we cannot read
    # Its NotAction is expanded to every action it does not name (grants): see MAX_COMPLEMENTED.
    complemented: bool = False

    @property
    def label(self) -> str:
        return f"Statement {self.index}" + (f" (Sid {self.sid})" if self.sid else "")

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    def items(self, element: str) -> tuple[Item, ...]:
        return self.elements.get(element, ())

    @property
    def may_name_everyone(self) -> bool:
        """Principal `*`, NotPrincipal (everyone but those named; NotPrincipal `*` leaves no
        one), a principal that could not be read, or none (not a resource policy's)."""
        principals, excluded = self.principals, self.not_principals
        if excluded:
            return not any(p.is_public for p in excluded)
        return not principals or any(p.is_public or p.item.text is None for p in principals)

    @property
    def actions(self) -> tuple[Item, ...]:
        return self.items("Action")

    @property
    def resources(self) -> tuple[Item, ...]:
        return self.items("Resource")

    @functools.cached_property
    def every_action(self) -> tuple[Item, ...]:
        """The Action entries granting every action of every service: each that does alone
        (`*`, `*:*`, `*:?*`), else all that together do (`a*:*`, `b*:*` ... `x*:*`), else none.
        The one reading of "every action" of every rule: IAM001 reports it, and the rules it
        stands for defer to it, however it is spelt."""
        texts = [(item, item.text) for item in self.actions if item.text is not None]
        alone = tuple(item for item, text in texts if grants_every_action(text))
        if alone or len(texts) < 2:
            return alone
        if not together_every_service(tuple(text for _, text in texts)):
            return ()
        return tuple(item for item, text in texts if whole_services(text))

    def key_region(self, key: str) -> Region:
        return self.node.key_region(key)

    def grants(self) -> Iterator[tuple[Item, tuple[Action, ...]]]:
        """(Action item, the real actions it expands to) for every resolved Action entry; for
        NotAction (without Action), its first entry and every action none of its entries
        covers, once all of them are resolved."""
        for item in self.actions:
            if item.text is not None:
                yield item, expand(item.text)
        excluded = self.items("NotAction")
        resolved = all(item.text is not None for item in excluded)
        if excluded and self.complemented and not self.actions and resolved:
            yield excluded[0], all_but(tuple(str(item.text) for item in excluded))


@dataclass
class Policy:
    """A policy document normalized, with its kind and statements."""

    document: Document
    data: Any
    kind: str  # identity, resource or trust
    reader: Reader
    statements: list[Statement] = field(default_factory=list)
    invalid_entries: list[Region] = field(default_factory=list)  # Statement entries not maps
    # What rules read of it (its grants, its denials), by key: see once().
    views: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """views[key], computed the first time a rule asks: kept on the policy, not on its
        document, which is read once per deployment too (policy_scenarios)."""
        if key not in self.views:
            self.views[key] = compute()
        return self.views[key]

    @property
    def owner(self) -> str:
        """`AWS::IAM::Role BuildRole` for an embedded policy, `IAM role deploy` for one of an
        account's as the CLI prints them, "" for a standalone file."""
        meta = self.document.meta
        held = meta.get("logical_id") or meta.get(ACCOUNT_ENTITY)
        return str(meta.get("resource", "")) if held else ""

    @property
    def resource_type(self) -> str:
        return str(self.document.meta.get("resource_type", ""))

    def resource_of(self, statement: Statement | None = None) -> str:
        """`AWS::IAM::Role BuildRole Statement 2 (Sid AllowAll)`, `Statement 2` (standalone);
        for the whole document `AWS::IAM::Role BuildRole policy deploy` or `... KeyPolicy`."""
        if statement is not None:
            return f"{self.owner} {statement.label}".strip()
        if not self.owner:
            return "policy"
        meta = self.document.meta
        name = meta.get("policy_name")
        return f"{self.owner} " + (f"policy {name}" if name else str(meta.get("property")))

    def where(self, statement: Statement | None = None) -> str:
        """`Statement 2 (Sid AllowAll) of policy deploy of AWS::IAM::Role BuildRole`, `the
        KeyPolicy of AWS::KMS::Key Key`, `this policy` (a standalone file)."""
        meta = self.document.meta
        if meta.get("policy_name"):
            container = f"policy {meta['policy_name']} of {self.owner}"
        elif self.owner:
            container = f"the {meta.get('property') or 'policy'} of {self.owner}"
        else:
            container = "this policy"
        return f"{statement.label} of {container}" if statement else container

    def values(self, container: YamlMap, key: str) -> list[Item]:
        """The resolved Items of `container[key]` (a Version, an Effect ...)."""
        return list(self.reader.items(container[key], container.value_region(key)))

    # Cached: rules ask once per statement (policy_of returns the policy once it is complete).
    @functools.cached_property
    def is_key_policy(self) -> bool:
        """A KMS key policy: by resource type, or (standalone) only kms actions granted."""
        if self.resource_type:
            return self.resource_type in ("AWS::KMS::Key", "AWS::KMS::ReplicaKey")
        actions = [item.text or "" for s in self.statements for item in s.actions]
        return bool(actions) and all(a.lower().startswith("kms:") for a in actions)

    @functools.cached_property
    def is_bucket_policy(self) -> bool:
        if self.resource_type:
            return self.resource_type == "AWS::S3::BucketPolicy"
        if self.kind != RESOURCE:
            return False
        resources = [
            item.template_text or ""
            for statement in self.statements
            for element in ("Resource", "NotResource")
            for item in statement.items(element)
        ]
        return bool(resources) and all(_S3_ARN.match(text) for text in resources)


def _statement(reader: Reader, index: int, node: YamlMap) -> Statement:
    def element(key: str) -> tuple[Item, ...]:
        if key not in node:
            return ()
        return tuple(reader.items(node[key], node.value_region(key)))

    effects = [item.text for item in element("Effect")]
    sid = node.get("Sid")
    conditions, known = reader.conditions(node.get("Condition"), node.value_region("Condition"))
    complemented = "NotAction" in node and reader.complemented[0] < MAX_COMPLEMENTED
    reader.complemented[0] += complemented
    return Statement(
        index=index,
        node=node,
        sid=str(sid) if isinstance(sid, (str, int)) else None,
        effect=effects[0] if len(effects) == 1 else None,
        elements={key: element(key) for key in ("Action", "NotAction", "Resource", "NotResource")},
        principals=tuple(reader.principals(node["Principal"], node.value_region("Principal")))
        if "Principal" in node
        else (),
        not_principals=tuple(
            reader.principals(node["NotPrincipal"], node.value_region("NotPrincipal"))
        )
        if "NotPrincipal" in node
        else (),
        conditions=tuple(conditions),
        conditions_known=known if "Condition" in node else True,
        complemented=complemented,
    )


def policy_of(document: Document) -> Policy:
    """The normalized policy of an `iam-policy` document (computed once per document)."""
    return document.once(_CACHE_KEY, lambda: _policy(document))


def policy_scenarios(document: Document) -> list[Policy]:
    """The policy once per deployment: once per way the template conditions that its
    `Fn::If` calls branch on (and its resource's own Condition, and the public access
    blocks that govern it) may go, each read with one
    branch of every such call (guardlint.documents.cloudformation.scenarios); the policy alone
    when nothing in it branches on a condition not known statically. A rule that looks for a
    protecting statement or Condition judges each deployment on its own, instead of taking
    one branch's Deny (or Condition) for a policy the other branch writes without it."""
    return document.once(_SCENARIOS_KEY, lambda: _scenario_policies(document))


def _scenario_policies(document: Document) -> list[Policy]:
    policy = policy_of(document)
    template = policy.reader.template
    if template is None:
        return [policy]
    resource = template.resources.get(str(document.meta.get("logical_id", "")))
    views = scenarios(template, resource, [policy.data, document.meta.get(PUBLIC_ACCESS_BLOCKS)])
    if len(views) == 1 and views[0] is template:
        return [policy]
    # A deployment's statements are statements of the policy read whole: each expands its
    # NotAction as it does there, with no more of the template's budget spent.
    complemented = {id(s.node) for s in policy.statements if s.complemented}
    policies = [_policy(document, view, [MAX_COMPLEMENTED]) for view in views]
    for statement in (s for each in policies for s in each.statements):
        statement.complemented = id(statement.node) in complemented
    return policies


def _policy(
    document: Document, view: Template | None = None, budget: list[int] | None = None
) -> Policy:
    template = view or document.meta.get("template")
    budget = budget or document.meta.get(COMPLEMENT_BUDGET)
    reader = Reader(
        template if isinstance(template, Template) else None,
        budget if isinstance(budget, list) else [0],
    )
    data = document.data if isinstance(document.data, dict) else {}
    policy = Policy(document, data, kind=IDENTITY, reader=reader)
    region = data.value_region("Statement") if isinstance(data, YamlMap) else Region(1)
    # Statement (a list, a map, or an Fn::If choosing between them), then each list entry
    # (a map, or an Fn::If choosing a map or AWS::NoValue).
    for statements in branches(data.get("Statement"), reader.known):
        entries = statements if isinstance(statements, list) else [statements] if statements else []
        for position, entry in enumerate(entries, start=1):
            entry_region = region_of(entries, position - 1) or region
            for branch in branches(entry, reader.known):
                if isinstance(branch, YamlMap) and not intrinsic(branch):
                    policy.statements.append(_statement(reader, position, branch))
                elif branch is not None and not intrinsic(branch):
                    policy.invalid_entries.append(region_of(branch) or entry_region)
    kind = document.meta.get("policy_kind")
    policy.kind = kind if kind in POLICY_KINDS else _inferred_kind(policy.statements)
    return policy


def _inferred_kind(statements: list[Statement]) -> str:
    """A standalone file: a Principal makes it a resource policy, or a trust policy when every
    such statement only grants sts:AssumeRole* (and its session extras)."""
    with_principal = [s for s in statements if "Principal" in s.node or "NotPrincipal" in s.node]
    if not with_principal:
        return IDENTITY
    actions = [item.text for s in with_principal for item in s.actions]
    if actions and all(text is not None and _TRUST_ACTION.match(text) for text in actions):
        return TRUST
    return RESOURCE
