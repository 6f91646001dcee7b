"""Where a template value takes a secret that CloudFormation resolves into the property, to be
stored and shown there in plaintext: a `{{resolve:secretsmanager:...}}` or
`{{resolve:ssm-secure:...}}` dynamic reference anywhere in the value, or a NoEcho parameter, by
`Ref` or as a `Fn::Sub` variable (`!Sub "${Token}"`, `!Sub "https://ci:${Token}@git..."`).
The ECS pack (ECS007) and the CodeBuild pack (CBD002, CBD008) ask it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, sub_variables
from guardlint.documents.cloudformation.template import Template
from guardlint.knowledge.credentials import SECRET_DYNAMIC_REFERENCE, literal_texts


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
            text = call[1][0] if isinstance(call[1], list) and call[1] else call[1]
            if isinstance(text, str):
                yield from sub_variables(text)
            pending.append(call[1])
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
