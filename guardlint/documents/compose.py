"""The Docker Compose model: the services of a Compose file and what each one asks of the host.

Compose files are read as the Compose specification defines them: short and long syntax for
ports and volumes, list and map forms of environment, `${VAR}` interpolation with `$$`
escapes (guardlint.documents.classify hands over a file with every value interpolated), and
keys inherited through `<<:` merge keys (their region is the `<<` line) or through `extends` of
a service of the same file (the `extends` line: guardlint.parse.compose_extends); whatever a
YAML alias brings into a service is located where the service uses it (`Service.sites`). Checks
in guardlint.checks.compose ask this module (and guardlint.documents.compose_mounts, for host
mounts and devices, and compose_namespaces, for the host's namespaces a service joins through
a network or another service) "which services, mounts, ports and environment entries does this
file define", never read the syntax variants themselves.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.compose_include import INCLUSION
from guardlint.model.documents import Document, Region
from guardlint.parse.compose_extends import extended_service
from guardlint.parse.compose_interpolation import as_written, is_known, without_variables
from guardlint.parse.located import YamlMap, YamlSeq, region_of
from guardlint.parse.substitution import filled_name
from guardlint.parse.use_sites import SharedUses, UseSites

# ASCII digits only: str.isdigit() accepts '²', which int() refuses, and int() refuses more
# than 4,300 digits; a port has at most five.
_PORT_NUMBER = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True, slots=True)
class Service:
    """One service of a Compose file: its name, its definition (a map), and where the parts of
    it that a YAML alias or merge key brings from elsewhere are used (`b: *a`, `<<: *base`,
    `environment: *common`): each service's findings point into that service, once per use."""

    name: str
    definition: YamlMap
    sites: UseSites
    name_region: Region  # the line that names the service

    @property
    def resource(self) -> str:
        """How findings name the service."""
        return f"service {self.name}"

    @property
    def region(self) -> Region:
        return self.sites.locate(self.definition.region)

    def get(self, key: str) -> Any:
        return self.definition.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.definition

    def key_region(self, key: str) -> Region:
        """The line of the service's `key` (the `<<` line when a merge key brought it)."""
        return self.sites.locate(self.definition.key_region(key))

    def located(self, region: Region) -> Region:
        """`region`, or where this service uses the aliased node written there."""
        return self.sites.locate(region)

    def entries(self, key: str, container: Any = None) -> Iterator[tuple[Any, Any, Region, Region]]:
        """entries() of the setting `key` (or of `container`, a part of the service): (key or
        index, value, where it is written, where this service uses it: the alias, for an item
        an alias brings)."""
        container = self.get(key) if container is None else container
        for index, value, region in entries(container):
            if isinstance(container, YamlSeq):
                used = self.sites.value_region(container, index)
            else:
                used = self.located(region) if region is not None else None
            yield index, value, region or self.region, used or self.region


def services(document: Document) -> Iterator[Service]:
    """Every service that is a map (others are not ours to judge)."""
    defined = document.data.get("services") if isinstance(document.data, dict) else None
    if not isinstance(defined, dict):
        return
    shared: SharedUses = {}
    for name, definition in defined.items():
        if isinstance(definition, YamlMap):
            yield _service(document, defined, name, shared)


def service_named(document: Document, name: str) -> Service | None:
    """The service of the file named `name`, if it is a map."""
    defined = document.data.get("services") if isinstance(document.data, dict) else None
    if not isinstance(defined, dict) or not isinstance(defined.get(name), YamlMap):
        return None
    return _service(document, defined, name, {})


def _service(document: Document, defined: dict, name: Any, shared: SharedUses) -> Service:
    definition = defined[name]
    named_at = region_of(defined, name) or definition.region
    return Service(str(name), definition, UseSites(document, defined, name, shared), named_at)


# The words of a file name (`docker-compose.override.yml`: docker, compose, override, yml).
_NAME_WORDS = re.compile(r"[.\-_]")


