"""CDP002 and CDP003 (checks/codedeploy/permissions.py): modes and ACLs of `permissions`.

A mode is judged as written: YAML 1.1 reads an unquoted `0755` as the octal 493 and `0777`
as 511, JSON and quoted YAML keep strings, and a decimal `755` is the digits 7, 5, 5.
"""

from __future__ import annotations

import json

import pytest

from tests.checks.codedeploy import ec2, scan_appspec
from tests.conftest import findings_of, lines_of


def _permission(*lines: str) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return ec2(f"permissions:\n  - object: /var/www/shop\n{body}")


WORLD_WRITABLE = ["777", "0777", "07777", "666", "0666", "1777", "757", "773", "762", "2", "77",
                  "'0777'", '"776"', "0002", "!!int 0777", "&mode 0777", "+0777",
                  "07_77"]  # fmt: skip
NOT_WORLD_WRITABLE = ["755", "0755", "644", "0644", "1775", "4755", "751", "'0775'", "0o777",
                      "u+rwx", "rwxrwxrwx", "'07777'", "0x1FF", "777.0", "true", "-1"]  # fmt: skip


@pytest.mark.parametrize("mode", WORLD_WRITABLE)
def test_cdp002_catches_modes_that_let_others_write(tmp_path, mode):
    result = scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP002")
    (finding,) = findings_of(result, "CDP002")
    assert finding.region.start_line == 4  # `- object:`, the permissions entry
    assert finding.resource == "appspec permissions[0]"


