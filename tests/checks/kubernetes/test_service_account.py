"""K8S018 and the `default` ServiceAccount declared beside the pod: the pod's own
automountServiceAccountToken wins; left unset, the ServiceAccount's decides."""

from __future__ import annotations

import os

import pytest

from guardlint.documents import service_accounts
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n{namespace}{automount}"
# Ways of running as the default service account (the pod's spec lines).
_DEFAULT_SPELLINGS = [
    "",
    "serviceAccountName: ''\n",
    "serviceAccountName: default\n",
    "serviceAccount: default\n",
    "serviceAccountName: null\nserviceAccount: default\n",
]


def _account(
    name: str = "default", namespace: str | None = "shop", automount: str = "false"
) -> str:
    return _ACCOUNT.format(
        name=name,
        namespace=f"  namespace: {namespace}\n" if namespace is not None else "",
        automount=f"automountServiceAccountToken: {automount}\n" if automount else "",
    )


def _deployment(fields: str = "", namespace: str | None = "shop") -> str:
    ns = f", namespace: {namespace}" if namespace is not None else ""
    body = "".join(f"      {line}\n" for line in fields.splitlines())
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web{ns}}}\nspec:\n"
        f"  template:\n    spec:\n{body}      containers: [{{name: c, image: nginx:1.27}}]\n"
    )


def _lines(tmp_path, files: dict[str, str]) -> list[int]:
    for name, text in files.items():
        write_file(tmp_path, name, text)
    return sorted(f.region.start_line for f in scan_rule(tmp_path, "K8S018"))


@pytest.mark.parametrize("fields", _DEFAULT_SPELLINGS)
def test_default_account_without_automount_in_the_same_file_mounts_nothing(tmp_path, fields):
    text = _account() + "---\n" + _deployment(fields)
    assert _lines(tmp_path, {"app.yaml": text}) == []


def test_default_account_in_a_file_named_as_a_template(tmp_path):
    """The pod's own file counts whatever its name (`app.yaml.j2` becomes `app.yaml`)."""
    text = _account() + "---\n" + _deployment()
    assert _lines(tmp_path, {"app.yaml.j2": text}) == []


@pytest.mark.parametrize("fields", _DEFAULT_SPELLINGS)
def test_default_account_in_another_file_of_the_directory(tmp_path, fields):
    files = {"sa.yml": _account(), "deploy.yaml": _deployment(fields)}
    assert _lines(tmp_path, files) == []


def test_default_account_in_a_list_or_json(tmp_path):
    listed = "apiVersion: v1\nkind: List\nitems:\n- " + _account().replace("\n", "\n  ")
    assert _lines(tmp_path / "list", {"sa.yaml": listed, "d.yaml": _deployment()}) == []
    json_account = (
        '{"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": false,'
        ' "metadata": {"name": "default", "namespace": "shop"}}'
    )
    assert _lines(tmp_path / "json", {"sa.json": json_account, "d.yaml": _deployment()}) == []


@pytest.mark.parametrize(
    ("pod_namespace", "account_namespace"),
    [(None, None), ("default", "default"), ("shop", "shop")],
)
def test_namespaces_that_match(tmp_path, pod_namespace, account_namespace):
    text = _account(namespace=account_namespace) + "---\n" + _deployment(namespace=pod_namespace)
    assert _lines(tmp_path, {"app.yaml": text}) == []


@pytest.mark.parametrize(
    ("pod_namespace", "account_namespace"), [(None, "default"), ("default", None)]
)
def test_a_namespace_named_on_one_side_only_is_not_known_to_match(
    tmp_path, pod_namespace, account_namespace
):
    """A manifest that names no namespace lands in the one it is applied to (`kubectl apply -n
    shop`), not necessarily `default`: the account is not known to be the pod's."""
    account = _account(namespace=account_namespace)
    text = account + "---\n" + _deployment(namespace=pod_namespace)
    assert _lines(tmp_path, {"app.yaml": text}) == [account.count("\n") + 1 + 6]


def test_kustomization_namespace_applies_to_both(tmp_path):
    files = {
        "kustomization.yaml": "namespace: shop\nresources: [sa.yaml, d.yaml]\n",
        "sa.yaml": _account(namespace=None),
        "d.yaml": _deployment(namespace=None),
    }
    assert _lines(tmp_path, files) == []


