"""A tree of kustomizations written to hurt the look for the builds that deploy a base
(guardlint/documents/kustomize/builds.py): hundreds of overlays of one base, overlays listing
each other in a cycle, and layers of overlays that each list every one of the layer below (a
chain through each of 2**layers paths). The look is bounded (MAX_BUILDS, MAX_CHAIN_STEPS,
MAX_TREE_*): past the bounds the base is judged alone, its findings kept, in a moment."""

from __future__ import annotations

import pytest

from guardlint.documents import service_accounts
from guardlint.documents.kustomize import kustomization_contents
from guardlint.documents.kustomize.builds import MAX_TREE_BYTES
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import processor_seconds
from tests.hostile.linear_time_cases import BUDGET, FILE_TIMEOUT

PODS = 1_000  # Deployments of the base's one file: each asks for the file's builds
_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web{n}, namespace: shop}}
spec:
  template:
    spec:
      containers: [{{name: app, image: 'app:1.0'}}]
"""
_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
"""


def _scanned_within_budget(tmp_path, rules: set[str]):
    """A one-process scan of the tree with `rules`, which must stay within the time budget and
    read every file (no GL001 or GL002)."""
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules=rules, file_timeout=FILE_TIMEOUT, jobs=1)
    assert processor_seconds() - started < BUDGET
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    return result


def _kustomization_sizes_parsed(monkeypatch) -> list[int]:
    """The sizes of the kustomization texts the scan parses, filled in as it parses them."""
    parsed: list[int] = []
    real_load = kustomization_contents.load_documents
    monkeypatch.setattr(
        kustomization_contents,
        "load_documents",
        lambda text, **kw: parsed.append(len(text)) or real_load(text, **kw),
    )
    return parsed


def _many_overlays(tmp_path):
    # Within the walk's bounds (directories, kustomizations), past MAX_BUILDS.
    for n in range(900):
        write_file(tmp_path, f"overlays/o{n}/kustomization.yaml",
                   "resources: [../../base, ../../accounts]\n")  # fmt: skip


def _a_cycle(tmp_path):
    # Each lists the base and the next; the last lists the first.
    count = 500
    for n in range(count):
        listed = f"../../base, ../k{(n + 1) % count}, ../../accounts"
        write_file(tmp_path, f"ring/k{n}/kustomization.yaml", f"resources: [{listed}]\n")


def _layers(tmp_path):
    # 40 layers of two overlays, each listing both of the layer below: 2**40 chains.
    for layer in range(40):
        below = "[../../base]" if layer == 0 else f"[../../l{layer - 1}/a, ../../l{layer - 1}/b]"
        for side in "ab":
            write_file(tmp_path, f"l{layer}/{side}/kustomization.yaml",
                       f"resources: {below}\n")  # fmt: skip
    write_file(tmp_path, "l39/c/kustomization.yaml", "resources: [../a, ../b, ../../accounts]\n")


def _overlays_within_bounds(tmp_path):
    # As many overlays as MAX_BUILDS takes, each adding the account: every pod is judged
    # through all 64 builds.
    for n in range(64):
        write_file(tmp_path, f"overlays/o{n}/kustomization.yaml",
                   "resources: [../../base, ../../accounts]\n")  # fmt: skip


