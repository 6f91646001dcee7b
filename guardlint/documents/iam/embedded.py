"""The IAM policies embedded in a CloudFormation/SAM template, each an `iam-policy` document of
its own (a derived document: guardlint.documents.registry), with the resource and property it
sits in, the policy's kind (identity, resource or trust) and the template to resolve its
intrinsics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.conditions import resource_never_created, undecided
from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.documents.cloudformation.resources import construct_path, resource_label, template_of
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import map_values, may_be_missing
from guardlint.documents.iam.denials import COVERING_BUDGET
from guardlint.documents.iam.holders import WRITTEN_FOR_CERTAIN, attach_holders
from guardlint.documents.iam.policy import COMPLEMENT_BUDGET, PUBLIC_ACCESS_BLOCKS, Policy
from guardlint.documents.iam.policy_properties import (
    DOCUMENT,
    EMBEDDED_POLICY_PROPERTIES,
    NEVER_PUBLIC,
    PERMISSION,
    PERMISSION_POLICY,
    SAM_POLICIES,
    STATEMENT,
    VPC_ONLY_PROPERTY,
    WRAPPED_DOCUMENT,
)
from guardlint.documents.iam.policy_text import policies_in_text
from guardlint.documents.iam.sam_templates import WRITTEN_BY_SAM, template_policy
from guardlint.documents.iam.values import branches
from guardlint.model.documents import ONE_PLACE, Document, Region
from guardlint.parse.located import YamlMap, region_of
from guardlint.parse.scalars import truth

# SAM resources whose policies make the execution role SAM creates unless given a Role.
_SAM_ROLE_MAKERS = frozenset({"AWS::Serverless::Function", "AWS::Serverless::StateMachine"})


@dataclass
class _Found:
    """A policy found in a template: its data and the property that holds it."""

    data: YamlMap
    property_path: str
    policy_name: str | None = None
    certain: bool = True  # no template condition may leave it out
    sam_template: str | None = None  # the SAM policy template that wrote it
    one_place: Region | None = None  # where all of it sits, if it keeps no lines (ONE_PLACE)


def embedded_policies(template: Document) -> Iterator[Document]:
    """Every IAM policy inside a CloudFormation/SAM template, as an `iam-policy` document."""
    evaluator = template_of(template)  # the one the template's own checks use
    complemented = [0]  # shared by the template's policies (MAX_COMPLEMENTED)
    covering = [0]  # and so is this count (MAX_COVERING_DENIES)
    documents: list[Document] = []
    for logical_id, resource in evaluator.resources_of(*EMBEDDED_POLICY_PROPERTIES):
        if resource_never_created(evaluator.condition_values, resource):
            continue  # its Condition is always false
        resource_type = str(resource.get("Type"))
        properties = evaluator.properties(logical_id)
        if resource_type in _SAM_ROLE_MAKERS and not may_be_missing(evaluator, properties, "Role"):
            continue  # SAM makes no role of its Policies and trust policy: it has its own Role
        for key, shape, kind in EMBEDDED_POLICY_PROPERTIES[resource_type]:
            for path, holder, name in _held_at(properties, key):
                text = _Text(holder.value_region(name), template.lines, evaluator)
                value = properties if shape == PERMISSION else holder[name]
                if shape == PERMISSION:
                    path = PERMISSION_POLICY[resource_type]
                for found in _policies_in(value, path, shape, text):
                    meta = {
                        "resource": resource_label(
                            resource_type, logical_id, construct_path(template, logical_id)
                        ),
                        "policy_kind": kind,
                        "resource_type": resource_type,
                        "logical_id": logical_id,
                        "property": found.property_path,
                        "policy_name": found.policy_name,
                        "template": evaluator,
                        # The resource takes no public request whatever its policy says.
                        "closed_to_public": _closed_to_public(evaluator, resource_type, properties),
                        PUBLIC_ACCESS_BLOCKS: _public_access_blocks(
                            evaluator, resource_type, properties
                        ),
                        COMPLEMENT_BUDGET: complemented,
                        COVERING_BUDGET: covering,
                        WRITTEN_FOR_CERTAIN: found.certain,
                        WRITTEN_BY_SAM: found.sam_template,
                        ONE_PLACE: found.one_place,
                    }
                    documents.append(template.derived("iam-policy", found.data, meta))
    # A principal's policies are evaluated together: each learns who holds it.
    attach_holders(documents, evaluator)
    yield from documents


def _held_at(properties: YamlMap, key: str) -> Iterator[tuple[str, YamlMap, str]]:
    """(its path, the map holding it, its name) for each value a property key names: a dotted
    path names one inside maps (`StreamSpecification.ResourcePolicy`), and a `[]` after a
    component each entry of the list it holds (`Replicas[].ResourcePolicy`). Only maps and
    lists written as such are followed: one an intrinsic makes is none of the resource's."""
    *outer, name = key.split(".")
    holders = [("", properties)]
    for component in outer:
        inner, each = component.removesuffix("[]"), component.endswith("[]")
        found = []
        for path, holder in holders:
            value = holder.get(inner)
            entries = enumerate(value) if each and isinstance(value, list) else ()
            found.extend(
                (f"{path}{inner}[{index}].", entry)
                for index, entry in entries
                if isinstance(entry, YamlMap) and not intrinsic(entry)
            )
            if not each and isinstance(value, YamlMap) and not intrinsic(value):
                found.append((f"{path}{inner}.", value))
        holders = found
    return ((f"{path}{name}", holder, name) for path, holder in holders if name in holder)


