"""Transport security in a bucket policy: a Deny for requests over plain HTTP (IAM008)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.checks.iam.hits import capitalized, policy_hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.intrinsics import intrinsic, referenced_id
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.iam.policy import Policy, Statement, policy_of, policy_scenarios
from guardlint.documents.iam.values import ConditionEntry, Item
from guardlint.knowledge.iam_actions import matches
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import YamlMap

_OBJECT_ACTIONS = ("s3:getobject", "s3:putobject")


def _names_action(items: tuple[Item, ...], key: str) -> bool:
    """Whether an entry names the action; one that cannot be read may."""
    return any(item.text is None or matches(item.text, key) for item in items)


def _covers_objects(deny: Statement, template: Template | None) -> bool:
    """A Deny of object reads and writes (`s3:*`, `*`, or a NotAction naming neither) on
    every object of the bucket (`.../*`, a wildcard, or every resource but a NotResource's);
    what it cannot read it takes to cover them."""
    not_action = deny.items("NotAction")
    for key in _OBJECT_ACTIONS:
        if not_action and all(item.text is not None for item in not_action):
            if _names_action(not_action, key):
                return False
        elif not not_action and not _names_action(deny.actions, key):
            return False
    return "NotResource" in deny.node or any(
        _may_name_objects(item, template) for item in deny.resources
    )


def _holds_for_plain_http(entry: ConditionEntry) -> bool:
    """Whether a test of aws:SecureTransport holds when it is false: a positive operator
    (`Bool`, `BoolIfExists`, `StringEquals` ...) with the value `false`, or one it cannot read.
    A negated operator or `Null` with `false` holds for HTTPS requests instead."""
    base = entry.base_operator.lower()
    return (
        entry.key.lower() == "aws:securetransport"
        and "not" not in base
        and base != "null"
        and any(v.text is None or v.text.strip().lower() == "false" for v in entry.values)
    )


def _denies_plain_http(deny: Statement) -> bool:
    """Whether the Deny's Condition holds for every plain-HTTP request. Every test of a
    Condition must hold for the Deny to apply, so a test of any other key (`unless from our
    VPC endpoint`, `s3:TlsVersion` below 1.2) leaves some plain-HTTP requests allowed."""
    return bool(deny.conditions) and all(_holds_for_plain_http(e) for e in deny.conditions)


# Pseudo parameters whose values hold neither `/` nor `*`.
_PLAIN_PSEUDO_PARAMETERS = ("AWS::Partition", "AWS::AccountId", "AWS::Region", "AWS::URLSuffix")


def _reaches_every_object(text: str) -> bool:
    """Whether a Resource text reaches every object of its bucket: `*`, `bucket/*`, a
    wildcard in the bucket's name (`arn:aws:s3:::b*`, whose `*` takes the `/` too), or a
    `${...}` after the `/` that may be `*`; not a prefix (`bucket/private/*`) nor one object."""
    bucket, slash, key = text.rpartition(":::")[2].partition("/")
    if not slash:
        return "*" in bucket
    return "${" in key or ("*" in key and not key.strip("*?"))


def _may_name_objects(item: Item, template: Template | None) -> bool:
    """Whether a Resource entry may reach every object of the bucket; one it cannot read
    may. A bucket's `GetAtt` is its own ARN and its `Ref` its name, so a `Fn::Join` of those,
    pseudo parameters and text reaches objects only through its text."""
    text = item.template_text
    if text is not None:
        return _reaches_every_object(text)
    call = intrinsic(item.raw)
    separator, joined = "", [item.raw]
    if call and call[0] == "Fn::Join" and isinstance(call[1], list) and len(call[1]) == 2:
        separator, joined = call[1]
    if not isinstance(separator, str) or not isinstance(joined, list):
        return True
    pieces = []
    for part in joined:
        if isinstance(part, str):
            pieces.append(part)
        elif _names_bucket_plainly(part, template):
            pieces.append("name")  # any text without `/` or `*`
        else:
            return True
    return _reaches_every_object(separator.join(pieces))


def _names_bucket_plainly(part: Any, template: Template | None) -> bool:
    """A `Ref` or `GetAtt ... Arn` of a bucket of the template, or a pseudo parameter: text
    with neither `/` nor `*`."""
    call = intrinsic(part)
    if call is None or call[0] not in ("Ref", "Fn::GetAtt") or template is None:
        return False
    name, argument = call
    if name == "Ref" and argument in _PLAIN_PSEUDO_PARAMETERS:
        return True
    target = referenced_id(part)
    name_or_arn = name == "Ref" or argument in (f"{target}.Arn", [target, "Arn"])
    return bool(name_or_arn and target and template.resource_type(target) == "AWS::S3::Bucket")


@check("IAM008")
def insecure_transport(document: Document, rule: Rule) -> Iterator[Hit]:
    """S3 bucket policies without a Deny for `aws:SecureTransport` false, in some deployment
    of the template (a Deny that one branch of a condition writes protects only that one)."""
    policy = policy_of(document)
    if not policy.is_bucket_policy or not policy.statements:
        return
    template = document.meta.get("template")
    template = template if isinstance(template, Template) else None
    if not any(_allows_plain_http(each, template) for each in policy_scenarios(document)):
        return
    data = policy.data
    region = data.key_region("Statement") if isinstance(data, YamlMap) else Region(1)
    yield policy_hit(
        policy,
        None,
        f"{capitalized(policy.where())} (an S3 bucket policy) has no Deny for requests with "
        "`aws:SecureTransport` false, so objects can be read and written over plain HTTP.",
        region,
    )


def _allows_plain_http(policy: Policy, template: Template | None) -> bool:
    """Whether no Deny of the policy (as one deployment writes it) refuses plain HTTP for
    everyone on every object. A statement whose Effect could not be resolved may be the Deny:
    never report on it. A Deny for one role leaves everyone else free to use plain HTTP."""
    denies = [s for s in policy.statements if s.effect != "Allow" and s.may_name_everyone]
    if any(not s.conditions_known for s in denies):
        return False
    return not any(_denies_plain_http(s) and _covers_objects(s, template) for s in denies)
