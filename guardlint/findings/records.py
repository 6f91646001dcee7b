"""Findings as JSON records and back, for the result cache (guardlint.engine.cached): every field
of a Finding, and on the way back every field checked for its type, so that a cache entry a
pull request tampered with can fail to load but never break a report."""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter
from typing import Any

from guardlint.model import Finding, Region, RelatedLocation, Severity, Suppression

_TEXT_FIELDS = (
    "rule_id", "rule_name", "category", "finding_type", "message", "path", "resource",
    "remediation", "pack", "fingerprint", "snippet",
)  # fmt: skip
_texts = itemgetter(*_TEXT_FIELDS)
_region_fields = itemgetter("start_line", "start_column", "end_line", "end_column")
_SEVERITY_LABELS = {severity.label: severity for severity in Severity}


def finding_record(finding: Finding) -> dict[str, Any]:
    """Every field, as JSON: the JSON report's (`to_dict`), and what reports derive things
    from (the fingerprint's basis, the related locations even when there are none)."""
    basis, data = finding.fingerprint_basis, finding.to_dict()
    return {
        **data,
        "fingerprint_basis": None if basis is None else list(basis),
        "related_locations": data.get("related_locations", []),
    }


def finding_from_record(data: Any) -> Finding:
    """The finding finding_record (or `to_dict`) gave, from its JSON; ValueError when a field
    is missing or of the wrong type."""
    if type(data) is not dict:
        raise ValueError("a finding is a map")
    try:
        texts = _texts(data)
        severity, score, properties = data["severity"], data["score"], data["properties"]
    except KeyError:
        raise ValueError("a finding's field is missing") from None
    # JSON gives no subclasses: isinstance checks the exact types a record holds.
    if not all(map(isinstance, texts, repeat(str))):
        raise ValueError("a finding's texts are of the wrong type")
    if type(score) not in (int, float) or type(properties) is not dict:
        raise ValueError("a score is a number, properties a map")
    if type(severity) is not str or severity not in _SEVERITY_LABELS:
        raise ValueError("unknown severity")
    rule_id, rule_name, category, finding_type, message, path, resource = texts[:7]
    remediation, pack, fingerprint, snippet = texts[7:]
    return Finding(
        rule_id, rule_name, _SEVERITY_LABELS[severity], score, category, finding_type, message,
        path, _region(data.get("region")), resource, remediation, pack, fingerprint, snippet,
        properties, _suppression(data.get("suppression")),
        _fingerprint_basis(data.get("fingerprint_basis")),
        _related_locations(data.get("related_locations", [])),
    )  # fmt: skip


def _region(region: Any) -> Region:
    """A region as Region makes them (anything else is not one a scan wrote)."""
    if type(region) is not dict:
        raise ValueError("a region is a map")
    try:
        line, column, end_line, end_column = _region_fields(region)
    except KeyError:
        raise ValueError("a region is lines and columns") from None
    if type(line) is not int or type(column) is not int or type(end_line) is not int:
        raise ValueError("a region's lines and columns are numbers")
    if not 1 <= line <= end_line or column < 1:
        raise ValueError("a region starts at line 1 or later and ends after it starts")
    if end_column is not None and (
        type(end_column) is not int or (end_line == line and end_column <= column)
    ):
        raise ValueError("a region's end column is a number after its start")
    return Region._make((line, column, end_line, end_column))  # checked as Region.__new__ would


def _suppression(data: Any) -> Suppression | None:
    if data is None:
        return None
    if type(data) is not dict:
        raise ValueError("a suppression is a map")
    kind, justification = data.get("kind"), data.get("justification")
    if type(kind) is not str or type(justification) is not str:
        raise ValueError("a suppression is a kind and a justification")
    return Suppression(kind, justification)


def _fingerprint_basis(data: Any) -> tuple[str, str] | None:
    if data is None:
        return None
    if type(data) is not list or len(data) != 2 or not all(type(text) is str for text in data):
        raise ValueError("a fingerprint's basis is two texts")
    return data[0], data[1]


def _related_locations(data: Any) -> tuple[RelatedLocation, ...]:
    if type(data) is not list:
        raise ValueError("related locations are a list")
    found = []
    for item in data:
        if type(item) is not dict or not all(type(item.get(k)) is str for k in ("path", "message")):
            raise ValueError("a related location is a path, a region and a message")
        found.append(RelatedLocation(item["path"], _region(item.get("region")), item["message"]))
    return tuple(found)
