"""DKR004 on the command lines an instruction's exec form gives as words."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


@pytest.mark.parametrize(
    "instruction",
    [
        'CMD ["/app", "--db-password=Pl41nT3xtPw"]',
        'ENTRYPOINT ["java", "-jar", "/app.jar", "--spring.datasource.password=Pl41nT3xtPw"]',
        'RUN ["/usr/bin/app", "init", "--api-token", "Pl41nT3xtPw"]',
        'CMD ["mysqladmin", "ping", "-uroot", "-pPl41nT3xtPw"]',
        'HEALTHCHECK --interval=30s CMD ["mysqladmin", "ping", "-uroot", "-pPl41nT3xtPw"]',
    ],
)
def test_an_option_given_a_secret_in_an_exec_form_is_caught(tmp_path, instruction):
    result = scan_dockerfile(tmp_path, f"FROM alpine:3.22\n{instruction}\nUSER app\n", "DKR004")
    assert lines_of(result, "DKR004") == [2]
    assert [f.properties["secretType"] for f in findings_of(result, "DKR004")] == [
        "Command-line Password"
    ]
    assert all("Pl41nT3xtPw" not in str(f) for f in result.findings)


@pytest.mark.parametrize(
    "instruction",
    [
        'CMD ["/app", "--db-password=${DB_PASSWORD}", "--password-file=/run/secrets/pw"]',
        'ENTRYPOINT ["java", "-jar", "/app.jar", "--spring.config.location=/etc/app/"]',
    ],
)
def test_an_exec_form_without_a_literal_secret(tmp_path, instruction):
    result = scan_dockerfile(tmp_path, f"FROM alpine:3.22\n{instruction}\nUSER app\n", "DKR004")
    assert not findings_of(result, "DKR004")