def _closed_to_public(evaluator: Template, resource_type: str, properties: Any) -> bool:
    """A resource policy no public request reaches: one placed in a VPC, an Object Lambda
    Access Point's, or an access point's or Multi-Region Access Point's (its own, or the one of
    the template its MrapName `Ref`s) whose creation keeps AWS's default public access block,
    all four settings on."""
    if resource_type in NEVER_PUBLIC or VPC_ONLY_PROPERTY.get(resource_type, "") in properties:
        return True
    point = _access_point(evaluator, resource_type, properties)
    return point is not None and point.get("PublicAccessBlockConfiguration") is None


def _access_point(evaluator: Template, resource_type: str, properties: Any) -> Any:
    """The properties of the access point a policy belongs to, when the template creates it."""
    if resource_type == "AWS::S3::AccessPoint":
        return properties
    if resource_type == "AWS::S3::MultiRegionAccessPointPolicy":
        return _referenced(evaluator, properties.get("MrapName"), "AWS::S3::MultiRegionAccessPoint")
    return None


def _referenced(evaluator: Template, value: Any, resource_type: str) -> Any:
    """The properties of the template's resource of that type a value `Ref`s, else None."""
    call = intrinsic(value)
    name = call[1] if call and call[0] == "Ref" and isinstance(call[1], str) else None
    if name is None or evaluator.resource_type(name) != resource_type:
        return None
    return evaluator.properties(name)


def _public_access_blocks(evaluator: Template, resource_type: str, properties: Any) -> list:
    """The public access blocks S3 applies to a bucket or (Multi-Region) access point policy's
    requests, any of which may refuse a public one: an access point's own (AWS enables all four
    settings on an access point unless its creation disables them: closed_to_public) and that
    of the bucket its or a bucket policy's Bucket `Ref`s in the template."""
    point = _access_point(evaluator, resource_type, properties)
    blocks = [] if point is None else [point.get("PublicAccessBlockConfiguration")]
    if resource_type in ("AWS::S3::AccessPoint", "AWS::S3::BucketPolicy"):
        bucket = _referenced(evaluator, properties.get("Bucket"), "AWS::S3::Bucket")
        blocks.append(None if bucket is None else bucket.get("PublicAccessBlockConfiguration"))
    return [block for block in blocks if block is not None]


def closed_to_public(policy: Policy) -> bool:
    """A resource that takes no public request whatever the policy says: one reached only
    from a VPC, or a bucket or access point whose public access block sets
    RestrictPublicBuckets true in the deployment the policy stands for (policy_scenarios
    branches on the blocks' conditions too). S3 then limits the access a public policy
    grants to AWS services and users of the owner's account (API
    PublicAccessBlockConfiguration), and a request through an access point is refused when
    its own or its bucket's settings block it."""
    meta = policy.document.meta
    view = policy.reader.template
    return bool(meta.get("closed_to_public")) or (
        view is not None
        and any(_restricts(view, block) for block in meta.get(PUBLIC_ACCESS_BLOCKS, ()))
    )


def _restricts(evaluator: Template, blocks: Any) -> bool:
    """Whether a PublicAccessBlockConfiguration (each Fn::If branch) sets RestrictPublicBuckets
    to a value that resolves true in every deployment."""
    maps = map_values(evaluator, blocks)
    return bool(maps) and all(
        isinstance(block, dict)
        and "RestrictPublicBuckets" in block
        and all(
            truth(value) is True
            for value in evaluator.possible_values(block["RestrictPublicBuckets"])
        )
        for block in maps
    )


@dataclass
class _Text:
    """What reading a policy written as JSON text needs: where the property's value sits, the
    template's lines and its evaluator."""

    region: Region
    lines: list[str]
    evaluator: Template

    def documents(
        self, value: Any, region: Region | None
    ) -> Iterator[tuple[YamlMap, Region | None]]:
        """`value` when it is a policy document (a map: one without a Statement is still
        the property's policy, malformed), or the one its JSON text writes; each with the one
        region all of it sits at when it keeps no lines of its own."""
        if isinstance(value, YamlMap) and not intrinsic(value):
            yield value, None
        else:
            yield from policies_in_text(value, region or self.region, self.lines, self.evaluator)


