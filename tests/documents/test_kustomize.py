"""Kustomize patches (guardlint/documents/kustomize/kustomizations.py): which Kubernetes
documents are partial objects, and how a kustomization beside (or above) them is read."""

from __future__ import annotations

import os

import pytest

from guardlint.documents.kustomize import kustomizations
from guardlint.documents.kustomize.kustomization_contents import MAX_KUSTOMIZATION_BYTES
from tests.conftest import findings_of, run_scan, write_file

# A Deployment that says nothing of its namespace, securityContext, resources or probes: every
# rule that judges what an object lacks would fire on it as a whole object.
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  template:
    spec:
      containers:
        - name: ledger
          image: registry.example.com/ledger:7.2.1
"""
ABSENCE_RULES = ("K8S002", "K8S003", "K8S009", "K8S010", "K8S011", "K8S015", "K8S016", "K8S017",
                 "K8S018")  # fmt: skip


def fired(path) -> set[str]:
    result = run_scan(path)
    return {rule for rule in ABSENCE_RULES if findings_of(result, rule)}


def test_a_whole_object_fires_every_absence_rule(tmp_path):
    write_file(tmp_path, "deployment.yaml", PATCH)
    assert fired(tmp_path) == set(ABSENCE_RULES)


@pytest.mark.parametrize("name", ["kustomization.yaml", "kustomization.yml", "Kustomization"])
@pytest.mark.parametrize("field", ["patches", "patchesStrategicMerge", "patchesJson6902"])
def test_a_file_listed_as_a_patch_is_partial(tmp_path, name, field):
    entry = "- path: patch.yaml" if field != "patchesStrategicMerge" else "- patch.yaml"
    write_file(tmp_path, name, f"resources: [../base]\n{field}:\n  {entry}\n")
    write_file(tmp_path, "patch.yaml", PATCH)
    assert fired(tmp_path) == set()


def test_a_kustomization_above_lists_a_patch_in_a_subdirectory(tmp_path):
    write_file(tmp_path, "kustomization.yaml", "patches:\n  - path: ./patches/../patches/p.yaml\n")
    write_file(tmp_path, "patches/p.yaml", PATCH)
    assert fired(tmp_path) == set()


def test_a_resource_of_the_kustomization_is_a_whole_object(tmp_path):
    inline = "patches:\n  - patch: |\n      - {op: replace, path: /spec/replicas, value: 2}\n"
    write_file(tmp_path, "kustomization.yaml", "resources: [deployment.yaml]\n" + inline)
    write_file(tmp_path, "deployment.yaml", PATCH)
    assert fired(tmp_path) == set(ABSENCE_RULES)


def test_a_patch_directive_makes_a_document_partial_without_a_kustomization(tmp_path):
    write_file(tmp_path, "patch.yaml", PATCH + "          $patch: replace\n")
    assert fired(tmp_path) == set()
    write_file(tmp_path, "patch.yaml", PATCH + "      $setElementOrder/containers:\n"
               "        - name: ledger\n")  # fmt: skip
    assert fired(tmp_path) == set()


@pytest.mark.parametrize(
    "directive",
    ['          "\\u0024patch": replace\n', '          "\\x24patch": replace\n',
     '      "\\x24setElementOrder/containers":\n        - name: ledger\n'],
)  # fmt: skip
def test_a_directive_key_written_with_escapes_is_one(tmp_path, directive):
    write_file(tmp_path, "patch.yaml", PATCH + directive)
    assert fired(tmp_path) == set()


def test_what_a_patch_sets_is_still_judged(tmp_path):
    write_file(tmp_path, "kustomization.yaml", "patches:\n  - path: patch.yaml\n")
    write_file(tmp_path, "patch.yaml", PATCH + "          securityContext:\n"
               "            privileged: true\n            runAsNonRoot: false\n"
               "            allowPrivilegeEscalation: true\n")  # fmt: skip
    result = run_scan(tmp_path)
    for rule in ("K8S001", "K8S002", "K8S003"):
        assert findings_of(result, rule), rule


def test_an_unreadable_or_broken_kustomization_lists_no_patch(tmp_path):
    write_file(tmp_path, "deployment.yaml", PATCH)
    write_file(tmp_path, "kustomization.yaml", "patches: [deployment.yaml\n")
    assert fired(tmp_path) == set(ABSENCE_RULES)
    padding = "#" * MAX_KUSTOMIZATION_BYTES
    write_file(tmp_path, "kustomization.yaml", f"patches: [deployment.yaml]\n{padding}\n")
    assert fired(tmp_path) == set(ABSENCE_RULES)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_kustomization_linked_from_outside_the_scan_root_is_not_read(tmp_path):
    outside = write_file(
        tmp_path / "elsewhere", "kustomization.yaml", "patches: [../repo/d.yaml]\n"
    )
    repo = tmp_path / "repo"
    write_file(repo, "d.yaml", PATCH)
    (repo / "kustomization.yaml").symlink_to(outside)
    write_file(repo, "kustomization.yml", "patches: [d.yaml]\n")
    # The link is refused (guardlint.parse.inputs): no kustomization is read, not even the next
    # name (kustomize refuses a directory of two), so d.yaml is judged as a whole object.
    assert fired(repo) == set(ABSENCE_RULES)
    os.remove(repo / "kustomization.yml")
    assert fired(repo) == set(ABSENCE_RULES)


@pytest.mark.parametrize(
    ("rule", "patch"),
    [
        ("K8S028", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n"
                   "spec:\n  rules:\n    - host: shop.example.com\n"),
        ("K8S020", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
                   "spec:\n  type: LoadBalancer\n"),
    ],
)  # fmt: skip
def test_object_rules_judge_a_patch_only_on_what_it_sets(tmp_path, rule, patch):
    write_file(tmp_path, "whole/object.yaml", patch)
    write_file(tmp_path, "overlay/patch.yaml", patch)
    write_file(tmp_path, "overlay/kustomization.yaml", "patches:\n  - path: patch.yaml\n")
    found = findings_of(run_scan(tmp_path), rule)
    assert [f.path for f in found if f.severity.value != "info"] == ["whole/object.yaml"]


@pytest.mark.parametrize(
    "hostile",
    [
        # An alias bomb, a nesting far past the limit, and bytes that are not UTF-8.
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "patches: [*i]\n",
        "patches: " + "[" * 5000 + "]" * 5000 + "\n",
        "patches: [deployment.yaml]\n\udcff",
    ],
)
def test_a_hostile_kustomization_lists_no_patch_and_breaks_nothing(tmp_path, hostile):
    write_file(tmp_path, "deployment.yaml", PATCH)
    (tmp_path / "kustomization.yaml").write_bytes(hostile.encode("utf-8", "surrogateescape"))
    assert fired(tmp_path) == set(ABSENCE_RULES)


def test_a_kustomizations_namespace_is_the_namespace_of_what_it_builds(tmp_path):
    """`namespace:` in a kustomization sets the namespace of the files it lists under
    `resources` (or that the kustomization of a directory it lists builds): K8S016 must not say
    they land in default. A file beside it that it does not list keeps its own metadata's word."""
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {A: b}\n"
    write_file(tmp_path, "app/listed.yaml", config)
    write_file(tmp_path, "app/nested/deep.yaml", config)
    write_file(tmp_path, "app/nested/kustomization.yaml", "resources: [deep.yaml]\n")
    write_file(tmp_path, "app/stray.yaml", config)
    write_file(
        tmp_path,
        "app/kustomization.yaml",
        "namespace: shop\nresources: [listed.yaml, nested, https://example.com/remote.yaml]\n",
    )
    write_file(tmp_path, "plain/unlisted.yaml", config)
    result = run_scan(tmp_path)
    assert sorted(f.path for f in findings_of(result, "K8S016")) == [
        "app/stray.yaml",
        "plain/unlisted.yaml",
    ]


