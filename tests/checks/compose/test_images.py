"""CMP008 (checks/compose/images.py): an image with no tag or the latest tag."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose
from tests.conftest import findings_of, lines_of, run_scan, write_file


def _image(reference: str, extra: str = "") -> str:
    return f"services:\n  cache:\n    image: {reference}\n{extra}"


@pytest.mark.parametrize(
    "reference",
    ["redis", "redis:latest", "registry.example.com:5000/team/redis", "${REGISTRY:-ghcr.io}/x"],
)
def test_catches(tmp_path, reference):
    assert lines_of(scan_compose(tmp_path, _image(reference), "CMP008"), "CMP008") == [3]


@pytest.mark.parametrize(
    "reference",
    ["redis:7.4.1-alpine", "redis@sha256:" + "a" * 64, "redis:${TAG}", "${IMAGE}",
     "registry.example.com:5000/redis:7"],
)  # fmt: skip
def test_doesnt_catch(tmp_path, reference):
    assert lines_of(scan_compose(tmp_path, _image(reference), "CMP008"), "CMP008") == []


def test_doesnt_catch_the_image_a_service_builds(tmp_path):
    text = _image("example/app", "    build: .\n")
    assert lines_of(scan_compose(tmp_path, text, "CMP008"), "CMP008") == []


def test_message_says_how_latest_was_chosen(tmp_path):
    (finding,) = findings_of(scan_compose(tmp_path, _image("redis"), "CMP008"), "CMP008")
    assert "no tag (so :latest)" in finding.message
    assert finding.properties == {"image": "redis"}


@pytest.mark.parametrize(
    "override_name", ["compose.override.yaml", "docker-compose.prod.override.yml"]
)
def test_doesnt_catch_the_image_an_override_names_for_what_the_base_file_builds(
    tmp_path, override_name
):
    """An override file that names the image of a service its base file builds (the base file
    beside it: what `docker compose up` or `-f` merges it into) names what Compose builds."""
    write_file(
        tmp_path, "compose.yaml", "services:\n  web:\n    build: .\n  db:\n    image: pg:16\n"
    )
    write_file(
        tmp_path, override_name, "services:\n  web:\n    image: acme/web\n  db:\n    image: pg\n"
    )
    result = run_scan(tmp_path, only_rules={"CMP008"})
    assert [(f.path, f.region.start_line) for f in result.findings] == [(override_name, 5)]
