"""Compose findings from what a YAML alias or merge key brings into a service (`b: *a`,
`<<: *base`, `environment: *common`, `- *item`): each reported once per service that uses it,
at the use, never at the anchor (parse/use_sites.py)."""

from __future__ import annotations

from tests.checks.compose import scan_compose
from tests.conftest import findings_of

RULES = ("CMP001", "CMP002", "CMP005", "CMP007", "CMP009", "CMP013")


def _found(tmp_path, text: str) -> list[tuple[str, int, str]]:
    result = scan_compose(tmp_path, text, *RULES)
    return sorted(
        (f.rule_id, f.region.start_line, f.resource)
        for rule_id in RULES
        for f in findings_of(result, rule_id)
    )


def _each(services: dict[str, int]) -> list[tuple[str, int, str]]:
    """Every rule of RULES once per service, at the given line."""
    return sorted(
        (rule, line, f"service {name}") for name, line in services.items() for rule in RULES
    )


UNSAFE = """\
  privileged: true
  user: root
  ports: ["22:22"]
  volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
  cap_add: [SYS_ADMIN]
  environment:
    DB_PASSWORD: "hunter2hunter2Xy"
"""


def test_a_service_that_is_an_alias_or_merges_one_is_reported_at_its_own_line(tmp_path):
    text = f"x-base: &base\n  image: nginx:1.27\n{UNSAFE}services:\n  a: *base\n  b: *base\n"
    text += "  c:\n    <<: *base\n    image: redis:7.4\n  d:\n    <<: [*base]\n"
    assert _found(tmp_path, text) == _each({"a": 11, "b": 12, "c": 14, "d": 17})


def test_a_service_anchored_in_another_is_reported_in_each(tmp_path):
    """The anchor's own service keeps its lines; the alias's is at `b: *a`."""
    body = "".join(f"  {line}\n" for line in UNSAFE.splitlines())
    text = f"services:\n  a: &a\n    image: nginx:1.27\n{body}  b: *a\n"
    found = _found(tmp_path, text)
    assert [f for f in found if f[2] == "service b"] == _each({"b": 11})
    assert sorted(line for _, line, name in found if name == "service a") == [4, 5, 6, 7, 8, 10]


def test_settings_an_alias_brings_into_a_service_are_at_the_alias(tmp_path):
    """A list (`ports: *ports`), an item (`- *ssh`), a scalar item (`- *cap`) and a map
    (`environment: *env`) written in one service and used in another."""
    text = """\
services:
  a:
    image: nginx:1.27
    ports: &ports
      - &ssh "22:22"
    cap_add: [&cap SYS_ADMIN]
    environment: &env
      DB_PASSWORD: "hunter2hunter2Xy"
  b:
    image: nginx:1.27
    ports: *ports
    environment: *env
  c:
    image: nginx:1.27
    ports:
      - "8080:80"
      - *ssh
    cap_add:
      - NET_ADMIN
      - *cap
"""
    rules = ("CMP002", "CMP007", "CMP009")
    result = scan_compose(tmp_path, text, *rules)
    found = sorted(
        (f.rule_id, f.region.start_line, f.resource) for r in rules for f in findings_of(result, r)
    )
    assert found == [
        ("CMP002", 6, "service a"),
        ("CMP002", 19, "service c"),  # NET_ADMIN, its own
        ("CMP002", 20, "service c"),
        ("CMP007", 8, "service a"),
        ("CMP007", 12, "service b"),
        ("CMP009", 5, "service a"),
        ("CMP009", 11, "service b"),
        ("CMP009", 17, "service c"),
    ]


def test_one_setting_two_merge_sources_give_is_one_finding(tmp_path):
    text = (
        "x-a: &a {privileged: true, ports: ['22:22']}\nx-b: &b {privileged: true}\n"
        "services:\n  s:\n    image: nginx:1.27\n    <<: [*a, *b]\n"
    )
    result = scan_compose(tmp_path, text, "CMP001", "CMP009")
    assert [f.region.start_line for f in findings_of(result, "CMP001")] == [6]
    assert [f.region.start_line for f in findings_of(result, "CMP009")] == [6]


def test_a_secret_an_alias_brings_is_not_reported_again_at_its_anchor(tmp_path):
    """CMP007 reports it at each use and still names the anchor's line as the secret's, so the
    generic SEC001 does not report it a second time there."""
    text = 'x-env: &env\n  DB_PASSWORD: "hunter2hunter2Xy"\n'
    text += "services:\n  a:\n    image: nginx:1.27\n    environment: *env\n"
    result = scan_compose(tmp_path, text, "CMP007", "SEC001")
    assert [f.region.start_line for f in findings_of(result, "CMP007")] == [6]
    assert findings_of(result, "SEC001") == []
