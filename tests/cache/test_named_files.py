"""With the result cache, a file judged because another names it (guardlint.engine.named_files)
is a file of the scan like any other: editing only it changes the findings, and a scan that
reuses the naming file's outcome still judges it."""

from __future__ import annotations

import pytest

from tests.cache.conftest import cached_scan, seen
from tests.conftest import write_file
from tests.hostile.test_named_iac_files import BASE, COMPOSE, DB, IMAGE

EDITS = {
    "docker/web.image": (IMAGE, "DKR001", "FROM alpine:3.22\nUSER app\n"),
    "parts/db.conf": (DB, "CMP001", DB.replace("privileged: true", "read_only: true")),
    "parts/base.conf": (BASE, "CMP003", BASE.replace("network_mode: host", "read_only: true")),
}


@pytest.mark.parametrize("named", sorted(EDITS))
def test_editing_only_the_named_file_changes_the_findings(tmp_path, named):
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    write_file(tree, "compose.yaml", COMPOSE)
    for path, (text, _, _) in EDITS.items():
        write_file(tree, path, text)
    _, rule, fixed = EDITS[named]
    first = cached_scan(tree, cache)
    assert (rule, named) in {(f.rule_id, f.path) for f in first.findings}
    assert seen(cached_scan(tree, cache)) == seen(first)
    write_file(tree, named, fixed)
    again = cached_scan(tree, cache)
    assert seen(again) == seen(cached_scan(tree, None))
    assert (rule, named) not in {(f.rule_id, f.path) for f in again.findings}
    assert again.reused_files >= 1  # the Compose file's outcome, named files and all
