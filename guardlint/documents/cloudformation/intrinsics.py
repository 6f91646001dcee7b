"""CloudFormation's intrinsic functions as data: how to recognise a call (`{"Ref": X}`,
`{"Fn::Sub": ...}`), the variables of a Fn::Sub string, the pseudo parameters, and UNRESOLVED,
the value of what a linter cannot know. The evaluation is guardlint.documents.cloudformation
.template."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any


class _Unresolved:
    """Sentinel for a value the evaluator cannot know statically."""

    _instance: _Unresolved | None = None

    def __new__(cls) -> _Unresolved:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNRESOLVED"

    def __bool__(self) -> bool:
        return False


UNRESOLVED: Any = _Unresolved()

# Pseudo parameters whose value is known or harmless to assume; the others stay UNRESOLVED.
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
        "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
    }
)  # fmt: skip
KNOWN_PSEUDO_VALUES = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
# The Sub variable joined_as_sub names a Fn::Join's intrinsic part by (with its index).
JOINED_PART = "GuardlintJoinedPart"
# The bits of the largest whole number str() writes well within its 4,300 digits.
MAX_WRITTEN_BITS = 14_000
MAX_VALUES = 64  # cap on combinations, so Fn::Join over many Fn::If cannot explode
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# A Ref's or GetAtt's name as a Fn::Sub variable (`Token`, `AWS::Region`, `Db.Endpoint.Address`).
_SUB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]*")


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """(name, argument) when `value` is a one-key intrinsic map like {"Ref": "X"}."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::") or key == "Condition"):
            return key, arg
    return None


def referenced_id(value: Any) -> str | None:
    """The logical ID a `Ref`/`GetAtt` names."""
    call = intrinsic(value)
    if call is None:
        return None
    name, arg = call
    if name == "Ref" and isinstance(arg, str):
        return arg
    if name == "Fn::GetAtt":
        target = arg[0] if isinstance(arg, list) and arg else arg
        return str(target).split(".", 1)[0] if isinstance(target, str) else None
    return None


def sub_references(text: str) -> Iterator[re.Match[str]]:
    """The `${...}` of a Fn::Sub string. The search ends at the last `}`: every `${` after it
    is unclosed, and `re` would scan from each of them to the end (quadratic)."""
    return _SUB_VARIABLE.finditer(text, 0, text.rfind("}") + 1)


def sub_variables(template_string: str) -> list[str]:
    """Variable names in a Fn::Sub string, without `${!Literal}` escapes."""
    return [match.group(1).strip() for match in sub_references(template_string)
            if not match.group(1).startswith("!")]  # fmt: skip


def joined_as_sub(value: Any) -> Any:
    """A Fn::Join of literal pieces and intrinsics (the CDK's way of writing a text around a
    token) as the Fn::Sub it is equal to, each `${` of a piece escaped (`${!`, which Fn::Sub
    writes as `${`): a Ref or GetAtt as the `${Name}` or `${Name.Attribute}` that says the same,
    any other intrinsic a variable of the map (JOINED_PART). The text then parses as written,
    a value that takes a NoEcho parameter or a resource's attribute is read as the Fn::Sub of
    that part, and reads as in `!Sub` where a message quotes it. Any other value as it is."""
    call = intrinsic(value)
    if call is None or call[0] != "Fn::Join" or not isinstance(call[1], list):
        return value
    if len(call[1]) != 2 or not isinstance(call[1][0], str) or not isinstance(call[1][1], list):
        return value
    delimiter, parts = call[1]
    texts, variables = [], {}
    for index, part in enumerate(parts):
        if isinstance(part, str):
            texts.append(part.replace("${", "${!"))
            continue
        name = _sub_reference(part)
        if name is None:
            name = f"{JOINED_PART}{index}"
            variables[name] = part
        texts.append("${" + name + "}")
    return {"Fn::Sub": [delimiter.replace("${", "${!").join(texts), variables]}


def _sub_reference(part: Any) -> str | None:
    """The Fn::Sub variable that says what a Ref or GetAtt says (`Token`, `Repo.Arn`)."""
    call = intrinsic(part)
    if call is None or call[0] not in ("Ref", "Fn::GetAtt"):
        return None
    argument = call[1]
    if call[0] == "Fn::GetAtt" and isinstance(argument, list) and len(argument) == 2:
        texts = all(isinstance(item, str) for item in argument)
        argument = f"{argument[0]}.{argument[1]}" if texts else None
    if not isinstance(argument, str) or not _SUB_NAME.fullmatch(argument):
        return None
    return argument if call[0] == "Fn::GetAtt" or "." not in argument else None


def named_variables(text: str, variables: Any) -> dict:
    """The entries of a Fn::Sub's variable map that `text` (a string of its text) names: a
    string deployed as a Fn::Sub of its own takes only those (a value reading a whole map of
    thousands of a CDK Join's parts would cost the square of the text, and would seem to take
    a NoEcho parameter another value names)."""
    if not variables:
        return {}
    return {name: variables[name] for name in sub_variables(text) if name in variables}


def deployed_string(text: str, variables: Any) -> dict:
    """A string of a Fn::Sub text as written (`variables`: its map, {} for none) as the
    Fn::Sub CloudFormation deploys for it."""
    named = named_variables(text, variables)
    return {"Fn::Sub": [text, named] if named else text}


def is_module_type(kind: Any) -> bool:
    """A module rather than a resource type: a registry module (`Org::Svc::Name::MODULE`),
    or a module file included by a packaging tool (rain's `!Rain::Module path.yaml`)."""
    if isinstance(kind, dict):
        return any(str(key).startswith("Rain::") for key in kind)
    if not isinstance(kind, str):
        return False
    return kind.endswith("::MODULE") or kind.lower().endswith((".yaml", ".yml", ".json"))


def writable(value: Any) -> bool:
    """Whether CloudFormation can write the value into a string as scalar_text does: a scalar,
    but a whole number past the digits str() writes (YAML keeps such a number as its text; a
    value built otherwise may hold one)."""
    if isinstance(value, int):
        return value.bit_length() <= MAX_WRITTEN_BITS
    return value is None or isinstance(value, (str, float))


def concatenations(
    pieces: list[list[Any]], separator: str, unknown: str | None = None
) -> list[Any]:
    """Every joining of one value of each piece (at most MAX_VALUES); UNRESOLVED when a piece
    may be unknown or not a scalar (writable), unless `unknown` stands in for such a piece."""
    results: list[Any] = []
    for combination in itertools.product(*pieces):
        if unknown is not None:
            combination = tuple(part if writable(part) else unknown for part in combination)
        if not all(writable(part) for part in combination):
            return [UNRESOLVED]
        results.append(separator.join(scalar_text(part) for part in combination))
        if len(results) >= MAX_VALUES:
            break
    return results


def scalar_text(value: Any) -> str:
    """A scalar as CloudFormation writes it into a string (booleans in lower case)."""
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type (`1` is not `True`, nor `"1"`)."""
    return type(a) is type(b) and a == b
