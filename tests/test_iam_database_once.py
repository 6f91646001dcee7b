"""The whole IAM action database (`Action: "*"`, NotAction: 40-90 ms a process) is built at most
once per scan of several processes: before the workers fork, which inherit it, and only when a
file of the scan may need it (guardlint.checks.iam's `loaded_before_workers` hook)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guardlint.discover import discover
from guardlint.engine.hooks import worker_plan
from guardlint.engine.options import ScanOptions
from guardlint.engine.rule_runner import RuleRunner
from guardlint.knowledge import iam_actions
from guardlint.parallel import MIN_FILES_FOR_POOL, WARM_UP_ITEMS, chunked
from guardlint.parse.text import DEFAULT_MAX_BYTES
from guardlint.rulebook import load_rulebook
from tests.conftest import write_file
from tests.forked import (
    files_loading_before_workers,
    loaded_for,
    record_loads,
    rule_ids_of_scan_in_two_processes,
)

ADMIN_ROLE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Admin{n}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: "{action}"
                Resource: "*"
"""
NOT_ACTION = """{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}]}
"""
S3_READER = """{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"}]}
"""
BUCKET = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket{n}:
    Type: AWS::S3::Bucket
"""
DOCKERFILE = "FROM python:3.12\nUSER root\n"


@pytest.fixture
def database_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets a line with the process ID each time a process builds the database
    (forked workers inherit the patch)."""
    builds = tmp_path / "builds.txt"
    iam_actions._expand.cache_clear()
    record_loads(monkeypatch, iam_actions, "_database", builds)
    yield builds
    iam_actions._expand.cache_clear()


@pytest.mark.parametrize("action", ["*", "?*:*", "*?:**"])
def test_a_scan_of_admin_policies_builds_the_database_once_before_the_workers_fork(
    tmp_path, database_builds, action
):
    """The first chunks go to the worker, the last ones to this process, whose first items
    (warmed up on before the fork) are Dockerfiles: each process met admin policies on its own,
    and built the database for itself. Every action is read however it is spelt
    (guardlint.knowledge.iam_wildcards), `?*:*` as `*`."""
    tree = tmp_path / "tree"
    for n in range(15 * WARM_UP_ITEMS):
        write_file(tree, f"stack{n:03}/template.yaml", ADMIN_ROLE.format(n=n, action=action))
    for n in range(WARM_UP_ITEMS):  # the last chunk (8 files of 128), this process's
        write_file(tree, f"svc{n}/Dockerfile", DOCKERFILE)
    assert chunked(16 * WARM_UP_ITEMS, 2)[-1] == list(range(15 * WARM_UP_ITEMS, 128))
    assert "IAM001" in rule_ids_of_scan_in_two_processes(tree)
    assert database_builds.read_text().split() == [str(os.getpid())]


def test_a_scan_that_grants_no_action_wildcard_never_builds_the_database(tmp_path, database_builds):
    tree = tmp_path / "tree"
    for n in range(MIN_FILES_FOR_POOL):
        write_file(tree, f"svc{n:02}/Dockerfile", DOCKERFILE)
        write_file(tree, f"stack{n:02}/template.yaml", BUCKET.format(n=n))
        write_file(tree, f"policies/reader{n:02}.json", S3_READER)
    assert "DKR001" in rule_ids_of_scan_in_two_processes(tree)
    assert not database_builds.exists()


@pytest.mark.parametrize(
    ("pack_on", "built"),
    [(True, ["admin/template.yaml", "policies/not-action.json"]), (False, [])],
)
def test_only_files_that_may_grant_every_action_have_it_built_before_the_workers(
    tmp_path, pack_on, built
):
    """Asked of the IAM pack, only while one of its rules is on."""
    write_file(tmp_path, "admin/template.yaml", ADMIN_ROLE.format(n=0, action="*"))
    write_file(tmp_path, "policies/not-action.json", NOT_ACTION)
    write_file(tmp_path, "policies/reader.json", S3_READER)
    write_file(tmp_path, "bucket/template.yaml", BUCKET.format(n=0))
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    rulebook = load_rulebook()
    iam_rules = {rule.id for rule in rulebook.rules if rule.pack == "iam"}
    runner = RuleRunner(rulebook, ScanOptions(skip_rules=set() if pack_on else iam_rules))
    assert files_loading_before_workers(tmp_path, runner) == built
    found = discover([str(tmp_path)], str(tmp_path))
    plan = worker_plan(found.files, runner.rules, DEFAULT_MAX_BYTES)
    assert len(loaded_for(plan)) == len(built[:1])  # asked by two files, built once


_EVERY_SERVICE_BY_LETTER = ", ".join(f'"{letter}*:*"' for letter in "abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(
    ("policy", "built"),
    [
        ('{"Statement": [{"Action": ["s3:Get*", "*"], "Resource": "*"}]}', True),
        ("Statement:\n  - Action:\n      - s3:Get*\n      - '*'\n    Resource: '*'\n", True),
        (f'{{"Statement": [{{"Action": [{_EVERY_SERVICE_BY_LETTER}]}}]}}', True),
        ('{"Statement": [{"Action": "*:Get*", "Resource": "*"}]}', True),
        ('{"Statement": [{"Action": ["a*:*", "b*:*"], "Resource": "*"}]}', False),
        ('{"Statement": [{"Action": "s3:Get*", "Resource": "*"}]}', False),
        ('{"Statement": [{"Action": "logs:Put*", "Resource": "arn:aws:logs:*:*:*"}]}', False),
    ],
    ids=["not first", "block list", "by letter", "any service", "some", "one", "arn"],
)
def test_every_spelling_that_expands_over_every_service_has_the_database_built_first(policy, built):
    """The hook reads every entry of each Action list, wherever it stands in the list, and
    the service parts of all of them together: `a*:*` ... `z*:*` covers every service."""
    from guardlint.checks.iam import loaded_before_workers

    assert (loaded_before_workers(None, policy.encode(), {}) is not None) is built
