"""A rule pack's data (rules/*.yaml, or a user's pack) checked and made into a Pack of Rules: every
key, shape, name, severity, category and score, a rule's one way of finding (check, match or
template, with the template's params), its options' types."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
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
from guardlint.parse.located import line_of
from guardlint.parse.text import shown
from guardlint.rulebook.packs import ENGINE_KIND, Pack, RuleError

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
# The document kinds rules can inspect (documents.py, parse/dockerfile.py; `file`: any file).
DOCUMENT_KINDS = frozenset(
    {"dockerfile", "compose", "kubernetes", "cloudformation", "iam-policy", "buildspec",
     "codebuild-project", "appspec", "ecs-task", "ecs-service", "file"}
)  # fmt: skip
_KNOWN_PACK_KEYS = frozenset({"pack", "title", "kinds", "rules", "description"})
MAX_PACK_NAME = 100


def pack_error(
    source: str, rule_id: str | None, problem: str, line: int | None = None
) -> RuleError:
    where = f"{source}:{line}" if line else source
    where = f"{where}: rule {rule_id}" if rule_id else where
    return RuleError(f"{where}: {problem}")


def _check_shapes(data: dict[str, Any], fail: Callable[..., RuleError]) -> None:
    for key, value in data.items():
        problem = shape_problem(key, value) if key in SHAPES and value is not None else None
        if problem is not None:
            raise fail(problem, key)


def data_line(data: Any, *keys: Any) -> int | None:
    """Where data[keys...] (or else `data` itself) is in a custom pack; None in a built-in one,
    which is loaded without positions."""
    return line_of(data, *keys) or getattr(getattr(data, "region", None), "start_line", None)


def rule_from_data(data: dict[str, Any], pack: Pack, custom: bool) -> Rule:
    rule_id = data.get("id")
    valid_id = isinstance(rule_id, str) and RULE_ID.match(rule_id)

    def fail(problem: str, *keys: Any) -> RuleError:
        return pack_error(
            pack.source, rule_id if valid_id else None, problem, data_line(data, *keys)
        )

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


def pack_from_data(data: Any, source: str, custom: bool) -> Pack:
    """The pack that `data`, read from `source`, says; a custom pack's rules are declarative."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{source}: a rule pack is a map with `pack` and a `rules` list")
    unknown = sorted(map(str, set(data) - _KNOWN_PACK_KEYS))
    if unknown:
        raise pack_error(
            source, None, f"unknown key(s): {', '.join(unknown)}", data_line(data, unknown[0])
        )
    _check_shapes(
        data, lambda problem, *keys: pack_error(source, None, problem, data_line(data, *keys))
    )
    name = str(data.get("pack") or os.path.splitext(os.path.basename(source))[0])
    if not name.isprintable() or len(name) > MAX_PACK_NAME:
        # It names the pack in every report (JUnit classnames, SARIF tags): plain text only.
        problem = f"pack: {shown(name)} is not a name (printable text, {MAX_PACK_NAME} at most)"
        raise pack_error(source, None, problem, data_line(data, "pack"))
    pack = Pack(
        name=name,
        title=str(data.get("title") or name),
        kinds=tuple(data.get("kinds") or ()),
        source=source,
    )
    for entry in data["rules"]:
        pack.rules.append(rule_from_data(entry, pack, custom))
    return pack
