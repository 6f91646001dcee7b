"""Compute resources of CloudFormation templates: Lambda runtimes past their deprecation date
(ECS task definitions are the ECS pack's, rules/ecs.yaml)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from typing import Any

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    resources_of,
    template_of,
)
from guardlint.knowledge.tables import load_table
from guardlint.model import Document, Hit, Rule


@functools.cache
def deprecated_runtimes() -> dict[str, dict[str, Any]]:
    """The deprecated runtime table (guardlint/data/lambda_runtimes.yaml)."""
    return dict(load_table("lambda_runtimes.yaml")["runtimes"])


def _as_of(rule: Rule) -> datetime.date:
    value = rule.options.get("as_of")
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)) if value else datetime.date.today()


@check("CFN014")
def lambda_deprecated_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    """Functions (and SAM Globals) on a runtime deprecated by the date of option as_of."""
    template = template_of(document)
    today = _as_of(rule)
    table = deprecated_runtimes()
    for function in resources_of(document, *FUNCTION_TYPES):
        for runtime in template.resolved_strings(function.props.get("Runtime")):
            entry = table.get(runtime.strip().lower())
            if entry is None or entry["deprecated"] > today:
                continue
            yield hit(
                function,
                f"Function {function.logical_id} uses the {runtime} runtime, deprecated by AWS "
                f"on {entry['deprecated']}: it gets no security patches (move to "
                f"{entry['replacement']}).",
                function.props,
                "Runtime",
                runtime=runtime,
                deprecated=str(entry["deprecated"]),
            )
