"""How kustomize deploys a file (guardlint/documents/kustomize/builds.py): every overlay that
lists a base deploys its objects, each kustomization's `namespace:` is set on what it emits
(the outermost wins, whatever the object's own says), and its `images:` rewrite the
containers'. A rule's verdict stands only where every build makes it so."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web{namespace}}}
spec:
  template:
    spec:
      containers:
        - name: app
          image: {image}
{resources}"""
_LIMITS = """\
          resources:
            limits: {memory: 256Mi, cpu: 500m}
"""


def _deployment(namespace: str | None = None, image: str = "app:1.4", resources: str = _LIMITS):
    written = f", namespace: {namespace}" if namespace is not None else ""
    return _DEPLOYMENT.format(namespace=written, image=image, resources=resources)


def _scan(tmp_path, rule: str, files: dict[str, str]) -> list[tuple[str, int]]:
    for name, text in files.items():
        write_file(tmp_path, name, text)
    return sorted((f.path, f.region.start_line) for f in scan_rule(tmp_path, rule))


def _tree(base: str, overlays: dict[str, str]) -> dict[str, str]:
    files = {"base/kustomization.yaml": "resources: [deploy.yaml]\n", "base/deploy.yaml": base}
    for name, text in overlays.items():
        files[f"overlays/{name}/kustomization.yaml"] = "resources: [../../base]\n" + text
    return files


# K8S016: where the object lands.
@pytest.mark.parametrize(
    ("namespace", "overlays", "reported"),
    [
        (None, {}, True),  # no overlay: the base alone names none
        (None, {"prod": "namespace: prod\n"}, False),
        (None, {"prod": "namespace: prod\n", "dev": ""}, True),  # dev lands it anywhere
        (None, {"prod": "namespace: prod\n", "dev": "namespace: dev\n"}, False),
        ("default", {"prod": "namespace: prod\n"}, False),  # the overlay's wins over default
        ("shop", {"prod": "namespace: default\n"}, True),  # ... and over shop
        ("shop", {"prod": ""}, False),
    ],
)
def test_k8s016_judges_the_namespace_each_overlay_lands_the_base_in(
    tmp_path, namespace, overlays, reported
):
    found = _scan(tmp_path, "K8S016", _tree(_deployment(namespace), overlays))
    assert bool(found) is reported


def test_k8s016_a_kustomization_s_namespace_wins_over_the_objects_own(tmp_path):
    files = {
        "kustomization.yaml": "namespace: shop\nresources: [deploy.yaml, app]\n",
        "deploy.yaml": _deployment("default"),
        "app/kustomization.yaml": "resources: [deploy.yaml]\n",
        "app/deploy.yaml": _deployment("default"),
        "stray/deploy.yaml": _deployment("default"),
    }
    assert _scan(tmp_path, "K8S016", files) == [("stray/deploy.yaml", 3)]


# K8S011: a LimitRange of the pod's file in the namespace the build sets on both.
_LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {{name: defaults{namespace}}}
spec:
  limits:
    - type: Container
      default: {{memory: 512Mi, cpu: "1"}}
