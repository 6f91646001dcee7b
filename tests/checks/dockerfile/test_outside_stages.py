"""Instructions outside a normal stage: a Dockerfile without FROM (a template, a snippet) and
what ONBUILD registers are seen by every instruction-level rule, at their own lines; the
stage-level rules keep to the stages."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import DKR_RULES, scan_dockerfile
from tests.conftest import findings_of, lines_of

# One instruction per instruction-level rule, each on its own line (1-based line: rules).
INSTRUCTIONS = {
    "ENV DB_PASSWORD=s3cr3t-Valu3": {"DKR004"},
    "ADD app.py /app/": {"DKR006"},
    "ADD https://example.com/tool.tgz /opt/": {"DKR007"},
    "RUN curl -fsSL https://example.com/install.sh | sh": {"DKR008"},
    "RUN sudo make install": {"DKR009"},
    "EXPOSE 22": {"DKR010"},
    "RUN apt-get install -y curl": {"DKR012"},
    "RUN apk upgrade": {"DKR013"},
    "COPY id_rsa /root/.ssh/": {"DKR015"},
    "RUN chmod 777 /srv": {"DKR016"},
    "RUN wget --no-check-certificate https://example.com/a": {"DKR017"},
    "WORKDIR app": {"DKR021"},
    "RUN apt install -y git": {"DKR012", "DKR022"},
    "RUN apk update": {"DKR023"},
}
STAGE_LEVEL = {"DKR001", "DKR005", "DKR011", "DKR014", "DKR018", "DKR019", "DKR020", "DKR024"}


def _fired_by_line(result, first_line: int) -> dict[str, set[int]]:
    fired: dict[str, set[int]] = {}
    for finding in result.findings:
        fired.setdefault(finding.rule_id, set()).add(finding.region.start_line - first_line)
    return fired


def _expected() -> dict[str, set[int]]:
    expected: dict[str, set[int]] = {}
    for offset, rules in enumerate(INSTRUCTIONS.values()):
        for rule_id in rules:
            expected.setdefault(rule_id, set()).add(offset)
    return expected


def test_file_without_from_is_checked_instruction_by_instruction(tmp_path):
    text = "\n".join([*INSTRUCTIONS, "USER root", "CMD python app.py"]) + "\n"
    result = scan_dockerfile(tmp_path, text, *DKR_RULES, "GL001")
    fired = _fired_by_line(result, 1)
    assert fired.pop("GL001") == {0}
    assert fired == _expected()  # and no stage-level rule
    [gl001] = findings_of(result, "GL001")
    assert "no FROM instruction: not a buildable Dockerfile" in gl001.message
    assert "stage (no FROM)" in findings_of(result, "DKR009")[0].message


def test_instructions_before_the_first_from_are_checked(tmp_path):
    text = "RUN sudo make install\nFROM alpine:3.22\nUSER 10001\n"
    result = scan_dockerfile(tmp_path, text, "DKR009", "GL001")
    assert lines_of(result, "DKR009") == [1]
    assert "RUN before the first FROM" in findings_of(result, "GL001")[0].message


def test_onbuild_instructions_are_checked_at_their_lines(tmp_path):
    header = ["FROM alpine:3.22@sha256:" + "a" * 64, "USER 10001", "HEALTHCHECK CMD true"]
    onbuild = [f"ONBUILD {instruction}" for instruction in INSTRUCTIONS]
    text = "\n".join([*header, *onbuild, 'CMD ["app"]']) + "\n"
    result = scan_dockerfile(tmp_path, text, *(DKR_RULES - {"DKR003"}))
    assert _fired_by_line(result, len(header) + 1) == _expected()


def test_onbuild_does_not_change_the_stage(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        ONBUILD USER 10001
        ONBUILD HEALTHCHECK CMD true
        ONBUILD CMD python app.py
        ONBUILD COPY . /app
        CMD ["app"]
        """,
        *STAGE_LEVEL,
        "DKR026",
    )
    # USER and HEALTHCHECK registered for later builds do not apply to this image; the CMD
    # does not either; what ONBUILD copies comes from a later build's context.
    assert {f.rule_id for f in result.findings} == {"DKR001", "DKR011"}


def test_onbuild_triggers_are_substituted_in_the_image_environment(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        ENV KEY=id_rsa
        ARG PARENT_KEY=id_rsa
        ONBUILD COPY $KEY /root/.ssh/
        ONBUILD COPY "${KEY}" /root/.ssh/
        ONBUILD COPY '$KEY' /root/.ssh/
        ONBUILD COPY $PARENT_KEY /root/.ssh/
        ONBUILD EXPOSE ${SSH_PORT:-22}
        ONBUILD ENV DB_PASSWORD=$LATER
        ONBUILD ENV API_TOKEN='$LATER'
        ONBUILD ENV PYTHONHTTPSVERIFY=${OFF}
        ENV LATER=s3cr3t-Pa55w0rd-value OFF=0
        USER 10001
        """,
        "DKR004",
        "DKR010",
        "DKR015",
        "DKR017",
    )
    # A child build sees the image's ENV (set after the ONBUILD too), not this build's ARGs;
    # single quotes keep `$KEY` literal.
    assert lines_of(result, "DKR015") == [4, 5]
    assert lines_of(result, "DKR010") == [8]
    assert lines_of(result, "DKR004") == [9]
    assert lines_of(result, "DKR017") == [11]
    assert all(
        "stage 0 (by ONBUILD: in every image built FROM it)" in f.message for f in result.findings
    )


def test_onbuild_heredocs_are_the_triggers(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        ONBUILD RUN <<EOF
        curl -fsSL https://example.com/install.sh | sh
        EOF
        ONBUILD RUN --network=none bash -e <<'EOF'
        wget --no-check-certificate -qO- https://example.com/x | bash
        EOF
        ONBUILD COPY <<EOF /usr/local/bin/setup
        curl -k https://example.com/install.sh | sh
        EXPOSE 22
        EOF
        EXPOSE 8080
        USER 10001
        """,
        "DKR008",
        "DKR010",
        "DKR017",
    )
    # The bodies are read with their ONBUILD: never taken for instructions (`EXPOSE 22` is a
    # file's text); a COPY's body is a file, not a script.
    assert lines_of(result, "DKR008") == [2, 5]
    assert lines_of(result, "DKR017") == [5]
    assert lines_of(result, "DKR010") == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("FROM alpine:3.22\nUSER 10001\nONBUILD USER root\n", None),
        ("FROM alpine:3.22\nUSER root\nONBUILD USER 10001\n", 2),
        ("FROM alpine:3.22\nONBUILD USER 10001\n", 1),
    ],
)
def test_an_onbuild_user_is_not_the_images_user(tmp_path, text, line):
    result = scan_dockerfile(tmp_path, text, "DKR001")
    assert lines_of(result, "DKR001") == ([line] if line else [])
