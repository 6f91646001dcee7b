"""CMP015 (checks/compose/references.py): a reference to a service the file does not define."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose
from tests.conftest import findings_of, lines_of, write_file


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
    # compose-go casts a string to a boolean (after interpolation): these are false too.
    "depends_on:\n  cache: {condition: service_started, required: 'false'}",
    "depends_on:\n  cache: {condition: service_started, required: '${CACHE_REQUIRED:-false}'}",
    "depends_on:\n  cache: {condition: service_started, required: 'False'}",
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


INCLUDED = "services:\n  cache:\n    image: redis:7\n"


@pytest.mark.parametrize(
    "include",
    [
        "include: [stack/cache.yaml]",
        "include:\n  - path: [stack/base.yaml, stack/cache.yaml]",
        "include:\n  - ${STACK:-./stack}/cache.yaml",  # the path Compose reads, interpolated
        "include: [stack/nested.yaml]",  # which includes cache.yaml in turn
    ],
)
def test_a_file_with_include_is_judged_with_the_services_it_includes(tmp_path, include):
    """Compose copies the included projects' services into the model: a reference to one of
    them is defined, to none of them is not."""
    write_file(tmp_path, "stack/cache.yaml", INCLUDED)
    write_file(tmp_path, "stack/base.yaml", "services:\n  queue:\n    image: rabbitmq:3\n")
    write_file(tmp_path, "stack/nested.yaml", "include: [cache.yaml]\n")
    text = f"{include}\n" + _web("depends_on: [cache, database]")
    (finding,) = findings_of(scan_compose(tmp_path, text, "CMP015"), "CMP015")
    assert finding.properties["missingService"] == "database"


@pytest.mark.parametrize(
    "include",
    [
        "include: [base.yaml]",  # not there
        "include: ['${STACK}/cache.yaml']",  # left to the shell's variable
        "include: [../outside/compose.yaml]",  # out of the scan root
        "include: ['oci://docker.io/example/stack:latest']",  # remote
        "include: ['https://github.com/example/stack.git#main']",
    ],
)
def test_a_file_including_what_cannot_be_read_here_is_not_judged(tmp_path, include):
    text = f"{include}\n" + _web("depends_on: [database]")
    assert lines_of(scan_compose(tmp_path, text, "CMP015"), "CMP015") == []
