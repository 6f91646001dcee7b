"""Build output and logs: unencrypted S3 artifacts or logs (CBD006), no build log (CBD007)."""

from __future__ import annotations

import pytest

from tests.checks.codebuild.helpers import scan_project
from tests.conftest import findings_of, lines_of


@pytest.mark.parametrize(
    ("artifacts", "lines"),
    [
        ("Artifacts: {Type: S3, Location: out, EncryptionDisabled: true}", [7]),
        ("Artifacts: {Type: s3, Location: out, EncryptionDisabled: 'true'}", [7]),
        ("Artifacts:\n  Type: S3\n  Location: out\n  EncryptionDisabled: true", [10]),
        (
            "Artifacts: {Type: NO_ARTIFACTS}\nSecondaryArtifacts:\n"
            "  - {ArtifactIdentifier: a, Type: S3, Location: out}\n"
            "  - {ArtifactIdentifier: b, Type: S3, Location: out, EncryptionDisabled: true}",
            [10],
        ),
        ("Artifacts: {Type: CODEPIPELINE, EncryptionDisabled: true}", []),
        ("Artifacts: {Type: NO_ARTIFACTS, EncryptionDisabled: true}", []),
        ("Artifacts: {Type: S3, Location: out, EncryptionDisabled: false}", []),
        ("Artifacts: {Type: S3, Location: out}", []),
        ("Artifacts: {Type: !Ref Kind, Location: out, EncryptionDisabled: true}", []),
    ],
)
def test_artifacts(tmp_path, artifacts, lines):
    parameters = "Parameters:\n  Kind: {Type: String}\n"
    assert lines_of(scan_project(tmp_path, artifacts, "CBD006", parameters), "CBD006") == lines


@pytest.mark.parametrize(
    ("s3_logs", "lines"),
    [
        ("{Status: ENABLED, Location: logs/app, EncryptionDisabled: true}", [9]),
        ("{Status: !Ref LogStatus, Location: logs/app, EncryptionDisabled: true}", [9]),
        ("{Status: DISABLED, EncryptionDisabled: true}", []),
        ("{Status: ENABLED, Location: logs/app}", []),
    ],
)
def test_s3_logs(tmp_path, s3_logs, lines):
    parameters = "Parameters:\n  LogStatus: {Type: String, Default: ENABLED}\n"
    properties = f"Artifacts: {{Type: NO_ARTIFACTS}}\nLogsConfig:\n  S3Logs: {s3_logs}\n"
    assert lines_of(scan_project(tmp_path, properties, "CBD006", parameters), "CBD006") == lines


@pytest.mark.parametrize(
    ("properties", "fires"),
    [
        ("Artifacts: {Type: S3, Location: out}", True),
        ("Artifacts: {Type: S3, Location: out}\nEncryptionKey: alias/build", False),
        ("Artifacts: {Type: CODEPIPELINE}", False),
        (
            "Artifacts: {Type: NO_ARTIFACTS}\n"
            "LogsConfig: {S3Logs: {Status: ENABLED, Location: logs/app}}",
            True,
        ),
    ],
)
def test_missing_encryption_key_only_with_require_kms(tmp_path, properties, fires):
    assert not findings_of(scan_project(tmp_path, properties, "CBD006"), "CBD006")
    options = {"rule_options": {"CBD006": {"require_kms": True}}}
    found = findings_of(scan_project(tmp_path, properties, "CBD006", **options), "CBD006")
    assert bool(found) == fires


@pytest.mark.parametrize(
    ("logs", "lines"),
    [
        ("LogsConfig:\n  CloudWatchLogs: {Status: DISABLED}", [8]),
        ("LogsConfig:\n  CloudWatchLogs:\n    Status: disabled\n  S3Logs: {Status: DISABLED}", [9]),
        ("LogsConfig:\n  CloudWatchLogs: {Status: !If [Quiet, DISABLED, ENABLED]}", [8]),
        ("LogsConfig:\n  CloudWatchLogs: {Status: DISABLED}\n  S3Logs: {Status: ENABLED}", []),
        ("LogsConfig:\n  CloudWatchLogs: {Status: DISABLED}\n  S3Logs: {Status: !Ref Logs}", []),
        ("LogsConfig:\n  CloudWatchLogs: {Status: ENABLED, GroupName: /build}", []),
        ("LogsConfig:\n  S3Logs: {Status: DISABLED}", []),
        ("Artifacts: {Type: NO_ARTIFACTS}", []),
    ],
)
def test_logging_disabled(tmp_path, logs, lines):
    parameters = (
        "Parameters:\n  Logs: {Type: String}\nConditions:\n  Quiet: !Equals [!Ref Logs, quiet]\n"
    )
    assert lines_of(scan_project(tmp_path, logs, "CBD007", parameters), "CBD007") == lines
