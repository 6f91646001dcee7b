"""DKR018 secret-removed-in-later-layer in a Windows stage: a RUN deletes a copied file with
PowerShell's Remove-Item (ri, rm, del, erase, rd, rmdir) or cmd's del, erase, rd and rmdir,
paths compared as Windows reads them (`\\` or `/`, in either case, `C:` the root). Linux
stages keep their case and their `rm`."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of

SERVERCORE = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
PS = 'SHELL ["powershell", "-Command"]\n'
COPY = "COPY id_rsa C:/build/id_rsa\n"
KEY = r"C:\build\id_rsa"


@pytest.mark.parametrize(
    ("lines", "path"),
    [
        (PS + COPY + r"RUN Remove-Item -Path C:\\build\\id_rsa -Force", KEY),
        (PS + r"COPY .env C:\\app\\.env" "\n" r"RUN del C:\\app\\.env", r"C:\app\.env"),
        (PS + "COPY deploy.key C:/secrets/\n" r"RUN Remove-Item C:\\Secrets -Recurse -Force",
         r"C:\secrets\deploy.key"),
        (PS + "COPY ID_RSA C:/Build/\n" r"RUN ri -LiteralPath c:\\build\\id_rsa", KEY),
        (PS + "COPY id_rsa /build/id_rsa\nRUN rm C:/BUILD/ID_RSA -ErrorAction Ignore", KEY),
        (PS + r"WORKDIR C:\\app" "\nCOPY server.pfx .\nRUN Import-PfxCertificate -FilePath "
         r"server.pfx -CertStoreLocation Cert:\\LocalMachine\\My; Remove-Item server.pfx",
         r"C:\app\server.pfx"),
        (PS + COPY + r"RUN cd C:\\build; Remove-Item id_rsa -WhatIf:$false", KEY),
        (r"COPY id_rsa C:\\build\\id_rsa" "\n" r"RUN del /f /q C:\\build\\id_rsa", KEY),
        (r"COPY .aws C:\\Users\\ContainerUser\\.aws" "\n"
         r"RUN rd /s /q C:\\Users\\ContainerUser\\.aws", r"C:\users\containeruser\.aws"),
        (COPY + r"RUN cd /d C:\\build && erase id_rsa", KEY),
        (COPY + r"""RUN powershell -Command "Remove-Item 'C:\\build\\id_rsa'" """, KEY),
        (COPY + 'RUN ["powershell", "-Command", "Remove-Item C:/build/id_rsa"]', KEY),
        (PS + COPY + r'RUN cmd /c "del C:\\build\\id_rsa"', KEY),
        (PS + COPY + "RUN try { Remove-Item C:/build/id_rsa -Force } catch { exit 1 }", KEY),
        ("COPY id_rsa D:/build/id_rsa\n" r"RUN rmdir /s /q d:\\build", r"D:\build\id_rsa"),
    ],
)  # fmt: skip
def test_a_windows_run_deletes_a_copied_key(tmp_path, lines, path):
    result = scan_dockerfile(tmp_path, SERVERCORE + lines + "\n", "DKR018")
    found = [(f.properties["path"], f.severity) for f in findings_of(result, "DKR018")]
    assert found == [(path, Severity.HIGH)]


@pytest.mark.parametrize(
    "lines",
    [
        PS + COPY + r"RUN Remove-Item C:\\build\\other.txt",
        PS + COPY + r"RUN Remove-Item D:\\build\\id_rsa",
        PS + COPY + "RUN Remove-Item C:/build/id_rsa -WhatIf",
        PS + "COPY k.key C:/s/k.key\n" r"RUN Remove-Item C:\\s\\* -Include *.tmp",
        PS + "COPY k.key C:/s/k.key\nRUN Remove-Item C:/s -Recurse -Exclude *.key",
        PS + COPY + r"RUN Remove-Item $env:TEMP\\id_rsa; Remove-Item (Join-Path C:/build id_rsa)",
        PS + COPY + r"RUN Remove-Item Cert:\\LocalMachine\\My\\AB",
        PS + COPY + "RUN cd $env:BUILD; Remove-Item id_rsa",
        COPY + r"RUN del /q C:\\other",
        COPY + r"RUN echo del C:\\build\\id_rsa",
        PS + "RUN Set-Content C:/build/id_rsa x; Remove-Item C:/build/id_rsa",
    ],
)
def test_a_windows_run_that_deletes_no_copied_file(tmp_path, lines):
    result = scan_dockerfile(tmp_path, SERVERCORE + lines + "\n", "DKR018")
    assert findings_of(result, "DKR018") == []


def test_linux_stages_keep_their_case_and_their_rm(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS one
        COPY ID_RSA /build/
        RUN rm /build/id_rsa
        FROM alpine:3.22 AS two
        COPY id_rsa /build/id_rsa
        RUN del C:/build/id_rsa; Remove-Item /build/id_rsa
        FROM alpine:3.22
        COPY id_rsa /build/id_rsa
        RUN rm /build/id_rsa
        """,
        "DKR018",
    )
    assert lines_of(result, "DKR018") == [9]


