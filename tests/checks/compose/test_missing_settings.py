"""CMP011 and CMP012 (declarative `match` rules): a complete service without a memory limit
or a read-only root filesystem."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose, service
from tests.conftest import findings_of, lines_of, run_scan, write_file


@pytest.mark.parametrize("rule_id", ["CMP011", "CMP012"])
def test_catches_a_service_that_sets_neither(tmp_path, rule_id):
    assert lines_of(scan_compose(tmp_path, service("restart: always"), rule_id), rule_id) == [2]


@pytest.mark.parametrize(
    ("rule_id", "body"),
    [
        ("CMP011", "mem_limit: 512m"),
        ("CMP011", "deploy: {resources: {limits: {memory: 512M}}}"),
        ("CMP011", "mem_limit: 0.5g"),
        ("CMP011", "mem_limit: ${MEMORY:-100m}"),
        ("CMP011", "deploy: {resources: {limits: {memory: 10000000}}}"),
        ("CMP012", "read_only: true"),
        # compose-go casts these strings to true, as it does for privileged.
        ("CMP012", 'read_only: "yes"'),
        ("CMP012", "read_only: 'On'"),
        ("CMP012", "read_only: y"),
    ],
)
def test_doesnt_catch_a_service_that_sets_it(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == []


@pytest.mark.parametrize(
    "body",
    [
        "mem_limit:",
        'mem_limit: ""',
        "mem_limit: 0",
        "deploy: {resources: {limits: {memory: null}}}",
        "mem_limit: 0m",
        'mem_limit: "0"',
        "mem_limit: 0.0g",
        "mem_limit: -1",
        "mem_limit: ${MEMORY:-0}",
        "deploy: {resources: {limits: {memory: 0M}}}",
        'deploy: {resources: {limits: {memory: "0b"}}}',
    ],
)
def test_a_memory_limit_written_without_a_value_limits_nothing(tmp_path, body):
    """`mem_limit:` (null), empty, zero in any unit (Docker's "no limit") or negative (which
    Docker refuses) is no limit: reported at its line."""
    assert lines_of(scan_compose(tmp_path, service(body), "CMP011"), "CMP011") == [4]


def test_services_extending_or_partial_are_not_judged_for_missing_settings(tmp_path):
    write_file(
        tmp_path,
        "docker-compose.override.yml",
        "services:\n  web:\n    environment:\n      DEBUG: '1'\n    depends_on: [db]\n",
    )
    result = run_scan(tmp_path)
    assert result.kinds["compose"] == 1
    for rule_id in ("CMP011", "CMP012", "CMP015"):
        assert not findings_of(result, rule_id)


@pytest.mark.parametrize(
    "name",
    [
        "docker-compose.override.yml",
        "compose.override.yaml",
        "compose.override.yml.tmpl",
        "docker-compose.override.prod.yml",
        "docker-compose-override.yaml",
    ],
)
def test_a_service_of_an_override_file_is_a_fragment_even_with_image_or_build(tmp_path, name):
    """`docker compose up` merges compose.override.yaml into the base file beside it (and `-f`
    another its name calls an override): a service there overrides the base's (a local `build:`
    for development) and its missing settings, or the services it depends on, are the base's.
    What it adds is still judged."""
    write_file(
        tmp_path,
        name,
        "services:\n  web:\n    build: .\n    depends_on: [db]\n"
        "    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n",
    )
    result = run_scan(tmp_path)
    assert result.kinds["compose"] == 1
    for rule_id in ("CMP011", "CMP012", "CMP015"):
        assert not findings_of(result, rule_id)
    assert lines_of(result, "CMP005") == [5]


def test_a_file_merged_with_f_is_judged_like_a_base_file(tmp_path):
    """Only the file Compose merges by its name is a fragment by definition; another name
    (compose.prod.yaml) may be a whole project."""
    write_file(tmp_path, "compose.prod.yaml", "services:\n  web:\n    image: example/web:1.0\n")
    result = run_scan(tmp_path, only_rules={"CMP011", "CMP012"})
    assert lines_of(result, "CMP011") == lines_of(result, "CMP012") == [2]


def test_missing_settings_are_reported_at_the_setting_that_limits_nothing(tmp_path):
    text = (
        "x-base: &base\n  image: example/app:1.0\n  read_only: false\n  mem_limit: 0\n"
        "services:\n  app: *base\n  other:\n    <<: *base\n"
    )
    result = scan_compose(tmp_path, text, "CMP011", "CMP012")
    assert lines_of(result, "CMP011") == lines_of(result, "CMP012") == [6, 8]


BASE = "services:\n  web:\n    image: example/web:1.0\n    depends_on: [db]\n"


@pytest.mark.parametrize("base_name", ["docker-compose.yml", "compose.yaml"])
def test_the_base_file_is_judged_with_the_override_file_compose_merges_into_it(tmp_path, base_name):
    """`docker compose up` merges the override file into the base file: what the override
    gives a base service (a memory limit, read_only) and the services it defines count."""
    write_file(tmp_path, base_name, BASE)
    write_file(
        tmp_path,
        "docker-compose.override.yml",
        "services:\n  web:\n    mem_limit: 512m\n    read_only: 'true'\n"
        "  db:\n    image: postgres:16\n    mem_limit: 1g\n    read_only: true\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP011", "CMP012", "CMP015"})
    assert [(f.rule_id, f.path) for f in result.findings] == []


def test_what_the_override_file_sets_replaces_the_base_s(tmp_path):
    write_file(tmp_path, "compose.yaml", BASE + "    mem_limit: 1g\n    read_only: true\n")
    write_file(
        tmp_path,
        "compose.override.yaml",
        "services:\n  web:\n    mem_limit: 0\n    read_only: false\n  db:\n    build: .\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP011", "CMP012", "CMP015"})
    assert sorted((f.rule_id, f.path, f.region.start_line) for f in result.findings) == [
        ("CMP011", "compose.yaml", 5),
        ("CMP012", "compose.yaml", 6),
    ]


@pytest.mark.parametrize("base_name", ["compose.prod.yaml", "docker-compose.yaml"])
def test_a_file_without_the_override_file_is_judged_alone(tmp_path, base_name):
    """Only a base file gets the override file merged in, and only when there is one."""
    write_file(tmp_path, base_name, BASE)
    if base_name == "compose.prod.yaml":
        write_file(tmp_path, "compose.override.yaml", "services:\n  db:\n    image: pg:16\n")
    result = run_scan(tmp_path, only_rules={"CMP011", "CMP012", "CMP015"})
    found = sorted((f.rule_id, f.path) for f in result.findings if f.path == base_name)
    assert found == [("CMP011", base_name), ("CMP012", base_name), ("CMP015", base_name)]


def test_a_windows_container_is_not_asked_for_a_read_only_root(tmp_path):
    """Docker refuses `--read-only` for a Windows container ("Windows does not support this
    feature"): a service on the windows platform, or of an image that runs only on Windows,
    is not told to set it; one of an image with Linux and Windows variants still is."""
    text = """\
services:
  iis:
    image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
  api:
    image: example/api:2.0
    platform: windows/amd64
  legacy:
    image: mcr.microsoft.com/dotnet/framework/aspnet:4.8
    mem_limit: 512m
  web:
    image: mcr.microsoft.com/dotnet/aspnet:8.0
    platform: linux/amd64
"""
    result = scan_compose(tmp_path, text, "CMP011", "CMP012")
    assert lines_of(result, "CMP012") == [10]
    assert lines_of(result, "CMP011") == [2, 4, 10]
