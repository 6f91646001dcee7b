"""The build environment: privileged mode (CBD001) and end-of-life runtimes and retired images
(CBD010)."""

from __future__ import annotations

import pytest

from tests.checks.codebuild.helpers import scan_buildspec, scan_project
from tests.conftest import findings_of, lines_of, run_scan

ENVIRONMENT = """\
Environment:
  Type: LINUX_CONTAINER
  ComputeType: BUILD_GENERAL1_SMALL
  Image: {image}
  PrivilegedMode: {privileged}
"""


def _environment(image: str = "aws/codebuild/standard:7.0", privileged: str = "false") -> str:
    return ENVIRONMENT.format(image=image, privileged=privileged)


@pytest.mark.parametrize("value", ["true", '"true"', "'True'", "!If [Docker, true, false]"])
def test_privileged_mode_resolved_true(tmp_path, value):
    parameters = (
        "Parameters:\n  Mode: {Type: String}\nConditions:\n  Docker: !Equals [!Ref Mode, dind]\n"
    )
    result = scan_project(tmp_path, _environment(privileged=value), "CBD001", parameters)
    assert lines_of(result, "CBD001") == [11]


@pytest.mark.parametrize("value", ["false", '"false"', "!Ref Mode", "!GetAtt Other.Mode"])
def test_privileged_mode_false_or_unknown_does_not_fire(tmp_path, value):
    parameters = "Parameters:\n  Mode: {Type: String}\n"
    result = scan_project(tmp_path, _environment(privileged=value), "CBD001", parameters)
    assert not findings_of(result, "CBD001")


def test_privileged_mode_fires_even_for_docker_builds(tmp_path):
    """Docker-in-Docker needs privileged mode: the finding stays, to be suppressed with a
    reason."""
    properties = _environment(privileged="true") + (
        "Source:\n  Type: NO_SOURCE\n  BuildSpec: |\n    version: 0.2\n    phases:\n"
        "      build:\n        commands:\n          - docker build -t app .\n"
    )
    assert lines_of(scan_project(tmp_path, properties, "CBD001"), "CBD001") == [11]


def test_privileged_mode_suppressed_with_a_reason(tmp_path):
    scan_project(tmp_path, _environment(privileged="true"), "CBD001")
    path = tmp_path / "template.yaml"
    metadata = (
        "    Metadata:\n      guardlint:\n        ignore:\n"
        "          - {id: CBD001, reason: builds the app's container image}\n"
    )
    path.write_text(path.read_text() + metadata)
    result = run_scan(tmp_path, only_rules={"CBD001"})
    (finding,) = findings_of(result, "CBD001")
    assert finding.suppression is not None and not result.active_findings


# --- CBD010: runtime-versions --------------------------------------------------------------

RUNTIMES = """\
version: 0.2
phases:
  install:
    runtime-versions:
      {runtime}: {version}
  build:
    commands: [make]
"""

ENDED = [
    ("nodejs", "16"), ("nodejs", "12.x"), ("nodejs", "10"), ("python", "3.8"),
    ("python", "3.7"), ("python", "2.7"), ("ruby", "2.7"), ("ruby", "2.x"), ("php", "8.0"),
    ("php", "7.4"), ("golang", "1.13"), ("golang", "1.20"), ("dotnet", "6.0"), ("dotnet", "3.1"),
    ("dotnet", "5.x"), ("java", "openjdk8"), ("java", "openjdk11"), ("docker", "18"),
]  # fmt: skip
CURRENT = [
    ("nodejs", "24"), ("nodejs", "latest"), ("python", '"3.13"'), ("python", "3.x"),
    ("ruby", "3.4"), ("php", "8.4"), ("golang", "1.x"), ("golang", "1.26"), ("dotnet", "10.0"),
    ("java", "corretto8"), ("java", "corretto21"), ("android", "29"), ("nodejs", "$NODE"),
]  # fmt: skip


