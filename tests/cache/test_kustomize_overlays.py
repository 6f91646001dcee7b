"""The result cache and the overlays that deploy a base (guardlint.documents.kustomize.builds):
the base's scan looked for them around its kustomization, so one written later beside it has
the base analysed again."""

from __future__ import annotations

from tests.cache.test_invalidation import DEPLOYMENT, rescan, rules_of
from tests.conftest import write_file
from tests.documents.test_kustomize_deployed import DEPLOYMENT as DEPLOYMENT_PATCHED
from tests.documents.test_kustomize_deployed import OVERLAY, SAFE_PATCH


def test_an_overlay_written_beside_a_base_analyses_the_base_again(tmp_path, analysed):
    """The base's scan looked for the overlays that list its kustomization: one written
    later, anywhere in the tree, deploys the base in its namespace (K8S016)."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(tree, "base/deploy.yaml", DEPLOYMENT)
    before, _ = rescan(tree, cache, analysed)
    assert "K8S016" in rules_of(before, "base/deploy.yaml")
    overlay = "namespace: prod\nresources: [../../base]\n"
    write_file(tree, "overlays/prod/kustomization.yaml", overlay)
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S016" not in rules_of(after, "base/deploy.yaml")
    assert "base/deploy.yaml" in scanned


def test_a_file_an_overlay_lists_written_later_analyses_the_base_again(tmp_path, analysed):
    """The overlay lists a file that is not there: kustomize refuses to build it, so the base
    lands in no namespace (K8S016). The base's scan looked for that file: once written, the
    overlay builds and the base is analysed again."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(tree, "base/deploy.yaml", DEPLOYMENT)
    overlay = "namespace: prod\nresources: [../../base, extra.yaml]\n"
    write_file(tree, "overlays/prod/kustomization.yaml", overlay)
    before, _ = rescan(tree, cache, analysed)
    assert "K8S016" in rules_of(before, "base/deploy.yaml")
    write_file(tree, "overlays/prod/extra.yaml", "apiVersion: v1\nkind: ConfigMap\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S016" not in rules_of(after, "base/deploy.yaml")
    assert "base/deploy.yaml" in scanned


def test_a_patch_an_overlay_applies_changed_later_analyses_the_base_again(tmp_path, analysed):
    """The base's scan read the overlay's patch, which made its container unprivileged
    (K8S001 not reported): the patch changed to leave it privileged, the base is analysed
    again and reported."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "base/kustomization.yaml", "resources: [deployment.yaml]\n")
    write_file(tree, "base/deployment.yaml", DEPLOYMENT_PATCHED)
    patches = OVERLAY + "patches: [{path: patch.yaml}]\n"
    write_file(tree, "overlays/prod/kustomization.yaml", patches)
    write_file(tree, "overlays/prod/patch.yaml", SAFE_PATCH)
    before, _ = rescan(tree, cache, analysed)
    assert "K8S001" not in rules_of(before, "base/deployment.yaml")
    write_file(tree, "overlays/prod/patch.yaml", SAFE_PATCH.replace("privileged: false", "a: b"))
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S001" in rules_of(after, "base/deployment.yaml")
    assert "base/deployment.yaml" in scanned


def test_an_object_a_patch_looked_for_changed_later_analyses_the_base_again(tmp_path, analysed):
    """The overlay's patch names x-web, which mid's web became and other's x-web was first:
    kustomize fails that build (two objects), so the base is reported. The base's scan read
    other's file to count them: other's object renamed, the build succeeds and patches the
    base safe."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    files = {
        "base/kustomization.yaml": "resources: [deployment.yaml]\n",
        "base/deployment.yaml": DEPLOYMENT_PATCHED,
        "mid/kustomization.yaml": "resources: [../base]\nnamePrefix: x-\n",
        "other/kustomization.yaml": "resources: [deployment.yaml]\nnamePrefix: y-\n",
        "other/deployment.yaml": SAFE_PATCH.replace("name: web", "name: x-web"),
        "overlays/prod/kustomization.yaml": "resources: [../../mid, ../../other]\n"
        "patches: [{path: patch.yaml}]\n",
        "overlays/prod/patch.yaml": SAFE_PATCH.replace("name: web", "name: x-web"),
    }
    for name, text in files.items():
        write_file(tree, name, text)
    before, _ = rescan(tree, cache, analysed)
    assert "K8S001" in rules_of(before, "base/deployment.yaml")
    write_file(tree, "other/deployment.yaml", SAFE_PATCH.replace("name: web", "name: z-web"))
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S001" not in rules_of(after, "base/deployment.yaml")
    assert "base/deployment.yaml" in scanned
