"""Risky commands in RUN: a downloaded script run unread (DKR008), a world-writable mode
(DKR016, also COPY/ADD --chmod), TLS certificate checks turned off, in RUN, by ENV/ARG or in
a configuration file an instruction writes (DKR017). The commands are read by
guardlint.knowledge.shell_commands; those named by words alone (sudo, apt, upgrades) are the
`run-command` template's (guardlint.checks.templates.dockerfile)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of, where
from guardlint.checks.registry import check
from guardlint.knowledge.shell_commands import (
    first_tls_disabled,
    is_world_writable_mode,
    tls_variable_disables,
    world_writable_mode,
)
from guardlint.knowledge.shell_downloads import runs_downloaded_script
from guardlint.knowledge.tls_config_files import tls_disabled_in_config
from guardlint.model import Document, Hit, Rule


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


@check("DKR016")
def world_writable(document: Document, rule: Rule) -> Iterator[Hit]:
    """A RUN gives paths a mode every user may write (chmod, mkdir -m, install -m; not the
    sticky 1777 of /tmp), or a COPY or ADD does with --chmod."""
    for stage, instruction in model_of(document).each("RUN", "COPY", "ADD"):
        if instruction.keyword == "RUN":
            how = next(filter(None, map(world_writable_mode, instruction.commands)), None)
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
