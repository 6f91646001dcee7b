"""Loading rule packs (rules/*.yaml): rules are data first. Their data is checked by validation.py.

A wheel carries its built-in packs as validated when it was built (COMPILED_NAME, written by its
build hook, tools/hatch_build.py, with compiled_packs), under each pack's length and CRC-32:
loading them so takes 24 M instructions, validating them 36 M. A text that is not there exactly
as compiled (a source checkout, a pack edited after the build) is validated, as every user's
pack is."""

from __future__ import annotations

import binascii
import dataclasses
import functools
import os
from dataclasses import dataclass
from typing import Any

from guardlint.model.rules import Rule, Severity
from guardlint.parse.beneath import leads_out_of_root
from guardlint.parse.inputs import InputError, confinement, read_input
from guardlint.parse.located import YamlError
from guardlint.parse.yaml_loader import (
    compiled_file,
    load_plain,
    read_compiled,
    read_spelled,
    spelled_json,
)
from guardlint.rulebook.packs import ENGINE_KIND, Pack, RuleError

# A pack is tens of kilobytes (the largest built-in one about 50 KB).
PACK_MAX_BYTES = 5 * 1024 * 1024


def builtin_rules_dir() -> str:
    """rules/ inside the installed package, or at the top of a source checkout. (Beside this
    package, not through importlib.resources, whose readers cost every start 3 ms; nor through
    pathlib, whose import costs every start 3 ms more.)"""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    packaged = os.path.join(package, "rules")
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(package), "rules")


def _load_custom(source: str, text: str) -> Any:
    """A custom pack's data, composed with the alias, nesting and tag rules of
    parse/yaml_nodes.py (a repository can ship its own packs), with each key's line for error
    messages."""
    from guardlint.parse.yaml_nodes import load_documents  # PyYAML only where there is YAML
    from guardlint.rulebook.validation import data_line, pack_error

    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError as exc:
        raise pack_error(source, None, f"not valid YAML: {exc}", exc.line) from None
    if len(documents) > 1:
        raise pack_error(source, None, "a rule pack is one YAML document", data_line(documents[1]))
    return documents[0] if documents else None


def load_pack(
    path: str | os.PathLike[str],
    custom: bool = False,
    root: str | None = None,
    kinds: frozenset[str] | None = None,
) -> Pack:
    """One rule pack. A custom pack may come from the scanned repository: it is read like any
    input (guardlint.parse.inputs; `root` is the scan root when it lies inside it) and parsed with
    the limits of scanned YAML (no recursive alias, alias bomb or absurd nesting). With `kinds`,
    a pack that declares none of them keeps only its superseded rules (_kept)."""
    source = os.fspath(path)
    try:
        raw = read_input(source, PACK_MAX_BYTES, root)
        text = raw.decode("utf-8")
    except InputError as exc:
        raise RuleError(f"{source}: cannot read: {exc.reason}") from None
    except UnicodeDecodeError:
        raise RuleError(f"{source}: cannot read: not UTF-8 text") from None
    compiled = None if custom else _compiled_packs().get(_pack_key(raw))
    if compiled is not None:
        try:
            return _compiled_pack(read_spelled(compiled), source, kinds)
        except (KeyError, TypeError, ValueError):
            pass  # not a compiled pack after all: validated below
    # Built-in packs through libyaml (load_plain), whose text the wheel did not compile.
    data = _load_custom(source, text) if custom else load_plain(text)
    from guardlint.rulebook.validation import pack_from_data  # not for a compiled pack

    pack = pack_from_data(data, source, custom)
    pack.rules = [rule for rule in pack.rules if _kept(pack.kinds, rule.superseded_by, kinds)]
    return pack


def _kept(pack_kinds: Any, superseded_by: Any, kinds: frozenset[str] | None) -> bool:
    """Whether a rule of a pack declaring `pack_kinds` is loaded for a scan of documents of
    `kinds` (None: of any kind). A superseded rule always is: a suppression that names it in
    any file carries over to its successors, with a note on its deprecation."""
    return kinds is None or bool(superseded_by) or not kinds.isdisjoint(pack_kinds)


COMPILED_NAME = "compiled_rules.bin"  # as guardlint.parse.yaml_loader.compiled_file writes it
# The fields of a rule that JSON spells as lists, and what each is as a Rule's.
_SPELLED_AS_LISTS = {"kinds": tuple, "resource_types": frozenset, "superseded_by": tuple}


