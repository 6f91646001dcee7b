"""AWS's SAM translator (0.28 s of CPU to load) is loaded at most once per scan of several
processes: before the workers fork, which inherit it, and only when the scan has a template
that CFN028 translates (guardlint.checks.cloudformation's `loaded_before_workers` hook)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guardlint.documents.cloudformation import sam_translator
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import RuleRunner
from guardlint.parallel import MIN_FILES_FOR_POOL
from guardlint.rulebook import load_rulebook
from tests.conftest import write_file
from tests.forked import (
    files_loading_before_workers,
    record_loads,
    rule_ids_of_scan_in_two_processes,
)

SAM_QUEUE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Worker{n}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): return event"
      Events:
        Jobs:
          Type: SQS
          Properties: {{}}
"""
BUCKET = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket{n}:
    Type: AWS::S3::Bucket
"""


@pytest.fixture
def translator_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets a line with the process ID each time a process loads the translator
    (forked workers inherit the patch)."""
    loads = tmp_path / "loads.txt"
    record_loads(monkeypatch, sam_translator, "_prepare_library", loads)
    return loads


def test_a_scan_mostly_of_sam_templates_loads_the_translator_once_before_the_workers_fork(
    tmp_path, translator_loads
):
    """More SAM templates than one worker's share: the worker takes their chunks from the
    front, this process the buckets from the back and then what is left of the templates, so
    each process loaded the translator for itself."""
    tree = tmp_path / "tree"
    for n in range(MIN_FILES_FOR_POOL):
        write_file(tree, f"sam{n:02}/template.yaml", SAM_QUEUE.format(n=n))
    for n in range(MIN_FILES_FOR_POOL // 4):
        write_file(tree, f"stack{n:02}/template.yaml", BUCKET.format(n=n))
    assert "CFN028" in rule_ids_of_scan_in_two_processes(tree)  # the SQS event without a Queue
    assert translator_loads.read_text().split() == [str(os.getpid())]


def test_a_few_sam_templates_leave_the_translator_to_the_worker_that_takes_them(
    tmp_path, translator_loads
):
    """Templates that fit one worker's share form one chunk: that worker loads the translator
    while this process works on the others, instead of both waiting for it before the fork."""
    tree = tmp_path / "tree"
    for n in range(4):
        write_file(tree, f"sam{n:02}/template.yaml", SAM_QUEUE.format(n=n))
    for n in range(MIN_FILES_FOR_POOL):
        write_file(tree, f"stack{n:02}/template.yaml", BUCKET.format(n=n))
    assert "CFN028" in rule_ids_of_scan_in_two_processes(tree)
    loads = translator_loads.read_text().split()
    assert len(loads) == 1
    assert loads != [str(os.getpid())]


def test_a_scan_without_sam_templates_never_loads_the_translator(tmp_path, translator_loads):
    tree = tmp_path / "tree"
    for n in range(MIN_FILES_FOR_POOL):
        write_file(tree, f"stack{n:02}/template.yaml", BUCKET.format(n=n))
    assert rule_ids_of_scan_in_two_processes(tree)
    assert not translator_loads.exists()


@pytest.mark.parametrize(
    ("options", "loaded"),
    [({}, ["sam/template.yaml"]), ({"sam_transform": False}, [])],
)
def test_only_templates_the_rule_translates_have_it_loaded_before_the_workers(
    tmp_path, options, loaded
):
    """Asked of the CloudFormation pack: not when CFN028's `sam_transform` option is off."""
    write_file(tmp_path, "sam/template.yaml", SAM_QUEUE.format(n=0))
    write_file(tmp_path, "bucket/template.yaml", BUCKET.format(n=0))
    runner = RuleRunner(load_rulebook(), ScanOptions(rule_options={"CFN028": options}))
    assert files_loading_before_workers(tmp_path, runner) == loaded
