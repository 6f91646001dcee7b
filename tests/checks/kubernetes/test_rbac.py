"""Kubernetes RBAC checks (guardlint/checks/kubernetes/rbac.py)."""

from __future__ import annotations

from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import findings_of, lines_of, run_scan, write_file


def test_k8s023_every_resource_of_the_core_group_includes_secrets(tmp_path):
    """RBAC matches `*` in resources to every resource, secrets included: read verbs on it in
    the core group (or `*`) read every Secret, as verbs `*` on secrets does, and K8S021 still
    reports the wildcard. `*` in another group, `*/*` (a subresource of each) and write verbs
    read no Secret."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: [pods, "*"]
    verbs: [get, list]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
  - apiGroups: [apps]
    resources: ["*"]
    verbs: [get]
  - apiGroups: [""]
    resources: ["*/*"]
    verbs: [get]
  - apiGroups: [""]
    resources: ["*"]
    verbs: [create, delete]
""",
    )
    result = run_scan(tmp_path)
    assert lines_of(result, "K8S021") == [6, 8, 12, 18]
    found = findings_of(result, "K8S023")
    assert [(f.region.start_line, f.properties["verbs"]) for f in found] == [
        (6, ["get", "list"]),
        (9, ["*"]),
    ]
    assert "every resource (Secrets included) in its scope" in found[0].message


def test_k8s024_subresources_are_matched_as_rbac_matches_them(tmp_path):
    """RBAC grants pods/exec by its name, by `*` and by `*/exec`, and only in the core API
    group (or `*`): `pods/*` is a literal name that matches no subresource, pods/exec in
    another group grants nothing, and list on pods/exec runs nothing."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: ["pods/*", "*/*", "nodes/*"]
    verbs: [create, get]
  - apiGroups: [""]
    resources: [pods/log, pods/exec]
    verbs: [list]
  - apiGroups: [apps]
    resources: [pods/exec, serviceaccounts/token]
    verbs: [create]
  - apiGroups: ["*"]
    resources: [pods/attach]
    verbs: [create]
  - apiGroups: [apps, ""]
    resources: [nodes/proxy]
    verbs: [get]
  - resources: [pods/exec]
    verbs: [create]
""",
    )
    found = scan_rule(tmp_path, "K8S024")
    assert [(f.region.start_line, f.resource) for f in found] == [
        (15, "ClusterRole r rule 4"),
        (18, "ClusterRole r rule 5"),
        (20, "ClusterRole r rule 6"),
    ]


def test_k8s024_a_wildcard_resource_with_the_subresource_grants_it(tmp_path):
    """RBAC matches `*/exec` on every resource's exec subresource, pods/exec included;
    `*/status` grants no escalation."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: ["*/exec", "*/token"]
    verbs: [create]
  - apiGroups: [""]
    resources: ["*/status", "*/log"]
    verbs: [create, get]
""",
    )
    (found,) = scan_rule(tmp_path, "K8S024")
    assert (found.region.start_line, found.properties["grants"]) == (6, ["*/exec", "*/token"])


def test_k8s022_a_narrow_role_bound_to_every_signed_in_user_is_not_reported():
    assert not scan_rule(K8S / "K8S022/good-narrow-role-to-authenticated", "K8S022")


def test_k8s022_cluster_admin_to_every_signed_in_user_is_one_finding():
    (finding,) = scan_rule(K8S / "K8S022/bad-cluster-admin-to-authenticated", "K8S022")
    assert "cluster-admin" in finding.message
    assert "system:authenticated" in finding.message


