"""Which code runs for which rule. A Python check names its rule ID at the code, a template its
name, and the engine asks `check_for(rule)`: it knows no rule (bandit's and hadolint's shape).

    @check("CFN004")
    def s3_versioning(document: Document, rule: Rule) -> Iterator[Hit]: ...

A rule in rules/<pack>.yaml has exactly one of:
- `check: FAMILY`: the function registered for its ID in guardlint/checks/<pack>/<FAMILY>.py;
- `template: NAME` and `params`: the template registered under NAME, declared in
  guardlint.checks.templates.TEMPLATES with the parameters it takes;
- `match`: the declarative language (guardlint.checks.match).

A check module is imported when a rule that needs it first runs, never before: a Dockerfile
scan loads no CloudFormation or IAM check (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from guardlint.checks.match import run_match
from guardlint.checks.templates import TEMPLATES
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

Check = Callable[[Document, Rule], Iterable[Hit]]
F = TypeVar("F", bound=Check)

_checks: dict[str, Check] = {}
_templates: dict[str, Check] = {}


class RegistryError(LookupError):
    """A rule whose code is not where its pack says, or two functions for one rule."""


def _register(table: dict[str, Check], key: str, function: Check) -> None:
    other = table.get(key)
    # The same function defined again (its module reloaded) replaces itself.
    if other is not None and _name(other) != _name(function):
        raise RegistryError(f"{key} is registered twice: {_name(other)} and {_name(function)}")
    table[key] = function


def _name(function: Check) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def check(*rule_ids: str) -> Callable[[F], F]:
    """Register the decorated function as the Python check of these rules (usually one)."""

    def register(function: F) -> F:
        for rule_id in rule_ids:
            _register(_checks, rule_id, function)
        return function

    return register


def template(name: str) -> Callable[[F], F]:
    """Register the decorated function as the template NAME (declared in TEMPLATES): a check
    that reads what differs from rule to rule in `rule.params`."""

    def register(function: F) -> F:
        _register(_templates, name, function)
        return function

    return register


def pack_package(pack: str) -> str:
    """The package of a built-in pack's checks (and its hooks: guardlint.engine.hooks)."""
    return f"guardlint.checks.{pack.replace('-', '_')}"


def check_module(rule: Rule) -> str:
    """Where the Python check of a `check:` rule is: guardlint.checks.<pack>.<family>."""
    return f"{pack_package(rule.pack)}.{rule.check}"


def check_for(rule: Rule) -> Check:
    """The function that finds the rule's hits in a document, its module imported on first use."""
    if rule.match is not None:
        return run_match
    if rule.template is not None:
        module = TEMPLATES[rule.template].module
        importlib.import_module(module)  # on first use: see the module docstring
        table, key, where = _templates, rule.template, f"template {rule.template}"
    elif rule.check:
        module = check_module(rule)
        importlib.import_module(module)  # on first use: see the module docstring
        table, key, where = _checks, rule.id, f"rule {rule.id}"
    else:
        raise RegistryError(f"rule {rule.id} has neither a check, a template nor a match")
    function = table.get(key)
    if function is None or function.__module__ != module:
        raise RegistryError(f"{where}: {module} registers no function for it")
    return function


def registered_checks() -> Mapping[str, Check]:
    """The Python checks registered so far, by rule ID (those of imported modules)."""
    return MappingProxyType(_checks)


def registered_templates() -> Mapping[str, Check]:
    """The templates registered so far, by name (those of imported modules)."""
    return MappingProxyType(_templates)