@pytest.mark.parametrize(("runtime", "version"), ENDED, ids="-".join)
def test_end_of_life_runtime_versions(tmp_path, runtime, version):
    text = RUNTIMES.format(runtime=runtime, version=version)
    (finding,) = findings_of(scan_buildspec(tmp_path, text, "CBD010"), "CBD010")
    assert finding.region.start_line == 5
    assert finding.resource == "buildspec phase install"
    assert f"{runtime} {version}" in finding.message


@pytest.mark.parametrize(("runtime", "version"), CURRENT, ids="-".join)
def test_maintained_or_floating_runtime_versions_do_not_fire(tmp_path, runtime, version):
    text = RUNTIMES.format(runtime=runtime, version=version)
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD010"), "CBD010")


def _on(day: str) -> dict:
    return {"rule_options": {"CBD010": {"as_of": day}}}


def test_a_number_is_read_as_written(tmp_path):
    """`python: 3.10` is YAML's number 3.1: the version is what the file says."""
    text = RUNTIMES.format(runtime="python", version="3.10")
    before = scan_buildspec(tmp_path, text, "CBD010", **_on("2026-10-30"))
    assert not findings_of(before, "CBD010")  # 3.10 ends on 2026-10-31; 3.1 ended in 2012
    after = scan_buildspec(tmp_path, text, "CBD010", **_on("2026-10-31"))
    assert "python 3.10" in findings_of(after, "CBD010")[0].message


def test_as_of_pins_the_day(tmp_path):
    text = RUNTIMES.format(runtime="nodejs", version="18")
    assert not findings_of(scan_buildspec(tmp_path, text, "CBD010", **_on("2025-04-29")), "CBD010")
    assert findings_of(scan_buildspec(tmp_path, text, "CBD010", **_on("2025-04-30")), "CBD010")


# --- CBD010: images ------------------------------------------------------------------------

RETIRED = [
    "aws/codebuild/standard:1.0", "aws/codebuild/standard:2.0", "aws/codebuild/standard:3.0",
    "aws/codebuild/standard:4.0", "aws/codebuild/standard:4.0-20.01.14",
    "aws/codebuild/amazonlinux2-x86_64-standard:1.0",
    "aws/codebuild/amazonlinux2-x86_64-standard:3.0",
    "aws/codebuild/amazonlinux2-aarch64-standard:1.0", "aws/codebuild/docker:18.09.0",
    "aws/codebuild/python:3.7.1", "aws/codebuild/nodejs:10.14.1", "aws/codebuild/java:openjdk-8",
    "aws/codebuild/ubuntu-base:14.04", "aws/codebuild/golang:1.11", "aws/codebuild/ruby:2.5.3",
    "aws/codebuild/eb-python-3.4-amazonlinux-64:2.1.6",
    "aws/codebuild/eb-nodejs-6.10.0-amazonlinux-64:4.0.0",
]  # fmt: skip
CURRENT_IMAGES = [
    "aws/codebuild/standard:5.0", "aws/codebuild/standard:6.0", "aws/codebuild/standard:7.0",
    "aws/codebuild/amazonlinux2-x86_64-standard:4.0",
    "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
    "aws/codebuild/amazonlinux-x86_64-standard:5.0",
    "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
    "aws/codebuild/windows-base:2019-3.0", "public.ecr.aws/docker/library/python:3.7",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build:standard-4.0", "ubuntu:14.04",
]  # fmt: skip


@pytest.mark.parametrize("image", RETIRED)
def test_retired_curated_images(tmp_path, image):
    result = scan_project(tmp_path, _environment(image=image), "CBD010")
    (finding,) = findings_of(result, "CBD010")
    assert finding.region.start_line == 10
    assert finding.resource == "AWS::CodeBuild::Project Build"


def test_retired_images_of_each_deployment_are_one_finding(tmp_path):
    image = '!If [Docker, "aws/codebuild/standard:1.0", "aws/codebuild/standard:2.0"]'
    conditions = (
        "Parameters:\n  Mode: {Type: String}\nConditions:\n  Docker: !Equals [!Ref Mode, dind]\n"
    )
    result = scan_project(tmp_path, _environment(image=image), "CBD010", conditions)
    (finding,) = findings_of(result, "CBD010")
    assert finding.region.start_line == 10
    assert "builds on aws/codebuild/standard:1.0, a retired CodeBuild image" in finding.message
    assert "Another deployment builds on aws/codebuild/standard:2.0, a retired" in finding.message


