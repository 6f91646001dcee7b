"""Findings as compact JSON records and back, for the result cache (guardlint.engine.cached).

A record is a list of the fields a scan sets per finding (RECORD_FIELDS, in that order); the
fields a rule gives every finding it makes (RULE_FIELDS: its name, category, types, pack,
remediation and the score of a severity) are not stored but taken from the rule of this scan
on the way back. On the way back every field is checked for its type, so that a cache entry a
pull request tampered with can fail to load but never break a report, and a finding can only
be one that a rule enabled in this scan makes.

Two values nearly every finding repeats are not stored either: a path that is its file's own
(None in the record) and a fingerprint basis that is the finding's resource and snippet (0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardlint.model.documents import Region, RelatedLocation
from guardlint.model.findings import Finding, Suppression
from guardlint.model.rules import Rule, Severity

RECORD_FIELDS = (
    "rule_id", "severity", "message", "path", "region", "resource", "fingerprint", "snippet",
    "properties", "suppression", "fingerprint_basis", "related_locations",
)  # fmt: skip
RULE_FIELDS = ("rule_name", "score", "category", "finding_type", "remediation", "pack")
_SEVERITY_LABELS = {severity.label: severity for severity in Severity}
_RESOURCE_AND_SNIPPET = 0  # a fingerprint basis that is the finding's (resource, snippet)
_new_tuple = tuple.__new__  # a Region of four checked values, without Region.__new__


def finding_record(finding: Finding, file_path: str) -> list[Any]:
    """The finding's RECORD_FIELDS, as JSON values (`file_path`: its file's)."""
    suppression = finding.suppression
    basis = finding.fingerprint_basis
    if basis is not None:
        shown = basis == (finding.resource, finding.snippet)
        basis = _RESOURCE_AND_SNIPPET if shown else list(basis)  # type: ignore[assignment]
    return [
        finding.rule_id, finding.severity.label, finding.message,
        None if finding.path == file_path else finding.path,
        list(finding.region), finding.resource, finding.fingerprint, finding.snippet,
        finding.properties,
        None if suppression is None else [suppression.kind, suppression.justification],
        basis,
        [[related.path, list(related.region), related.message]
         for related in finding.related_locations],
    ]  # fmt: skip


class RecordReader:
    """The findings finding_record gave, from their JSON, with the RULE_FIELDS of their rules
    by ID from `rule_for` (None: no rule of this scan)."""

    def __init__(self, rule_for: Callable[[str], Rule | None]) -> None:
        self.rule_for = rule_for
        # (rule ID, severity label) -> (severity, the rule's fields): thousands of findings
        # share a few hundred of them.
        self._rule_fields: dict[tuple[str, str], tuple[Severity, tuple]] = {}

    def finding(self, data: Any, file_path: str) -> Finding:
        """The finding of a record of a file at `file_path`; ValueError when a field is
        missing or of the wrong type, or the rule is not there."""
        if type(data) is not list or len(data) != len(RECORD_FIELDS):
            raise ValueError("a finding is a list of its fields")
        (rule_id, severity, message, path, region, resource, fingerprint, snippet,
         properties, suppression, basis, related) = data  # fmt: skip
        path = file_path if path is None else path
        # JSON gives no subclasses: type() checks the exact types a record holds.
        if not (type(rule_id) is type(message) is type(path) is type(resource) is str):
            raise ValueError("a finding's texts are of the wrong type")
        if not (type(fingerprint) is type(snippet) is str and type(properties) is dict):
            raise ValueError("a finding's texts are of the wrong type, or its properties")
        try:  # a rule's fields as found for an earlier finding (a severity is a text)
            known = self._rule_fields[rule_id, severity]
        except (KeyError, TypeError):
            known = self._rule(rule_id, severity)
        level, (name, score, category, finding_type, remediation, pack) = known
        shown = type(basis) is int and basis == _RESOURCE_AND_SNIPPET
        return Finding(
            rule_id, name, level, score, category, finding_type, message, path,
            _region(region), resource, remediation, pack, fingerprint, snippet, properties,
            None if suppression is None else _suppression(suppression),
            (resource, snippet) if shown else _fingerprint_basis(basis),
            # Nearly every finding has none.
            () if type(related) is list and not related else _related_locations(related),
        )  # fmt: skip

    def _rule(self, rule_id: str, severity: Any) -> tuple[Severity, tuple]:
        level = _SEVERITY_LABELS.get(severity) if type(severity) is str else None
        rule = self.rule_for(rule_id)
        if level is None or rule is None:
            raise ValueError("an unknown severity, or a finding no rule of this scan makes")
        known = self._rule_fields[rule_id, severity] = (level, (
            rule.name, rule.score_for(level), rule.category, rule.finding_type,
            rule.remediation, rule.pack,
        ))  # fmt: skip
        return known


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
    return _new_tuple(Region, region)  # checked as Region.__new__ would


def _texts(data: Any, count: int) -> list[str]:
    if type(data) is not list or len(data) != count or not all(type(t) is str for t in data):
        raise ValueError(f"a list of {count} texts expected")
    return data


def _suppression(data: Any) -> Suppression:
    return Suppression(*_texts(data, 2))


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
