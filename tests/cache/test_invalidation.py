"""The result cache never changes a result: a file is analysed again when it, anything its scan
looked at (a function's code, a .dockerignore, a kustomization, a definition file, one that
was not there), the rules or the limits change, and only then."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import guardlint
from guardlint.engine import cache_context, scan_pack
from guardlint.model.rules import Severity
from tests.cache.conftest import cached_scan, seen
from tests.conftest import FIXTURES, write_file
from tests.documents.test_kustomize import PATCH as DEPLOYMENT
from tests.test_redaction import SAM_TEMPLATE as SAM

SAFE_HANDLER = "def handler(event, context):\n    return event\n"
UNSAFE_HANDLER = 'import yaml\n\n\ndef handler(event, context):\n    return yaml.load(event["b"])\n'
DOCKERFILE = "FROM alpine:3.22\nCOPY . /app\nUSER app\n"
API = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod, DefinitionUri: openapi.yaml}
"""
PATCH, BASE = "overlay/prod/patch.yaml", "base/deployment.yaml"


@pytest.fixture(autouse=True, params=["entries", "pack", "settled pack"])
def entry_lookup(request, monkeypatch) -> None:
    """Every test with the entries read one by one, again from the scan's pack, and again with
    every file and directory settled: known by its status where the pack recorded it."""
    if request.param != "entries":
        monkeypatch.setattr(scan_pack, "MIN_FILES", 1)
    if request.param == "settled pack":
        monkeypatch.setattr(scan_pack, "time_ns", lambda: time.time_ns() + 60 * 10**9)


def rescan(tree: Path, cache: Path, analysed: list[str], **options) -> tuple[list, list[str]]:
    """The findings of a scan with the cache, which must be those of a scan without it, and
    the files that scan analysed."""
    analysed.clear()
    result = cached_scan(tree, cache, **options)
    again = list(analysed)
    assert seen(result) == seen(cached_scan(tree, None, **options))
    assert result.reused_files == len(result.file_kinds) - len(again)
    return seen(result), again


def rules_of(findings: list, path: str | None = None) -> set[str]:
    return {finding[0] for finding in findings if path in (None, finding[1])}


def test_an_unchanged_tree_is_analysed_once(tmp_path, analysed):
    write_file(tmp_path / "t", "template.yaml", SAM)
    write_file(tmp_path / "t", "src/app.py", UNSAFE_HANDLER)
    write_file(tmp_path / "t", "Dockerfile", DOCKERFILE)
    write_file(tmp_path / "t", "k8s/deployment.yaml", DEPLOYMENT)
    first, scanned = rescan(tmp_path / "t", tmp_path / "cache", analysed)
    assert sorted(scanned) == ["Dockerfile", "k8s/deployment.yaml", "template.yaml"]
    assert rescan(tmp_path / "t", tmp_path / "cache", analysed) == (first, [])


def test_editing_only_a_functions_code_analyses_its_template_again(tmp_path, analysed):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "src/app.py", SAFE_HANDLER)
    write_file(tree, "Dockerfile", DOCKERFILE)
    before, _ = rescan(tree, cache, analysed)
    assert "CFN030" not in rules_of(before)
    write_file(tree, "src/app.py", UNSAFE_HANDLER)
    after, scanned = rescan(tree, cache, analysed)
    assert "CFN030" in rules_of(after)
    assert scanned == ["template.yaml"]


def test_a_new_file_in_a_functions_code_directory_is_read(tmp_path, analysed):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "src/app.py", SAFE_HANDLER)
    rescan(tree, cache, analysed)
    write_file(tree, "src/lib/parse.py", UNSAFE_HANDLER)
    after, scanned = rescan(tree, cache, analysed)
    assert [f[1] for f in after if f[0] == "CFN030"] == ["src/lib/parse.py"]
    assert scanned == ["template.yaml"]


def test_a_code_directory_link_pointed_elsewhere_is_followed_again(tmp_path, analysed):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "code-a/app.py", SAFE_HANDLER)
    write_file(tree, "code-b/app.py", UNSAFE_HANDLER)
    (tree / "src").symlink_to("code-a")
    before, _ = rescan(tree, cache, analysed)
    assert "CFN030" not in rules_of(before)
    (tree / "src").unlink()
    (tree / "src").symlink_to("code-b")
    after, scanned = rescan(tree, cache, analysed)
    assert [f[1] for f in after if f[0] == "CFN030"] == ["code-b/app.py"]
    assert scanned == ["template.yaml"]


