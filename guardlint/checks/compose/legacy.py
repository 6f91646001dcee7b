"""Docker Compose checks (CMP rules) for what the declarative `match` language cannot say.

Compose files are read as the Compose specification defines them: short and long syntax for
ports and volumes, list and map forms of environment, `${VAR}` interpolation with `$$`
escapes, and keys inherited through `<<:` merge keys (their region is the `<<` line).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.checks.registry import check
from guardlint.knowledge.secrets import find_secrets, is_literal_secret
from guardlint.model import Document, Hit, Region, Rule, Severity
from guardlint.parse.yaml_nodes import YamlMap, YamlSeq

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACE = re.compile(r"\$\{|\}")
_UNRESOLVED = "${"  # what an unset variable leaves in interpolated text
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_ALL_INTERFACES = frozenset({"", "0.0.0.0", "::", "[::]"})
_TRUE_WORDS = frozenset({"true", "yes", "on", "y", "1"})


# --- shared helpers -------------------------------------------------------------------------


def services(document: Document) -> Iterator[tuple[str, YamlMap]]:
    """(name, definition) of every service that is a map (others are not ours to judge)."""
    defined = document.data.get("services") if isinstance(document.data, dict) else None
    if not isinstance(defined, dict):
        return
    for name, service in defined.items():
        if isinstance(service, YamlMap):
            yield str(name), service


def _resource(name: str) -> str:
    return f"service {name}"


def _is_true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE_WORDS


def scalar_text(document: Document, value: Any, region: Region | None) -> str:
    """A scalar as Compose reads it. YAML 1.1 turns unquoted `22:22` into the integer 1342
    (base 60) and `yes` into true, while Compose (YAML 1.2) keeps the text: for anything that
    is not a string, go back to the source text."""
    if isinstance(value, str):
        return value
    if region is not None and region.end_line == region.start_line and region.end_column:
        raw = document.line_text(region.start_line)[region.start_column - 1 : region.end_column - 1]
        if raw.strip():
            return raw.strip().strip("'\"")
    return "" if value is None else str(value)


def entries(container: Any) -> Iterator[tuple[Any, Any, Region | None]]:
    """(key or index, value, region) of each item of a list or each entry of a map; the region
    of a map entry is its key's line."""
    if isinstance(container, YamlSeq):
        for index, item in enumerate(container):
            yield index, item, container.item_region(index)
    elif isinstance(container, YamlMap):
        for key, value in container.items():
            yield key, value, container.key_region(key)


def interpolate(text: str) -> str:
    """Compose interpolation with every variable unset: `${VAR:-default}` and `${VAR-default}`
    give their default (`${VAR:+alt}` its alternative), `$$` is a literal `$`, and a variable
    without a default is kept as `${VAR}` so callers can tell the value is not known.

    One pass over the text: each `${`'s closing brace is found beforehand, and a default is
    read in place until its closing brace (a stack of them, for nested defaults), so a text of
    thousands of nested `${A:-${A:-...}}` takes linear time and no recursion."""
    if "$" not in text:
        return text
    closing = _closing_braces(text)
    out: list[str] = []
    default_ends: list[int] = []  # the closing brace of each default being read
    index = 0
    while index < len(text):
        if default_ends and index == default_ends[-1]:
            default_ends.pop()
            index += 1
            continue
        end = default_ends[-1] if default_ends else len(text)
        dollar = text.find("$", index, end)
        if dollar != index:  # plain text up to the next `$`, or to the end of the default
            stop = end if dollar < 0 else dollar
            out.append(text[index:stop])
            index = stop
            continue
        following = text[index + 1 : index + 2]
        if not following:
            out.append("$")
            index += 1
        elif following == "$":
            out.append("$")
            index += 2
        elif following == "{":
            brace = closing.get(index)
            if brace is None:  # only outside every default: a default's braces are all closed
                out.append(text[index:])
                break
            name = _NAME.match(text, index + 2)
            operator = _operator(text, name.end()) if name else ""
            if name is None:
                out.append(text[index : brace + 1])
            elif operator in ("-", ":-", "+", ":+"):
                default_ends.append(brace)
                index = name.end() + len(operator)
                continue
            else:
                out.append("${" + name.group() + "}")
            index = brace + 1
        elif match := _NAME.match(text, index + 1):
            out.append("${" + match.group() + "}")
            index = match.end()
        else:
            out.append("$")
            index += 1
    return "".join(out)


