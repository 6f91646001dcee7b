"""A file's outcome as the result cache's entry holds it (guardlint.engine.cached): JSON of
its status, skip reason, document kinds, superseded rules named, the files it names
(guardlint.engine.named_files) and findings (as records:
guardlint.findings.records), and read back from an entry, whose bytes may be anyone's, checked
part by part (a part that is not what outcome_data writes raises ValueError, TypeError or
KeyError)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from guardlint.engine.rule_runner import FileOutcome
from guardlint.findings.records import RecordReader, finding_record
from guardlint.model.documents import SCANNED, SKIPPED, UNPARSABLE

_STATUSES = frozenset({SCANNED, SKIPPED, UNPARSABLE})
_new_counter = Counter.__new__


def outcome_data(outcome: FileOutcome) -> dict[str, Any]:
    """The outcome as the JSON of its entry: its findings as records."""
    return {
        "rel_path": outcome.rel_path,
        "status": outcome.status,
        "skip_reason": outcome.skip_reason,
        "kinds": dict(outcome.kinds),
        "findings": [finding_record(finding, outcome.rel_path) for finding in outcome.findings],
        "superseded_named": sorted(outcome.superseded_named),
        "named": [list(item) for item in outcome.named],
    }


def compared(outcome: FileOutcome) -> tuple:
    """The parts of an outcome its entry must give back as they were."""
    return (outcome.status, outcome.skip_reason, outcome.kinds, outcome.findings,
            outcome.superseded_named, outcome.named)  # fmt: skip


def entry_outcome(data: Any, rel_path: str, records: RecordReader) -> FileOutcome:
    """The outcome outcome_data gave, checked (ValueError, TypeError or KeyError); its
    findings read by `records`."""
    status, skip_reason, kinds = data["status"], data["skip_reason"], data["kinds"]
    if data["rel_path"] != rel_path or status not in _STATUSES:
        raise ValueError("an outcome of another file, or no status")
    if not (skip_reason is None or type(skip_reason) is str) or type(kinds) is not dict:
        raise ValueError("a skip reason is text, kinds a map")
    # Loops, not all() over a generator: a warm scan checks each file's outcome.
    for count in kinds.values():
        if type(count) is not int or count <= 0:
            raise ValueError("kinds are counted")
    finding = records.finding
    findings = [finding(record, rel_path) for record in data["findings"]]
    superseded_named = data["superseded_named"]
    if type(superseded_named) is not list or not all(type(r) is str for r in superseded_named):
        raise ValueError("superseded rules are named by their IDs")
    named = data["named"]
    # Nearly every file names none.
    named = () if type(named) is list and not named else tuple(tuple(item) for item in named)
    for item in named:
        if len(item) != 2 or type(item[0]) is not str or type(item[1]) is not str:
            raise ValueError("a named file is a path and a kind")
    counted: Counter = _new_counter(Counter)  # Counter() but for its __init__'s Python calls
    dict.update(counted, kinds)  # what Counter(kinds) gives, without its Python-level checks
    return FileOutcome(rel_path, status, findings, counted, skip_reason,
                       set(superseded_named), reused=True, named=named)  # fmt: skip
