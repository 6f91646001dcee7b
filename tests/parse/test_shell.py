"""guardlint.parse.shell: the commands of a script, and the streams that join them."""

from __future__ import annotations

import pytest

from guardlint.parse.shell import (
    ASSIGNED,
    SCRIPT_OUTPUT,
    STDIN,
    STDOUT,
    commands,
    run_commands,
)


def _feeds(script: str) -> list[tuple[str, str]]:
    """(writer, reader) for each command whose standard output another reads, in order."""
    parsed = commands(script)
    return [
        (writer.program, reader.program)
        for reader in parsed
        for writer in parsed
        if reader.input_stream is not None and writer.output_stream == reader.input_stream
    ]


@pytest.mark.parametrize(
    ("script", "feeds"),
    [
        ("curl x | tee log | sh", [("curl", "tee"), ("tee", "sh")]),
        ("(curl x) | sh", [("curl", "sh")]),
        ("{ curl x; } | sh && echo", [("curl", "sh")]),
        # Every command of a group writes its output: a checksum after a download leaves it.
        ("{ curl x; sha256sum -c f; } | sh", [("curl", "sh"), ("sha256sum", "sh")]),
        ("(a; b | c) | d; e", [("b", "c"), ("a", "d"), ("c", "d")]),
        ("curl x | (cd /tmp && sh); echo", [("curl", "cd"), ("curl", "sh")]),
        ("curl x | { cd /tmp; sh; }", [("curl", "cd"), ("curl", "sh")]),
        ("( a; (b; c) | d ) | e", [("b", "d"), ("c", "d"), ("a", "e"), ("d", "e")]),
        ("(a) ; b | c", [("b", "c")]),
        ("(a) && (b)", []),
        ("case $x in a) b;; esac", []),
        # A group's output redirected goes down no pipe, nor does a command's.
        ("(curl x) > f | sh", []),
        ("{ curl x; } >f 2>&1 | sh", []),
        ("curl x > f | sh", []),
        ("(curl x) 2>/dev/null | sh", [("curl", "sh")]),
        ("curl x |\nsh", [("curl", "sh")]),  # a pipe goes on past the end of a line
    ],
)
def test_each_command_reads_the_output_of_those_piped_into_it(script, feeds):
    assert _feeds(script) == feeds


def test_a_command_that_writes_no_pipe_writes_the_scripts_output():
    a, b, c, d = commands("a; (b) | c; d > f")
    assert (a.output_stream, c.output_stream, d.output_stream) == (SCRIPT_OUTPUT,) * 2 + (None,)
    assert b.output_stream == c.input_stream not in (None, SCRIPT_OUTPUT)


@pytest.mark.parametrize(
    ("script", "program"),
    [
        ("busybox wget -O- x", "wget"),
        ("timeout 60 bash", "bash"),
        ("timeout -s KILL 5 sh", "sh"),
        ("sudo DEBIAN_FRONTEND=noninteractive -E apt-get", "apt-get"),
        ("gosu app:app sh", "sh"),
        ("su-exec 1000 bash", "bash"),
        ("runuser -u app -- bash", "bash"),
        ("runuser --user=app bash", "bash"),
        ("runuser -l app -c x", "runuser"),  # su's way: the script is `-c`'s
        ("doas -u app sh", "sh"),
        ("chroot /target sh", "sh"),
        # Programs that run the command after them with less I/O, CPU or privilege, or a
        # faked root: eatmydata, fakeroot, setsid, ionice, taskset, flock, runit's chpst, ...
        ("eatmydata apt-get install -y x", "apt-get"),
        ("eatmydata -- apt-get", "apt-get"),
        ("fakeroot -l /lib/libfakeroot.so -- dpkg-deb", "dpkg-deb"),
        ("setsid -f sh", "sh"),
        ("unbuffer -p sh", "sh"),
        ("catchsegv sh", "sh"),
        ("ionice -c 3 -n 7 sh", "sh"),
        ("ionice -c3 sh", "sh"),
        ("taskset -c 0-3 sh", "sh"),
        ("taskset 0x3 sh", "sh"),
        ("flock -w 10 /run/lock sh", "sh"),
        ("chpst -u app:app -/ /srv sh", "sh"),
        ("s6-setuidgid app sh", "sh"),
        ("setpriv --reuid 1000 --regid=1000 --clear-groups sh", "sh"),
        ("command -p curl -k x", "curl"),
        # `command -v` and `-V` say what the name is, as `type` does: they run nothing.
        ("command -v sudo", "command"),
        ("command -pV curl", "command"),
        ("@powershell -c x", "powershell"),  # cmd's `@`: the command is not echoed
        ("'C:\\tools\\curl.exe' -k", "curl"),  # a Windows path, quoted
    ],
)
def test_wrappers_with_an_applet_or_an_operand(script, program):
    (command,) = commands(script)
    assert command.program == program


