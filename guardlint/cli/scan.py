"""`guardlint scan`: the options, the config folded under them, the reports, the exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from guardlint.cli.destinations import Destination, OutputError, destinations, write_reports
from guardlint.cli.gitdiff import GitError, changed_files, within
from guardlint.cli.output import write_output
from guardlint.cli.shared import (
    CONFIG_OPTION,
    ConfigProblem,
    config_for,
    note,
    rulebook_for,
    scan_with_progress,
)
from guardlint.config.limits import MAX_JOBS, check_file_timeout, parse_size
from guardlint.discover import scan_root
from guardlint.engine.options import ScanOptions
from guardlint.engine.runner import INTERNAL_ERROR_RULE
from guardlint.engine.scan import ScanResult
from guardlint.model import Severity
from guardlint.report import REPORTERS
from guardlint.rulebook import Rulebook
from guardlint.suppress.baseline import BaselineError, apply_baseline, load_baseline

FORMATS = tuple(REPORTERS)
SEVERITIES = [s.label for s in reversed(Severity)]
EXIT_OK, EXIT_FINDINGS = 0, 1


def _byte_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`5MB`, `512KB` or a number of bytes, as max_file_size in the config file."""
    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A per-file budget: a finite number of seconds, 0 for none, at most an hour."""
    if value is None:
        return None
    try:
        seconds: Any = float(value)
    except ValueError:
        seconds = value  # not a number: check_file_timeout says so
    try:
        return check_file_timeout(seconds, zero_allowed=True)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _check_rule_ids(rulebook: Rulebook, ids: tuple[str, ...], option: str) -> set[str]:
    wanted = {i.strip().upper() for value in ids for i in value.split(",") if i.strip()}
    unknown = sorted(i for i in wanted if rulebook.get(i) is None)
    if unknown:
        raise click.BadParameter(f"unknown rule ID(s): {', '.join(unknown)}", param_hint=option)
    return wanted


def _label(severity: Severity | None, default: str) -> str:
    return severity.label if severity is not None else default


def _only_changed(options: ScanOptions, root: str, ref: str) -> None:
    """Narrow the scan to changed files; findings stay relative to the same root."""
    try:
        changed = changed_files(root, ref)
    except GitError as exc:
        raise ConfigProblem(f"--changed-only: {exc}") from None
    options.root = root
    options.paths = within(changed, options.paths)


def _destinations(
    formats: tuple[str, ...], output: str | None, output_dir: str | None
) -> list[Destination]:
    try:
        return destinations(list(formats), output, output_dir)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None


def _apply_baseline(result: ScanResult, path: str | None, quiet: bool) -> None:
    if not path:
        return
    try:
        fingerprints = load_baseline(path, result.root)
    except BaselineError as exc:
        raise ConfigProblem(str(exc)) from None
    count = apply_baseline(result.findings, fingerprints, os.path.basename(path))
    if not quiet:
        note(f"{count} finding(s) in the baseline {path} not reported")


def _write(
    targets: list[Destination], result: ScanResult, quiet: bool, **render_options: Any
) -> None:
    write_reports(result, targets, write_output, **render_options)
    if not quiet:
        for target in targets:
            if not target.to_stdout:
                note(f"wrote {target.format} report to {target.path}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "-f", "output_formats", type=click.Choice(FORMATS), multiple=True,
    help="Output format (default: text, or from --output's extension); repeat it with "
    "--output-dir to write several.",
)  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report here (- for standard output).")  # fmt: skip
@click.option(
    "--output-dir", type=click.Path(file_okay=False),
    help="Write one report per --format here (guardlint.sarif, guardlint.md, ...).",
)  # fmt: skip
@click.option(
    "--fail-on", type=click.Choice(SEVERITIES), default=None,
    help="Exit 1 when an unsuppressed finding has at least this severity (default: high).",
)  # fmt: skip
@click.option(
    "--severity", "min_severity", type=click.Choice(SEVERITIES), default=None,
    help="Report only findings of at least this severity (default: info).",
)  # fmt: skip
@CONFIG_OPTION
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file.")  # fmt: skip
@click.option(
    "--changed-only", is_flag=True,
    help="Scan only files changed against --since (default HEAD) or untracked.",
)  # fmt: skip
@click.option("--since", metavar="REF", help="Git ref for --changed-only (implies it).")
@click.option("--asff-account", default=None, metavar="ID",
              help="AWS account ID for --format asff (default: 000000000000).")  # fmt: skip
@click.option("--asff-region", default=None, metavar="REGION",
              help="AWS region for --format asff (default: us-east-1).")  # fmt: skip
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
    "--jobs", "-j", type=click.IntRange(min=0, max=MAX_JOBS), default=None,
    help="Worker processes (default: one per CPU, 1 for fewer than 40 files).",
)  # fmt: skip
@click.option(
    "--max-file-size", callback=_byte_size, metavar="SIZE",
    help="Report larger files as unparsable (GL001) without reading them (default: 5MB).",
)  # fmt: skip
@click.option(
    "--file-timeout", callback=_seconds, metavar="SECONDS",
    help="Stop scanning a file after this long and report it (GL001) (default: 30; 0: never).",
)  # fmt: skip
def scan(
    paths: tuple[str, ...],
    output_formats: tuple[str, ...],
    output: str | None,
    output_dir: str | None,
    fail_on: str | None,
    min_severity: str | None,
    config_file: str | None,
    baseline: str | None,
    changed_only: bool,
    since: str | None,
    asff_account: str | None,
    asff_region: str | None,
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
    paths = paths or (".",)
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"path {path!r} does not exist", param_hint="PATHS")
    root = scan_root(list(paths))
    config = config_for(config_file, root)
    rulebook = rulebook_for((*rule_dirs, *config.rule_dirs), config, root)
    options = ScanOptions(
        paths=list(paths),
        excludes=list(exclude),
        only_rules=_check_rule_ids(rulebook, only_rules, "--rule"),
        skip_rules=_check_rule_ids(rulebook, skip_rules, "--skip-rule"),
        min_severity=Severity.parse(min_severity or _label(config.min_severity, "info")),
        jobs=jobs,
    )
    config.apply(options, rulebook)
    if changed_only or since:
        _only_changed(options, root, since or "HEAD")
    if max_file_size is not None:
        options.max_bytes = max_file_size
    if file_timeout is not None:
        options.file_timeout = file_timeout
    targets = _destinations(output_formats, output, output_dir)
    result = scan_with_progress(options, rulebook, quiet)
    _apply_baseline(result, baseline or config.baseline, quiet)
    colour = (
        all(t.to_stdout for t in targets)
        and not no_color
        and sys.stdout is not None  # None: started with standard output closed
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    _write(targets, result, quiet, colour=colour, all_rules=sarif_all_rules,
           asff_account=asff_account, asff_region=asff_region)  # fmt: skip
    threshold = Severity.parse(fail_on) if fail_on else (config.fail_on or Severity.HIGH)
    active = result.active_findings
    failing = any(f.severity >= threshold for f in active)
    crashed = any(f.rule_id == INTERNAL_ERROR_RULE for f in active)
    sys.exit(EXIT_FINDINGS if failing or crashed else EXIT_OK)
