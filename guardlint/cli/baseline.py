"""`guardlint baseline create`: accept the current findings, so later scans report new ones."""

from __future__ import annotations

import click

from guardlint.cli.output import STDOUT, write_output
from guardlint.cli.shared import (
    CDK_ASSETS_OPTION,
    CONFIG_OPTION,
    config_for,
    note,
    rulebook_for,
    scan_with_progress,
)
from guardlint.discover import scan_root
from guardlint.engine.options import ScanOptions
from guardlint.report.baseline import render_baseline


@click.group()
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
@CDK_ASSETS_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print nothing.")
def baseline_create(
    paths: tuple[str, ...],
    output: str,
    config_file: str | None,
    rule_dirs: tuple[str, ...],
    exclude: tuple[str, ...],
    cdk_assets: bool,
    quiet: bool,
) -> None:
    """Record the current unsuppressed findings of PATHS by fingerprint."""
    paths = paths or (".",)
    root = scan_root(list(paths))
    config = config_for(config_file, root)
    rulebook = rulebook_for((*rule_dirs, *config.rule_dirs), config, root)
    options = ScanOptions(paths=list(paths), excludes=list(exclude), cdk_assets=cdk_assets)
    config.apply(options, rulebook)
    result = scan_with_progress(options, rulebook, quiet)
    write_output(output, render_baseline(result.active_findings))
    if not quiet:
        count = len(result.active_findings)
        where = "standard output" if output == STDOUT else f"the baseline {output}"
        note(f"wrote {count} finding(s) to {where}")
