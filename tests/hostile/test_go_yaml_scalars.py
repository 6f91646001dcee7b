"""Scalars of Kubernetes manifests and kustomize output as go-yaml v2 reads them (kubectl,
Helm and the API server through sigs.k8s.io/yaml), not as Python or PyYAML would: booleans
only where YAML writes one (a quoted "true" or "y" is text, which the API server refuses for a
boolean field), numbers only where Go's strconv reads one."""

from __future__ import annotations

import pytest

from guardlint.documents.kustomize.replacement_writes import NOT_KNOWN, created_value
from guardlint.parse.go_yaml import json_key, resolve_plain
from guardlint.parse.scalars import whole_number
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import add_control, assert_control_scanned

_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ops}
spec:
  containers:
"""


def test_only_a_yaml_boolean_or_a_plain_y_makes_a_container_privileged(tmp_path):
    """go-yaml v2 reads a plain `y`, `Y` or `yes` as true; a quoted "y", "true" or "True" is a
    string, which the API server refuses for `privileged` (encoding/json: cannot unmarshal
    string into a bool): no privileged container runs from it."""
    settings = ['"y"', '"true"', "'True'", "y", "Y", "yes", "true", "n", '"n"']
    containers = "".join(
        f"    - {{name: c{i}, image: 'app:1', securityContext: {{privileged: {value}}}}}\n"
        for i, value in enumerate(settings)
    )
    write_file(tmp_path, "pod.yaml", _POD + containers)
    add_control(tmp_path)
    result = run_scan(tmp_path)
    privileged = [f.resource.rsplit(" ", 1)[-1] for f in findings_of(result, "K8S001")]
    assert privileged == ["c3", "c4", "c5", "c6"]
    assert_control_scanned(result)


def test_a_quoted_true_is_no_run_as_non_root(tmp_path):
    """runAsNonRoot: "true" is no boolean (the API server refuses it): K8S003 still asks for
    runAsNonRoot: true, as it does without it; a plain `Y` is true to go-yaml v2."""
    containers = (
        "    - {name: quoted, image: 'app:1', securityContext: {runAsNonRoot: 'true'}}\n"
        "    - {name: plain, image: 'app:1', securityContext: {runAsNonRoot: Y}}\n"
    )
    write_file(tmp_path, "pod.yaml", _POD + containers)
    result = run_scan(tmp_path)
    assert [f.resource for f in findings_of(result, "K8S003")] == ["Pod ops/p container quoted"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("y", True), ("N", False), ("on", True), ("~", None), ("", None),
        ("0x1F", 31), ("0o17", 15), ("017", 15), ("08", 8.0), ("1_0", 10), ("1__0", 10),
        ("0b101", 5), ("-0b101", -5), ("+1", 1), ("1e3", 1000.0), ("1.", 1.0), (".5", 0.5),
        ("12:30", "12:30"), ("inf", "inf"), ("٣", "٣"), (" 1", " 1"), ("1e400", "1e400"),
        ("2024-01-01", "2024-01-01"), ("-9223372036854775809", -9.223372036854775809e18),
    ],
)  # fmt: skip
def test_plain_scalars_resolve_as_go_yaml_v2_resolves_them(text, value):
    """goyaml.v2/resolve.go: the resolveMap words, ParseInt(text, 0, 64) with every `_`
    dropped, ParseUint, then ParseFloat of a yamlStyleFloat; anything else is text."""
    found = resolve_plain(text)
    assert found == value and type(found) is type(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("yes", "true"), ("off", "false"), ("0x1F", "31"), ("1.0", "1"), ("1e6", "1e+06"),
        ("100000", "100000"), ("0.00001", "1e-05"), ("0.0001", "0.0001"),
        ("1.23456789", "1.2345679"), ("-0.0", "-0"), (".inf", ".inf"), ("3.5e38", ".inf"),
        ("99999999999999999999", "1e+20"), ("name", "name"), ("~", None), ("null", None),
        ("9223372036854775808", None), ("0x" + "F" * 20, None), ("1" * 5000, None),
    ],
)  # fmt: skip
def test_keys_become_the_json_text_sigs_k8s_io_yaml_makes(text, key):
    """convertToJSONableObject: an int by strconv.Itoa, a float by FormatFloat(f, 'g', -1,
    32), a bool as true/false; a null, uint64 or big.Int key is refused."""
    assert json_key(text) == key


@pytest.mark.parametrize(
    ("text", "created"),
    [("٣", "٣"), ("inf", "inf"), ("nan", "nan"), (" 1", " 1"), ("1e400", "1e400"),
     ("0x1F", NOT_KNOWN), (".inf", NOT_KNOWN), ("0o17", NOT_KNOWN), ("1.5", NOT_KNOWN)],
)  # fmt: skip
def test_a_created_field_is_a_number_only_where_go_yaml_reads_one(text, created):
    """kustomize's `create` writes the text untagged: YAML 1.1 and 1.2 may read a number
    apart, so one is not known; what Go reads as text (`٣`, `inf`, which Python's float()
    takes) is that text, and `0x1F` or `.inf` (which float() refuses) a number."""
    found = created_value(text)
    assert found is created if created is NOT_KNOWN else found == created


@pytest.mark.parametrize("space", ["\u3000", "\xa0", "\x1c", "\u2028", "\x85"])
def test_a_number_padded_with_a_space_no_consumer_strips_is_no_number(space):
    """Go's strconv and Java's parseInt strip nothing, Ruby's Integer() ASCII spaces only;
    str.strip() also takes these."""
    assert whole_number(f"{space}80{space}") is None
    assert whole_number(" \t80\n") == 80
