"""The findings of one file's hits, made once all are known, so that each is redacted of every
secret any rule found in the file (guardlint.findings.redaction); and, when the file's time
runs out while they are made, what can be kept of them.

Making findings (redaction, snippets, fingerprints, inline suppressions) is linear in the hits,
but a file of 100,000 secrets has 100,000 hits: its time can run out here, after its rules.
The findings made by then are kept as made: the redactor knew every secret the rules found
before the first was made, and in a file whose secret rules did not all finish no finding
shows its line. The rest are made with their details withheld (guardlint.findings.withheld),
which takes no work on the file's text, within a grace budget of their own
(guardlint.engine.budget); past it, those left are counted. The inline suppressions, applied
last, may then not all be: a finding they would cover is reported unsuppressed (a file made
slow on purpose must not hide a problem), and a GL001 says what happened.

Where the file's secret rules did not all finish (guardlint.engine.evaluation), the redactor
does not know every secret: what is made after the rules from the file's text (a parse note, a
crashed rule's GL002, GL003 and a suppression's reason) has its details withheld
(guardlint.findings.withheld), as the other rules' findings do.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from guardlint.documents import UNPARSABLE, ParsedFile
from guardlint.engine.budget import FileTimeout, grace_seconds, time_budget
from guardlint.engine.evaluation import Evaluation, Stop, described, document_name
from guardlint.engine.precedence import RuleHit, without_deferred
from guardlint.engine.rule_runner import FILE_KIND, PARSE_ERROR_RULE, FileOutcome, RuleRunner
from guardlint.findings.hit_secrets import redactor_for
from guardlint.findings.make import make_finding
from guardlint.findings.withheld import OUT_OF_TIME, withheld
from guardlint.model.documents import (
    DOCUMENT_NOTES,
    ONE_PLACE,
    RENDERED_IN,
    Document,
    Region,
    SourceFile,
)
from guardlint.model.findings import Finding, Hit
from guardlint.model.rules import Rule
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
    """The findings of one file's evaluation: `outcome()`, and `cut_short()` when the file's
    time ran out in it."""

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
        # Every hit the file's findings are made of, but for those its inline suppressions
        # make, in order (None until known), and the findings made of the first of them.
        self.kept: list[RuleHit] | None = None
        self.made: list[Finding] = []
        self.placed: dict[int, Document] = {}  # the document of each hit of a ONE_PLACE one
        # Every finding, once the inline suppressions are applied, and the superseded rules
        # they name.
        self.suppressed: tuple[list[Finding], set[str]] | None = None

    def hits(self) -> list[RuleHit]:
        """Every hit of the file, with the lines it points into and its document. When the
        file's secret rules did not all finish, the hits that are not theirs have their details
        withheld: a parse error may quote the file, a crashed rule's exception too."""
        rel_path, parsed, evaluation = self.rel_path, self.parsed, self.evaluation
        hits: list[RuleHit] = []
        if parsed.status == UNPARSABLE and parsed.error is not None:
            message = f"Could not parse {rel_path}: {parsed.error.reason}; it was not scanned."
            hits.append(self._engine_hit(parse_problem(rel_path, parsed.error, message)))
        for note in parsed.notes:  # parsed anyway, but the user should know
            message = f"{rel_path}: {note.reason}."
            hits.append(self._engine_hit(parse_problem(rel_path, note, message)))
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
            [(hit, lines) for _, hit, lines, _, _ in hits], rel_path, self.parsed.escaped
        )
        kept = self.kept = without_deferred(hits, rel_path)
        owners: dict[int, Document] = {}  # the document of each finding of a ONE_PLACE one
        rendered: dict[int, set[int]] = {}  # the renderings that hold each finding's document
        placed, made = self.placed, self.made
        for rule, hit, lines, names, document in kept:
            finding = make_finding(rule, hit, rel_path, lines, redactor, names)
            if not secrets_known:
                # A line may hold a secret that only a rule that did not finish would have found.
                finding.snippet = ""
            if placed and id(hit) in placed:
                owners[id(finding)] = placed[id(hit)]
            if document is not None and RENDERED_IN in document.meta:
                rendered[id(finding)] = document.meta[RENDERED_IN]
            made.append(finding)  # one step: a finding is made whole or not at all
        # Here, not at the top: a scan that reuses every file's outcome loads no suppression code.
        from guardlint.suppress.comments import RealComments
        from guardlint.suppress.inline import MISSING_REASON_RULE, Renderings, apply_inline

        self.suppressed = apply_inline(
            made + self._stop_notes() if self.evaluation.stop else made,
            self.documents,
            self.parsed.lines,
            rel_path,
            self.runner.enabled_rule(MISSING_REASON_RULE),
            redactor,
            RealComments.of(self.parsed),
            self.runner.superseded,
            owners,
            secrets_known,
            Renderings.of(self.parsed, rendered) if self.parsed.renderings else None,
        )
        return self._outcome(*self.suppressed)

    def cut_short(self, timeout: FileTimeout) -> FileOutcome:
        """The outcome of a file whose time ran out while its findings were made: those made,
        the rest with their details withheld (within a grace budget; past it, counted), and a
        GL001 that says so. Never suppressed: the suppressions were not all applied."""
        if self.suppressed is not None:  # the time ran out once all were made
            return self._outcome(*self.suppressed)
        rest: list[Finding] = []
        try:
            with time_budget(grace_seconds(self.runner.options.file_timeout)):
                if self.kept is None:  # the time ran out before it was known
                    self.kept = without_deferred(self.hits(), self.rel_path)
                for rule, hit, _, _, document in self.kept[len(self.made) :]:
                    where = self.rel_path if document is None else document_name(document)
                    hidden = withheld(rule, hit, where, OUT_OF_TIME)
                    rest.append(make_finding(rule, hidden, self.rel_path, []))
        except FileTimeout:
            pass  # the findings left are counted
        cut = self._cut(timeout, len(rest))
        findings = [*self.made, *rest, *self._stop_notes(), cut]
        return self._outcome(findings, set(), cut_short=True)

    def _stop_notes(self) -> list[Finding]:
        """GL001 for a file whose time budget ran out while its rules ran, which says nothing
        the file says."""
        if self.evaluation.stop is None:
            return []
        hit = stopped(self.rel_path, self.evaluation)
        return [make_finding(self.parse_rule, hit, self.rel_path, [])]

    def _cut(self, timeout: FileTimeout, withheld_count: int) -> Finding:
        reason = str(timeout)
        rel_path = self.rel_path
        if self.kept is not None:
            missing = len(self.kept) - len(self.made) - withheld_count
            left = f"{missing:,} are missing"
        else:  # the hits were not all gathered: before the deferred were told apart
            missing = self._hit_count()
            left = f"up to {missing:,} are missing"
        message = (
            f"Stopped making the findings of {rel_path}: {reason}; {len(self.made):,} are "
            f"reported as found, {withheld_count:,} with their details withheld"
        )
        message += f", {left}" if missing else ""
        message += (
            "; its inline suppressions were not all applied, so a finding one covers may be "
            "reported unsuppressed, and one that gives no reason is not reported (GL003)."
        )
        properties = {
            "reason": reason,
            "findingsWithheld": withheld_count,
            "findingsMissing": missing,
        }
        hit = Hit(
            message,
            Region(1),
            rel_path,
            properties=properties,
            fingerprint_key=f"findings cut short: {reason}",
        )
        return make_finding(self.parse_rule, hit, rel_path, [])

    def _hit_count(self) -> int:
        """How many hits the file has, at most: a sum over the rules' results."""
        evaluation, parsed = self.evaluation, self.parsed
        count = len(parsed.notes) + (parsed.status == UNPARSABLE and parsed.error is not None)
        count += sum(len(found) for *_, found in (*evaluation.results, *evaluation.withheld))
        return count + sum(len(d.meta.get(DOCUMENT_NOTES, ())) for d in self.documents)

    def _outcome(
        self, findings: list[Finding], superseded_named: set[str], cut_short: bool = False
    ) -> FileOutcome:
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
            complete=not cut_short and self.evaluation.stop is None,
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
