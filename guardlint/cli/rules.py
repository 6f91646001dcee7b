"""`guardlint rules`, `guardlint explain RULE` and `guardlint version`."""

from __future__ import annotations

import json

import click

from guardlint import __version__
from guardlint.cli.output import STDOUT, write_output
from guardlint.cli.shared import rulebook_for
from guardlint.report.ruledoc import rule_text


@click.command("rules")
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also list custom rule packs from this directory.")  # fmt: skip
def list_rules(output_format: str, rule_dirs: tuple[str, ...]) -> None:
    """List every rule: ID, name, severity, category."""
    rulebook = rulebook_for(rule_dirs)
    if output_format == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "severity": r.severity.label,
                "category": r.category,
                "finding_type": r.finding_type,
                "pack": r.pack,
                **(
                    {"deprecated": True, "superseded_by": list(r.superseded_by)}
                    if r.deprecated
                    else {}
                ),
            }
            for r in rulebook.rules
        ]
        write_output(STDOUT, json.dumps(rows, indent=2) + "\n")
        return
    width = max((len(r.name) for r in rulebook.rules), default=4)
    lines = [f"{'ID':8} {'NAME':{width}} {'SEVERITY':9} CATEGORY"]
    for rule in rulebook.rules:
        line = f"{rule.id:8} {rule.name:{width}} {rule.severity.label:9} {rule.category}"
        if rule.deprecated:
            line += f" (deprecated, superseded by {', '.join(rule.superseded_by)})"
        lines.append(line)
    write_output(STDOUT, "\n".join(lines) + "\n")


@click.command()
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also look in custom rule packs from this directory.")  # fmt: skip
def explain(rule_id: str, rule_dirs: tuple[str, ...]) -> None:
    """Explain a rule: why it matters, how to fix it, a bad and a good example."""
    rule = rulebook_for(rule_dirs).get(rule_id)
    if rule is None:
        raise click.BadParameter(f"unknown rule ID {rule_id!r}", param_hint="RULE_ID")
    write_output(STDOUT, rule_text(rule))


@click.command()
def version() -> None:
    """Print guardlint's version."""
    write_output(STDOUT, f"guardlint {__version__}\n")
