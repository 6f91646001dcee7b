"""CMP009 (checks/compose/network.py): a sensitive port published on every host interface."""

from __future__ import annotations

import pytest

from tests.checks.compose import scan_compose, service
from tests.conftest import findings_of, lines_of

CATCHES = [
    '"5432:5432"',
    '"5432"',
    '"0.0.0.0:6379:6379"',
    '"[::]:22:22"',
    '"8000-8010:2370-2380"',
    "{target: 27017, published: 27017}",
    "{target: 22, host_ip: 0.0.0.0}",
    # Every spelling of "all interfaces" Docker reads (short and long syntax).
    '"0:0:0:0:0:0:0:0:22:22"',
    '":::22:22"',
    '"[0:0::0]:22:22"',
    '"[0:0:0:0:0:0:0:0]:22:22/tcp"',
    '"000.0.0.0:22:22"',
    '"::ffff:0.0.0.0:22:22"',
    '"[::ffff:0.0.0.0]:22:22"',
    '"22/tcp"',
    '"22:22/udp"',
    '"2200-2210:22-32"',
    "{target: 22, host_ip: '::'}",
    "{target: 22, host_ip: '[::]'}",
    "{target: 22, host_ip: '0:0:0:0:0:0:0:0'}",
    "{target: 22, host_ip: 000.0.0.0}",
    "{target: 22, host_ip: '::ffff:0.0.0.0'}",
    # An unset variable for the host port: 5432 is published, on whatever port it names.
    '"${DB_PORT}:5432"',
    '"${DB_PORT:?set it}:5432/tcp"',
    '"0.0.0.0:${SSH_PORT}:22"',
    '"${FIRST}-${LAST}:22"',
]
DOESNT_CATCH = [
    '"127.0.0.1:5432:5432"',
    '"[::1]:2222:22"',
    '"8080:80"',
    '"${BIND}:5432:5432"',
    '"[${BIND6}]:22:22"',
    '"127.0.0.1:${SSH_PORT}:22"',
    '"${DB_PORT}:${CONTAINER_PORT}"',
    "{target: 5432, host_ip: 127.0.0.1}",
    '"127.0.0.1:22:22"',
    '"[::1]:22:22"',
    '"::1:22:22"',
    '"[::ffff:127.0.0.1]:22:22"',
    '"10.0.0.5:22:22"',
    '"[::%eth0]:22:22"',
    '"2200-2210:24-32"',
    "{target: 22, host_ip: '::1'}",
    "{target: 22, host_ip: 0.0.0.1}",
]


def _lines(tmp_path, port: str) -> list[int]:
    return lines_of(scan_compose(tmp_path, service(f"ports:\n  - {port}"), "CMP009"), "CMP009")


@pytest.mark.parametrize("port", CATCHES)
def test_catches(tmp_path, port):
    assert _lines(tmp_path, port) == [5]


@pytest.mark.parametrize("port", DOESNT_CATCH)
def test_doesnt_catch(tmp_path, port):
    assert _lines(tmp_path, port) == []


def test_a_range_reports_every_sensitive_port_in_it(tmp_path):
    result = scan_compose(tmp_path, service('ports:\n  - "2370-2380:2370-2380/tcp"'), "CMP009")
    (finding,) = findings_of(result, "CMP009")
    assert finding.properties == {"ports": [2375, 2376, 2379], "protocol": "tcp"}
