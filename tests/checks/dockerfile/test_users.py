"""DKR001 root-user: what it catches and what it doesn't."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


def test_catches_a_final_stage_without_user_inherited_from_a_root_stage(tmp_path):
    text = """
        FROM node:22 AS base
        FROM base AS final
        CMD ["node", "app.js"]
        """
    result = scan_dockerfile(tmp_path, text, "DKR001")
    assert lines_of(result, "DKR001") == [2]
    assert findings_of(result, "DKR001")[0].resource == "Dockerfile stage final"


@pytest.mark.parametrize("user", ["0:0", "root", "root:staff", "0"])
def test_catches_an_explicit_root_user_at_its_line(tmp_path, user):
    text = f"FROM alpine:3.22\nUSER app\nRUN id\nUSER {user}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == [4]


def test_does_not_catch_root_in_build_stages(tmp_path):
    text = """
        FROM golang:1.26 AS build
        USER root
        RUN go build -o /app .
        FROM alpine:3.22
        COPY --from=build /app /app
        USER 10001
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


def test_does_not_catch_a_non_root_user_inherited_from_a_stage(tmp_path):
    text = """
        FROM node:22 AS base
        USER node
        FROM base
        CMD ["node", "app.js"]
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("gcr.io/distroless/python3-debian12:nonroot", []),
        ("gcr.io/distroless/base:debug-nonroot", []),
        ("nginxinc/nginx-unprivileged:1.27-alpine", []),
        ("docker.io/bitnami/redis:7.4", []),
        ("bitnami/minideb:bookworm", [1]),
        ("gcr.io/distroless/static-debian12", [1]),
        ("scratch", [1]),
    ],
)
def test_base_images_that_run_as_non_root_need_no_user(tmp_path, base, expected):
    assert lines_of(scan_dockerfile(tmp_path, f"FROM {base}\n", "DKR001"), "DKR001") == expected


def test_does_not_catch_a_user_from_a_build_arg(tmp_path):
    text = "FROM alpine:3.22\nARG UID=1000\nUSER $UID\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []
