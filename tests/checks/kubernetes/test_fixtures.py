"""Kubernetes pack: every bad fixture's rule, lines and severities (the line is the container,
the offending key or item, never just somewhere in the file)."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import K8S, scan_rule

BAD_FIXTURES = [
    ("K8S001/bad-cronjob-job-template", [(17, "critical")]),
    ("K8S001/bad-init-container", [(16, "critical")]),
    ("K8S001/bad-eks-patch", [(10, "critical")]),
    ("K8S001/bad-eks-json-patch", [(10, "critical")]),
    ("K8S001/bad-kustomize-json-patch", [(5, "critical")]),
    ("K8S001/bad-openshift-deploymentconfig", [(13, "critical")]),
    ("K8S001/bad-kubeflow-training-worker", [(25, "critical")]),
    ("K8S001/bad-spark-driver", [(18, "critical")]),
    ("K8S002/bad-unset", [(8, "medium")]),
    ("K8S002/bad-explicit-true-ephemeral", [(10, "medium")]),
    ("K8S002/bad-kustomize-patch-sets-true", [(11, "medium")]),
    ("K8S003/bad-container-uid0-overrides-pod", [(13, "medium")]),
    ("K8S003/bad-container-overrides-nonroot-false", [(13, "medium")]),
    ("K8S003/bad-no-security-context", [(8, "medium")]),
    ("K8S003/bad-pod-uid0-inherited", [(8, "medium")]),
    ("K8S003/bad-nonzero-uid-without-nonroot", [(8, "medium")]),
    ("K8S003/bad-nonroot-false-with-uid", [(14, "medium")]),
    ("K8S004/bad", [(13, "high")]),
    ("K8S004/bad-cronjob", [(12, "high")]),
    ("K8S004/bad-kustomize-inline-patch", [(12, "high")]),
    ("K8S005/bad", [(13, "high")]),
    ("K8S005/bad-cronjob", [(12, "high")]),
    ("K8S006/bad", [(13, "high")]),
    ("K8S006/bad-cronjob", [(12, "high")]),
    ("K8S007/bad-docker-socket", [(10, "critical")]),
    ("K8S007/bad-log-dir", [(9, "high")]),
    ("K8S007/bad-read-only-ca-bundle", [(23, "low")]),
    ("K8S007/bad-file-one-writable-mount", [(20, "high")]),
    ("K8S007/bad-read-only-directory", [(15, "high")]),
    ("K8S008/bad-sys-admin", [(12, "high")]),
    ("K8S008/bad-net-raw-lowercase", [(12, "high")]),
    ("K8S009/bad-no-drop", [(8, "low")]),
    ("K8S009/bad-partial-drop", [(12, "low")]),
    ("K8S010/bad-unset", [(8, "low")]),
    ("K8S010/bad-false", [(10, "low")]),
    ("K8S011/bad-no-resources", [(8, "info"), (8, "low")]),
    ("K8S011/bad-no-memory-limit", [(12, "low")]),
    ("K8S012/bad-no-tag", [(9, "medium")]),
    ("K8S012/bad-latest", [(9, "medium")]),
    ("K8S012/bad-image-volume", [(21, "medium")]),
    ("K8S013/bad", [(9, "info")]),
    ("K8S014/bad-env-password", [(12, "critical")]),
    ("K8S014/bad-aws-key-in-arg", [(10, "critical")]),
    ("K8S014/bad-configmap-secret-key", [(7, "critical")]),
    ("K8S014/bad-command-line", [(14, "critical")]),
    ("K8S014/bad-capitals", [(13, "critical"), (15, "critical")]),
    ("K8S015/bad-deployment", [(14, "low")]),
    ("K8S015/bad-worker-without-ports", [(14, "low")]),
    ("K8S015/bad-bare-pod-no-readiness", [(8, "low")]),
    ("K8S016/bad-no-namespace", [(3, "info")]),
    ("K8S016/bad-default", [(5, "info")]),
    ("K8S016/bad-kustomize-resource", [(3, "info")]),
    ("K8S016/bad-workload-without-metadata", [(2, "info")]),
    ("K8S017/bad-missing", [(8, "medium")]),
    ("K8S017/bad-legacy-annotation-only", [(10, "medium")]),
    ("K8S017/bad-legacy-container-annotation", [(16, "medium")]),
    ("K8S017/bad-container-unconfined-overrides-pod", [(13, "medium")]),
    ("K8S017/bad-apparmor-annotation", [(13, "medium")]),
    ("K8S017/bad-apparmor-annotation-overrides-pod-field", [(14, "medium")]),
    ("K8S017/bad-profile-without-type", [(16, "medium")]),
    ("K8S017/bad-privileged-with-profile", [(15, "medium")]),
    ("K8S018/bad-implicit-default", [(6, "low")]),
    ("K8S018/bad-explicit-default", [(13, "low")]),
    ("K8S018/bad-projected-api-token", [(25, "low")]),
    ("K8S019/bad", [(12, "medium")]),
    ("K8S020/bad-public-lb", [(7, "medium")]),
    ("K8S020/bad-open-source-range", [(7, "medium")]),
    ("K8S020/bad-nodeport-info", [(7, "info")]),
    ("K8S021/bad-resources-star", [(7, "high")]),
    ("K8S021/bad-verbs-star", [(9, "high")]),
    ("K8S022/bad-cluster-admin", [(8, "critical")]),
    ("K8S022/bad-anonymous", [(10, "critical")]),
    ("K8S022/bad-cluster-admin-to-authenticated", [(8, "critical")]),
    ("K8S022/bad-all-service-accounts-of-namespace", [(11, "critical")]),
    ("K8S023/bad", [(8, "medium")]),
    ("K8S024/bad-exec", [(8, "high")]),
    ("K8S024/bad-impersonate", [(8, "high")]),
    ("K8S024/bad-token-request", [(8, "high")]),
    ("K8S024/bad-ephemeral-containers", [(11, "high")]),
    ("K8S025/bad-data", [(8, "high")]),
    ("K8S025/bad-string-data", [(8, "high")]),
    ("K8S025/bad-tls-key", [(9, "high")]),
    ("K8S026/bad-extensions-deployment", [(1, "medium")]),
    ("K8S026/bad-cronjob-v1beta1", [(1, "medium")]),
    ("K8S026/bad-psp", [(1, "medium")]),
    ("K8S027/bad-sysctl", [(9, "high")]),
    ("K8S027/bad-proc-mount", [(11, "high")]),
    ("K8S028/bad", [(6, "low")]),
    ("K8S028/bad-old-api", [(6, "low")]),
]


@pytest.mark.parametrize(("case", "expected"), BAD_FIXTURES, ids=[c for c, _ in BAD_FIXTURES])
def test_bad_fixture_lines_and_severities(case, expected):
    rule_id = case.split("/")[0]
    found = scan_rule(K8S / case, rule_id)
    assert sorted((f.region.start_line, f.severity.label) for f in found) == expected


def test_every_bad_fixture_has_a_line_assertion():
    asserted = {case for case, _ in BAD_FIXTURES}
    on_disk = {f"{p.parent.name}/{p.name}" for p in K8S.glob("K8S*/bad*")}
    assert on_disk == asserted
