"""Stages: DKR005 single-stage-build, DKR024 duplicate-stage-alias."""

from __future__ import annotations

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


def test_does_not_catch_multi_stage_builds_or_purged_toolchains(tmp_path):
    two_stages = "FROM golang:1.26 AS b\nRUN go build .\nFROM alpine:3.22\n"
    assert lines_of(scan_dockerfile(tmp_path / "b", two_stages, "DKR005"), "DKR005") == []
    from_source_then_purged = """
        FROM debian:12-slim
        RUN apt-get update; apt-get install -y --no-install-recommends gcc make; \\
            ./configure && make -j4 && make install; \\
            apt-get purge -y --auto-remove; rm -rf /var/lib/apt/lists/*
        """
    result = scan_dockerfile(tmp_path / "d", from_source_then_purged, "DKR005")
    assert lines_of(result, "DKR005") == []


def test_duplicate_stage_alias_is_case_insensitive(tmp_path):
    text = "FROM alpine:3.22 AS deps\nFROM alpine:3.22 AS build\nFROM alpine:3.22 AS DEPS\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR024"), "DKR024") == [3]
