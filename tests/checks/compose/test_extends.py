"""`extends` within one file: a service has the settings of the service it extends that it does
not set itself, reported at its `extends` line."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose
from tests.conftest import findings_of

BASE = """\
services:
  base:
    image: example/base:1.0
{settings}
  child:
    {extends}
    image: example/child:1.0
"""
EXTENDS = ["extends: base", "extends: {service: base}", "extends:\n      service: base"]
INHERITED = [
    ("CMP001", "privileged: true"),
    ("CMP002", "cap_add: [SYS_ADMIN]"),
    ("CMP003", "network_mode: host"),
    ("CMP004", "pid: host"),
    ("CMP005", "volumes: [/var/run/docker.sock:/var/run/docker.sock]"),
    ("CMP006", "volumes: [{type: bind, source: /etc, target: /host/etc}]"),
    ("CMP010", "security_opt: [seccomp=unconfined]"),
    ("CMP013", "user: root"),
    ("CMP014", "devices: [/dev/mem:/dev/mem]"),
]


def _text(settings: str, extends: str = "extends: base", child: str = "") -> str:
    text = BASE.format(settings=f"    {settings}", extends=extends)
    return text + "".join(f"    {line}\n" for line in child.splitlines())


@pytest.mark.parametrize("extends", EXTENDS)
@pytest.mark.parametrize(("rule_id", "settings"), INHERITED)
def test_a_service_inherits_what_it_extends(tmp_path, rule_id, settings, extends):
    found = findings_of(scan_compose(tmp_path, _text(settings, extends), rule_id), rule_id)
    assert sorted((f.resource, f.region.start_line) for f in found) == [
        ("service base", 4),
        ("service child", 6),
    ]


def test_a_chain_of_extends_is_followed(tmp_path):
    text = _text("privileged: true") + "  grandchild:\n    extends: child\n"
    found = findings_of(scan_compose(tmp_path, text, "CMP001"), "CMP001")
    assert sorted((f.resource, f.region.start_line) for f in found) == [
        ("service base", 4),
        ("service child", 6),
        ("service grandchild", 9),
    ]


@pytest.mark.parametrize(
    ("settings", "child"),
    [
        ("privileged: true", "privileged: false"),
        ("network_mode: host", "network_mode: bridge"),
        ("user: root", 'user: "1000"'),
    ],
)
def test_what_the_service_sets_itself_wins(tmp_path, settings, child):
    rule_id = {"p": "CMP001", "n": "CMP003", "u": "CMP013"}[settings[0]]
    found = findings_of(scan_compose(tmp_path, _text(settings, child=child), rule_id), rule_id)
    assert [f.resource for f in found] == ["service base"]


def test_extends_of_another_file_or_a_missing_service_inherits_nothing(tmp_path):
    text = _text("privileged: true", "extends: {file: other.yml, service: base}")
    text += "  orphan:\n    extends: nowhere\n  loop:\n    extends: loop\n    image: a:1\n"
    found = findings_of(scan_compose(tmp_path, text, "CMP001"), "CMP001")
    assert [f.resource for f in found] == ["service base"]


def test_a_cycle_of_extends_ends(tmp_path):
    text = "services:\n  a:\n    extends: b\n    privileged: true\n  b:\n    extends: a\n"
    found = findings_of(scan_compose(tmp_path, text, "CMP001"), "CMP001")
    assert sorted(f.resource for f in found) == ["service a", "service b"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("restart: always", ["service base", "service child", "service grandchild"]),
        ("mem_limit: 512m", []),
        ("deploy: {resources: {limits: {memory: 1G}}}", []),
    ],
)
def test_a_service_extending_one_of_the_file_is_complete(tmp_path, settings, expected):
    """A chain of extends within the file defines the whole service: what it lacks (a memory
    limit) is lacking, and what the service it extends sets, it has."""
    text = _text(settings) + "  grandchild:\n    extends: child\n"
    found = findings_of(scan_compose(tmp_path, text, "CMP011"), "CMP011")
    assert sorted(f.resource for f in found) == expected


def test_a_service_extending_one_of_another_file_is_not_complete(tmp_path):
    """The other file may give what this one lacks: a service extending one of it, directly or
    through a service of this file, is not judged."""
    text = (
        "services:\n  base:\n    extends: {file: common.yml, service: app}\n"
        "    image: example/base:1.0\n  child:\n    extends: base\n"
        "  own:\n    extends: {file: common.yml, service: app}\n"
    )
    assert findings_of(scan_compose(tmp_path, text, "CMP011", "CMP012"), "CMP011") == []
