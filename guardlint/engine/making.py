"""The findings of one file's hits, made once all are known, so that each is redacted of every
secret any rule found in the file (guardlint.findings.redaction).

Where the file's secret rules did not all finish (guardlint.engine.evaluation), the redactor
does not know every secret: what is made after the rules from the file's text (a parse note, a
crashed rule's GL002, GL003 and a suppression's reason) has its details withheld
(guardlint.findings.withheld), as the other rules' findings do.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile
from guardlint.engine.evaluation import Evaluation, Stop, described, document_name
from guardlint.engine.precedence import RuleHit, without_deferred
from guardlint.engine.rule_runner import FILE_KIND, PARSE_ERROR_RULE, FileOutcome, RuleRunner
from guardlint.findings.make import make_finding
from guardlint.findings.redaction import redactor_for
from guardlint.findings.withheld import withheld
from guardlint.model import (
    DOCUMENT_NOTES,
    ONE_PLACE,
    Document,
    Finding,
    Hit,
    Region,
    Rule,
    SourceFile,
)
from guardlint.parse.text import ParseError


def parse_problem(rel_path: str, error: ParseError, message: str) -> Hit:
    """A GL001 hit for a problem reading the file."""
    return Hit(
        message=message,
        region=Region(error.line, error.column),
        resource=rel_path,
        properties={"reason": error.reason},
        fingerprint_key=error.reason,
    )


def _told_apart(hit: Hit, one_place: Region) -> Hit:
    """A hit at the one place of a text that keeps no lines of its own (ONE_PLACE), keyed by
    its message: the line there holds the whole text, and a fingerprint must not change when
    another part of it is edited."""
    if hit.region != one_place or hit.fingerprint_key is not None:
        return hit
    return dataclasses.replace(hit, fingerprint_key=hit.message)


class FindingsMaker:
    """The findings of one file's evaluation (`outcome()`)."""

    def __init__(
        self,
        source: SourceFile,
        parsed: ParsedFile,
        documents: list[Document],
        evaluation: Evaluation,
        runner: RuleRunner,
    ) -> None:
        self.rel_path = source.rel_path
        self.parsed = parsed
        self.documents = documents
        self.evaluation = evaluation
        self.runner = runner
        self.parse_rule = runner.rulebook.by_id[PARSE_ERROR_RULE]
        self.placed: dict[int, Document] = {}  # the document of each hit of a ONE_PLACE one

    def hits(self) -> list[RuleHit]:
        """Every hit of the file, with the lines it points into and its document. When the
        file's secret rules did not all finish, the hits that are not theirs have their details
        withheld: a parse error may quote the file, a crashed rule's exception too."""
        rel_path, parsed, evaluation = self.rel_path, self.parsed, self.evaluation
        notes: list[tuple[ParseError, str]] = []
        if parsed.status == UNPARSABLE and parsed.error is not None:
            message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
            notes.append((parsed.error, message))
        # Parsed anyway, but the user should know.
        notes.extend((note, f"{rel_path}: {note.reason}.") for note in parsed.notes)
        hits = [self._engine_hit(parse_problem(rel_path, *note)) for note in notes]
        for rule, document, found in evaluation.results:
            if document is None:  # a crashed rule's GL002
                hits.extend(self._engine_hit(hit, rule) for hit in found)
                continue
            one_place = document.meta.get(ONE_PLACE)
            if one_place is not None:
                found = [_told_apart(hit, one_place) for hit in found]
                self.placed.update((id(hit), document) for hit in found)
            lines, names = document.lines, document.resource_names
            hits.extend((rule, hit, lines, names, document) for hit in found)
        for rule, document, found in evaluation.withheld:
            name = document_name(document)
            hidden = [withheld(rule, hit, name) for hit in found]
            if document.meta.get(ONE_PLACE) is not None:
                self.placed.update((id(hit), document) for hit in hidden)
            hits.extend((rule, hit, [], {}, document) for hit in hidden)
        for document in self.documents:
            for note in document.meta.get(DOCUMENT_NOTES, ()):
                message = f"{rel_path}: {note.reason}."
                hits.append(self._engine_hit(parse_problem(rel_path, note, message)))
        return hits

    def _engine_hit(self, hit: Hit, crashed: Rule | None = None) -> RuleHit:
        """A GL001 note on the file's lines, or a crashed rule's GL002 on none."""
        rule = crashed or self.parse_rule
        if not self.evaluation.secrets_complete:
            return (rule, withheld(rule, hit, self.rel_path), [], {}, None)
        return (rule, hit, [] if crashed else self.parsed.lines, {}, None)

    def outcome(self) -> FileOutcome:
        """Every finding of the file, suppressed as its inline suppressions say."""
        rel_path, secrets_known = self.rel_path, self.evaluation.secrets_complete
        hits = self.hits()
        redactor = redactor_for(
            [(hit, lines) for _, hit, lines, *_ in hits], rel_path, self.parsed.escaped
        )
        owners: dict[int, Document] = {}  # the document of each finding of a ONE_PLACE one
        placed = self.placed
        findings: list[Finding] = []
        for rule, hit, lines, names, _ in without_deferred(hits, rel_path):
            finding = make_finding(rule, hit, rel_path, lines, redactor, names)
            if not secrets_known:
                # A line may hold a secret that only a rule that did not finish would have found.
                finding.snippet = ""
            if placed and id(hit) in placed:
                owners[id(finding)] = placed[id(hit)]
            findings.append(finding)
        # Here, not at the top: a scan that reuses every file's outcome loads no suppression code.
        from guardlint.suppress.comments import RealComments
        from guardlint.suppress.inline import MISSING_REASON_RULE, apply_inline

        findings, superseded_named = apply_inline(
            findings + self._stop_notes(),
            self.documents,
            self.parsed.lines,
            rel_path,
            self.runner.enabled_rule(MISSING_REASON_RULE),
            redactor,
            RealComments.of(self.parsed),
            self.runner.superseded,
            owners,
            secrets_known,
        )
        return self._outcome(findings, superseded_named)

    def _stop_notes(self) -> list[Finding]:
        """GL001 for a file whose time budget ran out while its rules ran, which says nothing
        the file says."""
        if self.evaluation.stop is None:
            return []
        hit = stopped(self.rel_path, self.evaluation)
        return [make_finding(self.parse_rule, hit, self.rel_path, [])]

    def _outcome(self, findings: list[Finding], superseded_named: set[str]) -> FileOutcome:
        documents = self.documents
        kinds = Counter(document.kind for document in documents if document.kind != FILE_KIND)
        for document in documents:
            # The checks' caches (a parsed IAM policy points back at its document): dropped, so
            # reference counting frees the file's objects now, without the cyclic collector.
            document.meta.clear()
        parsed = self.parsed
        return FileOutcome(
            self.rel_path,
            parsed.status,
            findings,
            kinds,
            parsed.skip_reason,
            superseded_named,
            complete=self.evaluation.stop is None,
        )


