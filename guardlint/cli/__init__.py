"""The `guardlint` command line: scan, rules, explain, version.

Heavy modules (rule packs, reporters, detect-secrets, bandit) are imported inside the commands
that need them, so that `guardlint scan one/Dockerfile` starts fast.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any

import click

from guardlint import __version__
from guardlint.cli.output import STDOUT, write_output
from guardlint.config.limits import MAX_JOBS
from guardlint.model import Severity
from guardlint.parse.text import printable_lines

FORMATS = ("text", "json", "sarif", "asff", "junit", "markdown")
SEVERITIES = [s.label for s in reversed(Severity)]
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _byte_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`5MB`, `512KB` or a number of bytes, as max_file_size in the config file."""
    from guardlint.config.limits import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A per-file budget: a finite number of seconds, 0 for none, at most an hour."""
    from guardlint.config.limits import check_file_timeout

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


def _rulebook(rule_dirs: tuple[str, ...] = (), config: Any = None, root: str = ".") -> Any:
    """The rulebook with the packs of `rule_dirs`; those inside `root` (the scan root, or the
    working directory) are the repository's (guardlint.parse.inputs)."""
    from guardlint.config import ConfigError
    from guardlint.rulebook import RuleError, load_rulebook

    try:
        rulebook = load_rulebook(list(rule_dirs), os.path.abspath(root))
    except RuleError as exc:
        raise click.UsageError(printable_lines(f"invalid rule pack: {exc}")) from None
    if config is not None:
        try:
            config.validate(rulebook)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None
    return rulebook


def _check_rule_ids(rulebook: Any, ids: tuple[str, ...], option: str) -> set[str]:
    wanted = {i.strip().upper() for value in ids for i in value.split(",") if i.strip()}
    unknown = sorted(i for i in wanted if rulebook.get(i) is None)
    if unknown:
        raise click.BadParameter(f"unknown rule ID(s): {', '.join(unknown)}", param_hint=option)
    return wanted


CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False),
    help="Config file (default: .guardlint.yaml or pyproject.toml at the scan root).",
)  # fmt: skip


class ConfigProblem(click.ClickException):
    """A bad config file, baseline or git ref: exit 2 with a message that says where. The
    message may quote the scanned repository (its config, a path it names): escaped."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return printable_lines(f"guardlint: {self.message}")

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def _note(message: str) -> None:
    """A line for the user on stderr; it may name a path the repository's config chose."""
    click.echo(printable_lines(f"guardlint: {message}"), err=True)


def _config(config_file: str | None, root: str) -> Any:
    from guardlint.config import ConfigError, resolve_config

    try:
        return resolve_config(config_file, root)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


def _label(severity: Severity | None, default: str) -> str:
    return severity.label if severity is not None else default


def _only_changed(options: Any, root: str, ref: str) -> None:
    """Narrow the scan to changed files; findings stay relative to the same root."""
    from guardlint.cli.gitdiff import GitError, changed_files, within

    try:
        changed = changed_files(root, ref)
    except GitError as exc:
        raise ConfigProblem(f"--changed-only: {exc}") from None
    options.root = root
    options.paths = within(changed, options.paths)


def _destinations(formats: tuple[str, ...], output: str | None, output_dir: str | None) -> Any:
    from guardlint.cli.destinations import OutputError, destinations

    try:
        return destinations(list(formats), output, output_dir)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None


def _run_with_progress(options: Any, rulebook: Any, quiet: bool) -> Any:
    from guardlint.cli.progress import for_terminal
    from guardlint.engine.scan import scan as run_scan

    progress = for_terminal(quiet, rulebook=rulebook)
    try:
        return run_scan(options, rulebook, progress)
    finally:
        if progress is not None:
            progress.close()


def _apply_baseline(result: Any, path: str | None, quiet: bool) -> None:
    from guardlint.suppress.baseline import BaselineError, apply_baseline, load_baseline

    if not path:
        return
    try:
        fingerprints = load_baseline(path, result.root)
    except BaselineError as exc:
        raise ConfigProblem(str(exc)) from None
    count = apply_baseline(result.findings, fingerprints, os.path.basename(path))
    if not quiet:
        _note(f"{count} finding(s) in the baseline {path} not reported")


