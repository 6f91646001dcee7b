"""A file's rules run on its documents, and where the file's time budget stopped them.

The rules run in two stages (`RuleRunner.stages`): those that find secrets (a rule's
`finds_secrets`) on every document, the file's text last (SEC001, which defers to the specific
secret rules), then the others. A finding shows the file's lines and names redacted of every
secret any rule found in the file (guardlint.findings.redaction), which a scan that stopped
before a secret rule finished cannot know. With the secret rules first, a scan stops either
after all of them, and each finding it keeps is redacted as in a complete scan, or before any
other rule ran: only secret rules' findings exist then, and none shows its line
(`Evaluation.secrets_complete`; guardlint.engine.runner).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from guardlint.documents.registry import resource_types
from guardlint.engine.budget import FileTimeout
from guardlint.engine.rule_runner import FILE_KIND, INTERNAL_ERROR_RULE, RuleRunner
from guardlint.model import NEVER_CREATED, Document, Hit, Region, Rule


def _internal_error(rule: Rule, exc: Exception) -> Hit:
    return Hit(
        message=f"Rule {rule.id} crashed on this file ({type(exc).__name__}: {exc}); "
        "its results for this file are missing. Please report it.",
        region=Region(1),
        resource=f"rule {rule.id}",
        properties={"failedRule": rule.id},
    )


class _HeldTypes:
    """The types of the resources a document holds, asked for when the first rule that
    declares its own runs on it (guardlint.model.Rule.resource_types)."""

    def __init__(self, document: Document) -> None:
        self.document = document

    @functools.cached_property
    def types(self) -> frozenset[str] | None:
        return resource_types(self.document)

    def none_of(self, types: frozenset[str]) -> bool:
        """Whether the document holds no resource of `types` (False when it cannot tell)."""
        return self.types is not None and self.types.isdisjoint(types)


def described(document: Document) -> str:
    if document.kind == FILE_KIND:
        return "the file's text"
    return f"its {document.kind} document {document.index + 1}"


@dataclass
class Stop:
    """Where the file's time budget ran out: at `rule` on `document` (None: between two
    rules), in `stage`."""

    timeout: FileTimeout
    stage: int
    rule: Rule | None
    document: Document
    # The rules that did not finish on every document they judge, in the order they run.
    missing: list[str]


@dataclass
class Evaluation:
    """The hits of each rule that found some on a document, in the order they ran (a crashed
    rule's GL002 on no document), and where the time budget stopped the rules, if it did."""

    results: list[tuple[Rule, Document | None, list[Hit]]] = field(default_factory=list)
    stop: Stop | None = None

    @property
    def secrets_complete(self) -> bool:
        """Whether every rule that finds secrets finished: the redactor knows every secret."""
        return self.stop is None or self.stop.stage > 0


def evaluate(documents: list[Document], runner: RuleRunner) -> Evaluation:
    """Run every enabled rule on each of `documents` until the time budget runs out."""
    evaluation = Evaluation()
    if not documents:
        return evaluation
    held = [_HeldTypes(document) for document in documents]
    results = evaluation.results
    at = (0, 0, 0)  # the stage, document and rule running now, set in one step
    done = None  # `at` once that rule finished
    try:
        for stage, by_kind in enumerate(runner.stages):
            for position, document in enumerate(documents):
                never_created = document.meta.get(NEVER_CREATED, False)
                for index, rule in enumerate(by_kind.get(document.kind, ())):
                    at = (stage, position, index)
                    try:
                        if rule.resource_types and held[position].none_of(rule.resource_types):
                            continue  # it would find nothing here
                        if never_created and not rule.judges_never_created:
                            continue  # never deployed, it does nothing, but its secrets are written
                        found = runner.hits(rule, document)
                    except Exception as exc:  # one broken rule must not lose the scan
                        crashed = runner.rulebook.by_id[INTERNAL_ERROR_RULE]
                        results.append((crashed, None, [_internal_error(rule, exc)]))
                        continue
                    if found:
                        results.append((rule, document, found))  # one step: whole or none
                    done = at
    except FileTimeout as exc:
        evaluation.stop = _stop(exc, at, done is at, documents, runner, results)
    return evaluation


def _stop(
    timeout: FileTimeout,
    at: tuple[int, int, int],
    finished: bool,
    documents: list[Document],
    runner: RuleRunner,
    results: list[tuple[Rule, Document | None, list[Hit]]],
) -> Stop:
    # Linear in the documents, which the parser bounds (guardlint.documents: 1,000 a file).
    stage, position, index = at
    document = documents[position]
    rules = runner.stages[stage].get(document.kind, [])
    rule = rules[index] if index < len(rules) else None
    # Its hits in, the budget may have run out before it was marked done.
    last = results[-1] if results else None
    if finished or (last is not None and last[0] is rule and last[1] is document):
        index += 1  # it finished; the budget ran out before the next one started
    missing = [later.id for later in rules[index:]]
    for later_stage, by_kind in enumerate(runner.stages[stage:]):
        after = documents[position + 1 :] if later_stage == 0 else documents
        kinds = dict.fromkeys(later.kind for later in after)  # in the order they run
        missing += [later.id for kind in kinds for later in by_kind.get(kind, ())]
    return Stop(timeout, stage, rule, document, list(dict.fromkeys(missing)))
