"""The Compose pack: every CMP rule on its fixtures (IDs and lines), the syntax variants it must
read, and which YAML files count as Compose at all."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.checks.registry import check_for
from guardlint.discover import kind_by_name
from guardlint.documents.compose import parse_port
from guardlint.model import Document, Severity
from guardlint.parse.compose_interpolation import interpolate
from guardlint.parse.yaml_nodes import load_documents
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

COMPOSE = FIXTURES / "compose"
COMPOSE_RULES = [rule for rule in load_rulebook().rules if rule.pack == "compose"]

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


def test_merge_key_privileged_fires_on_the_inheriting_service_only():
    (finding,) = findings_of(COMPOSE / "CMP001" / "bad-merge-key", "CMP001")
    assert finding.resource == "service agent"
    assert finding.snippet == "<<: *defaults"


def test_read_only_sensitive_mount_is_reported_at_lower_severity():
    findings = {f.region.start_line: f for f in findings_of(COMPOSE / "CMP006" / "bad", "CMP006")}
    assert findings[5].severity == Severity.HIGH  # /etc, writable
    assert findings[12].severity == Severity.MEDIUM  # /:/host:ro,rslave
    assert findings[13].severity == Severity.MEDIUM  # ~/.ssh:ro
    assert findings[12].properties == {"hostPath": "/", "readOnly": True}


def test_loopback_port_is_silent_and_all_interfaces_fire(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16.4\n    ports:\n"
        '      - "127.0.0.1:5432:5432"\n      - "5432:5432"\n',
    )
    assert lines_of(tmp_path, "CMP009") == [6]


@pytest.mark.parametrize(
    ("text", "host_ip", "ports", "protocol"),
    [
        ("5432", "", range(5432, 5433), "tcp"),
        ("5432:5432", "", range(5432, 5433), "tcp"),
        ("127.0.0.1:5432:5432", "127.0.0.1", range(5432, 5433), "tcp"),
        ("127.0.0.1::5432", "127.0.0.1", range(5432, 5433), "tcp"),
        ("[::]:22:22", "[::]", range(22, 23), "tcp"),
        ("[::1]:2222:22/tcp", "[::1]", range(22, 23), "tcp"),
        ("::1:5432:5432", "::1", range(5432, 5433), "tcp"),
        ("53:53/udp", "", range(53, 54), "udp"),
        ("8000-8010:8000-8010", "", range(8000, 8011), "tcp"),
        ("${HOST_IP:-127.0.0.1}:6379:6379", "127.0.0.1", range(6379, 6380), "tcp"),
    ],
)
def test_parse_port_short_syntax(text, host_ip, ports, protocol):
    mapping = parse_port(text)
    assert mapping is not None
    assert (mapping.host_ip, mapping.container_ports, mapping.protocol) == (
        host_ip,
        ports,
        protocol,
    )


@pytest.mark.parametrize(
    "text",
    # '²' passes str.isdigit() and 5,000 digits pass it too, but int() refuses both.
    ["${DB_PORT}:5432", "${BIND}:5432:5432", "http", "", "8080:²", "²", "80:" + "1" * 5000],
)
def test_parse_port_unknown_is_none(text):
    assert parse_port(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${VAR}", "${VAR}"),
        ("$VAR", "${VAR}"),
        ("${VAR:-s3cret}", "s3cret"),
        ("${VAR-s3cret}", "s3cret"),
        ("${VAR:?must be set}", "${VAR}"),
        ("${A:-${B:-inner}}", "inner"),
        ("pa$$word", "pa$word"),
        ("$${NOT_COMPOSE}", "${NOT_COMPOSE}"),
        ("prefix-${VAR:+alt}-suffix", "prefix-alt-suffix"),
        ("cost $5", "cost $5"),
    ],
)
def test_interpolate(text, expected):
    assert interpolate(text) == expected


def test_interpolation_default_that_is_a_secret_fires(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "services:\n  api:\n    image: example/api:1.0\n    environment:\n"
        "      DB_PASSWORD: ${DB_PASSWORD}\n"
        "      ADMIN_PASSWORD: ${ADMIN_PASSWORD:-Adm1nPassw0rd!}\n"
        "      SMTP_PASSWORD: ${SMTP_PASSWORD:-changeme}\n",
    )
    assert lines_of(tmp_path, "CMP007") == [6]


def test_secret_values_never_reach_the_report(tmp_path):
    result = run_scan(COMPOSE / "CMP007")
    report = json.dumps([f.to_dict() for f in result.findings])
    for secret in (
        "Sup3rS3cretPassw0rd",
        "tk_9f8e7d6c5b4a3210",
        "w0rd-l1teral",
        "npm_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ",
        "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",
        "9rT4xLw2Qz7v",
    ):
        assert secret not in report
    # The Compose rule reported these lines, so SEC001 stays silent on them.
    assert not findings_of(result, "SEC001")


def test_services_extending_or_partial_are_not_judged_for_missing_settings(tmp_path):
    write_file(
        tmp_path,
        "docker-compose.override.yml",
        "services:\n  web:\n    environment:\n      DEBUG: '1'\n    depends_on: [db]\n",
    )
    result = run_scan(tmp_path)
    assert result.kinds["compose"] == 1
    for rule_id in ("CMP011", "CMP012", "CMP015"):
        assert not findings_of(result, rule_id)


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


def test_fixtures_scan_without_parse_or_internal_errors():
    result = run_scan(COMPOSE)
    assert not findings_of(result, "GL002")
    assert not findings_of(result, "GL001")


SERVICE_KEYS = (
    "image", "build", "extends", "privileged", "cap_add", "network_mode", "pid", "ipc",
    "volumes", "environment", "ports", "security_opt", "user", "devices", "depends_on",
    "links", "volumes_from", "read_only", "mem_limit", "deploy",
)  # fmt: skip
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
    st.sampled_from(["22:22", "host", "/var/run/docker.sock:/x:ro", "${A:-b}", "$$", "0:0",
                     "[::]:22:22", "root", "bind", "PASSWORD=s3cr3t-value", "C:\\x:/y"]),
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["source", "target", "type", "x", "required"]), inner,
                      max_size=3),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["web", "db"]),
        st.one_of(st.none(), st.dictionaries(st.sampled_from(SERVICE_KEYS), _values, max_size=6)),
        min_size=1,
        max_size=2,
    )
)
def test_no_rule_crashes_on_odd_but_parsable_services(services):
    text = yaml.safe_dump({"services": services})
    (data,) = load_documents(text)
    document = Document("compose", "compose.yaml", data, text.splitlines())
    for rule in COMPOSE_RULES:
        for hit in check_for(rule)(document, rule):
            assert hit.message and hit.resource.startswith("service ")
