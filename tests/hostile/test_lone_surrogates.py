"""A `\\ud800` escape no other escape completes (a lone surrogate), as the text sweep found it
in a Dockerfile's exec form: BuildKit's Go decoder reads it as U+FFFD, and so does guardlint,
whose searches (RE2's, on UTF-8) and reports take no lone surrogate. The file is scanned whole,
with no crash (GL002)."""

from __future__ import annotations

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import add_control, assert_control_scanned


def test_a_lone_surrogate_in_an_exec_form_reads_as_a_replacement_character(tmp_path):
    text = (
        "FROM alpine:3.19\n"
        'COPY ["\\ud800id_rsa", "/root/.ssh/id_rsa"]\n'
        'RUN ["sh", "-c", "curl -k https://example.com/install.sh\\udfff | sh"]\n'
        "USER app\n"
    )
    write_file(tmp_path, "Dockerfile", text)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL002")
    assert [f.message.split(" into ")[0] for f in findings_of(result, "DKR015")] == [
        "COPY puts \ufffdid_rsa"
    ]
    assert [f.region.start_line for f in findings_of(result, "DKR008")] == [3]
    assert [f.region.start_line for f in findings_of(result, "DKR017")] == [3]
    assert_control_scanned(result)
