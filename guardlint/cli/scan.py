"""`guardlint scan`: the options, the config folded under them, the reports, the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from guardlint.cli.cache import cache_asked, cache_options, configure_cache, note_reuse
from guardlint.cli.destinations import Destination, OutputError, destinations, write_reports
from guardlint.cli.governing import governed_paths
from guardlint.cli.output import write_output
from guardlint.cli.progress import shows_progress
from guardlint.cli.shared import (
    CDK_ASSETS_OPTION,
    CONFIG_OPTION,
    ConfigProblem,
    byte_size,
    config_for,
    note,
    rulebook_for,
    scan_with_progress,
)
from guardlint.cli.stdin import STDIN, stdin_source
from guardlint.config import NEVER, is_never
from guardlint.config.limits import parse_file_timeout, parse_jobs
from guardlint.discover import scan_root
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import INTERNAL_ERROR_RULE
from guardlint.engine.scan import ScanResult
from guardlint.model.rules import Severity
from guardlint.report import REPORTERS, Rendered
from guardlint.rulebook import Rulebook

if TYPE_CHECKING:
    from guardlint.discover.shards import Shard

FORMATS = tuple(REPORTERS)
SEVERITIES = [s.label for s in reversed(Severity)]
EXIT_OK, EXIT_FINDINGS = 0, 1
Checked = TypeVar("Checked")


def _checked(check: Callable[[str], Checked]) -> Callable[..., Checked | None]:
    """A click callback: the value as `check` returns it; its ValueError a usage error."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Checked | None:
        try:
            return None if value is None else check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _shard(text: str) -> Shard:
    """`--shard K/N` (guardlint.discover.shards, imported only when the option is given)."""
    from guardlint.discover.shards import Shard

    return Shard.parse(text)


def _asff_checked(name: str) -> Callable[..., str | None]:
    """_checked by guardlint.report.asff_aws's check `name`, loaded only for its option."""

    def check(value: str) -> str:
        from guardlint.report import asff_aws

        return getattr(asff_aws, name)(value)

    return _checked(check)


def _check_rule_ids(rulebook: Rulebook, ids: tuple[str, ...], option: str) -> set[str]:
    wanted = {i.strip().upper() for value in ids for i in value.split(",") if i.strip()}
    unknown = sorted(i for i in wanted if rulebook.get(i) is None)
    if unknown:
        raise click.BadParameter(f"unknown rule ID(s): {', '.join(unknown)}", param_hint=option)
    return wanted


def _reads_stdin(paths: tuple[str, ...], stdin_filename: str | None) -> bool:
    """Whether the scan reads standard input (the path -), which is then the only path."""
    if STDIN not in paths:
        if stdin_filename is not None:
            raise click.BadParameter(
                "needs the path - (standard input)", param_hint="--stdin-filename"
            )
        return False
    if len(paths) > 1:
        raise click.BadParameter(
            "- (standard input) is the only path of its scan", param_hint="PATHS"
        )
    return True


def _label(severity: Severity | None, default: str) -> str:
    return severity.label if severity is not None else default


def _only_changed(options: ScanOptions, root: str, ref: str) -> None:
    """Narrow the scan to changed files; findings stay relative to the same root."""
    from guardlint.cli.gitdiff import GitError, changed_files, within  # subprocess: 1.5 ms

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


def _apply_baseline(
    result: ScanResult, rulebook: Rulebook | None, path: str | None, quiet: bool
) -> set[str]:
    """Apply the baseline; the superseded rules it names (with a baseline the rulebook is
    loaded: its rules may have been superseded since)."""
    if not path or rulebook is None:
        return set()
    # Here, not at the top: a scan without a baseline does without its module.
    from guardlint.suppress.baseline import BaselineError, apply_baseline, load_baseline

    try:
        baseline = load_baseline(path, result.root)
    except BaselineError as exc:
        raise ConfigProblem(str(exc)) from None
    superseded = [rule for rule in rulebook.rules if rule.deprecated]
    count, named = apply_baseline(result.findings, baseline, os.path.basename(path), superseded)
    if not quiet:
        note(f"{count} finding(s) in the baseline {path} not reported")
    return named