---
"""


@pytest.mark.parametrize(
    ("limit_range_namespace", "pod_namespace", "overlays", "reported"),
    [
        ("other", "shop", {}, True),  # another namespace's defaults
        ("other", "shop", {"prod": "namespace: prod\n"}, False),  # both land in prod
        ("other", "shop", {"prod": "namespace: prod\n", "dev": ""}, True),  # dev keeps them apart
        ("shop", "shop", {"prod": "namespace: prod\n", "dev": ""}, False),
    ],
)
def test_k8s011_a_limit_range_beside_the_pod_counts_in_the_namespace_each_build_sets(
    tmp_path, limit_range_namespace, pod_namespace, overlays, reported
):
    limit_range = _LIMIT_RANGE.format(namespace=f", namespace: {limit_range_namespace}")
    base = limit_range + _deployment(pod_namespace, resources="")
    assert bool(_scan(tmp_path, "K8S011", _tree(base, overlays))) is reported


# K8S012: the image each overlay runs.
_PINNED = "images:\n  - {name: app, newTag: '2.0'}\n"
_LATEST = "images:\n  - {name: app, newTag: latest}\n"


@pytest.mark.parametrize(
    ("image", "overlays", "reported"),
    [
        ("app:latest", {"prod": _PINNED}, False),
        ("app:latest", {"prod": _PINNED, "dev": ""}, True),  # dev runs latest
        ("app:latest", {"prod": _PINNED, "dev": _PINNED}, False),
        ("app:1.4", {"prod": _LATEST}, True),  # the overlay moves it to latest
        ("app:1.4", {"prod": "", "dev": _LATEST}, True),
        ("app:1.4", {"prod": "", "dev": ""}, False),
    ],
)
def test_k8s012_judges_the_image_each_overlay_runs(tmp_path, image, overlays, reported):
    found = _scan(tmp_path, "K8S012", _tree(_deployment("shop", image), overlays))
    assert found == ([("base/deploy.yaml", 9)] if reported else [])


@pytest.mark.parametrize(("inner", "outer", "reported"), [(_PINNED, _LATEST, True),
                                                        (_LATEST, _PINNED, False)])  # fmt: skip
def test_the_images_of_an_overlay_of_an_overlay_apply_after_the_inner_one(
    tmp_path, inner, outer, reported
):
    """Only the outer overlay is built (the inner one is a base of it)."""
    files = _tree(_deployment("shop", "app:latest"), {"mid": inner})
    files["top/kustomization.yaml"] = "resources: [../overlays/mid]\n" + outer
    found = _scan(tmp_path, "K8S012", files)
    assert found == ([("base/deploy.yaml", 9)] if reported else [])


@pytest.mark.parametrize(
    ("base", "overlay", "reported"),
    [
        ("apps/web/base", "clusters/prod/web", False),  # three levels up: the scan root
        ("deploy/k8s/base", "deploy/k8s/overlays/prod", False),
        ("a/b/c/d/base", "far/overlays/prod", True),  # further away: not looked for
    ],
)
def test_overlays_are_looked_for_up_to_three_directories_above_the_base(
    tmp_path, base, overlay, reported
):
    back = "../" * overlay.count("/") + "../"
    files = {
        f"{base}/kustomization.yaml": "resources: [deploy.yaml]\n",
        f"{base}/deploy.yaml": _deployment(),
        f"{overlay}/kustomization.yaml": f"namespace: prod\nresources: [{back}{base}]\n",
    }
    assert bool(_scan(tmp_path, "K8S016", files)) is reported


def test_a_kustomization_above_the_file_that_the_walk_does_not_reach_still_counts(tmp_path):
    """One deeper than the walk looks (MAX_TREE_DEPTH): the builds are unknown, and the
    kustomizations above the file are read as they were before overlays were looked for."""
    deep = "a/b/c/d/e/f/g/h"
    files = {
        "kustomization.yaml": f"namespace: shop\nresources: [{deep}]\n",
        f"{deep}/kustomization.yaml": "resources: [deploy.yaml]\n" + _LATEST,
        f"{deep}/deploy.yaml": _deployment("shop"),
    }
    assert _scan(tmp_path, "K8S012", files) == [(f"{deep}/deploy.yaml", 9)]


def test_a_component_the_overlay_lists_transforms_the_base_s_objects(tmp_path):
    """A Component's transformers apply to all its kustomization has built so far (kustomize's
    components: the microservices-demo's container-images-tag), before the overlay's own."""
    files = _tree(_deployment("shop", "app:1.4"), {"prod": "components: [../../tags]\n"})
    files["tags/kustomization.yaml"] = (
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" + _LATEST
    )
    assert _scan(tmp_path, "K8S012", files) == [("base/deploy.yaml", 9)]
    write_file(tmp_path, "overlays/prod/kustomization.yaml",
               "resources: [../../base]\ncomponents: [../../tags]\n" + _PINNED)  # fmt: skip
    assert _scan(tmp_path, "K8S012", {}) == []


# Kustomize's load restrictor (LoadRestrictionsRootOnly, the default): a kustomization reads
# files in or below its own directory only, and a directory it lists must hold a kustomization;
# it refuses to build otherwise (`kubectl kustomize` fails), so what it would set counts
# nowhere. Each tree here is one `kubectl kustomize overlays/prod` (or `k8s`) refuses.
_BASE = {"base/kustomization.yaml": "resources: [deploy.yaml]\n", "base/deploy.yaml": _deployment()}
_CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n"
_PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
_PROD = "overlays/prod/kustomization.yaml"
_REFUSED = {
    "file-resource-outside": {
        _PROD: "namespace: prod\nresources: [../../base, ../../shared/extra.yaml]\n",
        "shared/extra.yaml": _CONFIG_MAP,
    },
    "patch-outside": {
        _PROD: "namespace: prod\nresources: [../../base]\npatches: [{path: ../../shared/p.yaml}]\n",
        "shared/p.yaml": _PATCH,
    },
    "patch-strategic-merge-outside": {
        _PROD: "namespace: prod\nresources: [../../base]\n"
        "patchesStrategicMerge: [../../shared/p.yaml]\n",
        "shared/p.yaml": _PATCH,
    },
    "plain-directory-component": {
        _PROD: "namespace: prod\nresources: [../../base]\ncomponents: [../../shared]\n",
        "shared/extra.yaml": _CONFIG_MAP,
    },
    "missing-resource": {_PROD: "namespace: prod\nresources: [../../base, gone.yaml]\n"},
    # A kustomization it lists that kustomize refuses: the overlay's build fails with it.
    "lists-a-refused-kustomization": {
        _PROD: "namespace: prod\nresources: [../../base, ../../broken]\n",
        "broken/kustomization.yaml": "resources: [../shared/extra.yaml]\n",
        "shared/extra.yaml": _CONFIG_MAP,
    },
}


@pytest.mark.parametrize("case", _REFUSED, ids=list(_REFUSED))
def test_k8s016_an_overlay_kustomize_refuses_to_build_sets_no_namespace(tmp_path, case):
    found = _scan(tmp_path, "K8S016", {**_BASE, **_REFUSED[case]})
    assert [(path, line) for path, line in found if path.startswith("base/")] == [
        ("base/deploy.yaml", 3)
    ]


def test_k8s016_a_plain_directory_listed_as_a_resource_builds_nothing(tmp_path):
    """`resources: [apps]` where apps holds no kustomization: kustomize refuses the build (it
    must resolve to a file or a kustomization directory), so its namespace is nobody's."""
    files = {"k8s/kustomization.yaml": "namespace: prod\nresources: [apps]\n",
             "k8s/apps/deploy.yaml": _deployment()}  # fmt: skip
    assert _scan(tmp_path, "K8S016", files) == [("k8s/apps/deploy.yaml", 3)]


