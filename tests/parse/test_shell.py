"""guardlint.parse.shell: the commands of a script, and the pipelines that join them."""

from __future__ import annotations

import pytest

from guardlint.parse.shell import commands


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
