"""The one truthiness helper, for every pack."""

from __future__ import annotations

import pytest

from guardlint.parse.scalars import key_of, truth, value_of, whole_number, zero_quantity
from tests.conftest import findings_of, run_scan


@pytest.mark.parametrize(
    ("value", "strict", "yaml_1_1"),
    [
        (True, True, True),
        (False, False, False),
        ("true", True, True),
        (" True ", True, True),
        ("FALSE", False, False),
        ("yes", None, True),
        ("Off", None, False),
        ("y", None, True),
        (1, None, True),
        (0, None, False),
        ("1", None, True),
        (2, None, None),
        (None, None, None),
        ("", None, None),
        ({"Ref": "Flag"}, None, None),
        (["true"], None, None),
    ],
)
def test_truth(value, strict, yaml_1_1):
    assert truth(value) is strict
    assert truth(value, yaml_1_1=True) is yaml_1_1


def test_compose_reads_yaml_1_1_words_and_kubernetes_does_not(tmp_path):
    """A read-only bind mount written `read_only: yes` is read-only to Compose; a Kubernetes
    `privileged: 'True'` is text, no boolean, which the API server refuses for a boolean
    field, while a plain `y` is one to go-yaml v2 (kubectl's reader)."""
    mount = "      - {type: bind, source: /var/run/docker.sock, target: /s, read_only: %s}\n"
    (tmp_path / "compose.yaml").write_text(
        "services:\n  ro:\n    image: app:1\n    volumes:\n"
        + mount % "'yes'"
        + "  rw:\n    image: app:1\n    volumes:\n"
        + mount % "'off'"
    )
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - {name: a, image: 'app:1', securityContext: {privileged: 'True'}}\n"
        "    - {name: b, image: 'app:1', securityContext: {privileged: y}}\n"
    )
    result = run_scan(tmp_path)
    read_only = {f.resource: "read-only" in f.message for f in findings_of(result, "CMP005")}
    assert read_only == {"service ro": True, "service rw": False}
    assert [f.resource for f in findings_of(result, "K8S001")] == ["Pod default/p container b"]


def test_keys_in_any_case_prefer_the_exact_spelling_then_the_first():
    mapping = {"privilegedmode": 1, "PrivilegedMode": 2, "PRIVILEGEDMODE": 3, 4: "x"}
    assert key_of(mapping, "PrivilegedMode") == "PrivilegedMode"
    assert value_of(mapping, "privilegedMODE") == 1
    assert key_of(mapping, "image") is None and value_of(mapping, "image") is None
    assert key_of(["PrivilegedMode"], "PrivilegedMode") is None


@pytest.mark.parametrize(
    ("value", "number"),
    [(80, 80), (80.0, 80), ("80", 80), (" -1 ", -1), ("+22", 22), (0, 0),
     (True, None), (22.5, None), (float("inf"), None), (float("-inf"), None),
     (float("nan"), None), ("1_000", None), ("٢٢", None), ("0x16", None), ("", None),
     (None, None), ([80], None), ({"Ref": "Port"}, None), ("inf", None), ("9" * 5_000, None),
     ("²", None)],
)  # fmt: skip
def test_whole_number(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize(
    ("value", "zero"),
    [
        (0, True),
        (0.0, True),
        ("0", True),
        (" 0 ", True),
        ("0m", True),
        ("0Mi", True),
        ("0.0Gi", True),
        (".0", True),
        ("00", True),
        ("0e3", True),
        ("+0", True),
        (1, False),
        (0.5, False),
        ("0.5", False),
        ("1m", False),
        ("0.1Gi", False),
        ("100Mi", False),
        ("0x", False),
        ("Mi", False),
        ("", False),
        (None, False),
        (False, False),
        ("0" * 5_000 + "1", False),
    ],
)
def test_a_zero_resource_quantity_is_read_as_kubernetes_reads_it(value, zero):
    """Kubernetes quantities of value zero, whatever their suffix or spelling, and none other."""
    assert zero_quantity(value) is zero