def test_k8s016_a_file_a_listed_kustomization_does_not_list_is_not_built(tmp_path):
    """`resources: [apps]` builds what apps' kustomization lists, not every file below it."""
    files = {"k8s/kustomization.yaml": "namespace: prod\nresources: [apps]\n",
             "k8s/apps/kustomization.yaml": "resources: [deploy.yaml]\n",
             "k8s/apps/deploy.yaml": _deployment(),
             "k8s/apps/old/deploy.yaml": _deployment()}  # fmt: skip
    assert _scan(tmp_path, "K8S016", files) == [("k8s/apps/old/deploy.yaml", 3)]


def test_k8s016_an_overlay_kustomize_builds_still_sets_its_namespace(tmp_path):
    """The same trees, within the restrictor: a patch and a file below the overlay, a
    component that is a kustomization."""
    files = {
        **_BASE,
        _PROD: "namespace: prod\nresources: [../../base, extra.yaml]\n"
        "patches: [{path: p.yaml}]\ncomponents: [../../shared]\n",
        "overlays/prod/extra.yaml": _CONFIG_MAP,
        "overlays/prod/p.yaml": _PATCH,
        "shared/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
        "kind: Component\ncommonAnnotations: {team: web}\n",
    }
    assert _scan(tmp_path, "K8S016", files) == []


