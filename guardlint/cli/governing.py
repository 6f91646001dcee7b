"""A file named on the command line that governs how every file of the scan is judged: the
scan's config (`.guardlint.yaml`, a pyproject.toml holding `[tool.guardlint]`, `--config`), its
baseline, a file of its custom rule packs (`rule_dirs`, `--rule-dir`). The pre-commit hook and
--changed-only name only the files a commit changes; a commit that changes only one of these
changes the findings of the whole tree (a rule enabled, a severity raised, a baseline entry
dropped), so naming one scans the scope it governs, the scan root, whole, as hooks that scan
the tree whole (checkov's `checkov -d .`, trivy's `trivy fs`) judge a configuration change. A
scan with the result cache reuses every finding the change did not touch."""

from __future__ import annotations

import os
from collections.abc import Iterable


def governed_paths(
    paths: list[str], root: str, files: Iterable[str | None], directories: Iterable[str]
) -> list[str]:
    """`paths`, or the scan root alone where one of them is among `files` (config, baseline)
    or below one of `directories` (rule packs)."""
    governing = {os.path.abspath(path) for path in files if path}
    packs = [os.path.join(os.path.abspath(directory), "") for directory in directories]
    for path in map(os.path.abspath, paths):
        if path in governing or any(path.startswith(pack) for pack in packs):
            return [root]
    return paths
