"""guardlint.knowledge.stand_ins, and bandit imported with a stand-in for `rich.progress`.

CI installs the newest releases the project allows: the bandit test fails when a release uses
`rich` other than bandit_analysis takes for granted, instead of a scan failing."""

from __future__ import annotations

import ast
import sys

from guardlint.knowledge.stand_ins import Deferred, standing_in
from tests.library_imports import bindings, fresh_output, library_modules, uses


def test_a_stand_in_is_in_place_for_the_block_only_and_then_reads_the_real_module():
    stand_in = Deferred("colorsys", "Unknown")
    sys.modules.pop("colorsys", None)
    with standing_in(stand_in):
        import colorsys
        from colorsys import Unknown  # type: ignore[attr-defined]

        assert colorsys is stand_in
    assert "colorsys" not in sys.modules
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)  # the real module's
    assert sys.modules["colorsys"] is not stand_in
    assert type(Unknown) is type


def test_a_bound_class_makes_the_real_classs_instance():
    stand_in = Deferred("fractions", "Fraction")
    from fractions import Fraction

    assert stand_in.Fraction(1, 2) == Fraction(1, 2)
    assert type(stand_in.Fraction(1, 2)) is Fraction


def test_a_module_imported_already_is_not_stood_in_for():
    import json

    with standing_in(Deferred("json")):
        assert sys.modules["json"] is json
    assert sys.modules["json"] is json


def test_bandit_uses_rich_only_for_the_progress_bar_of_run_tests_which_guardlint_never_calls():
    (binding,) = bindings("bandit", ("rich",))
    assert binding.module == "bandit.core.manager"
    assert (binding.source, binding.name) == ("rich", "progress")
    tree = dict(library_modules("bandit"))["bandit.core.manager"]
    (run_tests,) = (
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "run_tests"
    )
    inside = {id(node) for node in ast.walk(run_tests)}
    progress = list(uses(tree, "progress"))
    assert progress and all(id(node) in inside for node, _ in progress)
    assert {how for _, how in progress} == {"attribute track"}


_BANDIT_PROBE = """
import sys
from guardlint.knowledge.bandit_analysis import bandit_issues
issues = bandit_issues(b"import subprocess\\nsubprocess.call(x, shell=True)\\n", "f.py")
print([issue.test_id for issue in issues])
print(sorted(m for m in sys.modules if m.split(".")[0] == "rich"))
"""


def test_bandit_runs_without_importing_rich():
    assert fresh_output(_BANDIT_PROBE) == ["['B404', 'B602']", "[]"]