@pytest.mark.parametrize(
    ("account", "fields", "line"),
    [
        (_account(automount="true"), "", 6),  # the account mounts
        (_account(automount=""), "", 6),  # the account leaves it on
        (_account(automount="'${AUTOMOUNT}'"), "", 6),  # unknown until filled in
        (_account(namespace="other"), "", 6),  # another namespace's default account
        (_account(namespace=None), "", 6),  # the namespace it is applied to, not shop's
        (_account(name="api"), "", 6),  # not the default account
        (_account(), "automountServiceAccountToken: true\n", 7),  # the pod's setting wins
        (_account(), "automountServiceAccountToken: yes\n", 7),  # YAML 1.1's true
    ],
)
def test_still_mounted(tmp_path, account, fields, line):
    """The finding's line in the Deployment (after the account and `---`)."""
    text = account + "---\n" + _deployment(fields)
    assert _lines(tmp_path, {"app.yaml": text}) == [account.count("\n") + 1 + line]


def test_an_account_in_another_directory_does_not_count(tmp_path):
    files = {"sub/sa.yaml": _account(), "deploy.yaml": _deployment()}
    assert _lines(tmp_path, files) == [6]


@pytest.mark.parametrize("bound", ["MAX_DIRECTORY_FILES", "MAX_DIRECTORY_BYTES"])
def test_a_directory_too_large_to_read_leaves_the_account_unknown(tmp_path, monkeypatch, bound):
    """Its reading is charged to one pod file's time budget: past the bounds it is not read."""
    monkeypatch.setattr(service_accounts, bound, 2 if bound == "MAX_DIRECTORY_FILES" else 200)
    files = {"sa.yaml": _account(), "deploy.yaml": _deployment(), "other.yaml": "a: 1\n"}
    assert _lines(tmp_path, files) == [6]


@pytest.mark.parametrize("directory", ["app", "apps/web"])
def test_default_account_in_a_parent_directory(tmp_path, directory):
    """`kubectl apply -R -f` on a directory above the pod creates the account with it."""
    files = {"sa.yaml": _account(), f"{directory}/deploy.yaml": _deployment()}
    assert _lines(tmp_path, files) == []


def test_default_account_listed_by_the_pods_kustomization(tmp_path):
    """A kustomization that builds the pod also builds the files of its `resources:`."""
    files = {
        "base/kustomization.yaml": "resources: [deploy.yaml, common/sa.yaml]\n",
        "base/common/sa.yaml": _account(),
        "base/deploy.yaml": _deployment(),
    }
    assert _lines(tmp_path, files) == []


@pytest.mark.parametrize("listed", ["../common/sa.yaml", "../common", "common/gone.yaml"])
def test_default_account_a_build_kustomize_refuses_would_add_does_not_count(tmp_path, listed):
    """kustomize's load restrictor refuses a file outside the kustomization's directory, a
    directory without a kustomization, a file not there: the account is in no build."""
    files = {
        "base/kustomization.yaml": f"resources: [deploy.yaml, {listed}]\n",
        "common/sa.yaml": _account(),
        "base/deploy.yaml": _deployment(),
    }
    assert _lines(tmp_path, files) == [6]


def test_default_account_in_a_kustomization_directory_the_pods_kustomization_lists(tmp_path):
    files = {
        "base/kustomization.yaml": "resources:\n  - deploy.yaml\n  - ../accounts\n",
        "accounts/kustomization.yaml": "resources: [sa.yaml]\n",
        "accounts/sa.yaml": _account(),
        "base/deploy.yaml": _deployment(),
    }
    assert _lines(tmp_path, files) == []


def test_an_account_a_kustomization_lists_without_building_the_pod_does_not_count(tmp_path):
    files = {
        "base/kustomization.yaml": "resources: [../common/sa.yaml]\n",
        "common/sa.yaml": _account(),
        "base/deploy.yaml": _deployment(),
    }
    assert _lines(tmp_path, files) == [6]


def test_a_kustomization_resource_outside_the_scan_root_is_not_read(tmp_path):
    write_file(tmp_path, "outside/sa.yaml", _account())
    kustomization = "resources: [d.yaml, ../outside/sa.yaml]\n"
    files = {"kustomization.yaml": kustomization, "d.yaml": _deployment()}
    assert _lines(tmp_path / "repo", files) == [6]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_an_account_linked_from_outside_the_scan_root_is_not_read(tmp_path):
    outside = write_file(tmp_path, "outside/sa.yaml", _account())
    repo = tmp_path / "repo"
    write_file(repo, "app/deploy.yaml", _deployment())
    (repo / "sa.yaml").symlink_to(outside)
    (repo / "accounts").symlink_to(outside.parent, target_is_directory=True)
    write_file(repo, "app/kustomization.yaml", "resources: [deploy.yaml, ../accounts/sa.yaml]\n")
    assert sorted(f.region.start_line for f in scan_rule(repo, "K8S018")) == [6]


