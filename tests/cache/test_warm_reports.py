"""`guardlint scan` with a warm cache writes every report byte for byte as the cold scan did,
with inline suppressions, a baseline, a severity threshold and a config's severity override in
play, and every dependency told by the pack's statuses: a Helm chart's template set
(guardlint.engine.helm_sets) and a Compose file that a Dockerfile's scan read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.parse import lookups
from guardlint.report import REPORTERS
from tests.conftest import write_file
from tests.hostile.test_helm_lookups import CHART
from tests.hostile.test_helm_template_sets import HELPERS
from tests.hostile.test_helm_templates import PRIVILEGED_POD

BUILD = "services:\n  web:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
DOCKERFILE = (
    "FROM alpine:3.22\n"
    "RUN wget -qO- http://example.com/i.sh | sh  # guardlint:ignore DKR008 -- our mirror\n"
    "COPY . /app\n"
)
CONFIG = "severity:\n  K8S001: medium\nmin_severity: low\n"
# What a report says about the run rather than its findings: how long, and when.
_RUN = re.compile(
    rb'"?duration_seconds"?: [0-9.]+|time="[0-9.]+"|\d+(?:\.\d+)?s\b|\d{4}-\d\d-\d\dT[0-9:.]+Z?'
)


# Scans of a few files have a pack, and every file and directory counts as settled.
pytestmark = pytest.mark.usefixtures("packed", "settled")


def scan(tmp_path: Path, *args: str) -> dict[str, bytes]:
    out = tmp_path / "out"
    formats = [arg for name in sorted(REPORTERS) for arg in ("-f", name)]
    invoked = CliRunner().invoke(
        cli, ["scan", str(tmp_path / "t"), "--output-dir", str(out), *formats, "-q", *args]
    )
    assert invoked.exit_code in (0, 1), invoked.output
    return {path.name: _RUN.sub(b"<run>", path.read_bytes()) for path in sorted(out.iterdir())}


def test_a_warm_scan_writes_every_report_as_the_cold_one(tmp_path, monkeypatch):
    tree = tmp_path / "t"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)
    write_file(tree, "app/Dockerfile", DOCKERFILE)
    write_file(tree, "compose.yaml", BUILD)
    write_file(tree, ".guardlint.yaml", CONFIG)
    baseline = tmp_path / "baseline.json"
    made = CliRunner().invoke(cli, ["baseline", "create", str(tree), "-o", str(baseline)])
    assert made.exit_code == 0, made.output
    accepted = json.loads(baseline.read_text())  # the Dockerfile's findings alone
    accepted["findings"] = [f for f in accepted["findings"] if f["path"] == "app/Dockerfile"]
    baseline.write_text(json.dumps(accepted))
    args = ("--baseline", str(baseline), "--cache-dir", str(tmp_path / "cache"))
    without = scan(tmp_path, "--baseline", str(baseline))
    cold = scan(tmp_path, *args)
    looked: list[str] = []
    for what in (lookups.HELM_NAME, lookups.READ):
        real = lookups._STATES[what]
        monkeypatch.setitem(
            lookups._STATES,
            what,
            lambda path, how, real=real: looked.append(path) or real(path, how),
        )
    warm = scan(tmp_path, *args)
    assert len(cold) == len(REPORTERS)
    assert warm == cold == without
    assert looked == []  # the template set and the Compose file told by their statuses
    sarif = cold["guardlint.sarif"]
    assert b'"inSource"' in sarif and b'"external"' in sarif and b"K8S001" in sarif
