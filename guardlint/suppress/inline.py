"""Inline suppressions: ignores written in the scanned files themselves
(guardlint.suppress.directives), applied to the file's findings.

A suppressed finding is not dropped: it keeps `Finding.suppression` (SARIF shows it with
`suppressions`) and no longer counts toward the exit code (ScanResult.active_findings).

A suppression that gives no reason is reported as GL003 (info), on the line that holds it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import NamedTuple

from guardlint.documents import ParsedFile
from guardlint.findings.make import make_finding
from guardlint.findings.redaction import Redactor
from guardlint.findings.withheld import WITHHELD_REASON, withheld
from guardlint.model.documents import RENDERED_IN, Document, ResourceName
from guardlint.model.findings import Finding, Hit, Suppression
from guardlint.model.rules import Rule
from guardlint.parse.text import printable
from guardlint.suppress.comments import RealComments
from guardlint.suppress.directives import K8S_IGNORE_REASON, Directive, directives_of, last_line_of
from guardlint.suppress.intervals import first_overlapping

MISSING_REASON_RULE = "GL003"
IN_SOURCE = "inSource"


def _missing_reason(
    directive: Directive,
    rule: Rule,
    rel_path: str,
    lines: list[str],
    redactor: Redactor | None,
    names: Mapping[str, ResourceName],
) -> Finding:
    """GL003 for `directive`; with no `redactor` (the file's secrets are not all known), made
    without the file's text: the directive's resource and line are the file's words."""
    hit = Hit(
        message=f"The suppression {directive.described} gives no reason, so reviewers cannot "
        "tell an accepted risk from a silenced warning; add one (`-- reason`, a `reason` key "
        f"or the {K8S_IGNORE_REASON} annotation).",
        region=directive.region,
        resource=directive.resource,
        properties={"suppressedRules": sorted(directive.rule_ids)},
    )
    if redactor is None:
        return make_finding(rule, withheld(rule, hit, rel_path), rel_path, [])
    return make_finding(rule, hit, rel_path, lines, redactor, names)


def _covering_within(
    directives: list[Directive],
    findings: list[Finding],
    owners: Mapping[int, Document],
    superseded: Iterable[Rule],
) -> Iterator[tuple[Finding, Directive]]:
    """Each unsuppressed finding of a document a directive is `within` (owners: the document
    of each such finding, by id), with that directive: by document, not by line."""
    within = {}
    for directive in directives:
        if directive.within is not None:
            for rule_id in directive.rule_ids:
                within.setdefault((rule_id, id(directive.within)), directive)
    for finding in findings:
        owner = owners.get(id(finding))
        if owner is None or finding.suppression is not None:
            continue
        named = [finding.rule_id] + [
            rule.id
            for rule in superseded
            if rule.carries_over_to(finding.rule_id, finding.resource)
        ]
        directive = next((within[k] for k in ((n, id(owner)) for n in named) if k in within), None)
        if directive is not None:
            yield finding, directive


def _first_covering(
    directives: list[Directive],
    findings: list[Finding],
    rel_path: str,
    superseded: Iterable[Rule] = (),
) -> Iterator[tuple[Finding, Directive]]:
    """Each unsuppressed finding of the file with the first directive that covers it (same
    rule, overlapping lines): per rule, in n log n (guardlint.suppress.intervals), not every
    directive for every finding. A directive naming a superseded rule also covers its
    successors' findings on the resources it covered. Directives `within` one document are
    _covering_within's."""
    written: dict[str, list[Directive]] = {}
    for directive in directives:
        for rule_id in directive.rule_ids if directive.within is None else ():
            written.setdefault(rule_id, []).append(directive)
    pending: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        if finding.suppression is None and finding.path == rel_path:
            old = next(
                (
                    rule.id
                    for rule in superseded
                    if rule.id in written
                    and rule.carries_over_to(finding.rule_id, finding.resource)
                ),
                None,
            )
            pending.setdefault((finding.rule_id, old), []).append(finding)
    for (rule_id, old), candidates in pending.items():
        own = written.get(rule_id, []) + (written[old] if old else [])
        spans = [(d.first_line, d.last_line) for d in own]
        lines = [(f.region.start_line, last_line_of(f.region)) for f in candidates]
        for finding, index in zip(candidates, first_overlapping(spans, lines), strict=True):
            if index is not None:
                yield finding, own[index]


class Rendering(NamedTuple):
    """One rendering a chart's template is judged in (guardlint.parse.helm_templates): its
    lines, which `#` of them are comments, and the documents written in it."""

    lines: list[str]
    comments: RealComments
    documents: list[Document]


class Renderings(NamedTuple):
    """The renderings of a chart's template, and those that hold each finding of their
    documents (by the finding's id)."""

    each: list[Rendering]
    of_finding: Mapping[int, Collection[int]]

    @classmethod
    def of(cls, parsed: ParsedFile, of_finding: Mapping[int, Collection[int]]) -> Renderings:
        each = []
        for index, text in enumerate(parsed.renderings):
            lines = text.splitlines()
            held = [d for d in parsed.documents if index in d.meta.get(RENDERED_IN, ())]
            each.append(Rendering(lines, RealComments(parsed.source, text, lines), held))
        return cls(each, of_finding)


def _covering(
    directives: list[Directive],
    findings: list[Finding],
    rel_path: str,
    owners: Mapping[int, Document],
    superseded: list[Rule],
) -> Iterator[tuple[Finding, Directive]]:
    """Each unsuppressed finding with the first directive that covers it: by document where
    the directive is `within` one, else by line."""
    return itertools.chain(
        _covering_within(directives, findings, owners, superseded),
        _first_covering(directives, findings, rel_path, superseded),
    )


def _covering_in_every_rendering(
    held: list[list[Directive]],
    findings: list[Finding],
    rendered: Mapping[int, Collection[int]],
    rel_path: str,
    owners: Mapping[int, Document],
    superseded: list[Rule],
) -> Iterator[tuple[Finding, Directive]]:
    """Each finding of a chart template's renderings that the directives `held` in each of
    them cover in every rendering that holds it (Helm deploys it unsuppressed from any other),
    with the directive of the first."""
    covering: dict[int, dict[int, Directive]] = {}
    for index, directives in enumerate(held):
        own = [finding for finding in findings if index in rendered.get(id(finding), ())]
        for finding, directive in _covering(directives, own, rel_path, owners, superseded):
            covering.setdefault(id(finding), {}).setdefault(index, directive)
    for finding in findings:
        found = covering.get(id(finding))
        if found and all(index in found for index in rendered[id(finding)]):
            yield finding, found[min(found)]


def apply_inline(
    findings: list[Finding],
    documents: list[Document],
    lines: list[str],
    rel_path: str,
    missing_reason_rule: Rule | None,
    redactor: Redactor,
    comments: RealComments,
    superseded: Iterable[Rule] = (),
    owners: Mapping[int, Document] | None = None,
    secrets_known: bool = True,
    renderings: Renderings | None = None,
) -> tuple[list[Finding], set[str]]:
    """Mark findings of one file that its own directives cover; add GL003 where reasons lack.
    Also the IDs of `superseded` rules that the directives name (their successors carry them).

    `missing_reason_rule` is GL003 when it is enabled, else None; `redactor` holds the file's
    secrets, which a reason (written in the file) must not show either; `comments` tells which
    `#` of the file are comments; `owners`, the document of each finding (by id) of a document
    whose text shares its line with others' (ONE_PLACE); `secrets_known` False, when the file's
    secret rules did not all finish: a reason and a GL003 show nothing the file says, as the
    redactor does not know every secret in it (guardlint.findings.withheld); `renderings`,
    those of a chart's template: a finding of their documents is covered only by what the
    renderings that hold it hold, the others by what the file holds.
    """
    directives = directives_of(documents, lines, rel_path, comments)
    held = [
        directives_of(each.documents, each.lines, rel_path, each.comments)
        for each in (renderings.each if renderings else ())
    ]
    if not directives and not any(held):
        return findings, set()
    named = {rule_id for each in (directives, *held) for d in each for rule_id in d.rule_ids}
    superseded = [rule for rule in superseded if rule.id in named]
    rendered = renderings.of_finding if renderings else {}
    own = [finding for finding in findings if id(finding) not in rendered] if rendered else findings
    covered = itertools.chain(
        _covering(directives, own, rel_path, owners or {}, superseded),
        _covering_in_every_rendering(held, findings, rendered, rel_path, owners or {}, superseded),
    )
    for finding, directive in covered:
        # The reason is the file's text: shown as escapes where it holds control characters.
        if directive.reason and not secrets_known:
            reason = WITHHELD_REASON
        else:
            reason = printable(redactor.written(directive.reason))
        finding.suppression = Suppression(IN_SOURCE, reason)
    if missing_reason_rule is not None:
        names = {key: name for d in documents for key, name in d.resource_names.items()}
        shown_by = redactor if secrets_known else None
        findings = findings + [
            _missing_reason(d, missing_reason_rule, rel_path, lines, shown_by, names)
            for d in directives
            if not d.reason
        ]
    return findings, {rule.id for rule in superseded}
