"""A warm re-scan imports only what reusing its outcomes needs: no parser, detector or
suppression code, and, as the result cache's pack knows its files by their statuses, nothing
that digests a file's bytes (OpenSSL).
Import-level assertions, in a fresh interpreter; they never time anything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from guardlint.rulebook import compiled_packs
from tests.conftest import write_file
from tests.test_startup import DOCKERFILE, DOCKERFILE_PARSER, HEAVY, POD, imported_by, top_level

# As an installed wheel runs (its RECORD stands for its files and the rules inside them,
# guardlint.engine.cache_context; its packs validated at its build), with a pack for a few
# files whose statuses count as settled (the pack's clock a minute ahead).
_RECORDER = """
import atexit, json, os, sys, time
record, packs, sys.argv = sys.argv[1], sys.argv[2], ["guardlint", *sys.argv[3:]]
atexit.register(lambda: open(record, "w").write(json.dumps(sorted(sys.modules))))
from guardlint import rulebook
from guardlint.engine import cache_context, scan_pack
from guardlint.parse.yaml_loader import read_compiled
with open(packs, "rb") as stored:
    compiled = read_compiled(stored.read())
rulebook._compiled_packs = lambda: compiled
cache_context._installed_record = lambda package, version: b"guardlint/__init__.py,sha256=x"
package = os.path.dirname(cache_context.guardlint.__file__)
cache_context.builtin_rules_dir = lambda: os.path.join(package, "rules")
scan_pack.MIN_FILES = 1
scan_pack.time_ns = lambda: time.time_ns() + 60 * 10**9
from guardlint.cli import main
main()
"""


def imported_by_wheel(tmp_path: Path, *args: str) -> set[str]:
    """Modules loaded by an installed wheel's `guardlint ARGS` in a fresh interpreter."""
    record = tmp_path.parent / f"{tmp_path.name}-modules.json"
    packs = tmp_path.parent / f"{tmp_path.name}-packs.bin"
    if not packs.exists():
        packs.write_bytes(compiled_packs())
    subprocess.run(
        [sys.executable, "-c", _RECORDER, str(record), str(packs), *args],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return set(json.loads(record.read_text()))


def test_a_warm_scan_of_files_known_by_their_statuses_loads_no_openssl(tmp_path):
    write_file(tmp_path, "repo/svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "repo/k8s/pod.yaml", POD)
    # The report outside the working directory, which the pod's lookups list.
    out = tmp_path.parent / f"{tmp_path.name}-out.json"
    args = ("scan", "repo", "-f", "json", "-o", str(out), "--cache-dir", "cache")
    openssl = {"hashlib", "_hashlib"}
    assert openssl <= imported_by_wheel(tmp_path, *args)  # the control: files digested
    cold = json.loads(out.read_text())
    warm = imported_by_wheel(tmp_path, *args)
    assert not warm & openssl, sorted(warm & openssl)
    report = json.loads(out.read_text())
    assert report["summary"]["files"]["scanned"] == 2
    assert report["findings"] and report["findings"] == cold["findings"]


def test_a_warm_scan_imports_no_check_code(tmp_path):
    """No rule runs: the checks' registry and the match language stay unloaded, and so does the
    validation of rule options and IDs a config does not set (guardlint.config)."""
    write_file(tmp_path, "repo/svc/Dockerfile", DOCKERFILE)
    out = tmp_path.parent / f"{tmp_path.name}-out.json"
    args = ("scan", "repo", "-f", "json", "-o", str(out), "--cache-dir", "cache")
    checks = {"guardlint.checks.registry", "guardlint.checks.match"}
    assert checks <= imported_by_wheel(tmp_path, *args)  # the control: the file scanned
    unneeded = {*checks, "guardlint.checks.option_types", "guardlint.checks.rule_shapes"}
    warm = imported_by_wheel(tmp_path, *args)
    assert not warm & unneeded, sorted(warm & unneeded)
    assert json.loads(out.read_text())["findings"]


def test_a_warm_scan_loads_no_parser_no_detector_and_no_suppression_code(tmp_path):
    """Every outcome comes from the cache: nothing is parsed, classified, made into a finding,
    redacted or suppressed again."""
    write_file(tmp_path, "repo/svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "repo/k8s/pod.yaml", POD)
    # As a wheel: a source checkout validates its packs, which loads the document kinds.
    cold = imported_by_wheel(tmp_path, "scan", "repo", "--cache-dir", "cache")
    unneeded = {*DOCKERFILE_PARSER, "guardlint.knowledge.secrets", "guardlint.suppress.inline"}
    unneeded |= {"guardlint.documents", "guardlint.engine.runner", "guardlint.findings.make"}
    assert unneeded <= cold  # the positive control
    warm = imported_by_wheel(tmp_path, "scan", "repo", "--cache-dir", "cache")
    unneeded.add("tomllib")  # no pyproject.toml to read
    assert not warm & unneeded, sorted(warm & unneeded)
    assert not top_level(warm) & {*HEAVY, "dockerfile_parse"}


def test_a_warm_scan_loads_no_helm_renderer(tmp_path):
    """Discovery asks of each path it walks whether it lies below a chart's templates/
    (guardlint.parse.helm_charts): the renderer (1.4 ms to import) loads only where a template
    is judged. (json cannot stay unloaded: orjson's errors subclass its.)"""
    renderer = "guardlint.parse.helm_templates"
    write_file(tmp_path, "control/chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n")
    write_file(tmp_path, "control/chart/templates/pod.yaml", POD)
    assert renderer in imported_by(tmp_path / "control", "scan", ".")  # the positive control
    write_file(tmp_path, "repo/svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "repo/k8s/pod.yaml", POD)
    out = tmp_path.parent / f"{tmp_path.name}-out.json"
    args = ("scan", "repo", "-f", "json", "-o", str(out), "--cache-dir", "cache")
    imported_by_wheel(tmp_path, *args)
    assert renderer not in imported_by_wheel(tmp_path, *args)
    assert json.loads(out.read_text())["summary"]["files"]["scanned"] == 2
