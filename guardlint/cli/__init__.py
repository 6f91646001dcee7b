"""The `guardlint` command line: scan, merge, rules, explain, init, baseline, version.

Heavy libraries (rule packs' checks, reporters, detect-secrets, bandit) are imported only when
a scan needs them, so that `guardlint scan one/Dockerfile` starts fast.
"""

from __future__ import annotations

# signal's own C module: signal.py builds three enums as it loads (1% of a small scan).
import _signal as signal
import gc
import importlib
import os
import sys
from types import FrameType
from typing import NoReturn

import click

from guardlint import __version__

EXIT_INTERRUPTED = 130
# Each command's module and function: a command's module is imported when it runs (or when
# --help lists it), so a scan does not import the others.
COMMANDS = {
    "scan": ("guardlint.cli.scan", "scan"),
    "merge": ("guardlint.cli.merge", "merge_reports"),
    "rules": ("guardlint.cli.rules", "list_rules"),
    "explain": ("guardlint.cli.rules", "explain"),
    "init": ("guardlint.cli.init", "init"),
    "baseline": ("guardlint.cli.baseline", "baseline"),
    "version": ("guardlint.cli.rules", "version"),
}


class LazyCommands(click.Group):
    """A group whose commands are imported on first use (click's documented lazy pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, function = COMMANDS[name]
        return getattr(importlib.import_module(module), function)


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="guardlint")
def cli() -> None:
    """guardlint: security scanner and policy linter for Dockerfiles, Compose, CloudFormation/SAM,
    IAM policies and Kubernetes manifests."""


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


def run() -> NoReturn:
    """The `guardlint` command's work (guardlint.__main__.run turns the cyclic collector off
    first): main(), then an exit that skips the interpreter's teardown.

    Tearing down frees every module and object one by one: about 15 ms, a tenth of a small
    scan, for memory the system takes back at once (mypy exits the same way). When main is
    done every report is written and closed and the workers are gone: only the standard
    streams are left to flush. An unexpected exception still goes the usual way."""
    # Off already when guardlint.__main__.run called this; not from a console script installed
    # while this was the entry point (an editable install), which calls it directly.
    gc.disable()
    try:
        main()
    except SystemExit as exit:
        # Ended from inside the handler: the exception's traceback holds the frames of the
        # whole command, and freeing it would free every object of the scan one by one (1% of
        # a warm corpus scan).
        _exit(exit.code)
    _exit(0)


def _exit(code: object) -> NoReturn:
    """Exit with `code` as Python's own exit would, once the standard streams are flushed."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"), as Python itself treats it
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: what Python exits with then
            status = status or 120
    os._exit(status)
