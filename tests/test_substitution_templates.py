"""Templates for substitution (`*.yaml.j2`, `*.yml.tmpl`, `*.json.template`, ...): one that does
not parse because its placeholders are not filled in yet is skipped and counted as a
template, not GL001; one that parses is scanned as usual; `*.template` alone stays
CloudFormation's naming (guardlint/parse/substitution.py, discover.py, documents/__init__.py)."""

from __future__ import annotations

import json

import pytest

from guardlint.discover import kind_by_name, template_of
from guardlint.parse.substitution import fails_at_placeholder, has_placeholders
from guardlint.report import reporter
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

GL001 = FIXTURES / "scan" / "GL001"


@pytest.mark.parametrize(
    "name,filled,kind",
    [("deployment.yaml.j2", "deployment.yaml", "structured"),
     ("docker-compose.yml.tmpl", "docker-compose.yml", "compose"),
     ("queue.json.template", "queue.json", "structured"),
     ("values.YML.TPL", "values.YML", "structured"),
     ("Dockerfile.jinja2", "Dockerfile", "dockerfile"),
     ("stack.template", None, "structured"),  # CloudFormation's own naming
     ("_helpers.tpl", None, None),
     ("index.html.j2", None, None)],
)  # fmt: skip
def test_template_names(name, filled, kind):
    assert template_of(name) == filled
    assert kind_by_name(name) == kind


@pytest.mark.parametrize(
    "text,found",
    [("image: ${IMAGE}", True), ("name: {{ name }}", True), ("{% if tls %}", True),
     ("image: <EDIT: your image>", True), ("port: <%= port %>", True),
     ("image: nginx:1.27 # <none>", False), ("cost: $5 {not a placeholder}", False)],
)  # fmt: skip
def test_placeholders(text, found):
    assert has_placeholders(text) is found


def test_placeholder_search_is_linear():
    assert not has_placeholders("{{ {% <% ${" * 200_000)


@pytest.mark.parametrize(
    "error_line,expected", [(2, True), (3, True), (4, False), (1, False), (None, True)]
)
def test_a_parse_error_is_the_placeholders_doing_on_their_line_or_the_next(error_line, expected):
    lines = ["kind: Pod", "image: {{ image }}", "ports: []", "x: y"]
    assert fails_at_placeholder(lines, error_line) is expected


def test_unfilled_templates_are_counted_as_templates_not_gl001():
    result = run_scan(GL001 / "good-unfilled-templates")
    assert not result.findings
    assert result.skipped_files == {"template": 3}
    assert result.files["skipped"] == 3 and not result.files["unparsable"]
    summary = json.loads(reporter("json")(result))["summary"]
    assert summary["skip_reasons"]["files"] == {"template": 3}
    assert "skipped:     3 unfilled templates" in reporter("text")(result)


def test_a_broken_template_without_placeholders_is_gl001():
    (finding,) = findings_of(GL001 / "bad-template-without-placeholders", "GL001")
    assert finding.path.endswith("service.yaml.tmpl") and finding.region.start_line == 7


def test_a_template_broken_away_from_its_placeholders_is_gl001():
    (finding,) = findings_of(GL001 / "bad-template-broken-elsewhere", "GL001")
    assert finding.path.endswith("deployment.yaml.tmpl") and finding.region.start_line > 15


def test_a_cloudformation_dot_template_that_does_not_parse_is_gl001():
    (finding,) = findings_of(GL001 / "bad-cloudformation-template", "GL001")
    assert finding.path.endswith("queue.template")


def test_a_template_that_parses_is_scanned_as_usual(tmp_path):
    compose = "services:\n  web:\n    image: ${IMAGE}\n    privileged: true\n"
    result = run_scan(write_file(tmp_path, "docker-compose.yml.tmpl", compose))
    assert lines_of(result, "CMP001") == [4]
    assert result.files["scanned"] == 1


def test_a_secret_in_an_unfilled_template_is_still_found(tmp_path):
    manifest = "kind: ConfigMap\n{% if aws %}\ndata:\n  key: AKIAZ7VRSQ3LKQ2X5EPN\n{% endif %}\n"
    result = run_scan(write_file(tmp_path, "deploy.yaml.j2", "apiVersion: v1\n" + manifest))
    assert lines_of(result, "SEC001") == [5]
    assert not findings_of(result, "GL001") and result.skipped_files == {"template": 1}


# Files a tool fills in before use under their final names: an Ansible role's template, a
# manifest rendered by gomplate, Rails' ERB, an ECS task definition rendered by Jinja.
TEMPLATES_UNDER_IAC_NAMES = {
    "roles/web/templates/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        "{% if replicas %}\nspec:\n  replicas: {{ replicas }}\n{% endif %}\n"
    ),
    "deploy/service.yaml": (
        "{{- if .Env.EXPOSE }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n{{- end }}\n"
    ),
    "cloudformation/queue.yaml": (
        "Resources:\n<% queues.each do |name| %>\n  <%= name %>:\n    Type: AWS::SQS::Queue\n"
        "<% end %>\n"
    ),
    "ecs/task-definition.json": (
        '{\n  "family": "web",\n  "containerDefinitions": [\n{% for c in containers %}\n'
        '    {"name": "{{ c }}", "image": "nginx"}{{ "," if not loop.last }}\n'
        "{% endfor %}\n  ]\n}\n"
    ),
}


def test_iac_names_that_fail_at_a_placeholder_are_templates_not_gl001(tmp_path):
    for name, text in TEMPLATES_UNDER_IAC_NAMES.items():
        write_file(tmp_path, name, text)
    result = run_scan(tmp_path)
    assert not findings_of(result, "GL001")
    assert result.files["unparsable"] == 0 and result.skipped_files["template"] == 4


def test_an_iac_name_broken_away_from_its_placeholders_is_gl001(tmp_path):
    manifest = "apiVersion: v1\nkind: {{ kind }}\nmetadata:\n  name: web\n   labels: {a: b}\n"
    (finding,) = findings_of(run_scan(write_file(tmp_path, "pod.yaml", manifest)), "GL001")
    assert finding.region.start_line == 5


def test_an_iac_name_is_not_a_template_for_a_dollar_placeholder(tmp_path):
    """`${X}` is CloudFormation's and Compose's own syntax: unquoted where a value goes, it is
    a broken file under an IaC name, not one waiting for envsubst."""
    policy = '{\n  "Version": "2012-10-17",\n  "Statement": ${STATEMENTS}\n}\n'
    (finding,) = findings_of(run_scan(write_file(tmp_path, "policy.json", policy)), "GL001")
    assert finding.region.start_line == 3
