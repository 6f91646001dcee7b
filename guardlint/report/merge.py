"""`guardlint merge`: the reports of the slices of one scan (`scan --shard k/n`) joined into the
report the whole scan writes.

SARIF logs are joined run by run: the rules and taxa of every slice, in the order the whole
scan lists them (the rulebook's), and the results in the scan's order, with their indexes
pointing into the joined lists. JSON reports are joined by their findings and summed summaries.
Only guardlint's own reports of one version are joined: a report from another tool or version
could describe different rules under the same IDs. A named file several slices judged is kept
once (guardlint.report.merge_repeats).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from guardlint import __version__
from guardlint.model.rules import Severity
from guardlint.parse.text import shown
from guardlint.report.encode import to_json
from guardlint.report.merge_repeats import RepeatError, prune, without_repeats
from guardlint.report.sarif_names import CATEGORY_TAXONOMY, FINGERPRINT_KEY

SARIF, JSON = "sarif", "json"


class MergeError(ValueError):
    """Reports that cannot be joined, with the reason."""


# What a report that is not as guardlint writes it raises somewhere inside: a key it lacks, a
# value of another type, a list too short, nesting too deep to walk.
_NOT_AS_WRITTEN = (KeyError, TypeError, AttributeError, IndexError, ValueError, RecursionError)


def report_format(name: str, data: Any) -> str:
    """sarif or json: which of guardlint's reports `data` is (`name` says where it came from)."""
    if isinstance(data, dict) and data.get("version") == "2.1.0" and "runs" in data:
        runs = data["runs"]
        if not (isinstance(runs, list) and len(runs) == 1 and isinstance(runs[0], dict)):
            raise MergeError(f"{name}: a guardlint SARIF log has exactly one run")
        tool = _map(_map(runs[0].get("tool")).get("driver"))
        listed = [runs[0].get("results", []), tool.get("rules", [])]
        found = SARIF
    elif isinstance(data, dict) and "schema_version" in data and "findings" in data:
        tool, listed = _map(data.get("tool")), [data["findings"]]
        found = JSON
    else:
        raise MergeError(f"{name}: not a guardlint SARIF or JSON report")
    made_by = (tool.get("name"), tool.get("version"))
    if not all(isinstance(items, list) for items in listed):
        raise MergeError(f"{name}: its findings or rules are not lists")
    if made_by[0] != "guardlint":
        raise MergeError(f"{name}: not a guardlint SARIF or JSON report (no guardlint tool)")
    if made_by[1] != __version__:
        raise MergeError(
            f"{name}: written by guardlint {shown(made_by[1])}; only reports of guardlint "
            f"{__version__} can be joined"
        )
    return found


def _map(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def merge(reports: Sequence[Any], names: Sequence[str], rule_order: Callable[[str], int]) -> bytes:
    """The joined report, as JSON (UTF-8); `names` say where each report came from, `rule_order(rule
    ID)` ranks rules as the rulebook lists them. MergeError when the reports are not of one
    format (report_format), not as guardlint writes them, or overlap (a slice given twice)."""
    try:
        formats = {report_format(name, data) for name, data in zip(names, reports, strict=True)}
        if len(formats) != 1:
            raise MergeError("the reports must all be SARIF or all be JSON")
        without_repeats(reports, names, formats == {SARIF})
        _check_apart(reports, names, formats == {SARIF})
        joined = _merge_sarif(reports, rule_order) if formats == {SARIF} else _merge_json(reports)
    except MergeError:
        raise
    except RepeatError as exc:
        raise MergeError(str(exc)) from None
    except _NOT_AS_WRITTEN as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc!r:.200}"
        raise MergeError(f"the reports are not as guardlint writes them ({problem})") from None
    return to_json(joined)


def _check_apart(reports: Sequence[Any], names: Sequence[str], sarif: bool) -> None:
    """No finding in two reports: the slices of one scan share none."""
    seen: dict[str, str] = {}
    for name, report in zip(names, reports, strict=True):
        items = report["runs"][0].get("results", ()) if sarif else report["findings"]
        for item in items:
            if sarif:
                fingerprint = item["partialFingerprints"][FINGERPRINT_KEY]
            else:
                fingerprint = item["fingerprint"]
            if not isinstance(fingerprint, str):
                raise MergeError(f"{name}: a finding whose fingerprint is not text")
            other = seen.setdefault(fingerprint, name)
            if other != name:
                raise MergeError(f"{name} and {other} hold the same finding: one slice twice?")


