"""A file a Compose project `include:`s is read as Compose reads it there: interpolated with the
include's `env_file` (else the `.env` of its project directory), under the including project's
own `.env`; the files of a `path:` list are merged in order, so the later ones are fragments of
the first. Findings stay on the file that holds the offending line."""

from __future__ import annotations

from tests.conftest import run_scan, write_file

MONITOR = """\
services:
  monitor:
    image: prom/node-exporter:${TAG}
    pid: ${PID_MODE}
    volumes:
      - ${ROOTFS}:/host
"""
RISKY = "TAG=latest\nPID_MODE=host\nROOTFS=/\n"


def _found(result) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.path, f.region.start_line) for f in result.findings)


def test_an_included_file_is_interpolated_with_the_include_s_env_file(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path: infra/monitor.yml\n    env_file: ./infra.env\n",
    )
    write_file(tmp_path, "infra/monitor.yml", MONITOR)
    write_file(tmp_path, "infra.env", RISKY)
    result = run_scan(tmp_path, only_rules={"CMP004", "CMP006", "CMP008"})
    assert _found(result) == [
        ("CMP004", "infra/monitor.yml", 4),
        ("CMP006", "infra/monitor.yml", 6),
        ("CMP008", "infra/monitor.yml", 3),
    ]


def test_the_including_file_may_have_any_compose_file_name(tmp_path):
    write_file(
        tmp_path,
        "docker-compose.prod.yml",
        "include:\n  - path: infra/monitor.yml\n    env_file: ./infra.env\n",
    )
    write_file(tmp_path, "infra/monitor.yml", MONITOR)
    write_file(tmp_path, "infra.env", RISKY)
    assert _found(run_scan(tmp_path, only_rules={"CMP004"})) == [("CMP004", "infra/monitor.yml", 4)]


def test_an_include_path_s_default_is_the_path_included(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path: ${STACK:-./infra}/monitor.yml\n    env_file: ./infra.env\n",
    )
    write_file(tmp_path, "infra/monitor.yml", MONITOR)
    write_file(tmp_path, "infra.env", RISKY)
    assert _found(run_scan(tmp_path, only_rules={"CMP004"})) == [("CMP004", "infra/monitor.yml", 4)]


def test_an_include_path_is_interpolated_with_the_including_project_s_env(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path: ${STACK:?set it}/monitor.yml\n    env_file: ./infra.env\n",
    )
    write_file(tmp_path, ".env", "STACK=./infra\n")
    write_file(tmp_path, "infra/monitor.yml", MONITOR)
    write_file(tmp_path, "infra.env", RISKY)
    assert _found(run_scan(tmp_path, only_rules={"CMP004"})) == [("CMP004", "infra/monitor.yml", 4)]


def test_env_files_of_an_include_are_merged_in_order(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path: [infra/monitor.yml]\n    env_file: [a.env, b.env]\n",
    )
    write_file(tmp_path, "infra/monitor.yml", MONITOR)
    write_file(tmp_path, "a.env", "PID_MODE=host\nTAG=1.8\n")
    write_file(tmp_path, "b.env", "TAG=latest\n")
    result = run_scan(tmp_path, only_rules={"CMP004", "CMP008"})
    assert _found(result) == [
        ("CMP004", "infra/monitor.yml", 4),
        ("CMP008", "infra/monitor.yml", 3),
    ]


def test_the_env_of_the_include_s_project_directory_is_read(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path: ./stacks/monitor.yml\n    project_directory: ./config\n",
    )
    write_file(tmp_path, "stacks/monitor.yml", MONITOR)
    write_file(tmp_path, "stacks/.env", "PID_MODE=private\n")  # not the project directory's
    write_file(tmp_path, "config/.env", "PID_MODE=host\n")
    assert _found(run_scan(tmp_path, only_rules={"CMP004"})) == [
        ("CMP004", "stacks/monitor.yml", 4)
    ]


def test_the_including_project_s_env_overrides_the_included_one_s(tmp_path):
    """Short syntax: the included file's own `.env` gives defaults, which the including
    project's environment (its `.env`) overrides."""
    write_file(tmp_path, "compose.yaml", "include:\n  - monitor/compose.yaml\n")
    write_file(tmp_path, ".env", "PID_MODE=host\n")
    write_file(tmp_path, "monitor/compose.yaml", MONITOR)
    write_file(tmp_path, "monitor/.env", "PID_MODE=private\nTAG=latest\n")
    result = run_scan(tmp_path, only_rules={"CMP004", "CMP008"})
    assert _found(result) == [
        ("CMP004", "monitor/compose.yaml", 4),
        ("CMP008", "monitor/compose.yaml", 3),
    ]


def test_a_file_no_project_includes_keeps_its_own_env(tmp_path):
    write_file(tmp_path, "compose.yaml", "include:\n  - other.yml\nservices: {}\n")
    write_file(tmp_path, "monitor/compose.yaml", MONITOR)
    write_file(tmp_path, "monitor/.env", "PID_MODE=private\nTAG=1.8\n")
    write_file(tmp_path, ".env", "PID_MODE=host\n")
    assert _found(run_scan(tmp_path, only_rules={"CMP004", "CMP008"})) == []


def test_the_later_files_of_an_include_path_list_are_fragments_of_the_first(tmp_path):
    """`path: [base, override]` merges the override into the base: a fragment without image
    or build is still Compose and what it adds is judged there; what it gives the base's
    service (a memory limit) counts for the base."""
    write_file(
        tmp_path,
        "compose.yaml",
        "include:\n  - path:\n      - ./proxy.yml\n      - ./proxy.prod.yml\n",
    )
    write_file(tmp_path, "proxy.yml", "services:\n  proxy:\n    image: traefik:v3.0\n")
    write_file(
        tmp_path,
        "proxy.prod.yml",
        "services:\n  proxy:\n    mem_limit: 256m\n    read_only: true\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP005", "CMP011", "CMP012", "CMP015"})
    assert _found(result) == [("CMP005", "proxy.prod.yml", 6)]


def test_include_lookups_stay_inside_the_scan_root(tmp_path):
    """A project above the scan root is not read: the file is judged with its own `.env`."""
    write_file(
        tmp_path, "compose.yaml", "include:\n  - path: app/monitor.yml\n    env_file: x.env\n"
    )
    write_file(tmp_path, "x.env", RISKY)
    write_file(tmp_path, "app/monitor.yml", MONITOR)
    assert _found(run_scan(tmp_path / "app", only_rules={"CMP004", "CMP008"})) == []


def test_the_including_project_s_override_file_overrides_the_included_services(tmp_path):
    """Compose's override file beside the including file is merged into the whole model,
    included services too (the documented way to customise an included project)."""
    write_file(tmp_path, "compose.yaml", "include:\n  - third-party/compose.yaml\n")
    write_file(tmp_path, "third-party/compose.yaml", "services:\n  db:\n    image: postgres:16\n")
    write_file(
        tmp_path,
        "compose.override.yaml",
        "services:\n  db:\n    mem_limit: 1g\n    read_only: true\n",
    )
    assert _found(run_scan(tmp_path, only_rules={"CMP011", "CMP012"})) == []