def _substitutions(script: str) -> list[tuple[str, str, int]]:
    return [(s.kind, s.script, s.word) for c in commands(script) for s in c.substitutions]


@pytest.mark.parametrize(
    ("script", "found"),
    [
        ("$(curl x)", [("$", "curl x", 0)]),
        ("`wget y` z", [("$", "wget y", 0)]),
        ('eval "$(curl x)" "`b`"', [("$", "curl x", 1), ("$", "b", 2)]),
        ("bash <(curl x) >(tee log)", [("<", "curl x", 1), (">", "tee log", 2)]),
        ("A=$(a) sudo $(b)", [("$", "a", ASSIGNED), ("$", "b", 1)]),
        ('sh < <(curl x) && sh <<< "$(wget y)"', [("<", "curl x", STDIN), ("$", "wget y", STDIN)]),
        ("echo '$(curl x)' '`y`' ${A:-b}", []),  # quoted with `'`: text, not run
        ('echo "$(a "b)" c)"', [("$", 'a "b)" c', 1)]),
        ("cat > f <<EOF\n$(curl x)\nEOF\necho $(y)", [("$", "y", 1)]),
        ("curl x > >(sh) 2> >(tee e)", [(">", "sh", STDOUT)]),  # stdout's target, not stderr's
        ("curl x &> >(bash)", [(">", "bash", STDOUT)]),
        # bash substitutes inside a word too: `--output=>(sh)` is one word, as is `2>(x)`.
        ("curl --output=>(sh) x", [(">", "sh", 1)]),
        ("curl -o>(bash) x", [(">", "bash", 1)]),
        ("echo 2>(cat)", [(">", "cat", 1)]),
        ("x=>(sh) y", [(">", "sh", ASSIGNED)]),
    ],
)
def test_the_substitutions_the_shell_runs_are_kept_with_their_word(script, found):
    assert _substitutions(script) == found


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("curl --output=>(sh) x", ["curl", "--output=>(sh)", "x"]),
        ("echo a<(b)c <(d)<(e)", ["echo", "a<(b)c", "<(d)<(e)"]),
        ("curl x >f 2>&1", ["curl", "x"]),  # redirections are still not words
    ],
)
def test_a_process_substitution_inside_a_word_stays_in_it(script, words):
    assert commands(script)[0].words == words


@pytest.mark.parametrize(
    ("script", "programs"),
    [
        # docker-library/redmine: a `\"` inside a double-quoted string inside `$(...)`
        (
            'puma="$(grep -E "^gem [:\'\\"]puma[\'\\",].*\\$" Gemfile)"; apt-mark auto x',
            ["", "apt-mark"],
        ),
        ('x="$(echo "a\\"b")"; y', ["", "y"]),
        ("x=$(echo \\) ); y", ["", "y"]),  # an escaped `)` closes nothing
        ("x=${A:-\\}}; y", ["", "y"]),
        ("x=$(echo '\\'); y", ["", "y"]),  # in single quotes a backslash is itself
        ("x=`echo \\`date\\``; y", ["", "y"]),  # an escaped backtick inside backticks
        ("x=$'a\\'b'; y", ["", "y"]),  # ANSI-C quoting: `\\'` is a quote in it
        ("x=$(echo $'a\\'b)'); y", ["", "y"]),
    ],
)
def test_an_escaped_quote_or_bracket_inside_a_substitution_ends_nothing(script, programs):
    assert [command.program for command in commands(script)] == programs


