"""`.guardlint.yaml` / `[tool.guardlint]` in pyproject.toml: loading and strict validation.

Validation happens in two steps. `load_config` checks keys and value types (it needs nothing
but the file); `Config.validate` checks rule IDs, pack names and rule option names against the
rulebook, which may itself depend on the config's `rule_dirs`. Every problem is a ConfigError
whose message starts with `FILE:LINE:`, so the user can go straight to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from guardlint.config.errors import ConfigError
from guardlint.config.files import PYPROJECT, find_config, read_config
from guardlint.config.limits import check_file_timeout, parse_size
from guardlint.config.toml import toml_table
from guardlint.discover.excludes import MAX_PATTERN_LENGTH, MAX_PATTERNS
from guardlint.engine.options import ScanOptions
from guardlint.model.documents import Region
from guardlint.model.rules import Severity
from guardlint.parse.inputs import confinement, lies_inside
from guardlint.parse.located import YamlError, YamlMap, line_of
from guardlint.parse.text import shown
from guardlint.rulebook import Rulebook

NEVER: Literal["never"] = "never"  # fail_on / --fail-on: findings never fail the run

# key -> what it holds (also the text of the error that lists the known keys)
KEYS: dict[str, str] = {
    "enable": "rule IDs or pack names to run; when set, nothing else runs",
    "disable": "rule IDs or pack names not to run",
    "severity": "map of rule ID to severity (critical, high, medium, low, info)",
    "options": "map of rule ID to a map of that rule's options",
    "exclude": "glob patterns of paths not to scan",
    "fail_on": "exit 1 when an unsuppressed finding has at least this severity (never: exit 0)",
    "min_severity": "report only findings of at least this severity",
    "rule_dirs": "directories of custom rule packs (relative to this file)",
    "baseline": "baseline file of accepted findings (relative to this file)",
    "max_file_size": "largest file scanned, in bytes or with a unit: 512KB, 5MB",
    "file_timeout": "seconds one file may take before it is reported unscanned (GL001)",
    "cdk_assets": "true: also scan the asset.* staging folders of CDK cloud assemblies",
}


@dataclass(eq=False, repr=False)  # neither compared nor printed: two methods fewer to build
class Config:
    """What a `.guardlint.yaml` (or pyproject.toml's table) asks of a scan."""

    source: str | None = None  # the file it came from; None when there is none
    enable: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_on: Severity | Literal["never"] | None = None
    min_severity: Severity | None = None
    rule_dirs: list[str] = field(default_factory=list)
    baseline: str | None = None
    max_file_size: int | None = None
    file_timeout: float | None = None
    cdk_assets: bool = False
    # Where each key (or (key, sub-key)) is written, for errors found after loading.
    line_of: Callable[..., int] = field(default=lambda *keys: 1, repr=False)

    def error(self, problem: str, *keys: str) -> ConfigError:
        return ConfigError(f"{self.source}:{self.line_of(*keys)}: {problem}")

    def validate(self, rulebook: Rulebook) -> None:
        """Rule IDs, pack names and option names must exist (custom packs included)."""
        packs = {pack.name for pack in rulebook.packs}
        for key in ("enable", "disable"):
            for item in getattr(self, key):
                if rulebook.get(item) is None and item not in packs:
                    raise self.error(
                        f"{key}: {item!r} is neither a rule ID nor a pack name"
                        + _suggest(item, [r.id for r in rulebook.rules] + sorted(packs)),
                        key,
                        item,
                    )
        for key in ("severity", "options"):
            for rule_id in getattr(self, key):
                if rulebook.get(rule_id) is None:
                    raise self.error(
                        f"{key}: unknown rule ID {rule_id!r}"
                        + _suggest(rule_id, [r.id for r in rulebook.rules]),
                        key,
                        rule_id,
                    )
        for rule_id, values in self.options.items():
            # Here: only options a config sets need it (with rule_shapes, 4 ms of every scan).
            from guardlint.checks.option_types import option_problem

            rule = rulebook.get(rule_id)
            known = rule.options
            for name, value in values.items():
                if name not in known:
                    choices = ", ".join(sorted(known)) or "none"
                    raise self.error(
                        f"options: rule {rule_id} has no option {name!r} (its options: {choices})",
                        "options",
                        rule_id,
                    )
                problem = option_problem(known[name], value, rule.option_types.get(name))
                if problem is not None:
                    message = f"options: {rule_id} {name}: {problem}"
                    raise self.error(message, "options", rule_id, name)

    def rule_ids(self, names: list[str], rulebook: Rulebook) -> set[str]:
        """Rule IDs named directly or through their pack (a pack's name does not name its
        superseded rules: naming one carries over to its successors)."""
        ids: set[str] = set()
        for name in names:
            rule = rulebook.get(name)
            if rule is not None:
                ids.add(rule.id)
            else:
                ids.update(r.id for r in rulebook.rules if r.pack == name and not r.deprecated)
        return ids

    @property
    def names_rules(self) -> bool:
        """Whether the config names rules or packs (checked against, and found in, every rule)."""
        return bool(self.enable or self.disable or self.severity or self.options)

    def apply(self, options: ScanOptions, rulebook: Rulebook | None) -> None:
        """Fold the config into ScanOptions; options the command line already set win. The
        rulebook may be None when the config names no rule (names_rules)."""
        if rulebook is not None:
            if self.enable and not options.only_rules:
                options.only_rules = self.rule_ids(self.enable, rulebook)
            options.skip_rules = set(options.skip_rules) | self.rule_ids(self.disable, rulebook)
        options.severity_overrides = {**self.severity, **options.severity_overrides}
        for rule_id, values in self.options.items():
            options.rule_options[rule_id] = {**values, **options.rule_options.get(rule_id, {})}
        options.excludes = [*self.exclude, *options.excludes]
        if self.max_file_size is not None:
            options.max_bytes = self.max_file_size
        if self.file_timeout is not None:
            options.file_timeout = self.file_timeout
        options.cdk_assets = options.cdk_assets or self.cdk_assets


def _suggest(word: str, choices: list[str]) -> str:
    import difflib  # here: only a config with a mistake needs it (with heapq, 6 M instructions)

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_config(path: str | None, root: str | None = None) -> Config:
    """Read and check one config file (None: the empty config). `root` is the scan root: a
    config inside it is the repository's, and neither it nor the files it names may lead out
    of it (guardlint.parse.inputs)."""
    if path is None:
        return Config()
    try:
        text = read_config(path, root).decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    if os.path.basename(path) == PYPROJECT or path.endswith(".toml"):
        data, line_of = toml_table(path, text)
    else:
        data, line_of = _yaml_map(path, text)
    return _build(path, data, line_of, confinement(path, root))


def _yaml_map(path: str, text: str) -> tuple[dict[str, Any], Callable[..., int]]:
    from guardlint.parse.yaml_nodes import load_documents  # PyYAML only where there is YAML

    try:
        documents = load_documents(text, cfn_tags=False)
    except YamlError as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc}") from None
    data = documents[0] if documents else None
    if data is None:
        data = YamlMap(Region(1))
    if not isinstance(data, YamlMap):
        raise ConfigError(f"{path}:1: the config must be a map of keys (see `guardlint init`)")

    return data, lambda *keys: line_of(data, *keys) or 1


