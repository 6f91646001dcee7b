"""DKR019 eol-base-image: the images people build on beyond the languages and distributions
(databases, Java runtimes, Bitnami, UBI), the images a tag says it is built on, release lines
named by fewer parts than a cycle, and copies of official images on other registries."""

from __future__ import annotations

import pytest

from guardlint.knowledge.tables import load_table
from tests.checks.dockerfile import eol_hits, scan_dockerfile
from tests.conftest import findings_of

DAY = "2026-12-05"


def _first(image: str) -> tuple[str, str] | None:
    hits = eol_hits(image, DAY)
    return (hits[0].properties["product"], hits[0].properties["cycle"]) if hits else None


@pytest.mark.parametrize(
    ("image", "found"),
    [
        ("mysql:5.7", ("mysql", "5.7")), ("mysql:8.0.36-debian", ("mysql", "8.0")),
        ("mysql:9.5", ("mysql", "9.5")), ("mariadb:10.4", ("mariadb", "10.4")),
        ("mariadb:10.6.20-focal", ("mariadb", "10.6")), ("mongo:4.4", ("mongo", "4.4")),
        ("mongo:6.0-jammy", ("mongo", "6.0")), ("mongo:3.6.23-xenial", ("mongo", "3.6")),
        ("fedora:38", ("fedora", "38")), ("fedora:42", ("fedora", "42")),
        ("fedora:29", ("fedora", "29")), ("oraclelinux:7-slim", ("oraclelinux", "7")),
        ("oraclelinux:6", ("oraclelinux", "6")),
        ("eclipse-temurin:19-jre", ("eclipse-temurin", "19")),
        ("eclipse-temurin:24_36-jdk-noble", ("eclipse-temurin", "24")),
        ("amazoncorretto:19", ("amazoncorretto", "19")),
        ("adoptopenjdk:11-jre-hotspot", ("adoptopenjdk", "11-jre-hotspot")),
        ("adoptopenjdk/openjdk11:alpine", ("adoptopenjdk", "alpine")),
        ("registry.access.redhat.com/ubi7/ubi:7.9", ("ubi7", "7.9")),
        ("registry.access.redhat.com/ubi7", ("ubi7", "latest")),
        ("registry.redhat.io/ubi7/ubi-minimal:latest", ("ubi7", "latest")),
        ("tomcat:8.5-jdk8-openjdk", ("tomcat", "8.5")), ("tomcat:8", ("tomcat", "8")),
        ("tomcat:7.0.109-jdk8", ("tomcat", "7")), ("tomcat:10.0-jdk17", ("tomcat", "10.0")),
        ("microsoft/dotnet:2.1-sdk", ("mcr.microsoft.com/dotnet/sdk", "2.1")),
        ("microsoft/aspnetcore:2.0", ("mcr.microsoft.com/dotnet/aspnet", "2.0")),
        ("bitnami/redis:7.2", ("bitnami", "7.2")),
        ("bitnamilegacy/postgresql:latest", ("bitnamilegacy", "latest")),
    ],
)  # fmt: skip
def test_databases_java_runtimes_and_vendor_images_that_have_ended(image, found):
    assert _first(image) == found


@pytest.mark.parametrize(
    "image",
    ["mysql:8.4", "mysql:8", "mysql:9.7", "mysql", "mariadb:10.11", "mariadb:11.4", "mariadb:10",
     "mongo:7.0", "mongo:8", "tomcat:9.0-jdk17", "tomcat:9", "tomcat:10.1-jdk21", "tomcat:11",
     "fedora:43", "fedora", "oraclelinux:8-slim", "oraclelinux:9",
     "registry.access.redhat.com/ubi8/ubi-minimal:8.9", "registry.access.redhat.com/ubi9",
     "eclipse-temurin:8-jdk-jammy", "eclipse-temurin:11", "eclipse-temurin:17-jre-alpine",
     "eclipse-temurin:21", "eclipse-temurin:25", "amazoncorretto:8", "amazoncorretto:11-alpine",
     "amazoncorretto:17", "amazoncorretto:21-al2023-jdk", "bitnami/redis", "bitnami/redis:latest",
     "bitnami/minideb:bookworm", "bitnami/sealed-secrets-controller:0.27.1",
     "gradle:8-jdk21", "gradle:7-jdk11", "maven:3.9-eclipse-temurin-17",
     "maven:3.9-amazoncorretto-11", "jenkins/jenkins:lts-jdk17",
     "bellsoft/liberica-openjdk-debian:17", "azul/zulu-openjdk:17"],
)  # fmt: skip
def test_supported_releases_of_those_images(image):
    assert eol_hits(image, DAY) == []


