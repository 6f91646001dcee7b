"""SARIF 2.1.0, shaped for GitHub code scanning and IDE viewers (see spec/findings.md).

The log is built from sarif-om's classes and serialized by their schema property names.
Property bags are plain dicts (sarif-om's PropertyBag only models `tags`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as sarif

from guardlint import INFORMATION_URI, __version__
from guardlint.engine.scan import ScanResult
from guardlint.model import FINDING_TYPES, Finding, Rule, Severity
from guardlint.report.encode import to_json
from guardlint.report.ruledoc import rule_markdown, rule_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
CATEGORY_TAXONOMY = "GuardDuty-style finding types"
FINDING_TYPE_TAXONOMY = "Inspector-style finding types"
FINGERPRINT_KEY = "guardlint/v1"
AUTOMATION_ID = "guardlint/"


def _to_json(value: Any) -> Any:
    """sarif-om objects to JSON-ready data, leaving out unset fields and SARIF defaults."""
    fields = _sarif_fields(type(value))
    if fields is not None:
        data = {}
        for name, json_name, default in fields:
            item = getattr(value, name)
            if item is None or (item == default and name != "level"):
                continue
            data[json_name] = _to_json(item)
        return data
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    return value


@functools.cache
def _sarif_fields(kind: type) -> tuple[tuple[str, str, Any], ...] | None:
    """(attribute, SARIF property, default) of a sarif-om class; None for other types."""
    if not attr.has(kind):
        return None
    fields = []
    for field in attr.fields(kind):
        default = field.default
        if isinstance(default, attr.Factory):  # type: ignore[arg-type]
            default = default.factory()  # only compared with, never handed out
        fields.append((field.name, field.metadata["schema_property_name"], default))
    return tuple(fields)


def _descriptor(
    rule: Rule, severity: Severity, descriptor_id: str, base_index: int | None = None
) -> sarif.ReportingDescriptor:
    """The rule's descriptor at one severity; a variant's (`base_index` set) points at the rule's.

    GitHub shows an alert's security severity from its descriptor, never from the result, so a
    result whose severity differs from its rule's gets a descriptor of its own (`IAM010/low`).
    """
    tags = ["security", rule.pack, rule.threat_purpose, *rule.cwe]
    relationships = None
    if base_index is not None:
        relationships = [
            sarif.ReportingDescriptorRelationship(
                target=sarif.ReportingDescriptorReference(id=rule.id, index=base_index),
                kinds=["subset"],
                description=sarif.Message(
                    text=f"{rule.id}'s findings of {severity.label} severity."
                ),
            )
        ]
    return sarif.ReportingDescriptor(
        id=descriptor_id,
        name=rule.name,
        short_description=sarif.MultiformatMessageString(text=rule.title),
        full_description=sarif.MultiformatMessageString(text=rule.description),
        help=sarif.MultiformatMessageString(text=rule_text(rule), markdown=rule_markdown(rule)),
        help_uri=f"{INFORMATION_URI}/blob/main/docs/rules.md#{rule.id.lower()}",
        default_configuration=sarif.ReportingConfiguration(level=severity.sarif_level),
        relationships=relationships,
        properties={
            "tags": list(dict.fromkeys(tags)),
            "security-severity": f"{rule.score_for(severity):.1f}",
            "precision": rule.precision,
            "category": rule.category,
            "findingType": rule.finding_type,
        },
    )


def _descriptors(
    rules: list[Rule], findings: list[Finding]
) -> tuple[list[sarif.ReportingDescriptor], dict[tuple[str, Severity], tuple[str, int]]]:
    """Every rule's descriptor, then one per (rule, severity) its findings have beside the
    rule's own; and (rule ID, severity) -> the descriptor's (id, index) a result points at."""
    descriptors = [_descriptor(rule, rule.severity, rule.id) for rule in rules]
    refs = {(rule.id, rule.severity): (rule.id, index) for index, rule in enumerate(rules)}
    by_id = {rule.id: (index, rule) for index, rule in enumerate(rules)}
    variants = {(f.rule_id, f.severity) for f in findings} - refs.keys()
    for rule_id, severity in sorted(variants, key=lambda key: (by_id[key[0]][0], -key[1])):
        base_index, rule = by_id[rule_id]
        variant_id = f"{rule_id}/{severity.label}"
        refs[rule_id, severity] = (variant_id, len(descriptors))
        descriptors.append(_descriptor(rule, severity, variant_id, base_index))
    return descriptors, refs


def _taxonomies(categories: list[str]) -> list[sarif.ToolComponent]:
    guardduty = sarif.ToolComponent(
        name=CATEGORY_TAXONOMY,
        short_description=sarif.MultiformatMessageString(
            text="GuardDuty-style finding types: ThreatPurpose:ResourceType/ThreatFamilyName."
        ),
        taxa=[
            sarif.ReportingDescriptor(
                id=category, short_description=sarif.MultiformatMessageString(text=category)
            )
            for category in categories
        ],
    )
    inspector = sarif.ToolComponent(
        name=FINDING_TYPE_TAXONOMY,
        short_description=sarif.MultiformatMessageString(
            text="Amazon Inspector-style finding types."
        ),
        taxa=[
            sarif.ReportingDescriptor(
                id=name, short_description=sarif.MultiformatMessageString(text=text)
            )
            for name, text in FINDING_TYPES.items()
        ],
    )
    return [guardduty, inspector]


def _region(finding: Finding) -> sarif.Region:
    region = finding.region
    return sarif.Region(
        start_line=region.start_line,
        start_column=region.start_column,
        end_line=region.end_line,
        end_column=region.end_column,
        snippet=sarif.ArtifactContent(text=finding.snippet) if finding.snippet else None,
    )


def _related(finding: Finding) -> list[sarif.Location] | None:
    """Where the program that generated the file defines the finding's resource (a CDK app)."""
    if not finding.related_locations:
        return None
    return [
        sarif.Location(
            id=index,
            physical_location=sarif.PhysicalLocation(
                artifact_location=sarif.ArtifactLocation(
                    uri=_relative_uri(related.path), uri_base_id=SRCROOT
                ),
                region=sarif.Region(
                    start_line=related.region.start_line,
                    start_column=related.region.start_column,
                ),
            ),
            message=sarif.Message(text=related.message),
        )
        for index, related in enumerate(finding.related_locations, 1)
    ]


