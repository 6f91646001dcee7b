"""Whether a parsed YAML/JSON mapping is a Compose file (guardlint.documents.classify asks),
and the document Compose reads of it: interpolated with its project's variables, its
`extends` resolved. Imported on first use: a Dockerfile scan classifies nothing, and a
Kubernetes object or template is recognised before Compose is asked about
(tests/test_startup.py)."""

from __future__ import annotations

from typing import Any

from guardlint.model.documents import DOCUMENT_NOTES, SourceFile
from guardlint.parse.lazy_pattern import LazyPattern

COMPOSE_TOP_LEVEL_KEYS = frozenset(
    {"version", "name", "include", "services", "models", "networks", "volumes", "secrets",
     "configs"}
)  # fmt: skip


def _has_only_compose_keys(data: dict) -> bool:
    """Compose rejects unknown top-level keys but its extensions (`x-...`)."""
    return all(str(key).startswith("x-") or key in COMPOSE_TOP_LEVEL_KEYS for key in data)


def is_compose(data: dict, by_name: bool) -> bool:
    """Whether a mapping is a Compose file: a map of services, in a file named as Compose
    files are (`by_name`), or with only Compose's top-level keys and services that look like
    Compose's."""
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        return False
    if by_name:
        return True
    # Compose rejects unknown top-level keys, so a `services:` map beside other keys is not
    # Compose (Helm values, CI configs); Compose's `image` is always a string.
    if not _has_only_compose_keys(data):
        return False
    if _declares_compose_format(data.get("version")):
        return any(isinstance(s, dict) and s for s in services.values())
    if any(isinstance(s, dict) and _runs_something(s) for s in services.values()):
        return True
    # No service names what it runs here (a fragment, a cut-down case): Compose's by its
    # settings, when each is one of Compose's own (their list read only then: a Dockerfile
    # scan loads nothing of Compose, tests/test_startup.py).
    from guardlint.documents.compose_service_keys import has_only_compose_settings

    return all(has_only_compose_settings(s) for s in services.values())


# The file formats Compose has declared with `version:` (2.x, 3.x; obsolete now, still read).
_COMPOSE_FORMAT = LazyPattern(r"[23](?:\.[0-9]{1,2})?")


def _declares_compose_format(version: Any) -> bool:
    """Whether `version:` names a Compose file format: with only Compose's top-level keys, a
    file that says so is Compose even if its services name no image or build here (a
    fragment merged with `-f`), which a Helm values or CI file never says."""
    if isinstance(version, bool) or not isinstance(version, (str, int, float)):
        return False
    return bool(_COMPOSE_FORMAT.fullmatch(str(version).strip()))


def _runs_something(service: dict) -> bool:
    """Whether a service names what it runs: an image (always a string in Compose), a build,
    or the service it extends (`extends: base`, `{service: base, file: common.yml}`), whose
    image or build it takes."""
    extends = service.get("extends")
    return (
        isinstance(service.get("image"), str)
        or "build" in service
        or isinstance(extends, str)
        or (isinstance(extends, dict) and isinstance(extends.get("service"), str))
    )


def is_include_fragment(data: dict, source: SourceFile) -> bool:
    """A Compose file that an `include:` entry merges into an earlier file of its `path` list:
    its services need neither image nor build, the earlier file's give them."""
    if not isinstance(data.get("services"), dict) or not data["services"]:
        return False
    if not _has_only_compose_keys(data):
        return False
    from guardlint.documents.compose_include import inclusion  # only for a Compose-shaped file

    included = inclusion(source)
    return included is not None and included.is_fragment(source)


def compose_document(data: dict, source: SourceFile) -> tuple[str, Any, dict]:
    """A Compose file as Compose reads it: interpolated with its project's variables (kept in
    its meta for the override or base file merged in later), its `extends` resolved."""
    # Imported here, not above: only a Compose file needs them (tests/test_startup.py).
    from guardlint.documents.compose_env import project_variables
    from guardlint.documents.compose_include import INCLUSION, inclusion
    from guardlint.parse.compose_extends import resolve_extends
    from guardlint.parse.compose_interpolation import interpolate_values

    included = inclusion(source)
    variables, notes = project_variables(source, included)
    meta = {"project_variables": variables, INCLUSION: included}
    if notes:  # an environment file read in part: GL001 notes once the rules have run
        meta[DOCUMENT_NOTES] = notes
    return "compose", resolve_extends(interpolate_values(data, variables)), meta
