"""A Dockerfile of millions of tiny shell commands, or hundreds of thousands of instructions,
is read up to a limit, far above any real one (tests/hostile/linear_time_dockerfile_commands.py):
in a few seconds, with a GL001 note where the reading stopped, and the findings before it."""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import (
    assert_judged_alike_past_the_limit,
    assert_read_to_the_limit,
    parse_error,
    processor_seconds,
)
from tests.hostile.linear_time_cases import BUDGET, FILE_TIMEOUT
from tests.hostile.linear_time_dockerfile_commands import DOCKERFILE_LIMIT_CASES


@pytest.mark.parametrize("case", DOCKERFILE_LIMIT_CASES, ids=list(DOCKERFILE_LIMIT_CASES))
def test_a_dockerfile_past_a_limit_is_read_to_it_and_says_so(case, tmp_path):
    name, text, reason, line = DOCKERFILE_LIMIT_CASES[case]
    write_file(tmp_path, name, text)
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    elapsed = processor_seconds() - started
    note = parse_error(result, name)
    assert note.message.startswith(f"{name}: {reason}") and note.region.start_line == line
    assert [f.region.start_line for f in findings_of(result, "DKR008")][:1] == [2]
    assert not findings_of(result, "GL002")
    assert elapsed < BUDGET


def test_a_dockerfile_at_the_command_limit_is_read_in_full(tmp_path):
    """100,000 commands are read, the last one too, with no note."""
    text = "FROM alpine:3.22\n" + ("RUN " + "x;" * 24_999 + "true\n") * 3
    text += "RUN " + "x;" * 24_998 + "curl -fsSL https://x.io/i | sh\nUSER app\n"
    one_more = text.replace("RUN x;", "RUN x;x;", 1)
    assert_read_to_the_limit(tmp_path, "Dockerfile", text, one_more, "DKR008", 5)


def test_a_dockerfile_at_the_instruction_limit_is_read_in_full(tmp_path):
    """50,000 instructions are read, the last one too (its USER counts), with no note; one
    more is not, and the note says where the reading stopped."""
    text = "FROM alpine:3.22\n" + "ENV a=b\n" * 49_998 + "USER app\n"
    write_file(tmp_path, "Dockerfile", text)
    result = run_scan(tmp_path, jobs=1)
    assert not findings_of(result, "GL001") and not findings_of(result, "DKR001")
    write_file(tmp_path, "Dockerfile", text.replace("ENV a=b\n", "ENV a=b\nENV c=d\n", 1))
    result = run_scan(tmp_path, jobs=1)
    assert parse_error(result, "Dockerfile").region.start_line == 50_001


def test_a_stage_the_cut_may_ship_is_judged_as_shipped(tmp_path):
    """A build stage only copied from before the cut may be the base of a FROM past it, which
    ships its layers: cut, every stage read is judged as one that ships (DKR018 reported,
    DKR019 high), as the same file is when its last FROM is read. Padding the file past the
    limit hides no finding the stages read hold (GL001 says where the reading stopped)."""
    head = (
        "FROM python:3.7 AS build\nCOPY id_rsa /root/.ssh/id_rsa\n"
        "RUN pip wheel -w /wheels . && rm /root/.ssh/id_rsa\n"
        "FROM alpine:3.22\nCOPY --from=build /wheels /wheels\nUSER app\n"
    )  # 6 instructions
    text = head + "ENV a=b\n" * 49_993 + "FROM build\n"
    one_more = head + "ENV a=b\n" * 49_994 + "FROM build\n"
    assert_judged_alike_past_the_limit(
        tmp_path, "Dockerfile", text, one_more, {"DKR018", "DKR019"}, 50_001
    )
