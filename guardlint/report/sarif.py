"""SARIF 2.1.0, shaped for GitHub code scanning and IDE viewers (see spec/findings.md).

The log is written against sarif-om's classes: each node is the JSON data of one of them, with
the class's fields under their schema property names (`_node`), built directly as data rather
than as objects converted one by one. Property bags are plain dicts (sarif-om's PropertyBag
only models `tags`).
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
from guardlint.model.findings import Finding
from guardlint.model.rules import FINDING_TYPES, Rule, Severity
from guardlint.report import sarif_limits
from guardlint.report.encode import to_json
from guardlint.report.markup import link_free
from guardlint.report.ruledoc import rule_markdown, rule_text
from guardlint.report.sarif_names import (
    AUTOMATION_ID,
    CATEGORY_TAXONOMY,
    FINDING_TYPE_TAXONOMY,
    FINGERPRINT_KEY,
    SCHEMA_URI,
    SHARED_FILES,
    SRCROOT,
)


# A message may embed links to related locations or any URI (SARIF 2.1.0, 3.11.6), which
# viewers draw: scanned text quoted in one, and a custom pack's, links nowhere (link_free).
def _message(text: str) -> dict[str, Any]:
    return _node(sarif.Message, text=link_free(text))


def _node(model: type, /, **values: Any) -> dict[str, Any]:
    """The JSON data of sarif-om's class `model` with these field values, without building the
    object (a log has hundreds of thousands): fields in the class's order under their SARIF
    names, unset fields and SARIF defaults left out. A field the class lacks is a KeyError."""
    data = {}
    for name, json_name, default in _given_fields(model, tuple(values)):
        value = values[name]
        if value is None or (value == default and name != "level"):
            continue
        data[json_name] = value
    return data


@functools.cache
def _given_fields(kind: type, names: tuple[str, ...]) -> tuple[tuple[str, str, Any], ...]:
    """The fields of `_sarif_fields` a node sets, in the class's order, for each class and the
    names its call site gives (a few: a Result's class has some thirty fields, each walked for
    each of a log's tens of thousands of results)."""
    fields = _sarif_fields(kind)
    unknown = set(names) - {name for name, _, _ in fields}
    if unknown:
        raise KeyError(f"{kind.__name__} has no field {sorted(unknown)}")
    return tuple(field for field in fields if field[0] in names)


@functools.cache
def _sarif_fields(kind: type) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, SARIF property, default) of a sarif-om class."""
    fields = []
    for field in attr.fields(kind):
        default = field.default
        if isinstance(default, attr.Factory):  # type: ignore[arg-type]
            default = default.factory()  # only compared with, never handed out
        fields.append((field.name, field.metadata["schema_property_name"], default))
    return tuple(fields)


def _descriptor(
    rule: Rule, severity: Severity, descriptor_id: str, base_index: int | None = None
) -> dict[str, Any]:
    """The rule's descriptor at one severity; a variant's (`base_index` set) points at the rule's.

    GitHub shows an alert's security severity from its descriptor, never from the result, so a
    result whose severity differs from its rule's gets a descriptor of its own (`IAM010/low`).
    """
    tags = ["security", rule.pack, rule.threat_purpose, *rule.cwe]
    # A custom pack's text is data, linking nowhere (escaped, then cut to a limit); ours links.
    plain = link_free if rule.custom else str
    relationships = None
    if base_index is not None:
        relationships = [
            _node(
                sarif.ReportingDescriptorRelationship,
                target=_node(sarif.ReportingDescriptorReference, id=rule.id, index=base_index),
                kinds=["subset"],
                description=_node(
                    sarif.Message, text=f"{rule.id}'s findings of {severity.label} severity."
                ),
            )
        ]
    return _node(
        sarif.ReportingDescriptor,
        id=descriptor_id,
        name=sarif_limits.rule_name(rule.name),
        short_description=_node(
            sarif.MultiformatMessageString, text=sarif_limits.description(plain(rule.title))
        ),
        full_description=_node(
            sarif.MultiformatMessageString, text=sarif_limits.description(plain(rule.description))
        ),
        help=_node(
            sarif.MultiformatMessageString,
            text=plain(rule_text(rule)),
            markdown=rule_markdown(rule),
        ),
        help_uri=f"{INFORMATION_URI}/blob/main/docs/rules.md#{rule.id.lower()}",
        default_configuration=_node(sarif.ReportingConfiguration, level=severity.sarif_level),
        relationships=relationships,
        properties={
            "tags": sarif_limits.tags(tags),
            "security-severity": f"{rule.score_for(severity):.1f}",
            "precision": rule.precision,
            "category": rule.category,
            "findingType": rule.finding_type,
        },
    )


def _descriptors(
    rules: list[Rule], findings: list[Finding]
) -> tuple[list[dict[str, Any]], dict[tuple[str, Severity], tuple[str, int]]]:
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


def _taxonomies(categories: list[str]) -> list[dict[str, Any]]:
    guardduty = _node(
        sarif.ToolComponent,
        name=CATEGORY_TAXONOMY,
        short_description=_node(
            sarif.MultiformatMessageString,
            text="GuardDuty-style finding types: ThreatPurpose:ResourceType/ThreatFamilyName.",
        ),
        taxa=[
            _node(
                sarif.ReportingDescriptor,
                id=category,
                short_description=_node(sarif.MultiformatMessageString, text=category),
            )
            for category in categories
        ],
    )
    inspector = _node(
        sarif.ToolComponent,
        name=FINDING_TYPE_TAXONOMY,
        short_description=_node(
            sarif.MultiformatMessageString, text="Amazon Inspector-style finding types."
        ),
        taxa=[
            _node(
                sarif.ReportingDescriptor,
                id=name,
                short_description=_node(sarif.MultiformatMessageString, text=text),
            )
            for name, text in FINDING_TYPES.items()
        ],
    )
    return [guardduty, inspector]


def _region(finding: Finding) -> dict[str, Any]:
    """The Region node of a result, as `_node` would make it, written out: a log has one per
    result, and each `_node` call walks its class's fields (half the time of writing a log).
    tests/test_sarif.py checks it against `_node`'s."""
    region = finding.region
    node: dict[str, Any] = {}
    if region.end_column is not None:
        node["endColumn"] = region.end_column
    if region.end_line is not None:
        node["endLine"] = region.end_line
    if finding.snippet:
        node["snippet"] = {"text": finding.snippet}
    node["startColumn"] = region.start_column
    node["startLine"] = region.start_line
    return node