@pytest.mark.parametrize(
    ("tree", "reported"),
    [(_many_overlays, PODS), (_a_cycle, PODS), (_layers, PODS), (_overlays_within_bounds, 0)],
)
def test_a_hostile_tree_of_kustomizations_is_looked_at_within_bounds(tmp_path, tree, reported):
    write_file(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    pods = "---\n".join(_DEPLOYMENT.format(n=n) for n in range(PODS))
    write_file(tmp_path, "base/deploy.yaml", pods)
    write_file(tmp_path, "accounts/kustomization.yaml", "resources: [sa.yaml]\n")
    write_file(tmp_path, "accounts/sa.yaml", _ACCOUNT)
    tree(tmp_path)
    result = _scanned_within_budget(tmp_path, {"K8S018", "K8S016"})
    # Past the bounds the builds are unknown: the base is judged alone (no account beside it).
    assert len(findings_of(result, "K8S018")) == reported


def test_the_walk_parses_a_bounded_size_of_kustomizations(tmp_path, monkeypatch):
    """Large kustomizations beside a small base (each under the 1 MB a kustomization may be):
    a scan of the base alone parsed every one of them (0.2 s a megabyte, each file's scan
    under its own time budget: enough of them and the base's findings were lost). Past
    MAX_TREE_BYTES the builds are unknown and the base is judged alone."""
    write_file(tmp_path, "app/base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(tmp_path, "app/base/deploy.yaml", _DEPLOYMENT.format(n=0))
    listed = "".join(f"  - ../base/r{n:06d}.yaml\n" for n in range(30_000))
    for n in range(12):
        write_file(tmp_path, f"app/o{n}/kustomization.yaml", "resources:\n  - ../base\n" + listed)
    parsed = _kustomization_sizes_parsed(monkeypatch)
    result = run_scan(tmp_path / "app" / "base", root=str(tmp_path), only_rules={"K8S018"}, jobs=1)
    assert len(findings_of(result, "K8S018")) == 1
    written = 12 * len(listed)
    assert sum(parsed) <= MAX_TREE_BYTES + kustomization_contents.MAX_KUSTOMIZATION_BYTES < written


def test_the_accounts_of_all_builds_are_read_within_one_lookup_s_bounds(tmp_path, monkeypatch):
    """Each overlay also lists a large kustomization of its own outside the overlays' walk:
    the accounts each build emits were read within bounds for each build, so twenty builds
    parsed twenty times what one lookup may read. Past the bounds the account is not known,
    and K8S018 reports."""
    write_file(tmp_path, "a/b/c/base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(tmp_path, "a/b/c/base/deploy.yaml", _DEPLOYMENT.format(n=0))
    write_file(tmp_path, "a/acc/sa.yaml", _ACCOUNT)
    write_file(tmp_path, "a/acc/kustomization.yaml", "resources: [sa.yaml]\n")
    padding = "patches:\n" + "".join(f"  - p{n:06d}-{'x' * 20}.yaml\n" for n in range(25_000))
    for n in range(20):
        write_file(tmp_path, f"ext/k{n}/kustomization.yaml", padding)
        write_file(tmp_path, f"a/o{n}/kustomization.yaml",
                   f"resources: [../b/c/base, ../acc, ../../ext/k{n}]\n")  # fmt: skip
    parsed = _kustomization_sizes_parsed(monkeypatch)
    base = tmp_path / "a" / "b" / "c" / "base"
    result = run_scan(base, root=str(tmp_path), only_rules={"K8S018"}, jobs=1)
    assert len(findings_of(result, "K8S018")) == 1
    written = 20 * len(padding)
    bound = service_accounts.MAX_DIRECTORY_BYTES + kustomization_contents.MAX_KUSTOMIZATION_BYTES
    assert sum(parsed) <= bound < written


def test_the_load_restrictor_looks_up_each_listed_directory_once(tmp_path):
    """Whether kustomize would refuse a kustomization (a directory it lists must hold one) is
    looked up for each entry: 250 overlays listing the same 999 kustomization directories
    each ask once per directory in the scan, not once per overlay (250,000 lookups)."""
    write_file(tmp_path, "app/base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(tmp_path, "app/base/deploy.yaml", _DEPLOYMENT.format(n=0))
    for n in range(999):
        write_file(tmp_path, f"d/k{n}/kustomization.yaml", "resources: []\n")
    listed = "".join(f"  - ../../d/k{n}\n" for n in range(999))
    for n in range(250):
        write_file(tmp_path, f"app/o{n}/kustomization.yaml", "resources:\n  - ../base\n" + listed)
    started = processor_seconds()
    result = run_scan(tmp_path / "app" / "base", root=str(tmp_path), only_rules={"K8S018"}, jobs=1)
    assert len(findings_of(result, "K8S018")) == 1
    assert processor_seconds() - started < BUDGET


def test_a_json_patch_of_many_targets_is_read_over_a_bounded_few(tmp_path):
    """A kustomization (under its 1 MB) may list one file of RFC 6902 operations with
    thousands of targets: each target reads the whole file (kustomize.json_patches.MAX_TARGETS
    are read)."""
    targets = "".join(
        f"  - {{path: ops.yaml, target: {{kind: Deployment, name: w{n}}}}}\n" for n in range(15_000)
    )
    write_file(tmp_path, "kustomization.yaml", "patches:\n" + targets)
    operations = "".join(
        f"- {{op: add, path: /metadata/annotations/a{n}, value: x}}\n" for n in range(20_000)
    )
    privileged = "/spec/template/spec/containers/0/securityContext/privileged"
    write_file(
        tmp_path, "ops.yaml", f"- {{op: add, path: {privileged}, value: true}}\n" + operations
    )
    assert len(findings_of(_scanned_within_budget(tmp_path, {"K8S001"}), "K8S001")) == 32


def test_a_kustomization_of_many_inline_patches_is_read_in_linear_time(tmp_path):
    """Each inline patch (a `patch:` string) is parsed once and read over its one target."""
    patch = (
        "  - target: {{kind: Deployment, name: w{n}}}\n    patch: |-\n"
        "      - {{op: add, path: /spec/template/spec/hostNetwork, value: true}}\n"
        "      - {{op: add, path: /spec/template/spec/volumes/64, value: {{name: v}}}}\n"
    )
    text = "patches:\n" + "".join(patch.format(n=n) for n in range(6_000))
    write_file(tmp_path, "kustomization.yaml", text)
    assert len(findings_of(_scanned_within_budget(tmp_path, {"K8S004"}), "K8S004")) == 6_000


def test_entries_past_the_restrictor_s_bound_do_not_turn_off_a_kustomization(tmp_path):
    """Only the first MAX_CHECKED_ENTRIES entries are looked up; padding a kustomization past
    them must not make it read as refused, which would drop its `images:` rewrite to latest."""
    from guardlint.documents.kustomize.restrictor import MAX_CHECKED_ENTRIES

    padding = "".join(f"  - r{i}.yaml\n" for i in range(MAX_CHECKED_ENTRIES + 1))
    for i in range(MAX_CHECKED_ENTRIES):
        write_file(tmp_path, f"r{i}.yaml", "# a resource\n")
    write_file(
        tmp_path,
        "kustomization.yaml",
        f"resources:\n  - web.yaml\n{padding}images:\n  - {{name: app, newTag: latest}}\n",
    )
    write_file(
        tmp_path,
        "web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        "spec:\n  template:\n    spec:\n      containers: [{name: c, image: 'app:1.0'}]\n",
    )
    result = run_scan(tmp_path, only_rules={"K8S012"}, jobs=1)
    assert [f.path for f in findings_of(result, "K8S012")] == ["web.yaml"]


_PRIVILEGED = _DEPLOYMENT.replace(
    "'app:1.0'}}", "'app:1.0', securityContext: {{privileged: true}}}}"
)
_UNPRIVILEGED = (
    "  - target: {{kind: Deployment{name}}}\n    patch: |-\n"
    "      - {{op: replace, path: /spec/template/spec/containers/0/securityContext/privileged,"
    " value: {value}}}\n"
)


@pytest.mark.parametrize(("overlays", "reported"), [(8, 0), (64, PODS)])
def test_each_build_s_patches_of_many_objects_are_applied_within_bounds(
    tmp_path, overlays, reported
):
    """A base of a thousand objects, deployed by overlays that each patch all of them (and
    list a hundred patches of other objects): each object's patches are looked for in each
    build and applied, and each rule that finds something runs again on each distinct object
    the builds emit (kustomize.deployed.MAX_EMITTED: past it, each finding stands)."""
    write_file(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    pods = "---\n".join(_PRIVILEGED.format(n=n) for n in range(PODS))
    write_file(tmp_path, "base/deploy.yaml", pods)
    others = "".join(_UNPRIVILEGED.format(name=f", name: other{n}", value=0) for n in range(100))
    for n in range(overlays):
        # Each emits an object of its own (privileged: false, 0, no, ...: distinct texts).
        falsy = ("false", "False", "no", "off", "No", "Off", "n", "N")[n % 8]
        ours = _UNPRIVILEGED.format(name="", value=falsy if n < 8 else f"'x{n}'")
        write_file(tmp_path, f"overlays/o{n}/kustomization.yaml",
                   f"resources: [../../base]\npatches:\n{ours}{others}")  # fmt: skip
    result = _scanned_within_budget(tmp_path, {"K8S001", "K8S010", "K8S017"})
    assert len(findings_of(result, "K8S001")) == reported


_REPLACEMENT = """\
  - source: {{kind: ConfigMap, name: settings{n}, fieldPath: data.privileged}}
    targets:
      - select: {{kind: Deployment}}
        fieldPaths:
          - spec.template.spec.containers.*.securityContext.privileged
          - spec.template.spec.containers.[name=app].securityContext.privileged
"""


@pytest.mark.parametrize(("overlays", "reported"), [(1, 0), (8, PODS)])
def test_each_build_s_replacements_of_many_objects_are_applied_within_bounds(
    tmp_path, overlays, reported
):
    """A base of a thousand objects, deployed by overlays that each replace a field of all of
    them from the most replacements a kustomization is read with (kustomize.replacements.
    MAX_REPLACEMENTS), each source looked for among a thousand ConfigMaps: each source is found
    once per kustomization, and the replacements applied to each object within
    kustomize.deployed.MAX_APPLIED (past it, each finding stands)."""
    write_file(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write_file(
        tmp_path, "base/deploy.yaml", "---\n".join(_PRIVILEGED.format(n=n) for n in range(PODS))
    )
    settings = "---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: settings{n}}}\n"
        "data: {privileged: 'false'}\n"
        for n in range(PODS)
    )
    replacements = "".join(_REPLACEMENT.format(n=n) for n in range(64))
    kustomization = f"resources: [../../base, settings.yaml]\nreplacements:\n{replacements}"
    for n in range(overlays):
        write_file(tmp_path, f"overlays/o{n}/settings.yaml", settings)
        write_file(tmp_path, f"overlays/o{n}/kustomization.yaml", kustomization)
    result = _scanned_within_budget(tmp_path, {"K8S001", "K8S010", "K8S017"})
    assert len(findings_of(result, "K8S001")) == reported


def test_a_replacement_of_thousands_of_targets_is_not_followed(tmp_path):
    """One replacement with thousands of targets and field paths (each object would ask each
    target, and follow each path): past kustomize.replacements.MAX_TARGETS it is not known, and
    each object keeps its findings, in a moment."""
    write_file(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml, settings.yaml]\n")
    write_file(
        tmp_path, "base/deploy.yaml", "---\n".join(_PRIVILEGED.format(n=n) for n in range(PODS))
    )
    write_file(tmp_path, "base/settings.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings0}\n"
               "data: {privileged: 'false'}\n")  # fmt: skip
    targets = _REPLACEMENT.format(n=0).split("    targets:\n")[1] * 5_000
    write_file(tmp_path, "overlays/prod/kustomization.yaml",
               "resources: [../../base]\nreplacements:\n"
               + _REPLACEMENT.format(n=0) + targets)  # fmt: skip
    result = _scanned_within_budget(tmp_path, {"K8S001"})
    assert len(findings_of(result, "K8S001")) == PODS
