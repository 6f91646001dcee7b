"""Files a scanned file names that its tool reads as IaC of a kind guardlint judges, whatever
their names (guardlint.documents.registry NAMED_FILES: a Dockerfile a Compose service builds,
`dockerfile: docker/web.image`; a Compose file it includes or extends), scanned as that kind
when discovery passed them over by their names alone: each is then a file of the scan, its
findings at its own path and lines, its inline suppressions applied, cached like any other.

A named file is selected as discovery selects a path argument (guardlint.discover: inside the
scan root as the file system resolves it, never through a link out of it or into `.git`, a
regular file, not in a CDK asset folder unless `--cdk-assets`), never one discovery selected
anyway (under an IaC name: judged once, as its name says), nor one in a directory discovery
does not walk (`node_modules`, `.git`, a virtual environment is another project's), nor one the
scan excludes (`--exclude`, `exclude:`): the user's word wins over a reference, and an
exclusion costs an attacker nothing a reference would recover, since a repository's own config
can exclude the referring file as well. A named file names files in turn, followed for
MAX_ROUNDS rounds, at most MAX_NAMED_FILES in all.

With `--shard`, a named file the walk may select (an IaC name, below a path scanned) is its own
slice's, as the walk's files are; any other is judged by every slice that holds a file naming it,
whatever its own slice: only there is it known to be named. `guardlint merge` keeps one of the
repeats (SharedFile tells them apart), so the slices join into the whole scan's report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NamedTuple

from guardlint.discover import SKIPPED_DIRS, discover
from guardlint.discover.names import kind_by_name
from guardlint.engine.options import ScanOptions
from guardlint.model.documents import SourceFile
from guardlint.parse.inputs import lies_inside

MAX_ROUNDS = 4  # as deep as Compose includes are followed (compose_include.MAX_INCLUDE_DEPTH)
MAX_NAMED_FILES = 1_000  # files judged because another names them, in one scan


class NamedSource(NamedTuple):
    """A named file selected to be scanned."""

    source: SourceFile
    skipped_by_name: bool  # the walk reached it and counted it as not IaC by name
    every_slice: bool  # with --shard: judged by each slice naming it, not by its own alone


class SharedFile(NamedTuple):
    """What a slice (`--shard`) adds to the scan's counts by judging a named file that every
    slice naming it judges: `guardlint merge` counts each such file once."""

    status: str  # scanned, skipped, unparsable
    skip_reason: str | None  # why it was skipped (not IaC by content), if it was
    kinds: tuple[str, ...]  # its documents' kinds, sorted, one per document
    skipped_by_name: bool


def named_sources(
    named: Iterable[tuple[str, str]],
    known: set[str],
    root: str,
    options: ScanOptions,
    room: int,
) -> list[NamedSource]:
    """The files among `named` ((path relative to `root`, kind), in order) to scan as their
    kind: see the module. `known`: the relative paths of the files scanned already, to which
    those selected are added; `room`: how many more may be selected."""
    walked = [os.path.abspath(path) for path in options.paths]
    selected: list[NamedSource] = []
    for rel_path, kind in named:
        if len(selected) >= room:
            break
        if rel_path in known or not _walked(rel_path):
            continue
        path = os.path.join(root, rel_path)
        if os.path.isdir(path):  # a directory is walked by discovery, not named
            continue
        below = any(lies_inside(path, walked_path) for walked_path in walked)
        by_name = kind_by_name(os.path.basename(path)) is not None
        every_slice = options.shard is not None and not (by_name and below)
        found = discover(
            [path], root, options.excludes, None if every_slice else options.shard,
            options.cdk_assets, statuses=options.cache_dir is not None, named_kind=kind,
        ).files  # fmt: skip
        for source in found:
            if source.rel_path not in known:
                known.add(source.rel_path)
                selected.append(NamedSource(source, below and not by_name, every_slice))
    return selected


def _walked(rel_path: str) -> bool:
    """Whether discovery walks the directories on the way to the file, at every name."""
    parts = rel_path.split(os.sep)
    return parts[0] != os.pardir and not any(part in SKIPPED_DIRS for part in parts[:-1])
