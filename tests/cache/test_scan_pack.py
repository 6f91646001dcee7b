"""A scan of the files an earlier scan had reads their entries from its pack, and knows a file
whose status is unchanged without reading it; a file changed in any way is analysed again, a
file changed too recently to be told by its status is read, and a pack a pull request wrote
changes nothing an entry could not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guardlint.engine import cached, scan_pack
from guardlint.engine.result_cache import ResultCache
from guardlint.model.documents import SourceFile
from guardlint.parse import lookups
from tests.cache.conftest import cached_scan, read_pack, seen, write_pack
from tests.conftest import write_file

SERVICES = ("svc0", "svc1", "svc2")


def tree_of_services(tmp_path: Path) -> Path:
    for number, service in enumerate(SERVICES):
        write_file(tmp_path / "t", f"{service}/Dockerfile", f"FROM alpine:3.2{number}\nUSER root\n")
    return tmp_path / "t"


def entry_files(cache: Path) -> dict[Path, dict]:
    """Each entry's value (a pack's without its tail)."""
    return {
        path: json.loads(path.read_bytes().partition(b"\n")[0])["value"]
        for path in cache.glob("v1/*/*.json")
    }


def pack_file(cache: Path) -> Path:
    [pack] = [path for path, value in entry_files(cache).items() if "files" in value]
    return pack


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The services whose Dockerfile the cache reads from now on."""
    read: list[str] = []
    real = cached.read_scanned_file

    def counting(path: str, *args):
        read.append(os.path.basename(os.path.dirname(path)))
        return real(path, *args)

    monkeypatch.setattr(cached, "read_scanned_file", counting)
    return read


def test_a_warm_scan_knows_settled_files_by_their_status(tmp_path, packed, settled, reads):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    first = seen(cached_scan(tree, cache))
    reads.clear()
    result = cached_scan(tree, cache)
    assert seen(result) == first and result.reused_files == len(SERVICES)
    assert reads == []


def rewrite_keeping_size_and_times(path: Path, text: str) -> None:
    """Write `text` (as long as the file's) and set the modification time back: only the
    change time tells (the test is skipped where the file system's clock did not move)."""
    before = os.stat(path)
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino,
    )  # fmt: skip
    if after.st_ctime_ns == before.st_ctime_ns:
        pytest.skip("the file system's clock did not move between the writes")


def test_a_file_changed_keeping_its_size_and_times_is_analysed_again(
    tmp_path, packed, settled, analysed
):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    path = tree / "svc1" / "Dockerfile"
    rewrite_keeping_size_and_times(path, path.read_text().replace("USER root", "USER app1"))
    analysed.clear()
    result = cached_scan(tree, cache)
    assert analysed == ["svc1/Dockerfile"]
    assert seen(result) == seen(cached_scan(tree, None))
    assert {f.path for f in result.findings if f.rule_id == "DKR001"} == {
        "svc0/Dockerfile", "svc2/Dockerfile",
    }  # fmt: skip


def test_a_file_changed_too_recently_is_read_but_not_analysed_again(
    tmp_path, packed, reads, analysed
):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    assert all(signature is None for signature, _ in read_pack(
        pack_file(cache))["value"]["files"])  # fmt: skip
    reads.clear()
    analysed.clear()
    assert cached_scan(tree, cache).reused_files == len(SERVICES)
    assert sorted(reads) == list(SERVICES) and analysed == []


def test_the_pack_is_written_when_it_changes_only(tmp_path, packed, settled, monkeypatch):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    assert len(entry_files(cache)) == len(SERVICES) + 1
    written: list[str] = []
    real_write = ResultCache.write
    monkeypatch.setattr(
        ResultCache, "write", lambda self, key, *a: written.append(key) or real_write(self, key, *a)
    )
    cached_scan(tree, cache)
    assert written == []
    write_file(tree, "svc3/Dockerfile", "FROM alpine:3.23\n")
    cached_scan(tree, cache)
    assert len(written) == 2  # the new file's entry, and the pack of the new set of files


def test_a_scan_of_few_files_has_no_pack(tmp_path):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    cached_scan(tree, cache)
    assert len(entry_files(cache)) == len(SERVICES)


def test_worker_processes_entries_reach_the_pack(tmp_path, packed, settled, reads):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    first = seen(cached_scan(tree, cache, jobs=2))
    value = read_pack(pack_file(cache))["value"]
    assert len(value["files"]) == len(SERVICES)
    assert sorted(key for _, key in value["files"]) == sorted(value["entries"])
    reads.clear()
    result = cached_scan(tree, cache, jobs=2)
    assert seen(result) == first and reads == [] and result.reused_files == len(SERVICES)


def _another_files_entry(pack: dict, tree: Path) -> None:
    files = pack["files"]
    files[0][1] = files[1][1]


def _first_dependency_set(pack: dict, value: object) -> None:
    pack["dependencies"][0] = value


def _each_entry_names(pack: dict, index: object) -> None:
    for entry in pack["entries"].values():
        entry["dependencies"].append(index)


