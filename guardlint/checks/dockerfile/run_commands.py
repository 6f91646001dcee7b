"""Risky commands in RUN: a downloaded script run unread (DKR008), a world-writable mode
(DKR016, also COPY/ADD --chmod), TLS certificate checks turned off, in RUN, by ENV/ARG or in
a configuration file an instruction writes (DKR017). The commands are read by
guardlint.knowledge.shell_commands, shell_downloads and tls_commands; those named by words
alone (sudo, apt, upgrades) are the `run-command` template's
(guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of, where
from guardlint.checks.dockerfile.layer_files import PATH_MAX
from guardlint.checks.registry import check
from guardlint.knowledge.shell_commands import (
    is_world_writable_mode,
    operands,
    world_writable_mode,
)
from guardlint.knowledge.shell_downloads import runs_downloaded_script
from guardlint.knowledge.tls_commands import first_tls_disabled, tls_variable_disables
from guardlint.knowledge.tls_config_files import tls_disabled_in_config
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.shell import Command

_GLOB = re.compile(r"[*?[]")


@check("DKR008")
def curl_pipe_shell(document: Document, rule: Rule) -> Iterator[Hit]:
    """A RUN pipes a download into an interpreter (`curl ... | sh`, `bash <(curl ...)`)."""
    for stage, instruction in model_of(document).runs():
        if runs_downloaded_script(instruction.script or "", instruction.commands):
            yield hit(
                instruction,
                stage,
                f"RUN in {in_stage(stage, instruction)} pipes a downloaded script straight into an "
                "interpreter: whatever the server (or anyone on the path) sends runs in the "
                "build unreviewed.",
            )


class _Removals:
    """What the `rm`s after a point of a RUN delete, gathered walking the RUN backwards: the
    words they were given (`"$tempDir"`), the absolute paths (and what is below them), and the
    directories whose entries a `DIR/*` deletes. A path is looked up by its own text and that
    of each directory above it: no comparison of every path with every removal."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.paths: set[str] = set()
        self.entries_of: set[str] = set()

    def add(self, command: Command) -> None:
        for removed in operands(command.args):
            self.words.add(removed)
            if not removed.startswith("/") or "$" in removed or len(removed) > PATH_MAX:
                continue
            path = posixpath.normpath(removed)
            if path.endswith("/*") and not _GLOB.search(path[:-2]):
                self.entries_of.add(path[:-2] or "/")
            elif not _GLOB.search(path):
                self.paths.add(path)

    def delete(self, path: str) -> bool:
        if path in self.words:
            return True
        if not path.startswith("/") or "$" in path or len(path) > PATH_MAX:
            return False
        path = posixpath.normpath(path)
        if path in self.paths:
            return True
        while path not in ("/", "//", ""):
            path = posixpath.dirname(path)
            if path in self.paths or path in self.entries_of:
                return True
        return False


def _world_writable_in_layer(commands: list[Command]) -> str | None:
    """How the first command that gives paths a mode every user may write does, unless the
    same RUN removes every one of those paths afterwards (nginx's temporary build directory):
    no layer keeps the mode then."""
    removals, found = _Removals(), None
    for command in reversed(commands):
        how = world_writable_mode(command)
        if how is not None:
            mode = how.rsplit(" ", 1)[-1]
            paths = [word for word in operands(command.args) if word != mode]
            if not paths or not all(map(removals.delete, paths)):
                found = how
        if command.program == "rm":
            removals.add(command)
    return found


@check("DKR016")
def world_writable(document: Document, rule: Rule) -> Iterator[Hit]:
    """A RUN gives paths a mode every user may write (chmod, mkdir -m, install -m; not the
    sticky 1777 of /tmp) that it does not remove again, or a COPY or ADD does with --chmod."""
    for stage, instruction in model_of(document).each("RUN", "COPY", "ADD"):
        if instruction.keyword == "RUN":
            how = _world_writable_in_layer(instruction.commands)
        else:
            mode = instruction.flag("chmod") or ""
            how = f"{instruction.keyword} --chmod={mode}" if is_world_writable_mode(mode) else None
        if how and stage is not None:
            yield hit(
                instruction,
                stage,
                f"{how} in {in_stage(stage, instruction)} makes paths writable by every "
                "user in the container, so any process can replace code or data there.",
            )


@check("DKR017")
def tls_verification_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    """A RUN command, or an ENV or ARG variable, turns off TLS certificate checks; or a RUN,
    COPY or ADD writes a setting that does into a tool's configuration file."""
    model = model_of(document)
    for stage, instruction in model.each("RUN", "ENV", "ARG", "COPY", "ADD"):
        found: str | None = None
        if instruction.keyword == "RUN":
            found = first_tls_disabled(instruction.commands)
        if instruction.keyword in ("RUN", "COPY", "ADD"):
            found = found or tls_disabled_in_config(instruction.original)
        elif instruction.keyword in ("ENV", "ARG"):
            for name, value in instruction.assignments:
                if value is not None and tls_variable_disables(name, value):
                    found = f"{name}={value}"
                    break
        if found:
            yield hit(
                instruction,
                stage,
                f"{found} in {where(stage, instruction)} turns off TLS certificate checks, so a "
                "man-in-the-middle can feed the build any package or script.",
                properties={"setting": found},
            )
