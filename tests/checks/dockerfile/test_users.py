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


# A numeric user is a UID as the runtime reads it (Go's strconv.Atoi): "00", "+0" are UID 0.
@pytest.mark.parametrize(
    "user", ["0:0", "root", "root:staff", "0", "root:root", "00", "000:0", "0:app", "+0", "-0"]
)
def test_catches_an_explicit_root_user_at_its_line(tmp_path, user):
    text = f"FROM alpine:3.22\nUSER app\nRUN id\nUSER {user}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == [4]


# The runtime looks a name up exactly as written: no passwd entry is ROOT, so such a
# container does not start at all; "1000:0" is a non-root user in group 0.
@pytest.mark.parametrize("user", ["ROOT", "Root", "rootless", "1000:0", "010"])
def test_does_not_catch_users_that_are_not_root(tmp_path, user):
    text = f"FROM alpine:3.22\nUSER {user}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


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
        # Nano Server runs as ContainerUser (since 1709), Server Core as ContainerAdministrator.
        ("mcr.microsoft.com/windows/nanoserver:ltsc2022", []),
        ("mcr.microsoft.com/dotnet/aspnet:9.0-nanoserver-ltsc2022", []),
        ("mcr.microsoft.com/windows/nanoserver:sac2016", [1]),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", [1]),
        # Images users extend with their packages: each ends with a USER of its own.
        ("apache/airflow:2.10.5-python3.12", []),
        ("quay.io/jupyter/scipy-notebook:2024-10-07", []),
        ("jupyter/base-notebook", []),
        ("jupyterhub/jupyterhub:5", [1]),
        ("selenium/standalone-chrome:131.0", []),
        ("selenium/node-firefox:4.27", []),
    ],
)
def test_base_images_that_run_as_non_root_need_no_user(tmp_path, base, expected):
    assert lines_of(scan_dockerfile(tmp_path, f"FROM {base}\n", "DKR001"), "DKR001") == expected


def test_does_not_catch_a_user_from_a_build_arg(tmp_path):
    text = "FROM alpine:3.22\nARG UID=1000\nUSER $UID\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


@pytest.mark.parametrize(
    "lines",
    [
        "ENV U=root\nUSER $U",  # an ENV is always what a build sees
        "USER ${NOPE}root",  # a variable never declared is empty
        "USER ${U:-root}",  # ... so its default applies
        "ARG U=root\nUSER ${U}",  # the ARG's default is what a plain build uses
        "ARG U=app\nENV U=root\nUSER $U",  # an ENV hides the ARG of its name
        "ARG U=root\nENV USERNAME=$U\nUSER $USERNAME",
    ],
)
def test_catches_root_spelled_with_variables(tmp_path, lines):
    text = f"FROM alpine:3.22\n{lines}\n"
    result = scan_dockerfile(tmp_path, text, "DKR001")
    assert lines_of(result, "DKR001") == [text.count("\n")]


@pytest.mark.parametrize(
    "lines",
    [
        "ARG APP_USER\nUSER $APP_USER",  # a build-arg decides: unknown
        "ENV U=app\nUSER ${U:-root}",
        "ARG NAME\nUSER ${NAME:+app}",
    ],
)
def test_does_not_catch_non_root_or_unknown_users_from_variables(tmp_path, lines):
    text = f"FROM alpine:3.22\n{lines}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


def test_a_global_arg_is_seen_only_where_a_stage_declares_it_again(tmp_path):
    hidden = "ARG U=root\nFROM alpine:3.22\nUSER app$U\n"
    assert lines_of(scan_dockerfile(tmp_path, hidden, "DKR001"), "DKR001") == []
    declared = "ARG U=root\nFROM alpine:3.22\nARG U\nUSER $U\n"
    assert lines_of(scan_dockerfile(tmp_path, declared, "DKR001"), "DKR001") == [4]


def test_env_goes_on_into_the_stages_built_from_it_and_arg_does_not(tmp_path):
    base = "FROM alpine:3.22 AS base\nENV RUNAS=root\nARG OTHER=root\nUSER app\nFROM base\n"
    env = scan_dockerfile(tmp_path, base + "USER $RUNAS\n", "DKR001")
    assert lines_of(env, "DKR001") == [6]
    arg = scan_dockerfile(tmp_path, base + "USER app$OTHER\n", "DKR001")
    assert lines_of(arg, "DKR001") == []


@pytest.mark.parametrize("user", ["ContainerAdministrator", "containeradministrator"])
def test_catches_the_windows_container_administrator(tmp_path, user):
    """ContainerAdministrator is the administrator of a Windows container: its root."""
    text = f'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER {user}\nCMD ["app.exe"]\n'
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == [2]


def test_does_not_catch_the_windows_container_user(tmp_path):
    text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\nCMD ["a"]\n'
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == []


def test_catches_the_administrator_of_a_nano_server_image(tmp_path):
    text = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerAdministrator\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == [2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n", []),
        ('FROM postgres:16-alpine\nCMD ["-c", "max_connections=200"]\n', []),
        ('FROM redis:7.4\nCMD ["redis-server", "/etc/redis.conf"]\n', []),
        ('FROM redis:7.4 AS base\nCMD ["redis-server"]\nFROM base\nRUN true\n', []),
        ("FROM memcached:1.6\n", []),  # its image sets USER memcache
        # Another command, a shell-form one (`sh -c ...` is the command) or another
        # ENTRYPOINT: the entrypoint does not step down, and it runs as root.
        ('FROM postgres:16\nCMD ["bash"]\n', [1]),
        ("FROM postgres:16\nCMD postgres -c x=1\n", [1]),
        ('FROM mysql:8.4\nENTRYPOINT ["/start.sh"]\n', [1]),
        ("FROM postgres:16\nUSER root\n", [2]),
        # nginx's master process stays root (only its workers run as nginx).
        ("FROM nginx:1.27\n", [1]),
    ],
)
def test_official_images_whose_entrypoint_steps_down_from_root(tmp_path, text, expected):
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR001"), "DKR001") == expected


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("public.ecr.aws/docker/library/postgres:16", []),
        ("registry.example.com:5000/library/redis:7.4", []),
        ("harbor.example.com/hub/library/memcached:1.6", []),
        ("localhost:5000/mysql:8.4", []),
        ("bitnamilegacy/redis:7.2", []),
        ("registry.example.com/team/postgres:16", [1]),  # a team's own image: no known user
        ("registry.example.com:5000/library/nginx:1.27", [1]),
    ],
)
def test_copies_of_images_that_run_as_non_root_on_other_registries(tmp_path, base, expected):
    """A pull-through cache or mirror keeps the official image's user and entrypoint, and
    Bitnami's legacy repository holds the same images as bitnami/ (uid 1001)."""
    assert lines_of(scan_dockerfile(tmp_path, f"FROM {base}\n", "DKR001"), "DKR001") == expected