def stopped(rel_path: str, evaluation: Evaluation) -> Hit:
    """GL001 for a file whose time budget ran out while its rules ran."""
    stop = evaluation.stop
    assert stop is not None
    reason = str(stop.timeout)
    missing = evaluation.missing
    message = f"Stopped scanning {rel_path} at {described(stop.document)}: {reason}; "
    if not missing:
        message += "the findings of the rules are all reported."
    elif evaluation.secrets_complete:
        message += f"the findings of the rules that finished are reported, {_lost(stop, 'rule')}."
    else:
        message += (
            f"the findings of the secret rules that finished are reported, "
            f"{_lost(stop, 'secret rule')}; the other rules ran on within an extra budget, and "
            "their findings are reported with their details withheld, as the secrets only an "
            "unfinished rule would have found are not known"
        )
        cut = evaluation.withheld_stop
        message += f"; {_lost(cut, 'rule')}." if cut is not None else "."
    properties = {"reason": reason, "missingRules": missing}
    return Hit(message, Region(1), rel_path, properties=properties, fingerprint_key=reason)


def _lost(stop: Stop, kind: str) -> str:
    """Which rules of `kind` a stop left missing."""
    if not stop.missing:
        return f"every {kind} finished"
    after = f"rule {stop.rule.id} and every {kind} after it" if stop.rule else f"every {kind}"
    return f"those of {after} are missing ({', '.join(stop.missing)})"
