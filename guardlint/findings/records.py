"""Findings as compact JSON records and back, for the result cache (guardlint.engine.cached).

A record is a list of the fields a scan sets per finding (RECORD_FIELDS, in that order); the
fields a rule gives every finding it makes (RULE_FIELDS: its name, category, types, pack,
remediation and the score of a severity) are not stored but taken from the rule of this scan
on the way back. On the way back every field is checked for its type, so that a cache entry a
pull request tampered with can fail to load but never break a report, and a finding can only
be one that a rule enabled in this scan makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardlint.model import Finding, Region, RelatedLocation, Rule, Severity, Suppression

RECORD_FIELDS = (
    "rule_id", "severity", "message", "path", "region", "resource", "fingerprint", "snippet",
    "properties", "suppression", "fingerprint_basis", "related_locations",
)  # fmt: skip
RULE_FIELDS = ("rule_name", "score", "category", "finding_type", "remediation", "pack")
_SEVERITY_LABELS = {severity.label: severity for severity in Severity}


def finding_record(finding: Finding) -> list[Any]:
    """The finding's RECORD_FIELDS, as JSON values."""
    suppression = finding.suppression
    basis = finding.fingerprint_basis
    return [
        finding.rule_id, finding.severity.label, finding.message, finding.path,
        list(finding.region), finding.resource, finding.fingerprint, finding.snippet,
        finding.properties,
        None if suppression is None else [suppression.kind, suppression.justification],
        None if basis is None else list(basis),
        [[related.path, list(related.region), related.message]
         for related in finding.related_locations],
    ]  # fmt: skip


def finding_from_record(data: Any, rule_for: Callable[[str], Rule | None]) -> Finding:
    """The finding finding_record gave, from its JSON, with the RULE_FIELDS of its rule by ID
    from `rule_for` (None: no rule of this scan); ValueError when a field is missing or of the
    wrong type, or the rule is not there."""
    if type(data) is not list or len(data) != len(RECORD_FIELDS):
        raise ValueError("a finding is a list of its fields")
    rule_id, severity, message, path, region, resource, fingerprint, snippet = data[:8]
    properties, suppression, basis, related = data[8:]
    # JSON gives no subclasses: type() checks the exact types a record holds.
    if not (type(rule_id) is type(message) is type(path) is type(resource) is str):
        raise ValueError("a finding's texts are of the wrong type")
    if not (type(fingerprint) is type(snippet) is str and type(properties) is dict):
        raise ValueError("a finding's texts are of the wrong type, or its properties")
    level = _SEVERITY_LABELS.get(severity) if type(severity) is str else None
    rule = rule_for(rule_id)
    if level is None or rule is None:
        raise ValueError("an unknown severity, or a finding no rule of this scan makes")
    return Finding(
        rule_id, rule.name, level, rule.score_for(level), rule.category, rule.finding_type,
        message, path, _region(region), resource, rule.remediation, rule.pack, fingerprint,
        snippet, properties, _suppression(suppression), _fingerprint_basis(basis),
        _related_locations(related),
    )  # fmt: skip


def _region(region: Any) -> Region:
    """A region as Region makes them (anything else is not one a scan wrote)."""
    if type(region) is not list or len(region) != 4:
        raise ValueError("a region is lines and columns")
    line, column, end_line, end_column = region
    if type(line) is not int or type(column) is not int or type(end_line) is not int:
        raise ValueError("a region's lines and columns are numbers")
    if not 1 <= line <= end_line or column < 1:
        raise ValueError("a region starts at line 1 or later and ends after it starts")
    if end_column is not None and (
        type(end_column) is not int or (end_line == line and end_column <= column)
    ):
        raise ValueError("a region's end column is a number after its start")
    return Region._make(region)  # checked as Region.__new__ would


def _texts(data: Any, count: int) -> list[str]:
    if type(data) is not list or len(data) != count or not all(type(t) is str for t in data):
        raise ValueError(f"a list of {count} texts expected")
    return data


def _suppression(data: Any) -> Suppression | None:
    return None if data is None else Suppression(*_texts(data, 2))


def _fingerprint_basis(data: Any) -> tuple[str, str] | None:
    return None if data is None else tuple(_texts(data, 2))  # type: ignore[return-value]


def _related_locations(data: Any) -> tuple[RelatedLocation, ...]:
    if type(data) is not list:
        raise ValueError("related locations are a list")
    found = []
    for item in data:
        if type(item) is not list or len(item) != 3:
            raise ValueError("a related location is a path, a region and a message")
        path, region, message = item
        _texts([path, message], 2)
        found.append(RelatedLocation(path, _region(region), message))
    return tuple(found)
