"""Where a project's build output and logs go: S3 artifacts or logs stored unencrypted
(CBD006) and build logging turned off (CBD007)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.codebuild.hits import project_hit, project_of
from guardlint.checks.registry import check
from guardlint.documents.codebuild.project import PROJECT, Project
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.scalars import key_of

ENABLED, DISABLED = "ENABLED", "DISABLED"
_OUTPUT = "build output (often packaged code and configuration) is"
_LOGS = "the logs, which often echo tokens and configuration, are"


@check("CBD006")
def artifacts_or_logs_unencrypted(document: Document, rule: Rule) -> Iterator[Hit]:
    """S3 artifacts or S3 logs with EncryptionDisabled true; with the `require_kms` option, a
    project with S3 output and no EncryptionKey (a key of its own)."""
    project = project_of(document)
    if project.type != PROJECT:
        return
    artifacts = [("Artifacts", a) for a in project.maps(project.props, "Artifacts")]
    artifacts += [
        (f"SecondaryArtifacts[{index}]", item)
        for _, index, item in project.items(project.props, "SecondaryArtifacts")
    ]
    stored = [(path, a) for path, a in artifacts if _is_s3(project, a)]
    s3_logs = [logs for logs in _logs(project, "S3Logs") if not _only(project, logs, DISABLED)]
    # (what is stored, where it is configured, what is exposed): build output and logs.
    outputs = [(f"{path} in S3", artifact, _OUTPUT) for path, artifact in stored]
    outputs += [("build logs in S3", logs, _LOGS) for logs in s3_logs]
    for what, container, exposed in outputs:
        if project.may_be_true(container, "EncryptionDisabled"):
            yield project_hit(
                project,
                f"{project.label} stores its {what} with EncryptionDisabled: {exposed} "
                "written unencrypted.",
                project.at(container, "EncryptionDisabled"),
                output=what,
            )
    unkeyed = key_of(project.props, "EncryptionKey") is None
    if rule.options.get("require_kms") and (stored or s3_logs) and unkeyed:
        yield project_hit(
            project,
            f"{project.label} writes build output to S3 without an EncryptionKey: it is "
            "encrypted with the AWS managed key aws/s3, whose use you cannot restrict.",
            project.region,
            output="EncryptionKey",
        )


@check("CBD007")
def logging_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    """CloudWatch Logs turned off while S3 logs are not on: the builds leave no log."""
    project = project_of(document)
    if project.type != PROJECT:
        return
    for cloudwatch in _logs(project, "CloudWatchLogs"):
        if not _may_be(project, cloudwatch, DISABLED):
            continue
        s3 = _logs(project, "S3Logs")
        if any(_may_be(project, logs, ENABLED) or _unknown(project, logs) for logs in s3):
            continue
        yield project_hit(
            project,
            f"{project.label} turns CloudWatch Logs off and writes no S3 logs: its builds "
            "leave no record of what they ran.",
            project.at(cloudwatch, "Status"),
        )


def _is_s3(project: Project, artifact: dict) -> bool:
    return any(kind.strip().upper() == "S3" for kind in project.strings(artifact, "Type"))


def _logs(project: Project, name: str) -> list[dict]:
    return [
        logs
        for config in project.maps(project.props, "LogsConfig")
        for logs in project.maps(config, name)
    ]


def _statuses(project: Project, logs: dict) -> set[str]:
    return {status.strip().upper() for status in project.strings(logs, "Status")}


def _may_be(project: Project, logs: dict, status: str) -> bool:
    return status in _statuses(project, logs)


def _only(project: Project, logs: dict, status: str) -> bool:
    return _statuses(project, logs) == {status}


def _unknown(project: Project, logs: dict) -> bool:
    """A Status that is written but cannot be resolved."""
    return key_of(logs, "Status") is not None and not _statuses(project, logs)