@pytest.mark.parametrize("name", [".dockerignore", "Dockerfile.dockerignore", ".containerignore"])
def test_creating_then_emptying_a_dockerignore_analyses_the_dockerfile_again(
    tmp_path, analysed, name
):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "Dockerfile", DOCKERFILE)
    write_file(tree, "other/Dockerfile", DOCKERFILE)
    before, _ = rescan(tree, cache, analysed)
    assert [f[1] for f in before if f[0] == "DKR026"] == ["Dockerfile", "other/Dockerfile"]
    write_file(tree, name, ".git\n.env\n")
    after, scanned = rescan(tree, cache, analysed)
    assert [f[1] for f in after if f[0] == "DKR026"] == ["other/Dockerfile"]
    assert scanned == ["Dockerfile"]
    write_file(tree, name, "# nothing ignored yet\n")
    assert rescan(tree, cache, analysed) == (before, ["Dockerfile"])


def test_a_compose_file_giving_the_dockerfile_a_context_analyses_it_again(tmp_path, analysed):
    """The ignore file at the root of the context a Compose file above builds it from filters
    the Dockerfile's context: whether that Compose file is there, and what it says, were looked
    at."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "app/Dockerfile", DOCKERFILE)
    write_file(tree, ".dockerignore", ".git\n")
    before, _ = rescan(tree, cache, analysed)
    assert rules_of(before, "app/Dockerfile") >= {"DKR026"}
    build = "services:\n  web:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
    write_file(tree, "compose.yaml", build)
    after, scanned = rescan(tree, cache, analysed)
    assert "DKR026" not in rules_of(after, "app/Dockerfile")
    assert sorted(scanned) == ["app/Dockerfile", "compose.yaml"]
    write_file(tree, "compose.yaml", build.replace("app/Dockerfile", "app/Dockerfile.dev"))
    again, scanned = rescan(tree, cache, analysed)
    assert rules_of(again, "app/Dockerfile") == rules_of(before, "app/Dockerfile")
    assert sorted(scanned) == ["app/Dockerfile", "compose.yaml"]


def test_a_pattern_added_to_a_dockerignore_analyses_the_dockerfile_again(tmp_path, analysed):
    """What a .dockerignore leaves out is not copied (DKR015): its patterns, not only whether
    it has any, are what the scan looked at."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "Dockerfile", "FROM alpine:3.22\nCOPY id_rsa /k\nUSER app\n")
    write_file(tree, ".dockerignore", ".git\n")
    before, _ = rescan(tree, cache, analysed)
    assert "DKR015" in rules_of(before)
    write_file(tree, ".dockerignore", ".git\nid_rsa\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "DKR015" not in rules_of(after)
    assert scanned == ["Dockerfile"]


def test_an_override_file_written_beside_a_compose_file_analyses_it_again(tmp_path, analysed):
    """`docker compose up` merges the override file into the base file: the base file's scan
    looked at it, there or not."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "compose.yaml", "services:\n  web:\n    image: example/web:1.0\n")
    before, _ = rescan(tree, cache, analysed)
    assert [f[1] for f in before if f[0] == "CMP011"] == ["compose.yaml"]
    write_file(tree, "compose.override.yaml", "services:\n  web:\n    mem_limit: 512m\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "CMP011" not in rules_of(after)
    assert sorted(scanned) == ["compose.override.yaml", "compose.yaml"]


def test_a_kustomization_written_above_analyses_the_files_below_it_again(tmp_path, analysed):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, PATCH, DEPLOYMENT)
    write_file(tree, BASE, DEPLOYMENT)
    before, _ = rescan(tree, cache, analysed)
    write_file(tree, "overlay/kustomization.yaml", "patches:\n  - path: prod/patch.yaml\n")
    after, scanned = rescan(tree, cache, analysed)
    # A patch is not judged by what it leaves out.
    assert rules_of(after, PATCH) < rules_of(before, PATCH) == rules_of(before, BASE)
    assert scanned == ["overlay/kustomization.yaml", "overlay/prod/patch.yaml"]
    # Edited to list another file: the patch is a whole object again.
    write_file(tree, "overlay/kustomization.yaml", "patches:\n  - path: prod/other-patch.yaml\n")
    again, scanned = rescan(tree, cache, analysed)
    assert rules_of(again, PATCH) == rules_of(before, PATCH)
    assert scanned == ["overlay/kustomization.yaml", "overlay/prod/patch.yaml"]


def test_a_kustomization_read_once_for_two_files_is_a_dependency_of_both(tmp_path, analysed):
    """The second file's scan takes the kustomization from the process's cache of them, and
    depends on it all the same."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "kustomization.yaml", "patches:\n  - path: a.yaml\n  - path: b.yaml\n")
    write_file(tree, "a.yaml", DEPLOYMENT)
    write_file(tree, "b.yaml", DEPLOYMENT.replace("ledger", "journal"))
    before, _ = rescan(tree, cache, analysed)
    write_file(tree, "kustomization.yaml", "patches:\n  - path: a.yaml\n")
    after, scanned = rescan(tree, cache, analysed)
    assert rules_of(after, "b.yaml") > rules_of(before, "b.yaml")
    assert scanned == ["a.yaml", "b.yaml", "kustomization.yaml"]


def test_a_definition_file_created_later_is_noticed(tmp_path, analysed):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "api/template.yaml", API)
    before, _ = rescan(tree, cache, analysed)
    assert any(f[0] == "CFN028" and "does not exist" in f[4] for f in before)
    write_file(tree, "api/openapi.yaml", "openapi: 3.0.1\ninfo: {title: t, version: '1'}\n")
    after, scanned = rescan(tree, cache, analysed)
    assert not any(f[0] == "CFN028" and "does not exist" in f[4] for f in after)
    assert sorted(scanned) == ["api/openapi.yaml", "api/template.yaml"]


