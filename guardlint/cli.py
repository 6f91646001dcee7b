"""The `guardlint` command line: scan, rules, explain, version.

Heavy modules (rule packs, reporters, detect-secrets, bandit) are imported inside the commands
that need them, so that `guardlint scan one/Dockerfile` starts fast.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from types import FrameType
from typing import Any

import click

from guardlint import __version__
from guardlint.model import Severity

FORMATS = ("text", "json", "sarif")
SEVERITIES = [s.label for s in reversed(Severity)]
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_FORMAT_BY_SUFFIX = {".sarif": "sarif", ".json": "json", ".txt": "text"}


def write_atomically(path: str, text: str) -> None:
    """Write through a temporary file in the same directory, then rename over the target."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".guardlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3}


def _byte_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`5MB`, `500k` or a number of bytes."""
    if value is None:
        return None
    number, unit = value.strip().lower(), ""
    while number and number[-1].isalpha():
        number, unit = number[:-1], number[-1] + unit
    try:
        size = int(float(number) * _SIZE_UNITS[unit.strip()])
    except (ValueError, KeyError):
        raise click.BadParameter(f"{value!r} is not a size such as 5MB, 500k or 1048576") from None
    if size <= 0:
        raise click.BadParameter(f"{value!r} must be more than 0 bytes")
    return size


def _rulebook(rule_dirs: tuple[str, ...] = ()) -> Any:
    from guardlint.rulebook import RuleError, load_rulebook

    try:
        return load_rulebook(list(rule_dirs))
    except RuleError as exc:
        raise click.UsageError(f"invalid rule pack: {exc}") from None


def _check_rule_ids(rulebook: Any, ids: tuple[str, ...], option: str) -> set[str]:
    wanted = {i.strip().upper() for value in ids for i in value.split(",") if i.strip()}
    unknown = sorted(i for i in wanted if rulebook.get(i) is None)
    if unknown:
        raise click.BadParameter(f"unknown rule ID(s): {', '.join(unknown)}", param_hint=option)
    return wanted


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="guardlint")
def cli() -> None:
    """guardlint: security scanner and policy linter for Dockerfiles, Compose, CloudFormation/SAM,
    IAM policies and Kubernetes manifests."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "-f", "output_format", type=click.Choice(FORMATS), default=None,
    help="Output format (default: text, or from --output's extension).",
)  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
    help="Exit 1 when an unsuppressed finding has at least this severity.",
)  # fmt: skip
@click.option(
    "--severity", "min_severity", type=click.Choice(SEVERITIES), default="info",
    show_default=True, help="Report only findings of at least this severity.",
)  # fmt: skip
@click.option("--rule", "only_rules", multiple=True, help="Run only these rule IDs.")
@click.option("--skip-rule", "skip_rules", multiple=True, help="Do not run these rule IDs.")
@click.option("--exclude", multiple=True, help="Skip paths matching this glob (repeatable).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also load custom rule packs from this directory.")  # fmt: skip
@click.option(
    "--sarif-all-rules", is_flag=True, help="List every rule in SARIF, not only those that fired."
)
@click.option("--no-color", is_flag=True, help="No ANSI colours in text output.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the report.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=0), default=None,
    help="Worker processes (default: one per CPU, 1 for fewer than 40 files).",
)  # fmt: skip
@click.option(
    "--max-file-size", callback=_byte_size, metavar="SIZE",
    help="Report larger files as unparsable (GL001) without reading them (default: 5MB).",
)  # fmt: skip
@click.option(
    "--file-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
    help="Stop scanning a file after this long and report it (GL001) (default: 30; 0: never).",
)  # fmt: skip
def scan(
    paths: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    fail_on: str,
    min_severity: str,
    only_rules: tuple[str, ...],
    skip_rules: tuple[str, ...],
    exclude: tuple[str, ...],
    rule_dirs: tuple[str, ...],
    sarif_all_rules: bool,
    no_color: bool,
    quiet: bool,
    jobs: int | None,
    max_file_size: int | None,
    file_timeout: float | None,
) -> None:
    """Scan PATHS (default: the current directory) for security misconfigurations."""
    from guardlint.engine import INTERNAL_ERROR_RULE, ScanOptions
    from guardlint.engine import scan as run_scan
    from guardlint.report import reporter

    paths = paths or (".",)
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"path {path!r} does not exist", param_hint="PATHS")
    rulebook = _rulebook(rule_dirs)
    options = ScanOptions(
        paths=list(paths),
        excludes=list(exclude),
        only_rules=_check_rule_ids(rulebook, only_rules, "--rule"),
        skip_rules=_check_rule_ids(rulebook, skip_rules, "--skip-rule"),
        min_severity=Severity.parse(min_severity),
        jobs=jobs,
    )
    if max_file_size is not None:
        options.max_bytes = max_file_size
    if file_timeout is not None:
        options.file_timeout = file_timeout
    result = run_scan(options, rulebook)
    if output_format is None:
        suffix = os.path.splitext(output or "")[1].lower()
        output_format = _FORMAT_BY_SUFFIX.get(suffix, "text")
    colour = (
        output is None and not no_color and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    report = reporter(output_format)(result, colour=colour, all_rules=sarif_all_rules)
    if output:
        write_atomically(output, report)
        if not quiet:
            click.echo(f"guardlint: wrote {output_format} report to {output}", err=True)
    else:
        click.echo(report, nl=False)
    threshold = Severity.parse(fail_on)
    active = result.active_findings
    failing = any(f.severity >= threshold for f in active)
    crashed = any(f.rule_id == INTERNAL_ERROR_RULE for f in active)
    sys.exit(EXIT_FINDINGS if failing or crashed else EXIT_OK)


@cli.command("rules")
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also list custom rule packs from this directory.")  # fmt: skip
def list_rules(output_format: str, rule_dirs: tuple[str, ...]) -> None:
    """List every rule: ID, name, severity, category."""
    rulebook = _rulebook(rule_dirs)
    if output_format == "json":
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "severity": r.severity.label,
                "category": r.category,
                "finding_type": r.finding_type,
                "pack": r.pack,
            }
            for r in rulebook.rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r.name) for r in rulebook.rules), default=4)
    click.echo(f"{'ID':8} {'NAME':{width}} {'SEVERITY':9} CATEGORY")
    for rule in rulebook.rules:
        click.echo(f"{rule.id:8} {rule.name:{width}} {rule.severity.label:9} {rule.category}")


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain a rule: why it matters, how to fix it, a bad and a good example."""
    from guardlint.ruledoc import rule_text

    rule = _rulebook().get(rule_id)
    if rule is None:
        raise click.BadParameter(f"unknown rule ID {rule_id!r}", param_hint="RULE_ID")
    click.echo(rule_text(rule), nl=False)


@cli.command()
def version() -> None:
    """Print guardlint's version."""
    click.echo(f"guardlint {__version__}")


class Interrupted(BaseException):
    """Ctrl-C. Not KeyboardInterrupt, which click turns into "Aborted!" and exit 1."""


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def main() -> None:
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        cli.main(prog_name="guardlint", standalone_mode=True)
    except (Interrupted, KeyboardInterrupt):
        click.echo("guardlint: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
