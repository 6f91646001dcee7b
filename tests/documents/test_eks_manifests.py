"""The Kubernetes objects a template applies to an EKS cluster (the CDK's
Custom::AWSCDK-EKS-KubernetesResource) as `kubernetes` documents, and the objects its
KubernetesPatch resources patch as partial ones (guardlint/documents/eks_manifests.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guardlint.documents import parse_file
from guardlint.documents.eks_manifests import MANIFEST_TYPE, PATCH_TYPE
from guardlint.model.documents import SourceFile
from tests.conftest import findings_of, run_scan, write_file

PRIVILEGED = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"aws.cdk.eks/prune-c8": ""}},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {"name": "web", "image": "nginx:1.27", "securityContext": {"privileged": True}}
                ]
            },
        },
    },
}
UNPRIVILEGED = json.loads(json.dumps(PRIVILEGED).replace('"privileged": true', '"runAsUser": 1000'))
HOST_NETWORK_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "tool", "namespace": "shop"},
    "spec": {"hostNetwork": True, "containers": [{"name": "t", "image": "busybox:1.36"}]},
}


def _template(manifest, **extra) -> str:
    properties = {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:kubectl"}
    resource = {"Type": MANIFEST_TYPE, "Properties": {**properties, "Manifest": manifest}, **extra}
    return json.dumps({"Resources": {"WebManifest": resource}}, indent=1)


def _k8s_findings(directory: Path) -> list:
    return [f for f in run_scan(directory).findings if f.pack == "kubernetes"]


def test_an_object_of_a_manifest_is_judged_like_a_manifest_file(tmp_path):
    path = write_file(tmp_path, "stack.template.json", _template(json.dumps([PRIVILEGED])))
    found = findings_of(run_scan(tmp_path), "K8S001")
    manifest_line = 1 + path.read_text().splitlines().index(
        next(line for line in path.read_text().splitlines() if '"Manifest"' in line)
    )
    assert [(f.region.start_line, f.resource) for f in found] == [
        (
            manifest_line,
            f"Deployment shop/web in {MANIFEST_TYPE} WebManifest container web",
        )
    ]


def test_an_unprivileged_object_gives_no_privileged_finding(tmp_path):
    write_file(tmp_path, "stack.template.json", _template(json.dumps([UNPRIVILEGED])))
    found = _k8s_findings(tmp_path)
    assert found and not [f for f in found if f.rule_id == "K8S001"]


def test_a_manifest_the_cdk_joins_around_tokens_is_read_with_them_unknown(tmp_path):
    text = json.dumps([{**HOST_NETWORK_POD, "metadata": {"name": "tool", "namespace": "NS"}}])
    before, after = text.split("NS")
    joined = {"Fn::Join": ["", [before, {"Fn::GetAtt": ["Missing", "Namespace"]}, after]]}
    write_file(tmp_path, "stack.template.json", _template(joined))
    assert [f.rule_id for f in _k8s_findings(tmp_path) if f.rule_id == "K8S004"] == ["K8S004"]


def test_a_yaml_literal_block_places_each_object_on_its_own_lines(tmp_path):
    template = f"""Resources:
  Manifests:
    Type: {MANIFEST_TYPE}
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:kubectl
      Manifest: |
        - apiVersion: v1
          kind: Pod
          metadata: {{name: tool, namespace: shop}}
          spec:
            hostNetwork: true
            containers: [{{name: t, image: "busybox:1.36"}}]
        - apiVersion: v1
          kind: List
          items:
            - apiVersion: v1
              kind: Pod
              metadata: {{name: other, namespace: shop}}
              spec:
                hostPID: true
                containers: [{{name: t, image: "busybox:1.36"}}]
