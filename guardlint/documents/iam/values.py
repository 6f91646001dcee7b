"""The values of an IAM policy's elements as the rules read them: an Item (a string with its
region, or unknown), a Principal, a Condition entry; and the Reader that makes them from raw
policy values, resolving CloudFormation intrinsics through
guardlint.documents.cloudformation.template and taking the `Fn::If` branches the stack may take.
A value that cannot be resolved becomes an Item whose `text` is None: rules treat it as unknown
and never report on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardlint.documents.cloudformation.conditions import taken_branches, undecided
from guardlint.documents.cloudformation.intrinsics import UNRESOLVED, intrinsic
from guardlint.documents.cloudformation.template import Template
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, region_of

_NO_VALUE = ("Ref", "AWS::NoValue")
_ACCOUNT_ID_REFERENCE = re.compile(r"AWS::AccountId", re.IGNORECASE)
# What a partial text writes for a part the template cannot know (the stack's account, a
# parameter without a Default, an attribute): a substitution, which no wildcard test matches.
UNKNOWN_PART = "${?}"


@dataclass(frozen=True)
class Item:
    """One value of a policy element. `text` is None when it could not be resolved; `raw` is
    the value as written (for shape checks on an unresolved `Fn::Sub`); `partial` is an
    unresolved `Fn::Sub` or `Fn::Join` written out with what the template cannot know as
    UNKNOWN_PART (`arn:aws:iam::${?}:role/*`)."""

    text: str | None
    region: Region
    raw: Any = None
    partial: str | None = None

    @property
    def template_text(self) -> str | None:
        """The resolved text, or the pattern of an unresolved `Fn::Sub` (`${Var}` kept)."""
        if self.text is not None:
            return self.text
        call = intrinsic(self.raw)
        if call and call[0] == "Fn::Sub":
            argument = call[1][0] if isinstance(call[1], list) and call[1] else call[1]
            return argument if isinstance(argument, str) else None
        return None

    @property
    def pattern(self) -> str | None:
        """The resolved text, else the partial text, else template_text: what a Resource entry
        reaches is read from it, the unknown parts a name (never a wildcard)."""
        if self.text is not None:
            return self.text
        return self.partial if self.partial is not None else self.template_text

    @property
    def mentions_own_account(self) -> bool:
        """Written with the stack's own account (`${AWS::AccountId}`, `!Ref AWS::AccountId`)."""
        return bool(_ACCOUNT_ID_REFERENCE.search(repr(self.raw)))


@dataclass(frozen=True)
class Principal:
    """One principal: kind is AWS, Service, Federated, CanonicalUser, or `*` (bare star)."""

    kind: str
    item: Item

    @property
    def is_public(self) -> bool:
        return self.item.text is not None and self.item.text.strip() == "*"


@dataclass(frozen=True)
class ConditionEntry:
    """`Condition: {operator: {key: values}}` flattened: one entry per operator and key."""

    operator: str
    key: str
    values: tuple[Item, ...]
    region: Region

    @property
    def base_operator(self) -> str:
        """The operator without set qualifiers and `IfExists`: `ForAnyValue:StringLikeIfExists`
        -> `StringLike`."""
        operator = self.operator.split(":")[-1]
        return operator[: -len("IfExists")] if operator.endswith("IfExists") else operator


def branches(value: Any, known: dict[str, bool | None] | None = None) -> Iterator[Any]:
    """The branches of `Fn::If` the stack may take (recursively): the one a condition `known`
    statically picks (the template's condition_values), else both; nothing for
    `AWS::NoValue`, else the value itself."""
    call = intrinsic(value)
    if call == _NO_VALUE:
        return
    taken = taken_branches(known or {}, call[1]) if call and call[0] == "Fn::If" else None
    if taken is not None:
        for branch in taken:
            yield from branches(branch, known)
        return
    yield value