def test_the_directories_above_share_the_bounds(tmp_path, monkeypatch):
    """The pod's directory and those above it are read within one MAX_DIRECTORY_FILES."""
    monkeypatch.setattr(service_accounts, "MAX_DIRECTORY_FILES", 2)
    files = {"sa.yaml": _account(), "other.yaml": "a: 1\n", "app/deploy.yaml": _deployment()}
    assert _lines(tmp_path, files) == [6]


def test_kustomizations_that_list_each_other_are_followed_within_bounds(tmp_path, monkeypatch):
    """A cycle ends; a chain longer than MAX_KUSTOMIZATIONS leaves the accounts unknown."""
    cycle = {
        "base/kustomization.yaml": "resources: [deploy.yaml, ../a]\n",
        "a/kustomization.yaml": "resources: [../b, ../base]\n",
        "b/kustomization.yaml": "resources: [../a, sa.yaml]\n",
        "b/sa.yaml": _account(),
        "base/deploy.yaml": _deployment(),
    }
    assert _lines(tmp_path, cycle) == []
    monkeypatch.setattr(service_accounts, "MAX_KUSTOMIZATIONS", 2)
    assert _lines(tmp_path, {}) == [6]


def test_an_account_beside_the_pod_counts_when_a_directory_above_is_too_large(
    tmp_path, monkeypatch
):
    """The nearest directories are read first; the bounds stop the look-up further up."""
    monkeypatch.setattr(service_accounts, "MAX_DIRECTORY_FILES", 2)
    files = {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n", "app/sa.yaml": _account()}
    assert _lines(tmp_path, {**files, "app/deploy.yaml": _deployment()}) == []


_PROJECTED_TOKEN_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: api, namespace: shop}}
spec:
  automountServiceAccountToken: false
  containers:
    - name: app
      image: example/app:1.0
      volumeMounts:
        - {{name: api-token, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}}
  volumes:
    - name: api-token
      projected:
        sources:
          - serviceAccountToken:
              path: token
{audience}          - configMap:
              name: kube-root-ca.crt
