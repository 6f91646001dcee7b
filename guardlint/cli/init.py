"""`guardlint init`: a commented starter config."""

from __future__ import annotations

import os

import click

from guardlint.cli.output import STDOUT, write_output
from guardlint.cli.shared import note
from guardlint.config.starter import STARTER_CONFIG


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              default=".guardlint.yaml", show_default=True,
              help="Where to write the starter config (- for standard output).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(output: str, force: bool) -> None:
    """Write a commented starter config (.guardlint.yaml)."""
    if output != STDOUT and os.path.isfile(output) and not force:
        raise click.UsageError(f"{output} already exists (use --force to overwrite it)")
    write_output(output, STARTER_CONFIG)
    if output != STDOUT:
        note(f"wrote {output}; see docs/usage.md for every key")
