"""Verdicts remembered while one file is scanned, and forgotten when its scan ends.

Several rules judge the same texts of a file: a Dockerfile's ENV line is searched for secrets
by DKR004 as its instruction and by SEC001 as its line; a ConfigMap's `password7: ...` is
judged a literal secret by K8S014 under its key and by SEC001 as the line's setting. A file of
100,000 different secrets is more texts than a bounded cache holds, and each rule went through
them all before the next began: every verdict was worked out twice. Held for the file alone,
they cost memory in proportion to the file (guardlint.config.limits), and never outlive it.
"""

from __future__ import annotations

from typing import Any

_HELD: list[dict[Any, Any]] = []


def file_memo() -> dict[Any, Any]:
    """A dict of verdicts the engine empties after each file (forget_file)."""
    memo: dict[Any, Any] = {}
    _HELD.append(memo)
    return memo


def forget_file() -> None:
    """Forget every verdict remembered for the file just scanned."""
    for memo in _HELD:
        memo.clear()
