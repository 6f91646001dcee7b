"""Files a scanned file names that its tool reads as IaC of a kind guardlint judges, whatever
their names (guardlint.documents.registry NAMED_FILES: a Dockerfile a Compose service builds,
`dockerfile: docker/web.image`; a Compose file it includes or extends), scanned as that kind
when discovery passed them over by their names alone: each is then a file of the scan, its
findings at its own path and lines, its inline suppressions applied, cached like any other.

A named file is selected as discovery selects a path argument (guardlint.discover: inside the
scan root as the file system resolves it, never through a link out of it or into `.git`, a
regular file, the shard's), never one discovery selected anyway (under an IaC name: judged once,
as its name says), nor one in a directory discovery does not walk (`node_modules`, `.git`, a
virtual environment is another project's), nor one the scan excludes (`--exclude`, `exclude:`):
the user's word wins over a reference, and an exclusion costs an attacker nothing a reference
would recover, since a repository's own config can exclude the referring file as well. A
named file names files in turn, followed for MAX_ROUNDS rounds, at most MAX_NAMED_FILES in all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from guardlint.discover import SKIPPED_DIRS, discover
from guardlint.engine.options import ScanOptions
from guardlint.model.documents import SourceFile

MAX_ROUNDS = 4  # as deep as Compose includes are followed (compose_include.MAX_INCLUDE_DEPTH)
MAX_NAMED_FILES = 1_000  # files judged because another names them, in one scan


def named_sources(
    named: Iterable[tuple[str, str]],
    known: set[str],
    root: str,
    options: ScanOptions,
    room: int,
) -> list[SourceFile]:
    """The files among `named` ((path relative to `root`, kind), in order) to scan as their
    kind: see the module. `known`: the relative paths of the files scanned already, to which
    those selected are added; `room`: how many more may be selected."""
    selected: list[SourceFile] = []
    for rel_path, kind in named:
        if len(selected) >= room:
            break
        if rel_path in known or not _walked(rel_path):
            continue
        path = os.path.join(root, rel_path)
        if os.path.isdir(path):  # a directory is walked by discovery, not named
            continue
        found = discover(
            [path], root, options.excludes, options.shard, options.cdk_assets,
            statuses=options.cache_dir is not None, named_kind=kind,
        ).files  # fmt: skip
        for source in found:
            if source.rel_path not in known:
                known.add(source.rel_path)
                selected.append(source)
    return selected


def _walked(rel_path: str) -> bool:
    """Whether discovery walks the directories on the way to the file, at every name."""
    parts = rel_path.split(os.sep)
    return parts[0] != os.pardir and not any(part in SKIPPED_DIRS for part in parts[:-1])