@pytest.mark.parametrize("shape", ["link out of the root", "fifo", "too large"])
def test_an_unread_kustomization_never_lends_its_place_to_the_next_name(tmp_path, shape):
    """A kustomization.yaml that is there but not read was taken as absent, and a
    `Kustomization` beside it (which kustomize refuses to build with it) set the namespace:
    K8S016 went quiet on a pod that lands in default."""
    repo = tmp_path / "repo"
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {A: b}\n"
    write_file(repo, "app/listed.yaml", config)
    write_file(repo, "app/Kustomization", "namespace: shop\nresources: [listed.yaml]\n")
    kustomization = repo / "app" / "kustomization.yaml"
    if shape == "fifo":
        os.mkfifo(kustomization)
    elif shape == "too large":
        write_file(
            repo,
            "app/kustomization.yaml",
            "resources: [listed.yaml]\n#" + "x" * MAX_KUSTOMIZATION_BYTES,
        )
    else:
        write_file(tmp_path, "outside.yaml", "resources: [listed.yaml]\n")
        kustomization.symlink_to(tmp_path / "outside.yaml")
    result = run_scan(repo / "app" / "listed.yaml", root=str(repo), only_rules={"K8S016"})
    assert [f.path for f in findings_of(result, "K8S016")] == ["app/listed.yaml"]


