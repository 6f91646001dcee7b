"""A pack's entries are its tail, each found by its place (guardlint.engine.scan_pack): a place
or a tail a pull request wrote changes no result, and a pack of the format before (its entries
inline) is ignored and written again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from guardlint.engine import result_cache
from tests.cache.conftest import cached_scan, read_pack, seen
from tests.cache.test_scan_pack import SERVICES, pack_file, tree_of_services


def _swap_places(items: list) -> None:
    first, second = items[:2]
    first[2:], second[2:] = second[2:], first[2:]


def _set_places(place: Callable[[list], list]) -> Callable[[list], None]:
    def damage(items: list) -> None:
        for item in items:
            item[2:] = place(item[2:])

    return damage


HOSTILE_PLACES = {
    "past-the-tail": _set_places(lambda found: [found[0] + 10**6, found[1]]),
    "ending-past-the-tail": _set_places(lambda found: [found[0], found[1] + 10**6]),
    "before-the-tail": _set_places(lambda found: [-1, found[1]]),
    "of-negative-size": _set_places(lambda found: [found[0] + found[1], -found[1]]),
    "floats": _set_places(lambda found: [float(found[0]), found[1]]),
    "truths": _set_places(lambda found: [False, True]),
    "three-numbers": _set_places(lambda found: [*found, 0]),
    "halves": _set_places(lambda found: [found[0], found[1] // 2]),
    "of-another-entry": _swap_places,
    "huge": _set_places(lambda found: [2**62, 2**62]),
    "beyond-64-bits": _set_places(lambda found: [found[0], 2**70]),
}


def _damaged(pack: Path, damage: Callable[[dict], None] | None, tail: bytes | None) -> None:
    header, _, stored_tail = pack.read_bytes().partition(b"\n")
    data = json.loads(header)
    if damage is not None:
        damage(data["value"]["files"])
    spelled = json.dumps(data).encode()
    pack.write_bytes(spelled + b"\n" + (stored_tail if tail is None else tail))


@pytest.mark.parametrize("damage", list(HOSTILE_PLACES), ids=str)
def test_planted_places_change_no_result(tmp_path, packed, settled, damage):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    _damaged(pack_file(cache), HOSTILE_PLACES[damage], None)
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))


@pytest.mark.parametrize("tail", [b"", b"\n\n", b"not json" * 100, b"[" * 10_000], ids=repr)
def test_a_planted_tail_changes_no_result(tmp_path, packed, settled, tail):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    _damaged(pack_file(cache), None, tail)
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))


def test_a_pack_without_its_tail_changes_no_result(tmp_path, packed, settled):
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    cached_scan(tree, cache)
    pack = pack_file(cache)
    pack.write_bytes(pack.read_bytes().partition(b"\n")[0])
    assert seen(cached_scan(tree, cache)) == seen(cached_scan(tree, None))


def test_a_pack_of_the_format_before_is_ignored_and_written_again(
    tmp_path, packed, settled, analysed
):
    """Format 3 held a pack's entries inline, in one JSON document: such a pack is not read
    (its findings, changed here, would show), and the scan writes the pack anew."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    expected = seen(cached_scan(tree, cache))
    pack = pack_file(cache)
    data = read_pack(pack)
    for entry in data["value"]["entries"].values():
        for finding in entry["outcome"]["findings"]:
            finding[2] = "planted"
    pack.write_text(json.dumps({**data, "format": 3}))
    analysed.clear()
    result = cached_scan(tree, cache)
    assert seen(result) == expected and result.reused_files == len(SERVICES)
    assert analysed == []  # each file's own entry answered
    again = read_pack(pack)
    assert again["format"] == result_cache.FORMAT
    assert "planted" not in json.dumps(again)
    assert seen(cached_scan(tree, cache)) == expected


def test_an_entry_read_with_its_tail_is_a_pack_and_without_one_is_none(tmp_path):
    """One stored with a tail is not an entry `read` gives, nor one without a tail a pack."""
    store = result_cache.ResultCache.open(str(tmp_path / "cache"))
    key, other = "a" * 64, "b" * 64
    assert store.write(key, {"n": 1}, tail=b"[1]\n[2]") and store.write(other, {"n": 2})
    value, tail = store.read_with_tail(key)  # type: ignore[misc]
    assert value == {"n": 1} and bytes(tail) == b"[1]\n[2]"
    assert store.read(key) is None and store.read_with_tail(other) is None
    assert store.read(other) == {"n": 2}


def test_a_pack_of_format_4_is_ignored_and_written_again(tmp_path, packed, settled, analysed):
    """Format 4 held the files by path and their entries' places apart, by key: such a pack is
    not read (its findings, changed here, would show), and the scan writes the pack anew."""
    tree, cache = tree_of_services(tmp_path), tmp_path / "cache"
    expected = seen(cached_scan(tree, cache))
    pack = pack_file(cache)
    data = read_pack(pack)
    value, tail, places = data["value"], b"", {}
    for key, entry in value.pop("entries").items():
        for finding in entry["outcome"]["findings"]:
            finding[2] = "planted"
        spelled = json.dumps(entry).encode()
        places[key] = [len(tail), len(spelled)]
        tail += spelled
    paths = [str(tree / service / "Dockerfile") for service in SERVICES]  # the scan's order
    value["files"] = dict(zip(paths, value["files"], strict=True))
    value["entries"] = places
    pack.write_bytes(json.dumps({**data, "format": 4}).encode() + b"\n" + tail)
    analysed.clear()
    result = cached_scan(tree, cache)
    assert seen(result) == expected and result.reused_files == len(SERVICES)
    assert analysed == []  # each file's own entry answered
    again = read_pack(pack)
    assert again["format"] == result_cache.FORMAT and isinstance(again["value"]["files"], list)
    assert "planted" not in json.dumps(again)
