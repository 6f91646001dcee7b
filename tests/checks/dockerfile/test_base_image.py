"""Base images: DKR002 latest-tag, DKR003 unpinned-digest (the image-reference template),
DKR019 eol-base-image."""

from __future__ import annotations

import datetime

import pytest

from guardlint.model.rules import Severity
from tests.checks.dockerfile import eol_hits as _eol_hits
from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


def test_tags_and_digests_with_args_resolved(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        ARG TAG=latest
        ARG VERSION=3.12
        FROM python:$TAG AS a
        FROM python:${VERSION}-slim AS b
        FROM --platform=linux/arm64 redis AS c
        FROM a
        FROM scratch
        FROM nginx@sha256:0123456789abcdef
        FROM $UNKNOWN_IMAGE
        """,
        "DKR002",
        "DKR003",
    )
    assert lines_of(result, "DKR002") == [3, 5]
    assert lines_of(result, "DKR003") == [3, 4, 5]
    latest, untagged = findings_of(result, "DKR002")
    assert "FROM python:latest, which uses the mutable tag latest" in latest.message
    assert "FROM redis, which has no tag" in untagged.message
    assert latest.properties == {"image": "python:latest"}


def test_a_registry_of_no_known_value_leaves_the_tag_and_digest_known(tmp_path):
    """`${REGISTRY}/app:latest`: whatever the registry, the image is not pinned; a variable
    in the tag, or the whole reference, leaves nothing known."""
    result = scan_dockerfile(
        tmp_path,
        """
        ARG REGISTRY
        ARG TAG
        FROM ${REGISTRY}/tools/app:latest AS a
        FROM $REGISTRY/app:1.2 AS b
        FROM ${REGISTRY}/app@sha256:0123456789abcdef AS c
        FROM ${REGISTRY}/app:${TAG} AS d
        FROM ${IMAGE} AS e
        FROM a
        """,
        "DKR002",
        "DKR003",
    )
    assert lines_of(result, "DKR002") == [3]
    assert lines_of(result, "DKR003") == [3, 4]
    assert findings_of(result, "DKR002")[0].properties == {"image": "${REGISTRY}/tools/app:latest"}


def test_only_a_well_formed_digest_pins_the_image(tmp_path):
    """`@sha256` with no hash, or `@v1`, names no digest (the OCI grammar is
    `algorithm:encoded`): the image stays pinned by its tag alone."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM python:3.13-alpine@v1 AS a
        FROM python:3.13-alpine@sha256 AS b
        FROM python:3.13-alpine@sha256: AS c
        FROM python@sha256:4be65b406f7402b5c4fd5df7173d2fd7ea3fdaa74d9c43b6ebd896197a45c448
        """,
        "DKR003",
    )
    assert lines_of(result, "DKR003") == [1, 2, 3]


@pytest.mark.parametrize(
    ("image", "product"),
    [
        ("python:2.7", "python"), ("python:3.8-slim", "python"), ("node:16-alpine", "node"),
        ("node:lts-gallium", "node"), ("ubuntu:18.04", "ubuntu"), ("ubuntu:bionic", "ubuntu"),
        ("debian:stretch-slim", "debian"), ("debian:10", "debian"), ("centos:7", "centos"),
        ("centos", "centos"), ("alpine:3.17", "alpine"), ("node:22-alpine3.16", "alpine"),
        ("python:3.12-slim-buster", "debian"), ("golang:1.19", "golang"), ("ruby:2.7", "ruby"),
        ("php:7.4-fpm", "php"), ("openjdk:17", "openjdk"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", "mcr.microsoft.com/dotnet/aspnet"),
        ("mcr.microsoft.com/dotnet/sdk:10.0-noble-chiseled", None),
    ],
)  # fmt: skip
def test_catches_end_of_life_images(image, product):
    hits = _eol_hits(image, "2026-11-21")
    assert [h.properties["product"] for h in hits] == ([product] if product else [])


@pytest.mark.parametrize(
    ("image", "product"),
    [
        ("public.ecr.aws/docker/library/node:14", "node"),
        ("public.ecr.aws/docker/library/python:3.8-slim-buster", "python"),
        ("mirror.gcr.io/library/ubuntu:bionic", "ubuntu"),
        ("public.ecr.aws/ubuntu/ubuntu:18.04", "ubuntu"),
        ("public.ecr.aws/lambda/python:3.8", "python"),
        ("public.ecr.aws/lambda/nodejs:16.2023.10.18.10-x86_64", "node"),
        ("amazon/aws-lambda-python:3.7", "python"),
        ("public.ecr.aws/lambda/ruby:3.2", "ruby"),
        ("amazon/aws-lambda-ruby:2.7", "ruby"),
        ("public.ecr.aws/lambda/dotnet:6", "mcr.microsoft.com/dotnet/runtime"),
        ("public.ecr.aws/lambda/dotnet:8", "mcr.microsoft.com/dotnet/runtime"),
        ("amazon/aws-lambda-dotnet:6", "mcr.microsoft.com/dotnet/runtime"),
    ],
)  # fmt: skip
def test_official_images_through_their_mirrors(image, product):
    """Docker's official images mirrored on ECR Public and Google's registry, and AWS Lambda's
    base images (their tags are the runtime's version), are the same releases."""
    assert [h.properties["product"] for h in _eol_hits(image, "2026-11-21")][:1] == [product]


@pytest.mark.parametrize(
    "image", ["public.ecr.aws/docker/library/node:22", "public.ecr.aws/lambda/python:3.13",
              "public.ecr.aws/docker/library/python", "public.ecr.aws/lambda/provided:al2023",
              "public.ecr.aws/myteam/python:2.7", "public.ecr.aws/lambda/ruby:3.4",
              "public.ecr.aws/lambda/dotnet:10"]
)  # fmt: skip
def test_supported_or_unrelated_images_on_mirrors(image):
    assert _eol_hits(image, datetime.date(2026, 11, 21)) == []


@pytest.mark.parametrize(
    "image", ["python:3.13-slim", "node:22", "ubuntu:24.04", "alpine:3.22", "debian:bookworm",
              "python:3", "node:lts", "golang", "myorg/python:2.7"]
)  # fmt: skip
def test_does_not_catch_supported_images(image):
    assert _eol_hits(image, datetime.date(2026, 11, 21)) == []


def test_end_of_life_is_a_package_vulnerability(tmp_path):
    result = scan_dockerfile(tmp_path, "FROM alpine:3.22 AS a\nFROM python:3.6\n", "DKR019")
    assert lines_of(result, "DKR019") == [2]
    finding = findings_of(result, "DKR019")[0]
    assert (finding.finding_type, finding.severity) == ("PACKAGE_VULNERABILITY", Severity.HIGH)


@pytest.mark.parametrize(
    ("image", "product", "cycle"),
    [
        ("alpine:2.7", "alpine", "2.7"), ("alpine:2", "alpine", "2"),
        ("alpine:2.6.6", "alpine", "2.6"), ("httpd:2.4-alpine2.6", "alpine", "2.6"),
        ("ruby:2.9-alpine2.7", "alpine", "2.7"), ("ubuntu:10.04", "ubuntu", "10.04"),
        ("golang:1.6-alpine", "golang", "1.6"), ("ruby:1.9.3", "ruby", "1.9"),
        ("debian:5", "debian", "5"), ("mcr.microsoft.com/dotnet/sdk:1.1", None, "1.1"),
    ],
)  # fmt: skip
def test_release_lines_older_than_the_table_are_end_of_life(image, product, cycle):
    [found, *_] = _eol_hits(image, "2026-12-02")
    assert found.properties["cycle"] == cycle
    assert found.properties["product"] == (product or image.rsplit(":", 1)[0])
    assert "before" in found.message


@pytest.mark.parametrize(
    "image", ["alpine:3", "golang:1", "golang:1-alpine", "alpine:20240807", "alpine:edge",
              "ruby:3-alpine", "node:22-alpine3"]
)  # fmt: skip
def test_floating_and_snapshot_tags_are_not_older_than_the_table(image):
    assert _eol_hits(image, datetime.date(2026, 12, 2)) == []


def test_end_of_life_build_stage_that_does_not_ship_is_medium(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM node:14 AS assets
        RUN npm ci && npm run build
        FROM python:3.6 AS base
        FROM base
        COPY --from=assets /dist /srv
        """,
        "DKR019",
    )
    severities = {f.region.start_line: f.severity for f in findings_of(result, "DKR019")}
    assert severities == {1: Severity.MEDIUM, 3: Severity.HIGH}  # base ships: the final is FROM it
    assert "a build stage that does not ship" in findings_of(result, "DKR019")[0].message


@pytest.mark.parametrize(
    ("image", "last_supported_day"),
    [("golang:1.19", "2023-09-05"), ("golang:1.24", "2026-02-10"), ("ruby:3.1", "2025-03-30"),
     ("alpine:3.23", "2027-10-31"),
     # Ended since the table's previous review (2026-12-05): Ubuntu's 9-month interim release
     # (ubuntu-announce, July 2026), nginx's lines superseded by 1.30.0 (14 April) and 1.31.0
     # (13 May), Corretto 26 with the release of JDK 27.
     ("ubuntu:25.10", "2026-07-08"), ("ubuntu:questing-20251001", "2026-07-08"),
     ("python:3.13-slim-questing", "2026-07-08"), ("nginx:1.28.1-alpine", "2026-04-13"),
     ("nginx:1.29", "2026-05-12"), ("amazoncorretto:26-alpine", "2026-09-14")],
)  # fmt: skip
def test_end_of_life_dates_as_verified(image, last_supported_day):
    last = datetime.date.fromisoformat(last_supported_day)
    assert _eol_hits(image, last) == []
    assert len(_eol_hits(image, last + datetime.timedelta(days=1))) == 1


@pytest.mark.parametrize(
    ("image", "ended"),
    [
        ("nginx:1.27-alpine", True),
        ("nginx:1.14.2", True),
        ("nginx:1.13-alpine", True),
        ("nginx:1.17.10", True),
        ("nginxinc/nginx-unprivileged:1.25-alpine-slim", True),
        ("nginx:1.29", True),
        ("nginx:1.28-alpine", True),
        # The newest lines, and the floating tags, follow nginx's releases.
        ("nginx:1.31", False),
        ("nginx:1.30-alpine", False),
        ("nginx:1", False),
        ("nginx:stable-alpine", False),
        ("nginx:mainline", False),
    ],
)
def test_nginx_lines_end_when_the_next_of_their_branch_is_released(image, ended):
    hits = _eol_hits(image, "2026-12-01")
    assert bool(hits) is ended
    assert all("nginx" in hit.message for hit in hits)


@pytest.mark.parametrize(
    ("image", "cycle"),
    [
        ("amazonlinux:2", "2"), ("amazonlinux:2.0.20240131.0", "2"), ("amazonlinux:1", "1"),
        ("amazonlinux:2018.03", "2018"), ("amazonlinux:2018.03.0.20231218.0-with-sources", "2018"),
        ("public.ecr.aws/amazonlinux/amazonlinux:2", "2"),
        ("public.ecr.aws/docker/library/amazonlinux:2-with-sources", "2"),
        ("public.ecr.aws/lambda/provided:al2", "2"),
        ("public.ecr.aws/lambda/provided:al2-arm64", "2"),
        ("public.ecr.aws/lambda/provided:alami", "1"),
    ],
)  # fmt: skip
def test_amazon_linux_1_and_2_have_ended(image, cycle):
    """The Amazon Linux AMI ended on 2023-12-31, Amazon Linux 2 on 2026-06-30 (AWS's Amazon
    Linux 2 FAQ); Lambda's OS-only base image is tagged by the Amazon Linux it runs on."""
    hits = _eol_hits(image, "2026-12-02")
    assert [(h.properties["product"], h.properties["cycle"]) for h in hits] == [
        ("amazonlinux", cycle)
    ]


@pytest.mark.parametrize(
    "image",
    ["amazonlinux:2023", "amazonlinux:2023.6.20241212.0", "amazonlinux", "amazonlinux:latest",
     "public.ecr.aws/amazonlinux/amazonlinux:2023-minimal",
     "public.ecr.aws/lambda/provided:al2023"],
)  # fmt: skip
def test_amazon_linux_2023_and_floating_tags_are_supported(image):
    assert _eol_hits(image, "2026-12-02") == []


def test_amazon_linux_2_ended_on_the_day_aws_gives():
    assert _eol_hits("amazonlinux:2", "2026-06-29") == []
    assert len(_eol_hits("amazonlinux:2", "2026-06-30")) == 1


@pytest.mark.parametrize(
    ("image", "cycle"),
    [("postgres:13", "13"), ("postgres:13.4-alpine", "13"), ("postgres:9.6.24", "9.6"),
     ("postgres:9.4", "9.4"), ("public.ecr.aws/docker/library/postgres:12-bullseye", "12"),
     ("postgres:14.20", "14")],
)  # fmt: skip
def test_postgres_releases_end_five_years_on(image, cycle):
    assert [h.properties["cycle"] for h in _eol_hits(image, "2026-12-02")][:1] == [cycle]


@pytest.mark.parametrize(
    "image", ["postgres:15", "postgres:17-alpine", "postgres", "postgres:16.6"]
)
def test_supported_postgres_releases(image):
    assert _eol_hits(image, "2026-12-02") == []


@pytest.mark.parametrize(
    ("image", "cycle"),
    [("redis:6.0-alpine", "6.0"), ("redis:7.0.15", "7.0"), ("redis:8.0", "8.0"),
     ("redis:5", "5"), ("redis:4.0-bookworm", "4.0")],
)  # fmt: skip
def test_redis_releases_that_ended(image, cycle):
    (hit,) = _eol_hits(image, "2026-12-05")
    assert (hit.properties["product"], hit.properties["cycle"]) == ("redis", cycle)


@pytest.mark.parametrize(
    "image", ["redis:6.2-alpine", "redis:6", "redis:7.2", "redis:7.4.8", "redis:7", "redis:8",
              "redis:8.6", "redis:8.8", "redis:alpine"]
)  # fmt: skip
def test_redis_releases_still_maintained(image):
    """Redis patches 6.2, 7.2 and 7.4 with no end date announced (its security policy): the
    table marks them null, so neither they nor the majors they are the newest of (`redis:6`)
    have ended."""
    assert _eol_hits(image, "2026-12-05") == []
