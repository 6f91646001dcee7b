"""Kubernetes RBAC checks (guardlint/checks/kubernetes/rbac.py): what a grant or a subject
reaches, by the scope RBAC asks about and the kind it matches."""

from __future__ import annotations

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s024_a_role_grants_nothing_rbac_asks_about_at_cluster_scope(tmp_path):
    """A Role's rules apply in its namespace only: impersonating a user, group, UID or extra,
    escalate on a ClusterRole (when it is written) and nodes/proxy are asked about with no
    namespace, so a Role naming them grants none of them. Impersonating a service account,
    bind on a ClusterRole (asked in the RoleBinding's namespace), escalate on a Role, exec and
    `*` in resources (service accounts included) are namespaced; a ClusterRole grants it all."""
    rules = """\
rules:
  - apiGroups: [""]
    resources: [users, groups]
    verbs: [impersonate]
  - apiGroups: [authentication.k8s.io]
    resources: [uids, userextras/scopes]
    verbs: [impersonate]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    verbs: [escalate]
  - apiGroups: [""]
    resources: [nodes/proxy, "*/proxy"]
    verbs: [get, create]
  - apiGroups: [""]
    resources: [users, serviceaccounts]
    verbs: [impersonate]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles, roles]
    verbs: [bind, escalate]
  - apiGroups: [""]
    resources: [users, pods/exec]
    verbs: [impersonate, create]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: [impersonate]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    verbs: ["*"]
"""
    write_file(tmp_path, "role.yaml", "kind: Role\nmetadata: {name: r, namespace: ns}\n" + rules)
    write_file(tmp_path, "cluster.yaml", "kind: ClusterRole\nmetadata: {name: c}\n" + rules)
    for document in ("role.yaml", "cluster.yaml"):
        text = (tmp_path / document).read_text()
        (tmp_path / document).write_text("apiVersion: rbac.authorization.k8s.io/v1\n" + text)
    found = scan_rule(tmp_path, "K8S024")
    in_role = [(f.resource, f.properties["grants"]) for f in found if "Role ns/r" in f.resource]
    assert in_role == [
        ("Role ns/r rule 5", ["impersonate"]),
        ("Role ns/r rule 6", ["escalate", "bind"]),
        ("Role ns/r rule 7", ["pods/exec"]),
        ("Role ns/r rule 8", ["impersonate"]),
        ("Role ns/r rule 9", ["bind"]),
    ]
    in_cluster_role = [f.properties["grants"] for f in found if "ClusterRole c" in f.resource]
    assert in_cluster_role == [
        ["impersonate"],
        ["impersonate"],
        ["escalate"],
        ["nodes/proxy", "*/proxy"],
        ["impersonate"],
        ["escalate", "bind"],
        ["impersonate", "pods/exec"],
        ["impersonate"],
        ["escalate", "bind"],
    ]


def test_k8s022_a_broad_name_counts_only_under_its_kind(tmp_path):
    """RBAC matches a subject by kind and name: system:anonymous is a user, the others are
    groups. A User named system:serviceaccounts:ci (a service account's user name is
    system:serviceaccount:NS:NAME), a Group named system:anonymous or a ServiceAccount named
    system:unauthenticated is no one's group: at most one identity, not everyone."""
    write_file(
        tmp_path,
        "binding.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: User, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
  - {kind: User, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
  - {kind: ServiceAccount, name: "system:serviceaccounts", namespace: shop}
  - {kind: User, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
""",
    )
    found = scan_rule(tmp_path, "K8S022")
    assert [f.properties["subject"] for f in found] == [
        "system:anonymous",
        "system:serviceaccounts:ci",
    ]
    assert [f.region.start_line for f in found] == [10, 11]