def _merge_json(reports: Sequence[dict]) -> dict:
    findings = [finding for report in reports for finding in report["findings"]]
    findings.sort(
        key=lambda f: (
            f["path"],
            f["region"]["start_line"],
            f["region"]["start_column"],
            f["rule_id"],
            f["resource"],
            f["message"],
        )
    )
    summary = _sum([report["summary"] for report in reports])
    summary["duration_seconds"] = max(r["summary"]["duration_seconds"] for r in reports)
    prune(summary)
    return {**reports[0], "summary": summary, "findings": findings}


def _sum(summaries: list[Any]) -> Any:
    """Counts added up key by key, in the first summary's key order (sorted where it was)."""
    first = summaries[0]
    if not isinstance(first, dict):
        return sum(summaries)
    values: dict[Any, list[Any]] = {}  # once through each summary: linear in their sizes
    for summary in summaries:
        for key, value in summary.items():
            values.setdefault(key, []).append(value)
    keys = list(values)
    if keys != list(first) and list(first) == sorted(first):
        keys.sort()
    return {key: _sum(values[key]) for key in keys}


def _base_id(rule_id: str) -> str:
    """`IAM010/low`, a severity variant's descriptor, belongs to rule IAM010."""
    return rule_id.split("/", 1)[0]


def _merge_sarif(logs: Sequence[dict], rule_order: Callable[[str], int]) -> dict:
    runs = [log["runs"][0] for log in logs]
    descriptors = _descriptors(runs, rule_order)
    index_of = {descriptor["id"]: index for index, descriptor in enumerate(descriptors)}
    for descriptor in descriptors:
        for relationship in descriptor.get("relationships", ()):
            relationship["target"]["index"] = index_of[relationship["target"]["id"]]
    categories = sorted({d["properties"]["category"] for d in descriptors if "/" not in d["id"]})
    category_index = {category: index for index, category in enumerate(categories)}
    results = [result for run in runs for result in run.get("results", ())]
    results.sort(key=_result_order)
    for result in results:
        result["ruleIndex"] = index_of[result["ruleId"]]
        for taxon in result.get("taxa", ()):
            if taxon["toolComponent"]["name"] == CATEGORY_TAXONOMY:
                taxon["index"] = category_index[taxon["id"]]
    run = dict(runs[0])
    run["tool"] = {**run["tool"], "driver": {**run["tool"]["driver"], "rules": descriptors}}
    run["taxonomies"] = [_taxonomy(runs, n, categories) for n in range(len(run["taxonomies"]))]
    run["results"] = results
    return {**logs[0], "runs": [run]}


def _descriptors(runs: list[dict], rule_order: Callable[[str], int]) -> list[dict]:
    """Each rule's descriptor once: the rules in rulebook order, then the severity variants by
    their rule's place and severity, highest first (as report.sarif lists them)."""
    by_id = {d["id"]: d for run in runs for d in run["tool"]["driver"].get("rules", ())}
    rules = sorted((d for d in by_id.values() if "/" not in d["id"]),
                   key=lambda d: rule_order(d["id"]))  # fmt: skip
    place = {d["id"]: index for index, d in enumerate(rules)}
    variants = sorted(
        (d for d in by_id.values() if "/" in d["id"]),
        key=lambda d: (place[_base_id(d["id"])], -Severity.parse(d["id"].split("/", 1)[1])),
    )
    return rules + variants


def _taxonomy(runs: list[dict], number: int, categories: list[str]) -> dict:
    """Taxonomy `number` of the runs; the GuardDuty-style one lists the joined categories."""
    taxonomy = dict(runs[0]["taxonomies"][number])
    if taxonomy["name"] == CATEGORY_TAXONOMY:
        taxa = {t["id"]: t for run in runs for t in run["taxonomies"][number].get("taxa", ())}
        taxonomy["taxa"] = [taxa[category] for category in categories]
    return taxonomy


def _result_order(result: dict) -> tuple:
    """Findings' order (model.Finding.sort_key) from a SARIF result."""
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return (
        unquote(location["artifactLocation"]["uri"]),
        region["startLine"],
        region["startColumn"],
        _base_id(result["ruleId"]),
        result["properties"]["resource"],
        result["message"]["text"],
    )


def parse_report(name: str, text: str) -> Any:
    """A report file's JSON; MergeError when it is none."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise MergeError(f"{name}: not JSON ({exc})") from None
    except RecursionError:  # the decoder recurses into nested arrays and objects
        raise MergeError(f"{name}: not a guardlint report: nested too deeply") from None