def _write(targets: Any, result: Any, quiet: bool, **render_options: Any) -> None:
    from guardlint.cli.destinations import write_reports

    write_reports(result, targets, write_output, **render_options)
    if not quiet:
        for target in targets:
            if not target.to_stdout:
                _note(f"wrote {target.format} report to {target.path}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="guardlint")
def cli() -> None:
    """guardlint: security scanner and policy linter for Dockerfiles, Compose, CloudFormation/SAM,
    IAM policies and Kubernetes manifests."""


@cli.command()
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
    from guardlint.discover import scan_root
    from guardlint.engine.options import ScanOptions
    from guardlint.engine.runner import INTERNAL_ERROR_RULE

    paths = paths or (".",)
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"path {path!r} does not exist", param_hint="PATHS")
    root = scan_root(list(paths))
    config = _config(config_file, root)
    rulebook = _rulebook((*rule_dirs, *config.rule_dirs), config, root)
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
    result = _run_with_progress(options, rulebook, quiet)
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
        write_output(STDOUT, json.dumps(rows, indent=2) + "\n")
        return
    width = max((len(r.name) for r in rulebook.rules), default=4)
    lines = [f"{'ID':8} {'NAME':{width}} {'SEVERITY':9} CATEGORY"]
    for rule in rulebook.rules:
        lines.append(f"{rule.id:8} {rule.name:{width}} {rule.severity.label:9} {rule.category}")
    write_output(STDOUT, "\n".join(lines) + "\n")


@cli.command()
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also look in custom rule packs from this directory.")  # fmt: skip
def explain(rule_id: str, rule_dirs: tuple[str, ...]) -> None:
    """Explain a rule: why it matters, how to fix it, a bad and a good example."""
    from guardlint.report.ruledoc import rule_text

    rule = _rulebook(rule_dirs).get(rule_id)
    if rule is None:
        raise click.BadParameter(f"unknown rule ID {rule_id!r}", param_hint="RULE_ID")
    write_output(STDOUT, rule_text(rule))


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              default=".guardlint.yaml", show_default=True,
              help="Where to write the starter config (- for standard output).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(output: str, force: bool) -> None:
    """Write a commented starter config (.guardlint.yaml)."""
    from guardlint.config import STARTER_CONFIG

    if output != STDOUT and os.path.isfile(output) and not force:
        raise click.UsageError(f"{output} already exists (use --force to overwrite it)")
    write_output(output, STARTER_CONFIG)
    if output != STDOUT:
        _note(f"wrote {output}; see docs/usage.md for every key")


@cli.group()
def baseline() -> None:
    """Accept the current findings so that later scans report only new ones."""


@baseline.command("create")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              default=".guardlint-baseline.json", show_default=True,
              help="Where to write the baseline (- for standard output).")  # fmt: skip
@CONFIG_OPTION
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Also load custom rule packs from this directory.")  # fmt: skip
@click.option("--exclude", multiple=True, help="Skip paths matching this glob (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing.")
def baseline_create(
    paths: tuple[str, ...],
    output: str,
    config_file: str | None,
    rule_dirs: tuple[str, ...],
    exclude: tuple[str, ...],
    quiet: bool,
) -> None:
    """Record the current unsuppressed findings of PATHS by fingerprint."""
    from guardlint.discover import scan_root
    from guardlint.engine.options import ScanOptions
    from guardlint.report.baseline import render_baseline

    paths = paths or (".",)
    root = scan_root(list(paths))
    config = _config(config_file, root)
    rulebook = _rulebook((*rule_dirs, *config.rule_dirs), config, root)
    options = ScanOptions(paths=list(paths), excludes=list(exclude))
    config.apply(options, rulebook)
    result = _run_with_progress(options, rulebook, quiet)
    write_output(output, render_baseline(result.active_findings))
    if not quiet:
        count = len(result.active_findings)
        where = "standard output" if output == STDOUT else f"the baseline {output}"
        _note(f"wrote {count} finding(s) to {where}")


@cli.command()
def version() -> None:
    """Print guardlint's version."""
    write_output(STDOUT, f"guardlint {__version__}\n")


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM (a cancelled CI job). Not KeyboardInterrupt, which click turns into
    "Aborted!" and exit 1; raised so that cleanups run (no temporary report left behind)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def main() -> None:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        cli.main(prog_name="guardlint", standalone_mode=True)
    except Interrupted as interrupted:
        click.echo("guardlint: interrupted", err=True)
        sys.exit(interrupted.exit_code)
    except KeyboardInterrupt:
        click.echo("guardlint: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
