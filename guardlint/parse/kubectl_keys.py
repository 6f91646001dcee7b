"""A Kubernetes manifest's keys as kubectl sends them: sigs.k8s.io/yaml turns each key go-yaml
v2 reads as a boolean or number into JSON text (`yes:` is "true", `0x1F:` "31", `1.0:` "1")
and refuses a null key or one past int64 (`unsupported map key`). The YAML reader keeps the
text the file writes, as CloudFormation and Compose read keys, and lists on a document's root
the keys kubectl reads otherwise (guardlint.parse.yaml_nodes: `json_keys`)."""

from __future__ import annotations

from typing import Any

from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap
from guardlint.parse.text import ParseError


def read_keys_as_kubectl(document: Any) -> list[ParseError]:
    """Rename, in place, the keys of `document` that kubectl reads as other text; what kubectl
    refuses (a null key) or makes one of two keys (`yes:` and `true:`) noted. The last of two
    such keys keeps its value, as go-yaml v2 keeps the last of two equal keys."""
    entries = getattr(document, "json_keys", None)
    if not entries:
        return []
    document.json_keys = None  # renamed once, even where the document is read again
    notes: list[ParseError] = []
    for mapping, names in entries.values():
        _rename(mapping, names, notes)
    return notes


def _rename(mapping: YamlMap, names: dict[Any, str | None], notes: list[ParseError]) -> None:
    items = list(mapping.items())
    key_regions, value_regions, merged = mapping.key_regions, mapping.value_regions, set()
    mapping.clear()
    mapping.key_regions, mapping.value_regions = {}, {}
    for key, value in items:
        region = key_regions.get(key, mapping.region)
        name = names.get(key, key)
        if key in mapping.merged_keys:  # noted in the map it comes from (a merge key's source)
            if name in mapping:
                continue  # go-yaml's merge: it gives way to the map's own and earlier merges'
            name = key if name is None else name
        elif name is None:
            notes.append(_note(f"kubectl makes no JSON key of {key!r} (null, or an integer past "
                               "int64: 'unsupported map key') and refuses the manifest; the key "
                               "was read as its text", region))  # fmt: skip
            name = key
        elif name in mapping:
            first = mapping.key_regions[name]
            notes.append(_note(f"the key {key!r} and the key on line {first.start_line} are "
                               f"both {name!r} to kubectl: the last value was checked, as go-yaml "
                               "keeps it, but kubectl --validate=strict rejects duplicate keys",
                               region))  # fmt: skip
        mapping[name] = value
        mapping.key_regions[name] = region
        mapping.value_regions[name] = value_regions.get(key, region)
        if key in mapping.merged_keys:
            merged.add(name)
    mapping.merged_keys = merged | (mapping.merged_keys - set(names))


def _note(message: str, region: Region) -> ParseError:
    return ParseError(message, region.start_line, region.start_column)
