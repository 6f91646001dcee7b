"""Compute resources of CloudFormation templates: Lambda runtimes past their deprecation date
(ECS task definitions are the ECS pack's, rules/ecs.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import Any

from guardlint.checks.cloudformation.hits import hit, scenario_hits
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.resources import FUNCTION_TYPES, Resource
from guardlint.documents.cloudformation.template import Template
from guardlint.knowledge.end_of_life import deprecated_lambda_runtimes, judged_on
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule


@check("CFN014")
def lambda_deprecated_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    """Functions (and SAM Globals) on a runtime deprecated by the date of option as_of, in
    some deployment of the template: one finding per function, naming the runtime of each
    deployment (`Runtime: !If [Prod, python2.7, python3.6]`)."""
    judge = partial(_deprecated, deprecated_lambda_runtimes(), judged_on(rule.options))
    return scenario_hits(document, FUNCTION_TYPES, ["Runtime"], judge)


def _deprecated(
    table: dict[str, dict[str, Any]], today: date, template: Template, function: Resource
) -> Iterator[Hit]:
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
