"""`guardlint merge`: a named file that several slices judged, kept once.

With `--shard`, a file a scanned file names and the walk never selects (no IaC name) is judged
by every slice holding a file that names it (guardlint.engine.named_files), and each such
slice's report lists it: a SARIF run under the property SHARED_FILES, a JSON report under
JSON_SHARED_FILES with what judging it added to the slice's counts. The merge keeps its findings
from the first report that lists it and takes the others' repeats out of their counts. Repeats
must agree: a report holding findings of a file another lists, but not listing it, or two
listings that differ (findings, counts), are not slices of one scan, and the merge refuses them
rather than lose or invent a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from guardlint.discover import NOT_IAC_NAME
from guardlint.report.sarif_names import JSON_SHARED_FILES, SHARED_FILES

# Counts a summary lists only where they are not zero (Counters in guardlint.report.summary).
_NONZERO_COUNTS = (("by_pack",), ("by_rule",), ("documents",), ("skip_reasons", "files"),
                   ("skip_reasons", "directories"))  # fmt: skip


class RepeatError(ValueError):
    """Repeats of a shared file that do not agree, with the reason."""


def without_repeats(reports: Sequence[Any], names: Sequence[str], sarif: bool) -> None:
    """Take the repeats of shared files out of `reports` (see the module), and every report's
    list of shared files. RepeatError when they do not agree."""
    shared = [_shared_files(report, sarif) for report in reports]
    items = [_items(report, sarif) for report in reports]
    holders: dict[str, list[int]] = {}
    for index, listed in enumerate(shared):
        for path in listed:
            holders.setdefault(path, []).append(index)
    # Each report's findings of the shared files, by path: one pass over each report.
    found: list[dict[str, list[Any]]] = [{} for _ in reports]
    for index, report_items in enumerate(items):
        for item in report_items:
            path = _path(item, sarif)
            if path not in holders:
                continue
            if path not in shared[index]:
                other = names[holders[path][0]]
                raise RepeatError(
                    f"{names[index]} holds findings of {path}, which {other} lists as judged "
                    "by every slice naming it: not slices of one scan"
                )
            found[index].setdefault(path, []).append(item)
    dropped: list[set[str]] = [set() for _ in reports]
    for path, indexes in holders.items():
        first = indexes[0]
        kept = _comparable(found[first].get(path, []), sarif)
        for index in indexes[1:]:
            if shared[index][path] != shared[first][path] or (
                _comparable(found[index].get(path, []), sarif) != kept
            ):
                raise RepeatError(
                    f"{names[index]} and {names[first]} judged {path} differently: "
                    "not slices of one scan"
                )
            dropped[index].add(path)
            if not sarif:
                _uncount(reports[index]["summary"], shared[index][path], kept)
    for index, report in enumerate(reports):
        kept_items = [item for item in items[index] if _path(item, sarif) not in dropped[index]]
        _set_items(report, sarif, kept_items)
        _unlist(report, sarif)


def prune(summary: dict) -> None:
    """Drop the counts that repeats taken out brought to zero, as the whole scan lists none."""
    for keys in _NONZERO_COUNTS:
        counts = summary
        for key in keys:
            counts = counts[key]
        for name in [name for name, count in counts.items() if count == 0]:
            del counts[name]


def _shared_files(report: Any, sarif: bool) -> dict[str, Any]:
    """Path -> what judging it added to the counts (JSON), of a report's shared files."""
    if sarif:
        properties = report["runs"][0].get("properties", {})
        paths = properties.get(SHARED_FILES, []) if isinstance(properties, dict) else []
        if not (isinstance(paths, list) and all(isinstance(path, str) for path in paths)):
            raise RepeatError(f"{SHARED_FILES} is not a list of paths")
        return dict.fromkeys(paths)
    listed = report.get(JSON_SHARED_FILES, {})
    if not (isinstance(listed, dict) and all(isinstance(v, dict) for v in listed.values())):
        raise RepeatError(f"{JSON_SHARED_FILES} is not a map of paths to counts")
    return listed


def _items(report: Any, sarif: bool) -> list[Any]:
    return report["runs"][0].get("results", []) if sarif else report["findings"]


def _set_items(report: Any, sarif: bool, items: list[Any]) -> None:
    if sarif:
        report["runs"][0]["results"] = items
    else:
        report["findings"] = items


def _unlist(report: Any, sarif: bool) -> None:
    if not sarif:
        report.pop(JSON_SHARED_FILES, None)
        return
    run = report["runs"][0]
    properties = run.get("properties")
    if isinstance(properties, dict) and SHARED_FILES in properties:
        del properties[SHARED_FILES]
        if not properties:
            del run["properties"]


def _path(item: Any, sarif: bool) -> str:
    if sarif:
        return unquote(item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    return item["path"]


def _comparable(found: list[Any], sarif: bool) -> list[Any]:
    """A report's findings of a file, without what differs between slices' reports of the same
    findings: a SARIF result's indexes into its own run's rules and taxonomies."""
    if not sarif:
        return found
    unindexed = []
    for result in found:
        result = {key: value for key, value in result.items() if key != "ruleIndex"}
        result["taxa"] = [{**t, "index": None} for t in result.get("taxa", ())]
        unindexed.append(result)
    return unindexed


def _uncount(summary: dict, added: dict, findings: list[dict]) -> None:
    """Take a repeat of a shared file out of a JSON summary: `added` is what judging it added
    to the slice's counts, `findings` its findings."""
    summary["files"][added["status"]] -= 1
    if added["skip_reason"] is not None:
        summary["skip_reasons"]["files"][added["skip_reason"]] -= 1
    for kind in added["documents"]:
        summary["documents"][kind] -= 1
    if added["skipped_by_name"]:  # judging it took it out of these counts
        summary["files"]["skipped"] += 1
        reasons = summary["skip_reasons"]["files"]
        reasons[NOT_IAC_NAME] = reasons.get(NOT_IAC_NAME, 0) + 1
    for finding in findings:
        suppression = finding.get("suppression")
        if suppression is None:
            summary["findings"] -= 1
            for count, key in (("by_severity", "severity"), ("by_pack", "pack"),
                               ("by_rule", "rule_id")):  # fmt: skip
                summary[count][finding[key]] -= 1
            continue
        summary["suppressed"] -= 1
        if suppression["kind"] == "external":
            summary["baselined"] -= 1