def is_override_file(document: Document) -> bool:
    """Whether the document is an override file: Compose's own, which `docker compose up`
    merges into the base file beside it (`compose.override.yaml`, `docker-compose.override.yml`),
    or another its name says is one (`docker-compose.override.prod.yml`, merged with `-f`).
    Its services are fragments of the base's (or new ones): what they lack may be the base's.
    So are those of a file an `include:` entry merges into an earlier file of its `path` list."""
    included = document.meta.get(INCLUSION)
    if (
        included is not None
        and document.source is not None
        and included.is_fragment(document.source)
    ):
        return True
    name = posixpath.basename(document.rel_path)
    return "override" in _NAME_WORDS.split((filled_name(name) or name).lower())


def is_complete(document: Document, service: Service) -> bool:
    """Whether the file defines the whole service, so that a setting it lacks is lacking: it
    names what runs (image or build), inherits nothing from another file (`extends` of a
    service of this file, which gave it that service's settings, down to one that extends
    none), and is not in an override file."""
    return (
        ("image" in service or "build" in service)
        and _extends_only_this_file(document, service.name)
        and not is_override_file(document)
    )


# Document.meta key: whether each service's chain of `extends` stays in the file, by name.
_EXTENDS_HERE = "compose_extends_only_this_file"


def _extends_only_this_file(document: Document, name: str) -> bool:
    """Whether the chain of `extends` from service `name` ends at a service of the file that
    extends none (not at another file's, a missing service or a cycle); each service's chain
    followed once per file."""
    known: dict[str, bool] = document.once(_EXTENDS_HERE, dict)
    defined = document.data["services"]
    chain: dict[str, None] = {}  # in order, and looked up at once
    current: Any = name
    while current not in known:
        definition = defined.get(current)
        if not isinstance(definition, dict) or current in chain:
            ends_here = False
            break
        chain[current] = None
        if "extends" not in definition:
            ends_here = True
            break
        current = extended_service(definition)  # None: another file's
    else:
        ends_here = known[current]
    known.update(dict.fromkeys(chain, ends_here))
    return known.get(name, ends_here)


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


def string_values(container: Any, region: Region | None = None) -> Iterator[tuple[str, Region]]:
    """Every string value below a container (a service), with its region."""
    if isinstance(container, str) and region is not None:
        yield container, region
    elif isinstance(container, YamlMap):
        for key, value in container.items():
            yield from string_values(value, container.value_region(key))
    elif isinstance(container, YamlSeq):
        for index, item in enumerate(container):
            yield from string_values(item, container.item_region(index))


def exec_commands(service: Service) -> Iterator[tuple[YamlSeq, ...]]:
    """Each command line the service runs in exec form, as the lists of words that make it:
    `entrypoint` then `command` (Docker runs the command as the entrypoint's arguments:
    `[mysql]` then `[-uroot, -pS3cret]`), each alone when the other is no list,
    `healthcheck.test` and each lifecycle hook's `command`. What an option takes is the next
    word (`[redis-server, --requirepass, s3cret]`)."""
    healthcheck = service.get("healthcheck")
    test = healthcheck.get("test") if isinstance(healthcheck, dict) else None
    program = [
        w for w in (service.get("entrypoint"), service.get("command")) if isinstance(w, YamlSeq)
    ]
    if program:
        yield tuple(program)
    # Each runs alone: the health check's test and every hook's command.
    alone = [test, *(hook.get("command") for hook in lifecycle_hooks(service))]
    yield from ((words,) for words in alone if isinstance(words, YamlSeq))


def lifecycle_hooks(service: Service) -> Iterator[YamlMap]:
    """Each `post_start` and `pre_stop` hook: a command Compose runs in the container (as
    `docker exec` does), with its own `user`, `privileged` and `environment`."""
    for key in ("post_start", "pre_stop"):
        hooks = service.get(key)
        if isinstance(hooks, YamlSeq):
            yield from (hook for hook in hooks if isinstance(hook, YamlMap))


# --- entries of list settings -------------------------------------------------------------


