"""Batch builds: each build of `batch.build-list`, `batch.build-graph` and
`batch.build-matrix` (static, and each value of a dynamic variable) sets its own
`env.variables`, which CBD002 and CBD005 judge like the buildspec's own `env.variables`."""

from __future__ import annotations

import pytest

from tests.checks.codebuild.helpers import scan_buildspec, scan_project
from tests.conftest import findings_of

SECRET = "ghp_Zq4nW8tRk2LmX7vB1cYp9sD3fH6jK0aQe5Uu"

# Each shape puts {name}: {value} on line 8.
SHAPES = {
    "build-list": """\
        version: 0.2
        batch:
          build-list:
            - identifier: linux
              env:
                compute-type: BUILD_GENERAL1_SMALL
                variables:
                  {name}: {value}
        phases:
          build:
            commands: [make]
        """,
    "build-graph": """\
        version: 0.2
        batch:
          build-graph:
            - identifier: build1
              env:
                image: aws/codebuild/standard:7.0
                variables:
                  {name}: {value}
        phases:
          build:
            commands: [make]
        """,
    "build-matrix-static": """\
        version: 0.2
        batch:
          build-matrix:
            static:
              ignore-failure: false
              env:
                variables:
                  {name}: {value}
        phases:
          build:
            commands: [make]
        """,
    "build-matrix-dynamic": """\
        version: 0.2
        batch:
          build-matrix:
            dynamic:
              env:
                variables:
                  {name}:
                    - {value}
        phases:
          build:
            commands: [make]
        """,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_batch_builds_plaintext_secret(tmp_path, shape):
    text = SHAPES[shape].format(name="API_TOKEN", value=SECRET)
    (finding,) = findings_of(scan_buildspec(tmp_path, text, "CBD002"), "CBD002")
    assert finding.region.start_line == 8
    assert finding.resource == "buildspec env API_TOKEN"
    assert "batch" in finding.message


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("name", "value"),
    [("API_TOKEN", "$API_TOKEN"), ("DB_HOST", "db.internal"), ("DB_PASSWORD", "<password>")],
)
def test_a_batch_builds_expansions_and_other_names_do_not_fire(tmp_path, shape, name, value):
    text = SHAPES[shape].format(name=name, value=value)
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD002"), "CBD002")


@pytest.mark.parametrize("shape", SHAPES)
def test_a_batch_build_turning_tls_checks_off(tmp_path, shape):
    text = SHAPES[shape].format(name="NODE_TLS_REJECT_UNAUTHORIZED", value='"0"')
    (finding,) = findings_of(scan_buildspec(tmp_path, text, "CBD005"), "CBD005")
    assert finding.region.start_line == 8
    assert "batch" in finding.message


@pytest.mark.parametrize("shape", SHAPES)
def test_a_batch_build_keeping_tls_checks_does_not_fire(tmp_path, shape):
    text = SHAPES[shape].format(name="NODE_TLS_REJECT_UNAUTHORIZED", value='"1"')
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD005"), "CBD005")


def test_each_value_of_a_dynamic_matrix_variable(tmp_path):
    text = """\
        version: 0.2
        batch:
          build-matrix:
            dynamic:
              env:
                variables:
                  DB_PASSWORD:
                    - Sup3r-S3cret-Pass
                    - $DB_PASSWORD
                    - An0ther-S3cret-Pass
        phases:
          build:
            commands: [make]
        """
    findings = findings_of(scan_buildspec(tmp_path, text, "CBD002"), "CBD002")
    assert sorted(f.region.start_line for f in findings) == [8, 10]


def test_odd_batch_shapes_are_skipped(tmp_path):
    text = """\
        version: 0.2
        batch:
          build-list: not-a-list
          build-graph:
            - just-a-string
            - identifier: x
              env: not-a-map
          build-matrix:
            dynamic:
              env:
                variables: [API_TOKEN]
        phases:
          build:
            commands: [make]
        """
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD002"), "CBD002")


