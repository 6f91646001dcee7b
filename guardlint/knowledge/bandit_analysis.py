"""bandit's issues in a piece of Python code (CFN030 reads a Lambda function's): bandit used as
a library, imported on first use (its import costs about a second), without its report
formatters and without the entry-point cache it would write under the home directory."""

from __future__ import annotations

import functools
import io
import logging
import os
import warnings
from dataclasses import dataclass
from typing import Any

from guardlint.knowledge.remembered import LongTexts
from guardlint.knowledge.stand_ins import Deferred, standing_in


@dataclass
class BanditIssue:
    """One issue bandit reports in the code."""

    test_id: str
    test_name: str
    severity: str
    confidence: str
    text: str
    line: int  # 1-based, in the scanned code
    column: int  # 0-based offset, as bandit gives it
    end_line: int  # the last line of the code bandit reports (a string split over lines)


@functools.cache
def _keep_stevedore_in_memory() -> None:
    """bandit finds its plugins through stevedore, which on first use writes an entry-point
    cache under ~/.cache (and reads it later): a scan writes nothing but its reports, and
    reads nothing outside the scan. Point the cache at a directory that cannot exist and turn
    its writes off, so the entry points are read from the installed packages each time."""
    try:
        from stevedore import _cache  # bandit's plugin loader: imported with bandit only
    except ImportError:  # a stevedore without the cache module caches nothing
        return
    cache = getattr(_cache, "_c", None)
    if cache is not None:
        cache._dir = os.devnull + "/guardlint-no-cache"  # under a device: never a directory
        cache._disable_caching = True


@functools.cache
def _load_no_bandit_formatters() -> None:
    """bandit's import loads its report formatters (sarif_om's model, HTML, XML, CSV, ...:
    60% of the import's time), which only BanditManager.output_results uses (bandit 1.9,
    core/manager.py), never called here: stevedore's entry-point cache, which it reads before
    the installed packages, lists no formatter, so none loads and the issues are the same."""
    from stevedore.extension import ExtensionManager  # imported with bandit only

    entry_points = getattr(ExtensionManager, "ENTRY_POINT_CACHE", None)
    if isinstance(entry_points, dict):
        entry_points.setdefault("bandit.formatters", [])


class BanditFailed(Exception):
    """bandit gave up on code that parses (nesting too deep for its visitor): its issues there
    are unknown, which the engine reports as the rule's missing results (GL002)."""


@functools.cache
def _import_bandit() -> None:
    """bandit's import, but for `rich.progress` (a tenth of a second), which bandit imports
    for the progress bar of BanditManager.run_tests, never called here: a stand-in."""
    with standing_in(Deferred("rich"), Deferred("rich.progress")):
        import bandit.core  # noqa: F401 (imports every module of bandit's core)


@functools.cache
def _bandit_config() -> Any:
    # bandit and its modules log per-file warnings, and its failures, to stderr: nothing of
    # it is shown (a failure is raised instead).
    logging.getLogger("bandit").setLevel(logging.CRITICAL + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from bandit.core import config  # about a second: only for Python Lambda code

        return config.BanditConfig()


def bandit_issues(code: bytes, filename: str) -> list[BanditIssue]:
    """bandit's issues for one piece of Python code (none when it does not parse); raises
    BanditFailed when bandit fails on code that parses. The same code (a YAML alias in every
    function's `ZipFile`, a `CodeUri` many functions share) is analysed once."""
    issues, failure = _analysed(code)
    if failure is not None:
        raise BanditFailed(f"bandit could not analyze {filename}: {failure}")
    return list(issues)


def _analysis(code: bytes) -> tuple[list[BanditIssue], str | None]:
    """bandit_issues, and why bandit failed (None: it did not)."""
    filename = "lambda.py"  # bandit's issues do not depend on the name
    _keep_stevedore_in_memory()  # before bandit's import loads its plugins
    _load_no_bandit_formatters()
    with warnings.catch_warnings():  # deprecation noise from bandit's plugin loading
        warnings.simplefilter("ignore")
        _import_bandit()
        from bandit.core import manager  # about a second: only for Python Lambda code

        bandit = manager.BanditManager(_bandit_config(), "file", quiet=True)
        # _parse_file is bandit's per-file entry point; the public run_tests() would open
        # the file itself, which inline code does not have.
        bandit._parse_file(filename, io.BytesIO(code), [filename])
    for _, reason in bandit.skipped:
        if not reason.startswith("syntax error"):
            return [], reason
    issues = [
        BanditIssue(
            test_id=str(issue.test_id),
            test_name=str(issue.test),
            severity=str(issue.severity).upper(),
            confidence=str(issue.confidence).upper(),
            text=str(issue.text),
            line=int(issue.lineno),
            column=int(getattr(issue, "col_offset", 0) or 0),
            end_line=max([int(issue.lineno), *map(int, getattr(issue, "linerange", None) or ())]),
        )
        for issue in bandit.get_issue_list()
    ]
    return issues, None


_analysed = LongTexts(_analysis, 1 << 24)  # code in bytes
