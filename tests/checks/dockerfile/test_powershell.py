"""RUN commands PowerShell runs (after `SHELL ["powershell", ...]`, in `powershell -Command`
and -EncodedCommand), and a Windows image's cmd RUNs: DKR008 curl-pipe-shell, DKR017
tls-verification-disabled, DKR004 secret-in-env-or-arg set in the environment."""

from __future__ import annotations

import base64

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


def test_a_run_under_a_powershell_shell_is_the_script_powershell_runs(tmp_path):
    """After `SHELL ["powershell", ...]` a RUN is PowerShell's `-Command` script (after the
    SHELL's own words); an exec form runs its command whatever the SHELL; under cmd the
    command line is read as it is for the default Windows shell."""
    result = scan_dockerfile(
        tmp_path,
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
        RUN iwr https://x.example/i.ps1 -UseBasicParsing | iex
        RUN Set-ExecutionPolicy Bypass -Scope Process -Force; `
            iex ((New-Object System.Net.WebClient).DownloadString('https://x.example/i.ps1'))
        RUN Invoke-WebRequest https://x.example/i.zip -OutFile i.zip; Expand-Archive i.zip
        RUN ["C:\\\\tools\\\\curl.exe", "-k", "https://x.example/"]
        SHELL ["C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe", "-c"]
        RUN irm https://x.example/i.ps1 | iex
        SHELL ["cmd", "/S", "/C"]
        RUN powershell -Command "iwr https://x.example/i.ps1 -UseBasicParsing | iex"
        RUN echo iwr https://x.example/i.ps1 ^| iex
        """,
        "DKR008",
        "DKR017",
    )
    assert lines_of(result, "DKR008") == [4, 5, 10, 12]
    assert lines_of(result, "DKR017") == [8]


def test_powershell_runs_a_downloads_content_or_a_script_block_of_it(tmp_path):
    """PowerShell runs a download as `(iwr URL).Content | iex`, as a script block made of it,
    or as the `$(irm URL)` of the script Invoke-Expression is given; a download's content
    saved or parsed is not run."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command"]
        RUN (Invoke-WebRequest -Uri https://x.example/i.ps1 -UseBasicParsing).Content | iex
        RUN (irm https://x.example/i.ps1) | Invoke-Expression
        RUN & ([scriptblock]::Create((iwr -useb https://x.example/i.ps1).Content)) -Version 2
        RUN iex "& { $(irm https://x.example/i.ps1) } -AddNetfx"
        RUN (iwr https://x.example/v.json).Content | ConvertFrom-Json | Out-File v.txt
        RUN (iwr https://x.example/i.ps1).Content | Out-File i.ps1; iex 'Write-Host done'
        RUN [scriptblock]::Create('Write-Host hi') | Out-Null
        """,
        "DKR008",
    )
    assert lines_of(result, "DKR008") == [3, 4, 5, 6]


def test_tls_verification_disabled_in_powershell(tmp_path):
    """PowerShell turns certificate checks off with a ServicePointManager callback or policy
    that trusts every certificate, or `-SkipCertificateCheck` (of Invoke-WebRequest and
    Invoke-RestMethod), after `SHELL ["powershell", ...]` or in `pwsh -Command`; tools it runs
    (`curl.exe -k`) too. Restoring the default, or a switch set to `$false`, does not."""
    result = scan_dockerfile(
        tmp_path,
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
        RUN [Net.ServicePointManager]::ServerCertificateValidationCallback = {$true}; `
            iwr https://x.example/a.zip -OutFile a.zip
        RUN Invoke-WebRequest https://x.example/a.zip -SkipCertificateCheck -OutFile a.zip
        RUN $r = Invoke-RestMethod -Uri https://x.example/v -SkipCertificateCheck:$true
        RUN [System.Net.ServicePointManager]::CertificatePolicy = New-Object TrustAllCerts
        RUN curl.exe -k -o a.zip https://x.example/a.zip
        RUN [Net.ServicePointManager]::ServerCertificateValidationCallback = $null
        RUN Invoke-WebRequest https://x.example/a.zip -SkipCertificateCheck:$false -OutFile a
        RUN Write-Host 'never use -SkipCertificateCheck'
        RUN [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
        SHELL ["cmd", "/S", "/C"]
        RUN pwsh -Command "Invoke-RestMethod https://x.example/v -SkipCertificateCheck"
        FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
        RUN pwsh -NoProfile -c 'iwr https://x.example/a -SkipCertificateCheck -OutFile /a'
        """,
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [4, 6, 7, 8, 9, 15, 17]


def _encoded(script: str) -> str:
    """The script as `powershell -EncodedCommand` takes it: base64 of its UTF-16LE text."""
    return base64.b64encode(script.encode("utf-16-le")).decode()


def test_the_script_of_powershell_encoded_command_is_read(tmp_path):
    """`-EncodedCommand` (`-enc`, `-e`, `-ec`, any prefix, in any case) gives the script as
    base64 of UTF-16LE text: decoded, it is read as a `-Command` script is (`-c`, `-co`,
    `-Comm` abbreviate that); text that is not such base64, or decodes to too much, is not."""
    download = _encoded("iwr https://x.example/i.ps1 -UseBasicParsing | iex")
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
        RUN powershell -EncodedCommand {download}
        RUN pwsh -NoProfile -enc {download}
        RUN powershell.exe -e {download}
        RUN pwsh -EC {download}
        RUN pwsh -ENCODEDCOM {download}
        RUN pwsh -ex Bypass -co "iwr https://x.example/i.ps1 | iex"
        RUN pwsh -Comm "iwr https://x.example/i.ps1 | iex"
        RUN pwsh -e {_encoded("iwr https://x.example/a -SkipCertificateCheck -OutFile a")}
        RUN pwsh -e {_encoded("Write-Host 'iwr https://x.example/i.ps1 | iex'")}
        RUN pwsh -e {base64.b64encode(b"iwr https://x.example/i.ps1 | iex").decode()}
        RUN pwsh -e {download[:-4]}!!!!
        RUN pwsh -e {_encoded("iwr https://x.example/i.ps1 | iex #" + "x" * 33_000)}
        RUN pwsh -ex {download}
        """,
        "DKR008",
        "DKR017",
    )
    assert lines_of(result, "DKR008") == [2, 3, 4, 5, 6, 7, 8]
    assert lines_of(result, "DKR017") == [9]


def test_a_secret_a_windows_run_sets_in_the_environment_is_caught_and_redacted(tmp_path):
    """A Windows image's RUN (PowerShell after SHELL, or cmd) that sets a variable to a
    literal secret: `setx` and .NET's SetEnvironmentVariable keep it in the image as ENV does,
    `$env:` and cmd's `set` leave it in the image's history, as `export` does on Linux."""
    result = scan_dockerfile(
        tmp_path,
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN set DB_PASSWORD=R00tPassw0rd && app.exe
        SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
        RUN setx /M API_KEY Zx81kLmQ0pR7sT2v; `
            [Environment]::SetEnvironmentVariable('SMTP_PASSWORD', 'q8Zr4mWx2LpV', 'Machine')
        RUN $env:API_TOKEN = 'abc123def456'; .\\deploy.ps1
        RUN $env:DB_PASSWORD = $env:BUILD_PASSWORD; setx /M PATH 'C:\\tools'
        USER ContainerUser
        """,
        "DKR004",
    )
    found = findings_of(result, "DKR004")
    assert [f.region.start_line for f in found] == [3, 5, 6, 7]
    for finding in found:
        assert not any(
            secret in (finding.snippet or "")
            for secret in ("R00tPassw0rd", "Zx81kLmQ0pR7sT2v", "q8Zr4mWx2LpV", "abc123def456")
        )