def _operator_name(operator: Any) -> str:
    """A Condition operator's name. YAML reads the key `Null` as null: that is the Null
    operator, not an operator named "None"."""
    return "Null" if operator is None else str(operator)


class Reader:
    """Turns raw policy values into Items, resolving intrinsics against the template."""

    def __init__(self, template: Template | None, complemented: list[int]) -> None:
        self.template = template
        # The template's statically known conditions: a branch they never take is not read.
        self.known = template.condition_values if template else {}
        self.complemented = complemented  # [statements whose NotAction is expanded so far]

    def items(self, value: Any, region: Region) -> Iterator[Item]:
        if isinstance(value, list):
            for index, entry in enumerate(value):
                yield from self.items(entry, region_of(value, index) or region)
            return
        call = intrinsic(value)
        if call is None:
            if isinstance(value, bool):
                yield Item(str(value).lower(), region, value)
            elif isinstance(value, (str, int, float)):
                yield Item(str(value), region, value)
            elif value is not None:
                yield Item(None, region, value)
            return
        for branch in branches(value, self.known):
            if branch is value:
                yield from self._resolved(value, region)
            else:
                yield from self.items(branch, region_of(branch) or region)

    def _resolved(self, value: Any, region: Region) -> Iterator[Item]:
        values = self.template.possible_values(value) if self.template else [UNRESOLVED]
        for possible in values:
            if isinstance(possible, list):
                yield from self.items(possible, region)
            elif possible is UNRESOLVED:
                for partial in self._partials(value) or [None]:
                    yield Item(None, region, value, partial)
            elif isinstance(possible, dict):
                yield Item(None, region, value)
            else:
                text = str(possible).lower() if isinstance(possible, bool) else str(possible)
                yield Item(text, region, value)

    def _partials(self, value: Any) -> list[str]:
        """The texts of an unresolved value with UNKNOWN_PART for what cannot be known (those
        it resolves in full are its resolved values already)."""
        if self.template is None:
            return []
        return [
            text
            for text in self.template.partial_values(value, UNKNOWN_PART)
            if isinstance(text, str) and UNKNOWN_PART in text
        ]

    def principals(self, value: Any, region: Region) -> Iterator[Principal]:
        for branch in branches(value, self.known):
            if isinstance(branch, dict) and not intrinsic(branch):
                for kind, entries in branch.items():
                    entry_region = (
                        branch.value_region(kind) if isinstance(branch, YamlMap) else region
                    )
                    for item in self.items(entries, entry_region):
                        yield Principal(str(kind), item)
            else:
                for item in self.items(branch, region_of(branch) or region):
                    yield Principal("*" if item.text == "*" else "AWS", item)

    def conditions(self, value: Any, region: Region) -> tuple[list[ConditionEntry], bool]:
        entries: list[ConditionEntry] = []
        known = True
        for branch in branches(value, self.known):
            if not isinstance(branch, dict) or intrinsic(branch):
                known = False
                continue
            for operator, written in branch.items():
                # An operator's tests that a known condition chooses (`!If [C, {...}, {...}]`)
                # are that branch's; those a condition not known statically chooses are read
                # once per deployment (policy.policy_scenarios), unknown here.
                tests = _decided(written, self.known)
                if not isinstance(tests, dict) or intrinsic(tests):
                    known = False
                    continue
                for key, values in tests.items():
                    key_region = tests.key_region(key) if isinstance(tests, YamlMap) else region
                    value_region = tests.value_region(key) if isinstance(tests, YamlMap) else region
                    found = tuple(self.items(values, value_region))
                    entries.append(
                        ConditionEntry(_operator_name(operator), str(key), found, key_region)
                    )
        return entries, known


def _decided(value: Any, known: dict[str, bool | None]) -> Any:
    """The value, or the one branch of its `Fn::If` that known conditions take (`value` as
    written when they do not decide it, or it is no `Fn::If`)."""
    if undecided(known, value):
        return value
    taken = list(branches(value, known))
    return taken[0] if len(taken) == 1 else value