def test_escaped_backticks_are_the_inner_scripts_own():
    (command,) = commands("x=`echo \\`curl x\\` \\\\$HOME`")
    assert [s.script for s in command.substitutions] == ["echo `curl x` \\$HOME"]
    assert commands("echo $'it\\'s'")[0].args == ["$it\\'s"]  # the word as written


def test_each_assignment_knows_its_substitutions():
    (command,) = commands("a=1 b=$(curl x) c=`y`$(z)")
    assert [(s.script, s.assignment) for s in command.substitutions] == [
        ("curl x", 1),
        ("y", 2),
        ("z", 2),
    ]


def test_offsets_are_where_each_word_starts():
    script = "cd /tmp && sudo  iex (iwr x)"
    command = commands(script)[1]
    assert [script[offset:][:4] for offset in command.offsets] == ["sudo", "iex "]
    assert command.program_index == 1


@pytest.mark.parametrize(
    ("script", "redirected"),
    [
        ("curl x > f", True),
        ("curl x 1>>f", True),
        ("curl x &> f", True),
        ("curl x >&2", True),
        ("curl x 2>/dev/null", False),
        ("curl x 2>&1", False),
        ("curl x < f", False),
    ],
)
def test_standard_output_redirected(script, redirected):
    assert commands(script)[0].output_redirected is redirected


@pytest.mark.parametrize(
    ("script", "inputs"),
    [
        ("bash <<'EOF'\ncurl x | sh\nEOF\necho", ["curl x | sh\n", None]),
        ("<<A cat > f && bash -s <<B\na\nA\nb\nB", ["a\n", "b\n"]),
        ("sh <<-EOF | tee\n\tx\n\tEOF", ["x\n", None]),
        ("cat <<A <<B\n1\nA\n2\nB", ["2\n"]),  # the last one is standard input
        ("bash 3<<EOF\nx\nEOF", [None]),  # another descriptor: not the input
        ('sh <<< "$x y"; cat < f', ["$x y\n", None]),
        ("<<EOF\nx\nEOF\nbash", [None]),  # a heredoc with no command feeds nothing
    ],
)
def test_the_text_heredocs_and_here_strings_feed_to_standard_input(script, inputs):
    assert [command.input_text for command in commands(script)] == inputs


@pytest.mark.parametrize(
    ("script", "inner"),
    [
        ("sh -c 'apt-get update'", ["apt-get"]),
        ("sudo bash -eo pipefail -c 'a | b'", ["a", "b"]),
        ("su - app -c 'a && b' -s /bin/sh", ["a", "b"]),
        ("runuser -l app --command='a; b'", ["a", "b"]),
        ("fish -lc 'a'", ["a"]),
        ("bash -c -- a", ["a"]),
        ("sh -c 'sh -c \"a\"'", ["sh", "a"]),
        ("sh script.sh -c a", []),  # a script file: `-c` is its argument
        ("su app", []),
        ("python -c 'import os'", []),
    ],
)
def test_the_script_a_shell_su_or_runuser_runs_is_read_after_it(script, inner):
    found = run_commands(script)
    assert [command.program for command in found[1:]] == inner


def test_an_inner_scripts_words_are_where_they_are_written():
    script = "su -c 'a b' && sh -c x\\ y"
    found = run_commands(script)
    assert [script[offset] for offset in found[1].offsets] == ["a", "b"]
    assert found[1].output_stream not in (None, SCRIPT_OUTPUT)  # not the outer script's output
    # Written with an escape: each word is taken to start where the script does.
    assert [script[offset:][:2] for offset in found[3].offsets] == ["x\\", "x\\"]