HOSTILE_PACKS = {
    "garbage": lambda pack, tree: pack.clear(),
    "files-a-map": lambda pack, tree: pack.__setitem__("files", {}),
    "files-one-short": lambda pack, tree: pack["files"].pop(),
    "files-one-more": lambda pack, tree: pack["files"].append(pack["files"][0]),
    "items-without-places": lambda pack, tree: pack.__setitem__("entries", {}),
    "key-a-list": lambda pack, tree: [item.__setitem__(1, [1]) for item in pack["files"]],
    "signature-of-texts": lambda pack, tree: [
        item.__setitem__(0, ["1"] * 5) for item in pack["files"]
    ],
    "another-files-entry": _another_files_entry,
    "entries-of-nothing": lambda pack, tree: pack["entries"].update(
        {key: [] for key in pack["entries"]}
    ),
    "dependencies-a-map": lambda pack, tree: pack.__setitem__("dependencies", {"0": 1}),
    "index-past-the-table": lambda pack, tree: _each_entry_names(pack, 10**9),
    "index-below-the-table": lambda pack, tree: _each_entry_names(pack, -1),
    "index-a-float": lambda pack, tree: _each_entry_names(pack, 0.0),
    "dependency-not-one": lambda pack, tree: _first_dependency_set(pack, "day"),
    "dependency-outside-the-tree": lambda pack, tree: _first_dependency_set(
        pack, ["read", "/etc/passwd", [1024, str(tree)], "absent"]
    ),
    "dependency-found-otherwise": lambda pack, tree: _first_dependency_set(
        pack, [*pack["dependencies"][0][:3], "sha256:" + "0" * 64]
    ),
}


@pytest.mark.parametrize("damage", list(HOSTILE_PACKS), ids=str)
def test_a_planted_pack_changes_no_result(tmp_path, packed, settled, damage):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    pack = pack_file(cache)
    data = read_pack(pack)
    HOSTILE_PACKS[damage](data["value"], tree)
    write_pack(pack, data)
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))


def test_files_known_by_status_whose_dependency_changed_are_packed_anew(tmp_path, packed, settled):
    """Through workers too (two files to analyse again): the next scan knows them again
    instead of analysing them each time."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    changed = SERVICES[:2]
    for service in changed:
        write_file(tree, f"{service}/.dockerignore", ".git\n")
    cached_scan(tree, cache, jobs=2)
    for service in changed:
        write_file(tree, f"{service}/.dockerignore", ".git\n.env\n")
    assert cached_scan(tree, cache, jobs=2).reused_files == len(SERVICES) - len(changed)
    again = cached_scan(tree, cache, jobs=2)
    assert again.reused_files == len(SERVICES)
    assert seen(again) == seen(cached_scan(tree, None))


def test_a_pack_naming_standard_input_changes_nothing(tmp_path, packed, settled):
    """Standard input is never cached: a pack that names it is not looked at for it."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    stdin = SourceFile(path="-", rel_path="-", kind="dockerfile", content=b"FROM alpine\n")
    cached_scan(tree, cache, sources=[stdin])
    pack = pack_file(cache)
    data = read_pack(pack)
    files = data["value"]["files"]
    assert files.count(None) == 1  # standard input's item
    files[files.index(None)] = next(item for item in files if item is not None)
    write_pack(pack, data)
    expected = seen(cached_scan(tree, None, sources=[stdin]))
    assert seen(cached_scan(tree, cache, sources=[stdin])) == expected


def test_a_pack_holds_each_dependency_its_files_share_once(tmp_path, packed, settled):
    """Files share most of what their scans looked at (the directories up to the root, the
    day): the pack holds each once and its entries name them by index, so that a warm scan
    reads and checks each once."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    first = seen(cached_scan(tree, cache))
    value = read_pack(pack_file(cache))["value"]
    table = value["dependencies"]
    named = [index for entry in value["entries"].values() for index in entry["dependencies"]]
    assert named and all(type(index) is int and 0 <= index < len(table) for index in named)
    assert len({json.dumps(item) for item in table}) == len(table) < len(named)
    assert set(named) == set(range(len(table)))
    result = cached_scan(tree, cache)
    assert seen(result) == first and result.reused_files == len(SERVICES)


def test_files_naming_a_dependency_the_pack_records_otherwise_are_analysed_again(
    tmp_path, packed, settled, analysed
):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    pack = pack_file(cache)
    data = read_pack(pack)
    value = data["value"]
    what, path, how, _ = value["dependencies"][0]
    value["dependencies"][0] = [what, path, how, "sha256:" + "0" * 64]
    value["directories"] = {}  # their statuses would tell a name's presence without a look
    write_pack(pack, data)
    naming = {key for key, entry in value["entries"].items() if 0 in entry["dependencies"]}
    assert naming
    analysed.clear()
    result = cached_scan(tree, cache)
    assert len(analysed) == len(naming)
    assert seen(result) == seen(cached_scan(tree, None))


def test_a_warm_scan_tells_files_by_the_status_their_listing_gave(
    tmp_path, packed, settled, reads, monkeypatch
):
    """Discovery's listing already gave each file's status, reached through no link: the pack
    compares that, without walking to each file again."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    first = seen(cached_scan(tree, cache))
    reads.clear()
    looked_at: list[str] = []
    monkeypatch.setattr(scan_pack, "input_status", lambda path, root: looked_at.append(path))
    result = cached_scan(tree, cache)
    assert seen(result) == first and result.reused_files == len(SERVICES)
    assert reads == [] and looked_at == []


