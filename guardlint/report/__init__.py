"""Reporters: each turns a ScanResult into one output format and decides nothing else."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from guardlint.engine.scan import ScanResult

# A rendered report: text, or UTF-8 bytes (the JSON formats, as guardlint.report.encode gives).
Rendered = str | bytes


class Reporter(Protocol):
    def __call__(self, result: ScanResult, /, **options: Any) -> Rendered: ...


def _lazy(module: str, function: str) -> Callable[[], Reporter]:
    """The render function, its module imported when the format is asked for: a scan loads
    only its own format's (sarif-om and attrs alone take 50 ms to import)."""

    def load() -> Reporter:
        render: Reporter = getattr(importlib.import_module(f"guardlint.report.{module}"), function)
        return render

    return load


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": _lazy("text", "render"),
    "json": _lazy("json_report", "render"),
    "sarif": _lazy("sarif", "render"),
    "asff": _lazy("asff", "render"),
    "junit": _lazy("junit", "render"),
    "markdown": _lazy("markdown", "render"),
    "github": _lazy("github", "render"),
    "gitlab-sast": _lazy("gitlab", "render_sast"),
    "gitlab-codequality": _lazy("gitlab", "render_codequality"),
    "html": _lazy("html", "render"),
}


def reporter(name: str) -> Reporter:
    """The render function of one format."""
    return REPORTERS[name]()
