"""The Compose templates (guardlint/checks/templates/compose.py): `service-entry` (CMP002,
CMP010, CMP014) and `service-mount` (CMP005, CMP006), through the built-in rules that use
them and through a test pack of their own, and their parameter validation at load."""

from __future__ import annotations

import pytest

from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.model.rules import Severity
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.checks.compose import scan_compose, service
from tests.conftest import findings_of, lines_of, write_file, write_template_pack


def _test_pack(tmp_path, template: str, params: dict, options: dict | None = None):
    return load_pack(write_template_pack(tmp_path, "compose", template, params, options))


def _scan_with(tmp_path, pack, text: str):
    path = write_file(tmp_path, "project/compose.yaml", text)
    packs = [load_pack(path) for path in pack_files(builtin_rules_dir())] + [pack]
    options = ScanOptions(paths=[str(path)], only_rules={"TST001"})
    return findings_of(scan(options, Rulebook(packs)), "TST001")


# --- service-entry ---------------------------------------------------------------------------

ENTRY_CATCHES = [
    ("CMP002", "cap_add: [SYS_ADMIN]"),
    ("CMP002", "cap_add: [cap_sys_module]"),
    ("CMP002", "cap_add: [' ALL ']"),
    ("CMP010", "security_opt: [seccomp:unconfined]"),
    ("CMP010", "security_opt: ['Seccomp = Unconfined']"),
    ("CMP010", "security_opt: [no-new-privileges:false]"),
    # Docker reads the value with Go's strconv.ParseBool: 0, f and false in any case.
    ("CMP010", "security_opt: ['no-new-privileges=0']"),
    ("CMP010", "security_opt: ['no-new-privileges:F']"),
    ("CMP014", "devices: [/dev/sda:/dev/sda]"),
    ("CMP014", "devices: [/dev/ttyUSB0]"),
    ("CMP014", "devices: [{source: /dev/kvm, target: /dev/kvm}]"),
    # A cgroup rule lets the container create (CAP_MKNOD is a default) and use host devices.
    ("CMP014", "device_cgroup_rules: ['b 8:* rmw']"),
    ("CMP014", "device_cgroup_rules: ['a *:* rwm']"),
]
ENTRY_DOESNT_CATCH = [
    ("CMP002", "cap_add: [NET_BIND_SERVICE, CHOWN]"),
    ("CMP002", "cap_drop: [ALL]"),
    ("CMP010", "security_opt: [no-new-privileges:true, seccomp:./profile.json]"),
    ("CMP010", "security_opt: [no-new-privileges, 'no-new-privileges=1']"),
    ("CMP014", "devices: ['']"),
    ("CMP014", "volumes: [/dev/log:/dev/log]"),
]


