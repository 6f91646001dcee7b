"""Kubernetes object checks (guardlint/checks/kubernetes/api.py): removed API versions, the
default namespace."""

from __future__ import annotations

import yaml

from guardlint.checks.kubernetes.api import removed_api_versions
from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import ROOT, write_file


def test_removed_api_table_is_well_formed():
    table = removed_api_versions()
    assert table[("extensions/v1beta1", "Ingress")]["removed_in"] == "1.22"
    assert table[("batch/v1beta1", "CronJob")]["replacement"] == "batch/v1"
    assert ("apps/v1", "Deployment") not in table
    source = ROOT / "guardlint/data/k8s_deprecated_apis.yaml"
    rows = yaml.safe_load(source.read_text())["removed"]
    assert all(set(row) == {"apiVersion", "kinds", "removed_in", "replacement"} for row in rows)


def test_k8s016_skips_cluster_scoped_and_tool_config(tmp_path):
    assert not scan_rule(K8S / "K8S016/good-cluster-scoped", "K8S016")
    write_file(
        tmp_path,
        "crd.yaml",
        "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: letsencrypt}\n"
        "spec: {}\n",
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_k8s016_skips_newer_and_common_cluster_scoped_kinds(tmp_path):
    """Cluster-scoped kinds whose name does not start with Cluster: Gateway API classes,
    snapshot classes, DRA device classes, service CIDRs, Gatekeeper's templates."""
    kinds = [
        ("gateway.networking.k8s.io/v1", "GatewayClass"),
        ("snapshot.storage.k8s.io/v1", "VolumeSnapshotClass"),
        ("networking.k8s.io/v1", "ServiceCIDR"),
        ("resource.k8s.io/v1beta1", "DeviceClass"),
        ("templates.gatekeeper.sh/v1", "ConstraintTemplate"),
    ]
    write_file(
        tmp_path,
        "cluster.yaml",
        "---\n".join(
            f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n" for api, kind in kinds
        ),
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_k8s016_skips_cluster_scoped_custom_resources_of_common_operators(tmp_path):
    """Cluster-scoped custom resources a cluster's own repository declares: Karpenter's node
    pools and classes, Gatekeeper's constraints and mutations, Crossplane's packages and
    compositions (every kind of those groups), the AWS Load Balancer Controller's
    IngressClassParams, the VPC CNI's ENIConfig, EKS Auto Mode's NodeClass and the
    NodeDiagnostic of it and of the node monitoring agent (Auto Mode's TargetGroupBinding is
    namespaced), Calico's and Cilium's cluster-wide policies and pools, Kyverno's
    ValidatingPolicy, and Kubernetes' VolumeAttributesClass and
    SelfSubjectReview. A kind named with its group is cluster-scoped in that group only:
    Flux's Provider and Whereabouts' IPPool are namespaced, and so is Kyverno's
    NamespacedValidatingPolicy."""
    kinds = [
        ("karpenter.sh/v1", "NodePool"),
        ("karpenter.k8s.aws/v1", "EC2NodeClass"),
        ("constraints.gatekeeper.sh/v1beta1", "K8sRequiredLabels"),
        ("mutations.gatekeeper.sh/v1", "Assign"),
        ("pkg.crossplane.io/v1", "Provider"),
        ("apiextensions.crossplane.io/v1", "Composition"),
        ("elbv2.k8s.aws/v1beta1", "IngressClassParams"),
        ("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig"),
        ("eks.amazonaws.com/v1", "NodeClass"),
        ("eks.amazonaws.com/v1alpha1", "NodeDiagnostic"),
        ("node.eks.aws/v1alpha1", "NodeDiagnostic"),  # the node monitoring agent's CRD
        ("eks.amazonaws.com/v1", "TargetGroupBinding"),
        ("crd.projectcalico.org/v1", "GlobalNetworkPolicy"),
        ("crd.projectcalico.org/v1", "IPPool"),
        ("projectcalico.org/v3", "IPPool"),
        ("cilium.io/v2", "CiliumClusterwideNetworkPolicy"),
        ("storage.k8s.io/v1", "VolumeAttributesClass"),
        ("authentication.k8s.io/v1", "SelfSubjectReview"),
        ("policies.kyverno.io/v1", "ValidatingPolicy"),
        ("policies.kyverno.io/v1", "NamespacedValidatingPolicy"),
        ("notification.toolkit.fluxcd.io/v1beta3", "Provider"),
        ("whereabouts.cni.cncf.io/v1alpha1", "IPPool"),
    ]
    write_file(
        tmp_path,
        "cluster.yaml",
        "---\n".join(
            f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n" for api, kind in kinds
        ),
    )
    assert [f.resource for f in scan_rule(tmp_path, "K8S016")] == [
        "TargetGroupBinding default/x",
        "NamespacedValidatingPolicy default/x",
        "Provider default/x",
        "IPPool default/x",
    ]


def test_k8s016_skips_the_configuration_files_of_kubernetes_components(tmp_path):
    """Every component's configuration API is a `*.config.k8s.io` group (the scheduler's, the
    controller manager's, Pod Security admission's, the kubelet's): a file the component reads,
    not an object in a namespace, even with a metadata.name."""
    apis = [
        ("kubescheduler.config.k8s.io/v1", "KubeSchedulerConfiguration"),
        ("kubecontrollermanager.config.k8s.io/v1alpha1", "KubeControllerManagerConfiguration"),
        ("pod-security.admission.config.k8s.io/v1", "PodSecurityConfiguration"),
        ("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"),
    ]
    write_file(
        tmp_path,
        "config.yaml",
        "---\n".join(
            f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n" for api, kind in apis
        ),
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_k8s016_skips_config_files_without_an_object_name(tmp_path):
    write_file(
        tmp_path,
        "scheduler-policy.json",
        '{"kind": "Policy", "apiVersion": "v1", "predicates": [{"name": "PodFitsPorts"}]}\n',
    )
    assert not scan_rule(tmp_path, "K8S016")


def test_k8s016_leaves_kustomize_patches_alone():
    assert not scan_rule(K8S / "K8S016/good-kustomize-listed-patch", "K8S016")
    assert not scan_rule(K8S / "K8S016/good-patch-directive", "K8S016")
    (finding,) = scan_rule(K8S / "K8S016/bad-kustomize-resource", "K8S016")
    assert finding.resource == "ConfigMap default/ledger-settings"


def test_k8s016_a_kustomization_s_deprecated_bases_are_resources_it_builds(tmp_path):
    """`bases:` (deprecated, still read by kustomize) lists resources like `resources:`: the
    kustomization's namespace is theirs."""
    write_file(
        tmp_path,
        "kustomization.yaml",
        "namespace: ledger\nbases:\n  - base/config.yaml\n",
    )
    write_file(
        tmp_path,
        "base/config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n",
    )
    write_file(
        tmp_path,
        "other/config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n",
    )
    assert [f.resource for f in scan_rule(tmp_path, "K8S016")] == ["ConfigMap default/other"]


def test_k8s016_a_workload_without_metadata_is_an_object_not_a_tool_config():
    (finding,) = scan_rule(K8S / "K8S016/bad-workload-without-metadata", "K8S016")
    assert finding.region.start_line == 2
    assert not scan_rule(K8S / "K8S016/good-tool-config-without-name", "K8S016")


def test_k8s026_runtimeclass_alpha_is_no_longer_served(tmp_path):
    """node.k8s.io/v1alpha1 RuntimeClass stopped being served in 1.22 (kubernetes#103061);
    v1beta1 in 1.25; v1 is current."""
    write_file(
        tmp_path,
        "rc.yaml",
        "---\n".join(
            f"apiVersion: node.k8s.io/{version}\nkind: RuntimeClass\nmetadata: {{name: r}}\n"
            "handler: runsc\n"
            for version in ("v1alpha1", "v1beta1", "v1")
        ),
    )
    found = scan_rule(tmp_path, "K8S026")
    assert [(f.region.start_line, f.properties["removed_in"]) for f in found] == [
        (1, "1.22"),
        (6, "1.25"),
    ]


def test_k8s026_alpha_versions_removed_since_1_31(tmp_path):
    """Dynamic resource allocation's resource.k8s.io/v1alpha2 stopped being served in 1.31
    (v1alpha3 replaced it), v1alpha3's PodSchedulingContext and coordination.k8s.io/v1alpha1's
    LeaseCandidate in 1.32; the versions that replaced them are still served."""
    objects = [
        ("resource.k8s.io/v1alpha2", "ResourceClaimTemplate"),
        ("resource.k8s.io/v1alpha2", "ResourceClass"),
        ("resource.k8s.io/v1alpha3", "PodSchedulingContext"),
        ("coordination.k8s.io/v1alpha1", "LeaseCandidate"),
        ("resource.k8s.io/v1beta1", "ResourceClaimTemplate"),
        ("resource.k8s.io/v1alpha3", "DeviceTaintRule"),
        ("coordination.k8s.io/v1alpha2", "LeaseCandidate"),
    ]
    write_file(
        tmp_path,
        "dra.yaml",
        "---\n".join(
            f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x, namespace: ns}}\n"
            for api, kind in objects
        ),
    )
    found = scan_rule(tmp_path, "K8S026")
    assert [(f.region.start_line, f.properties["removed_in"]) for f in found] == [
        (1, "1.31"),
        (5, "1.31"),
        (9, "1.32"),
        (13, "1.32"),
    ]


def test_k8s016_skips_objects_kubernetes_itself_keeps_in_a_namespace(tmp_path):
    """Every namespace has a `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap, and
    the API server keeps the `kubernetes` Service (its Endpoints and EndpointSlice) in
    default: a manifest of one configures that built-in object (CIS 5.1.5 turns off the
    default account's token mount), it places nothing in the default namespace. An object
    of another name, or another kind of that name, is still reported."""
    write_file(
        tmp_path,
        "builtin.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\n"
        "automountServiceAccountToken: false\n---\n"
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default}\n"
        "automountServiceAccountToken: false\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\n"
        "spec: {ports: [{port: 443}]}\n---\n"
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
        "metadata: {name: kubernetes, namespace: default}\naddressType: IPv4\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-root-ca.crt}\n"
        "data: {ca.crt: x}\n---\n"
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: default}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: default, namespace: default}\n",
    )
    assert [f.resource for f in scan_rule(tmp_path, "K8S016")] == [
        "ServiceAccount default/app",
        "ConfigMap default/default",
    ]
