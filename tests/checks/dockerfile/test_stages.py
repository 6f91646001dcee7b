"""Stages: DKR005 single-stage-build, DKR024 duplicate-stage-alias."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import lines_of


def test_catches_toolchains_and_builds_in_a_single_stage(tmp_path):
    text = """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get -y install \\
            gcc=4:12.2.0-3 libc6-dev
        """
    assert lines_of(scan_dockerfile(tmp_path / "a", text, "DKR005"), "DKR005") == [3]
    removed_in_same_run = """
        FROM python:3.13-alpine
        RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\
         && pip install --no-cache-dir psutil==6.1.0 \\
         && apk del .build-deps
        RUN npm run build:prod
        """
    assert lines_of(scan_dockerfile(tmp_path / "c", removed_in_same_run, "DKR005"), "DKR005") == [5]


# Builds and toolchains as real single-stage Dockerfiles spell them, each alone in its file.
SINGLE_STAGE_BUILDS = [
    "FROM golang:1.26\nCOPY . .\nRUN CGO_ENABLED=0 go install ./cmd/...\n",
    "FROM rust:1.85\nCOPY . .\nRUN cargo install --locked --path .\n",
    "FROM debian:13\nCOPY . .\nRUN cmake -S . -B out && cmake --build out --parallel\n",
    "FROM debian:13\nCOPY . .\nRUN meson setup out && ninja -C out\n",
    "FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew :app:bootJar --no-daemon\n",
    "FROM gradle:8-jdk21\nCOPY . .\nRUN gradle shadowJar\n",
    "FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew installDist\n",
    "FROM eclipse-temurin:21\nCOPY . .\nRUN ./mvnw -B verify\n",
    "FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn -B clean compile\n",
    'FROM rockylinux:9\nRUN dnf -y groupinstall "Development Tools"\n',
    'FROM rockylinux:9\nRUN dnf -y group install "Development Tools"\n',
    "FROM fedora:42\nRUN dnf -y install @c-development\n",
    "FROM debian:13\nRUN apt-get install -y gcc-14 g++-14\n",
    "FROM ubuntu:24.04\nRUN apt-get install -y clang-18\n",
    "FROM alpine:3.22\nRUN apk add --no-cache openjdk21-jdk\n",
    "FROM amazonlinux:2023\nRUN dnf install -y java-21-openjdk-devel\n",
    # dnf's aliases of install (`in`, `localinstall`; yum is dnf on RHEL 8+), dnf5, tdnf
    # (Photon OS, Azure Linux) and aptitude install packages as the others do.
    "FROM rockylinux:9\nRUN dnf -y in gcc make\n",
    "FROM rockylinux:9\nRUN yum -y localinstall gcc\n",
    "FROM fedora:42\nRUN dnf5 -y install gcc\n",
    "FROM photon:5.0\nRUN tdnf -y install build-essential\n",
    "FROM debian:13\nRUN aptitude install -y build-essential\n",
    "FROM oven/bun:1\nCOPY . .\nRUN bun install && bun run build\n",
    "FROM node:22\nCOPY . .\nRUN npm ci --prefix web && npm --prefix web run build\n",
    "FROM node:22\nCOPY . .\nRUN pnpm build\n",
    # The examples of Docker Hub's gcc and openjdk images: the compiler run on the sources.
    "FROM gcc:14\nCOPY . /usr/src/myapp\nRUN gcc -o myapp main.c\n",
    "FROM eclipse-temurin:21-jdk\nCOPY . /usr/src/myapp\nRUN javac -d out Main.java\n",
    "FROM debian:13\nCOPY . .\nRUN g++-14 -O2 -o /app src/*.cpp\n",
    "FROM mcr.microsoft.com/dotnet/framework/sdk:4.8\nCOPY . .\n"
    "RUN nuget restore; msbuild.exe /p:Configuration=Release\n",
]


@pytest.mark.parametrize("text", SINGLE_STAGE_BUILDS)
def test_catches_builds_and_toolchains_as_they_are_spelled(tmp_path, text):
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == [
        3 if "COPY" in text else 2
    ]


@pytest.mark.parametrize(
    "start",
    [
        'CMD ["go", "run", "./cmd/app"]',
        "CMD go run main.go",
        'ENTRYPOINT ["dotnet", "watch", "run", "--no-launch-profile"]',
        'CMD ["./mvnw", "spring-boot:run"]',
        'CMD ["/app/gradlew", "bootRun"]',
        'CMD ["cargo", "run", "--release"]',
    ],
)
def test_catches_an_application_compiled_when_the_container_starts(tmp_path, start):
    text = f"FROM golang:1.26\nWORKDIR /src\nCOPY . .\n{start}\n"
    result = scan_dockerfile(tmp_path, text, "DKR005")
    assert lines_of(result, "DKR005") == [4]
    assert "compiles it when the container starts" in result.findings[0].message


def test_an_application_started_from_a_built_binary_is_no_build(tmp_path):
    text = """
        FROM python:3.13-slim
        COPY . /app
        CMD ["python", "-m", "app", "run"]
        ENTRYPOINT ["/app/bin/server", "go", "run"]
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == []


def test_tools_that_only_fetch_or_configure_are_no_build(tmp_path):
    text = """
        FROM eclipse-temurin:21
        RUN dotnet tool install -g dotnet-ef && go mod download && cmake --version
        RUN mvn dependency:go-offline && ./gradlew dependencies && apt-get install -y gccgo-doc
        RUN npm ci && npm run lint && yarn test && bun install && npm run start -- --build
        RUN gcc --version && javac -version && cc -dumpmachine
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == []


def test_does_not_catch_multi_stage_builds_or_purged_toolchains(tmp_path):
    two_stages = "FROM golang:1.26 AS b\nRUN go build .\nFROM alpine:3.22\n"
    assert lines_of(scan_dockerfile(tmp_path / "b", two_stages, "DKR005"), "DKR005") == []
    from_source_then_purged = """
        FROM debian:12-slim
        RUN apt-get update; apt-get install -y --no-install-recommends gcc make; \\
            ./configure && make -j4 && make install; \\
            apt-get purge -y --auto-remove gcc make; rm -rf /var/lib/apt/lists/*
        """
    result = scan_dockerfile(tmp_path / "d", from_source_then_purged, "DKR005")
    assert lines_of(result, "DKR005") == []


def test_duplicate_stage_alias_is_case_insensitive(tmp_path):
    text = "FROM alpine:3.22 AS deps\nFROM alpine:3.22 AS build\nFROM alpine:3.22 AS DEPS\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR024"), "DKR024") == [3]


# A removal in the same RUN takes the toolchain out only when it names it (or the virtual
# package it was installed as), or when `apt-mark auto` first made it a dependency that
# autoremove takes (the official images' way): autoremove alone keeps packages installed by
# name, and removing some other package keeps the toolchain too.
TOOLCHAINS_KEPT = [
    "apt-get update && apt-get install -y --no-install-recommends build-essential"
    " && pip install -r requirements.txt && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*",
    "apt-get install -y gcc make && make && apt-get purge -y --auto-remove",
    "apk add --no-cache gcc musl-dev && pip install psutil && apk del curl",
    "apk add --no-cache --virtual .build-deps gcc && pip install psutil && apk del .other",
    "apt-get install -y gcc g++ && pip install numpy && apt-get purge -y gcc",
    "apt-get install -y openjdk-17-jdk-headless",
    "apt-get install -y default-jdk-headless",
    "buildDeps='gcc make'; apt-get install -y $buildDeps && make && apt-get purge -y curl",
    # dnf's marks: a dependency nothing autoremoves, or another package made one
    "dnf install -y gcc make && make && dnf mark remove gcc make",
    "dnf install -y gcc make && make && dnf mark remove curl && dnf autoremove -y",
]
TOOLCHAINS_REMOVED = [
    "apt-get install -y gcc libpq-dev && pip install psycopg2"
    " && apt-get purge -y --auto-remove gcc libpq-dev",
    "apk add --no-cache -t .build-deps gcc musl-dev && pip install psutil && apk del .build-deps",
    "apk add --no-cache --virtual=.deps build-base && make && apk del --no-network .deps",
    'savedAptMark="$(apt-mark showmanual)"; apt-get install -y gcc make; make;'
    " apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark;"
    " apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
    "yum install -y gcc make && make install && yum remove -y gcc make",
    # The packages a variable names, installed and purged by it (the official images' way).
    "buildDeps='gcc libc6-dev make'; apt-get install -y $buildDeps && make"
    " && apt-get purge -y --auto-remove ${buildDeps}",
    'dnf -y groupinstall "Development Tools" && make && dnf -y groupremove "Development Tools"',
    "tdnf install -y gcc && make && tdnf erase -y gcc",
    "dnf5 install -y gcc && make && dnf5 remove -y gcc",
    "aptitude install -y gcc && make && aptitude purge -y gcc",
    # dnf's way to the same end: mark them dependencies (dnf 4 `mark remove`, dnf 5 `mark
    # dependency`), then autoremove; as docker-library/tomcat's Red Hat variants do, with the
    # packages given to a function that installs and marks `$todo`.
    "dnf install -y gcc make && make && dnf mark remove gcc make && dnf autoremove -y",
    "dnf install -y gcc make && make && dnf mark dependency gcc make && dnf -y autoremove",
    "yum install -y gcc && make && yum mark remove gcc && yum autoremove -y",
    '_tmp() { ( todo="$*"; dnf install -y $todo; dnf mark remove $todo; ) };'
    " _tmp gcc make; make -j 4; dnf autoremove -y; dnf clean all",
]


@pytest.mark.parametrize("run", TOOLCHAINS_KEPT)
def test_catches_a_toolchain_its_run_does_not_remove(tmp_path, run):
    text = f"FROM python:3.13-slim\nRUN {run}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == [2]


@pytest.mark.parametrize("run", TOOLCHAINS_REMOVED)
def test_does_not_catch_a_toolchain_its_run_removes(tmp_path, run):
    text = f"FROM python:3.13-slim\nRUN {run}\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == []


def test_a_build_with_the_base_images_toolchain_is_not_undone_by_another_removal(tmp_path):
    text = """
        FROM golang:1.26
        COPY . .
        RUN go build -o /app ./cmd/app && apt-get purge -y --auto-remove curl
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR005"), "DKR005") == [3]


@pytest.mark.parametrize(
    ("name", "base"),
    [
        (".devcontainer/Dockerfile", "ubuntu:24.04"),
        ("Dockerfile.dev", "golang:1.26"),
        ("dev.Dockerfile", "golang:1.26"),
        ("Dockerfile", "mcr.microsoft.com/devcontainers/base:ubuntu-24.04"),
        ("Dockerfile", "mcr.microsoft.com/vscode/devcontainers/python:0-${VARIANT}"),
    ],
)
def test_a_dev_container_is_no_runtime_image(tmp_path, name, base):
    """A dev container (the `.devcontainer` folder's image, a Dockerfile named for development,
    or one built on Microsoft's dev container images) is where developers build: its toolchain
    ships nowhere."""
    (tmp_path / ".devcontainer").mkdir()
    text = f"FROM {base}\nRUN apt-get update && apt-get install -y build-essential golang\n"
    result = scan_dockerfile(tmp_path, text, "DKR005", name=name)
    assert lines_of(result, "DKR005") == []
    runtime = scan_dockerfile(tmp_path / "app", "FROM ubuntu:24.04\n" + text.split("\n", 1)[1])
    assert lines_of(runtime, "DKR005") == [2]


def test_packages_named_by_a_variable_are_read_by_its_value(tmp_path):
    """`ENV BUILD_DEPS=...` or a shell variable (`buildDeps='gcc make'; apt-get install -y
    $buildDeps`) names the packages its install and its purge take."""
    text = """
        FROM python:3.13-slim
        ENV BUILD_DEPS="gcc libpq-dev" RUNTIME="curl"
        RUN apt-get install -y $RUNTIME ${BUILD_DEPS} && pip install psycopg2
        RUN apt-get install -y $BUILD_DEPS && pip install psycopg2 && apt-get purge -y $BUILD_DEPS
        """
    result = scan_dockerfile(tmp_path / "env", text, "DKR005")
    assert lines_of(result, "DKR005") == [3]
    assert "installs gcc" in result.findings[0].message
    shell = "FROM python:3.13-slim\nRUN deps='build-essential libffi-dev'; apt-get install $deps\n"
    assert lines_of(scan_dockerfile(tmp_path / "shell", shell, "DKR005"), "DKR005") == [2]
