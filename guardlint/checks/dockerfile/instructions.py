"""How the final image starts and is watched: HEALTHCHECK (DKR011), shell-form ENTRYPOINT and
CMD (DKR014), CMD or ENTRYPOINT given twice (DKR020)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of
from guardlint.checks.registry import check
from guardlint.documents.dockerfile_model import Stage
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.shell import commands


@check("DKR011")
def missing_healthcheck(document: Document, rule: Rule) -> Iterator[Hit]:
    """The final stage has no HEALTHCHECK, nor a stage it is built FROM."""
    model = model_of(document)
    final = model.final_stage
    if final is None:
        return
    if any(stage.of("HEALTHCHECK") for stage in model.stage_chain(final)):
        return
    yield hit(
        final.from_instruction,
        final,
        f"The final stage {final.label} has no HEALTHCHECK, so Docker and orchestrators that "
        "read it cannot tell a hung container from a healthy one.",
    )


_SHELL_FORM_EFFECT = {
    "ENTRYPOINT": "/bin/sh becomes PID 1, so the application never receives SIGTERM and stops "
    "are not graceful (and CMD is ignored).",
    "CMD": "/bin/sh becomes PID 1, so the application never receives SIGTERM and stops are "
    "not graceful.",
    "CMD after an exec-form ENTRYPOINT": "the ENTRYPOINT receives `/bin/sh -c <command>` as "
    "its arguments instead of the command's own words.",
}


def _in_force(chain: list[Stage]) -> dict[str, Instruction]:
    """The ENTRYPOINT and CMD the final stage (chain[0]) runs with, from the stage chain: each
    is inherited until a stage sets it, and a stage that sets ENTRYPOINT but no CMD clears the
    CMD it inherited (Docker's reference, ENTRYPOINT)."""
    found: dict[str, Instruction] = {}
    cmd_cleared = False
    for stage in chain:
        entrypoints, cmds = stage.of("ENTRYPOINT"), stage.of("CMD")
        if cmds and "CMD" not in found and not cmd_cleared:
            found["CMD"] = cmds[-1]
        if entrypoints and "ENTRYPOINT" not in found:
            found["ENTRYPOINT"] = entrypoints[-1]
        cmd_cleared = cmd_cleared or bool(entrypoints)
    return found


def _execs_application(instruction: Instruction) -> bool:
    """A shell form whose last command is `exec program ...` on the script's own streams:
    the program replaces the shell as PID 1 and receives the signals."""
    parsed = commands(instruction.value)
    last = parsed[-1] if parsed else None
    return (
        last is not None
        and last.words[:1] == ["exec"]
        and len(last.words) > 1
        and last.input_stream is None
    )


@check("DKR014")
def shell_form_entrypoint(document: Document, rule: Rule) -> Iterator[Hit]:
    """The ENTRYPOINT or CMD in force in the final stage (its own or inherited from a stage it
    is built FROM) is in shell form (under a POSIX shell) and does not exec the application."""
    model = model_of(document)
    final = model.final_stage
    if final is None:
        return
    in_force = _in_force(model.stage_chain(final))
    entrypoint = in_force.get("ENTRYPOINT")
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = in_force.get(keyword)
        if instruction is None or instruction.form != "shell" or not instruction.posix_shell:
            continue
        if _execs_application(instruction):
            continue
        effect = keyword
        if keyword == "CMD" and entrypoint is not None and entrypoint.form == "exec":
            effect = "CMD after an exec-form ENTRYPOINT"
        yield hit(
            instruction,
            final,
            f"{keyword} of the final stage {final.label} is in shell form: "
            + _SHELL_FORM_EFFECT[effect],
        )


@check("DKR020")
def multiple_entrypoints(document: Document, rule: Rule) -> Iterator[Hit]:
    """A stage has more than one CMD or ENTRYPOINT: each but the last is overridden."""
    for stage in model_of(document).stages:
        for keyword in ("CMD", "ENTRYPOINT"):
            instructions = stage.of(keyword)
            for ignored in instructions[:-1]:
                yield hit(
                    ignored,
                    stage,
                    f"{in_stage(stage).capitalize()} has {len(instructions)} {keyword} "
                    f"instructions; this one is overridden by line {instructions[-1].start_line}.",
                )
