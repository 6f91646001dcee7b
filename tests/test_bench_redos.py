"""bench/redos.py times every class of input a pattern or parser could be slow on; each class
must still name code that exists (a renamed function or pattern only fails inside its
lambda, when the class runs). A class may feed input the code refuses: ValueError is its
answer, not a stale class."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def redos():
    sys.path.insert(0, str(BENCH))
    try:
        import redos as module
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_every_class_runs_on_a_small_input(redos):
    failed = {}
    for name, (run, text_of) in redos.CLASSES.items():
        try:
            run(text_of(200))
        except ValueError:
            continue
        except Exception as error:  # every failure is reported by its class
            failed[name] = repr(error)
    assert failed == {}