IGNORE_FILES = {f"{service}/.dockerignore" for service in SERVICES}


def tree_with_ignore_files(tmp_path: Path) -> Path:
    """Services whose Dockerfiles' scans read the .dockerignore beside them."""
    tree = tree_of_services(tmp_path)
    for service in SERVICES:
        write_file(tree, f"{service}/.dockerignore", ".git\n")
    return tree


@pytest.fixture
def dependency_reads(monkeypatch) -> list[str]:
    """The files a warm scan reads again to check its dependencies, from now on."""
    read: list[str] = []
    real = lookups.read_input

    def counting(path: str, *args):
        read.append(os.path.relpath(path, os.path.dirname(os.path.dirname(path))))
        return real(path, *args)

    monkeypatch.setattr(lookups, "read_input", counting)
    return read


def test_a_warm_scan_knows_settled_dependencies_by_their_status(
    tmp_path, packed, settled, dependency_reads
):
    tree, cache = tree_with_ignore_files(tmp_path), tmp_path / "cache"
    first = seen(cached_scan(tree, cache))
    statuses = read_pack(pack_file(cache))["value"]["read_statuses"]
    assert sum(status is not None for status in statuses) == len(SERVICES)
    dependency_reads.clear()
    result = cached_scan(tree, cache)
    assert seen(result) == first and result.reused_files == len(SERVICES)
    assert not IGNORE_FILES & set(dependency_reads)  # an absent Dockerfile.dockerignore is read


def test_a_dependency_changed_keeping_its_size_and_times_is_noticed(
    tmp_path, packed, settled, analysed
):
    tree, cache = tree_with_ignore_files(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    rewrite_keeping_size_and_times(tree / "svc1" / ".dockerignore", ".env\n")
    analysed.clear()
    result = cached_scan(tree, cache)
    assert analysed == ["svc1/Dockerfile"]
    assert seen(result) == seen(cached_scan(tree, None))


def test_a_dependency_changed_too_recently_is_read_again(tmp_path, packed, dependency_reads):
    tree, cache = tree_with_ignore_files(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    statuses = read_pack(pack_file(cache))["value"]["read_statuses"]
    assert statuses and all(status is None for status in statuses)
    dependency_reads.clear()
    assert cached_scan(tree, cache).reused_files == len(SERVICES)
    assert set(dependency_reads) >= IGNORE_FILES


def _read_statuses_of_the_dockerfiles(pack: dict, tree: Path) -> None:
    """Each read's status is that of another file of the tree, which the pack knows."""
    [signature, _] = pack["files"][0]  # a Dockerfile's: the scan's files are its Dockerfiles
    pack["read_statuses"] = [signature for _ in pack["read_statuses"]]


HOSTILE_READ_STATUSES = {
    "a-map": lambda pack, tree: pack.__setitem__("read_statuses", {"0": [1] * 5}),
    "texts": lambda pack, tree: pack.__setitem__("read_statuses", [["1"] * 5] * 99),
    "of-another-file": _read_statuses_of_the_dockerfiles,
}


@pytest.mark.parametrize("damage", list(HOSTILE_READ_STATUSES), ids=str)
def test_planted_read_statuses_change_no_result(tmp_path, packed, settled, damage):
    tree, cache = tree_with_ignore_files(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    for service in SERVICES:  # each service's findings change, its status does not tell
        write_file(tree, f"{service}/.dockerignore", "*\n")
    pack = pack_file(cache)
    data = read_pack(pack)
    HOSTILE_READ_STATUSES[damage](data["value"], tree)
    write_pack(pack, data)
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))


def test_a_file_of_the_scan_another_s_scan_read_is_told_by_its_listed_status(
    tmp_path, packed, settled, analysed, monkeypatch
):
    """The Dockerfile's scan read the Compose file that builds it, a file of the scan whose
    status discovery listed: the pack compares that, and notices it changed."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "app/Dockerfile", "FROM alpine:3.22\nUSER app\n")
    build = "services:\n  web:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
    write_file(tree, "compose.yaml", build)
    cached_scan(tree, cache)
    looked_at: list[str] = []
    real = scan_pack.input_status
    monkeypatch.setattr(scan_pack, "input_status", lambda path, root: looked_at.append(path))
    assert cached_scan(tree, cache).reused_files == 2 and looked_at == []
    monkeypatch.setattr(scan_pack, "input_status", real)
    rewrite_keeping_size_and_times(tree / "compose.yaml", build.replace("app/", "ap_/"))
    analysed.clear()
    warm = seen(cached_scan(tree, cache))
    assert sorted(analysed) == ["app/Dockerfile", "compose.yaml"]
    assert warm == seen(cached_scan(tree, None))
