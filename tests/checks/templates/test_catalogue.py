"""The catalogue of templates (guardlint.checks.templates.TEMPLATES): every text a template
formats declares the fields it may name, so a message naming another field (or walking an
object with `{x.y}`, or padding with `{x:>9999}`) fails when its pack loads, never at scan."""

from __future__ import annotations

import pytest

from guardlint.checks.params import REQUIRED, ParamError, complete_params
from guardlint.checks.templates import TEMPLATES

_A_VALUE = {str: "x", bool: False, int: 0, float: 0.0, list: [], dict: {}}


def _required(spec) -> dict:
    return {
        key: (param.choices[0] if param.choices else _A_VALUE[param.type])
        for key, param in spec.params.items()
        if param.default is REQUIRED
    }


TEXTS = [
    (name, key, param.placeholders)
    for name, spec in sorted(TEMPLATES.items())
    for key, param in spec.params.items()
    if param.placeholders is not None
]


def test_every_template_with_a_message_declares_its_fields():
    with_message = {name for name, spec in TEMPLATES.items() if "message" in spec.params}
    assert with_message <= {name for name, _, _ in TEXTS}
    assert len(with_message) >= 8


@pytest.mark.parametrize(("name", "key", "fields"), TEXTS, ids=[f"{n}.{k}" for n, k, _ in TEXTS])
def test_a_text_names_only_its_declared_fields(name, key, fields):
    spec = TEMPLATES[name]
    given = _required(spec)
    declared = " ".join(f"{{{field}}}" for field in fields) + " {{braces}}"
    assert complete_params(name, spec, {**given, key: declared})[key] == declared
    field = fields[0] if fields else "x"
    for bad in ("{undeclared}", "{0}", f"{{{field}.__class__}}", f"{{{field}:>9999}}",
                f"{{{field}!r}}", "{"):  # fmt: skip
        with pytest.raises(ParamError):
            complete_params(name, spec, {**given, key: bad})
