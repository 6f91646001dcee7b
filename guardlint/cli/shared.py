"""What the commands share: the rulebook and config they load (a problem in either is a usage
error, exit 2, with a message that says where), the --config option, notes on stderr, and a
scan with its progress line."""

from __future__ import annotations

import os
from typing import Any

import click

from guardlint.cli.progress import for_terminal
from guardlint.config import Config, ConfigError, resolve_config
from guardlint.config.limits import parse_size
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import ScanResult, scan
from guardlint.parse.text import printable_lines
from guardlint.rulebook import Rulebook, load_rulebook
from guardlint.rulebook.packs import RuleError

EXIT_USAGE = 2

CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False),
    help="Config file (default: .guardlint.yaml or pyproject.toml at the scan root).",
)  # fmt: skip
CDK_ASSETS_OPTION = click.option(
    "--cdk-assets", is_flag=True,
    help="Also scan the asset.* staging folders of CDK cloud assemblies (cdk.out).",
)  # fmt: skip


class ConfigProblem(click.ClickException):
    """A bad config file, baseline or git ref: exit 2 with a message that says where. The
    message may quote the scanned repository (its config, a path it names): escaped."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return printable_lines(f"guardlint: {self.message}")

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def byte_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """A click callback: `5MB`, `512KB` or a number of bytes, as max_file_size in the config."""
    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def note(message: str) -> None:
    """A line for the user on stderr; it may name a path the repository's config chose."""
    click.echo(printable_lines(f"guardlint: {message}"), err=True)


def rulebook_for(
    rule_dirs: tuple[str, ...] = (), config: Config | None = None, root: str = "."
) -> Rulebook:
    """The rulebook with the packs of `rule_dirs`; those inside `root` (the scan root, or the
    working directory) are the repository's (guardlint.parse.inputs)."""
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


def config_for(config_file: str | None, root: str) -> Config:
    """The config given with --config, else the one at the scan root, else the empty one."""
    try:
        return resolve_config(config_file, root)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


def scan_with_progress(options: ScanOptions, rulebook: Rulebook | None, quiet: bool) -> ScanResult:
    """The scan, with a progress line on a terminal unless `quiet` (and then with the
    rulebook: its line names packs; None: the scan loads the rules it needs)."""
    progress = for_terminal(quiet, rulebook=rulebook)
    try:
        return scan(options, rulebook, progress)
    finally:
        if progress is not None:
            progress.close()