"""
    write_file(tmp_path, "template.yaml", template)
    result = run_scan(tmp_path)
    assert [f.region.start_line for f in findings_of(result, "K8S004")] == [11]
    assert [f.region.start_line for f in findings_of(result, "K8S005")] == [20]


def test_a_manifest_never_applied_is_kept_for_its_secrets_only(tmp_path):
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"},
        "stringData": {"password": "Xk9#mQ2vLp8!zR4t"},
    }
    template = json.loads(_template(json.dumps([secret, PRIVILEGED]), Condition="Never"))
    template["Conditions"] = {"Never": {"Fn::Equals": ["a", "b"]}}
    write_file(tmp_path, "stack.template.json", json.dumps(template, indent=1))
    rules = {f.rule_id for f in _k8s_findings(tmp_path)}
    assert "K8S025" in rules and "K8S001" not in rules


def test_texts_that_hold_no_objects_give_no_document(tmp_path):
    texts = ["not json at all: [", "[]", "[1, 2]", '{"kind": "Pod"}', "[" * 5000]
    template = {
        "Resources": {
            f"M{index}": {"Type": MANIFEST_TYPE, "Properties": {"Manifest": text}}
            for index, text in enumerate(texts)
        }
    }
    path = write_file(tmp_path, "stack.template.json", json.dumps(template))
    parsed = parse_file(SourceFile(str(path), path.name, "structured", str(tmp_path)))
    assert [d.kind for d in parsed.documents] == ["cloudformation"]


def test_the_custom_resource_metadata_suppresses_its_objects_findings(tmp_path):
    ignore = {"guardlint": {"ignore": [{"id": "K8S001", "reason": "node agent"}]}}
    write_file(
        tmp_path, "stack.template.json", _template(json.dumps([PRIVILEGED]), Metadata=ignore)
    )
    (finding,) = findings_of(run_scan(tmp_path), "K8S001")
    assert finding.suppression is not None


def _fingerprints(directory: Path) -> dict[tuple[str, str, str], str]:
    return {
        (f.rule_id, f.resource, f.message): f.fingerprint
        for f in run_scan(directory).findings
        if f.pack == "kubernetes"
    }


def test_editing_one_object_of_a_one_line_manifest_keeps_the_others_fingerprints(tmp_path):
    """The CDK writes a manifest as JSON on one line: that line cannot tell the objects'
    findings apart, so each is fingerprinted by what it says
    (guardlint.model.documents.ONE_PLACE)."""
    relabelled = json.loads(json.dumps(PRIVILEGED))
    relabelled["metadata"]["labels"]["team"] = "shop"
    fingerprints = []
    for index, first in enumerate((PRIVILEGED, relabelled)):
        write_file(tmp_path / str(index), "stack.template.json", _template(json.dumps([first])))
        fingerprints.append(_fingerprints(tmp_path / str(index)))
    before, after = fingerprints
    assert len(before) > 5 and before == after
    # Two findings of one rule on one container are still told apart (K8S011's limit and request).
    assert len({v.split(":")[0] for k, v in before.items() if k[0] == "K8S011"}) == 2


def test_an_annotation_suppresses_its_own_objects_findings_only(tmp_path):
    """The objects share the manifest's one line; an annotation is one object's."""
    annotated = json.loads(json.dumps(PRIVILEGED))
    annotated["metadata"]["annotations"] = {
        "guardlint.dev/ignore": "K8S002",
        "guardlint.dev/ignore-reason": "reviewed",
    }
    write_file(
        tmp_path, "stack.template.json", _template(json.dumps([annotated, HOST_NETWORK_POD]))
    )
    suppressed = {
        f.resource.split(" in ")[0]: f.suppression
        for f in findings_of(run_scan(tmp_path), "K8S002")
    }
    assert suppressed["Deployment shop/web"] is not None
    assert suppressed["Pod shop/tool"] is None


def _patch_template(resource_name, patch, **properties) -> str:
    """A template with the CDK's KubernetesPatch of `resource_name` (its ApplyPatchJson as
    `stack.toJsonString` writes it)."""
    resource = {
        "Type": PATCH_TYPE,
        "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:kubectl",
            "ResourceName": resource_name,
            "ApplyPatchJson": json.dumps(patch),
            "RestorePatchJson": json.dumps({"spec": {"replicas": 1}}),
            "ClusterName": "shop",
            "RoleArn": "arn:aws:iam::123456789012:role/kubectl",
            **properties,
        },
    }
    return json.dumps({"Resources": {"NodePatch": resource}}, indent=1)


NODE_PATCH = {
    "spec": {
        "template": {
            "spec": {
                "hostNetwork": True,
                "containers": [
                    {"name": "aws-node", "image": "agent:latest",
                     "securityContext": {"privileged": True}}
                ],
            }
        }
    }
}  # fmt: skip


@pytest.mark.parametrize("patch_type", [{}, {"PatchType": "strategic"}, {"PatchType": "merge"}])
@pytest.mark.parametrize("resource_name", ["daemonset/aws-node", "ds.apps/aws-node"])
def test_a_patch_is_judged_for_what_it_sets(tmp_path, patch_type, resource_name):
    """What a strategic or merge patch sets is in the patched object (privileged, hostNetwork,
    a latest image); what it leaves out is the cluster's object's, which the template does not
    hold: no rule judges it by its silence (no limits, no probes, no USER, no namespace)."""
    text = _patch_template(resource_name, NODE_PATCH, ResourceNamespace="kube-system", **patch_type)
    write_file(tmp_path, "stack.template.json", text)
    found = {(f.rule_id, f.resource) for f in _k8s_findings(tmp_path)}
    label = f"DaemonSet kube-system/aws-node in {PATCH_TYPE} NodePatch"
    assert found == {
        ("K8S001", f"{label} container aws-node"),
        ("K8S004", label),
        ("K8S012", f"{label} container aws-node"),
        ("K8S013", f"{label} container aws-node"),
    }


@pytest.mark.parametrize(
    ("resource_name", "patch", "properties"),
    [
        # RFC 6902 operations that set nothing judged, or that kubectl refuses for the type.
        ("daemonset/aws-node",
         [{"op": "replace", "path": "/spec/template/spec/containers/0/resources/limits/cpu",
           "value": "2"},
          {"op": "remove", "path": "/spec/template/spec/containers/0/livenessProbe"},
          {"op": "test", "path": "/spec/template/spec/hostNetwork", "value": True}],
         {"PatchType": "json"}),
        ("daemonset/aws-node",
         [{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True}],
         {"PatchType": "strategic"}),
        ("daemonset/aws-node", {"spec": {"template": {"spec": {"hostNetwork": True}}}},
         {"PatchType": "json"}),
        # A kind kubectl names in no way known here, a name without its kind.
        ("widgets.example.com/w", NODE_PATCH, {}),
        ("aws-node", NODE_PATCH, {}),
        # Nothing set that a rule judges.
        ("deployment/coredns", {"spec": {"replicas": 3}}, {}),
    ],
)  # fmt: skip
def test_a_patch_that_sets_nothing_judged_gives_nothing(tmp_path, resource_name, patch, properties):
    write_file(tmp_path, "stack.template.json", _patch_template(resource_name, patch, **properties))
    assert _k8s_findings(tmp_path) == []


def test_a_patch_in_the_default_namespace_is_named_so(tmp_path):
    text = _patch_template("pod/tool", {"spec": {"hostPID": True}})
    write_file(tmp_path, "stack.template.json", text)
    assert [(f.rule_id, f.resource) for f in _k8s_findings(tmp_path)] == [
        ("K8S005", f"Pod default/tool in {PATCH_TYPE} NodePatch")
    ]


JSON_NODE_PATCH = [
    {"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True},
    {"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged",
     "value": True},
    {"op": "add", "path": "/spec/template/spec/containers/-",
     "value": {"name": "debug", "image": "busybox:latest"}},
    {"op": "add", "path": "/spec/template/spec/volumes/1",
     "value": {"name": "root", "hostPath": {"path": "/"}}},
]  # fmt: skip


@pytest.mark.parametrize("patch_type", ["json", "JSON"])
def test_a_json_patch_is_judged_for_what_its_operations_set(tmp_path, patch_type):
    """RFC 6902 operations (`kubectl patch --type json`) write a partial object: what an add or
    replace sets at a plain path is judged (the first container made privileged, a container
    appended, a host path added), what the object already holds is not (no limits, probes,
    USER)."""
    text = _patch_template("ds/aws-node", JSON_NODE_PATCH, ResourceNamespace="kube-system",
                           PatchType=patch_type)  # fmt: skip
    write_file(tmp_path, "stack.template.json", text)
    found = {(f.rule_id, f.resource) for f in _k8s_findings(tmp_path)}
    label = f"DaemonSet kube-system/aws-node in {PATCH_TYPE} NodePatch"
    assert found == {
        ("K8S001", f"{label} container containers[0]"),
        ("K8S004", label),
        ("K8S007", f"{label} volume root"),
        ("K8S012", f"{label} container debug"),
        ("K8S013", f"{label} container debug"),
    }


@pytest.mark.parametrize(
    "operations",
    [
        # Set, then taken out again or moved over by a value of the object's own.
        [{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True},
         {"op": "remove", "path": "/spec/template/spec/hostNetwork"}],
        [{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True},
         {"op": "copy", "from": "/spec/template/spec/hostPID",
          "path": "/spec/template/spec/hostNetwork"}],
        # A container inserted at 0 shifts the one the earlier operation made privileged.
        [{"op": "add", "path": "/spec/template/spec/containers/0/securityContext",
          "value": {"privileged": True}},
         {"op": "remove", "path": "/spec/template/spec/containers/0"}],
        # An index past an appended item, or past MAX_INDEX, is not known.
        [{"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "a"}},
         {"op": "add", "path": "/spec/template/spec/containers/1/securityContext",
          "value": {"privileged": True}}],
        [{"op": "add", "path": "/spec/template/spec/containers/100000/securityContext",
          "value": {"privileged": True}}],
        # The whole object replaced, a path that is no pointer, an operation RFC 6902 lacks.
        [{"op": "replace", "path": "", "value": {"spec": {"hostNetwork": True}}},
         {"op": "add", "path": "spec/template/spec/hostNetwork", "value": True},
         {"op": "merge", "path": "/spec/template/spec/hostNetwork", "value": True}],
    ],
)  # fmt: skip
def test_a_json_patch_judges_only_what_it_is_known_to_set(tmp_path, operations):
    text = _patch_template("ds/aws-node", operations, PatchType="json")
    write_file(tmp_path, "stack.template.json", text)
    assert _k8s_findings(tmp_path) == []