def _location(path: str, region: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Where a region of `path` is."""
    return _node(
        sarif.Location,
        physical_location=_node(
            sarif.PhysicalLocation, artifact_location=_artifact(path), region=region
        ),
        **values,
    )


def _artifact(path: str) -> dict[str, Any]:
    return _node(sarif.ArtifactLocation, uri=_relative_uri(path), uri_base_id=SRCROOT)


def _related(finding: Finding) -> list[dict[str, Any]] | None:
    """Where the program that generated the file defines the finding's resource (a CDK app)."""
    if not finding.related_locations:
        return None
    return [
        _location(
            related.path,
            _node(
                sarif.Region,
                start_line=related.region.start_line,
                start_column=related.region.start_column,
            ),
            id=index,
            message=_message(related.message),
        )
        for index, related in enumerate(finding.related_locations, 1)
    ]


class _Shared:
    """The parts of a log's results that many are the same, made once for the log: a file's
    artifact location and a category's and finding type's taxa (a file of tens of thousands
    of secrets, each a result)."""

    def __init__(self, category_index: dict[str, int], type_index: dict[str, int]) -> None:
        self._category_index, self._type_index = category_index, type_index
        self._artifacts: dict[str, dict[str, Any]] = {}
        self._taxa: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def artifact(self, path: str) -> dict[str, Any]:
        if path not in self._artifacts:
            self._artifacts[path] = _artifact(path)
        return self._artifacts[path]

    def taxa(self, category: str, finding_type: str) -> list[dict[str, Any]]:
        key = (category, finding_type)
        if key not in self._taxa:
            self._taxa[key] = _taxa(
                category,
                self._category_index[category],
                finding_type,
                self._type_index[finding_type],
            )
        return self._taxa[key]


def _taxa(category: str, category_index: int, finding_type: str, type_index: int) -> list[Any]:
    return [
        _node(
            sarif.ReportingDescriptorReference,
            id=category,
            index=category_index,
            tool_component=_node(sarif.ToolComponentReference, name=CATEGORY_TAXONOMY, index=0),
        ),
        _node(
            sarif.ReportingDescriptorReference,
            id=finding_type,
            index=type_index,
            tool_component=_node(sarif.ToolComponentReference, name=FINDING_TYPE_TAXONOMY, index=1),
        ),
    ]


def _result(finding: Finding, rule: tuple[str, int], shared: _Shared) -> dict[str, Any]:
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
            _node(
                sarif.Suppression,
                kind=finding.suppression.kind,
                justification=finding.suppression.justification or None,
            )
        ]
    # A Result node as `_node` would make it (its fields in sarif-om's order, the unset left
    # out), written out as `_region` is.
    physical = {"artifactLocation": shared.artifact(finding.path), "region": _region(finding)}
    node: dict[str, Any] = {
        "message": {"text": link_free(finding.message)},
        "level": finding.severity.sarif_level,
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }
    if finding.related_locations:
        node["relatedLocations"] = _related(finding)
    node["ruleId"], node["ruleIndex"] = rule
    if suppressions:
        node["suppressions"] = suppressions
    node["taxa"] = shared.taxa(finding.category, finding.finding_type)
    return node


def _relative_uri(path: str) -> str:
    """A relative path as a URI reference: `sp ace/#1.yaml` -> `sp%20ace/%231.yaml`."""
    return quote(path, safe="/")


def _root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def build_log(result: Any, all_rules: bool = False) -> dict[str, Any]:
    findings: list[Finding] = result.findings
    rules = sarif_limits.described_rules(result.rules, findings, all_rules)
    descriptors, descriptor_refs = _descriptors(rules, findings)
    categories = sorted({r.category for r in rules})
    category_index = {category: index for index, category in enumerate(categories)}
    type_index = {name: index for index, name in enumerate(FINDING_TYPES)}
    shared = _Shared(category_index, type_index)
    run = _node(
        sarif.Run,
        tool=_node(
            sarif.Tool,
            driver=_node(
                sarif.ToolComponent,
                name="guardlint",
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=descriptors,
            ),
        ),
        taxonomies=_taxonomies(categories),
        automation_details=_node(sarif.RunAutomationDetails, id=AUTOMATION_ID),
        original_uri_base_ids={SRCROOT: _node(sarif.ArtifactLocation, uri=_root_uri(result.root))},
        column_kind="unicodeCodePoints",
        results=[_result(f, descriptor_refs[f.rule_id, f.severity], shared) for f in findings],
        # A slice's (--shard): named files other slices may judge too, for guardlint merge.
        properties={SHARED_FILES: sorted(result.shared_files)} if result.shared_files else None,
    )
    return _node(sarif.SarifLog, version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])


def render(result: ScanResult, all_rules: bool = False, **_: Any) -> bytes:
    return to_json(build_log(result, all_rules))
