"""What a rule pack may tell the engine about its files, without the engine knowing any rule.

A built-in pack answers through functions of its package, guardlint/checks/<pack>/__init__.py,
which is imported to ask before any of its checks runs: it must import nothing heavy. The
engine asks a pack only about files that may hold documents of the pack's kinds, and only a
pack with an enabled rule. The hooks:

- `shares_costly_setup(source: SourceFile, content: bytes, rules: Mapping[str, Rule]) -> bool`:
  scanning this file imports something slow once per process (AWS's SAM translator: a quarter
  of a second; bandit: a tenth), so such files go to one worker together (guardlint.parallel).
  Asked only when the scan uses several processes; `content` is the file's bytes, `rules` the
  enabled rules by ID.
- `loaded_before_workers(source: SourceFile, content: bytes, rules: Mapping[str, Rule])
  -> Callable[[], object] | None`: what scanning this file builds once per process that every
  worker would build again (the whole IAM action database: 40-90 ms; AWS's SAM translator,
  which more templates than one worker's share had every process load), so that this process
  builds it once before the workers fork and they inherit it (where the files that need it
  fall in more than one worker's chunk: guardlint.parallel); None when it needs nothing.
  Asked, like the other, only when the scan uses several processes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

from guardlint.checks.registry import pack_package
from guardlint.documents.classify import document_kinds
from guardlint.engine.rule_runner import FILE_KIND
from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule
from guardlint.parse.text import peek

SHARES_COSTLY_SETUP = "shares_costly_setup"
LOADED_BEFORE_WORKERS = "loaded_before_workers"
HOOKS = (SHARES_COSTLY_SETUP, LOADED_BEFORE_WORKERS)


class WorkerPlan(NamedTuple):
    """What the packs say about a scan's files before its workers start
    (guardlint.parallel.in_order's `together` and `before_fork`)."""

    together: list[int]  # the indexes of the files that share a costly setup
    # What to build once, before the workers fork, with the indexes of the files that need it.
    before_fork: dict[Callable[[], object], list[int]]


def _pack_kinds(rules: Sequence[Rule]) -> dict[str, set[str]]:
    """The document kinds each built-in pack's enabled rules inspect."""
    kinds: dict[str, set[str]] = {}
    for rule in rules:
        if not rule.custom:
            kinds.setdefault(rule.pack, set()).update(rule.kinds)
    return kinds


def _pack_hooks(source_kind: str, pack_kinds: dict[str, set[str]]) -> dict[str, list[Callable]]:
    """Each hook's functions, of the packs whose kinds a file of this kind may hold."""
    kinds = document_kinds(source_kind) | {FILE_KIND}
    # A pack's package is imported to ask it, not before: a Dockerfile scan loads no
    # CloudFormation module (tests/test_startup.py).
    packages = [importlib.import_module(pack_package(pack)) for pack, wanted in
                pack_kinds.items() if wanted & kinds]  # fmt: skip
    found = {name: [getattr(package, name, None) for package in packages] for name in HOOKS}
    return {name: [hook for hook in hooks if hook is not None] for name, hooks in found.items()}


def worker_plan(files: Sequence[SourceFile], rules: Sequence[Rule], max_bytes: int) -> WorkerPlan:
    """The files that a pack says share a costly setup, and what the packs say to build before
    the workers fork (each once, in the order first asked for)."""
    enabled = {rule.id: rule for rule in rules}
    pack_kinds = _pack_kinds(rules)
    hooks_by_source_kind: dict[str, dict[str, list[Callable]]] = {}
    plan = WorkerPlan([], {})
    for index, source in enumerate(files):
        if source.kind not in hooks_by_source_kind:
            hooks_by_source_kind[source.kind] = _pack_hooks(source.kind, pack_kinds)
        hooks = hooks_by_source_kind[source.kind]
        if not any(hooks.values()):
            continue
        content = peek(source.path, max_bytes, source.root)
        if any(hook(source, content, enabled) for hook in hooks[SHARES_COSTLY_SETUP]):
            plan.together.append(index)
        for hook in hooks[LOADED_BEFORE_WORKERS]:
            load = hook(source, content, enabled)
            if load is not None:
                plan.before_fork.setdefault(load, []).append(index)
    return plan
