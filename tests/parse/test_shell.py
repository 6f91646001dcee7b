"""guardlint.parse.shell: the commands of a script, and the pipelines that join them."""

from __future__ import annotations

import pytest

from guardlint.parse.shell import ASSIGNED, STDIN, STDOUT, commands


def _pipelines(script: str) -> list[list[str]]:
    """The programs of each pipeline, in order."""
    found: dict[int, list[str]] = {}
    for command in commands(script):
        found.setdefault(command.pipeline, []).append(command.program)
    return list(found.values())


@pytest.mark.parametrize(
    ("script", "pipelines"),
    [
        ("(curl x) | sh", [["curl", "sh"]]),
        ("{ curl x; } | sh && echo", [["curl", "sh"], ["echo"]]),
        ("(a; b | c) | d; e", [["a", "b", "c", "d"], ["e"]]),
        ("curl x | (cd /tmp && sh); echo", [["curl", "cd", "sh"], ["echo"]]),
        ("curl x | { cd /tmp; sh; }", [["curl", "cd", "sh"]]),
        ("( a; (b; c) | d ) | e", [["a", "b", "c", "d", "e"]]),
        ("(a) ; b | c", [["a"], ["b", "c"]]),
        ("(a) && (b)", [["a"], ["b"]]),
        ("case $x in a) b;; esac", [["case"], ["b"], ["esac"]]),
    ],
)
def test_a_group_shares_the_pipeline_it_is_part_of(script, pipelines):
    assert _pipelines(script) == pipelines


def test_positions_count_from_the_start_of_the_joined_pipeline():
    assert [c.position for c in commands("(a; b) | c | d; e")] == [0, 1, 2, 3, 0]


@pytest.mark.parametrize(
    ("script", "program"),
    [("busybox wget -O- x", "wget"), ("timeout 60 bash", "bash"), ("timeout -s KILL 5 sh", "sh")],
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
