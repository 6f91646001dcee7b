"""Where a template value takes a secret that CloudFormation resolves into the property, to be
stored and shown there in plaintext: a `{{resolve:secretsmanager:...}}` or
`{{resolve:ssm-secure:...}}` dynamic reference anywhere in the value, or a NoEcho parameter, by
`Ref` or as a `Fn::Sub` variable (`!Sub "${Token}"`, `!Sub "https://ci:${Token}@git..."`).
The ECS pack (ECS007) and the CodeBuild pack (CBD002, CBD008) ask it; CBD008 also asks where in
a URL those secrets land (`with_secrets_masked`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, sub_variables
from guardlint.documents.cloudformation.template import Template
from guardlint.knowledge.credentials import SECRET_DYNAMIC_REFERENCE, literal_texts

# Far deeper than any property value: bounds the walk of a hostile nesting.
_MAX_DEPTH = 30


def resolved_secret_source(template: Template, value: Any) -> str | None:
    """What the value takes a secret from (`a dynamic reference to Secrets Manager`, `the
    NoEcho parameter Token`); None when it takes none."""
    for text in literal_texts(value):
        match = SECRET_DYNAMIC_REFERENCE.search(text)
        if match:
            secrets_manager = match.group(1).lower() == "secretsmanager"
            store = "Secrets Manager" if secrets_manager else "an SSM SecureString parameter"
            return f"a dynamic reference to {store}"
    for name in _referenced_parameters(value):
        if template.is_no_echo(name):
            return f"the NoEcho parameter {name}"
    return None


def _referenced_parameters(value: Any) -> Iterator[str]:
    """The names a value's Ref and Fn::Sub variables refer to."""
    pending = [value]
    while pending:
        current = pending.pop()
        call = intrinsic(current)
        if call is not None and call[0] == "Ref" and isinstance(call[1], str):
            yield call[1]
        elif call is not None and call[0] == "Fn::Sub":
            text, variables = call[1] if _is_pair(call[1]) else (call[1], {})
            if not isinstance(text, str):
                pending.append(call[1])
                continue
            # A name the map defines is that value, one it does not a parameter's; the map's
            # other entries are not substituted anywhere.
            for name in sub_variables(text):
                if isinstance(variables, dict) and name in variables:
                    pending.append(variables[name])
                else:
                    yield name
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)


def _is_pair(argument: Any) -> bool:
    return isinstance(argument, list) and len(argument) == 2


def with_secrets_masked(template: Template, value: Any, mark: str, depth: int = 0) -> Any:
    """The value with each part that takes such a secret written as `mark`: a Ref to a NoEcho
    parameter, a Fn::Sub variable naming one, a secret dynamic reference in a text."""
    if depth > _MAX_DEPTH:
        return value
    call = intrinsic(value)
    if call is not None and call[0] == "Ref":
        return mark if isinstance(call[1], str) and template.is_no_echo(call[1]) else value
    if call is not None and call[0] == "Fn::Sub":
        text, variables = (
            call[1] if isinstance(call[1], list) and len(call[1]) == 2 else (call[1], {})
        )
        if not isinstance(text, str) or not isinstance(variables, dict):
            return value
        # A variable of the map wins over a parameter of the same name, as in CloudFormation.
        masked = {name: mark for name in sub_variables(text) if template.is_no_echo(name)}
        masked.update({name: with_secrets_masked(template, item, mark, depth + 1)
                       for name, item in variables.items()})  # fmt: skip
        return {"Fn::Sub": [_mask_dynamic_references(text, mark), masked]}
    if isinstance(value, str):
        return _mask_dynamic_references(value, mark)
    if isinstance(value, dict):
        return {key: with_secrets_masked(template, item, mark, depth + 1)
                for key, item in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [with_secrets_masked(template, item, mark, depth + 1) for item in value]
    return value


def _mask_dynamic_references(text: str, mark: str) -> str:
    """The text with each secret dynamic reference (to its closing `}}`) written as `mark`."""
    pieces, position = [], 0
    while (match := SECRET_DYNAMIC_REFERENCE.search(text, position)) is not None:
        end = text.find("}}", match.end())
        end = len(text) if end < 0 else end + 2
        pieces += [text[position : match.start()], mark]
        position = end
    return "".join([*pieces, text[position:]])
