"""CMP015 (checks/compose/references.py): a reference to a service the file does not define."""

from __future__ import annotations

import pytest

from guardlint.documents.outside_root import OUTSIDE
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
    """The project may define the service there: no finding, and a GL001 note at the entry
    says what was not judged (a path out of the scan root has a note of its own too)."""
    text = f"{include}\n" + _web("depends_on: [database]")
    result = scan_compose(tmp_path, text, "CMP015")
    assert lines_of(result, "CMP015") == []
    notes = findings_of(result, "GL001")
    (note,) = [note for note in notes if OUTSIDE not in note.message]
    assert len(notes) - 1 == ("../outside" in include)
    assert note.region.start_line == 1
    assert "CMP015 (undefined-dependency) could not judge whether database is defined" in (
        note.message
    )


def _nested_includes(tmp_path, levels: int) -> None:
    """stack/level1.yaml includes level2.yaml ... up to the one defining `cache`."""
    for level in range(1, levels):
        write_file(tmp_path, f"stack/level{level}.yaml", f"include: [level{level + 1}.yaml]\n")
    write_file(tmp_path, f"stack/level{levels}.yaml", INCLUDED)


def test_an_include_past_its_bounds_is_named_by_a_note_not_judged(tmp_path):
    """Includes nested past MAX_INCLUDE_DEPTH are not read: CMP015 judges none of the names
    the file leaves undefined (cache may be defined there, database too), and says so at the
    entry that leads there (line 3), with the bound."""
    _nested_includes(tmp_path, 6)
    text = "include:\n  - other.yaml\n  - stack/level1.yaml\n" + _web(
        "depends_on: [cache, database, db]"
    )
    write_file(tmp_path, "other.yaml", "services:\n  queue:\n    image: rabbitmq:3\n")
    result = scan_compose(tmp_path, text, "CMP015")
    assert lines_of(result, "CMP015") == []
    (note,) = findings_of(result, "GL001")
    assert note.region.start_line == 3
    assert "could not judge whether cache, database are defined" in note.message
    assert "includes nested more than 4 deep" in note.message


def test_an_include_past_its_bounds_leaves_nothing_unjudged_when_every_name_is_defined(tmp_path):
    _nested_includes(tmp_path, 6)
    text = "include: [stack/level1.yaml]\n" + _web("depends_on: [db]")
    result = scan_compose(tmp_path, text, "CMP015")
    assert findings_of(result, "CMP015") == findings_of(result, "GL001") == []


def test_includes_within_their_bounds_are_judged(tmp_path):
    _nested_includes(tmp_path, 4)
    text = "include: [stack/level1.yaml]\n" + _web("depends_on: [cache, database]")
    result = scan_compose(tmp_path, text, "CMP015")
    assert [f.properties["missingService"] for f in findings_of(result, "CMP015")] == ["database"]
    assert findings_of(result, "GL001") == []
