"""`--cache`, `--cache-dir`, `--no-cache`, `--cache-max-size`: whether a scan reuses and stores
results (guardlint.engine.cached), and where.

Off unless asked: on the command line, or by GUARDLINT_CACHE_DIR in the environment (the
scanned repository's config cannot turn it on: it would have a scan write where a pull request
chose). A cache directory that cannot be used is a note, and the scan runs without it; a file
named as one is a usage error.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from guardlint.cli.shared import byte_size, note
from guardlint.engine.options import DEFAULT_CACHE_MAX_BYTES, ScanOptions
from guardlint.engine.scan import ScanResult
from guardlint.parse.inputs import lies_inside

CACHE_DIR_ENV = "GUARDLINT_CACHE_DIR"


def cache_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The cache's options, for `guardlint scan`."""
    options = [
        click.option(
            "--cache/--no-cache", "use_cache", default=None,
            help=f"Reuse the findings of unchanged files from a result cache, and store new "
            f"ones there: ${CACHE_DIR_ENV}, else guardlint's directory in the user's cache "
            "directory. --no-cache: no cache, whatever else says so (default: a cache only "
            f"with --cache, --cache-dir or ${CACHE_DIR_ENV}).",
        ),
        click.option(
            "--cache-dir", type=click.Path(file_okay=False), envvar=CACHE_DIR_ENV,
            show_envvar=True, help="Use the result cache in this directory (implies --cache).",
        ),
        click.option(
            "--cache-max-size", callback=byte_size, metavar="SIZE",
            help=f"Keep the result cache within this size, removing the least recently used "
            f"results (default: {DEFAULT_CACHE_MAX_BYTES // 1024**2}MB).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _user_cache_dir() -> str:
    import platformdirs  # only for --cache without a directory (the pre-commit hook)

    return platformdirs.user_cache_dir("guardlint", appauthor=False)


def cache_asked(use_cache: bool | None, cache_dir: str | None) -> bool:
    """Whether the options ask for a result cache (--cache, --cache-dir or its variable)."""
    return use_cache is True or (use_cache is None and bool(cache_dir))


def configure_cache(
    options: ScanOptions,
    use_cache: bool | None,
    cache_dir: str | None,
    max_size: int | None,
) -> None:
    """Set the scan's cache from the options (a usable directory, or none)."""
    if not cache_asked(use_cache, cache_dir):
        return
    directory = os.path.abspath(cache_dir or _user_cache_dir())
    # As the file system resolves them: a directory named through a link into the tree is
    # in the tree.
    real_directory, root = os.path.realpath(directory), os.path.realpath(options.root or ".")
    if lies_inside(root, real_directory):
        note(f"result cache off: {directory} holds the scanned tree")
        return
    from guardlint.engine.result_cache import CacheError, ResultCache  # only with a cache

    try:
        ResultCache.open(directory).close()
    except CacheError as exc:
        note(f"result cache off: {exc}")
        return
    options.cache_dir = directory
    if max_size is not None:
        options.cache_max_bytes = max_size
    if lies_inside(real_directory, root):
        # Its entries are the cache's, not the repository's files: never scanned.
        import glob  # only here: a cache inside the scan root

        relative = os.path.relpath(real_directory, root).replace(os.sep, "/")
        options.excludes.append(glob.escape(relative))


def note_reuse(result: ScanResult) -> None:
    """How many files the cache spared the scan."""
    total = len(result.file_kinds)
    note(f"result cache: {result.reused_files} of {total} file(s) unchanged, not scanned again")