def _write(
    targets: list[Destination], result: ScanResult, quiet: bool, **render_options: Any
) -> None:
    sarif_paths = {target.path for target in targets if target.format == "sarif"}
    warnings: list[str] = []

    def write(path: str, report: Rendered) -> None:
        write_output(path, report)
        if path in sarif_paths:
            warnings.extend(_sarif_warnings(result, report, render_options["all_rules"]))

    write_reports(result, targets, write, **render_options)
    if not quiet:
        for target in targets:
            if not target.to_stdout:
                note(f"wrote {target.format} report to {target.path}")
        for warning in warnings:
            note(warning)


def _sarif_warnings(result: ScanResult, log: Rendered, all_rules: bool) -> list[str]:
    """What GitHub code scanning would refuse or leave out of the SARIF log written."""
    from guardlint.report import sarif_limits  # only a SARIF report needs it

    warnings = sarif_limits.all_rules_warnings(result.rules, result.findings) if all_rules else []
    return warnings + sarif_limits.upload_warnings(len(result.findings), log)


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
    "--fail-on", type=click.Choice([*SEVERITIES, NEVER], case_sensitive=False), default=None,
    help="Exit 1 when an unsuppressed finding has at least this severity (default: high); "
    "never: exit 0 whatever is found.",
)  # fmt: skip
@click.option("--soft-fail", is_flag=True, help="Findings never fail the run (--fail-on never).")
@click.option(
    "--severity", "min_severity", type=click.Choice(SEVERITIES, case_sensitive=False),
    default=None,
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
@click.option("--asff-account", default=None, metavar="ID", callback=_asff_checked("check_account"),
              help="AWS account ID for --format asff (default: 000000000000).")  # fmt: skip
@click.option("--asff-region", default=None, metavar="REGION",
              callback=_asff_checked("check_region"),
              help="AWS region for --format asff (default: us-east-1).")  # fmt: skip
@click.option("--rule", "only_rules", multiple=True, help="Run only these rule IDs.")
@click.option("--skip-rule", "skip_rules", multiple=True, help="Do not run these rule IDs.")
@click.option("--exclude", multiple=True, help="Skip paths matching this glob (repeatable).")
@CDK_ASSETS_OPTION
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also load custom rule packs from this directory.")  # fmt: skip
@click.option(
    "--sarif-all-rules", is_flag=True, help="List every rule in SARIF, not only those that fired."
)
@click.option(
    "--stdin-filename", metavar="NAME",
    help="With the path -: the name standard input is shown under, and its kind when "
    "guardlint scans files of that name (default: stdin, kind by content).",
)  # fmt: skip
@click.option(
    "--compact", is_flag=True,
    help="Text: one line per finding, path:line:col: SEVERITY ID message (no summary).",
)  # fmt: skip
@click.option("--no-color", is_flag=True, help="No ANSI colours in text output.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the report.")
@click.option(
    "--jobs", "-j", callback=_checked(parse_jobs), metavar="N",
    help="Processes that scan, this one included (default: one per CPU, at most one per 20 "
    "files and per 100 KB; 1 under 40 files or 200 KB).",
)  # fmt: skip
@click.option(
    "--shard", callback=_checked(_shard), metavar="K/N",
    help="Scan only slice K of N of the files (CI matrix jobs); join the reports with "
    "`guardlint merge`.",
)  # fmt: skip
@click.option(
    "--max-file-size", callback=byte_size, metavar="SIZE",
    help="Report larger files as unparsable (GL001) without reading them (default: 5MB).",
)  # fmt: skip
@click.option(
    "--file-timeout", callback=_checked(parse_file_timeout), metavar="SECONDS",
    help="Stop scanning a file after this many seconds of elapsed time: report the findings of "
    "the rules that finished and which are missing (GL001); stopped among the secret rules, "
    "the others run on for a quarter of it more, their findings' details withheld "
    "(default: 30; 0: never). With its extra budgets a file takes at most 1.75 times it.",
)  # fmt: skip
@cache_options
def scan(
    paths: tuple[str, ...],
    output_formats: tuple[str, ...],
    output: str | None,
    output_dir: str | None,
    fail_on: str | None,
    soft_fail: bool,
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
    cdk_assets: bool,
    rule_dirs: tuple[str, ...],
    sarif_all_rules: bool,
    stdin_filename: str | None,
    compact: bool,
    no_color: bool,
    quiet: bool,
    jobs: int | None,
    shard: Shard | None,
    max_file_size: int | None,
    file_timeout: float | None,
    use_cache: bool | None,
    cache_dir: str | None,
    cache_max_size: int | None,
) -> None:
    """Scan PATHS (default: the current directory; - for standard input) for security
    misconfigurations."""
    paths = paths or (".",)
    from_stdin = _reads_stdin(paths, stdin_filename)
    for path in paths:
        if not from_stdin and not os.path.lexists(path):
            raise click.BadParameter(f"path {path!r} does not exist", param_hint="PATHS")
    root = scan_root([] if from_stdin else list(paths))
    config = config_for(config_file, root)
    rule_dirs = (*rule_dirs, *config.rule_dirs)
    baseline = baseline or config.baseline
    # Every rule where the options or the config name rules (unknown IDs are errors), a report
    # or a baseline may list any, the result cache keys entries by them all or the progress
    # line names packs; else the scan loads the packs of the kinds of document it finds.
    every_rule = (
        bool(only_rules or skip_rules or rule_dirs or baseline or sarif_all_rules)
        or config.names_rules
        or cache_asked(use_cache, cache_dir)
        or shows_progress(quiet)
    )
    rulebook = rulebook_for(rule_dirs, config, root) if every_rule else None
    options = ScanOptions(
        paths=[] if from_stdin else list(paths),
        root=root,
        excludes=list(exclude),
        min_severity=Severity.parse(min_severity or _label(config.min_severity, "info")),
        jobs=jobs,
        shard=shard,
        cdk_assets=cdk_assets,
        rules_of_kinds_found=rulebook is None,
    )
    if rulebook is not None:
        options.only_rules = _check_rule_ids(rulebook, only_rules, "--rule")
        options.skip_rules = _check_rule_ids(rulebook, skip_rules, "--skip-rule")
    config.apply(options, rulebook)
    if changed_only or since:
        _only_changed(options, root, since or "HEAD")
    options.paths = governed_paths(options.paths, root, (config.source, baseline), rule_dirs)
    if max_file_size is not None:
        options.max_bytes = max_file_size
    if file_timeout is not None:
        options.file_timeout = file_timeout
    targets = _destinations(output_formats, output, output_dir)
    if compact and all(target.format != "text" for target in targets):
        raise click.BadParameter("applies only to the text format", param_hint="--compact")
    if from_stdin and shard is not None:
        raise click.BadParameter("a scan of standard input has no slices", param_hint="--shard")
    if from_stdin:
        options.sources = [stdin_source(stdin_filename, options.max_bytes)]
    configure_cache(options, use_cache, cache_dir, cache_max_size)
    result = scan_with_progress(options, rulebook, quiet)
    if options.cache_dir is not None and not quiet:
        note_reuse(result)
    superseded_named = _apply_baseline(result, rulebook, baseline, quiet)
    if not quiet and (result.superseded_named or superseded_named):
        # An inline suppression in any file may name a superseded rule of any pack.
        rulebook = rulebook or rulebook_for(rule_dirs, config, root)
        for rule_id in sorted(result.superseded_named | superseded_named):
            note(rulebook.by_id[rule_id].deprecation_notice)
    colour = (
        all(t.to_stdout for t in targets)
        and not no_color
        and sys.stdout is not None  # None: started with standard output closed
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    _write(targets, result, quiet, colour=colour, all_rules=sarif_all_rules, compact=compact,
           asff_account=asff_account, asff_region=asff_region)  # fmt: skip
    threshold = _threshold(NEVER if soft_fail else fail_on, config.fail_on)
    # A rule that crashed (GL002, suppressed or not) fails the run whatever the threshold:
    # its results are missing, and the config may come from the repository under scan.
    crashed = any(f.rule_id == INTERNAL_ERROR_RULE for f in result.findings)
    failing = crashed or (
        threshold is not None and any(f.severity >= threshold for f in result.active_findings)
    )
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _threshold(word: str | None, configured: Severity | str | None) -> Severity | None:
    """The severity that fails the run; None for never (the command line wins over the config)."""
    chosen = word or configured or Severity.HIGH
    if is_never(chosen):
        return None
    return chosen if isinstance(chosen, Severity) else Severity.parse(chosen)
