"""Secrets set the Windows way, in a PowerShell or cmd script (a RUN after SHELL
["powershell", ...], a Windows buildspec, a UserData script): PowerShell's `$env:`, setx,
.NET's SetEnvironmentVariable and cmd's `set`, judged as `export` is."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets


def _found(line: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find_secrets(line)]


# ["powershell", ...], a Windows buildspec, a UserData script).
@pytest.mark.parametrize(
    "line,secret",
    [
        ("$env:DB_PASSWORD = 'S3cretPass1'; .\\migrate.exe", "S3cretPass1"),
        ('$Env:API_TOKEN="abc123def456"', "abc123def456"),
        ('setx /M DB_PASSWORD "Hunter2Hunter2"', "Hunter2Hunter2"),
        ("SETX.exe API_KEY Zx81kLmQ0pR7sT2v /M", "Zx81kLmQ0pR7sT2v"),
        ("[Environment]::SetEnvironmentVariable('API_TOKEN', 'q8Zr4mWx2LpV7nKt', 'Machine')",
         "q8Zr4mWx2LpV7nKt"),
        ('[System.Environment]::SetEnvironmentVariable("SECRET_KEY", "k8sT0ps3cret", '
         "[EnvironmentVariableTarget]::User)", "k8sT0ps3cret"),
        ("set DB_PASSWORD=R00tPassw0rd && app.exe", "R00tPassw0rd"),
        ("cmd /S /C SET API_TOKEN=abc123def456& app.exe", "abc123def456"),
    ],
)  # fmt: skip
def test_secret_variables_set_on_windows(line, secret):
    assert _found(line) == [("Secret Variable Assignment", secret)]


@pytest.mark.parametrize(
    "line",
    [
        "$env:DB_PASSWORD = $env:BUILD_PASSWORD",
        '$env:API_TOKEN = "$token"',
        "$env:API_TOKEN = Get-Content C:\\secrets\\token",
        "$env:DB_PASSWORD = 'changeme'",
        'setx /M PATH "C:\\tools;%PATH%"',
        "setx DB_PASSWORD %DB_PASSWORD%",
        "setx /M API_KEY $env:KEY_FROM_ARG",
        "[Environment]::SetEnvironmentVariable('DOTNET_CLI_TELEMETRY_OPTOUT', '1', 'Machine')",
        "[Environment]::SetEnvironmentVariable('API_TOKEN', $token, 'Machine')",
        "set DB_PASSWORD=%1 && app.exe",
        "set -o pipefail; reset TOKEN_TTL=3600",
        "helm upgrade app ./chart --set auth.password=$PW",
    ],
)
def test_windows_variables_without_a_literal_secret(line):
    assert _found(line) == []