@pytest.mark.parametrize("mode", NOT_WORLD_WRITABLE)
def test_cdp002_doesnt_catch_other_modes(tmp_path, mode):
    assert lines_of(scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP002"), "CDP002") == []


def test_cdp002_reads_a_yaml_octal_mode_as_its_author_wrote_it(tmp_path):
    """`mode: 0777` is the integer 511 to PyYAML (last digit 1); the message shows 0777."""
    (finding,) = findings_of(scan_appspec(tmp_path, _permission("mode: 0777"), "CDP002"), "CDP002")
    assert "mode 0777" in finding.message and finding.properties["mode"] == "0777"


def test_cdp002_reads_modes_of_flow_mappings_as_written(tmp_path):
    text = ec2(
        "permissions:\n  - {object: /x, mode: 0777, owner: a}\n  - {object: /y, mode: 0755}\n"
    )
    assert lines_of(scan_appspec(tmp_path, text, "CDP002"), "CDP002") == [4]


@pytest.mark.parametrize("mode", [777, "777", "0777", 666])
def test_cdp002_json_modes_as_numbers_or_strings(tmp_path, mode):
    spec = {"version": 0.0, "os": "linux", "permissions": [{"object": "/opt/a", "mode": mode}]}
    result = scan_appspec(tmp_path, json.dumps(spec, indent=1), "CDP002", name="appspec.json")
    assert len(findings_of(result, "CDP002")) == 1


@pytest.mark.parametrize(
    "ace",
    ["o::rw", "o::rwx", "other::rw-", "o:w", "d:o::rwx", "default:other::rwx", "o::7", "o::2"],
)
def test_cdp002_catches_acls_that_let_others_write(tmp_path, ace):
    text = _permission("mode: 750", "acls:", f"  - '{ace}'")
    (finding,) = findings_of(scan_appspec(tmp_path, text, "CDP002"), "CDP002")
    assert ace in finding.message


@pytest.mark.parametrize(
    "ace", ["o::r", "o::r-x", "o::5", "u:deploy:rwx", "g:shop:rw", "d:u:deploy:rwx", "m::rwx",
            "u:other:r", "d:g::rw"]
)  # fmt: skip
def test_cdp002_doesnt_catch_acls_for_users_groups_or_others_read(tmp_path, ace):
    text = _permission("mode: 750", "acls:", f"  - '{ace}'")
    assert lines_of(scan_appspec(tmp_path, text, "CDP002"), "CDP002") == []


def test_cdp002_one_finding_for_a_mode_and_an_acl_of_one_entry(tmp_path):
    text = _permission("mode: 777", "acls: ['d:o::rwx']")
    (finding,) = findings_of(scan_appspec(tmp_path, text, "CDP002"), "CDP002")
    assert "mode 777" in finding.message and "d:o::rwx" in finding.message


SETUID_OR_SETGID = ["4755", "2775", "6755", "'4750'", '"2755"', "7777", "3755", "5755"]
NOT_SETUID = ["1755", "1777", "0755", "755", "0644", "'0755'", "'04755'", "755", "4", "1000",
              "01755", "0600"]  # fmt: skip


@pytest.mark.parametrize("mode", SETUID_OR_SETGID)
def test_cdp003_catches_setuid_and_setgid_modes(tmp_path, mode):
    result = scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP003")
    (finding,) = findings_of(result, "CDP003")
    assert finding.region.start_line == 4 and finding.severity.label == "high"
    assert finding.resource == "appspec permissions[0]"


@pytest.mark.parametrize("mode", NOT_SETUID)
def test_cdp003_doesnt_catch_the_sticky_bit_or_three_digit_modes(tmp_path, mode):
    assert lines_of(scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP003"), "CDP003") == []


def test_cdp003_names_the_bits(tmp_path):
    result = scan_appspec(tmp_path, _permission("mode: 6755"), "CDP003")
    (finding,) = findings_of(result, "CDP003")
    assert "setuid and setgid" in finding.message


def test_the_mode_of_a_merge_key_is_read_from_its_value(tmp_path):
    """A mode inherited through `<<:` has no text of its own at the `<<` line, so its value is
    read as a decimal number: 0755, which YAML reads as 493, is then no octal mode and is not
    judged (as written it would end in 3, "others may write")."""
    text = ec2(
        "x-modes:\n  shared: &shared {mode: 0755}\npermissions:\n"
        "  - object: /var/www/shop\n    <<: *shared\n"
    )
    assert lines_of(scan_appspec(tmp_path, text, "CDP002", "CDP003"), "CDP002") == []


# YAML 1.1 (the agent's Ruby Psych as much as PyYAML) reads an unquoted `0640` as the octal
# number 416, and the agent applies that number's decimal digits as the mode: 416 lets others
# read and write. (mode as written, digits the agent applies)
AGENT_READS_WORLD_WRITABLE = [("0640", "416"), ("0400", "256"), ("0660", "432"),
                              ("0664", "436"), ("02775", "1533"), ("07755", "4077")]  # fmt: skip


@pytest.mark.parametrize(("mode", "applied"), AGENT_READS_WORLD_WRITABLE)
def test_cdp002_catches_yaml_octal_modes_the_agent_applies_as_world_writable(
    tmp_path, mode, applied
):
    (finding,) = findings_of(
        scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP002"), "CDP002"
    )
    assert finding.region.start_line == 4
    assert f"mode {mode}" in finding.message and applied in finding.message
    assert finding.properties["mode"] == mode and finding.properties["applied_mode"] == applied


@pytest.mark.parametrize("mode", ["'0640'", '"0664"', "0644", "0750", "0700", "0600", "0o640"])
def test_cdp002_quoted_or_agent_safe_octal_modes_stay_silent(tmp_path, mode):
    """Quoted, a mode keeps its digits; 0644 is 420 to the agent (others nothing), 0750 is 488
    and 0600 is 384, which the agent refuses (8 is no octal digit)."""
    assert lines_of(scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP002"), "CDP002") == []


@pytest.mark.parametrize(("mode", "applied", "bits"), [("04755", "2541", "setgid"),
                                                       ("06755", "3565", "setgid"),
                                                       ("07755", "4077", "setuid")])  # fmt: skip
def test_cdp003_catches_yaml_octal_modes_the_agent_applies_with_special_bits(
    tmp_path, mode, applied, bits
):
    (finding,) = findings_of(
        scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP003"), "CDP003"
    )
    assert (
        f"mode {mode}" in finding.message and applied in finding.message and bits in finding.message
    )


def test_json_appspec_octal_mode_number_is_read_as_yaml_reads_it(tmp_path):
    """A JSON number with a leading zero is no JSON: the agent (and guardlint) read it as YAML."""
    text = '{"version": 0.0, "os": "linux", "permissions": [{"object": "/a", "mode": 0640}]}'
    result = scan_appspec(tmp_path, text, "CDP002", name="appspec.json")
    assert len(findings_of(result, "CDP002")) == 1


@pytest.mark.parametrize(("mode", "bits"), [("02775", "setgid"), ("04644", "setuid")])
def test_cdp003_reads_a_yaml_octal_literal_without_its_leading_zero(tmp_path, mode, bits):
    """`02775` is the octal 2775 its author meant (setgid), while the agent applies 1533
    (sticky); it refuses 04644 (2468)."""
    result = scan_appspec(tmp_path, _permission(f"mode: {mode}"), "CDP003")
    (finding,) = findings_of(result, "CDP003")
    assert f"mode {mode} ({bits})" in finding.message
