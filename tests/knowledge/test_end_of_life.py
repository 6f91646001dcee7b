"""The end-of-life knowledge every rule shares (guardlint.knowledge.end_of_life): release cycles
(DKR019, CBD010), Lambda's deprecated runtimes (CFN014), CodeBuild's retired images (CBD010)."""

from __future__ import annotations

import datetime

import pytest

from guardlint.knowledge.end_of_life import (
    RETIRED_CODEBUILD_IMAGES,
    codebuild_runtime_end,
    codebuild_table,
    judged_on,
    release_products,
    retired_codebuild_image,
)
from guardlint.knowledge.tables import load_table
from tests.conftest import TEST_DAY


def test_the_codebuild_table_has_its_source_and_date():
    table = load_table("codebuild_images.yaml")
    assert table["source"].startswith("https://docs.aws.amazon.com/codebuild/")
    assert table["verified"] == datetime.date(2026, 12, 5)


def test_codebuild_runtimes_name_products_of_the_release_cycle_table():
    """No copy of a language's dates: each runtime is a product of eol_images.yaml."""
    products = release_products()
    assert all(product in products for product in codebuild_table()["runtime_products"].values())


@pytest.mark.parametrize(
    ("runtime", "version", "product", "cycle"),
    [
        ("nodejs", "16", "node", "16"),
        ("nodejs", "18.x", "node", "18"),
        ("python", "3.8.10", "python", "3.8"),
        ("ruby", "2.x", "ruby", "2"),
        ("dotnet", "3.x", "mcr.microsoft.com/dotnet/sdk", "3"),
        ("golang", "1.21", "golang", "1.21"),
        ("java", "openjdk8", RETIRED_CODEBUILD_IMAGES, "openjdk8"),
        ("Java", "OpenJDK11", RETIRED_CODEBUILD_IMAGES, "openjdk11"),
    ],
)
def test_runtime_versions_and_their_cycles(runtime, version, product, cycle):
    found = codebuild_runtime_end(runtime, version)
    assert (found.product, found.cycle) == (product, cycle)


@pytest.mark.parametrize(
    ("runtime", "version"),
    [("nodejs", "latest"), ("python", "3.x"), ("golang", "1.x"), ("java", "corretto8"),
     ("android", "29"), ("nodejs", "$VERSION"), ("cobol", "1")],
)  # fmt: skip
def test_floating_and_unknown_versions_have_no_end(runtime, version):
    assert codebuild_runtime_end(runtime, version) is None


def test_retired_images_and_their_builds():
    assert retired_codebuild_image("aws/codebuild/standard:4.0-21.06.15").since == datetime.date(
        2023, 3, 31
    )
    assert retired_codebuild_image("AWS/CodeBuild/Python:3.7.1").since is None
    assert retired_codebuild_image("aws/codebuild/standard:4.1") is None
    assert retired_codebuild_image("aws/codebuild/standard:7.0") is None


@pytest.mark.parametrize(
    "image",
    [
        "aws/codebuild/eb-python-3.4-amazonlinux-64:2.1.6",
        "aws/codebuild/eb-nodejs-6.10.0-amazonlinux-64:4.0.0",
        "AWS/CodeBuild/eb-java-8-amazonlinux-64:2.4.3",
        "aws/codebuild/eb-ruby-2.0-amazonlinux-64:2.3.2-1.0.0",
    ],
)
def test_the_elastic_beanstalk_images_are_all_retired(image):
    """CodeBuild's early Elastic Beanstalk images (Amazon Linux AMI): every repository of them."""
    assert retired_codebuild_image(image) == (image, None)


def test_judged_on():
    assert judged_on({"as_of": "2024-01-02"}) == datetime.date(2024, 1, 2)
    assert judged_on({"as_of": datetime.date(2024, 1, 2)}) == datetime.date(2024, 1, 2)
    assert judged_on({}) == TEST_DAY  # today, pinned for the tests (conftest)
