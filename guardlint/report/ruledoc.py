"""A rule's own documentation, rendered once for `explain`, SARIF help and docs/rules.md."""

from __future__ import annotations

from guardlint.model.rules import Rule
from guardlint.parse.text import printable_lines
from guardlint.report.markup import code_block, literal

_FENCE_LANGUAGE = {
    "dockerfile": "dockerfile",
    "compose": "yaml",
    "kubernetes": "yaml",
    "cloudformation": "yaml",
    "iam-policy": "json",
    "appspec": "yaml",
    "buildspec": "yaml",
    "codebuild-project": "yaml",
    "ecs-task": "json",
    "ecs-service": "json",
    "file": "yaml",
    "scan": "yaml",
}


def fence_language(rule: Rule) -> str:
    name = rule.example_filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".py"):
        return "python"
    return _FENCE_LANGUAGE.get(rule.kinds[0], "")


def rule_markdown(rule: Rule, heading: str = "##") -> str:
    """Why it matters, how to fix it, a bad and a good example (ruff's shape). A custom
    pack's text is data from whoever wrote the pack (the scanned repository, maybe): it is
    shown as itself, never as markup, HTML, links or images."""
    text = literal if rule.custom else str
    parts = [
        f"{heading} Why this matters",
        text(rule.description),
        f"{heading} How to fix it",
        text(rule.remediation),
    ]
    language = fence_language(rule)
    for label, key in (("Bad", "bad"), ("Good", "good")):
        example = rule.examples.get(key)
        if example:
            parts.append(f"**{label}:**\n\n{code_block(example, language)}")
    if rule.references:
        references = "\n".join(f"- {text(r)}" for r in rule.references)
        parts.append(f"{heading} References\n\n{references}")
    return "\n\n".join(parts) + "\n"


def rule_text(rule: Rule) -> str:
    """The documentation as plain text for a terminal (`explain`) or SARIF's help text; a
    custom pack's control characters and escape sequences are shown as escapes."""
    parts = [
        f"{rule.id} {rule.name} ({rule.severity.label}, {rule.category})",
        rule.title,
        "",
        "Why this matters:",
        _indent(rule.description),
        "",
        "How to fix it:",
        _indent(rule.remediation),
    ]
    for label, key in (("Bad example", "bad"), ("Good example", "good")):
        example = rule.examples.get(key)
        if example:
            parts += ["", f"{label}:", _indent(example.rstrip())]
    if rule.references:
        parts += ["", "References:", *(f"  {r}" for r in rule.references)]
    return printable_lines("\n".join(parts) + "\n")


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.strip().splitlines())
