"""What a scan's file looks at besides the file (guardlint/parse/recorder.py): recordings, and
lookups kept for the length of one scan (a snapshot)."""

from __future__ import annotations

from guardlint.parse.recorder import memoized, note, per_snapshot, recording, snapshot

calls: list[str] = []


@per_snapshot
def looked_up(path: str) -> str:
    calls.append(path)
    note("presence", path, (), "present")
    return path.upper()


def test_outside_a_snapshot_every_call_looks():
    calls.clear()
    assert looked_up("/repo/a") == looked_up("/repo/a") == "/REPO/A"
    assert calls == ["/repo/a", "/repo/a"]


def test_inside_a_snapshot_a_repeated_call_is_answered_from_memory_and_recorded_again():
    calls.clear()
    with snapshot():
        with recording() as first:
            assert looked_up("/repo/a") == "/REPO/A"
        with recording() as second:
            assert looked_up("/repo/a") == "/REPO/A"
        looked_up("/repo/b")
    assert calls == ["/repo/a", "/repo/b"]
    # The second file's scan depends on what the first one's looked at for both.
    assert first == second == {("presence", "/repo/a", ()): "present"}


def test_a_snapshot_inside_another_is_part_of_it_and_its_memory_ends_with_the_scan():
    calls.clear()
    with snapshot():
        looked_up("/repo/a")
        with snapshot():
            looked_up("/repo/a")
        looked_up("/repo/a")
    with snapshot():  # the next scan looks again: the files may have changed in between
        looked_up("/repo/a")
    assert calls == ["/repo/a", "/repo/a"]


def test_a_call_with_no_recording_on_records_nothing_and_a_later_recording_still_gets_it(
    monkeypatch,
):
    """Without a result cache nothing records: a read looked at then keeps no digest of its
    bytes (OpenSSL's sha256 and its import). The answer kept then is not the one a recording
    replays later, which must hold what the call looked at."""
    from guardlint.parse import inputs

    digested: list[bytes] = []
    monkeypatch.setattr(inputs, "content_state", lambda data: digested.append(data) or "seen")

    @memoized(maxsize=4)
    def read_once(path: str) -> bytes:
        return inputs.read_input(path, 1 << 20)

    with snapshot():
        assert read_once(__file__).startswith(b'"""') and looked_up("/repo/a") == "/REPO/A"
        assert digested == []
        with recording() as observations:
            read_once(__file__)
            looked_up("/repo/a")
    assert digested and observations == {
        ("read", __file__, (1 << 20, None)): "seen",
        ("presence", "/repo/a", ()): "present",
    }
