"""Every kind of hostile file at once, through the command line, in every format and with a
worker pool: the run ends normally, accounts for every file, and each report is complete."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest

from guardlint.report import REPORTERS
from tests.hostile.conftest import CONTROL, CONTROL_NAME, run_cli

# name: (content, the GL001 reason it must produce, or None when it is scanned or skipped)
ZOO: dict[str, tuple[bytes, str | None]] = {
    "bomb.yaml": (
        (
            "Resources:\n  a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
            + "".join(f"  a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        ).encode(),
        "alias expansion to 1,234,567,911 nodes from 31 (alias bomb?)",
    ),
    "deep.yaml": (b"Resources: " + b"[" * 20_000 + b"]" * 20_000, "nesting deeper than 100 levels"),
    "binary/Dockerfile": (b"\x7fELF\x02\x01\x01\x00\x00", "binary file (contains NUL bytes)"),
    "latin1.yaml": ("Resources: caf\xe9\n".encode("latin-1"), "invalid UTF-8 at byte 14"),
    "tabs.yaml": (
        b"Resources:\n\tA: 1\n",
        "YAML syntax error: a tab character where YAML allows only spaces",
    ),
    "comments.json": (b'{\n  // no\n  "Resources": {}\n}\n', "JSON does not allow // comments"),
    "dup.yaml": (
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n",
        "duplicate key 'metadata' (first on line 3): the last value was checked, as PyYAML "
        "and JSON parsers keep it, but Docker Compose, CloudFormation and kubectl "
        "--validate=strict reject duplicate keys",
    ),
    "utf16.yaml": (CONTROL.replace("tools", "tools16").encode("utf-16"), None),
    "empty/compose.yaml": (b"", None),
    "odd/Dockerfile": (b"FROM alpine:3.20\nFROBNICATE x\nRUN <<EOF\nnever closed\n", None),
    "scalar.yaml": (b"--- apiVersion\n", None),
    "escape.yaml": (b'apiVersion: v1\nkind: Pod\nmetadata: {name: "a\\e[2Jb"}\n', None),
    "README.md": (b"# hello\n", None),
    CONTROL_NAME: (CONTROL.encode(), None),
}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("zoo")
    for name, (content, _) in ZOO.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (top / "dangling.yaml").symlink_to(top / "nowhere")
    if hasattr(os, "mkfifo"):
        os.mkfifo(top / "fifo.yaml")
    return top


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_zoo_through_the_command_line(zoo, tmp_path, jobs):
    reports = tmp_path / "reports"
    formats = [arg for name in sorted(REPORTERS) for arg in ("-f", name)]
    completed = run_cli(
        "scan", str(zoo), "--output-dir", str(reports), *formats, "-j", jobs, "-q",
        cwd=zoo,
    )  # fmt: skip
    assert completed.returncode == 1  # the control file's secret, and the parse errors
    report = json.loads((reports / "guardlint.json").read_text())
    reasons = {
        f["path"]: f["properties"]["reason"] for f in report["findings"] if f["rule_id"] == "GL001"
    }
    assert reasons == {name: reason for name, (_, reason) in ZOO.items() if reason}
    assert not [f for f in report["findings"] if f["rule_id"] == "GL002"]
    on_disk = sum(len(files) for _, _, files in os.walk(zoo))
    assert sum(report["summary"]["files"].values()) == on_disk
    assert report["summary"]["files"]["unparsable"] == 6  # the duplicate key is scanned
    # Both ConfigMaps with the secret are reported, the UTF-16 one included.
    secret_paths = {f["path"] for f in report["findings"] if "GitHub" in f["message"]}
    assert secret_paths == {CONTROL_NAME, "utf16.yaml"}
    for path in reports.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "\x1b" not in text and "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" not in text
        if path.suffix == ".xml":
            ElementTree.fromstring(text)
        elif path.suffix in (".json", ".sarif"):
            json.loads(text)
    assert len(list(reports.iterdir())) == len(REPORTERS)