def _closing_braces(text: str) -> dict[int, int]:
    """The position of each `${` -> its closing `}` (braces counted, `${` opening one)."""
    partners: dict[int, int] = {}
    opened: list[int] = []
    for brace in _BRACE.finditer(text):
        if brace.group() == "${":
            opened.append(brace.start())
        elif opened:
            partners[opened.pop()] = brace.start()
    return partners


def _operator(text: str, index: int) -> str:
    """The operator after a variable's name (`:-`, `-`, `:?`, ...), or ''."""
    if text.startswith(":", index) and text[index + 1 : index + 2] in ("-", "+", "?"):
        return text[index : index + 2]
    return text[index] if text[index : index + 1] in ("-", "+", "?") else ""


def is_known(text: str) -> bool:
    return _UNRESOLVED not in text


# --- CMP002 dangerous capabilities ---------------------------------------------------------


@check("CMP002")
def dangerous_capabilities(document: Document, rule: Rule) -> Iterator[Hit]:
    dangerous = {str(c).upper(): str(e) for c, e in rule.options.get("capabilities", {}).items()}
    for name, service in services(document):
        for _, item, region in entries(service.get("cap_add")):
            capability = str(item).strip().upper().removeprefix("CAP_")
            if capability in dangerous:
                what = "ALL capabilities" if capability == "ALL" else f"CAP_{capability}"
                yield Hit(
                    message=f"Service {name} adds {what}, which lets a process in the "
                    f"container {dangerous[capability]}.",
                    region=region or service.region,
                    resource=_resource(name),
                    properties={"capability": capability},
                )


# --- volumes: CMP005 and CMP006 -------------------------------------------------------------


@dataclass(frozen=True)
class HostMount:
    """A bind mount of a host path (or a named volume that is one), as Compose would mount it."""

    source: str
    read_only: bool
    region: Region


def host_mounts(document: Document, service: YamlMap) -> Iterator[HostMount]:
    named = document.data.get("volumes") if isinstance(document.data, dict) else None
    for _, volume, region in entries(service.get("volumes")):
        region = region or service.region
        if isinstance(volume, dict):
            mount = _long_volume(volume, named)
        else:
            mount = _short_volume(scalar_text(document, volume, region), named)
        if mount is not None:
            yield HostMount(mount[0], mount[1], region)


def _short_volume(text: str, named: Any) -> tuple[str, bool] | None:
    """`SOURCE:TARGET[:MODE]` (Windows drive letters allowed); a bare path is an anonymous
    volume, and a source that is not a path names a volume."""
    parts = _split_volume(interpolate(text.strip()))
    if len(parts) < 2:
        return None
    source = parts[0]
    read_only = len(parts) > 2 and "ro" in parts[2].split(",")
    if _is_host_path(source):
        return source, read_only
    device = _named_volume_device(named, source)
    return (device, read_only) if device else None


def _split_volume(text: str) -> list[str]:
    parts: list[str] = []
    rest = text
    while True:
        skip = 2 if _WINDOWS_DRIVE.match(rest) else 0
        colon = rest.find(":", skip)
        if colon < 0:
            return [*parts, rest]
        parts.append(rest[:colon])
        rest = rest[colon + 1 :]


def _long_volume(volume: dict, named: Any) -> tuple[str, bool] | None:
    source = volume.get("source")
    if not isinstance(source, str) or not source:
        return None
    source = interpolate(source)
    read_only = _is_true(volume.get("read_only", False))
    kind = str(volume.get("type", "bind" if _is_host_path(source) else "volume"))
    if kind in ("bind", "npipe"):
        return source, read_only
    if kind == "volume":
        device = _named_volume_device(named, source)
        return (device, read_only) if device else None
    return None