"""


def test_k8s018_a_projected_token_mounts_the_default_account_token_anyway(tmp_path):
    """automountServiceAccountToken: false stops only the automatic volume: a projected
    serviceAccountToken source with no audience (which then defaults to the API server's,
    Projected Volumes) mounts the default account's API token into every container that
    mounts the volume. A token for another audience (vault) is no API credential."""
    write_file(tmp_path, "pod.yaml", _PROJECTED_TOKEN_POD.format(audience=""))
    (finding,) = scan_rule(tmp_path, "K8S018")
    assert finding.region.start_line == 15
    assert "projected volume api-token" in finding.message
    write_file(
        tmp_path,
        "pod.yaml",
        _PROJECTED_TOKEN_POD.format(audience="              audience: vault\n"),
    )
    assert scan_rule(tmp_path, "K8S018") == []


def test_k8s018_a_projected_token_no_container_mounts_reaches_no_container(tmp_path):
    pod = _PROJECTED_TOKEN_POD.format(audience="").replace(
        "name: api-token, mount", "name: x, mount"
    )
    write_file(tmp_path, "pod.yaml", pod)
    assert scan_rule(tmp_path, "K8S018") == []
    write_file(tmp_path, "pod.yaml", pod.replace("  automountServiceAccountToken: false\n", ""))
    assert [f.region.start_line for f in scan_rule(tmp_path, "K8S018")] == [4]


# A base and overlays beside it: `kustomize build overlays/<name>` deploys the base's pod.
_BASE = {
    "app/base/kustomization.yaml": "resources: [deploy.yaml]\n",
    "app/base/deploy.yaml": _deployment(),
}


def _overlay(resources: str = "[../../base]", extra: str = "") -> str:
    return f"resources: {resources}\n{extra}"


@pytest.mark.parametrize(
    "overlays",
    [
        # one overlay adds the account
        {"prod": ("[../../base, sa.yaml]", _account())},
        # the deprecated `bases:` spelling
        {"prod": ("[sa.yaml]\nbases: [../../base]", _account())},
        # every overlay adds it
        {name: ("[../../base, sa.yaml]", _account()) for name in ("prod", "dev")},
        # an overlay of an overlay: the outer one is what is built
        {"mid": ("[../../base]", None), "top": ("[../mid, sa.yaml]", _account())},
        # a component the overlay lists adds it
        {"prod": ("[../../base]\ncomponents: [../../accounts]", None)},
    ],
)
def test_every_overlay_that_builds_the_base_declares_the_account(tmp_path, overlays):
    files = dict(_BASE)
    files["app/accounts/kustomization.yaml"] = "kind: Component\nresources: [sa.yaml]\n"
    files["app/accounts/sa.yaml"] = _account()
    for name, (resources, account) in overlays.items():
        files[f"app/overlays/{name}/kustomization.yaml"] = _overlay(resources)
        if account is not None:
            files[f"app/overlays/{name}/sa.yaml"] = account
    assert _lines(tmp_path, files) == []


@pytest.mark.parametrize(
    "overlays",
    [
        {},  # no overlay: the base is judged alone
        # one of two overlays adds the account: the other deploys the pod with its token
        {"prod": ("[../../base, sa.yaml]", _account()), "dev": ("[../../base]", None)},
        # the overlay's account is another namespace's
        {"prod": ("[../../base, sa.yaml]", _account(namespace="other"))},
        # the overlay lists the account, but not the base: the base is not what it builds
        {"prod": ("[sa.yaml]", _account())},
        # a remote base is not fetched: the account it may declare is unknown
        {"prod": ("[../../base, https://example.com/sa.yaml]", None)},
        # an overlay of an overlay that adds it, and the inner overlay built on its own too
        {"mid": ("[../../base, sa.yaml]", _account(automount="true")),
         "top": ("[../mid]", None)},
    ],
)  # fmt: skip
def test_an_overlay_that_does_not_declare_the_account_keeps_the_finding(tmp_path, overlays):
    files = dict(_BASE)
    for name, (resources, account) in overlays.items():
        files[f"app/overlays/{name}/kustomization.yaml"] = _overlay(resources)
        if account is not None:
            files[f"app/overlays/{name}/sa.yaml"] = account
    assert _lines(tmp_path, files) == [6]


@pytest.mark.parametrize(
    ("overlay", "account_namespace", "expected"),
    [
        ("namespace: prod\n", None, []),  # the overlay puts both in prod
        ("namespace: prod\n", "other", []),  # ... whatever the account's own namespace
        ("", None, [6]),  # the pod's shop, the account wherever it is applied
    ],
)
def test_the_overlay_s_namespace_is_set_on_the_base_s_pod_and_its_account(
    tmp_path, overlay, account_namespace, expected
):
    files = dict(_BASE)
    files["app/overlays/prod/kustomization.yaml"] = _overlay("[../../base, sa.yaml]", overlay)
    files["app/overlays/prod/sa.yaml"] = _account(namespace=account_namespace)
    assert _lines(tmp_path, files) == expected


def test_a_kustomization_s_namespace_wins_over_the_objects_own(tmp_path):
    """kustomize sets its `namespace:` on every namespaced object it emits, overriding theirs."""
    files = {
        "kustomization.yaml": "namespace: shop\nresources: [sa.yaml, d.yaml]\n",
        "sa.yaml": _account(namespace="other"),
        "d.yaml": _deployment(namespace="default"),
    }
    assert _lines(tmp_path, files) == []
    # The outermost kustomization that names a namespace is the one that stands.
    nested = {
        "kustomization.yaml": "namespace: shop\nresources: [app, sa.yaml]\n",
        "sa.yaml": _account(namespace=None),
        "app/kustomization.yaml": "namespace: other\nresources: [d.yaml]\n",
        "app/d.yaml": _deployment(namespace=None),
    }
    assert _lines(tmp_path / "nested", nested) == []


@pytest.mark.parametrize("bound", ["MAX_TREE_DIRECTORIES", "MAX_BUILDS"])
def test_past_the_bounds_the_overlays_are_not_known_and_the_base_is_judged_alone(
    tmp_path, monkeypatch, bound
):
    from guardlint.documents.kustomize import builds

    monkeypatch.setattr(builds, bound, 1)
    files = dict(_BASE)
    for name in ("prod", "dev"):
        files[f"app/overlays/{name}/kustomization.yaml"] = _overlay("[../../base, sa.yaml]")
        files[f"app/overlays/{name}/sa.yaml"] = _account()
    assert _lines(tmp_path, files) == [6]