# --- CBD001: a batch build's own privileged mode --------------------------------------------

PRIVILEGED = {
    "build-list": """\
        version: 0.2
        batch:
          build-list:
            - identifier: images
              env:
                image: aws/codebuild/standard:7.0
                privileged-mode: {value}
        phases:
          build:
            commands: [docker build .]
        """,
    "build-graph": """\
        version: 0.2
        batch:
          build-graph:
            - identifier: images
              depend-on: []
              env:
                privileged-mode: {value}
        phases:
          build:
            commands: [docker build .]
        """,
    "build-matrix-static": """\
        version: 0.2
        batch:
          build-matrix:
            static:
              ignore-failure: false
              env:
                privileged-mode: {value}
        phases:
          build:
            commands: [docker build .]
        """,
}


@pytest.mark.parametrize("shape", PRIVILEGED)
@pytest.mark.parametrize("value", ["true", '"true"', "True"])
def test_a_batch_build_in_privileged_mode(tmp_path, shape, value):
    """`privileged-mode` of a batch build's env is the project's PrivilegedMode for that build:
    CodeBuild starts it with Docker's --privileged."""
    text = PRIVILEGED[shape].format(value=value)
    (finding,) = findings_of(scan_buildspec(tmp_path, text, "CBD001"), "CBD001")
    assert finding.region.start_line == 7
    build = "images" if shape != "build-matrix-static" else "static"
    assert build in finding.message and finding.resource == "buildspec env privileged-mode"


@pytest.mark.parametrize("shape", PRIVILEGED)
@pytest.mark.parametrize("value", ["false", '"false"', "$PRIVILEGED"])
def test_a_batch_build_not_in_privileged_mode(tmp_path, shape, value):
    text = PRIVILEGED[shape].format(value=value)
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD001"), "CBD001")


def test_an_inline_buildspecs_batch_build_in_privileged_mode(tmp_path):
    properties = """\
        Artifacts: {Type: NO_ARTIFACTS}
        Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: x}
        Source:
          Type: NO_SOURCE
          BuildSpec: |
            version: 0.2
            batch:
              build-list:
                - identifier: images
                  env:
                    privileged-mode: true
            phases:
              build:
                commands: [make]
        """
    (finding,) = findings_of(scan_project(tmp_path, properties, "CBD001"), "CBD001")
    assert finding.region.start_line == 17
    assert finding.resource == "AWS::CodeBuild::Project Build buildspec env privileged-mode"


def test_a_batch_build_on_a_retired_image(tmp_path):
    """A batch build's env.image overrides the project's image for that build (CBD010), in
    every shape, each value of a dynamic matrix's image list too."""
    text = """\
        version: 0.2
        batch:
          build-list:
            - identifier: legacy
              env:
                image: aws/codebuild/standard:3.0
            - identifier: current
              env:
                image: aws/codebuild/standard:7.0
          build-graph:
            - identifier: node
              env: {image: "aws/codebuild/nodejs:10.14.1"}
          build-matrix:
            static:
              env:
                image: aws/codebuild/amazonlinux2-x86_64-standard:3.0
            dynamic:
              env:
                image:
                  - aws/codebuild/amazonlinux2-x86_64-standard:5.0
                  - aws/codebuild/standard:4.0
        phases:
          build:
            commands: [make]
        """
    findings = findings_of(scan_buildspec(tmp_path, text, "CBD010"), "CBD010")
    assert [(f.region.start_line, f.properties["image"]) for f in findings] == [
        (6, "aws/codebuild/standard:3.0"),
        (12, "aws/codebuild/nodejs:10.14.1"),
        (16, "aws/codebuild/amazonlinux2-x86_64-standard:3.0"),
        (21, "aws/codebuild/standard:4.0"),
    ]
    assert "batch.build-list build legacy" in findings[0].message
    assert {f.resource for f in findings} == {"buildspec env image"}