@pytest.mark.parametrize(
    ("image", "found"),
    [
        ("maven:3.8-openjdk-8", ("openjdk", "8")), ("maven:3.6-jdk-11", ("openjdk", "11")),
        ("maven:3.8-adoptopenjdk-11", ("adoptopenjdk", "11")),
        ("tomcat:9-jdk8-openjdk-slim", ("openjdk", "9-jdk8-openjdk-slim")),
        ("gradle:jdk19", ("eclipse-temurin", "19")),
        ("maven:3.9-eclipse-temurin-20", ("eclipse-temurin", "20")),
        ("maven:3.9-amazoncorretto-19", ("amazoncorretto", "19")),
        ("eclipse-temurin:8-jdk-centos7", ("centos", "7")),
        ("eclipse-temurin:11-jdk-focal", ("ubuntu", "20.04")),
        ("amazoncorretto:17-al2-jdk", ("amazonlinux", "2")),
        ("mysql:8.4-oraclelinux7", ("oraclelinux", "7")),
        ("myorg/app:1.4.2-debian-10-r12", ("debian", "10")),
        ("gcr.io/distroless/base-debian10", ("debian", "10")),
        ("gcr.io/distroless/python3-debian11:nonroot", ("debian", "11")),
        ("python:3.13-alpine3.16", ("alpine", "3.16")),
        ("wordpress:6.4-php7.4-apache", ("php", "7.4")), ("wordpress:php8.0-fpm", ("php", "8.0")),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim", ("python", "3.9")),
        ("apache/airflow:2.5.1-python3.8", ("python", "3.8")),
        ("public.ecr.aws/sam/build-nodejs14.x", ("node", "14")),
        ("public.ecr.aws/sam/build-python3.8:1.100.0", ("python", "3.8")),
        ("cypress/browsers:node16.14.2-chrome100-ff99-edge", ("node", "16")),
    ],
)  # fmt: skip
def test_the_image_a_tag_says_it_is_built_on(image, found):
    """maven, gradle, tomcat and vendor tags carry the JDK and distribution they are built on:
    an ended one makes the image end of life whatever the tool's own version."""
    assert _first(image) == found


@pytest.mark.parametrize(
    "image",
    ["gcr.io/distroless/base-debian12", "gcr.io/distroless/java17-debian12:nonroot",
     "node:22-alpine", "python:3.13-slim-bookworm", "myorg/app:debian", "myorg/app:1.0-jdk",
     "apache/airflow:2.10.5-python3.12", "gcr.io/distroless/python3-debian12",
     "public.ecr.aws/sam/build-python3.13", "wordpress:6-php8.3-fpm-alpine"],
)  # fmt: skip
def test_supported_or_unversioned_bases_in_tags(image):
    assert eol_hits(image, DAY) == []


@pytest.mark.parametrize(
    ("image", "found"),
    [("ruby:2", ("ruby", "2")), ("ruby:2-alpine", ("ruby", "2")), ("postgres:9", ("postgres", "9")),
     ("mongo:5", ("mongo", "5")), ("mongo:4-focal", ("mongo", "4")), ("mysql:5", ("mysql", "5"))],
)  # fmt: skip
def test_a_superseded_release_line_named_by_its_major(image, found):
    """`ruby:2` is the last 2.x release: ended with 2.7, as `mongo:5` with 5.0."""
    assert _first(image) == found


@pytest.mark.parametrize(
    "image", ["alpine:3", "golang:1", "python:3", "nginx:1", "php:8", "ruby:3", "postgres:17"]
)
def test_the_newest_line_named_by_its_major_is_supported(image):
    assert eol_hits(image, DAY) == []


@pytest.mark.parametrize(
    "image",
    ["registry.example.com:5000/library/python:3.7", "harbor.example.com/hub/library/node:14",
     "localhost:5000/ubuntu:18.04", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/python:3.8-slim",
     "artifactory.example.com/docker-remote/library/debian:buster",
     "python:3.7-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
)  # fmt: skip
def test_copies_of_official_images_on_other_registries(image):
    assert eol_hits(image, DAY)


@pytest.mark.parametrize(
    "image", ["registry.example.com/team/python:3.7", "ghcr.io/org/node:14", "myorg/python:2.7"]
)
def test_other_namespaces_of_a_registry_are_not_official_images(image):
    assert eol_hits(image, DAY) == []


def test_every_product_the_table_names_has_an_entry():
    table = load_table("eol_images.yaml")
    named = [*table["tag_words"].values(), *table["repository_prefixes"].values()]
    named += [
        w for entry in table["images"].values() for w in (entry.get("tag_words") or {}).values()
    ]
    assert set(named) <= set(table["images"])


def test_a_mirror_named_by_a_build_argument(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        ARG REGISTRY=registry.example.com:5000
        ARG PY=3.7
        FROM ${REGISTRY}/library/python:${PY}-slim AS build
        FROM ${REGISTRY}/library/python:3.13-slim
        COPY --from=build /app /app
        """,
        "DKR019",
    )
    [finding] = findings_of(result, "DKR019")
    assert (finding.region.start_line, finding.properties["cycle"]) == (3, "3.7")
