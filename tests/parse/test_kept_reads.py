"""A scan reads each file once: what a read gave is kept for the rest of the scan (one snapshot
of the file system), within a bound, and a read within a smaller bound reads again."""

from __future__ import annotations

from collections import Counter

import pytest

from guardlint.parse import inputs
from guardlint.parse.kept_reads import KeptReads
from guardlint.parse.recorder import snapshot
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.test_helm_lookups import ACCOUNT, DEPLOYMENT

# A LimitRange beside the pod in its own file, which fills in the container's resources.
LIMITS = """\
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: shop}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 64Mi}
"""
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"


@pytest.fixture
def reads(monkeypatch) -> Counter:
    """The files read from the file system, from now on, by how often."""
    counted: Counter = Counter()
    real = inputs._read_input

    def counting(path: str, *args):
        counted[path] += 1
        return real(path, *args)

    monkeypatch.setattr(inputs, "_read_input", counting)
    return counted


def test_a_pods_lookups_read_no_manifest_the_scan_read(tmp_path, reads):
    """K8S018 reads the ServiceAccounts of the pod's directory (its own file and its siblings,
    before and after their own scan), K8S011 the LimitRanges of the pod's file: each file is
    read once, and what they read still counts."""
    pod = DEPLOYMENT + "---\n" + LIMITS
    for name, text in (("a.yaml", SERVICE), ("b.yaml", pod), ("c.yaml", ACCOUNT)):
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path, root=str(tmp_path))
    assert not findings_of(result, "K8S018") and not findings_of(result, "K8S011")
    assert {path: n for path, n in reads.items() if path.startswith(str(tmp_path))} == {
        str(tmp_path / name): 1 for name in ("a.yaml", "b.yaml", "c.yaml")
    }


def test_outside_a_scan_every_read_reads(tmp_path, reads):
    path = write_file(tmp_path, "a.yaml", SERVICE)
    assert inputs.read_input(str(path), 1000) == inputs.read_input(str(path), 1000)
    assert reads[str(path)] == 2


def test_a_read_within_a_smaller_bound_than_the_bytes_kept_reads_again(tmp_path, reads):
    path = str(write_file(tmp_path, "a.yaml", SERVICE))
    with snapshot():
        assert inputs.read_input(path, 1000, str(tmp_path)) == SERVICE.encode()
        assert inputs.read_input(path, 1000, str(tmp_path)) == SERVICE.encode()
        assert reads[path] == 1
        with pytest.raises(inputs.InputError) as refused:
            inputs.read_input(path, 10, str(tmp_path))
        assert refused.value.too_large and reads[path] == 2
        inputs.read_input(path, 1000)  # confined to no root: another read
        assert reads[path] == 3


def test_the_bytes_read_last_are_kept_within_the_bound():
    kept = KeptReads(max_bytes=10)
    kept.keep(("a", None), b"123456")
    kept.keep(("b", None), b"123")
    assert kept.get(("a", None), 100) == b"123456"
    kept.keep(("c", None), b"1234")  # 13 bytes: the oldest goes
    assert kept.get(("a", None), 100) is None
    assert kept.get(("b", None), 100) == b"123" and kept.get(("c", None), 100) == b"1234"
    kept.keep(("b", None), b"12345678")  # read again, larger: only it fits
    assert kept.get(("c", None), 100) is None and kept.get(("b", None), 100) == b"12345678"
    kept.keep(("d", None), b"12345678901")  # larger than the bound: never kept
    assert kept.get(("d", None), 100) is None and kept.get(("b", None), 100) == b"12345678"
    assert kept.get(("b", None), 5) is None
