"""Keys of Kubernetes manifests as kubectl sends them (sigs.k8s.io/yaml: go-yaml v2's value of
a plain key, turned into JSON text by convertToJSONableObject), while CloudFormation and
Compose keep the text the file writes."""

from __future__ import annotations

from guardlint.documents.kustomize.deployed import _text_documents
from guardlint.documents.kustomize.inline_patches import inline_patches
from guardlint.model.documents import Document
from guardlint.parse.kubectl_keys import read_keys_as_kubectl
from guardlint.parse.yaml_nodes import load_documents
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import add_control, assert_control_scanned

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {%s}
spec:
  containers:
    - {name: a, image: 'app:1', securityContext: {privileged: true}}
"""


def test_keys_are_renamed_to_the_json_text_kubectl_sends():
    """`yes:` and `y:` are "true", `0x1F:` "31", `1.0:` "1", `0o17:` "15", `1e3:` "1000"; a
    quoted key, and one go-yaml reads as text (`12:30`, `inf`), stays as written."""
    labels = "yes: a, 0x1F: b, 1.0: c, 0o17: d, 1e3: e, '0x10': f, 12:30: g, inf: h, n: i"
    (document,) = load_documents(_POD % labels)
    assert read_keys_as_kubectl(document) == []
    labels = document["metadata"]["labels"]
    assert list(labels) == ["true", "31", "1", "15", "1000", "0x10", "12:30", "inf", "false"]
    assert labels.key_region("31").start_column == labels.key_region("true").start_column + 8


def test_a_null_key_is_a_parse_note_and_the_manifest_still_scanned(tmp_path):
    """kubectl refuses a manifest with a null key (`unsupported map key of type: <nil>`):
    GL001 says so on its line, and the manifest is judged as written, as a key that is a map is."""
    write_file(tmp_path, "pod.yaml", _POD % "~: a, app: web")
    add_control(tmp_path)
    result = run_scan(tmp_path)
    (note,) = [f for f in findings_of(result, "GL001") if f.path == "pod.yaml"]
    assert note.region.start_line == 5 and "unsupported map key" in note.message
    assert [f.path for f in findings_of(result, "K8S001")] == ["pod.yaml"]
    assert_control_scanned(result)


def test_two_keys_kubectl_reads_alike_are_a_duplicate(tmp_path):
    """`true:` and `yes:` are one key to go-yaml v2 (the last value kept), as `1:` and `1.0:`
    are one JSON key; in a CloudFormation template or Compose file they stay two texts."""
    write_file(tmp_path, "pod.yaml", _POD % "true: a, yes: b, 1: c, 1.0: d")
    write_file(
        tmp_path,
        "template.yaml",
        "Mappings:\n  M: {true: {a: b}, yes: {a: c}}\n"
        "Resources:\n  Bucket: {Type: AWS::S3::Bucket}\n",
    )
    result = run_scan(tmp_path)
    notes = [f.message for f in findings_of(result, "GL001")]
    assert len(notes) == 2 and all("the key " in n for n in notes), notes
    assert "'yes' and the key on line 5 are both 'true'" in notes[0]
    assert "'1.0' and the key on line 5 are both '1'" in notes[1]


def test_json_manifests_and_quoted_keys_keep_their_text(tmp_path):
    """A JSON key, like a quoted YAML key, is a string to every reader: no note."""
    write_file(tmp_path, "pod.yaml", _POD % "'yes': a, \"true\": b, '~': c")
    write_file(
        tmp_path,
        "pod.json",
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "labels": '
        '{"yes": "a", "true": "b", "~": "c"}}, "spec": {"containers": []}}\n',
    )
    assert findings_of(run_scan(tmp_path), "GL001") == []


_MERGED = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
base: &base {yes: a, 0x1F: b, ~: c}
data:
  <<: *base
  true: own
  other:
    <<: [*base, {on: later}]
"""


def test_keys_a_merge_key_brings_are_renamed_as_kubectl_merges_them():
    """go-yaml v2 merges `<<: *base` before sigs.k8s.io/yaml writes JSON keys: the keys the
    base brings are renamed in the map that includes them too, a merged key gives way to the
    map's own and to an earlier merge's (no duplicate), and a refused key is noted once, where
    it is written."""
    (document,) = load_documents(_MERGED)
    notes = read_keys_as_kubectl(document)
    assert [note.line for note in notes] == [4]
    assert document["base"] == {"true": "a", "31": "b", "~": "c"}
    data = document["data"]
    assert data["true"] == "own" and data["31"] == "b" and "yes" not in data
    assert data["other"] == {"true": "a", "31": "b", "~": "c"}


def test_a_kustomize_patch_s_keys_are_read_as_those_of_the_object_it_patches():
    """The object a build emits is read by kubectl (its keys renamed, as the base's are when
    its file is classified): a patch's `yes:` label is the base's "true" label, and a patch
    writing `yes:` and `true:` (one key to kubectl) leaves the object unknown, as a key
    written twice does; an inline patch's partial object is renamed too."""
    (patch,) = _text_documents("metadata:\n  labels: {yes: a, 0x1F: b}\n")
    assert list(patch["metadata"]["labels"]) == ["true", "31"]
    assert _text_documents("metadata:\n  labels: {yes: a, true: b}\n") is None
    text = (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n"
        "  - patch: |-\n      apiVersion: v1\n      kind: Pod\n"
        "      metadata: {name: p, labels: {y: x}}\n"
    )
    (data,) = load_documents(text)
    kustomization = Document("kubernetes", "kustomization.yaml", data, text.splitlines())
    (partial,) = inline_patches(kustomization)
    assert list(partial.data["metadata"]["labels"]) == ["true"]
