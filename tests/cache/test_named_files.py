"""With the result cache, a file judged because another names it (guardlint.engine.named_files)
is a file of the scan like any other: editing only it changes the findings, and a scan that
reuses the naming file's outcome still judges it."""

from __future__ import annotations

import time

import pytest

from guardlint.engine import scan_pack
from tests.cache.conftest import cached_scan, seen
from tests.conftest import write_file
from tests.hostile import test_named_aws_files as aws
from tests.hostile.test_named_iac_files import BASE, COMPOSE, DB, IMAGE

SAFE_BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n"
SAFE_NESTED = aws.NESTED.replace("0.0.0.0/0", "10.0.0.0/8")
# named file -> (naming file and its text, the file's text, a rule it breaks, a fixed text)
EDITS = {
    "docker/web.image": (COMPOSE, IMAGE, "DKR001", "FROM alpine:3.22\nUSER app\n"),
    "parts/db.conf": (COMPOSE, DB, "CMP001", DB.replace("privileged: true", "read_only: true")),
    "parts/base.conf": (COMPOSE, BASE, "CMP003", BASE.replace("network_mode: host", "ipc: none")),
    "ci/build.cfg": (aws.TEMPLATE, aws.BUILDSPEC, "CBD004", SAFE_BUILDSPEC),
    "stacks/nested.tmpl": (aws.TEMPLATE, aws.NESTED, "CFN006", SAFE_NESTED),
    "app.txt": (aws.TEMPLATE, aws.NESTED, "CFN006", SAFE_NESTED),
}


@pytest.fixture(autouse=True, params=["entries", "pack", "settled pack"])
def entry_lookup(request, monkeypatch) -> None:
    """Each test with the entries read one by one, from the scan's pack, and from a pack that
    knows every file by its status."""
    if request.param != "entries":
        monkeypatch.setattr(scan_pack, "MIN_FILES", 1)
    if request.param == "settled pack":
        monkeypatch.setattr(scan_pack, "time_ns", lambda: time.time_ns() + 60 * 10**9)


@pytest.mark.parametrize("named", sorted(EDITS))
def test_editing_only_the_named_file_changes_the_findings(tmp_path, named):
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    naming, _, rule, fixed = EDITS[named]
    write_file(tree, "compose.yaml" if naming == COMPOSE else "template.yaml", naming)
    for path, (other, text, _, _) in EDITS.items():
        if other == naming:
            write_file(tree, path, text)
    first = cached_scan(tree, cache)
    assert (rule, named) in {(f.rule_id, f.path) for f in first.findings}
    assert seen(cached_scan(tree, cache)) == seen(first)
    write_file(tree, named, fixed)
    again = cached_scan(tree, cache)
    assert seen(again) == seen(cached_scan(tree, None))
    assert (rule, named) not in {(f.rule_id, f.path) for f in again.findings}
    assert again.reused_files >= 1  # the naming file's outcome, named files and all


def test_a_scan_whose_named_files_are_all_scanned_makes_no_second_round(tmp_path, monkeypatch):
    # A round of no files looked its cache up all the same: its context digested again.
    from guardlint.engine import cache_context

    contexts = []
    digest = cache_context.context_digest
    monkeypatch.setattr(
        cache_context, "context_digest", lambda *a: contexts.append(a) or digest(*a)
    )
    # A buildspec that discovery finds by its name, and a file the template names that is none.
    template = aws.TEMPLATE.replace("ci/build.cfg", "buildspec.yml").replace("./app.txt", "gone")
    write_file(tmp_path / "tree", "template.yaml", template)
    write_file(tmp_path / "tree", "buildspec.yml", aws.BUILDSPEC)
    first = cached_scan(tmp_path / "tree", tmp_path / "cache")
    assert ("CBD004", "buildspec.yml") in {(f.rule_id, f.path) for f in first.findings}
    assert len(contexts) == 1
