"""What a buildspec's commands run: a downloaded script piped into a shell (CBD004) and TLS
certificate checks turned off (CBD005), by the very tests of the Dockerfile pack's DKR008 and
DKR017 (guardlint.knowledge.shell_commands)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.codebuild.hits import buildspec_of
from guardlint.checks.registry import check
from guardlint.documents.codebuild.buildspec import VARIABLES
from guardlint.knowledge.shell_commands import (
    first_tls_disabled,
    tls_variable_disables,
)
from guardlint.knowledge.shell_downloads import runs_downloaded_script
from guardlint.model import Document, Hit, Region, Rule


@check("CBD004")
def remote_script_pipe(document: Document, rule: Rule) -> Iterator[Hit]:
    """A command that pipes a download into an interpreter (`curl ... | sh`)."""
    buildspec = buildspec_of(document)
    for command in buildspec.commands:
        if runs_downloaded_script(command.text, command.shell):
            yield Hit(
                message=f"A command of the {command.phase} phase pipes a downloaded script "
                "straight into an interpreter: whatever the server (or anyone on the path) "
                "sends runs in the build, with the project's role and secrets.",
                region=command.region,
                resource=buildspec.resource(f"phase {command.phase}"),
            )


@check("CBD005")
def tls_verification_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    """A command, or an `env.variables` entry, that turns off TLS certificate checks."""
    buildspec = buildspec_of(document)
    for command in buildspec.commands:
        found = first_tls_disabled(command.shell)
        if found:
            yield _hit(found, f"the {command.phase} phase", command.region,
                       buildspec.resource(f"phase {command.phase}"))  # fmt: skip
    for entry in buildspec.entries(VARIABLES):
        if tls_variable_disables(entry.name, entry.written):
            setting = f"{entry.name}={entry.written}"
            yield _hit(setting, "env.variables", entry.region,
                       buildspec.resource(f"env {entry.name}"))  # fmt: skip


def _hit(setting: str, where: str, region: Region, resource: str) -> Hit:
    return Hit(
        message=f"{setting} in {where} turns off TLS certificate checks, so a "
        "man-in-the-middle can feed the build any package or script.",
        region=region,
        resource=resource,
        properties={"setting": setting},
    )
