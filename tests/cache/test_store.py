"""The cache directory's bytes are anyone's (a CI cache a pull request wrote): a corrupt,
truncated, oversized, foreign or tampered entry is a miss that is written again, never a crash
or another file's result; nothing is written through a link; concurrent runs share it; its
size stays bounded."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from guardlint.engine import result_cache
from guardlint.engine.result_cache import ResultCache
from guardlint.findings.records import (
    RECORD_FIELDS,
    RULE_FIELDS,
    RecordReader,
    finding_record,
)
from guardlint.model.findings import Finding
from guardlint.rulebook import load_rulebook
from tests.cache.conftest import cached_scan, seen
from tests.conftest import FIXTURES, TEST_DAY, write_file

DOCKERFILE = "FROM alpine:3.22\nCOPY . /app\n"
KEY_A, KEY_B, KEY_C = "a" * 64, "ab" + "0" * 62, "c" * 64


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{result_cache.FORMAT_DIRECTORY}/*/*.json"))


def tree_with_one_dockerfile(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A tree, its cache after one scan, and the cache's only entry."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "Dockerfile", DOCKERFILE)
    cached_scan(tree, cache)
    [entry] = entries(cache)
    return tree, cache, entry


def tampered(entry: Path, change) -> None:
    data = json.loads(entry.read_bytes())
    change(data["value"])
    entry.write_text(json.dumps(data))


def _first_finding(value) -> list:
    return value["outcome"]["findings"][0]


def _set_first_finding(field: str, value) -> callable:
    return lambda value_: _first_finding(value_).__setitem__(RECORD_FIELDS.index(field), value)


def _set_region(**fields) -> callable:
    names = ("start_line", "start_column", "end_line", "end_column")

    def change(value) -> None:
        region = _first_finding(value)[RECORD_FIELDS.index("region")]
        for name, number in fields.items():
            region[names.index(name)] = number

    return change


HOSTILE_ENTRIES = {
    "garbage": lambda entry: entry.write_bytes(os.urandom(300)),
    "truncated": lambda entry: entry.write_bytes(entry.read_bytes()[:-40]),
    "empty": lambda entry: entry.write_bytes(b""),
    "not-a-map": lambda entry: entry.write_bytes(b"[1, 2, 3]"),
    "another-format": lambda entry: entry.write_bytes(
        entry.read_bytes().replace(
            b'"format":%d' % result_cache.FORMAT, b'"format":%d' % (result_cache.FORMAT + 1)
        )
    ),
    "deeply-nested": lambda entry: entry.write_bytes(b"[" * 100_000 + b"]" * 100_000),
    "line-as-text": lambda entry: tampered(entry, _set_region(start_line="1")),
    "region-a-map": lambda entry: tampered(entry, _set_first_finding("region", {"start_line": 1})),
    # Regions Region would never make: each would be written as it came, or moved.
    "line-zero": lambda entry: tampered(entry, _set_region(start_line=0)),
    "ends-before-it-starts": lambda entry: tampered(entry, _set_region(end_line=0)),
    "line-a-bool": lambda entry: tampered(entry, _set_region(start_line=True)),
    "end-column-before-start": lambda entry: tampered(
        entry, _set_region(end_line=1, start_column=5, end_column=2)
    ),
    "region-without-its-end": lambda entry: tampered(
        entry, lambda value: _first_finding(value)[RECORD_FIELDS.index("region")].pop()
    ),
    "message-missing": lambda entry: tampered(
        entry, lambda value: _first_finding(value).pop(RECORD_FIELDS.index("message"))
    ),
    "message-a-number": lambda entry: tampered(entry, _set_first_finding("message", 1)),
    "severity-a-number": lambda entry: tampered(entry, _set_first_finding("severity", 3)),
    "severity-unknown": lambda entry: tampered(entry, _set_first_finding("severity", "dire")),
    "basis-of-three": lambda entry: tampered(
        entry, _set_first_finding("fingerprint_basis", ["a", "b", "c"])
    ),
    # 0 stands for the finding's resource and snippet; no other number, nor false, does.
    "basis-another-number": lambda entry: tampered(
        entry, _set_first_finding("fingerprint_basis", 1)
    ),
    "basis-false": lambda entry: tampered(entry, _set_first_finding("fingerprint_basis", False)),
    "path-a-number": lambda entry: tampered(entry, _set_first_finding("path", 0)),
    "suppression-of-one": lambda entry: tampered(entry, _set_first_finding("suppression", [1])),
    "suppression-a-map": lambda entry: tampered(
        entry, _set_first_finding("suppression", {"kind": "inSource", "justification": ""})
    ),
    "related-location-of-two": lambda entry: tampered(
        entry, _set_first_finding("related_locations", [["Dockerfile", [1, 1, 1, None]]])
    ),
    "finding-a-list": lambda entry: tampered(
        entry, lambda value: value["outcome"].__setitem__("findings", [[1]])
    ),
    "outcome-a-list": lambda entry: tampered(entry, lambda value: value.__setitem__("outcome", [])),
    "findings-a-map": lambda entry: tampered(
        entry, lambda value: value["outcome"].__setitem__("findings", {"a": 1})
    ),
    "another-files-outcome": lambda entry: tampered(
        entry, lambda value: value["outcome"].__setitem__("rel_path", "other/Dockerfile")
    ),
    "kinds-negative": lambda entry: tampered(
        entry, lambda value: value["outcome"].__setitem__("kinds", {"dockerfile": -1})
    ),
    "dependency-outside-the-root": lambda entry: tampered(
        entry, lambda value: value["dependencies"].append(["kind", "/etc/passwd", [], "file"])
    ),
    "dependency-with-a-nul": lambda entry: tampered(
        entry, lambda value: value["dependencies"][0].__setitem__(1, str(entry) + "\0")
    ),
    "huge-read-bound": lambda entry: tampered(
        entry, lambda value: value["dependencies"][0].__setitem__(2, [10**30, None])
    ),
    "too-many-dependencies": lambda entry: tampered(
        entry, lambda value: value["dependencies"].extend(value["dependencies"] * 10_001)
    ),
    "read-without-its-root": lambda entry: tampered(
        entry, lambda value: value["dependencies"][0][2].__setitem__(1, None)
    ),
    # A finding no rule of the scan makes: reports look its rule and taxonomies up.
    "rule-unknown": lambda entry: tampered(entry, _set_first_finding("rule_id", "ZZZ999")),
    "rule-id-a-number": lambda entry: tampered(entry, _set_first_finding("rule_id", 1)),
    # A record carries no rule fields: one with a category or a score is not a record.
    "with-a-category": lambda entry: tampered(
        entry, lambda value: _first_finding(value).append("A:B/C")
    ),
    "as-a-map": lambda entry: tampered(
        entry,
        lambda value: value["outcome"]["findings"].__setitem__(
            0, dict(zip(RECORD_FIELDS, _first_finding(value), strict=True))
        ),
    ),
    "unknown-observation": lambda entry: tampered(
        entry, lambda value: value["dependencies"][0].__setitem__(0, "exec")
    ),
    "a-link-to-a-system-file": lambda entry: (entry.unlink(), entry.symlink_to("/etc/hostname")),
    "a-fifo": lambda entry: (entry.unlink(), os.mkfifo(entry)),
    "a-directory": lambda entry: (entry.unlink(), entry.mkdir()),
}


@pytest.mark.parametrize("damage", list(HOSTILE_ENTRIES), ids=str)
def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path, analysed, damage):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    expected = seen(cached_scan(tree, None))
    HOSTILE_ENTRIES[damage](entry)
    analysed.clear()
    assert seen(cached_scan(tree, cache)) == expected
    assert analysed == ["Dockerfile"]
    if damage != "a-directory":  # a directory is not replaced: that file is not cached
        analysed.clear()
        assert seen(cached_scan(tree, cache)) == expected
        assert analysed == []


def test_an_oversized_entry_is_not_read(tmp_path, analysed, monkeypatch):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    monkeypatch.setattr(result_cache, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    analysed.clear()
    cached_scan(tree, cache)
    assert analysed == ["Dockerfile"]
    assert entry.stat().st_size > result_cache.MAX_ENTRY_BYTES  # too large to write either


def test_an_entry_moved_to_another_key_is_not_used_for_it(tmp_path):
    cache = ResultCache.open(str(tmp_path / "cache"))
    assert cache.write(KEY_A, {"x": 1})
    [entry] = entries(tmp_path / "cache")
    other = entry.parent.parent / KEY_B[:2] / f"{KEY_B}.json"
    other.parent.mkdir()
    other.write_bytes(entry.read_bytes())
    assert cache.read(KEY_A) == {"x": 1}
    assert cache.read(KEY_B) is None


@pytest.mark.parametrize("level", ["format", "shard"])
def test_nothing_is_written_through_a_link_in_the_cache(tmp_path, level):
    tree, cache, entry = tree_with_one_dockerfile(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted = entry.parent.parent if level == "format" else entry.parent
    os.rename(planted, elsewhere / "moved")
    planted.symlink_to(elsewhere)
    cached_scan(tree, cache)
    assert list(elsewhere.iterdir()) == [elsewhere / "moved"]
    assert not (elsewhere / "moved").is_symlink()
    assert not planted.is_symlink() and len(entries(cache)) == 1


def test_entries_are_replaced_whole(tmp_path):
    cache = ResultCache.open(str(tmp_path / "cache"))
    assert cache.write(KEY_A, {"n": 1}) and cache.write(KEY_A, {"n": 2})
    assert cache.read(KEY_A) == {"n": 2}
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == [f"{KEY_A}.json"]


def test_the_least_recently_used_entries_go_first(tmp_path):
    cache = ResultCache.open(str(tmp_path / "cache"))
    for age, key in enumerate((KEY_A, KEY_B, KEY_C)):
        cache.write(key, {"padding": "x" * 1000})
        [entry] = [e for e in entries(tmp_path / "cache") if e.stem == key]
        os.utime(entry, (1000 + age, 1000 + age))  # written in the order A, B, C
    size = entries(tmp_path / "cache")[0].stat().st_size
    assert cache.read(KEY_A) is not None  # A is now the most recently used
    cache.max_bytes = int(2.3 * size)  # two entries fit within 90% of it
    cache.evict()
    assert sorted(e.stem for e in entries(tmp_path / "cache")) == [KEY_A, KEY_C]
    assert cache.read(KEY_B) is None


def test_a_scan_that_stores_results_keeps_the_cache_within_its_size(tmp_path):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    for n in range(30):
        write_file(tree, f"svc{n}/Dockerfile", DOCKERFILE + f"EXPOSE {n}\n")
    cached_scan(tree, cache)
    total = sum(e.stat().st_size for e in entries(cache))
    write_file(tree, "svc0/Dockerfile", DOCKERFILE)
    cached_scan(tree, cache, cache_max_bytes=total // 3)
    assert 0 < sum(e.stat().st_size for e in entries(cache)) <= total // 3


def test_abandoned_temporary_files_are_removed(tmp_path):
    cache = ResultCache.open(str(tmp_path / "cache"))
    cache.write(KEY_A, {})
    shard = entries(tmp_path / "cache")[0].parent
    abandoned, fresh = shard / f".{KEY_A}.1.00.tmp", shard / f".{KEY_A}.2.00.tmp"
    abandoned.write_text("{")
    fresh.write_text("{")
    os.utime(abandoned, (1000, 1000))
    cache.max_bytes = 0
    cache.evict()
    assert not abandoned.exists() and fresh.exists()


def test_an_unusable_cache_directory_is_refused(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(result_cache.CacheError, match="cannot use"):
        ResultCache.open(str(tmp_path / "file"))


def test_findings_round_trip_through_json_exactly(tmp_path):
    result = cached_scan(FIXTURES, None)
    assert result.findings
    records = RecordReader(load_rulebook().get)
    for finding in result.findings:
        file_path = finding.path if len(finding.path) % 2 else "another/file"
        record = orjson.loads(orjson.dumps(finding_record(finding, file_path)))
        assert records.finding(record, file_path) == finding


def test_a_record_leaves_out_its_file_s_path_and_a_basis_that_is_its_resource_and_snippet():
    """Nearly every finding repeats them: the cache stores them once per file, or not at all."""
    finding = cached_scan(FIXTURES / "dockerfile", None).findings[0]
    assert finding.fingerprint_basis == (finding.resource, finding.snippet)
    record = finding_record(finding, finding.path)
    assert record[RECORD_FIELDS.index("path")] is None
    assert record[RECORD_FIELDS.index("fingerprint_basis")] == 0
    elsewhere = finding_record(finding, "other/Dockerfile")
    assert elsewhere[RECORD_FIELDS.index("path")] == finding.path


def test_a_findings_record_holds_every_field_its_rule_does_not_give():
    """A field added to Finding must reach the cache, or a reused finding would lack it."""
    assert sorted(RECORD_FIELDS + RULE_FIELDS) == sorted(
        f.name for f in dataclasses.fields(Finding)
    )
    finding = cached_scan(FIXTURES / "dockerfile", None).findings[0]
    assert len(finding_record(finding, finding.path)) == len(RECORD_FIELDS)


def test_a_record_takes_its_rules_fields_and_only_an_enabled_rules():
    finding = cached_scan(FIXTURES / "dockerfile", None).findings[0]
    rule = load_rulebook().get(finding.rule_id)
    record = orjson.loads(orjson.dumps(finding_record(finding, finding.path)))
    read = RecordReader({rule.id: rule}.get).finding(record, finding.path)
    assert read.remediation == rule.remediation
    with pytest.raises(ValueError, match="no rule of this scan"):
        RecordReader({}.get).finding(record, finding.path)


# Judged on the day the tests' own scans are (TEST_DAY, given as argv[3]), as they must be for
# the counts and the cache's entries to agree.
_CONCURRENT = """
import datetime, sys
import guardlint.parse.lookups
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
guardlint.parse.lookups._current_day = lambda: datetime.date.fromisoformat(sys.argv[3])
result = scan(ScanOptions(paths=[sys.argv[1]], root=sys.argv[1], cache_dir=sys.argv[2], jobs=2))
print(len(result.findings), result.reused_files)
"""


def test_concurrent_runs_share_a_cache(tmp_path):
    cache = tmp_path / "cache"
    expected = len(cached_scan(FIXTURES, None).findings)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _CONCURRENT, str(FIXTURES), str(cache), TEST_DAY.isoformat()],
            stdout=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    outputs = [run.communicate(timeout=600)[0].split() for run in runs]
    assert [int(found) for found, _ in outputs] == [expected, expected]
    warm = cached_scan(FIXTURES, cache)
    assert len(warm.findings) == expected
    assert warm.reused_files == len(warm.file_kinds)
    assert not [p for p in cache.rglob("*.tmp")]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc/self/fd")
def test_the_cache_keeps_few_directories_open(tmp_path):
    """All 256 shards held open would take most of the descriptors macOS gives a process."""
    before = len(os.listdir("/proc/self/fd"))
    cache = ResultCache.open(str(tmp_path / "cache"))
    keys = [f"{number:02x}" + "0" * 62 for number in range(256)]
    for key in keys:
        assert cache.write(key, {"x": key})
    assert [cache.read(key) for key in keys] == [{"x": key} for key in keys]
    assert len(os.listdir("/proc/self/fd")) - before <= result_cache.KEPT_DESCRIPTORS
    cache.evict()
    cache.close()
    assert len(os.listdir("/proc/self/fd")) == before


_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (128, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
for jobs in (1, 2, 1):  # cold, then warm, through one process and through two
    result = scan(ScanOptions(paths=[sys.argv[1]], root=sys.argv[1], cache_dir=sys.argv[2],
                              jobs=jobs))
    print(sorted({f.rule_id for f in result.findings}), result.files["scanned"])
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the limit is set in a POSIX child")
def test_a_scan_with_the_cache_reads_every_file_under_a_low_descriptor_limit(tmp_path):
    """Under 128 descriptors (macOS's default is 256), a cached scan of files spread over
    every shard still reads each one: none is reported unreadable."""
    tree = tmp_path / "t"
    for number in range(400):
        write_file(tree, f"d{number % 40}/s{number}.yaml", f"apiVersion: v1\nkind: ConfigMap\n"
                   f"metadata: {{name: c{number}}}\ndata: {{level: '{number}'}}\n")  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(tree), str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert len(lines) == 3 and len(set(lines)) == 1
    assert "GL001" not in lines[0] and lines[0].endswith(" 400")
