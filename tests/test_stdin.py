"""`guardlint scan -`: one document stream from standard input, as a real process reads it."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from guardlint.discover.names import kind_by_content

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n"
    "    - name: a\n      image: nginx:1.27\n      securityContext: {privileged: true}\n"
)
DOCKERFILE = "# syntax=docker/dockerfile:1\n\nFROM python:3.12\nRUN curl -fsSL https://x | sh\n"


def guardlint(*args: str, cwd, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("timeout", 120)
    return subprocess.run(
        [sys.executable, "-m", "guardlint", "scan", *args],
        cwd=cwd, capture_output=True, check=False, **kwargs,
    )  # fmt: skip


def findings(completed: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    report = json.loads(completed.stdout)
    return [(f["rule_id"], f["path"]) for f in report["findings"]]


def test_kind_by_content_without_a_name(tmp_path):
    completed = guardlint("-", "-f", "json", cwd=tmp_path, input=DOCKERFILE.encode())
    assert completed.returncode == 1, completed.stderr
    assert ("DKR008", "stdin") in findings(completed)
    completed = guardlint("-", "-f", "json", cwd=tmp_path, input=POD.encode())
    assert ("K8S001", "stdin") in findings(completed)


def test_stdin_filename_names_the_path_and_the_kind(tmp_path):
    bucket = (
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: PublicRead}\n"
    )
    completed = guardlint(
        "-", "--stdin-filename", "cfn/site.template", "-f", "json", cwd=tmp_path,
        input=bucket.encode(),
    )  # fmt: skip
    assert ("CFN002", "cfn/site.template") in findings(completed)
    # A name guardlint would not scan: the kind comes from the content.
    completed = guardlint(
        "-", "--stdin-filename", "rendered.txt", "-f", "json", cwd=tmp_path, input=POD.encode()
    )
    assert ("K8S001", "rendered.txt") in findings(completed)


def test_the_config_at_the_working_directory_applies(tmp_path):
    (tmp_path / ".guardlint.yaml").write_text("disable: [K8S001]\nfail_on: never\n")
    completed = guardlint("-", "-f", "json", cwd=tmp_path, input=POD.encode())
    assert completed.returncode == 0, completed.stderr
    assert "K8S001" not in {rule for rule, _ in findings(completed)}


def test_an_endless_stream_is_read_only_up_to_the_size_limit(tmp_path):
    endless = subprocess.Popen(["yes", "key: value"], stdout=subprocess.PIPE)
    try:
        completed = guardlint(
            "-", "--max-file-size", "64KB", "-f", "json", cwd=tmp_path, stdin=endless.stdout
        )
    finally:
        endless.kill()
        endless.wait()
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    (finding,) = report["findings"]
    assert finding["rule_id"] == "GL001" and "file too large" in finding["message"]


def test_a_terminal_is_refused_at_once(tmp_path):
    leader, follower = pty.openpty()
    try:
        completed = guardlint("-", cwd=tmp_path, stdin=follower, timeout=30)
    finally:
        os.close(leader)
        os.close(follower)
    assert completed.returncode == 2
    assert b"standard input is a terminal" in completed.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-", "."), b"- (standard input) is the only path"),
        ((".", "--stdin-filename", "x.yaml"), b"needs the path -"),
    ],
)
def test_stdin_misuse_is_a_usage_error(tmp_path, args, expected):
    completed = guardlint(*args, cwd=tmp_path, input=b"")
    assert completed.returncode == 2 and expected in completed.stderr
    assert b"Traceback" not in completed.stderr


def test_closed_standard_input_is_a_usage_error(tmp_path):
    completed = guardlint("-", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert completed.returncode == 0  # an empty stream: nothing to report
    closed = subprocess.run(
        f"{sys.executable} -m guardlint scan - <&-", shell=True, cwd=tmp_path,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert closed.returncode == 2 and b"standard input is closed" in closed.stderr


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("FROM alpine:3\n", "dockerfile"),
        ("# syntax=docker/dockerfile:1\n\n  arg BASE=x\nFROM $BASE\n", "dockerfile"),
        ("from: somewhere\n", "structured"),
        ("apiVersion: v1\nkind: Pod\n", "structured"),
        ('{"FROM x": 1}', "structured"),
    ],
)
def test_kind_by_content(head, kind):
    assert kind_by_content(head) == kind
