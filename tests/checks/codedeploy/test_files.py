"""CDP004 (checks/codedeploy/files.py): `files` destinations in system or shared paths."""

from __future__ import annotations

import pytest

from tests.checks.codedeploy import ec2, scan_appspec
from tests.conftest import findings_of, lines_of


def _files(destination: str, os_name: str = "linux") -> str:
    return ec2(
        f"files:\n  - source: app/\n    destination: /opt/shop\n"
        f"  - source: extra/\n    destination: '{destination}'\n",
        os_name,
    )


SYSTEM_PATHS = [
    "/", "//", "/etc", "/etc/", "/etc/sudoers", "/etc/sudoers.d", "/etc/sudoers.d/shop",
    "/etc/cron.d", "/etc/crontab", "/etc/cron.daily/backup", "/etc/ssh", "/etc/ssh/sshd_config.d",
    "/etc/pam.d", "/etc/profile.d", "/etc/ld.so.preload", "/etc/ld.so.conf.d", "/etc/passwd",
    "/etc/shadow", "/root", "/root/.bashrc", "/home/ec2-user/.ssh", "/var/lib/app/.ssh/keys",
    "/boot", "/bin", "/sbin", "/usr/bin", "/usr/sbin/shopd", "/lib", "/lib64",
    "/lib/systemd/system", "/var/www/../../etc/cron.d", "/opt/./../etc/passwd",
]  # fmt: skip
TEMPORARY_PATHS = ["/tmp", "/tmp/shop", "/var/tmp", "/var/tmp/release/1", "/dev/shm", "/dev/shm/x"]
APPLICATION_PATHS = [
    "/etc/nginx/conf.d", "/etc/ansible/codedeploy", "/etc/systemd/system/shop.service.d",
    "/var/www", "/var/www/html", "/opt", "/opt/shop", "/home/ec2-user",
    "/home/ubuntu/app", "/usr/local/bin", "/usr/share/nginx/html", "/srv/shop", "/var/app",
    "/rootfs", "/binaries", "/tmpfiles", "/var/tmpl", "/usr", "app/", "<DESTINATION>",
    "C:\\inetpub\\wwwroot", "C:\\WindowsApps\\shop", "D:\\shop",
    "C:\\Windows\\..\\inetpub\\wwwroot", "C:/Windows.old/shop",
]  # fmt: skip


@pytest.mark.parametrize("destination", SYSTEM_PATHS)
def test_catches_destinations_that_control_the_host(tmp_path, destination):
    (finding,) = findings_of(scan_appspec(tmp_path, _files(destination), "CDP004"), "CDP004")
    assert finding.severity.label == "medium" and finding.region.start_line == 6
    assert finding.resource == "appspec files[1]"


@pytest.mark.parametrize("destination", TEMPORARY_PATHS)
def test_catches_world_writable_temporary_directories_at_low(tmp_path, destination):
    (finding,) = findings_of(scan_appspec(tmp_path, _files(destination), "CDP004"), "CDP004")
    assert finding.severity.label == "low" and "temporary" in finding.message


@pytest.mark.parametrize(
    "destination",
    ["C:\\Windows", "c:\\windows\\System32", "C:/Windows/", "C:\\inetpub\\..\\Windows\\System32",
     "C:\\.\\WINDOWS", "c:/inetpub/../windows/system32/drivers"],
)  # fmt: skip
def test_catches_the_windows_directory(tmp_path, destination):
    result = scan_appspec(tmp_path, _files(destination, "windows"), "CDP004")
    (finding,) = findings_of(result, "CDP004")
    assert finding.severity.label == "medium" and "Windows system directory" in finding.message


@pytest.mark.parametrize("destination", APPLICATION_PATHS)
def test_doesnt_catch_application_paths(tmp_path, destination):
    assert lines_of(scan_appspec(tmp_path, _files(destination), "CDP004"), "CDP004") == []


def test_doesnt_catch_a_mapping_without_destination(tmp_path):
    text = ec2("files:\n  - source: app/\n  - destination: [/etc]\n")
    assert lines_of(scan_appspec(tmp_path, text, "CDP004"), "CDP004") == []


def test_a_mapping_an_alias_brings_is_reported_at_the_alias(tmp_path):
    text = ec2(
        "x-system: &system {source: /, destination: /etc/sudoers.d}\n"
        "files:\n  - source: app/\n    destination: /opt/shop\n  - *system\n"
        "permissions: []\nfiles_again: *system\n"
    )
    assert lines_of(scan_appspec(tmp_path, text, "CDP004"), "CDP004") == [7]
