"""A chart's template as Helm renders it without values (guardlint.parse.helm_templates):
text/template's comments and trim markers as Go's lexer reads them, actions placed by libyaml's
scanner, and the rendered lines put back on the lines they are written on."""

from __future__ import annotations

import pytest

from guardlint.parse.helm_templates import static_text


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("a: 1\n", "a: 1\n"),
        # Actions in YAML comments render inside them: their value is not known, nor needed.
        ("# {{ .Release.Name }}\na: 1\n", "# \na: 1\n"),
        ("a: 1  # {{ .Values.x }}\n", "a: 1  # \n"),
        ('a: 1 # {{ "}}" }} and more\n', "a: 1 #  and more\n"),
        ("# {{ if false }}\na: 1\n# {{ end }}\n", "# \na: 1\n# \n"),
        # Go template comments render to nothing, and may span lines.
        ("{{/* doc */}}\na: 1\n", "\na: 1\n"),
        ("{{/* one\ntwo */}}a: 1\n", "\na: 1\n"),
        # `{{- ` trims every white space before it, line breaks too; ` -}}` those after it.
        ("a: 1\n  {{- /* c */}}\nb: 2\n", "a: 1\n\nb: 2\n"),
        ("{{- /* c */ -}}\n\n  \na: 1\n", "\n\n\na: 1\n"),
        ("a: 1 {{- /* c */ -}}   # x\n", "a: 1# x\n"),
        # Trimming after a comment's action joins the next line to the comment.
        ("a: 1\n# {{ x -}}\nb: 2\nc: 3\n", "a: 1\n# b: 2\n\nc: 3\n"),
        ("a: 1\n#{{x -}}\n\n  \nb: 2\nc: 3\n", "a: 1\n#b: 2\n\n\n\nc: 3\n"),
        # Where empty lines would change a block scalar, the rendered text itself.
        ("a: |\n  x\n  {{- /* c */}}\n  y\n", "a: |\n  x\n  y\n"),
        ("a: b {{- /* c */ -}} d\n", "a: bd\n"),
        ('{"a": 1}{{/* j */}}\n', '{"a": 1}\n'),
    ],
)
def test_a_template_whose_rendering_no_value_changes_is_judged(text, judged):
    assert static_text(text) == judged


@pytest.mark.parametrize(
    "text",
    [
        "a: {{ .Values.a }}\n",
        'a: "# {{ .Values.a }}"\n',
        "a: b#{{ .Values.a }}\n",
        "a: b {{ .Values.a }}\n",
        "a: |\n  # {{ .Values.a }}\n",
        "{{ if .Values.on }}\na: 1\n{{ end }}\n",
        "a: 1\n{{ .Values.extra }}\n",
        "# {{ x\na: 1\n",  # an action never closed
        '# {{ "x\n" }}\na: 1\n',  # a string with a line break
        "{{ /* x */ }}\na: 1\n",  # a comment must touch its delimiters
        "{{-/* x */}}\na: 1\n",  # `{{-/*` is no trim marker
        "{{/* x */  -}}\na: 1\n",  # one white space before `-}}`, not two
        "{{/* x\na: 1\n",  # a comment never closed
    ],
)
def test_a_template_that_depends_on_values_or_does_not_render_is_not_judged(text):
    assert static_text(text) is None


def test_many_actions_in_one_comment_cost_linear_time():
    text = "a: 1 # " + "{{ .Values.x }}" * 20_000 + "\n" + "#" * 100_000 + "\n{{ x }}\n"
    assert static_text(text) is None
    assert static_text(text[: text.rindex("{{ x }}")]) is not None