def compiled_packs() -> bytes:
    """COMPILED_NAME's content: each built-in pack as validated here, spelled as JSON under its
    key (_pack_key), where it reads back equal."""
    compiled = {}
    for path in pack_files(builtin_rules_dir()):
        pack = load_pack(path)
        rules = [_rule_fields(rule) for rule in pack.rules]
        spelled = spelled_json({"name": pack.name, "title": pack.title, "kinds": pack.kinds,
                                "rules": rules})  # fmt: skip
        rebuilt = _compiled_pack(read_spelled(spelled), path)
        if (rebuilt.name, rebuilt.title, rebuilt.kinds, rebuilt.rules) == (
            pack.name, pack.title, pack.kinds, pack.rules
        ):  # fmt: skip
            with open(path, "rb") as raw:
                compiled[_pack_key(raw.read())] = spelled
    return compiled_file(compiled)


def _pack_key(raw: bytes) -> str:
    """What a built-in pack is compiled under: its length and CRC-32 (binascii's, loaded by every
    scan anyway), 0.4 M instructions for the packs where their blake2b digests took 4.8 M. Only
    the package's own packs are looked up so: an edit to one that keeps both is no accident."""
    return f"{len(raw)}:{binascii.crc32(raw):08x}"


def _rule_fields(rule: Rule) -> dict[str, Any]:
    fields = {name: value for name, value in dataclasses.asdict(rule).items() if name != "source"}
    return {**fields, "severity": int(rule.severity), "resource_types": sorted(rule.resource_types)}


def _compiled_pack(
    spelled: dict[str, Any], source: str, kinds: frozenset[str] | None = None
) -> Pack:
    pack = Pack(spelled["name"], spelled["title"], tuple(spelled["kinds"]), source)
    for fields in spelled["rules"]:
        if not _kept(pack.kinds, fields["superseded_by"], kinds):
            continue  # not built: half the cost of loading a pack
        typed = {name: kind(fields[name]) for name, kind in _SPELLED_AS_LISTS.items()}
        severity = Severity(fields["severity"])
        pack.rules.append(Rule(**{**fields, **typed, "severity": severity, "source": source}))
    return pack


@functools.cache
def _compiled_packs() -> dict[str, bytes]:
    # In guardlint/, above this package, where the build hook puts it.
    package = os.path.dirname(os.path.dirname(__file__))
    try:
        with open(os.path.join(package, COMPILED_NAME), "rb") as stored:
            return read_compiled(stored.read())
    except (OSError, ValueError, TypeError):
        return {}  # none built (a source checkout) or not readable: every pack is validated


def pack_files(directory: str) -> list[str]:
    names = sorted(name for name in os.listdir(directory) if name.endswith((".yaml", ".yml")))
    return [os.path.join(directory, name) for name in names]


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Rulebook:
    """Every pack a scan loads, with its rules by ID: all of their rules, or with `kinds` those
    of the packs that inspect these kinds of document (and every superseded rule)."""

    packs: list[Pack]
    kinds: frozenset[str] | None = None

    def __post_init__(self) -> None:
        self.by_id: dict[str, Rule] = {}
        for pack in self.packs:
            for rule in pack.rules:
                if rule.id in self.by_id:
                    other = self.by_id[rule.id].source
                    raise RuleError(f"{pack.source}: rule {rule.id} is already defined in {other}")
                self.by_id[rule.id] = rule
        for rule in self.by_id.values():
            for successor in rule.superseded_by:
                if self.kinds is not None and successor not in self.by_id:
                    continue  # in a pack left out, and checked by every load of them all
                if successor not in self.by_id or self.by_id[successor].superseded_by:
                    raise RuleError(
                        f"{rule.source}: rule {rule.id} is superseded by {successor}, which is "
                        "not a rule in force"
                    )

    @property
    def rules(self) -> list[Rule]:
        return sorted(self.by_id.values(), key=lambda r: r.id)

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id.upper())


def load_rulebook(
    extra_dirs: list[str] | tuple[str, ...] = (),
    root: str | None = None,
    kinds: frozenset[str] | None = None,
) -> Rulebook:
    """The built-in packs plus the user's declarative packs from `extra_dirs`. `root` is the
    scan root: a directory inside it is the repository's, and must not lead out of it. With
    `kinds`, only the built-in packs that inspect one of these kinds of document, or are the
    engine's own, are loaded in full (a Dockerfile scan needs 3 packs of 10). A user's pack is
    checked against every built-in rule (an ID defined twice): with one, all are loaded."""
    kinds = None if kinds is None or extra_dirs else kinds | {ENGINE_KIND}
    packs = [load_pack(path, kinds=kinds) for path in pack_files(builtin_rules_dir())]
    for directory in extra_dirs:
        confined = confinement(directory, root)
        if confined is not None and leads_out_of_root(directory, confined):
            raise RuleError(f"{directory}: rule directory leads out of the scan root; not read")
        if not os.path.isdir(directory):
            raise RuleError(f"{directory}: rule directory not found")
        packs.extend(load_pack(p, custom=True, root=confined) for p in pack_files(directory))
    return Rulebook(packs, kinds)