def _is_host_path(source: str) -> bool:
    return source.startswith(("/", ".", "~", "\\\\", "${")) or bool(_WINDOWS_DRIVE.match(source))


def _named_volume_device(named: Any, name: str) -> str | None:
    """A named volume declared with the local driver's `o: bind` is a host bind mount."""
    if not isinstance(named, dict) or not isinstance(named.get(name), dict):
        return None
    options = named[name].get("driver_opts")
    if not isinstance(options, dict) or "bind" not in str(options.get("o", "")).split(","):
        return None
    device = options.get("device")
    return interpolate(device) if isinstance(device, str) else None


def normalize_host_path(source: str) -> str:
    if source.startswith("\\\\"):
        return source.lower()  # a Windows named pipe
    path = posixpath.normpath(source.replace("\\", "/"))
    return "/" if path.startswith("//") and set(path) == {"/"} else path


@check("CMP005")
def docker_socket_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    sockets = {str(n) for n in rule.options.get("socket_names", ())}
    directories = {str(p) for p in rule.options.get("socket_directories", ())}
    pipes = {str(p).lower() for p in rule.options.get("named_pipes", ())}
    for name, service in services(document):
        for mount in host_mounts(document, service):
            path = normalize_host_path(mount.source)
            if posixpath.basename(path) in sockets or path in directories or path in pipes:
                access = " (read-only does not limit the API)" if mount.read_only else ""
                yield Hit(
                    message=f"Service {name} mounts the container runtime socket {path}"
                    f"{access}: anything in the container can start privileged containers "
                    "and take over the host.",
                    region=mount.region,
                    resource=_resource(name),
                    properties={"hostPath": path},
                )


@check("CMP006")
def sensitive_host_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    trees = [str(p) for p in rule.options.get("sensitive_trees", ())]
    exact = {str(p) for p in rule.options.get("sensitive_exact", ())}
    credential_dirs = {str(d) for d in rule.options.get("credential_dirs", ())}
    for name, service in services(document):
        for mount in host_mounts(document, service):
            path = normalize_host_path(mount.source)
            sensitive = (
                path in exact
                or any(path == tree or path.startswith(tree + "/") for tree in trees)
                or bool(credential_dirs.intersection(path.split("/")))
            )
            if not sensitive:
                continue
            if mount.read_only:
                access, severity = "read-only, which still exposes what it holds", Severity.MEDIUM
            else:
                access, severity = "writable, so the container can change the host", None
            yield Hit(
                message=f"Service {name} bind-mounts the sensitive host path {path} ({access}).",
                region=mount.region,
                resource=_resource(name),
                severity=severity,
                properties={"hostPath": path, "readOnly": mount.read_only},
            )


# --- CMP007 secrets in the environment ------------------------------------------------------


def environment_entries(
    document: Document, service: YamlMap
) -> Iterator[tuple[str, str, Region, Region]]:
    """(name, raw value, region, value region) of each environment entry and build argument
    with a value; `- NAME` and `NAME:` (taken from the shell) have none. The region is the
    entry's (a map entry's key line), the value region where the value is written."""
    build = service.get("build")
    sources = [service.get("environment")]
    if isinstance(build, dict):
        sources.append(build.get("args"))
    for source in sources:
        for key, value, region in entries(source):
            region = region or service.region
            if isinstance(source, YamlSeq):
                value_region = region
                text = scalar_text(document, value, region)
                if "=" not in text:
                    continue
                key, value = text.split("=", 1)
            elif value is None or isinstance(value, (dict, list)):
                continue
            else:
                value_region = source.value_region(key)
                value = scalar_text(document, value, value_region)
            yield str(key).strip(), str(value), region, value_region