@pytest.mark.parametrize(("rule_id", "body"), ENTRY_CATCHES)
def test_service_entry_catches(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == [4]


@pytest.mark.parametrize(("rule_id", "body"), ENTRY_DOESNT_CATCH)
def test_service_entry_doesnt_catch(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == []


def test_service_entry_fields_and_properties(tmp_path):
    text = service("cap_add: [cap_sys_admin, ALL]\nsecurity_opt: ['label=disable']")
    result = scan_compose(tmp_path, text, "CMP002", "CMP010")
    first, every = findings_of(result, "CMP002")
    assert first.message.startswith("Service app adds CAP_SYS_ADMIN, which lets a process")
    assert first.properties == {"capability": "SYS_ADMIN"}
    assert every.message.startswith("Service app adds ALL capabilities,")
    (label,) = findings_of(result, "CMP010")
    assert "sets security_opt label=disable," in label.message
    assert label.properties == {"option": "label=disable"}


def test_host_devices_name_each_device_and_cgroup_rule(tmp_path):
    text = service("devices: [/dev/sda:/dev/xvda]\ndevice_cgroup_rules: ['c 189:* rmw']")
    mapped, rule = findings_of(scan_compose(tmp_path, text, "CMP014"), "CMP014")
    assert mapped.message.startswith("Service app gives the container the host device /dev/sda,")
    assert mapped.properties == {"device": "/dev/sda"}
    assert (rule.region.start_line, rule.properties) == (5, {"device": "c 189:* rmw"})
    assert rule.message.startswith(
        "Service app gives the container the host devices of the cgroup rule 'c 189:* rmw',"
    )


def test_service_entry_of_any_setting_is_compared_as_written(tmp_path):
    pack = _test_pack(
        tmp_path,
        "service-entry",
        {"setting": "dns", "listed_in": "resolvers", "message": "{service}: {entry}/{written}",
         "property": "resolver"},
        {"resolvers": ["8.8.8.8"]},
    )  # fmt: skip
    (finding,) = _scan_with(tmp_path, pack, service("dns: [8.8.8.8, 1.1.1.1, ' 8.8.8.8']"))
    assert finding.message == "app: 8.8.8.8/8.8.8.8"
    assert finding.properties == {"resolver": "8.8.8.8"}


def test_service_entry_meaning_comes_from_a_map_option(tmp_path):
    pack = _test_pack(
        tmp_path,
        "service-entry",
        {"setting": "cap_add", "listed_in": "caps", "message": "{entry}: {meaning}",
         "property": "capability"},
        {"caps": {"net_raw": "forge packets"}},
    )  # fmt: skip
    (finding,) = _scan_with(tmp_path, pack, service("cap_add: [CAP_NET_RAW]"))
    assert finding.message == "CAP_NET_RAW: forge packets"


# --- service-mount ---------------------------------------------------------------------------

MOUNT_CATCHES = [
    ("CMP005", "volumes: [/var/run/docker.sock:/var/run/docker.sock:ro]"),
    ("CMP005", "volumes: [/run/containerd/containerd.sock:/c.sock]"),
    ("CMP005", "volumes: [/var/run:/host-run]"),
    ("CMP005", "volumes: [{type: npipe, source: '\\\\.\\PIPE\\docker_engine', target: /p}]"),
    ("CMP005", "volumes: ['//./pipe/docker_engine://./pipe/docker_engine']"),
    ("CMP005", "volumes: [{type: npipe, source: //./pipe/docker_engine, target: /p}]"),
    # Docker Desktop's socket of the engine in its VM (its extensions' documented mount).
    ("CMP005", "volumes: [/var/run/docker.sock.raw:/var/run/docker.sock]"),
    # A host path left to a variable, mounted where the container's client finds the socket.
    ("CMP005", "volumes: ['${DOCKER_SOCKET}:/var/run/docker.sock']"),
    ("CMP005", "volumes: [{type: bind, source: '${SOCK}', target: /run/podman/podman.sock}]"),
    # Compose bind-mounts the engine's socket itself (the docs' MCP gateway and agent samples).
    ("CMP005", "use_api_socket: true"),
    ("CMP005", 'use_api_socket: "yes"'),
    ("CMP006", "volumes: [/etc:/host/etc]"),
    ("CMP006", "volumes: [/proc/sys:/host/proc-sys]"),
    ("CMP006", "volumes: [~/.ssh:/root/.ssh:ro]"),
    ("CMP006", "volumes: [/home/me/.aws/credentials:/creds]"),
    ("CMP006", "volumes: [{type: bind, source: /, target: /host, read_only: true}]"),
    ("CMP006", "volumes: [/dev/sda:/dev/sda]"),
    ("CMP006", "volumes: [/dev/shm:/dev/shm]"),
    ("CMP006", "volumes: [/dev/null/../mem:/m]"),
    # A Windows host's counterparts (Docker Desktop, Windows containers), in any case: its
    # engine's and containerd's pipes, its system drive, the profiles, the Windows directory.
    (
        "CMP005",
        "volumes: ['\\\\.\\pipe\\containerd-containerd:\\\\.\\pipe\\containerd-containerd']",
    ),
    ("CMP005", "volumes: [{type: npipe, source: //./pipe/dockerDesktopLinuxEngine, target: /p}]"),
    ("CMP005", "volumes: [{type: npipe, source: //./pipe/docker_engine/, target: /p}]"),
    ("CMP006", "volumes: ['C:\\:C:\\host']"),
    ("CMP006", "volumes: ['c:/:/host:ro']"),
    ("CMP006", "volumes: [{type: bind, source: 'C:\\Users', target: 'C:\\users'}]"),
    ("CMP006", "volumes: ['C:\\WINDOWS:C:\\w']"),
    ("CMP006", "volumes: ['c:/windows/system32/config:/config:ro']"),
    ("CMP006", "volumes: ['C:\\ProgramData\\Docker\\certs.d:C:\\certs']"),
    ("CMP006", "volumes: ['C:\\Users\\Administrator:C:\\admin']"),
    ("CMP006", "volumes: ['C:\\app\\..\\..\\Windows:C:\\w']"),
    # A directory above a sensitive tree (`holders_of`) holds it: /var and /var/lib hold
    # Docker's, containerd's and the kubelet's state, /lib and /usr/lib the kernel modules,
    # C:\ProgramData Docker's data root.
    ("CMP006", "volumes: [/var:/host/var]"),
    ("CMP006", "volumes: ['/var/lib/:/host/lib:ro']"),
    ("CMP006", "volumes: [/usr/lib:/host/usr-lib:ro]"),
    ("CMP006", "volumes: ['c:/ProgramData:C:\\pd']"),
]
MOUNT_DOESNT_CATCH = [
    ("CMP005", "volumes: [./docker.sock.txt:/x]"),
    ("CMP005", "volumes: [docker-data:/var/run/docker]"),
    ("CMP005", "volumes: ['${DATA_DIR}:/var/run/app']"),
    ("CMP005", "volumes: ['./fake.sock:/var/run/docker.sock']"),
    ("CMP005", "use_api_socket: false"),
    ("CMP006", "use_api_socket: true"),
    ("CMP006", "volumes: [/etc/myapp:/config:ro]"),
    ("CMP006", "volumes: [./data:/data]"),
    ("CMP006", "volumes: [/rootless:/x]"),
    ("CMP006", "volumes: [/data]"),
    # Beside the sensitive trees, not above them.
    ("CMP006", "volumes: [/var/log:/host/log:ro]"),
    ("CMP006", "volumes: [/var/lib/mysql:/var/lib/mysql]"),
    ("CMP006", "volumes: [/usr/share/zoneinfo:/zoneinfo:ro]"),
    # Devices that hold nothing of the host's: a file hidden under /dev/null, entropy.
    ("CMP006", "volumes: [/dev/null:/app/.env]"),
    ("CMP006", "volumes: [/dev/urandom:/dev/random]"),
    ("CMP006", "volumes: ['/dev/zero:/dev/zero:ro']"),
    # A Windows project's own directories, and pipes of no runtime.
    ("CMP006", "volumes: ['C:\\data:C:\\data']"),
    ("CMP006", "volumes: ['c:/Users/me/project:/app']"),
    ("CMP006", "volumes: ['C:\\Windows\\Temp\\app:C:\\tmp']"),
    ("CMP006", "volumes: ['C:\\ProgramData\\app:C:\\data']"),
    ("CMP005", "volumes: ['\\\\.\\pipe\\myapp:\\\\.\\pipe\\myapp']"),
    ("CMP005", "volumes: ['C:\\ProgramData\\docker:C:\\docker']"),
]


@pytest.mark.parametrize(("rule_id", "body"), MOUNT_CATCHES)
def test_service_mount_catches(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == [4]


@pytest.mark.parametrize(("rule_id", "body"), MOUNT_DOESNT_CATCH)
def test_service_mount_doesnt_catch(tmp_path, rule_id, body):
    assert lines_of(scan_compose(tmp_path, service(body), rule_id), rule_id) == []


def test_service_mount_read_only_access_severity_and_properties(tmp_path):
    text = service("volumes:\n  - /etc:/host/etc\n  - /etc:/ro-etc:ro\n  - /run:/r:ro")
    result = scan_compose(tmp_path, text, "CMP005", "CMP006")
    writable, read_only = findings_of(result, "CMP006")
    assert writable.severity == Severity.HIGH and "(writable, so" in writable.message
    assert writable.properties == {"hostPath": "/etc", "readOnly": False}
    assert read_only.severity == Severity.MEDIUM and "(read-only, which" in read_only.message
    (socket,) = findings_of(result, "CMP005")
    assert socket.message.startswith(
        "Service app mounts the container runtime socket /run (read-only does not limit the API):"
    )
    assert socket.properties == {"hostPath": "/run"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("{type: none, o: bind, device: /etc}", [("/etc", Severity.HIGH)]),
        ("{type: none, o: rbind, device: /etc}", [("/etc", Severity.HIGH)]),
        ("{type: none, o: 'rbind,ro', device: /etc}", [("/etc", Severity.MEDIUM)]),
        ("{type: none, o: 'ro,bind', device: /etc}", [("/etc", Severity.MEDIUM)]),
        ("{type: none, o: 'bind,rw', device: /etc}", [("/etc", Severity.HIGH)]),
        ("{type: nfs, o: 'addr=10.0.0.1,rw', device: ':/etc'}", []),
    ],
)
def test_a_named_volume_that_is_a_bind_mount_is_a_host_mount(tmp_path, options, expected):
    """The local driver mounts `device` with the mount options of `o`, as mount(8) reads them:
    `bind` and `rbind` (recursive) are bind mounts of the host path, and `ro` among the options
    makes it read-only whatever the service says."""
    declared = f"volumes:\n  host-etc:\n    driver_opts: {options}\n"
    text = service("volumes: [host-etc:/host/etc]") + declared
    found = findings_of(scan_compose(tmp_path, text, "CMP006"), "CMP006")
    assert [(f.properties["hostPath"], f.severity) for f in found] == expected


@pytest.mark.parametrize(
    ("granted", "declared", "expected"),
    [
        ("secrets: [shadow]", "secrets:\n  shadow:\n    file: /etc/shadow\n", [("CMP006", 4)]),
        (
            "secrets:\n  - source: key\n    target: id_rsa",
            "secrets:\n  key:\n    file: ~/.ssh/id_rsa\n",
            [("CMP006", 5)],
        ),
        (
            "configs: [engine]",
            "configs:\n  engine:\n    file: /var/run/docker.sock\n",
            [("CMP005", 4)],
        ),
        ("configs: [{source: hosts}]", "configs:\n  hosts:\n    file: /etc\n", [("CMP006", 4)]),
        # The project's own files, a variable, an external secret: no host path of these.
        ("secrets: [db]", "secrets:\n  db:\n    file: ./secrets/db.txt\n", []),
        ("secrets: [db]", "secrets:\n  db:\n    environment: DB_PASSWORD\n", []),
        ("secrets: [db]", "secrets:\n  db:\n    external: true\n", []),
        ("secrets: [other]", "secrets:\n  db:\n    file: /etc/shadow\n", []),
    ],
)
def test_a_secret_or_config_from_a_host_file_is_a_read_only_host_mount(
    tmp_path, granted, declared, expected
):
    """Outside Swarm, Compose bind-mounts the `file` of each secret (into /run/secrets) and
    config a service is granted, read-only: the host path it names is mounted like a volume's,
    reported where the service is granted it."""
    text = service(granted) + declared
    found = scan_compose(tmp_path, text, "CMP005", "CMP006").findings
    assert [(f.rule_id, f.region.start_line) for f in found] == expected
    assert all(f.severity == Severity.MEDIUM for f in found if f.rule_id == "CMP006")


_PROXY = """services:
  proxy:
    image: example/proxy:1.0
    volumes:
      - /var/run/docker.sock:/tmp/docker.sock:ro
      - /etc:/host/etc
      - certs:/certs
  gen:
    image: example/gen:1.0
    volumes_from:
      - proxy:ro
  companion:
    image: example/companion:1.0
    volumes_from: [gen, "container:outside"]
  own:
    image: example/own:1.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc:/host/etc
    volumes_from: [proxy]
volumes:
  certs: {}
"""


def test_volumes_from_mounts_the_host_paths_the_other_service_mounts(tmp_path):
    """Docker mounts every mount of the services named in `volumes_from` (bind mounts too) at
    the same paths, read-only with `:ro`, and through a chain (companion mounts gen's, which
    are proxy's): each is reported at the entry that brings it, once; one the service mounts
    itself (same host path or same container path) is reported where it is written only."""
    result = scan_compose(tmp_path, _PROXY, "CMP005", "CMP006")
    found = [
        (f.rule_id, f.resource, f.region.start_line, f.severity, f.properties.get("readOnly"))
        for f in result.findings
    ]
    assert sorted(found) == sorted([
        ("CMP005", "service proxy", 5, Severity.CRITICAL, None),
        ("CMP006", "service proxy", 6, Severity.HIGH, False),
        ("CMP005", "service gen", 11, Severity.CRITICAL, None),
        ("CMP006", "service gen", 11, Severity.MEDIUM, True),
        ("CMP005", "service companion", 14, Severity.CRITICAL, None),
        ("CMP006", "service companion", 14, Severity.MEDIUM, True),
        ("CMP005", "service own", 18, Severity.CRITICAL, None),
        ("CMP006", "service own", 19, Severity.HIGH, False),
    ])  # fmt: skip
    shared_from = {f.resource: f.properties.get("volumesFrom") for f in result.findings}
    assert shared_from == {
        "service proxy": None,
        "service gen": "proxy",
        "service companion": "proxy",  # through gen
        "service own": None,
    }


def test_service_mount_matches_normalised_option_paths(tmp_path):
    pack = _test_pack(
        tmp_path,
        "service-mount",
        {"paths": ["watched"], "message": "{service} {path}{access}",
         "read_only_access": " ro"},
        {"watched": ["/srv/data/"]},
    )  # fmt: skip
    found = _scan_with(tmp_path, pack, service("volumes: [/srv//data:/d:ro, /srv/data2:/e]"))
    assert [(f.message, f.severity, f.properties) for f in found] == [
        ("app /srv/data ro", Severity.LOW, {"hostPath": "/srv/data"})
    ]


# --- parameter validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("service-entry", {"message": "m", "property": "p"}, "needs setting"),
        ("service-entry", {"setting": ["cap_add"], "message": "m", "property": "p"},
         "params: setting must be a string"),
        ("service-entry", {"setting": "cap_add", "message": "m"}, "needs property"),
        ("service-mount", {"message": "m", "paths": "sensitive"}, "params: paths must be a list"),
        ("service-mount", {"message": "m", "trees": [1]}, "trees must be a list of strings"),
        ("service-mount", {"message": "m", "records_read_only": "yes"},
         "records_read_only must be true or false"),
        ("service-mount", {"message": "m", "severity": "low"}, "has no parameter 'severity'"),
        ("service-mount", {}, "template service-mount needs message"),
    ],
)  # fmt: skip
def test_params_the_templates_cannot_take_fail_the_pack(tmp_path, template, params, expected):
    with pytest.raises(RuleError) as caught:
        _test_pack(tmp_path, template, params)
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)
