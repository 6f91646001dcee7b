"""The Compose pack as a whole: every CMP rule on its fixtures (IDs and lines), and which YAML
files count as Compose at all."""

from __future__ import annotations

import pytest

from guardlint.discover import kind_by_name
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

COMPOSE = FIXTURES / "compose"

# (rule, fixture directory) -> lines the rule must report there, and nothing else.
EXPECTED_LINES = {
    ("CMP001", "bad"): [4],
    ("CMP001", "bad-merge-key"): [10],  # inherited through `<<: *defaults`: the `<<` line
    ("CMP002", "bad"): [6, 7, 8],
    ("CMP003", "bad"): [4],
    ("CMP004", "bad"): [4, 7, 10],
    ("CMP005", "bad"): [5],
    ("CMP005", "bad-long-syntax"): [5, 12],
    ("CMP005", "bad-named-volume-bind"): [5],
    ("CMP006", "bad"): [5, 6, 12, 13],
    ("CMP007", "bad"): [6],
    ("CMP007", "bad-list-and-default"): [6, 7, 12],
    ("CMP007", "bad-detected"): [5, 7],
    ("CMP007", "bad-capitals"): [6, 7],
    ("CMP008", "bad"): [3, 5, 7],
    ("CMP009", "bad"): [5],
    ("CMP009", "bad-variants"): [5, 6, 7, 11, 12, 16, 20],
    ("CMP010", "bad"): [5, 6, 7, 8],
    ("CMP011", "bad"): [2],
    ("CMP012", "bad"): [4, 5],
    ("CMP013", "bad"): [4, 7, 10],
    ("CMP014", "bad"): [5, 6],
    ("CMP015", "bad"): [6],
    ("CMP015", "bad-map-and-links"): [7, 11],
}


@pytest.mark.parametrize(("rule_id", "case"), sorted(EXPECTED_LINES), ids="-".join)
def test_rule_reports_the_offending_lines(rule_id, case):
    result = run_scan(COMPOSE / rule_id / case)
    assert lines_of(result, rule_id) == EXPECTED_LINES[rule_id, case]
    for finding in findings_of(result, rule_id):
        assert finding.resource.startswith("service ")
        assert finding.resource.split(" ", 1)[1] in finding.message


def test_every_bad_fixture_has_line_assertions():
    bad_dirs = {(p.parent.name, p.name) for p in COMPOSE.glob("CMP*/bad*") if p.is_dir()}
    assert bad_dirs == set(EXPECTED_LINES)


def test_fixtures_scan_without_parse_or_internal_errors():
    result = run_scan(COMPOSE)
    assert not findings_of(result, "GL002")
    assert not findings_of(result, "GL001")


@pytest.mark.parametrize(
    "name",
    [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "docker-compose.override.yml",
        "compose.prod.yaml",
        "docker-compose.prod.yml",
        "docker-compose-dev.yml",
    ],
)
def test_compose_file_names(name, tmp_path):
    assert kind_by_name(name) == "compose"
    write_file(tmp_path, name, "services:\n  web:\n    image: nginx\n")
    result = run_scan(tmp_path, only_rules={"CMP008"})
    assert result.kinds["compose"] == 1
    assert lines_of(result, "CMP008") == [3]


NOT_COMPOSE = {
    # A GitHub workflow: `services:` lives under a job, never at the top level.
    ".github/workflows/ci.yml": """
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres
        ports: ["5432:5432"]
""",
    # Helm values: a top-level services map beside other chart settings.
    "chart/values.yaml": """
replicaCount: 2
services:
  api:
    image:
      repository: example/api
      tag: latest
    port: 5432
  worker:
    image: example/worker
""",
    # Lando: a services map whose services name a `type`, and no Compose `version:`.
    ".lando.yml": """
name: shop
services:
  appserver:
    type: php:8.2
    ports: ["22:22"]
""",
    # GitLab CI: `services:` is a list of images.
    "ci/pipeline.yml": """
image: docker:27
services:
  - docker:27-dind
""",
}


@pytest.mark.parametrize("name", sorted(NOT_COMPOSE))
def test_yaml_with_services_that_is_not_compose_is_skipped(name, tmp_path):
    write_file(tmp_path, name, NOT_COMPOSE[name].lstrip())
    result = run_scan(tmp_path)
    assert result.kinds["compose"] == 0
    assert not [f for f in result.findings if f.rule_id.startswith("CMP")]


def test_compose_by_content_with_extension_fields(tmp_path):
    write_file(
        tmp_path,
        "stack/app.yml",
        "version: '3.8'\nx-common: &common\n  restart: always\nservices:\n"
        "  web:\n    <<: *common\n    image: nginx\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP008"})
    assert result.kinds["compose"] == 1
    assert lines_of(result, "CMP008") == [7]


@pytest.mark.parametrize(
    "extends", ["{file: common.yml, service: base}", "{service: base}", "base"]
)
def test_compose_by_content_whose_services_extend_others(tmp_path, extends):
    """A service that extends another (of another file, or of this one) has the image or build
    it runs from there: a file of such services is Compose by its content too."""
    write_file(
        tmp_path,
        "stack/dev.yml",
        f"services:\n  web:\n    extends: {extends}\n    privileged: true\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP001"})
    assert result.kinds["compose"] == 1
    assert lines_of(result, "CMP001") == [4]


@pytest.mark.parametrize("version", ["'2.1'", '"3.9"', "3", "3.8"])
def test_compose_by_content_by_its_version_whatever_its_services_name(version, tmp_path):
    """A file that declares a Compose file format (`version: '3.9'`) and only Compose's
    top-level keys is Compose even when no service names an image or build here (a fragment
    given with `-f`, or a file cut down to the setting in question): its settings are judged."""
    write_file(
        tmp_path,
        "cases/positive1.yaml",
        f"version: {version}\n\nservices:\n  webapp:\n    container_name: webapp\n"
        '    ports:\n      - "2375:2375"\n    privileged: true\n',
    )
    result = run_scan(tmp_path, only_rules={"CMP001", "CMP009", "CMP011", "CMP015"})
    assert result.kinds["compose"] == 1
    assert lines_of(result, "CMP009") == [7]
    assert lines_of(result, "CMP001") == [8]
    # What it lacks may come from the file it is merged with: not judged.
    assert lines_of(result, "CMP011") == []


def test_compose_by_content_whose_services_use_only_compose_settings(tmp_path):
    """Without `version:` and with no image or build here, a file whose every service setting
    is one of Compose's own is Compose too; one with a setting Compose does not know is not."""
    write_file(
        tmp_path,
        "cases/positive2.yaml",
        "services:\n  webapp:\n    container_name: webapp\n    privileged: true\n",
    )
    write_file(
        tmp_path,
        "other/serverless-compose.yml",
        "services:\n  api:\n    path: api\n    privileged: true\n",
    )
    result = run_scan(tmp_path, only_rules={"CMP001"})
    assert result.kinds["compose"] == 1
    assert [(f.path, f.region.start_line) for f in result.findings] == [("cases/positive2.yaml", 4)]