def test_a_linux_stage_the_escape_directive_alone_made_windows_keeps_its_rm(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        "# escape=`\nFROM alpine:3.22\nCOPY id_rsa /b/id_rsa\nRUN rm /b/id_rsa\n",
        "DKR018",
    )
    assert lines_of(result, "DKR018") == [4]


@pytest.mark.parametrize(
    ("lines", "path"),
    [
        (PS + COPY + "RUN Get-ChildItem C:/build | Remove-Item -Force", KEY),
        (PS + COPY + r"RUN gci -Path C:\\build -Recurse | rm -Force -Recurse", KEY),
        (PS + COPY + "RUN ls C:/Build -Force | ri", KEY),
        (PS + COPY + "RUN Get-Item C:/build/id_rsa | Remove-Item", KEY),
        (PS + COPY + r"RUN gi -LiteralPath C:\\build\\id_rsa | del -Confirm:$false", KEY),
        (PS + COPY + "RUN cd C:/build; dir . | Remove-Item -Recurse", KEY),
        (COPY + r"""RUN powershell -Command "Get-ChildItem C:\\build | Remove-Item" """, KEY),
    ],
)  # fmt: skip
def test_a_windows_run_deletes_what_a_listing_pipes_to_remove_item(tmp_path, lines, path):
    result = scan_dockerfile(tmp_path, SERVERCORE + lines + "\n", "DKR018")
    assert [f.properties["path"] for f in findings_of(result, "DKR018")] == [path]


@pytest.mark.parametrize(
    "lines",
    [
        # what the listing selects, or what the pipeline keeps of it, is less than the path
        PS + COPY + "RUN Get-ChildItem C:/build -Filter *.tmp | Remove-Item",
        PS + COPY + "RUN gci C:/build *.tmp | Remove-Item",
        PS + COPY + "RUN gci C:/build -Include *.log -Recurse | Remove-Item",
        PS + COPY + "RUN gci C:/build -Exclude id_rsa | Remove-Item",
        PS + COPY + "RUN gci C:/build -Directory | Remove-Item -Recurse",
        PS + COPY + "RUN gci C:/build | Where-Object { $_.Name -like '*.tmp' } | Remove-Item",
        PS + COPY + "RUN gci C:/build | Remove-Item -Include *.tmp",
        PS + COPY + "RUN gci C:/build | Remove-Item -WhatIf",
        PS + COPY + "RUN gci $env:BUILD | Remove-Item",
        PS + COPY + "RUN gci C:/other | Remove-Item",
        PS + COPY + "RUN Get-Content C:/list.txt | Remove-Item",
        PS + COPY + "RUN gci C:/build; Remove-Item -Force",  # not a pipeline
        # cmd's del takes no input from a pipe
        COPY + "RUN dir C:\\build | del /q",
    ],
)
def test_a_windows_pipeline_that_deletes_no_copied_file(tmp_path, lines):
    assert lines_of(scan_dockerfile(tmp_path, SERVERCORE + lines + "\n", "DKR018"), "DKR018") == []
