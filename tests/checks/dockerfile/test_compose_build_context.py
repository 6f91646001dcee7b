"""DKR026 and the ignore file of a Dockerfile that a Compose file builds with another context
(`build: {context: ., dockerfile: app/Dockerfile}`): Docker reads `<Dockerfile>.dockerignore`
beside the Dockerfile, else `.dockerignore` (Podman: `.containerignore`) at the root of the
context, not beside the Dockerfile. The Compose file is looked for in the Dockerfile's directory
and those above it, inside the scan root."""

from __future__ import annotations

import pytest

from tests.conftest import lines_of, run_scan, write_file

DOCKERFILE = "FROM node:22\nWORKDIR /app\nCOPY . .\nUSER node\n"


def _dkr026(tree) -> list[str]:
    result = run_scan(tree, only_rules={"DKR026"})
    return sorted(f.path for f in result.findings if f.rule_id == "DKR026")


@pytest.mark.parametrize(
    "build",
    ["{context: ., dockerfile: app/Dockerfile}", "{dockerfile: app/Dockerfile}",
     "{context: ./, dockerfile: ./app/../app/Dockerfile}"],
)  # fmt: skip
def test_the_ignore_file_at_the_compose_context_s_root_filters_it(tmp_path, build):
    write_file(tmp_path, "app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "compose.yaml", f"services:\n  web:\n    build: {build}\n")
    assert _dkr026(tmp_path) == ["app/Dockerfile"]
    write_file(tmp_path, ".dockerignore", ".git\n.env\n")
    assert _dkr026(tmp_path) == []


def test_an_ignore_file_beside_the_dockerfile_does_not_filter_another_context(tmp_path):
    write_file(tmp_path, "app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "app/.dockerignore", ".git\n")
    write_file(
        tmp_path,
        "docker-compose.yml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n",
    )
    assert _dkr026(tmp_path) == ["app/Dockerfile"]
    # the Dockerfile's own ignore file applies whatever the context
    write_file(tmp_path, "app/Dockerfile.dockerignore", ".git\n")
    assert _dkr026(tmp_path) == []


def test_a_context_that_is_the_dockerfile_s_directory_reads_the_ignore_file_there(tmp_path):
    write_file(tmp_path, "svc/app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "svc/app/.dockerignore", ".git\n")
    write_file(tmp_path, "svc/compose.yaml", "services:\n  web:\n    build: ./app\n")
    write_file(tmp_path, "other/Dockerfile", DOCKERFILE)
    write_file(tmp_path, ".dockerignore", ".git\n")  # the root's: no context of these
    assert _dkr026(tmp_path) == ["other/Dockerfile"]


@pytest.mark.parametrize(
    "build",
    # a context left to a variable, a remote one, out of the scan root, or another Dockerfile
    ["{context: '${CONTEXT}', dockerfile: app/Dockerfile}",
     "{context: 'https://github.com/org/repo.git', dockerfile: app/Dockerfile}",
     "{context: .., dockerfile: t/app/Dockerfile}",
     "{context: ., dockerfile: app/Dockerfile.prod}",
     "{context: ., dockerfile_inline: 'FROM alpine'}"],
)  # fmt: skip
def test_a_context_not_known_here_leaves_the_dockerfile_s_directory(tmp_path, build):
    tree = tmp_path / "t"
    write_file(tree, "app/Dockerfile", DOCKERFILE)
    write_file(tree, "app/.dockerignore", ".git\n")
    write_file(tree, ".dockerignore", "# nothing\n")
    write_file(tree, "compose.yaml", f"services:\n  web:\n    build: {build}\n")
    assert _dkr026(tree) == []


def test_a_compose_file_that_cannot_be_read_leaves_the_dockerfile_s_directory(tmp_path):
    write_file(tmp_path, "app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "app/.dockerignore", ".git\n")
    write_file(tmp_path, "compose.yaml", "services: [unclosed\n")
    assert lines_of(run_scan(tmp_path, only_rules={"DKR026"}), "DKR026") == []
