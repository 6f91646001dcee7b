"""CMP015 (checks/compose/references.py): a reference to a service the file does not define."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose
from tests.conftest import findings_of, lines_of


def _web(body: str) -> str:
    lines = "".join(f"    {line}\n" for line in body.split("\n"))
    return f"services:\n  web:\n    image: example/web:1.0\n{lines}  db:\n    image: postgres:16\n"


CATCHES = [
    ("depends_on: [database]", "depends_on"),
    ("depends_on:\n  database: {condition: service_healthy}", "depends_on"),
    ("links: ['cache:redis']", "links"),
    ("volumes_from: [data]", "volumes_from"),
    ('network_mode: "service:vpn"', "network_mode"),
    ("extends: base", "extends"),
    ("extends: {service: base}", "extends"),
]
DOESNT_CATCH = [
    "depends_on: [db]",
    "depends_on:\n  cache: {condition: service_started, required: false}",
    "links: ['db:database']",
    "volumes_from: ['container:legacy']",
    'network_mode: "service:db"',
    "extends: {file: common.yml, service: base}",
]


@pytest.mark.parametrize(("body", "via"), CATCHES)
def test_catches(tmp_path, body, via):
    (finding,) = findings_of(scan_compose(tmp_path, _web(body), "CMP015"), "CMP015")
    assert finding.region.start_line >= 4 and finding.properties["via"] == via


@pytest.mark.parametrize("body", DOESNT_CATCH)
def test_doesnt_catch(tmp_path, body):
    assert lines_of(scan_compose(tmp_path, _web(body), "CMP015"), "CMP015") == []


def test_a_file_with_include_is_not_judged(tmp_path):
    text = "include: [base.yaml]\n" + _web("depends_on: [database]")
    assert lines_of(scan_compose(tmp_path, text, "CMP015"), "CMP015") == []