def test_rules_of_an_aggregated_cluster_role_are_the_controllers(tmp_path):
    """With an aggregationRule, the controller replaces a ClusterRole's rules with those of
    the roles it selects: the rules written in the manifest grant nothing. A ClusterRole
    whose rules are aggregated into others (aggregate-to-edit) grants its own rules."""
    role = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {name}
  labels: {{rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
{aggregation}
rules:
  - apiGroups: ["*"]
    resources: ["*", secrets, pods/exec]
    verbs: ["*"]
"""
    selectors = "aggregationRule: {clusterRoleSelectors: [{matchLabels: {team: ops}}]}"
    write_file(
        tmp_path,
        "roles.yaml",
        role.format(name="agg", aggregation=selectors)
        + "---\n"
        + role.format(name="part", aggregation=""),
    )
    result = run_scan(tmp_path)
    for rule_id in ("K8S021", "K8S023", "K8S024"):
        found = [f.resource for f in findings_of(result, rule_id)]
        assert found == ["ClusterRole part rule 1"], rule_id


def test_k8s024_adding_ephemeral_containers_runs_code_in_a_running_pod(tmp_path):
    """update or patch on pods/ephemeralcontainers (kubectl debug) adds a container of the
    holder's choosing to a running pod, with its service account and volumes: exec by
    another door. Reading the subresource adds nothing."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debugger, namespace: shop}
rules:
  - apiGroups: [""]
    resources: [pods/ephemeralcontainers]
    verbs: [get, list]
  - apiGroups: [""]
    resources: [pods/ephemeralcontainers]
    verbs: [patch]
  - apiGroups: [""]
    resources: ["*/ephemeralcontainers"]
    verbs: [update]
""",
    )
    found = scan_rule(tmp_path, "K8S024")
    assert [(f.region.start_line, f.properties["grants"]) for f in found] == [
        (9, ["pods/ephemeralcontainers"]),
        (12, ["*/ephemeralcontainers"]),
    ]


def test_k8s022_cluster_admin_through_a_role_binding_is_its_namespace(tmp_path):
    """A RoleBinding to the cluster-admin ClusterRole grants full control of its own
    namespace only (the catalogue still reports it); the message says which."""
    write_file(
        tmp_path,
        "binding.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-admin, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
""",
    )
    (finding,) = scan_rule(tmp_path, "K8S022")
    assert "full control of namespace shop" in finding.message
    assert "of the cluster" not in finding.message


def test_k8s024_escalation_verbs_count_on_what_they_act_on(tmp_path):
    """impersonate acts on users, groups and service accounts (core group) and on uids and
    userextras (authentication.k8s.io); escalate and bind on roles and cluster roles. Granted
    on another resource or group (a typo, a copied rule) they authorize nothing."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: [groups, users]
    verbs: [impersonate]
  - apiGroups: [authentication.k8s.io]
    resources: [userextras/scopes]
    verbs: [impersonate]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: [bind]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    verbs: [escalate, get]
  - apiGroups: [example.com]
    resources: [groups]
    verbs: [impersonate]
  - apiGroups: ["*"]
    resources: [widgets]
    verbs: [impersonate, bind, escalate]
  - apiGroups: [""]
    resources: [roles]
    verbs: [bind]
  - resources: [serviceaccounts]
    verbs: [impersonate]
""",
    )
    found = scan_rule(tmp_path, "K8S024")
    assert [(f.resource, f.properties["grants"]) for f in found] == [
        ("ClusterRole r rule 1", ["impersonate"]),
        ("ClusterRole r rule 2", ["impersonate"]),
        ("ClusterRole r rule 3", ["bind"]),
        ("ClusterRole r rule 4", ["escalate"]),
        ("ClusterRole r rule 8", ["impersonate"]),
    ]


def test_k8s022_the_message_says_who_a_broad_subject_is(tmp_path):
    """system:anonymous is the user of every request without credentials (a user, not a
    group); system:serviceaccounts[:NS] every service account (of one namespace)."""
    write_file(
        tmp_path,
        "binding.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: User, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
""",
    )
    messages = [f.message for f in scan_rule(tmp_path, "K8S022")]
    assert len(messages) == 4
    assert "every request that carries no credentials" in messages[0]
    assert "group" not in messages[0].split("system:anonymous", 1)[1]
    assert "every request that carries no credentials" in messages[1]
    assert "every service account of every namespace" in messages[2]
    assert "every service account of namespace ci" in messages[3]


def test_k8s024_wildcards_grant_the_escalation_they_match(tmp_path):
    """RBAC matches verbs `*` to every verb: `*` on users, groups or service accounts (core
    group) is impersonate, on roles or clusterroles (rbac group) escalate and bind; `*` on
    resources no escalation verb acts on, or in another group, grants none of them, and `*`
    in resources is left to K8S021."""
    write_file(
        tmp_path,
        "role.yaml",
        """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: [users]
    verbs: ["*"]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["*"]
    verbs: [create]
  - apiGroups: [apps, rbac.authorization.k8s.io]
    resources: [deployments, rolebindings]
    verbs: ["*"]
  - apiGroups: [apps]
    resources: [users, "*"]
    verbs: ["*"]
""",
    )
    found = scan_rule(tmp_path, "K8S024")
    assert [(f.region.start_line, f.properties["grants"]) for f in found] == [
        (7, ["impersonate"]),
        (10, ["escalate", "bind"]),
    ]
    assert "verbs `*`" in found[0].message
