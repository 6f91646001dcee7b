"""Which principals of a CloudFormation template hold each of its identity policies: a role,
user or group its inline `Policies`, an AWS::IAM::Policy or ManagedPolicy those its `Roles`,
`Users` and `Groups` name (or whose `ManagedPolicyArns` reference it), an AWS::IAM::RolePolicy
its RoleName; a user also holds its groups' policies. AWS evaluates all the policies of a
principal together, so a Deny in one refuses what another allows
(guardlint.documents.iam.denials), and its permissions boundary caps what they grant
(guardlint.documents.iam.boundaries). A managed policy the template only names as a boundary
grants nothing (meta BOUNDARY_ONLY).

A principal is known by its logical ID (a `Ref` to it, or the name it is given), or by a name
the template does not define (another stack's role). A policy whose holders cannot all be read
shares no other policy's Deny. Each principal contributes at most MAX_DENIERS policies with a
Deny, so a template of thousands of policies costs each of them a bounded few.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from guardlint.documents.cloudformation.conditions import resource_surely_created, taken_branches
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.managed_arns import MANAGED_POLICY, ManagedPolicies
from guardlint.documents.iam.policy import IDENTITY, policy_of
from guardlint.model.documents import Document

_HELD_BY = "iam_held_by"  # document.meta: frozenset of the policy's holders (None: unknown)
# document.meta: no template condition may leave the policy out of the resource it is in.
WRITTEN_FOR_CERTAIN = "iam_written_for_certain"
_HOLDERS = "iam_holders"  # document.meta: the template's Holders, shared by its policies
# document.meta: a managed policy the template only sets as a permissions boundary.
BOUNDARY_ONLY = "iam_boundary_only"
MAX_DENIERS = 16
# Principals of a policy, and other policies of each, whose grants combine with the policy's.
MAX_COMPANIONS = 16

_KINDS = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}
_NAME_PROPERTY = {"role": "RoleName", "user": "UserName", "group": "GroupName"}
# Resources whose own identity policies are held by themselves (a SAM function's by the role
# SAM makes for it).
_SELF_HELD = (
    *_KINDS,
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
    "AWS::SSO::PermissionSet",
)
# Policy resources: property -> the kind of principal it names.
_ATTACHING = {
    "AWS::IAM::Policy": {"Roles": "role", "Users": "user", "Groups": "group"},
    "AWS::IAM::ManagedPolicy": {"Roles": "role", "Users": "user", "Groups": "group"},
    "AWS::IAM::RolePolicy": {"RoleName": "role"},
    "AWS::IAM::UserPolicy": {"UserName": "user"},
    "AWS::IAM::GroupPolicy": {"GroupName": "group"},
}
# Principals that attach managed policies by ARN (`!Ref ManagedPolicy`, or the ARN written
# out: guardlint.documents.iam.managed_arns): property per type.
_ATTACHED_BY_ARN = {
    "AWS::IAM::Role": "ManagedPolicyArns",
    "AWS::IAM::User": "ManagedPolicyArns",
    "AWS::IAM::Group": "ManagedPolicyArns",
    "AWS::Serverless::Function": "Policies",
    "AWS::Serverless::StateMachine": "Policies",
}

# Principals with a permissions boundary (guardlint.documents.iam.boundaries): a SAM
# function's or state machine's is the role SAM makes for it.
_BOUNDED = (
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
)
_BOUNDARY = "PermissionsBoundary"
_BOUNDARY_KEY = "iam:permissionsboundary"


@dataclass
class Holders:
    """The identity policies each principal of a template holds, and each user's groups."""

    documents: dict[str, list[Document]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    boundaries: dict[str, Document] = field(default_factory=dict)  # the surely set ones
    _deniers: dict[str, tuple[Document, ...]] = field(default_factory=dict)
    _shared: dict[frozenset[str], tuple[Document, ...]] = field(default_factory=dict)
    _held: dict[str, tuple[list[Document], set[int]]] = field(default_factory=dict)

    def held(self, holder: str) -> tuple[list[Document], set[int]]:
        """The policies the holder surely holds (a user's groups' included), and their ids."""
        if holder not in self._held:
            found = list(self.documents.get(holder, ()))
            found += [
                d for group in self.groups.get(holder, ()) for d in self.documents.get(group, ())
            ]
            self._held[holder] = (found, {id(document) for document in found})
        return self._held[holder]

    def deniers(self, holder: str, denies: Callable[[Document], bool]) -> tuple[Document, ...]:
        """The first MAX_DENIERS policies of the holder (a user's groups' included) that deny."""
        cached = self._deniers.get(holder)
        if cached is not None:
            return cached
        found: list[Document] = []
        for document in self.documents.get(holder, ()):
            if len(found) == MAX_DENIERS:
                break
            if denies(document):
                found.append(document)
        for group in self.groups.get(holder, ()):
            found += self.deniers(group, denies)
        unique = tuple({id(d): d for d in found}.values())[:MAX_DENIERS]
        self._deniers[holder] = unique
        return unique

    def shared(
        self, held_by: frozenset[str], denies: Callable[[Document], bool]
    ) -> tuple[Document, ...]:
        """The denying policies every one of the holders holds."""
        cached = self._shared.get(held_by)
        if cached is not None:
            return cached
        first, *others = sorted(held_by)
        common = list(self.deniers(first, denies))
        for holder in others:
            theirs = {id(document) for document in self.deniers(holder, denies)}
            common = [document for document in common if id(document) in theirs]
        self._shared[held_by] = tuple(common)
        return self._shared[held_by]


def shared_deniers(document: Document, denies: Callable[[Document], bool]) -> tuple[Document, ...]:
    """The other policies of the template that every holder of `document` holds, among those
    `denies` (the one test guardlint.documents.iam.denials asks with)."""
    holders, held_by = document.meta.get(_HOLDERS), document.meta.get(_HELD_BY)
    if not isinstance(holders, Holders) or not held_by:
        return ()
    return tuple(d for d in holders.shared(held_by, denies) if d is not document)


def companions(document: Document) -> list[list[Document]]:
    """For each principal surely holding `document` (the first MAX_COMPANIONS), the other
    policies of the template it surely holds (the first MAX_COMPANIONS): IAM evaluates them
    together, so what they grant combines."""
    holders, held_by = document.meta.get(_HOLDERS), document.meta.get(_HELD_BY)
    if not isinstance(holders, Holders) or not held_by:
        return []
    found = []
    for holder in sorted(held_by)[:MAX_COMPANIONS]:
        policies, ids = holders.held(holder)
        if id(document) in ids:
            others = (other for other in policies if other is not document)
            found.append(list(itertools.islice(others, MAX_COMPANIONS)))
    return found


def shared_boundary(document: Document) -> Document | None:
    """The permissions boundary policy every holder of `document` surely has, if one."""
    holders, held_by = document.meta.get(_HOLDERS), document.meta.get(_HELD_BY)
    if not isinstance(holders, Holders) or not held_by:
        return None
    found = {
        id(holders.boundaries.get(holder)): holders.boundaries.get(holder) for holder in held_by
    }
    return next(iter(found.values())) if len(found) == 1 else None


class _Principals:
    """Reads the principals a template's values name."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.by_name: dict[tuple[str, str], str] = {}
        for logical_id, resource in template.resources_of(*_KINDS):
            kind = _KINDS[str(resource.get("Type"))]
            names = template.resolved_strings(
                template.properties(logical_id).get(_NAME_PROPERTY[kind])
            )
            if len(names) == 1:
                self.by_name[kind, names[0]] = f"{kind}:{logical_id}"

    def possible(self, value: Any, certain: bool = True) -> Iterator[tuple[Any, bool]]:
        """Each entry a property may hold (lists flattened, `Fn::If` branches the stack may
        take), and whether it certainly holds it."""
        call = intrinsic(value)
        if call == ("Ref", "AWS::NoValue"):
            return
        if call and call[0] == "Fn::If":
            taken = taken_branches(self.template.condition_values, call[1])
            if taken is not None:
                for branch in taken:
                    yield from self.possible(branch, certain and len(taken) == 1)
                return
        if isinstance(value, list):
            for entry in value:
                yield from self.possible(entry, certain)
            return
        yield value, certain

    def named(self, kind: str, value: Any) -> Iterator[tuple[str | None, bool]]:
        """The principals of `kind` a property value may name (None for one it cannot read),
        each with whether it certainly names it."""
        for entry, certain in self.possible(value):
            call = intrinsic(entry)
            target = call[1] if call and call[0] == "Ref" else None
            if isinstance(target, str) and target in self.template.resources:
                known = _KINDS.get(self.template.resource_type(target)) == kind
                yield (f"{kind}:{target}" if known else None), certain
                continue
            names = self.template.resolved_strings(entry)
            if len(names) == 1:
                yield self.by_name.get((kind, names[0]), f"{kind}-name:{names[0]}"), certain
            else:
                yield None, certain


@dataclass
class _Attachments:
    """Who may hold each policy resource (for its Allows: a Deny must reach all of them), and
    who certainly holds it (for its Denies)."""

    possible: dict[str, set[str | None]] = field(default_factory=dict)
    certain: dict[str, set[str]] = field(default_factory=dict)

    def add(self, policy: str, holder: str | None, certain: bool) -> None:
        self.possible.setdefault(policy, set()).add(holder)
        if certain and holder is not None:
            self.certain.setdefault(policy, set()).add(holder)


def _attachments(
    template: Template, principals: _Principals, managed: ManagedPolicies
) -> _Attachments:
    found = _Attachments()
    for logical_id, resource in template.resources_of(*_ATTACHING):
        properties = template.properties(logical_id)
        for key, kind in _ATTACHING[str(resource.get("Type"))].items():
            if key not in properties:
                continue
            for holder, certain in principals.named(kind, properties[key]):
                found.add(logical_id, holder, certain)
    for logical_id, resource in template.resources_of(*_ATTACHED_BY_ARN):
        resource_type = str(resource.get("Type"))
        holder = f"{_KINDS.get(resource_type, 'self')}:{logical_id}"
        entries = template.properties(logical_id).get(_ATTACHED_BY_ARN[resource_type])
        for entry, certain in principals.possible(entries):
            target = managed.named(entry)
            if target is not None:
                found.add(target, holder, certain)
    return found


def _groups(template: Template, principals: _Principals) -> dict[str, list[str]]:
    """The groups each user certainly is a member of."""
    groups: dict[str, list[str]] = {}
    for logical_id, _ in template.resources_of("AWS::IAM::User"):
        named = principals.named("group", template.properties(logical_id).get("Groups"))
        groups[f"user:{logical_id}"] = [g for g, certain in named if g is not None and certain]
    for logical_id, _ in template.resources_of("AWS::IAM::UserToGroupAddition"):
        properties = template.properties(logical_id)
        named = list(principals.named("group", properties.get("GroupName")))
        (group, certain) = named[0] if len(named) == 1 else (None, False)
        for user, certain_user in principals.named("user", properties.get("Users")):
            if group is not None and certain and user is not None and certain_user:
                groups.setdefault(user, []).append(group)
    return groups


def _boundaries(
    template: Template, principals: _Principals, managed: ManagedPolicies, documents: list[Document]
) -> dict[str, Document]:
    """The permissions boundary each role, user or SAM function surely has: a managed policy of
    the template, surely created, whose one document no condition leaves out."""
    written: dict[str, list[Document]] = {}
    for document in documents:
        if document.meta.get("resource_type") == MANAGED_POLICY:
            written.setdefault(str(document.meta.get("logical_id")), []).append(document)
    known = template.condition_values
    found: dict[str, Document] = {}
    for logical_id, resource in template.resources_of(*_BOUNDED):
        properties = template.properties(logical_id)
        if _BOUNDARY not in properties:
            continue
        entries = list(principals.possible(properties[_BOUNDARY]))
        if len(entries) != 1 or not entries[0][1]:
            continue
        policy = managed.named(entries[0][0])
        policies = written.get(policy or "", [])
        if (
            len(policies) == 1
            and policies[0].meta.get(WRITTEN_FOR_CERTAIN, True)
            and resource_surely_created(known, template.resources.get(policy))
        ):
            found[f"{_KINDS.get(str(resource.get('Type')), 'self')}:{logical_id}"] = policies[0]
    return found


def _boundary_only(
    template: Template,
    principals: _Principals,
    managed: ManagedPolicies,
    documents: list[Document],
    attachments: _Attachments,
) -> set[str]:
    """The managed policies the template names as a permissions boundary and attaches nowhere: a
    boundary grants nothing (IAM User Guide, "Permissions boundaries for IAM entities"), its
    Allows only cap what identity policies grant. Named by a principal's PermissionsBoundary,
    or by a Condition on `iam:PermissionsBoundary` (delegated administration: who may create
    roles must give them this boundary)."""
    unattached = {
        logical_id
        for logical_id, _ in template.resources_of(MANAGED_POLICY)
        if logical_id not in attachments.possible
    }
    if not unattached:
        return set()  # no policy to read the others' Conditions for
    values = [
        entry
        for logical_id, _ in template.resources_of(*_BOUNDED)
        if _BOUNDARY in (properties := template.properties(logical_id))
        for entry, _ in principals.possible(properties[_BOUNDARY])
    ]
    for document in documents:
        if document.meta.get("policy_kind") == IDENTITY:
            values += [
                item.raw
                for statement in policy_of(document).statements
                for condition in statement.conditions
                if condition.key.lower() == _BOUNDARY_KEY
                for item in condition.values
            ]
    return {policy for value in values if (policy := managed.named(value)) in unattached}


def attach_holders(documents: list[Document], template: Template) -> None:
    """Record on each identity policy of a template who holds it (meta _HELD_BY)."""
    if not any(document.meta.get("policy_kind") == IDENTITY for document in documents):
        return  # most templates: no identity policy, whose holders the principals would tell
    principals = _Principals(template)
    managed = ManagedPolicies(template)
    attachments = _attachments(template, principals, managed)
    known = template.condition_values
    boundary_only = _boundary_only(template, principals, managed, documents, attachments)
    holders = Holders(
        groups=_groups(template, principals),
        boundaries=_boundaries(template, principals, managed, documents),
    )
    for document in documents:
        meta = document.meta
        if meta.get("policy_kind") != IDENTITY:
            continue
        logical_id, resource_type = str(meta.get("logical_id")), str(meta.get("resource_type"))
        meta[BOUNDARY_ONLY] = resource_type == MANAGED_POLICY and logical_id in boundary_only
        if resource_type in _SELF_HELD:
            itself = f"{_KINDS.get(resource_type, 'self')}:{logical_id}"
            possible: set[str | None] = {itself}
            certain = {itself}
        else:
            possible = attachments.possible.get(logical_id, set())
            created = resource_surely_created(known, template.resources.get(logical_id))
            certain = attachments.certain.get(logical_id, set()) if created else set()
        if not meta.get(WRITTEN_FOR_CERTAIN, True):
            certain = set()
        meta[_HOLDERS] = holders
        # Held by one it cannot read: what that one's other policies deny is unknown.
        meta[_HELD_BY] = None if None in possible else frozenset(possible)
        for holder in certain:
            holders.documents.setdefault(holder, []).append(document)
