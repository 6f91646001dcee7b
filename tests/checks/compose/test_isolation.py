"""CMP001, CMP003, CMP004, CMP013: a service that gives up the
isolation between its container and the host."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose, service
from tests.conftest import FIXTURES, findings_of, lines_of

CATCHES = [
    ("CMP001", "privileged: true"),
    ("CMP001", "privileged: yes"),
    # compose-go casts a string to a boolean in any case, y/yes/on with a warning.
    ("CMP001", 'privileged: "yes"'),
    ("CMP001", "privileged: 'On'"),
    ("CMP001", "privileged: y"),
    ("CMP001", 'privileged: "TRUE"'),
    ("CMP001", "privileged: ${PRIVILEGED:-y}"),
    ("CMP003", "network_mode: host"),
    ("CMP004", "pid: host"),
    ("CMP004", "ipc: host"),
    ("CMP004", "uts: host"),
    ("CMP004", "userns_mode: host"),
    ("CMP004", "cgroup: host"),
    ("CMP013", "user: root"),
    ("CMP013", 'user: "0:0"'),
    ("CMP013", "user: root:root"),
    ("CMP013", 'user: "+0"'),
    ("CMP013", "user: 0"),
    ("CMP013", 'user: "00:1000"'),
    ("CMP013", "user: ContainerAdministrator"),
]
DOESNT_CATCH = [
    ("CMP001", "privileged: false"),
    ("CMP001", 'privileged: "no"'),
    ("CMP001", "privileged: n"),
    ("CMP001", "privileged: 'off'"),
    ("CMP001", 'privileged: "1"'),  # not a boolean to compose-go: the file is refused
    ("CMP003", "network_mode: bridge"),
    ("CMP003", 'network_mode: "service:web"'),
    ("CMP004", 'pid: "service:web"'),
    ("CMP004", "cgroup: private"),
    ("CMP004", 'ipc: "service:web"'),
    ("CMP013", 'user: "10001:10001"'),
    ("CMP013", "user: rooter"),
    ("CMP013", "user: ROOT"),  # names are looked up as written: no such user
    ("CMP013", 'user: "1000:0"'),
]


@pytest.mark.parametrize(("rule_id", "body"), CATCHES)
def test_catches(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == [4]


@pytest.mark.parametrize(("rule_id", "body"), DOESNT_CATCH)
def test_doesnt_catch(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == []


def test_merge_key_privileged_fires_on_the_inheriting_service_only():
    (finding,) = findings_of(FIXTURES / "compose" / "CMP001" / "bad-merge-key", "CMP001")
    assert finding.resource == "service agent"
    assert finding.snippet == "<<: *defaults"


def test_host_namespace_message_names_the_setting(tmp_path):
    (finding,) = findings_of(scan_compose(tmp_path, service("ipc: host"), "CMP004"), "CMP004")
    assert finding.message.startswith("Service app sets ipc: host,")


def test_each_host_namespace_is_reported_at_its_own_line(tmp_path):
    """A service joining two host namespaces gives up two layers: one finding per key."""
    found = scan_compose(tmp_path, service("pid: host\nipc: host\nuts: private"), "CMP004")
    assert lines_of(found, "CMP004") == [4, 5]


HOST_NETWORK_DECLARATIONS = [
    "hostnet: {external: true, name: host}",
    "hostnet: {external: 'true', name: '${NET:-host}'}",
    "host: {external: true}",
    "hostnet: {external: {name: host}}",
]


JOINS = ["networks: [NAME]", "networks: {NAME: {}}", "networks:\n  NAME:"]


@pytest.mark.parametrize("declared", HOST_NETWORK_DECLARATIONS)
@pytest.mark.parametrize("joined", JOINS)
def test_joining_the_host_network_through_networks_is_host_networking(tmp_path, declared, joined):
    """The Compose specification's way to use the host network: an external network named
    `host`, joined under the alias the file declares (the finding is at the service's use)."""
    alias = declared.split(":", 1)[0]
    text = service(joined.replace("NAME", alias)) + f"networks:\n  {declared}\n"
    (finding,) = findings_of(scan_compose(tmp_path, text, "CMP003"), "CMP003")
    assert finding.region.start_line == 4 + joined.count("\n")
    assert finding.properties == {"network": alias}


@pytest.mark.parametrize(
    "declared",
    ["hostnet: {external: false, name: host}", "hostnet: {external: true, name: hosts}",
     "hostnet: {external: true}", "hostnet: {driver: bridge}", "hostnet:"],
)  # fmt: skip
def test_joining_another_network_is_not_host_networking(tmp_path, declared):
    text = service("networks: [hostnet]") + f"networks:\n  {declared}\n"
    assert lines_of(scan_compose(tmp_path, text, "CMP003"), "CMP003") == []


def test_services_that_name_no_network_join_a_default_network_that_is_the_host_s(tmp_path):
    """A service with neither `networks` nor `network_mode` joins `default`: declared as the
    external network `host`, it shares the host's network (reported at that declaration)."""
    text = (
        "services:\n  app:\n    image: example/app:1.0\n"
        "  own:\n    image: example/own:1.0\n    networks: [back]\n"
        "  isolated:\n    image: example/isolated:1.0\n    network_mode: none\n"
        "networks:\n  default:\n    name: host\n    external: true\n  back:\n"
    )
    (finding,) = findings_of(scan_compose(tmp_path, text, "CMP003"), "CMP003")
    assert (finding.resource, finding.region.start_line) == ("service app", 11)
    assert finding.properties == {"network": "default"}


TAILSCALE = """\
services:
  ts:
    image: tailscale/tailscale:v1.76.6
    network_mode: host
    pid: host
    ipc: shareable
  app:
    image: example/app:1.0
    network_mode: service:ts
    pid: "service:ts"
    ipc: service:ts
  sidecar:
    image: example/sidecar:1.0
    network_mode: "service:app"
  other:
    image: example/other:1.0
    network_mode: "service:sidecar-missing"
    pid: service:other
"""


def test_joining_the_namespace_of_a_service_that_shares_the_host_s_shares_it(tmp_path):
    """`network_mode: service:ts` (and pid, ipc) joins the namespace of ts's container: when
    that is the host's (directly, or through the service it joins in turn), so is this one's,
    reported at the service's own line."""
    result = scan_compose(tmp_path, TAILSCALE, "CMP003", "CMP004")
    found = sorted(
        (f.rule_id, f.resource, f.region.start_line, f.properties.get("via"))
        for f in result.findings
    )
    assert found == [
        ("CMP003", "service app", 9, "ts"),
        ("CMP003", "service sidecar", 14, "app"),
        ("CMP003", "service ts", 4, None),
        ("CMP004", "service app", 10, "ts"),
        ("CMP004", "service ts", 5, None),
    ]
    (sidecar,) = [f for f in result.findings if f.resource == "service sidecar"]
    assert "joins the network stack of service app, which is the host's" in sidecar.message


def test_joining_a_container_by_the_name_a_service_gives_it_is_joining_that_service(tmp_path):
    """`network_mode: container:NAME` names a container: the one a service of the file names
    with `container_name` is that service's."""
    text = (
        "services:\n  vpn:\n    image: qmcgaw/gluetun:v3.39.1\n    container_name: gluetun\n"
        "    network_mode: host\n  torrent:\n    image: example/torrent:1.0\n"
        "    network_mode: container:gluetun\n  other:\n    image: example/other:1.0\n"
        "    network_mode: container:elsewhere\n"
    )
    found = findings_of(scan_compose(tmp_path, text, "CMP003"), "CMP003")
    assert [(f.resource, f.region.start_line) for f in found] == [
        ("service vpn", 5),
        ("service torrent", 8),
    ]