def _result(
    finding: Finding, rule: tuple[str, int], category_index: int, type_index: int
) -> sarif.Result:
    properties = {
        "severity": finding.severity.label,
        "score": finding.score,
        "category": finding.category,
        "findingType": finding.finding_type,
        "resource": finding.resource,
        **finding.properties,
    }
    suppressions = None
    if finding.suppression is not None:
        suppressions = [
            sarif.Suppression(
                kind=finding.suppression.kind,
                justification=finding.suppression.justification or None,
            )
        ]
    return sarif.Result(
        rule_id=rule[0],
        rule_index=rule[1],
        level=finding.severity.sarif_level,
        message=sarif.Message(text=finding.message),
        locations=[
            sarif.Location(
                physical_location=sarif.PhysicalLocation(
                    artifact_location=sarif.ArtifactLocation(
                        uri=_relative_uri(finding.path), uri_base_id=SRCROOT
                    ),
                    region=_region(finding),
                )
            )
        ],
        related_locations=_related(finding),
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        taxa=[
            sarif.ReportingDescriptorReference(
                id=finding.category,
                index=category_index,
                tool_component=sarif.ToolComponentReference(name=CATEGORY_TAXONOMY, index=0),
            ),
            sarif.ReportingDescriptorReference(
                id=finding.finding_type,
                index=type_index,
                tool_component=sarif.ToolComponentReference(name=FINDING_TYPE_TAXONOMY, index=1),
            ),
        ],
        suppressions=suppressions,
        properties=properties,
    )


def _relative_uri(path: str) -> str:
    """A relative path as a URI reference: `sp ace/#1.yaml` -> `sp%20ace/%231.yaml`."""
    return quote(path, safe="/")


def _root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def build_log(result: Any, all_rules: bool = False) -> dict[str, Any]:
    findings: list[Finding] = result.findings
    used = {f.rule_id for f in findings}
    rules = [r for r in result.rules if all_rules or r.id in used]
    descriptors, descriptor_refs = _descriptors(rules, findings)
    categories = sorted({r.category for r in rules})
    category_index = {category: index for index, category in enumerate(categories)}
    type_index = {name: index for index, name in enumerate(FINDING_TYPES)}
    run = sarif.Run(
        tool=sarif.Tool(
            driver=sarif.ToolComponent(
                name="guardlint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=descriptors,
            )
        ),
        taxonomies=_taxonomies(categories),
        automation_details=sarif.RunAutomationDetails(id=AUTOMATION_ID),
        original_uri_base_ids={SRCROOT: sarif.ArtifactLocation(uri=_root_uri(result.root))},
        column_kind="unicodeCodePoints",
        results=[
            _result(
                f,
                descriptor_refs[f.rule_id, f.severity],
                category_index[f.category],
                type_index[f.finding_type],
            )
            for f in findings
        ],
    )
    log = sarif.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    return _to_json(log)


def render(result: ScanResult, all_rules: bool = False, **_: Any) -> str:
    return to_json(build_log(result, all_rules))