@check("CMP007")
def secret_in_environment(document: Document, rule: Rule) -> Iterator[Hit]:
    for name, service in services(document):
        reported: set[int] = set()
        for variable, raw, region, value_region in environment_entries(document, service):
            value = interpolate(raw)  # `${VAR}` is not a literal; `${VAR:-s3cret}` is
            if is_literal_secret(variable, value):
                reported.add(region.start_line)
                yield Hit(
                    message=f"Service {name} sets {variable} to a literal secret; anyone "
                    "who can read the file or inspect the container can read it.",
                    region=region,
                    resource=_resource(name),
                    properties={"variable": variable},
                    secret_values=(raw, value),
                    secret_regions=(value_region,),
                )
        for text, region in _strings(service):
            if region.start_line in reported:
                continue
            for match in find_secrets(text):
                reported.add(region.start_line)
                yield Hit(
                    message=f"Service {name} holds a hard-coded {match.kind}; anyone who "
                    "can read the file can use it.",
                    region=region,
                    resource=_resource(name),
                    properties={"secretType": match.kind},
                    secret_values=(match.value,),
                )


def _strings(container: Any, region: Region | None = None) -> Iterator[tuple[str, Region]]:
    """Every string value below a service, with its region."""
    if isinstance(container, str) and region is not None:
        yield container, region
    elif isinstance(container, YamlMap):
        for key, value in container.items():
            yield from _strings(value, container.value_region(key))
    elif isinstance(container, YamlSeq):
        for index, item in enumerate(container):
            yield from _strings(item, container.item_region(index))


# --- CMP008 mutable image tag ---------------------------------------------------------------


@check("CMP008")
def latest_tag(document: Document, rule: Rule) -> Iterator[Hit]:
    for name, service in services(document):
        image = service.get("image")
        # With `build:`, `image:` names what Compose builds locally, not what it pulls.
        if not isinstance(image, str) or "build" in service:
            continue
        reference = interpolate(image.strip())
        if "@" in reference:
            continue  # pinned by digest
        last = reference.rsplit("/", 1)[-1]
        repository, _, tag = last.partition(":")
        if not is_known(tag) or not is_known(repository) or tag not in ("", "latest"):
            continue
        how = "the :latest tag" if tag else "no tag (so :latest)"
        yield Hit(
            message=f"Service {name} uses image {reference} with {how}: every pull may run "
            "different, unreviewed code.",
            region=service.key_region("image"),
            resource=_resource(name),
            properties={"image": reference},
        )


# --- CMP009 sensitive ports -----------------------------------------------------------------


@dataclass(frozen=True)
class PortMapping:
    host_ip: str
    container_ports: range
    protocol: str


def parse_port(text: str) -> PortMapping | None:
    """Docker's short syntax `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`; an IPv6 host
    IP is bracketed (`[::1]:5432:5432`). None when it is not a mapping we can read."""
    text = interpolate(text.strip())
    if not is_known(text):
        return None
    spec, _, protocol = text.partition("/")
    host_ip = ""
    if spec.startswith("["):
        close = spec.find("]")
        host_ip, parts = spec[: close + 1], spec[close + 1 :].lstrip(":").split(":")
    else:
        parts = spec.split(":")
        if len(parts) > 2:  # an unbracketed IPv6 host IP holds colons itself
            host_ip, parts = ":".join(parts[:-2]), parts[-2:]
    ports = port_range(parts[-1])
    return PortMapping(host_ip, ports, protocol or "tcp") if ports else None


# ASCII digits only: str.isdigit() accepts '²', which int() refuses, and int() refuses more
# than 4,300 digits; a port has at most five.
_PORT_NUMBER = re.compile(r"[0-9]{1,5}")


def port_range(text: Any) -> range | None:
    first, _, last = str(text).strip().partition("-")
    if not _PORT_NUMBER.fullmatch(first) or not _PORT_NUMBER.fullmatch(last or first):
        return None
    return range(int(first), int(last or first) + 1)


def _long_port(port: dict) -> PortMapping | None:
    ports = port_range(port.get("target", ""))
    host_ip = interpolate(str(port.get("host_ip") or ""))
    if ports is None or not is_known(host_ip):
        return None
    return PortMapping(host_ip, ports, str(port.get("protocol") or "tcp"))


