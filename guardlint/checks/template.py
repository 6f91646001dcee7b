"""The `message` and `resource` templates of declarative rules: text and documented fields.

A custom rule pack may come from the repository being scanned (its `.guardlint.yaml` names
its own `rule_dirs`), so a template is data from a stranger. `str.format` would let
`{subject.__class__...}` walk Python objects as far as `os.environ` and `{name:>50000000}`
build a 50 MB message. Here a template is literal text, `{{` and `}}` for braces, and the
fields in FIELDS or `{subject[KEY]}`: nothing else, no conversion (`!r`), no format spec
(`:>10`). `parse_template` checks that when the pack loads; `render` never fails after that.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from typing import Any, NamedTuple

from guardlint.model.findings import MAX_MESSAGE_CHARS
from guardlint.parse.text import clip

# The fields every match offers (guardlint/checks/match.py run_match); docs/usage.md lists them.
FIELDS = ("name", "value", "key", "kind", "path", "resource")
# One substituted value: an image name or a resource ID fits; a pasted file does not.
MAX_FIELD_CHARS = 200
_SUBJECT_FIELD = re.compile(r"subject\[([^\[\]]+)\]")
_KNOWN = ", ".join(f"{{{name}}}" for name in (*FIELDS, "subject[KEY]"))


class TemplateError(ValueError):
    """A template that is more than text and documented fields."""


class Field(NamedTuple):
    """`{name}` (subject_key None) or `{subject[KEY]}` (name "subject")."""

    name: str
    subject_key: str | None = None


def _field(name: str, conversion: str | None, spec: str) -> Field:
    if conversion is not None:
        raise TemplateError(f"{{{name}!{conversion}}}: conversions are not allowed")
    if spec:
        raise TemplateError(f"{{{name}:{spec}}}: format specs are not allowed")
    if name in FIELDS:
        return Field(name)
    subject = _SUBJECT_FIELD.fullmatch(name)
    if subject is not None:
        return Field("subject", subject.group(1))
    if "." in name or "[" in name:
        raise TemplateError(
            f"{{{name}}}: attribute and index access are not allowed; the fields are {_KNOWN}"
        )
    raise TemplateError(f"unknown field {{{name}}}; the fields are {_KNOWN}")


@functools.cache
def parse_template(template: str) -> tuple[str | Field, ...]:
    """The literal texts and fields of a template; TemplateError if it is anything more."""
    if len(template) > MAX_MESSAGE_CHARS:
        raise TemplateError(f"longer than {MAX_MESSAGE_CHARS:,} characters")
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone `{` or `}`
        raise TemplateError(f"{exc}; write {{{{ or }}}} for a literal brace") from None
    parts: list[str | Field] = []
    for literal, name, spec, conversion in pieces:
        if literal:
            parts.append(literal)
        if name is not None:
            parts.append(_field(name, conversion, spec))
    return tuple(parts)


def check_template(template: Any) -> None:
    """Raise TemplateError unless `template` is a string `render` accepts."""
    if not isinstance(template, str):
        raise TemplateError("must be a string")
    parse_template(template)


def _text(value: Any) -> str:
    # A map or list (a `locate` that found one, a subject field that holds one) renders empty.
    return clip("" if isinstance(value, (dict, list)) else str(value), MAX_FIELD_CHARS)


def render(template: str, fields: Mapping[str, Any], subject: Mapping[str, Any]) -> str:
    """The template with each field's value (at most MAX_FIELD_CHARS characters; a key the
    subject lacks is empty), at most MAX_MESSAGE_CHARS characters in all."""
    rendered: list[str] = []
    size = 0
    for part in parse_template(template):
        if isinstance(part, str):
            text = part
        elif part.subject_key is not None:
            text = _text(subject.get(part.subject_key, ""))
        else:
            text = _text(fields[part.name])
        rendered.append(text)
        size += len(text)
        if size > MAX_MESSAGE_CHARS:
            break
    return clip("".join(rendered), MAX_MESSAGE_CHARS)
