"""A file a scanned file names, which its tool reads as IaC of a kind guardlint judges, is
judged as that kind whatever its name (guardlint.engine.named_files): a Compose service's
`build.dockerfile`, the files a Compose file includes or extends. Under a name discovery
skips (`docker/web.image`, `parts/db.conf`), their findings were lost."""

from __future__ import annotations

import os

import pytest

from guardlint.discover import NOT_IAC_NAME
from tests.conftest import run_scan, write_file

COMPOSE = """\
include:
  - path: parts/db.conf
services:
  web:
    build:
      context: .
      dockerfile: docker/web.image
  api:
    extends:
      file: parts/base.conf
      service: db
"""
IMAGE = "FROM alpine:3.22\nRUN curl -fsSL https://x.example/i.sh | sh\nUSER root\n"
DB = "services:\n  db:\n    image: postgres:16.1\n    privileged: true\n"
BASE = "services:\n  db:\n    image: redis:7.2\n    network_mode: host\n"


def _tree(tmp_path, compose: str = COMPOSE) -> None:
    write_file(tmp_path, "compose.yaml", compose)
    write_file(tmp_path, "docker/web.image", IMAGE)
    write_file(tmp_path, "parts/db.conf", DB)
    write_file(tmp_path, "parts/base.conf", BASE)


def _found(result) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.region.start_line) for f in result.findings}


def test_named_files_are_judged_as_their_kind_at_their_own_lines(tmp_path):
    _tree(tmp_path)
    result = run_scan(tmp_path, root=str(tmp_path))
    found = _found(result)
    assert {("DKR008", "docker/web.image", 2), ("DKR001", "docker/web.image", 3)} <= found
    assert ("CMP001", "parts/db.conf", 4) in found
    assert ("CMP003", "parts/base.conf", 4) in found
    assert result.files["scanned"] == 4
    assert NOT_IAC_NAME not in result.skipped_files


def test_a_file_named_twice_or_scanned_by_its_name_is_judged_once(tmp_path):
    _tree(tmp_path, COMPOSE.replace("docker/web.image", "Dockerfile.web"))
    write_file(tmp_path, "Dockerfile.web", IMAGE)
    write_file(tmp_path, "other/compose.yaml", "include:\n  - ../parts/db.conf\n")
    result = run_scan(tmp_path, root=str(tmp_path))
    keys = [(f.rule_id, f.path, f.region, f.message) for f in result.findings]
    assert len(keys) == len(set(keys))
    assert sum(f.path == "parts/db.conf" and f.rule_id == "CMP001" for f in result.findings) == 1
    assert {f.path for f in result.findings if f.rule_id == "DKR008"} == {"Dockerfile.web"}


def test_an_excluded_named_file_is_not_judged(tmp_path):
    _tree(tmp_path)
    result = run_scan(tmp_path, root=str(tmp_path), excludes=["docker", "parts/db.conf"])
    paths = {f.path for f in result.findings}
    assert "docker/web.image" not in paths and "parts/db.conf" not in paths
    assert "parts/base.conf" in paths


def test_named_files_outside_the_root_or_not_regular_are_not_read(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write_file(outside, "web.image", IMAGE)
    write_file(outside, "db.conf", DB)
    write_file(root, "node_modules/x/db.conf", DB)
    (root / "dir.conf").mkdir()
    os.symlink(outside / "db.conf", root / "out.conf")
    os.symlink(root / "nowhere", root / "broken.conf")
    os.mkfifo(root / "fifo.conf")
    write_file(root, "big.conf", DB + "#" * 2_000)
    compose = """\
include:
  - ../outside/db.conf
  - /etc/passwd
  - out.conf
  - broken.conf
  - dir.conf
  - fifo.conf
  - missing.conf
  - node_modules/x/db.conf
  - ${X}/db.conf
  - big.conf
services:
  web:
    build: {context: ../outside, dockerfile: web.image}
"""
    write_file(root, "compose.yaml", compose)
    result = run_scan(root, root=str(root), max_bytes=1_000)
    assert {f.path for f in result.findings} <= {"compose.yaml", "big.conf"}
    too_large = [f for f in result.findings if f.path == "big.conf"]
    assert [f.rule_id for f in too_large] == ["GL001"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_named_files_nest_within_bounds(tmp_path, jobs):
    for level in range(8):
        write_file(tmp_path, f"p/{level}.conf", f"include: [{level + 1}.conf]\n" + DB)
    write_file(tmp_path, "compose.yaml", "include: [p/0.conf]\n" + BASE)
    result = run_scan(tmp_path, root=str(tmp_path), jobs=jobs)
    judged = {f.path for f in result.findings if f.rule_id == "CMP001"}
    assert judged == {f"p/{level}.conf" for level in range(4)}
