"""The Dockerfile pack as a whole."""

from __future__ import annotations

from tests.conftest import FIXTURES, findings_of, run_scan


def test_no_rule_crashes_on_the_fixtures():
    result = run_scan(FIXTURES / "dockerfile")
    assert not findings_of(result, "GL002")
    assert result.kinds["dockerfile"] >= 52
