"""Compute resources of CloudFormation templates: Lambda runtimes past their deprecation date
(ECS task definitions are the ECS pack's, rules/ecs.yaml)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.cloudformation.hits import hit
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.resources import (
    FUNCTION_TYPES,
    resources_of,
    template_of,
)
from guardlint.knowledge.end_of_life import deprecated_lambda_runtimes, judged_on
from guardlint.model import Document, Hit, Rule


@check("CFN014")
def lambda_deprecated_runtime(document: Document, rule: Rule) -> Iterator[Hit]:
    """Functions (and SAM Globals) on a runtime deprecated by the date of option as_of."""
    template = template_of(document)
    today = judged_on(rule.options)
    table = deprecated_lambda_runtimes()
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
