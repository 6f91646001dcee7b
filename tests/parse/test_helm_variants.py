"""The renderings helm_actions.Variants chooses, against every execution text/template can take
of random nests of `if`, `range`, `else`, `break` and `continue`: each rendering is one of them,
and every text some execution renders is in one."""

from __future__ import annotations

import random

import pytest

from guardlint.parse.helm_actions import variants
from guardlint.parse.helm_pipelines import Action


def _actions(rng: random.Random, depth: int, in_body: bool) -> list[Action]:
    """A random run of control actions; `break` and `continue` only in a range's body."""
    actions: list[Action] = []
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if depth > 3 or roll < 0.3:
            continue
        if roll < 0.55:
            actions.append(Action("if", f".c{rng.random()}"))
            actions += _actions(rng, depth + 1, in_body)
            for _ in range(rng.randint(0, 2)):
                keyword = rng.choice(["else", "else if"])
                actions.append(Action(keyword, ".d" if keyword == "else if" else ""))
                actions += _actions(rng, depth + 1, in_body)
                if keyword == "else":
                    break
        elif roll < 0.8:
            actions.append(Action("range", ".l"))
            actions += _actions(rng, depth + 1, True)
            if rng.random() < 0.5:
                actions.append(Action("else", ""))
                actions += _actions(rng, depth + 1, in_body)
        elif in_body:
            actions.append(Action(rng.choice(["break", "continue"]), ""))
            continue
        else:
            continue
        actions.append(Action("end", ""))
    return actions


def _executions(actions: list[Action], at: int) -> tuple[list[tuple[frozenset, str | None]], int]:
    """Every execution of the run of actions from `at`: (the texts between actions it renders,
    the unwinding it leaves by), and where the run ends."""
    runs: list[tuple[frozenset, str | None]] = [(frozenset({at}), None)]
    while at < len(actions) and actions[at].keyword not in ("else", "else if", "end"):
        keyword = actions[at].keyword
        if keyword in ("break", "continue"):
            runs = [(kept, out or keyword) for kept, out in runs]
            at += 1
        else:
            branches, closed, at = [], False, at + 1
            while True:
                inner, at = _executions(actions, at)
                branches.append(inner)
                closed = closed or actions[at].keyword == "else"
                at += 1
                if actions[at - 1].keyword == "end":
                    break
            if not closed:
                branches.append([(frozenset(), None)])
            for index, inner in enumerate(branches):
                if keyword == "range":  # a range catches a break, and a continue of its body
                    inner = [(k, None if index == 0 or o == "break" else o) for k, o in inner]
                branches[index] = inner
            options = [execution for inner in branches for execution in inner]
            runs = [
                (kept | more, out or leaves) if out is None else (kept, out)
                for kept, out in runs
                for more, leaves in (options if out is None else [(frozenset(), None)])
            ]
        runs = [(kept | {at} if out is None else kept, out) for kept, out in runs]
    return runs, at


@pytest.mark.parametrize("seed", range(6))
def test_each_rendering_is_an_execution_and_every_rendered_text_is_in_one(seed):
    rng = random.Random(seed)
    judged = 0
    for _ in range(400):
        actions = _actions(rng, 0, False)
        found = variants(actions)
        if found is None:
            continue  # more than MAX_VARIANTS
        judged += 1
        executions = {kept for kept, _ in _executions(actions, 0)[0]}
        chosen = set()
        for variant in range(found.count):
            texts, _ = found.kept(variant)
            kept = frozenset(index for index, text in enumerate(texts) if text)
            assert kept in executions
            chosen.add(kept)
        assert set().union(*executions) <= set().union(*chosen)
    assert judged > 300
