"""Loading and validating rule packs (rules/*.yaml): rules are data first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from guardlint.model import FINDING_TYPES, SCORE_RANGES, Rule, Severity

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,7}\d{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CATEGORY = re.compile(r"^[A-Za-z]+:[A-Za-z0-9]+/[A-Za-z0-9]+$")
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
        *_REQUIRED, "finding_type", "examples", "example_filename", "references", "cwe",
        "precision", "score", "check", "match", "options", "kinds",
    }
)  # fmt: skip
# Rules of this kind are emitted by the engine itself (parse errors, crashed rules).
ENGINE_KIND = "scan"
# The document kinds rules can inspect (documents.py, parse/dockerfile.py; `file`: any file).
DOCUMENT_KINDS = frozenset(
    {"dockerfile", "compose", "kubernetes", "cloudformation", "iam-policy", "file"}
)
_KNOWN_PACK_KEYS = frozenset({"pack", "title", "kinds", "module", "rules", "description"})


_PACK_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(Exception):
    """A rule pack that is not valid; the message names the file and the rule."""


@dataclass
class Pack:
    name: str
    title: str
    kinds: tuple[str, ...]
    module: str | None
    source: str
    rules: list[Rule] = field(default_factory=list)


def builtin_rules_dir() -> Path:
    """rules/ inside the installed package, or at the top of a source checkout."""
    packaged = Path(str(resources.files("guardlint"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def _fail(source: str, rule_id: str | None, problem: str) -> RuleError:
    where = f"{source}: rule {rule_id}" if rule_id else source
    return RuleError(f"{where}: {problem}")


def _rule_from_data(data: dict[str, Any], pack: Pack, custom: bool) -> Rule:
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise _fail(pack.source, None, f"invalid or missing rule id {rule_id!r}")
    unknown = sorted(set(data) - _KNOWN_RULE_KEYS)
    if unknown:
        raise _fail(pack.source, rule_id, f"unknown key(s): {', '.join(unknown)}")
    missing = [key for key in _REQUIRED if not data.get(key)]
    if missing:
        raise _fail(pack.source, rule_id, f"missing {', '.join(missing)}")
    if not RULE_NAME.match(str(data["name"])):
        raise _fail(pack.source, rule_id, f"name {data['name']!r} is not kebab-case")
    try:
        severity = Severity.parse(data["severity"])
    except ValueError as exc:
        raise _fail(pack.source, rule_id, str(exc)) from None
    category = str(data["category"])
    if not CATEGORY.match(category) or category.split(":")[0] not in THREAT_PURPOSES:
        raise _fail(
            pack.source,
            rule_id,
            f"category {category!r} is not ThreatPurpose:ResourceType/ThreatFamilyName",
        )
    score = data.get("score")
    if score is not None:
        low, high = SCORE_RANGES[severity]
        numeric = isinstance(score, (int, float)) and not isinstance(score, bool)
        if not numeric or not low <= score <= high:
            problem = f"score {score!r} is outside {low}-{high} for {severity.label}"
            raise _fail(pack.source, rule_id, problem)
    finding_type = data.get("finding_type", "CODE_VULNERABILITY")
    if finding_type not in FINDING_TYPES:
        raise _fail(pack.source, rule_id, f"unknown finding_type {finding_type!r}")
    check, match = data.get("check"), data.get("match")
    if custom and check:
        raise _fail(pack.source, rule_id, "custom rules are declarative: use match, not check")
    kinds = tuple(data.get("kinds") or pack.kinds)
    if not kinds:
        raise _fail(pack.source, rule_id, "no kinds: say which documents the rule inspects")
    unknown_kinds = sorted(set(kinds) - DOCUMENT_KINDS) if custom else []
    if unknown_kinds:  # a typo here would make the rule silently never run
        raise _fail(
            pack.source,
            rule_id,
            f"unknown kind(s) {', '.join(unknown_kinds)}; "
            f"choose from {', '.join(sorted(DOCUMENT_KINDS))}",
        )
    engine_emitted = kinds == (ENGINE_KIND,) and not custom
    if bool(check) == bool(match) and not engine_emitted:
        raise _fail(pack.source, rule_id, "needs exactly one of check or match")
    if match is not None:
        from guardlint.match import validate_match

        try:
            # Built-in paths and patterns compile on first use (tests/test_startup.py compiles
            # them all), so a scan imports jsonpath-ng only for kinds with declarative rules.
            validate_match(match, compile_expressions=custom)
        except ValueError as exc:
            raise _fail(pack.source, rule_id, f"match: {exc}") from None
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
        options=dict(data.get("options") or {}),
        source=pack.source,
    )


def load_pack(path: Path, custom: bool = False) -> Pack:
    source = str(path)
    try:
        # libyaml's loader: every scan loads every pack, and the pure-Python one is ~10x slower.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PACK_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{source}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{source}: a rule pack is a map with `pack` and a `rules` list")
    unknown = sorted(set(data) - _KNOWN_PACK_KEYS)
    if unknown:
        raise RuleError(f"{source}: unknown key(s): {', '.join(unknown)}")
    name = str(data.get("pack") or path.stem)
    module = data.get("module")
    if module is None and not custom:
        module = f"guardlint.packs.{name.replace('-', '_')}"
    pack = Pack(
        name=name,
        title=str(data.get("title") or name),
        kinds=tuple(data.get("kinds") or ()),
        module=None if custom else module,
        source=source,
    )
    for entry in data["rules"]:
        if not isinstance(entry, dict):
            raise RuleError(f"{source}: each rule is a map")
        pack.rules.append(_rule_from_data(entry, pack, custom))
    return pack


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))


@dataclass
class Rulebook:
    packs: list[Pack]

    def __post_init__(self) -> None:
        self.by_id: dict[str, Rule] = {}
        self.modules: dict[str, str | None] = {}
        for pack in self.packs:
            for rule in pack.rules:
                if rule.id in self.by_id:
                    other = self.by_id[rule.id].source
                    raise RuleError(f"{pack.source}: rule {rule.id} is already defined in {other}")
                self.by_id[rule.id] = rule
                self.modules[rule.id] = pack.module

    @property
    def rules(self) -> list[Rule]:
        return sorted(self.by_id.values(), key=lambda r: r.id)

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id.upper())


def load_rulebook(extra_dirs: list[str] | tuple[str, ...] = ()) -> Rulebook:
    """The built-in packs plus the user's declarative packs from `extra_dirs`."""
    packs = [load_pack(path) for path in pack_files(builtin_rules_dir())]
    for directory in extra_dirs:
        path = Path(directory)
        if not path.is_dir():
            raise RuleError(f"{directory}: rule directory not found")
        packs.extend(load_pack(p, custom=True) for p in pack_files(path))
    return Rulebook(packs)
