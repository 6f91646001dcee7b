"""Reporters: each turns a ScanResult into one output format and decides nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from guardlint.engine.scan import ScanResult
from guardlint.report import asff, github, gitlab, html, json_report, junit, markdown, text


class Reporter(Protocol):
    def __call__(self, result: ScanResult, /, **options: Any) -> str: ...


def _sarif() -> Reporter:
    # Lazy: sarif-om and attrs (50 ms to import) load only when SARIF is asked for.
    from guardlint.report import sarif

    return sarif.render


REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": lambda: text.render,
    "json": lambda: json_report.render,
    "sarif": _sarif,
    "asff": lambda: asff.render,
    "junit": lambda: junit.render,
    "markdown": lambda: markdown.render,
    "github": lambda: github.render,
    "gitlab-sast": lambda: gitlab.render_sast,
    "gitlab-codequality": lambda: gitlab.render_codequality,
    "html": lambda: html.render,
}


def reporter(name: str) -> Reporter:
    """The render function of one format."""
    return REPORTERS[name]()
