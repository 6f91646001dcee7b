"""`guardlint merge`: join the reports of `guardlint scan --shard k/n` jobs into one."""

from __future__ import annotations

import click

from guardlint.cli.output import STDOUT, write_output
from guardlint.cli.shared import ConfigProblem, note, rulebook_for
from guardlint.parse.inputs import InputError, read_input
from guardlint.report.merge import SARIF, MergeError, merge, parse_report, report_format
from guardlint.report.sarif_limits import upload_warnings

# A shard's report; joining takes about ten times its size in memory.
REPORT_MAX_BYTES = 256 * 1024 * 1024


@click.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default=STDOUT,
              help="Write the joined report here (default: standard output).")  # fmt: skip
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Custom rule packs the shards were scanned with.")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the report.")
def merge_reports(reports: tuple[str, ...], output: str, rule_dirs: tuple[str, ...],
                  quiet: bool) -> None:  # fmt: skip
    """Join the SARIF (or JSON) REPORTS of the slices of one scan into the report of the whole
    scan: the same rules, taxonomies and results, in the same order."""
    rulebook = rulebook_for(rule_dirs)
    place = {rule.id: index for index, rule in enumerate(rulebook.rules)}
    try:
        loaded = [parse_report(path, _read(path)) for path in reports]
        joined = merge(loaded, reports, lambda rule_id: place.get(rule_id, len(place)))
    except MergeError as exc:
        raise ConfigProblem(str(exc)) from None
    write_output(output, joined)
    if not quiet:
        note(f"joined {len(reports)} report(s)" + ("" if output == STDOUT else f" into {output}"))
        if report_format(reports[0], loaded[0]) == SARIF:
            results = sum(len(log["runs"][0].get("results", [])) for log in loaded)
            for warning in upload_warnings(results, joined):
                note(warning)


def _read(path: str) -> str:
    """The report's text, read like every input: a regular file, within a size bound, never
    waited for (a FIFO, a device)."""
    try:
        return read_input(path, REPORT_MAX_BYTES).decode("utf-8")
    except InputError as exc:
        raise ConfigProblem(f"cannot read {path}: {exc.reason}") from None
    except UnicodeDecodeError:
        raise ConfigProblem(f"cannot read {path}: not UTF-8 text") from None
