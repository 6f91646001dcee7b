"""K8S022 names a ServiceAccount subject where kustomize's namereference transformer points it:
at the account of that name the same build emits (guardlint.documents.kustomize.subjects), in
the namespace the build sets on that account; a subject no account of the build matches keeps
the namespace it is written with."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
"""
_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name}{namespace}}}\n"


@pytest.mark.parametrize(
    ("account", "overlays", "subject"),
    [
        # The base emits the account: each overlay's namespace moves it, and the subject.
        (("deployer", "ci"), {"prod": "namespace: prod\n"},
         "ServiceAccount prod/deployer (namespaces as the kustomizations that build it set "
         "them)."),
        (("deployer", "ci"), {"prod": "namespace: prod\n", "raw": ""},
         "ServiceAccount ci/deployer or prod/deployer (namespaces as the kustomizations that "
         "build it set them)."),
        # A subject naming a namespace matches an account written in it, or landed in it: an
        # account written without one, landed in prod, is not ci's.
        (("deployer", None), {"prod": "namespace: prod\n"}, "ServiceAccount ci/deployer."),
        # No account of the subject's name, or one in another namespace: the subject stays.
        (("builder", "ci"), {"prod": "namespace: prod\n"}, "ServiceAccount ci/deployer."),
        (("deployer", "ops"), {"prod": "namespace: prod\n"}, "ServiceAccount ci/deployer."),
        # No build sets a namespace: the account stays where it is written, and the subject.
        (("deployer", "ci"), {"raw": ""}, "ServiceAccount ci/deployer."),
    ],
)  # fmt: skip
def test_k8s022_follows_the_account_the_build_emits(tmp_path, account, overlays, subject):
    name, namespace = account
    files = {
        "base/kustomization.yaml": "resources: [binding.yaml, account.yaml]\n",
        "base/binding.yaml": _BINDING,
        "base/account.yaml": _ACCOUNT.format(
            name=name, namespace=f", namespace: {namespace}" if namespace else ""
        ),
    }
    for overlay, text in overlays.items():
        files[f"overlays/{overlay}/kustomization.yaml"] = "resources: [../../base]\n" + text
    for path, text in files.items():
        write_file(tmp_path, path, text)
    (found,) = scan_rule(tmp_path, "K8S022")
    assert found.resource == "ClusterRoleBinding admin"
    assert found.message == (
        f"ClusterRoleBinding admin grants cluster-admin (full control of the cluster) to {subject}"
    )


def test_an_account_only_an_overlay_emits_moves_the_subject_of_that_build_only(tmp_path):
    files = {
        "base/kustomization.yaml": "resources: [binding.yaml]\n",
        "base/binding.yaml": _BINDING,
        "overlays/prod/kustomization.yaml": "resources: [../../base, account.yaml]\n"
        "namespace: prod\n",
        "overlays/prod/account.yaml": _ACCOUNT.format(name="deployer", namespace=", namespace: ci"),
        "overlays/qa/kustomization.yaml": "resources: [../../base]\nnamespace: qa\n",
    }
    for path, text in files.items():
        write_file(tmp_path, path, text)
    (found,) = scan_rule(tmp_path, "K8S022")
    assert found.message.endswith(
        "to ServiceAccount ci/deployer or prod/deployer (namespaces as the kustomizations that "
        "build it set them)."
    )
