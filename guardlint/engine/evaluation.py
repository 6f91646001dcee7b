"""A file's rules run on its documents, and where the file's time budget stopped them.

The rules run in two stages (`RuleRunner.stages`): those that find secrets (a rule's
`finds_secrets`) on every document, the file's text last (SEC001, which defers to the specific
secret rules), then the others. A finding shows the file's lines and names redacted of every
secret any rule found in the file (guardlint.findings.redaction), which a scan that stopped
before a secret rule finished cannot know. With the secret rules first, a scan stops either
after all of them, and each finding it keeps is redacted as in a complete scan, or before any
other rule ran: only secret rules' findings exist then, and none shows its line
(`Evaluation.secrets_complete`; guardlint.engine.making). The others then run on within the
grace budget, so that a file padded to run its secret rules out of time still reports its
other problems, but only where they are and which rule found them (`Evaluation.withheld`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from guardlint.documents.registry import deployed_documents, resource_types
from guardlint.engine.budget import FileTimeout, grace_seconds, time_budget
from guardlint.engine.rule_runner import FILE_KIND, INTERNAL_ERROR_RULE, RuleRunner
from guardlint.model.documents import NEVER_CREATED, Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


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
    declares its own runs on it (guardlint.model.rules.Rule.resource_types)."""

    def __init__(self, document: Document) -> None:
        self.document = document

    @functools.cached_property
    def types(self) -> frozenset[str] | None:
        return resource_types(self.document)

    def none_of(self, types: frozenset[str]) -> bool:
        """Whether the document holds no resource of `types` (False when it cannot tell)."""
        return self.types is not None and self.types.isdisjoint(types)


def document_name(document: Document) -> str:
    """The document by its kind and place in the file, which names nothing the file says."""
    if document.kind == FILE_KIND:
        return "the file's text"
    return f"{document.kind} document {document.index + 1}"


def described(document: Document) -> str:
    name = document_name(document)
    return name if document.kind == FILE_KIND else f"its {name}"


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Stop:
    """Where the file's time budget ran out: at `rule` on `document` (None: between two
    rules), in `stage`."""

    timeout: FileTimeout
    stage: int
    rule: Rule | None
    document: Document
    # The rules of its stage that did not finish on every document they judge, in the order
    # they run.
    missing: list[str]


Results = list[tuple[Rule, Document | None, list[Hit]]]
OTHER_RULES = 1  # the stage of the rules that find no secrets (RuleRunner.stages)


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Evaluation:
    """The hits of each rule that found some on a document, in the order they ran (a crashed
    rule's GL002 on no document), and where the time budget stopped the rules, if it did."""

    results: Results = field(default_factory=list)
    stop: Stop | None = None
    # Past a stop among the secret rules, the hits of the other rules, run within an extra
    # budget (`_run_withheld`): the redactor cannot vouch for anything they say of the file.
    withheld: Results = field(default_factory=list)
    # Where the other rules stopped, in their extra budget or at a crash.
    withheld_stop: Stop | None = None

    @property
    def secrets_complete(self) -> bool:
        """Whether every rule that finds secrets finished: the redactor knows every secret."""
        return self.stop is None or self.stop.stage > 0

    @property
    def missing(self) -> list[str]:
        """The rules that did not finish, in the order they run."""
        stops = (self.stop, self.withheld_stop)
        return [rule_id for stop in stops if stop is not None for rule_id in stop.missing]


class _Progress:
    """The stage, document and rule running now (`at`, set in one step), and `at` once that
    rule finished (`done`)."""

    def __init__(self) -> None:
        self.at = (0, 0, 0)
        self.done: tuple[int, int, int] | None = None


def evaluate(documents: list[Document], runner: RuleRunner) -> Evaluation:
    """Run every enabled rule on each of `documents` until the time budget runs out; past a
    stop among the secret rules, the others within an extra budget."""
    evaluation = Evaluation()
    if not documents:
        return evaluation
    held = [_HeldTypes(document) for document in documents]
    progress = _Progress()
    try:
        for stage in range(len(runner.stages)):
            _run_stage(stage, documents, held, runner, evaluation.results, progress)
    except FileTimeout as exc:
        evaluation.stop = _stop(exc, progress, documents, runner, evaluation.results)
    if evaluation.stop is not None and not evaluation.secrets_complete:
        _run_withheld(evaluation, evaluation.stop.timeout, documents, held, runner)
    return evaluation


