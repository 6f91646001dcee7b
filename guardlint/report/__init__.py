"""Reporters: each turns a ScanResult into one output format and decides nothing else."""

from __future__ import annotations

import importlib
from collections.abc import Callable

REPORTERS = {
    "text": "guardlint.report.text:render",
    "json": "guardlint.report.json_report:render",
    "sarif": "guardlint.report.sarif:render",
    "asff": "guardlint.report.asff:render",
    "junit": "guardlint.report.junit:render",
    "markdown": "guardlint.report.markdown:render",
}


def reporter(name: str) -> Callable[..., str]:
    """The render function of one format, imported only when asked for."""
    module, function = REPORTERS[name].split(":")
    # On first use: sarif-om (50 ms to import, with attrs) loads only for SARIF.
    return getattr(importlib.import_module(module), function)