def _build(
    path: str, data: dict[str, Any], line_of: Callable[..., int], root: str | None
) -> Config:
    config = Config(source=path, line_of=line_of)
    base = os.path.dirname(os.path.abspath(path))

    def named_path(key: str, value: str) -> str:
        if "\0" in value:  # every file system call would raise ValueError on it
            raise config.error(f"{key}: {value!r} holds a NUL byte, which no file name can", key)
        joined = os.path.normpath(os.path.join(base, value))
        if root is not None and not lies_inside(joined, root):
            raise config.error(
                f"{key}: {value!r} is outside the scan root; a config in the scanned "
                "repository may only name files inside it",
                key,
            )
        return joined

    for key in data:
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            raise config.error(
                f"unknown key {key!r}{_suggest(str(key), list(KEYS))}; known keys: {known}", key
            )
    for key in ("enable", "disable"):
        names = _strings(config, data, key)
        setattr(config, key, [name.upper() if _is_id(name) else name for name in names])
    config.exclude = _exclude_patterns(config, data)
    config.rule_dirs = [named_path("rule_dirs", d) for d in _strings(config, data, "rule_dirs")]
    for rule_id, word in _mapping(config, data, "severity").items():
        config.severity[rule_id] = _severity(config, word, "severity", rule_id)
    for rule_id, values in _mapping(config, data, "options").items():
        if not isinstance(values, dict):
            raise config.error(f"options: {rule_id} must be a map of option names to values",
                               "options", rule_id)  # fmt: skip
        config.options[rule_id] = dict(values)
    if is_never(data.get("fail_on")):
        config.fail_on = NEVER
    for key in ("fail_on", "min_severity"):
        if data.get(key) is not None and getattr(config, key) is None:
            setattr(config, key, _severity(config, data[key], key))
    if data.get("baseline") is not None:
        if not isinstance(data["baseline"], str) or not data["baseline"]:
            raise config.error("baseline: must be a file path", "baseline")
        config.baseline = named_path("baseline", data["baseline"])
    if data.get("cdk_assets") is not None:
        if not isinstance(data["cdk_assets"], bool):
            raise config.error("cdk_assets: must be true or false", "cdk_assets")
        config.cdk_assets = data["cdk_assets"]
    for key, check in (("max_file_size", parse_size), ("file_timeout", _positive_seconds)):
        if data.get(key) is not None:
            try:
                setattr(config, key, check(data[key]))
            except ValueError as exc:
                raise config.error(f"{key}: {exc}", key) from None
    return config


