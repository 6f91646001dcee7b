"""How the final image starts and is watched: HEALTHCHECK (DKR011), shell-form ENTRYPOINT and
CMD (DKR014), CMD or ENTRYPOINT given twice (DKR020)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import hit, in_stage, model_of
from guardlint.checks.registry import check
from guardlint.model import Document, Hit, Rule


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


@check("DKR014")
def shell_form_entrypoint(document: Document, rule: Rule) -> Iterator[Hit]:
    """The final stage's ENTRYPOINT or CMD is in shell form (under a POSIX shell)."""
    final = model_of(document).final_stage
    if final is None:
        return
    entrypoints = final.of("ENTRYPOINT")
    for keyword in ("ENTRYPOINT", "CMD"):
        instructions = final.of(keyword)
        if not instructions or instructions[-1].form != "shell" or not instructions[-1].posix_shell:
            continue
        effect = keyword
        if keyword == "CMD" and entrypoints and entrypoints[-1].form == "exec":
            effect = "CMD after an exec-form ENTRYPOINT"
        yield hit(
            instructions[-1],
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
