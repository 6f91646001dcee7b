"""The Compose model (guardlint/documents/compose.py) and Compose interpolation
(guardlint/parse/compose_interpolation.py): the syntax variants the rules rely on."""

from __future__ import annotations

import pytest

from guardlint.documents.compose import capability_name, parse_port, security_option
from guardlint.documents.compose_mounts import split_mapping
from guardlint.parse.compose_interpolation import interpolate, is_known
from guardlint.parse.host_path import comparable_host_path, normalize_host_path


@pytest.mark.parametrize(
    ("text", "host_ip", "ports", "protocol"),
    [
        ("5432", "", range(5432, 5433), "tcp"),
        ("5432:5432", "", range(5432, 5433), "tcp"),
        ("127.0.0.1:5432:5432", "127.0.0.1", range(5432, 5433), "tcp"),
        ("127.0.0.1::5432", "127.0.0.1", range(5432, 5433), "tcp"),
        ("[::]:22:22", "[::]", range(22, 23), "tcp"),
        ("[::1]:2222:22/tcp", "[::1]", range(22, 23), "tcp"),
        ("::1:5432:5432", "::1", range(5432, 5433), "tcp"),
        ("53:53/udp", "", range(53, 54), "udp"),
        ("8000-8010:8000-8010", "", range(8000, 8011), "tcp"),
        ("${HOST_IP:-127.0.0.1}:6379:6379", "127.0.0.1", range(6379, 6380), "tcp"),
        ("${DB_PORT}:5432", "", range(5432, 5433), "tcp"),  # whichever host port it names
        ("127.0.0.1:${PORT}:5432/udp", "127.0.0.1", range(5432, 5433), "udp"),
    ],
)
def test_parse_port_short_syntax(text, host_ip, ports, protocol):
    mapping = parse_port(interpolate(text))  # a Compose file's values come interpolated
    assert mapping is not None
    assert (mapping.host_ip, mapping.container_ports, mapping.protocol) == (
        host_ip,
        ports,
        protocol,
    )


@pytest.mark.parametrize(
    "text",
    # '²' passes str.isdigit() and 5,000 digits pass it too, but int() refuses both.
    [
        *("${BIND}:5432:5432", "[${BIND}]:22:22", "${A}:${B}", "5432/${PROTOCOL}"),
        *("http", "", "8080:²", "²", "80:" + "1" * 5000),
    ],
)
def test_parse_port_unknown_is_none(text):
    assert parse_port(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${VAR}", "${VAR}"),
        ("$VAR", "${VAR}"),
        ("${VAR:-s3cret}", "s3cret"),
        ("${VAR-s3cret}", "s3cret"),
        ("${VAR:?must be set}", "${VAR}"),
        ("${A:-${B:-inner}}", "inner"),
        ("pa$$word", "pa$word"),
        ("$${NOT_COMPOSE}", "${NOT_COMPOSE}"),
        ("prefix-${VAR:+alt}-suffix", "prefix-alt-suffix"),
        ("cost $5", "cost $5"),
    ],
)
def test_interpolate(text, expected):
    assert interpolate(text) == expected


ENV_FILE = {"TAG": "1.4", "EMPTY": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${TAG}", "1.4"),
        ("app:$TAG-slim", "app:1.4-slim"),
        ("${TAG:-latest}", "1.4"),
        ("${EMPTY:-latest}", "latest"),
        ("${EMPTY-latest}", ""),
        ("${TAG:+set}", "set"),
        ("${EMPTY:+set}", ""),
        ("${EMPTY+set}", "set"),
        ("${TAG:?must be set}", "1.4"),
        ("${OTHER:-${TAG}}", "1.4"),
        ("${TAG:-${OTHER}}", "1.4"),
        ("$${TAG}", "${TAG}"),
        ("${OTHER}", "${OTHER}"),
    ],
)
def test_interpolate_with_the_env_file_s_variables(text, expected):
    """A variable the .env file sets gives its value (the shell's are not known here)."""
    assert interpolate(text, ENV_FILE) == expected


def test_deeply_nested_defaults_interpolate_in_one_pass():
    depth = 20_000
    text = "${A:-" * depth + "x" + "}" * depth
    assert interpolate(text) == "x"
    assert is_known("x") and not is_known(interpolate("${A}"))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("/dev/sda:/dev/sda:rwm", ["/dev/sda", "/dev/sda", "rwm"]),
        ("C:\\data:/data:ro", ["C:\\data", "/data", "ro"]),
        ("C:\\data:D:\\data:ro", ["C:\\data", "D:\\data", "ro"]),
        ("//c/Users:/u", ["//c/Users", "/u"]),
        ("/dev/ttyUSB0", ["/dev/ttyUSB0"]),
    ],
)
def test_split_mapping_keeps_windows_drive_letters(text, parts):
    assert split_mapping(text) == parts


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("/var/lib/../run/docker.sock", "/var/run/docker.sock"),
        ("//", "/"),
        ("//proc", "/proc"),
        ("///var//run/", "/var/run"),
        ("/etc/", "/etc"),
        ("\\\\.\\PIPE\\docker_engine", "\\\\.\\pipe\\docker_engine"),
        # Docker reads a named pipe with / for any \\ (its Windows mount parser's rxPipe).
        ("//./pipe/docker_engine", "\\\\.\\pipe\\docker_engine"),
        ("\\\\.\\pipe/Docker_Engine", "\\\\.\\pipe\\docker_engine"),
        ("/./pipe/docker_engine", "/pipe/docker_engine"),
        ("//./pipe/docker_engine/", "\\\\.\\pipe\\docker_engine"),
        ("\\\\.\\pipe\\docker_engine\\\\", "\\\\.\\pipe\\docker_engine"),
        # A Windows drive's root is kept, and `..` stops there as it does at /.
        ("C:\\", "C:/"),
        ("c:/", "c:/"),
        ("C:", "C:/"),
        ("C:\\Windows\\..\\..\\..", "C:/"),
        ("C:\\Users\\Me\\", "C:/Users/Me"),
        ("c:\\\\x//y", "c:/x/y"),
    ],
)
def test_normalize_host_path(source, path):
    assert normalize_host_path(source) == path


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("C:\\ProgramData\\Docker", "c:/programdata/docker"),
        ("c:/", "c:/"),
        ("/Etc/SSH", "/Etc/SSH"),  # Linux names keep their case
        ("\\\\.\\PIPE\\Docker_Engine", "\\\\.\\pipe\\docker_engine"),
    ],
)
def test_comparable_host_path_folds_the_case_of_windows_paths_only(source, path):
    assert comparable_host_path(source) == path


def test_entry_spellings():
    assert capability_name(" cap_sys_admin ") == "SYS_ADMIN"
    assert security_option("Seccomp = Unconfined") == "seccomp:unconfined"