@check("CMP009")
def sensitive_port_exposed(document: Document, rule: Rule) -> Iterator[Hit]:
    sensitive = {int(port): str(what) for port, what in rule.options.get("ports", {}).items()}
    for name, service in services(document):
        for _, item, region in entries(service.get("ports")):
            region = region or service.region
            if isinstance(item, dict):
                mapping = _long_port(item)
            else:
                mapping = parse_port(scalar_text(document, item, region))
            if mapping is None or mapping.host_ip not in _ALL_INTERFACES:
                continue
            exposed = [port for port in mapping.container_ports if port in sensitive]
            if not exposed:
                continue
            what = ", ".join(f"{sensitive[port]} ({port})" for port in exposed)
            yield Hit(
                message=f"Service {name} publishes {what} on every host interface, reachable "
                "from any network the host is on.",
                region=region,
                resource=_resource(name),
                properties={"ports": exposed, "protocol": mapping.protocol},
            )


# --- CMP010 security profiles ---------------------------------------------------------------


@check("CMP010")
def security_profile_disabled(document: Document, rule: Rule) -> Iterator[Hit]:
    disabling = {str(o).lower() for o in rule.options.get("disabling_options", ())}
    for name, service in services(document):
        for _, item, region in entries(service.get("security_opt")):
            option = re.sub(r"\s+", "", str(item).lower()).replace("=", ":", 1)
            if option in disabling:
                yield Hit(
                    message=f"Service {name} sets security_opt {item}, removing a kernel "
                    "confinement layer that contains a compromised process.",
                    region=region or service.region,
                    resource=_resource(name),
                    properties={"option": str(item)},
                )


# --- CMP014 host devices --------------------------------------------------------------------


@check("CMP014")
def host_devices(document: Document, rule: Rule) -> Iterator[Hit]:
    for name, service in services(document):
        for _, item, region in entries(service.get("devices")):
            region = region or service.region
            if isinstance(item, dict):
                device = str(item.get("source", ""))
            else:
                device = _split_volume(scalar_text(document, item, region))[0]
            if not device.strip():
                continue
            yield Hit(
                message=f"Service {name} maps the host device {device} into the container, "
                "giving it direct access to host hardware outside its isolation.",
                region=region,
                resource=_resource(name),
                properties={"device": device},
            )


# --- CMP015 references to undefined services ------------------------------------------------


@check("CMP015")
def undefined_dependency(document: Document, rule: Rule) -> Iterator[Hit]:
    defined = document.data.get("services")
    if not isinstance(defined, dict) or not _is_complete_project(document, defined):
        return
    for name, service in services(document):
        for target, region, via in _service_references(service):
            if target not in defined:
                yield Hit(
                    message=f"Service {name} refers to service {target} in {via}, which this "
                    "file does not define: Compose refuses to start the project.",
                    region=region,
                    resource=_resource(name),
                    properties={"missingService": target, "via": via},
                )


def _is_complete_project(document: Document, defined: dict) -> bool:
    """An override file (`-f base.yml -f override.yml`) or one using `include:` refers to
    services defined elsewhere; a service with neither image, build nor extends shows it."""
    if "include" in document.data:
        return False
    return all(
        isinstance(service, dict) and any(key in service for key in ("image", "build", "extends"))
        for service in defined.values()
    )


def _service_references(service: YamlMap) -> Iterator[tuple[str, Region, str]]:
    depends_on = service.get("depends_on")
    for key, value, region in entries(depends_on):
        if isinstance(depends_on, YamlMap):
            # Compose 2.20+: `required: false` tolerates a missing dependency.
            if isinstance(value, dict) and value.get("required") is False:
                continue
            yield str(key), region or service.region, "depends_on"
        elif isinstance(value, str):
            yield value, region or service.region, "depends_on"
    for key in ("links", "volumes_from"):
        for _, value, region in entries(service.get(key)):
            if isinstance(value, str) and not value.startswith("container:"):
                yield value.split(":", 1)[0], region or service.region, key
    for key in ("network_mode", "pid", "ipc"):
        value = service.get(key)
        if isinstance(value, str) and value.startswith("service:"):
            yield value.split(":", 1)[1], service.key_region(key), key
    extends = service.get("extends")
    if isinstance(extends, str):
        yield extends, service.key_region("extends"), "extends"
    elif isinstance(extends, dict) and "file" not in extends and "service" in extends:
        yield str(extends["service"]), service.key_region("extends"), "extends"