@pytest.mark.parametrize(
    ("namespace", "says"),
    [
        ("shop", "is deployed in the default namespace: a kustomization that builds it sets "
                 "`namespace: default`, over its own shop"),
        (None, "is deployed in the default namespace: a kustomization that builds it sets "
               "`namespace: default`"),
        ("default", "is in the default namespace"),
    ],
)  # fmt: skip
def test_k8s016_says_where_a_kustomization_puts_the_object(tmp_path, namespace, says):
    """An object a build lands in default by the kustomization's `namespace: default` is not
    "in the default namespace" as its file writes it (`Deployment shop/web`): the message says
    what does it. The resource stays the object as written, so the fingerprint does not move
    with the overlays that deploy it."""
    files = _tree(_deployment(namespace), {"prod": "namespace: default\n"})
    for name, text in files.items():
        write_file(tmp_path, name, text)
    (found,) = scan_rule(tmp_path, "K8S016")
    assert found.message.startswith(f"Deployment {namespace or 'default'}/web {says}")
    assert found.resource == f"Deployment {namespace or 'default'}/web"


# K8S022: the namespaces a build sets on a binding and on its subjects named `default`.
_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: {kind}
metadata: {{name: admin{namespace}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
subjects:
  - {{kind: ServiceAccount, name: default, namespace: dev}}
  - {{kind: ServiceAccount, name: deployer, namespace: ci}}
"""


@pytest.mark.parametrize(
    ("kind", "overlays", "says"),
    [
        # kustomize's namespace transformer sets the binding's namespace and that of its
        # subjects named `default` (api/filters/namespace, setRoleBindingSubjects defaultOnly,
        # the mode a kustomization's `namespace:` runs in); the other subjects keep theirs.
        ("RoleBinding", {"prod": "namespace: prod\n"},
         "(full control of namespace prod) to ServiceAccount prod/default, ServiceAccount "
         "ci/deployer (namespaces as the kustomizations that build it set them)."),
        ("ClusterRoleBinding", {"prod": "namespace: prod\n"},
         "(full control of the cluster) to ServiceAccount prod/default, ServiceAccount "
         "ci/deployer (namespaces as the kustomizations that build it set them)."),
        ("RoleBinding", {"prod": "namespace: prod\n", "qa": "namespace: qa\n", "raw": ""},
         "(full control of namespace dev, prod or qa) to ServiceAccount dev/default, "
         "prod/default or qa/default, ServiceAccount ci/deployer (namespaces as the "
         "kustomizations that build it set them)."),
        ("RoleBinding", {"raw": ""},
         "(full control of namespace dev) to ServiceAccount dev/default, ServiceAccount "
         "ci/deployer."),
    ],
)  # fmt: skip
def test_k8s022_names_the_namespaces_a_kustomization_sets(tmp_path, kind, overlays, says):
    """A build that sets `namespace: prod` deploys the binding (and the default account it
    binds) in prod: the message says so, while the resource (and the fingerprint) stay the
    binding as its file writes it."""
    base = _BINDING.format(kind=kind, namespace=", namespace: dev" if kind == "RoleBinding" else "")
    files = _tree(base, overlays)
    files["base/kustomization.yaml"] = "resources: [binding.yaml]\n"
    files["base/binding.yaml"] = files.pop("base/deploy.yaml")
    for name, text in files.items():
        write_file(tmp_path, name, text)
    (found,) = scan_rule(tmp_path, "K8S022")
    resource = f"{kind} dev/admin" if kind == "RoleBinding" else f"{kind} admin"
    assert found.resource == resource
    assert found.message == f"{resource} grants cluster-admin {says}"
