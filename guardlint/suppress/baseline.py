"""The baseline file: the fingerprints of findings accepted earlier (`guardlint baseline create`,
written by guardlint.report.baseline), suppressed as `external` when a scan finds them again."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from guardlint.model.findings import Finding, Suppression
from guardlint.model.rules import Rule
from guardlint.parse.inputs import InputError, confinement, read_input
from guardlint.parse.text import printable

EXTERNAL = "external"
BASELINE_VERSION = 1
# A baseline entry is about 400 bytes: this is some 150,000 accepted findings.
BASELINE_MAX_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    """A baseline file that cannot be used; the message names it."""


@dataclass
class Baseline:
    """What a baseline accepts: findings by fingerprint, and by rule ID, path and resource for
    the rules that may since have been superseded (their successors' fingerprints differ)."""

    fingerprints: set[str] = field(default_factory=set)
    by_resource: set[tuple[str, str, str]] = field(default_factory=set)


def load_baseline(path: str, root: str | None = None) -> Baseline:
    """What a baseline file accepts. `root` is the scan root: a baseline inside it is the
    repository's and must not lead out of it (guardlint.parse.inputs)."""
    try:
        text = read_input(path, BASELINE_MAX_BYTES, confinement(path, root)).decode("utf-8")
        data = json.loads(text)
    except InputError as exc:
        problem = (
            "baseline file not found" if exc.missing else f"cannot read baseline: {exc.reason}"
        )
        raise BaselineError(f"{path}: {problem}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: cannot read baseline: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: baseline is not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # a number of more digits than int() reads
        raise BaselineError(f"{path}: baseline is not valid JSON: {exc}") from None
    except RecursionError:  # the decoder recurses into nested arrays and objects
        raise BaselineError(f"{path}: not a guardlint baseline: nested too deeply") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(entries, list) or type(version) is not int or version != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: not a guardlint baseline (version {BASELINE_VERSION} with a findings list);"
            " create one with `guardlint baseline create`"
        )
    baseline = Baseline()
    for index, entry in enumerate(entries):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BaselineError(
                f"{path}: findings[{index}] is not a map with a fingerprint string; "
                "create the baseline with `guardlint baseline create`"
            )
        baseline.fingerprints.add(fingerprint)
        described = [entry.get(key) for key in ("rule_id", "path", "resource")]
        if all(isinstance(value, str) for value in described):
            baseline.by_resource.add((described[0].upper(), described[1], described[2]))
    return baseline


def apply_baseline(
    findings: list[Finding], baseline: Baseline, name: str, superseded: Iterable[Rule] = ()
) -> tuple[int, set[str]]:
    """Suppress (as external) the active findings the baseline accepts: by fingerprint, or a
    superseded rule's entry on the same path and resource as a successor's finding it covers.
    How many, and which superseded rules the baseline names."""
    named = [
        rule for rule in superseded if any(entry[0] == rule.id for entry in baseline.by_resource)
    ]
    count = 0
    for finding in findings:
        if finding.suppression is not None:
            continue
        accepted = finding.fingerprint in baseline.fingerprints or any(
            rule.carries_over_to(finding.rule_id, finding.resource)
            and (rule.id, finding.path, finding.resource) in baseline.by_resource
            for rule in named
        )
        if accepted:
            finding.suppression = Suppression(EXTERNAL, f"accepted in baseline {printable(name)}")
            count += 1
    return count, {rule.id for rule in named}
