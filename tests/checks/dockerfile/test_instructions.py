"""Instructions: DKR011 missing-healthcheck, DKR014 shell-form-entrypoint, DKR020
multiple-entrypoints; and the declarative DKR010 expose-ssh, DKR021 relative-workdir, DKR025
maintainer-deprecated."""

from __future__ import annotations

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


def test_final_stage_healthcheck_shell_form_and_overridden_entrypoints(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM node:22 AS build
        CMD npm test
        HEALTHCHECK CMD curl -f http://localhost/
        FROM node:22-slim
        ENTRYPOINT ["node"]
        CMD server.js
        CMD ["server.js"]
        ENTRYPOINT node
        """,
        "DKR011",
        "DKR014",
        "DKR020",
    )
    assert lines_of(result, "DKR011") == [4]
    assert lines_of(result, "DKR014") == [8]
    assert lines_of(result, "DKR020") == [5, 6]


def test_declarative_rules_point_at_the_instruction(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM ubuntu:24.04 AS base
        MAINTAINER someone
        EXPOSE 8080 22/udp
        EXPOSE 2222
        EXPOSE 22/TCP
        WORKDIR app
        WORKDIR /srv
        WORKDIR ${HOME}
        """,
        "DKR010",
        "DKR021",
        "DKR025",
    )
    assert lines_of(result, "DKR010") == [3, 5]
    assert lines_of(result, "DKR021") == [6]
    assert lines_of(result, "DKR025") == [2]
    assert findings_of(result, "DKR010")[0].resource == "Dockerfile stage base"


def test_relative_workdir_through_a_variable(tmp_path):
    text = (
        "FROM alpine:3.22\nARG DIR=app\nWORKDIR $DIR\nARG ROOT\nWORKDIR $ROOT/x\nWORKDIR ${NOPE}\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR021"), "DKR021") == [3]


def test_windows_workdir_written_with_single_backslashes_is_absolute(tmp_path):
    """Without an escape directive the lexer reads `C:\\app` as `C:app` and `\\app` as `app`, but
    the path as written names the drive's root: a Windows path, not one relative to the
    previous WORKDIR."""
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'WORKDIR C:\\app\nWORKDIR c:/inetpub\nWORKDIR "D:\\data"\nWORKDIR \\tools\n'
        "WORKDIR app\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR021"), "DKR021") == [6]


def test_ssh_port_in_ranges_leading_zeros_and_variables(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM ubuntu:24.04
        EXPOSE 20-25
        EXPOSE 0022
        EXPOSE 22/udp 8080/tcp
        ARG PORT=22
        EXPOSE $PORT
        ARG UNKNOWN
        EXPOSE 23-80 2222 122 221/tcp $UNKNOWN 99999 0
        """,
        "DKR010",
    )
    assert lines_of(result, "DKR010") == [2, 3, 4, 6]
    assert findings_of(result, "DKR010")[0].message.startswith(
        "EXPOSE 20-25 in stage 0 publishes SSH port 22:"
    )


def test_ssh_port_behind_a_host_port_mapping(tmp_path):
    """EXPOSE still takes `[ip:]host:container` (BuildKit's ExposeInvalidFormat check only
    warns): the container port, after the last colon, is the one the image declares."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM ubuntu:24.04
        EXPOSE 2222:22
        EXPOSE 127.0.0.1:2222:22/tcp
        EXPOSE 8000-8100:20-25
        EXPOSE 22:2222 0.0.0.0:22:8080 22:
        """,
        "DKR010",
    )
    assert lines_of(result, "DKR010") == [2, 3, 4]


def test_shell_form_that_execs_the_application_is_not_reported(tmp_path):
    """`exec` replaces the shell with the application, which then is PID 1 and gets the
    signals: the fix Docker's reference gives for a shell-form ENTRYPOINT."""
    text = (
        "FROM python:3.13-slim\n"
        "ENTRYPOINT exec gunicorn --bind :$PORT main:app\n"
        "CMD cd /app && exec python -m app\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR014"), "DKR014") == []


def test_shell_form_whose_exec_is_not_the_last_command_is_reported(tmp_path):
    text = "FROM python:3.13-slim\nCMD exec python -m app | tee log\nENTRYPOINT exec\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR014"), "DKR014") == [2, 3]


def test_shell_form_inherited_from_the_stage_the_final_one_is_built_from(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM node:22 AS base
        CMD npm start
        FROM base AS production
        COPY dist /app
        FROM node:22 AS other
        ENTRYPOINT node worker.js
        FROM other
        ENTRYPOINT ["node", "main.js"]
        """,
        "DKR014",
    )
    # `other`'s ENTRYPOINT is replaced, and a new ENTRYPOINT clears the CMD it inherited.
    assert lines_of(result, "DKR014") == []
    text = "FROM node:22 AS base\nCMD npm start\nFROM base\nCOPY dist /app\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR014"), "DKR014") == [2]