@pytest.mark.parametrize(
    "change",
    [
        {"rule_options": {"CFN030": {"skip_tests": ["B506"]}}},
        {"severity_overrides": {"CFN030": Severity.CRITICAL}},
        {"skip_rules": {"DKR026"}},
        {"only_rules": {"CFN030"}},
        {"max_bytes": 100_000},
        {"file_timeout": 7.0},
    ],
    ids=["rule-option", "severity", "skip", "only", "max-bytes", "timeout"],
)
def test_other_rules_options_or_limits_analyse_everything_again(tmp_path, analysed, change):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "src/app.py", UNSAFE_HANDLER)
    write_file(tree, "Dockerfile", DOCKERFILE)
    rescan(tree, cache, analysed)
    changed, scanned = rescan(tree, cache, analysed, **change)
    assert sorted(scanned) == ["Dockerfile", "template.yaml"]
    assert rescan(tree, cache, analysed, **change) == (changed, [])
    assert rescan(tree, cache, analysed)[1] == []  # the first context's entries are still used


@pytest.mark.parametrize(
    "change",
    [{"skip_rules": {"CFN027"}}, {"severity_overrides": {"CFN027": Severity.INFO}},
     {"only_rules": {"CFN027"}}],
    ids=["skip", "severity", "only"],
)  # fmt: skip
def test_options_naming_a_superseded_rule_analyse_everything_again(tmp_path, analysed, change):
    """They change what its successors report on task definitions, though the rules as run
    are the same ones."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    sidecar = FIXTURES / "ecs" / "ECS001" / "bad-sidecar-cloudformation" / "template.yaml"
    write_file(tree, "template.yaml", sidecar.read_text())
    rescan(tree, cache, analysed)
    assert rescan(tree, cache, analysed, **change)[1] == ["template.yaml"]
    assert rescan(tree, cache, analysed)[1] == []


def test_a_severity_override_equal_to_the_rules_own_analyses_everything_again(tmp_path, analysed):
    """It grades every finding of the rule alike, those the check grades itself too."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "template.yaml", SAM)
    write_file(tree, "src/app.py", UNSAFE_HANDLER)
    own = {"severity_overrides": {"CFN030": Severity.MEDIUM}}
    rescan(tree, cache, analysed, only_rules={"CFN030"})
    assert rescan(tree, cache, analysed, only_rules={"CFN030"}, **own)[1] == ["template.yaml"]


CUSTOM_PACK = """\
pack: house
title: House rules
rules:
  - id: HOUSE001
    name: no-alpine
    title: No alpine
    severity: low
    category: Policy:Container/BaseImage
    kinds: [dockerfile]
    description: Our images build on Debian.
    remediation: Use debian.
    match:
      select: "$.stages[*]"
      where: {{path: image, matches: '^alpine'}}
      locate: image
      message: "{message}"
    examples:
      bad: "FROM alpine:3.22\\n"
      good: "FROM debian:12\\n"
    example_filename: Dockerfile
"""


def test_a_custom_packs_edited_rule_analyses_everything_again(tmp_path, analysed):
    tree, cache, packs = tmp_path / "t", tmp_path / "cache", tmp_path / "packs"
    write_file(tree, "Dockerfile", DOCKERFILE)
    write_file(packs, "house.yaml", CUSTOM_PACK.format(message="alpine base"))
    before, _ = rescan(tree, cache, analysed, rule_dirs=[str(packs)])
    assert [f[4] for f in before if f[0] == "HOUSE001"] == ["alpine base"]
    write_file(packs, "house.yaml", CUSTOM_PACK.format(message="alpine is not ours"))
    after, scanned = rescan(tree, cache, analysed, rule_dirs=[str(packs)])
    assert [f[4] for f in after if f[0] == "HOUSE001"] == ["alpine is not ours"]
    assert scanned == ["Dockerfile"]


