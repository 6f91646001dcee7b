"""Loading and validating rule packs (rules/*.yaml): rules are data first.

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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guardlint.checks.match import validate_match
from guardlint.checks.option_types import declared_type_problem, option_problem
from guardlint.checks.params import ParamError, complete_params
from guardlint.checks.rule_shapes import (
    FLAG_KEYS,
    RULE_ID,
    SHAPES,
    rule_resource_types,
    shape_problem,
    supersession,
)
from guardlint.checks.templates import TEMPLATES
from guardlint.model.rules import FINDING_TYPES, SCORE_RANGES, Rule, Severity
from guardlint.parse.beneath import leads_out_of_root
from guardlint.parse.inputs import InputError, confinement, read_input
from guardlint.parse.located import YamlError, line_of
from guardlint.parse.text import shown
from guardlint.parse.yaml_loader import (
    compiled_file,
    load_plain,
    read_compiled,
    read_spelled,
    spelled_json,
)

RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
CATEGORY = re.compile(r"^[A-Za-z]+:[A-Za-z0-9]+/[A-Za-z0-9]+\Z")
THREAT_PURPOSES = frozenset(
    {
        "Backdoor", "Behavior", "CredentialAccess", "Cryptocurrency", "DefenseEvasion",
        "Discovery", "Execution", "Exfiltration", "Impact", "InitialAccess", "Persistence",
        "Policy", "PrivilegeEscalation", "Recon", "Stealth", "Trojan", "UnauthorizedAccess",
        "Vulnerability",
    }
)  # fmt: skip
_REQUIRED = ("id", "name", "title", "severity", "category", "description", "remediation")
_KNOWN_RULE_KEYS = frozenset(
    {
        *_REQUIRED, "finding_type", "examples", "example_filename", "references", "cwe", "kinds",
        "precision", "score", "check", "match", "template", "params", "options", "superseded_by",
        "option_types", "resource_types", *FLAG_KEYS,
    }
)  # fmt: skip
# Rules of this kind are emitted by the engine itself (parse errors, crashed rules).
ENGINE_KIND = "scan"
# The document kinds rules can inspect (documents.py, parse/dockerfile.py; `file`: any file).
DOCUMENT_KINDS = frozenset(
    {"dockerfile", "compose", "kubernetes", "cloudformation", "iam-policy", "buildspec",
     "codebuild-project", "appspec", "ecs-task", "ecs-service", "file"}
)  # fmt: skip
_KNOWN_PACK_KEYS = frozenset({"pack", "title", "kinds", "rules", "description"})


MAX_PACK_NAME = 100
# A pack is tens of kilobytes (the largest built-in one about 50 KB).
PACK_MAX_BYTES = 5 * 1024 * 1024


class RuleError(Exception):
    """A rule pack that is not valid; the message names the file and the rule."""


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Pack:
    """One rule pack: the rules of a family and the kinds of document they inspect."""

    name: str
    title: str
    kinds: tuple[str, ...]
    source: str
    rules: list[Rule] = field(default_factory=list)


def builtin_rules_dir() -> str:
    """rules/ inside the installed package, or at the top of a source checkout. (Beside this
    module, not through importlib.resources, whose readers cost every start 3 ms; nor through
    pathlib, whose import costs every start 3 ms more.)"""
    package = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(package, "rules")
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(package), "rules")


def _fail(source: str, rule_id: str | None, problem: str, line: int | None = None) -> RuleError:
    where = f"{source}:{line}" if line else source
    where = f"{where}: rule {rule_id}" if rule_id else where
    return RuleError(f"{where}: {problem}")


def _check_shapes(data: dict[str, Any], fail: Callable[..., RuleError]) -> None:
    for key, value in data.items():
        problem = shape_problem(key, value) if key in SHAPES and value is not None else None
        if problem is not None:
            raise fail(problem, key)


def _line(data: Any, *keys: Any) -> int | None:
    """Where data[keys...] (or else `data` itself) is in a custom pack; None in a built-in one,
    which is loaded without positions."""
    return line_of(data, *keys) or getattr(getattr(data, "region", None), "start_line", None)


def _rule_from_data(data: dict[str, Any], pack: Pack, custom: bool) -> Rule:
    rule_id = data.get("id")
    valid_id = isinstance(rule_id, str) and RULE_ID.match(rule_id)

    def fail(problem: str, *keys: Any) -> RuleError:
        return _fail(pack.source, rule_id if valid_id else None, problem, _line(data, *keys))

    if not valid_id:
        raise fail(f"invalid or missing rule id {rule_id!r}", "id")
    unknown = sorted(map(str, set(data) - _KNOWN_RULE_KEYS))
    if unknown:
        raise fail(f"unknown key(s): {', '.join(unknown)}", unknown[0])
    _check_shapes(data, fail)
    missing = [key for key in _REQUIRED if not data.get(key)]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    if not RULE_NAME.match(data["name"]):
        raise fail(f"name {data['name']!r} is not kebab-case", "name")
    try:
        severity = Severity.parse(data["severity"])
    except ValueError as exc:
        raise fail(str(exc), "severity") from None
    category = data["category"]
    if not CATEGORY.match(category) or category.split(":")[0] not in THREAT_PURPOSES:
        raise fail(
            f"category {category!r} is not ThreatPurpose:ResourceType/ThreatFamilyName",
            "category",
        )
    score = data.get("score")
    if score is not None:
        low, high = SCORE_RANGES[severity]
        numeric = isinstance(score, (int, float)) and not isinstance(score, bool)
        if not numeric or not low <= score <= high:
            raise fail(f"score {score!r} is outside {low}-{high} for {severity.label}", "score")
    finding_type = data.get("finding_type", "CODE_VULNERABILITY")
    if finding_type not in FINDING_TYPES:
        raise fail(f"unknown finding_type {finding_type!r}", "finding_type")
    check, match, template = data.get("check"), data.get("match"), data.get("template")
    if custom and (check or template):
        key = "check" if check else "template"
        raise fail(f"custom rules are declarative: use match, not {key}", key)
    kinds = tuple(data.get("kinds") or pack.kinds)
    if not kinds:
        raise fail("no kinds: say which documents the rule inspects")
    unknown_kinds = sorted(set(kinds) - DOCUMENT_KINDS) if custom else []
    if unknown_kinds:  # a typo here would make the rule silently never run
        raise fail(
            f"unknown kind(s) {', '.join(unknown_kinds)}; "
            f"choose from {', '.join(sorted(DOCUMENT_KINDS))}",
            "kinds",
        )
    engine_emitted = kinds == (ENGINE_KIND,) and not custom
    successors, covered_type = supersession(data, custom, fail)
    code = sum(map(bool, (check, match, template)))
    if successors and code:
        raise fail("a superseded rule emits nothing: no check, match or template", "superseded_by")
    if code != 1 and not engine_emitted and not successors:
        raise fail("needs a match" if custom else "needs exactly one of check, match or template")
    if "params" in data and not template:
        raise fail("params: only a rule with a template takes params", "params")
    if match is not None:
        try:
            # Built-in paths and patterns compile on first use (tests/test_startup.py compiles
            # them all), so a scan imports jsonpath-ng only for kinds with declarative rules.
            validate_match(match, compile_expressions=custom)
        except ValueError as exc:
            raise fail(f"match: {exc}", "match", *getattr(exc, "keys", ())) from None
    params: dict[str, Any] = {}
    if template:
        if template not in TEMPLATES:
            known = ", ".join(sorted(TEMPLATES)) or "none yet"
            raise fail(f"template: unknown template {template!r} (templates: {known})", "template")
        try:
            params = complete_params(template, TEMPLATES[template], data.get("params") or {})
        except ParamError as exc:
            raise fail(str(exc), *exc.keys) from None
    resource_types = rule_resource_types(data, template, params, custom, fail)
    options = dict(data.get("options") or {})
    option_types = dict(data.get("option_types") or {})
    for name, declared in option_types.items():
        problem = (
            declared_type_problem(declared)
            or option_problem(options[name], options[name], declared)
            if name in options
            else "not an option of the rule"
        )
        if problem is not None:
            raise fail(f"option_types: {name}: {problem}", "option_types", name)
    return Rule(
        id=rule_id,
        name=data["name"],
        title=str(data["title"]).strip(),
        severity=severity,
        category=category,
        pack=pack.name,
        kinds=kinds,
        finding_type=finding_type,
        description=str(data["description"]).strip(),
        remediation=str(data["remediation"]).strip(),
        examples=dict(data.get("examples") or {}),
        example_filename=str(data.get("example_filename") or ""),
        references=list(data.get("references") or []),
        cwe=[str(c) for c in data.get("cwe") or []],
        precision=str(data.get("precision", "high")),
        score=float(score) if score is not None else None,
        check=check,
        match=match,
        template=template,
        params=params,
        options=options,
        option_types=option_types,
        resource_types=resource_types,
        **{key: bool(data.get(key)) for key in FLAG_KEYS},
        superseded_by=successors,
        superseded_on=covered_type,
        source=pack.source,
        custom=custom,
    )


def _load_custom(source: str, text: str) -> Any:
    """A custom pack's data, composed with the alias, nesting and tag rules of
    parse/yaml_nodes.py (a repository can ship its own packs), with each key's line for error
    messages."""
    from guardlint.parse.yaml_nodes import load_documents  # PyYAML only where there is YAML

    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError as exc:
        raise _fail(source, None, f"not valid YAML: {exc}", exc.line) from None
    if len(documents) > 1:
        raise _fail(source, None, "a rule pack is one YAML document", _line(documents[1]))
    return documents[0] if documents else None


def load_pack(path: str | os.PathLike[str], custom: bool = False, root: str | None = None) -> Pack:
    """One rule pack. A custom pack may come from the scanned repository: it is read like any
    input (guardlint.parse.inputs; `root` is the scan root when it lies inside it) and parsed with
    the limits of scanned YAML (no recursive alias, alias bomb or absurd nesting)."""
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
            return _compiled_pack(read_spelled(compiled), source)
        except (KeyError, TypeError, ValueError):
            pass  # not a compiled pack after all: validated below
    # Built-in packs through libyaml (load_plain): every scan loads them all.
    data = _load_custom(source, text) if custom else load_plain(text)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{source}: a rule pack is a map with `pack` and a `rules` list")
    unknown = sorted(map(str, set(data) - _KNOWN_PACK_KEYS))
    if unknown:
        raise _fail(source, None, f"unknown key(s): {', '.join(unknown)}", _line(data, unknown[0]))
    _check_shapes(data, lambda problem, *keys: _fail(source, None, problem, _line(data, *keys)))
    name = str(data.get("pack") or os.path.splitext(os.path.basename(source))[0])
    if not name.isprintable() or len(name) > MAX_PACK_NAME:
        # It names the pack in every report (JUnit classnames, SARIF tags): plain text only.
        problem = f"pack: {shown(name)} is not a name (printable text, {MAX_PACK_NAME} at most)"
        raise _fail(source, None, problem, _line(data, "pack"))
    pack = Pack(
        name=name,
        title=str(data.get("title") or name),
        kinds=tuple(data.get("kinds") or ()),
        source=source,
    )
    for entry in data["rules"]:
        pack.rules.append(_rule_from_data(entry, pack, custom))
    return pack


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


def _compiled_pack(spelled: dict[str, Any], source: str) -> Pack:
    pack = Pack(spelled["name"], spelled["title"], tuple(spelled["kinds"]), source)
    for fields in spelled["rules"]:
        typed = {name: kind(fields[name]) for name, kind in _SPELLED_AS_LISTS.items()}
        severity = Severity(fields["severity"])
        pack.rules.append(Rule(**{**fields, **typed, "severity": severity, "source": source}))
    return pack


@functools.cache
def _compiled_packs() -> dict[str, bytes]:
    try:
        with open(os.path.join(os.path.dirname(__file__), COMPILED_NAME), "rb") as stored:
            return read_compiled(stored.read())
    except (OSError, ValueError, TypeError):
        return {}  # none built (a source checkout) or not readable: every pack is validated


def pack_files(directory: str) -> list[str]:
    names = sorted(name for name in os.listdir(directory) if name.endswith((".yaml", ".yml")))
    return [os.path.join(directory, name) for name in names]


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Rulebook:
    """Every pack a scan loads, with its rules by ID."""

    packs: list[Pack]

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
    extra_dirs: list[str] | tuple[str, ...] = (), root: str | None = None
) -> Rulebook:
    """The built-in packs plus the user's declarative packs from `extra_dirs`. `root` is the
    scan root: a directory inside it is the repository's, and must not lead out of it."""
    packs = [load_pack(path) for path in pack_files(builtin_rules_dir())]
    for directory in extra_dirs:
        confined = confinement(directory, root)
        if confined is not None and leads_out_of_root(directory, confined):
            raise RuleError(f"{directory}: rule directory leads out of the scan root; not read")
        if not os.path.isdir(directory):
            raise RuleError(f"{directory}: rule directory not found")
        packs.extend(load_pack(p, custom=True, root=confined) for p in pack_files(directory))
    return Rulebook(packs)
