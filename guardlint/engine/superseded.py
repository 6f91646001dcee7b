"""A superseded rule named in a scan's options (`--rule`, `--skip-rule`, the config's enable,
disable and severity) carries over to the rules that took over its parts, on the resources it
used to cover: a user who disabled it sees no new noise from its successors there."""

from __future__ import annotations

from guardlint.engine.options import ScanOptions
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.rulebook import Rulebook


class CarriedOver:
    """The options that name superseded rules, as they apply to their successors' hits."""

    def __init__(self, rulebook: Rulebook, options: ScanOptions) -> None:
        superseded = [rule for rule in rulebook.rules if rule.deprecated]
        named = options.only_rules | options.skip_rules | set(options.severity_overrides)
        self.named = {rule.id for rule in superseded if rule.id in named}
        # successor ID -> the superseded rules whose option applies to it
        self._only: dict[str, list[Rule]] = {}
        self._skip: dict[str, list[Rule]] = {}
        self._severity: dict[str, list[tuple[Rule, Severity]]] = {}
        for rule in superseded:
            for successor in rule.superseded_by:
                if rule.id in options.only_rules and successor not in options.only_rules:
                    self._only.setdefault(successor, []).append(rule)
                if rule.id in options.skip_rules:
                    self._skip.setdefault(successor, []).append(rule)
                override = options.severity_overrides.get(rule.id)
                if override is not None and successor not in options.severity_overrides:
                    self._severity.setdefault(successor, []).append((rule, override))

    def adjusts(self, rule_id: str) -> bool:
        """Whether an option of a rule it supersedes applies to this rule's hits at all."""
        return rule_id in self._only or rule_id in self._skip or rule_id in self._severity

    def enabled_through_superseded(self) -> set[str]:
        """Successors that run only because `--rule`/enable named a rule they supersede."""
        return set(self._only)

    def adjust(self, rule_id: str, hit: Hit) -> Hit | None:
        """The hit as the options of the rules it supersedes have it: None when one of them is
        disabled (or only they are enabled and the hit is outside what they covered), with
        their severity override as its severity."""
        if rule_id in self._only and not any(
            old.carries_over_to(rule_id, hit.resource) for old in self._only[rule_id]
        ):
            return None
        if any(old.carries_over_to(rule_id, hit.resource) for old in self._skip.get(rule_id, ())):
            return None
        for old, severity in self._severity.get(rule_id, ()):
            # Like an override of the rule itself: the severity of all its findings there.
            if old.carries_over_to(rule_id, hit.resource):
                hit.severity = severity
                break
        return hit