def is_never(word: Any) -> bool:
    """`never` as a fail-on threshold, in any case: findings never fail the run."""
    return isinstance(word, str) and word.strip().lower() == NEVER


def _is_id(value: str) -> bool:
    from guardlint.checks.rule_shapes import RULE_ID  # only for a config that names rules

    return bool(RULE_ID.match(value.upper()))


def _strings(config: Config, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise config.error(f"{key}: must be a list of strings ({KEYS[key]})", key)
    return list(value)


def _exclude_patterns(config: Config, data: dict[str, Any]) -> list[str]:
    """The config's exclude globs, as many and as long as a real tree needs: discovery matches
    every path against all of them."""
    patterns = _strings(config, data, "exclude")
    if len(patterns) > MAX_PATTERNS:
        raise config.error(
            f"exclude: {len(patterns):,} patterns; at most {MAX_PATTERNS:,} (exclude a directory "
            "rather than each file in it)",
            "exclude",
        )
    for pattern in patterns:
        if len(pattern) > MAX_PATTERN_LENGTH:
            problem = f"is longer than {MAX_PATTERN_LENGTH:,} characters"
        elif "\0" in pattern:
            problem = "holds a NUL byte, which no file name can"
        else:
            continue
        raise config.error(f"exclude: {shown(pattern, 80)} {problem}", "exclude")
    return patterns


def _mapping(config: Config, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise config.error(f"{key}: must be a map ({KEYS[key]})", key)
    return {str(k).upper(): v for k, v in value.items()}


def _severity(config: Config, word: Any, *keys: str) -> Severity:
    try:
        return Severity.parse(word)
    except ValueError as exc:
        raise config.error(f"{keys[0]}: {exc}", *keys) from None


def _positive_seconds(value: Any) -> float:
    return check_file_timeout(value, zero_allowed=False)


def resolve_config(explicit: str | None, root: str) -> Config:
    """The config given with --config, else the one found at the scan root, else none."""
    return load_config(explicit or find_config(root), root)