def _run_withheld(
    evaluation: Evaluation,
    timeout: FileTimeout,
    documents: list[Document],
    held: list[_HeldTypes],
    runner: RuleRunner,
) -> None:
    """Run the rules that find no secrets within the grace budget (guardlint.engine.budget), so
    that padding a file with secret-looking values to run its secret rules out of time does
    not hide its other problems. A rule that crashes here stops them: the stop may have left a
    check's cache half made, and the rules from it on are missing, as past the budget."""
    progress = _Progress()
    progress.at = (OTHER_RULES, 0, 0)
    found = evaluation.withheld
    try:
        with time_budget(grace_seconds(runner.options.file_timeout)):
            _run_stage(OTHER_RULES, documents, held, runner, found, progress, crash_stops=True)
    except FileTimeout as exc:
        evaluation.withheld_stop = _stop(exc, progress, documents, runner, found)
    except _RuleCrashed:  # told as the file's own stop
        evaluation.withheld_stop = _stop(timeout, progress, documents, runner, found)


class _RuleCrashed(Exception):
    pass


def _run_stage(
    stage: int,
    documents: list[Document],
    held: list[_HeldTypes],
    runner: RuleRunner,
    results: Results,
    progress: _Progress,
    crash_stops: bool = False,
) -> None:
    """Run the rules of `stage` on every document, a crashing rule a GL002 (or, `crash_stops`,
    the end of the stage)."""
    by_kind = runner.stages[stage]
    for position, document in enumerate(documents):
        never_created = document.meta.get(NEVER_CREATED, False)
        for index, rule in enumerate(by_kind.get(document.kind, ())):
            progress.at = at = (stage, position, index)
            try:
                if rule.resource_types and held[position].none_of(rule.resource_types):
                    continue  # it would find nothing here
                if never_created and not rule.judges_never_created:
                    continue  # never deployed, it does nothing, but its secrets are written
                found = runner.hits(rule, document)
                if found and not rule.judges_never_created:
                    found = _as_deployed(found, rule, document, runner)
            except Exception as exc:  # one broken rule must not lose the scan
                if crash_stops:
                    raise _RuleCrashed from exc
                crashed = runner.rulebook.by_id[INTERNAL_ERROR_RULE]
                results.append((crashed, None, [_internal_error(rule, exc)]))
                continue
            if found:
                results.append((rule, document, found))  # one step: whole or none
            progress.done = at


def _as_deployed(found: list[Hit], rule: Rule, document: Document, runner: RuleRunner) -> list[Hit]:
    """The hits that still stand in what some deployment makes of the document (a kustomize
    base as each build patches it: guardlint.documents.registry.deployed_documents), all where
    each deploys it as written. A hit stands where one of them has a hit on the same resource
    with the same message, or at the same place with the same severity (a patch may change
    what a message says of the problem, or where the nearest place to a missing setting is):
    there it says what the first deployment's hit says, so that it is true of one deployment.
    A rule that judges what is written (`judges_never_created`: a secret) is not asked. Where
    telling fails (a rule that crashes on a deployed object), every hit stands: the rule's
    findings on the document as written are not lost to it."""
    try:
        deployed = deployed_documents(document)
        if deployed is None:
            return found
        standing: dict[tuple, Hit] = {}
        for each in deployed:
            for hit in runner.hits(rule, each):
                for key in _keys(hit):
                    standing.setdefault(key, hit)
    except Exception:  # the hits as found stand
        return found
    kept = []
    for hit in found:
        said, placed = _keys(hit)
        if said in standing:
            kept.append(hit)
        elif placed in standing:
            kept.append(replace(hit, message=standing[placed].message))
    return kept


def _keys(hit: Hit) -> tuple[tuple, tuple]:
    return (hit.resource, hit.message), (hit.resource, hit.region, hit.severity)


def _stop(
    timeout: FileTimeout,
    progress: _Progress,
    documents: list[Document],
    runner: RuleRunner,
    results: Results,
) -> Stop:
    # Linear in the documents, which the parser bounds (guardlint.documents: 1,000 a file).
    stage, position, index = progress.at
    document = documents[position]
    rules = runner.stages[stage].get(document.kind, [])
    rule = rules[index] if index < len(rules) else None
    # Its hits in, the budget may have run out before it was marked done.
    last = results[-1] if results else None
    if progress.done is progress.at or (
        last is not None and last[0] is rule and last[1] is document
    ):
        index += 1  # it finished; the budget ran out before the next one started
    missing = [later.id for later in rules[index:]]
    kinds = dict.fromkeys(later.kind for later in documents[position + 1 :])  # in run order
    missing += [later.id for kind in kinds for later in runner.stages[stage].get(kind, ())]
    return Stop(timeout, stage, rule, document, list(dict.fromkeys(missing)))
