"""Docker Compose templates: an entry of a service's list setting that the rule lists
(`service-entry`), and a host path a service mounts (`service-mount`). Parameters:
guardlint.checks.templates.TEMPLATES.

What a rule reports is a rule option, so that a user's config can change it; the params name
those options. Messages are `str.format` templates with the fields each template documents.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from guardlint.checks.registry import template
from guardlint.documents.compose import Service, capability_name, security_option, services
from guardlint.documents.compose_mounts import device_source, host_mounts
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.compose_interpolation import is_known
from guardlint.parse.host_path import (
    comparable_host_path,
    comparable_host_paths,
    holds_host_path,
    normalize_host_path,
)


@dataclass(frozen=True)
class _Spelling:
    """How Compose spells the entries of one list setting."""

    read: Callable[[Document, Any, Region], str]  # an entry in one spelling
    listed: Callable[[Any], str]  # an entry of the rule's option in that spelling
    shown: Callable[[str], str] = str  # how a message names an entry
    records_written: bool = False  # the finding's property is the entry as written


def _capability_shown(name: str) -> str:
    return "ALL capabilities" if name == "ALL" else f"CAP_{name}"


_AS_WRITTEN = _Spelling(read=lambda _document, item, _region: str(item), listed=str)
# The list settings whose entries Compose reads in more than one spelling; any other setting's
# entries are compared as written.
_SPELLINGS = {
    "cap_add": _Spelling(
        read=lambda _document, item, _region: capability_name(item),
        listed=lambda entry: str(entry).upper(),
        shown=_capability_shown,
    ),
    "security_opt": _Spelling(
        read=lambda _document, item, _region: security_option(item),
        listed=lambda entry: str(entry).lower(),
        records_written=True,
    ),
    "devices": _Spelling(
        read=device_source, listed=str, shown=lambda device: f"host device {device}"
    ),
    "device_cgroup_rules": _Spelling(
        read=lambda _document, item, _region: str(item).strip(),
        listed=str,
        shown=lambda rule: f"host devices of the cgroup rule '{rule}'",
    ),
}


def _listed(rule: Rule, spelling: _Spelling) -> dict[str, str] | None:
    """The option `params.listed_in` as entry -> what it means (a list means nothing more);
    None when the rule reports every entry."""
    name = rule.params["listed_in"]
    if not name:
        return None
    option = rule.options.get(name) or {}
    pairs = option.items() if isinstance(option, dict) else ((entry, "") for entry in option)
    return {spelling.listed(entry): str(meaning) for entry, meaning in pairs}


@template("service-entry")
def service_entry(document: Document, rule: Rule) -> Iterator[Hit]:
    """Each entry of the list setting `setting` (and of those `also_settings` names) of a
    service that the rule option `listed_in` lists (every entry when `listed_in` is empty),
    compared in the spelling Compose reads (cap_add: any case, with or without `CAP_`;
    security_opt: any case or spacing, `:` or `=`; devices: the host side of the mapping).
    Message fields: {service}, {entry} (as messages name it), {written} (as the file writes
    it), {meaning} (the option's value for it, when the option is a map). The finding records
    the entry under `property`."""
    readings = []
    for setting in (rule.params["setting"], *rule.params["also_settings"]):
        spelling = _SPELLINGS.get(setting, _AS_WRITTEN)
        readings.append(_Reading(setting, spelling, _listed(rule, spelling)))
    for service in services(document):
        for reading in readings:
            yield from _listed_entries(document, rule, service, reading)


class _Reading(NamedTuple):
    """One list setting a `service-entry` rule reads: its spelling, and the entries the rule
    lists in it (None: every entry)."""

    setting: str
    spelling: _Spelling
    listed: dict[str, str] | None


def _listed_entries(
    document: Document, rule: Rule, service: Service, reading: _Reading
) -> Iterator[Hit]:
    params, spelling, listed = rule.params, reading.spelling, reading.listed
    for _, item, region, used in service.entries(reading.setting):
        entry = spelling.read(document, item, region)
        if not entry.strip() or (listed is not None and entry not in listed):
            continue
        written = str(item)
        yield Hit(
            message=params["message"].format(
                service=service.name,
                entry=spelling.shown(entry),
                written=written,
                meaning=listed.get(entry, "") if listed else "",
            ),
            region=used,
            resource=service.resource,
            properties={params["property"]: written if spelling.records_written else entry},
        )


def _option_entries(rule: Rule, param: str) -> list[str]:
    """The entries of the rule options that the template parameter `param` names."""
    return [str(entry) for name in rule.params[param] for entry in rule.options.get(name, ())]


@template("service-mount")
def service_mount(document: Document, rule: Rule) -> Iterator[Hit]:
    """Host mounts (bind mounts, named volumes bound to a host path, Windows pipes, granted
    files, and those `volumes_from` shares, at its entry) of a path that the rule options named
    by `paths` list (exactly that path; a Windows drive path in any case), by `trees` (that
    path or anything below it), by `holders_of` (a directory above one of its paths), by
    `file_names` (its last component, or the container path's
    when a variable without a default names the host path: `${DOCKER_SOCK}:/var/run/docker.sock`) or
    by `directory_names` (any of its components), unless one named by `harmless` lists it
    (exactly that path: /dev/null under the /dev tree). Message fields: {service}, {path}
    (normalised), {access} (`read_only_access` or `writable_access`). A read-only mount is
    reported at `read_only_severity` when set; `records_read_only` adds a `readOnly` property,
    and a mount `volumes_from` shares a `volumesFrom` property (the service it is from)."""
    params = rule.params
    paths = comparable_host_paths(tuple(_option_entries(rule, "paths")))
    trees = comparable_host_paths(tuple(_option_entries(rule, "trees")))
    held = comparable_host_paths(tuple(_option_entries(rule, "holders_of")))
    file_names = set(_option_entries(rule, "file_names"))
    directory_names = set(_option_entries(rule, "directory_names"))
    harmless = comparable_host_paths(tuple(_option_entries(rule, "harmless")))
    read_only_severity = params["read_only_severity"]

    def listed(source: str, target: str) -> bool:
        key = comparable_host_path(source)  # a Windows drive path in lower case
        return key not in harmless and (
            key in paths
            or holds_host_path(key, held)
            or any(key == tree or key.startswith(tree + "/") for tree in trees)
            or posixpath.basename(key) in file_names
            or (
                not is_known(normalize_host_path(source))
                and posixpath.basename(normalize_host_path(target)) in file_names
            )
            or bool(directory_names.intersection(key.split("/")))
        )

    # Each mount judged once: a service's thousands of mounts that `volumes_from` shares into
    # thousands of others are the same few sources and targets (each with a verdict per rule).
    verdicts: dict[tuple[str, str], bool] = {}
    for service in services(document):
        for mount in host_mounts(document, service):
            written = (mount.source, mount.target)
            verdict = verdicts.get(written)
            if verdict is None:
                verdict = verdicts[written] = listed(*written)
            if not verdict:
                continue
            path = mount.path
            access = params["read_only_access" if mount.read_only else "writable_access"]
            properties: dict[str, Any] = {"hostPath": path}
            if params["records_read_only"]:
                properties["readOnly"] = mount.read_only
            if mount.shared_from:
                properties["volumesFrom"] = mount.shared_from
            yield Hit(
                message=params["message"].format(service=service.name, path=path, access=access),
                region=mount.region,
                resource=service.resource,
                severity=(
                    Severity.parse(read_only_severity)
                    if mount.read_only and read_only_severity
                    else None
                ),
                properties=properties,
            )
