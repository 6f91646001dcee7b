"""Findings as JSON records and back, for the result cache (guardlint.engine.cached): every field
of a Finding, and on the way back every field checked for its type, so that a cache entry a
pull request tampered with can fail to load but never break a report."""

from __future__ import annotations

from typing import Any

from guardlint.model import Finding, Region, RelatedLocation, Severity, Suppression

_TEXT_FIELDS = (
    "rule_id", "rule_name", "severity", "category", "finding_type", "message", "path",
    "resource", "remediation", "pack", "fingerprint", "snippet",
)  # fmt: skip
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
    texts = dict(zip(_TEXT_FIELDS, map(data.get, _TEXT_FIELDS), strict=True))
    score = data.get("score")
    if not all(type(text) is str for text in texts.values()):
        raise ValueError("a finding's texts are missing or of the wrong type")
    if type(score) not in (int, float) or type(data.get("properties")) is not dict:
        raise ValueError("a score is a number, properties a map")
    severity = _SEVERITY_LABELS.get(texts.pop("severity"))
    if severity is None:
        raise ValueError("unknown severity")
    return Finding(
        **texts,
        severity=severity,
        score=score,
        region=_region(data.get("region")),
        properties=data["properties"],
        suppression=_suppression(data.get("suppression")),
        fingerprint_basis=_fingerprint_basis(data.get("fingerprint_basis")),
        related_locations=_related_locations(data.get("related_locations", [])),
    )


def _region(region: Any) -> Region:
    if type(region) is not dict:
        raise ValueError("a region is a map")
    lines = [region.get(name) for name in ("start_line", "start_column", "end_line")]
    end_column = region.get("end_column")
    if not all(type(n) is int for n in lines) or type(end_column) not in (int, type(None)):
        raise ValueError("a region is lines and columns")
    return Region(*lines, end_column)


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