def capability_name(item: Any) -> str:
    """A `cap_add`/`cap_drop` entry as one name: upper case, without the `CAP_` prefix."""
    return str(item).strip().upper().removeprefix("CAP_")


def security_option(item: Any) -> str:
    """A `security_opt` entry in one spelling: lower case, no spaces, `:` after the name
    (Docker takes `seccomp=unconfined` and `seccomp:unconfined` alike)."""
    return re.sub(r"\s+", "", str(item).lower()).replace("=", ":", 1)


# --- environment ----------------------------------------------------------------------------


def environment_entries(
    document: Document, service: Service
) -> Iterator[tuple[str, str, str, Region, Region]]:
    """(name, value, value as written, region, value region) of each environment entry (the
    service's and its lifecycle hooks') and build argument with a value; `- NAME` and `NAME:`
    (taken from the shell) have none. The value is what the file itself gives (interpolated
    without the `.env` file's variables, which are the environment's, not the file's
    literals). The region is the entry's (a map
    entry's key line), the value region where the value is written."""
    build = service.get("build")
    sources = [service.get("environment")]
    if isinstance(build, dict):
        sources.append(build.get("args"))
    sources.extend(hook.get("environment") for hook in lifecycle_hooks(service))
    for source in sources:
        for key, value, written, region in service.entries("", source):
            if isinstance(source, YamlSeq):
                value_region = written
                text = scalar_text(document, value, written)
                if "=" not in text:
                    continue
                key, value = without_variables(text).split("=", 1)
                written = as_written(text).split("=", 1)[-1]
            elif value is None or isinstance(value, (dict, list)):
                continue
            else:
                value_region = source.value_region(key)
                text = scalar_text(document, value, value_region)
                value, written = without_variables(text), as_written(text)
            yield str(key).strip(), str(value), str(written), region, value_region


# --- ports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortMapping:
    """One published port entry of a Compose service, as Compose reads it."""

    host_ip: str
    container_ports: range
    protocol: str


def published_ports(document: Document, service: Service) -> Iterator[tuple[PortMapping, Region]]:
    """Each `ports:` entry Compose would publish (short or long syntax) that can be read here,
    with its region."""
    for _, item, region, used in service.entries("ports"):
        if isinstance(item, dict):
            mapping = _long_port(item)
        else:
            mapping = parse_port(scalar_text(document, item, region))
        if mapping is not None:
            yield mapping, used


def parse_port(text: str) -> PortMapping | None:
    """Docker's short syntax `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, interpolated;
    an IPv6 host IP is bracketed (`[::1]:5432:5432`). None when it is not a mapping we can read:
    an unset variable may stand for the host port (`${DB_PORT}:5432` publishes 5432 whatever
    port it is), not for the host IP, the container port or the protocol."""
    spec, _, protocol = text.strip().partition("/")
    host_ip = ""
    if spec.startswith("["):
        close = spec.find("]")
        host_ip, parts = spec[: close + 1], spec[close + 1 :].lstrip(":").split(":")
    else:
        parts = spec.split(":")
        if len(parts) > 2:  # an unbracketed IPv6 host IP holds colons itself
            host_ip, parts = ":".join(parts[:-2]), parts[-2:]
    if not (is_known(host_ip) and is_known(protocol)):
        return None
    ports = port_range(parts[-1])  # None for an unset variable
    return PortMapping(host_ip, ports, protocol or "tcp") if ports else None


def port_range(text: Any) -> range | None:
    first, _, last = str(text).strip().partition("-")
    if not _PORT_NUMBER.fullmatch(first) or not _PORT_NUMBER.fullmatch(last or first):
        return None
    return range(int(first), int(last or first) + 1)


def _long_port(port: dict) -> PortMapping | None:
    ports = port_range(port.get("target", ""))
    host_ip = str(port.get("host_ip") or "")
    if ports is None or not is_known(host_ip):
        return None
    return PortMapping(host_ip, ports, str(port.get("protocol") or "tcp"))
