"""Encryption keys of CloudFormation templates: KMS keys without automatic rotation."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.cloudformation.hits import scenario_hits, unless_enabled
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.resources import Resource
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.cloudformation.values import may_equal
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


@check("CFN021")
def kms_rotation(document: Document, rule: Rule) -> Iterator[Hit]:
    """Symmetric encryption keys whose material AWS KMS generates, without EnableKeyRotation
    (KMS rotates no other key: imported material is replaced by hand)."""
    read = ("KeySpec", "KeyUsage", "Origin", "EnableKeyRotation")
    yield from scenario_hits(document, ("AWS::KMS::Key",), read, _rotation)


def _rotation(template: Template, key: Resource) -> Iterator[Hit]:
    spec = key.props.get("KeySpec", key.props.get("KeyUsage"))
    symmetric = spec is None or may_equal(template, spec, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    if not symmetric or may_equal(template, key.props.get("KeyUsage"), "GENERATE_VERIFY_MAC"):
        return
    if may_equal(template, key.props.get("Origin"), "EXTERNAL"):
        return
    yield from unless_enabled(
        template,
        key,
        "EnableKeyRotation",
        f"KMS key {key.logical_id} does not enable automatic key rotation "
        "(EnableKeyRotation): a leaked key version stays valid indefinitely.",
    )