@pytest.mark.parametrize(
    ("script", "actions"),
    [
        (
            "find . -exec chmod 777 {} + -o -execdir rm {} \\;",
            [["chmod", "777", "{}"], ["rm", "{}"]],
        ),
        ("find . -ok rm {} ;", [["rm", "{}"]]),
        ("find . -exec", []),
        ("echo -exec rm x ;", []),
    ],
)
def test_the_commands_find_runs_are_read_after_it(script, actions):
    assert [command.words for command in run_commands(script)[1:]] == actions


def test_an_and_or_list_run_in_the_background_is_one_subshell():
    """`cd x && rm y &` runs the whole list in a background subshell: its commands share one
    environment, a child of the script's, which the commands after it do not run in; a line
    ending in `&&` or `|` continues the list; `;` and a newline end it."""
    found = commands("cd /tmp &&\n rm a | cat &\nrm b; cd /x; rm c & rm d\nrm e")
    root = found[3].environment
    assert [c.words[-1] for c in found] == ["/tmp", "a", "cat", "b", "/x", "c", "d", "e"]
    assert found[0].environment.parent is root
    assert found[1].environment.parent is found[0].environment  # a pipeline's part in it
    assert {found[4].environment, found[6].environment, found[7].environment} == {root}
    assert found[5].environment.parent is root


@pytest.mark.parametrize(
    ("script", "programs"),
    [
        # A case pattern's `)` closes neither the substitution nor the string around it.
        ('A="$(case $x in a) echo "q";; esac)" && chmod 777 /a', ["", "chmod"]),
        ('echo "$(case $x in a) echo "(";; esac)" && chmod 777 /e', ["echo", "chmod"]),
        ("X=$(case $A in (amd64) echo x;; arm|arm64) echo y;; *) echo z;; esac) && su", ["", "su"]),
        ("X=$(case $A in a) echo y;& b) echo z;;& *) ;; esac); su", ["", "su"]),
        ("X=$(case $A in a) echo $(case $B in b) echo;; esac);; esac); su", ["", "su"]),
        ("X=$(case $A in\n  a)\n    echo y\n    ;;\nesac) && su", ["", "su"]),
        ("X=$(if a; then case $A in a) b;; esac; fi); su", ["", "su"]),
        ("X=$(case $A in <|a>b) echo y;; esac) && su", ["", "su"]),
        # Not a case: `case` as an argument, `in` and `esac` as arguments.
        ("X=$(echo case in a) && su", ["", "su"]),
        ("X=$(echo esac) && su", ["", "su"]),
        # A comment in a substitution runs to the end of its line: its quote opens nothing.
        ("X=$(echo a # don't (\n) && su", ["", "su"]),
        ("X=$(echo a#b) && su", ["", "su"]),
    ],
)
def test_a_case_pattern_or_a_comment_ends_no_substitution(script, programs):
    assert [command.program for command in commands(script)] == programs


@pytest.mark.parametrize(
    ("script", "inner"),
    [
        ('A="$(case $x in a) curl "q";; esac)"', ["case", "curl"]),
        ("A=$(case $x in a|b) curl q;; c) (wget r) ;; esac)", ["case", "curl", "wget"]),
    ],
)
def test_the_commands_of_a_case_in_a_substitution_are_read(script, inner):
    # `case WORD in` is kept as a command, for the substitutions its subject may hold
    programs = [command.program for command in run_commands(script)]
    assert programs[1:] == inner


@pytest.mark.parametrize(
    ("script", "feeds"),
    [
        (
            "(case $x in a) echo y;; esac; curl u) | sh",
            [("case", "sh"), ("echo", "sh"), ("curl", "sh")],
        ),
        ("( case $x in (a|b) curl u;; esac ) | sh", [("case", "sh"), ("curl", "sh")]),
        ("case $x in\n a) curl u | sh;;\n *) wget v;;\nesac", [("curl", "sh")]),
        # A pattern's `<` or `>` is a character of it, as a shell reads it: no redirection.
        ("case $x in a<b|>) curl u | sh;; esac", [("curl", "sh")]),
        ("case $x in '') curl u | sh;; esac", [("curl", "sh")]),
    ],
)
def test_a_case_pattern_closes_no_group(script, feeds):
    assert _feeds(script) == feeds
    assert "esac" not in [command.program for command in commands(script)]
