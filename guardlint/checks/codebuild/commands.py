"""What a buildspec's commands run: a downloaded script piped into a shell (CBD004) and TLS
certificate checks turned off (CBD005), by the very tests of the Dockerfile pack's DKR008 and
DKR017 (guardlint.knowledge.shell_downloads, guardlint.knowledge.tls_commands)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.codebuild.hits import buildspec_of, project_of
from guardlint.checks.registry import check
from guardlint.documents.codebuild.project import PIPELINE_ACTION, PROJECT
from guardlint.knowledge.shell_downloads import runs_downloaded_script
from guardlint.knowledge.tls_commands import (
    first_tls_disabled,
    powershell_tls_disabled,
    tls_variable_disables,
)
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


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
    """A command, an `env.variables` entry (a batch build's too), or a project's plaintext
    environment variable that turns off TLS certificate checks (any value CloudFormation may
    deploy for it; the variables a CodePipeline CodeBuild action overrides them with too), or a
    project source fetched with InsecureSsl."""
    if document.kind != "buildspec":
        project = project_of(document)
        if project.type in (PROJECT, PIPELINE_ACTION):
            for name, variable, deployed in project.plaintext_variables():
                value = _disabling(name, deployed.strings(variable, "Value"))
                if value is not None:
                    yield _hit(f"{name}={value}", f"the environment of {project.label}",
                               project.at(variable, "Value"), project.label)  # fmt: skip
            for path, source in project.sources():
                # Ignores the source server's certificate (GitHub Enterprise; false by default).
                if project.may_be_true(source, "InsecureSsl"):
                    yield _hit(f"{path}.InsecureSsl: true", f"the sources of {project.label}",
                               project.at(source, "InsecureSsl"), project.label)  # fmt: skip
        return
    buildspec = buildspec_of(document)
    for command in buildspec.commands:
        found = first_tls_disabled(command.shell)
        if not found and buildspec.may_run_powershell:
            found = next(filter(None, map(powershell_tls_disabled, command.shell)), None)
        if found:
            yield _hit(found, f"the {command.phase} phase", command.region,
                       buildspec.resource(f"phase {command.phase}"))  # fmt: skip
    for entry in buildspec.variables():
        if entry.value is None:
            continue  # `NAME:` with no value: CodeBuild sets nothing
        deployed = [entry.written]
        if buildspec.project is not None:
            template = buildspec.project.template
            deployed += template.resolved_strings(buildspec.as_deployed(entry.value))
        value = _disabling(entry.name, deployed)
        if value is not None:
            yield _hit(f"{entry.name}={value}", entry.section, entry.region,
                       buildspec.resource(f"env {entry.name}"))  # fmt: skip


def _disabling(name: str, values: list[str]) -> str | None:
    """The first of a variable's possible values that turns TLS checks off, if one does."""
    return next((value for value in values if tls_variable_disables(name, value)), None)


def _hit(setting: str, where: str, region: Region, resource: str) -> Hit:
    return Hit(
        message=f"{setting} in {where} turns off TLS certificate checks, so a "
        "man-in-the-middle can feed the build any package or script.",
        region=region,
        resource=resource,
        properties={"setting": setting},
    )
