"""guardlint's own container image (the repository's Dockerfile): guardlint's scan of it
passes, and it has the shape docs/usage.md promises. .ci/container-image builds and runs it."""

from __future__ import annotations

import json
import re
import tomllib

from click.testing import CliRunner
from dockerfile_parse import DockerfileParser

from guardlint.cli import cli
from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def final_stage() -> list[tuple[str, str]]:
    """(instruction, value) of the Dockerfile's last stage, comments left out."""
    instructions = DockerfileParser(path=str(DOCKERFILE), env_replace=True).structure
    last_from = max(i for i, item in enumerate(instructions) if item["instruction"] == "FROM")
    return [
        (item["instruction"], item["value"])
        for item in instructions[last_from:]
        if item["instruction"] != "COMMENT"
    ]


def test_guardlint_reports_nothing_above_low_in_its_own_dockerfile():
    result = CliRunner().invoke(
        cli, ["scan", str(DOCKERFILE), "--severity", "info", "--fail-on", "medium", "-f", "json"]
    )
    findings = json.loads(result.output)["findings"]
    assert result.exit_code == 0, [(f["rule_id"], f["severity"]) for f in findings]
    assert {f["severity"] for f in findings} <= {"low", "info"}


def test_base_images_are_pinned_by_tag_and_digest_and_the_build_has_stages():
    parents = DockerfileParser(path=str(DOCKERFILE), env_replace=True).parent_images
    assert len(parents) == 2
    for image in parents:
        assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image


def test_the_image_runs_guardlint_as_a_numeric_non_root_user_in_src():
    stage = final_stage()
    assert ("USER", "10001:10001") in stage
    assert ("WORKDIR", "/src") in stage
    assert ("ENTRYPOINT", '["guardlint"]') in stage
    assert ("HEALTHCHECK", "NONE") in stage
    # The runtime stage gets the built environment only, not the sources or build tools.
    assert [value for name, value in stage if name == "COPY"] == [
        "--from=builder /opt/guardlint /opt/guardlint"
    ]
    assert not [value for name, value in stage if name == "RUN"]


def test_the_build_context_holds_what_the_package_is_built_from():
    """.dockerignore lets in exactly the paths pyproject.toml's sdist is made of."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    sdist = pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in lines
    admitted = [line[1:].rstrip("/") for line in lines if line.startswith("!")]
    assert sorted(admitted) == sorted(sdist)