def test_guardlint_itself_is_part_of_the_context(monkeypatch):
    digest = cache_context.context_digest([], _options())
    cache_context._guardlint_digest.cache_clear()
    monkeypatch.setattr(guardlint, "__version__", "99.0.0")
    try:
        assert cache_context.context_digest([], _options()) != digest
    finally:
        cache_context._guardlint_digest.cache_clear()


def _installed(site: Path, record_lines: list[str]) -> str:
    """guardlint's digest were it installed under `site` with this RECORD."""
    write_file(site, "guardlint/__init__.py", "__version__ = '0.1.0'\n")
    write_file(site, "guardlint/rules/house.yaml", "pack: house\n")
    write_file(site, "guardlint-0.1.0.dist-info/RECORD", "\n".join(record_lines) + "\n")
    cache_context._guardlint_digest.cache_clear()
    return cache_context._guardlint_digest()


def test_an_installed_wheel_is_known_by_its_record(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    monkeypatch.setattr(guardlint, "__file__", str(site / "guardlint" / "__init__.py"))
    monkeypatch.setattr(guardlint, "__version__", "0.1.0")
    monkeypatch.setattr(cache_context, "builtin_rules_dir", lambda: str(site / "guardlint/rules"))
    record = ["guardlint/__init__.py,sha256=aaaa,22", "guardlint/rules/house.yaml,sha256=bbbb,12"]
    try:
        installed = _installed(site, record)
        # The installer's hashes stand for the files: a new wheel writes a new RECORD.
        assert _installed(site, [*record[:1], "guardlint/rules/house.yaml,sha256=cccc,12"]) != (
            installed
        )
        assert _installed(site, record) == installed
        # No RECORD that lists the package (a checkout, an editable install): every file's bytes.
        walked = _installed(site, record[1:])
        assert walked != installed
        write_file(site, "guardlint/rules/house.yaml", "pack: house2\n")
        cache_context._guardlint_digest.cache_clear()
        assert cache_context._guardlint_digest() != walked
    finally:
        cache_context._guardlint_digest.cache_clear()


def test_the_context_is_the_same_in_another_process(tmp_path):
    """A context digest must not depend on the process (an object's address in a repr):
    a scan in a new interpreter reuses the entries."""
    import subprocess
    import sys

    write_file(tmp_path / "t", "Dockerfile", DOCKERFILE)
    tree, cache, out = tmp_path / "t", tmp_path / "cache", tmp_path / "out.json"
    command = [sys.executable, "-m", "guardlint", "scan", str(tree), "--cache-dir", str(cache),
               "-o", str(out)]  # fmt: skip
    notes = [subprocess.run(command, capture_output=True, text=True, cwd=tmp_path).stderr
             for _ in range(2)]  # fmt: skip
    assert "0 of 1 file(s)" in notes[0] and "1 of 1 file(s)" in notes[1]


def _options():
    from guardlint.engine.options import ScanOptions

    return ScanOptions(paths=[os.curdir])


@pytest.mark.parametrize("pod_file", ["pod.yaml", "app/pod.yaml"])
def test_a_default_service_account_beside_a_pod_is_a_dependency_of_its_scan(
    tmp_path, analysed, pod_file
):
    """K8S018 reads the default ServiceAccount in the pod's directory and those above it:
    writing one that disables the token, then editing it, analyses the pod's file again."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
    write_file(tree, pod_file, pod + "  containers: [{name: c, image: nginx:1.27}]\n")
    before, _ = rescan(tree, cache, analysed)
    assert "K8S018" in rules_of(before, pod_file)
    account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"
    write_file(tree, "sa.yaml", account + "automountServiceAccountToken: false\n")
    after, scanned = rescan(tree, cache, analysed)
    assert "K8S018" not in rules_of(after, pod_file)
    assert scanned == sorted([pod_file, "sa.yaml"])
    write_file(tree, "sa.yaml", account + "automountServiceAccountToken: true\n")
    again, scanned = rescan(tree, cache, analysed)
    assert "K8S018" in rules_of(again, pod_file)
    assert scanned == sorted([pod_file, "sa.yaml"])


def test_a_pods_scan_depends_on_the_manifests_above_it_not_on_other_files(tmp_path, analysed):
    """K8S018 looks for accounts in the YAML and JSON files of each directory up to the root:
    a README or a directory added there changes nothing it read; a manifest does."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
    write_file(tree, "app/pod.yaml", pod + "  containers: [{name: c, image: nginx:1.27}]\n")
    first, _ = rescan(tree, cache, analysed)
    write_file(tree, "README.md", "# notes\n")
    write_file(tree, "docs/guide.txt", "text\n")
    assert rescan(tree, cache, analysed) == (first, [])
    write_file(tree, "values.yml", "replicas: 2\n")
    assert rescan(tree, cache, analysed)[1] == ["app/pod.yaml", "values.yml"]