EB_BUILDSPEC = """\
version: 0.2
phases:
  build:
    commands:
      - mvn package
artifacts:
  files: [target/app.war]
eb_codebuild_settings:
  CodeBuildServiceRole: eb-codebuild-role
  ComputeType: BUILD_GENERAL1_SMALL
  Image: {image}
  Timeout: 60
"""


def test_the_image_the_eb_cli_builds_on_is_the_project_s(tmp_path):
    # The EB CLI creates the CodeBuild project from `eb_codebuild_settings` (Elastic Beanstalk
    # Developer Guide, "Using the EB CLI with AWS CodeBuild").
    image = "aws/codebuild/eb-java-8-amazonlinux-64:2.4.3"
    result = scan_buildspec(tmp_path, EB_BUILDSPEC.format(image=image), "CBD010")
    (finding,) = findings_of(result, "CBD010")
    assert (finding.region.start_line, finding.region.start_column) == (11, 3)
    assert finding.resource == "buildspec eb_codebuild_settings"
    assert image in finding.message


@pytest.mark.parametrize("image", CURRENT_IMAGES)
def test_a_current_eb_cli_image_does_not_fire(tmp_path, image):
    result = scan_buildspec(tmp_path, EB_BUILDSPEC.format(image=image), "CBD010")
    assert not findings_of(result, "CBD010")


@pytest.mark.parametrize("image", CURRENT_IMAGES)
def test_current_curated_and_custom_images_do_not_fire(tmp_path, image):
    assert not findings_of(scan_project(tmp_path, _environment(image=image), "CBD010"), "CBD010")


def test_an_image_parameter_default_is_resolved(tmp_path):
    parameters = "Parameters:\n  Image: {Type: String, Default: 'aws/codebuild/standard:3.0'}\n"
    result = scan_project(tmp_path, _environment(image="!Ref Image"), "CBD010", parameters)
    assert "deprecated 2022-06-30" in findings_of(result, "CBD010")[0].message
    pinned = scan_project(
        tmp_path, _environment(image="!Ref Image"), "CBD010", parameters, **_on("2022-06-29")
    )
    assert not findings_of(pinned, "CBD010")


LAMBDA_X86 = "aws/codebuild/amazonlinux-x86_64-lambda-standard"
LAMBDA_ARM = "aws/codebuild/amazonlinux-aarch64-lambda-standard"


@pytest.mark.parametrize(
    ("image", "runtime", "ended"),
    [
        (f"{LAMBDA_X86}:nodejs18", "nodejs 18", "2025-04-30"),
        (f"{LAMBDA_ARM}:go1.21", "golang 1.21", "2024-08-13"),
        (f"{LAMBDA_X86}:dotnet6", "dotnet 6", "2024-11-12"),
        (f"{LAMBDA_ARM}:ruby3.2", "ruby 3.2", "2026-03-31"),
    ],
)
def test_lambda_compute_image_of_an_ended_runtime(tmp_path, image, runtime, ended):
    """A Lambda compute image is built for one runtime, named by its tag (runtime-versions
    does not apply there): the build gets no fixes once that runtime has ended."""
    environment = _environment(image=image).replace("LINUX_CONTAINER", "LINUX_LAMBDA_CONTAINER")
    result = scan_project(tmp_path, environment, "CBD010", **_on("2026-12-01"))
    (finding,) = findings_of(result, "CBD010")
    assert finding.region.start_line == 10
    assert f"built for {runtime}" in finding.message and ended in finding.message
    assert finding.properties["image"] == image


@pytest.mark.parametrize(
    "image",
    [f"{LAMBDA_X86}:nodejs22", f"{LAMBDA_ARM}:python3.12", f"{LAMBDA_X86}:corretto21"],
)
def test_lambda_compute_image_of_a_maintained_runtime(tmp_path, image):
    result = scan_project(tmp_path, _environment(image=image), "CBD010", **_on("2026-12-01"))
    assert not findings_of(result, "CBD010")