# Permission properties that become Conditions of its statement (the function's or layer
# version's resource policy AWS writes from them).
_PERMISSION_CONDITIONS = (
    ("SourceArn", "ArnLike", "aws:SourceArn"),
    ("SourceAccount", "StringEquals", "aws:SourceAccount"),
    ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
    ("OrganizationId", "StringEquals", "aws:PrincipalOrgID"),  # a layer version's
)


def _copy(target: YamlMap, key: str, properties: YamlMap, source: str) -> None:
    target[key] = properties[source]
    target.key_regions[key] = properties.key_region(source)
    target.value_regions[key] = properties.value_region(source)


def permission_policy(properties: YamlMap) -> YamlMap:
    """The one-statement resource policy a permission resource adds to its function, layer
    version or event bus."""
    statement = YamlMap(properties.key_region("Principal"))
    statement["Effect"] = "Allow"
    for key, source in (
        ("Principal", "Principal"),
        ("Action", "Action"),
        ("Resource", "FunctionName"),
        ("Resource", "LayerVersionArn"),
    ):
        if source in properties:
            _copy(statement, key, properties, source)
    condition = YamlMap(statement.region)
    for source, operator, key in _PERMISSION_CONDITIONS:
        if source in properties:
            tests = condition.setdefault(operator, YamlMap(properties.key_region(source)))
            _copy(tests, key, properties, source)
    bus_condition = properties.get("Condition")  # an event bus's {Type, Key, Value}
    if isinstance(bus_condition, YamlMap):
        operator, key = bus_condition.get("Type"), bus_condition.get("Key")
        if isinstance(operator, str) and isinstance(key, str) and "Value" in bus_condition:
            tests = condition.setdefault(operator, YamlMap(bus_condition.region))
            _copy(tests, key, bus_condition, "Value")
    if condition:
        statement["Condition"] = condition
    return _document_of(statement)


def _document_of(statement: YamlMap) -> YamlMap:
    document = YamlMap(statement.region)
    document["Version"] = "2012-10-17"
    document["Statement"] = statement
    return document


def _chosen(known: dict[str, bool | None], value: Any) -> bool:
    """Whether an `Fn::If` of a condition not known statically chooses the value itself."""
    return intrinsic(value) is not None and undecided(known, value)


def _policies_in(value: Any, path: str, shape: str, text: _Text) -> Iterator[_Found]:
    """Policy documents in a property, through the `Fn::If` branches the stack may take."""
    if shape == PERMISSION:
        yield _Found(permission_policy(value), path)
        return
    if shape == STATEMENT:
        if isinstance(value, YamlMap) and not intrinsic(value):
            yield _Found(_document_of(value), path)
        return
    known = text.evaluator.condition_values
    certain = not _chosen(known, value)
    for branch in branches(value, known):
        if shape == DOCUMENT:
            documents = list(text.documents(branch, region_of(branch)))
            for document, one_place in documents:
                alone = len(documents) == 1
                yield _Found(document, path, certain=certain and alone, one_place=one_place)
        elif isinstance(branch, list):
            for index, entry in enumerate(branch):
                yield from _policy_entry(entry, f"{path}[{index}]", shape, text, certain)
        elif shape in (SAM_POLICIES, WRAPPED_DOCUMENT):
            yield from _policy_entry(branch, path, shape, text, certain)


def _policy_entry(
    entry: Any, path: str, shape: str, text: _Text, certain: bool
) -> Iterator[_Found]:
    known = text.evaluator.condition_values
    certain = certain and not _chosen(known, entry)
    for branch in branches(entry, known):
        if shape == SAM_POLICIES:
            # A SAM entry is a managed policy name, a policy template ({S3ReadPolicy: ...}),
            # or an inline policy document: the last two are policies to check.
            if _is_policy_document(branch):
                yield _Found(branch, path, certain=certain)
            elif made := template_policy(branch):
                name, policy = made
                yield _Found(policy, path, name, certain=certain, sam_template=name)
        elif isinstance(branch, dict) and not intrinsic(branch):
            document = branch.get("PolicyDocument")
            names = text.evaluator.resolved_strings(branch.get("PolicyName"))
            region = branch.value_region("PolicyDocument") if isinstance(branch, YamlMap) else None
            surely = certain and not _chosen(known, document)
            for inner in branches(document, known):
                parsed_documents = list(text.documents(inner, region_of(inner) or region))
                for parsed, one_place in parsed_documents:
                    name = names[0] if len(names) == 1 else None
                    yield _Found(
                        parsed,
                        f"{path}.PolicyDocument",
                        name,
                        certain=surely and len(parsed_documents) == 1,
                        one_place=one_place,
                    )


def _is_policy_document(value: Any) -> bool:
    return isinstance(value, YamlMap) and not intrinsic(value) and "Statement" in value