def test_a_scan_looks_for_the_kustomizations_of_a_directory_once(tmp_path, monkeypatch):
    """Every document asks for the kustomizations above it: the files of a directory, and the
    directories below it, share one look at each directory of one scan."""
    from guardlint.documents.kustomize import kustomization_contents, restrictor

    looked_at: list[str] = []
    real_entry_info = kustomization_contents.entry_info

    def entry_info(path):
        looked_at.append(path)
        return real_entry_info(path)

    monkeypatch.setattr(kustomization_contents, "entry_info", entry_info)
    monkeypatch.setattr(restrictor, "entry_info", entry_info)
    write_file(tmp_path, "kustomization.yaml", "patches:\n  - path: apps/a.yaml\n")
    for name in ("a", "b", "c"):
        write_file(tmp_path, f"apps/{name}.yaml", PATCH + "---\n" + PATCH)
    result = run_scan(tmp_path)
    # And the patch the kustomization lists, once: kustomize refuses to build one whose patch
    # is not there.
    assert sorted(looked_at) == sorted(
        [
            *(
                os.path.join(directory, name)
                for directory in (str(tmp_path), str(tmp_path / "apps"))
                for name in kustomization_contents.KUSTOMIZATION_NAMES
            ),
            str(tmp_path / "apps" / "a.yaml"),
        ]
    )
    assert {f.path for f in findings_of(result, "K8S002")} == {"apps/b.yaml", "apps/c.yaml"}


def test_a_building_kustomization_s_images_set_the_tag_and_digest_the_containers_run(tmp_path):
    """kustomize's `images:` rewrites each container image whose name matches an entry: newName,
    newTag and digest replace the name, the tag and the digest (an entry with a new tag or a
    new digest replaces both the written tag and digest). K8S012 and K8S013 judge the image the
    built object runs, for the files the kustomization builds or patches, not for others."""
    write_file(
        tmp_path,
        "kustomization.yaml",
        """\
resources: [deployment.yaml]
patches:
  - path: patch.yaml
images:
  - name: app
    newName: registry.example.com/team/app
    newTag: "2.4.1"
  - name: worker
    digest: sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
  - name: cache
    newTag: latest
  - {name: sidecar, newName: registry.example.com/sidecar}
""",
    )
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  template:
    spec:
      containers:
        - {{name: app, image: app}}
        - {{name: worker, image: "worker:latest"}}
        - {{name: cache, image: "cache:7.2"}}
        - {{name: sidecar, image: sidecar}}
        - {{name: other, image: "other:1.0"}}
"""
    write_file(tmp_path, "deployment.yaml", deployment.format(name="web"))
    write_file(tmp_path, "patch.yaml", deployment.format(name="web"))
    write_file(tmp_path, "elsewhere/deployment.yaml", deployment.format(name="api"))
    result = run_scan(tmp_path)
    latest = {(f.path, f.properties["container"]) for f in findings_of(result, "K8S012")}
    assert latest == {
        ("deployment.yaml", "cache"),
        ("deployment.yaml", "sidecar"),
        ("patch.yaml", "cache"),
        ("patch.yaml", "sidecar"),
        ("elsewhere/deployment.yaml", "app"),
        ("elsewhere/deployment.yaml", "worker"),
        ("elsewhere/deployment.yaml", "sidecar"),
    }
    unpinned = [f.message for f in findings_of(result, "K8S013") if f.path == "deployment.yaml"]
    assert [m.split(" uses image ")[1].split(" ")[0] for m in unpinned] == [
        "registry.example.com/team/app:2.4.1",
        "cache:latest",
        "registry.example.com/sidecar:latest",
        "other:1.0",
    ]


def test_the_documents_of_a_file_share_the_kustomizations_above_it(tmp_path, monkeypatch):
    """Each object of a stream asks for the kustomizations of every directory above its file:
    they are looked up once per file, and each object is still judged as the patch it is."""
    asked: list[str] = []
    real = kustomizations.kustomization_at

    def counted(directory, root):
        asked.append(directory)
        return real(directory, root)

    monkeypatch.setattr(kustomizations, "kustomization_at", counted)
    write_file(
        tmp_path, "kustomization.yaml", "resources: [base.yaml]\npatches: [{path: patch.yaml}]\n"
    )
    write_file(tmp_path, "patch.yaml", "---\n".join([PATCH] * 3))
    result = run_scan(tmp_path, root=str(tmp_path))
    assert not any(findings_of(result, rule) for rule in ABSENCE_RULES)
    assert asked.count(str(tmp_path)) == 1
