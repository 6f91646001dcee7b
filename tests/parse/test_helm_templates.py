"""A chart's template as Helm renders it without values (guardlint.parse.helm_templates):
text/template's comments and trim markers as Go's lexer reads them, actions placed by libyaml's
scanner, and the rendered lines put back on the lines they are written on."""

from __future__ import annotations

import pytest

from guardlint.parse.helm_actions import MAX_VARIANTS
from guardlint.parse.helm_templates import MAX_RENDERED_CHARACTERS, static_texts


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("a: 1\n", "a: 1\n"),
        # Actions in YAML comments render inside them: their value is not known, nor needed.
        ("# {{ .Release.Name }}\na: 1\n", "# \na: 1\n"),
        ("a: 1  # {{ .Values.x }}\n", "a: 1  # \n"),
        ('a: 1 # {{ "}}" }} and more\n', "a: 1 # }} and more\n"),  # a literal's value
        # A condition Helm decides without values: only the branch it takes.
        ("# {{ if false }}\na: 1\n# {{ end }}\n", "# \n"),
        ("# {{ if not false }}\na: 1\n# {{ else }}\nb: 2\n# {{ end }}\n", "# \na: 1\n# \n"),
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
    assert static_texts(text) == [judged]


@pytest.mark.parametrize(
    "text",
    [
        "a: {{ .Values.a }}\n",
        'a: "# {{ .Values.a }}"\n',
        "a: b#{{ .Values.a }}\n",
        "a: b {{ .Values.a }}\n",
        "a: |\n  # {{ .Values.a }}\n",
        "{{ if .Values.on }}\na: {{ .Values.a }}\n{{ end }}\n",  # a value in a branch
        "a: 1\n{{ .Values.extra }}\n",
        "# {{ x\na: 1\n",  # an action never closed
        '# {{ "x\n" }}\na: 1\n',  # a string with a line break
        "{{ /* x */ }}\na: 1\n",  # a comment must touch its delimiters
        "{{-/* x */}}\na: 1\n",  # `{{-/*` is no trim marker
        "{{/* x */  -}}\na: 1\n",  # one white space before `-}}`, not two
        "{{/* x\na: 1\n",  # a comment never closed
        # Control actions text/template refuses: Helm renders nothing.
        "# {{ if .Values.on }}\na: 1\n",
        "a: 1\n# {{ end }}\n",
        "# {{ else }}\na: 1\n",
        "# {{ if }}{{ end }}\na: 1\n",
        "# {{ if .a }}{{ end .a }}\na: 1\n",
        "# {{ if .a }}{{ else }}{{ else }}{{ end }}\na: 1\n",
        "# {{ if .a }}{{ else .b }}{{ end }}\na: 1\n",
        "# {{ with .a }}{{ else if .b }}{{ end }}\na: 1\n",
        "# {{ range .a }}{{ else with .b }}{{ end }}\na: 1\n",
        '# {{ define "x" }}{{ else }}{{ end }}\na: 1\n',
        '# {{ if .a }}{{ define "x" }}{{ end }}{{ end }}\na: 1\n',
        "# {{ break }}\na: 1\n",
        "# {{ if .a }}{{ continue }}{{ end }}\na: 1\n",
        "# {{ range .a }}{{ else }}{{ break }}{{ end }}\na: 1\n",  # no range's body holds it
        '# {{ range .a }}{{ block "x" . }}{{ break }}{{ end }}{{ end }}\na: 1\n',
        # A define of a name a template file may have, or of no name Go accepts.
        '{{ define "web/templates/pod.yaml" }}\na: 1\n{{ end }}\n',
        '{{ define "x" . }}{{ end }}\na: 1\n',
        # A block prints what its name is defined as anywhere in the chart: unknown.
        '{{ block "x" . }}\na: 1\n{{ end }}\nb: 1\n',
        '# {{ if .a }}\nc: {{ block "x" . }}{{ end }}\n# {{ end }}\nb: 1\n',
        '# {{ range .a }}{{ end }}{{ define "x" }}{{ continue }}{{ end }}\na: 1\n',
    ],
)
def test_a_template_that_depends_on_values_or_does_not_render_is_not_judged(text):
    assert static_texts(text) is None


def test_many_actions_in_one_comment_cost_linear_time():
    text = "a: 1 # " + "{{ .Values.x }}" * 20_000 + "\n" + "#" * 100_000 + "\n{{ x }}\n"
    assert static_texts(text) is None
    assert static_texts(text[: text.rindex("{{ x }}")]) is not None


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        # Each branch of a chain, the empty one an `if` without `else` has too.
        ("# {{ if .a }}\na: 1\n# {{ end }}\n", ["# \na: 1\n# \n", "# \n"]),
        (
            "# {{ if .a }}\na: 1\n# {{ else }}\na: 2\n# {{ end }}\n",
            ["# \na: 1\n# \n", "# \n\n\na: 2\n# \n"],
        ),
        # Branches Helm never takes: after a condition that holds, or one that never does.
        (
            '# {{ if .a }}\na: 1\n# {{ else if "x" }}\na: 2\n# {{ else }}\na: 3\n# {{ end }}\n',
            ["# \na: 1\n# \n", "# \n\n\na: 2\n# \n"],
        ),
        ("# {{ with 0 }}\na: 1\n# {{ else }}\na: 2\n# {{ end }}\n", ["# \n\n\na: 2\n# \n"]),
        ('# {{ if not "" }}\na: 1\n# {{ end }}\n', ["# \na: 1\n# \n"]),
        # A range: one pass, or none (its else).
        ("{{ range .l }}\n- a\n{{ else }}\n- b\n{{ end }}\n", ["\n- a\n\n\n\n", "\n\n\n- b\n\n"]),
        ("{{ range .l }}\n- a\n{{ break }}\n{{ end }}\n", ["\n- a\n\n\n", "\n\n\n\n"]),
        # Every branch of a chain inside another's branch.
        (
            "{{ if .a }}{{ if .b }}\na: 1\n{{ else }}\na: 2\n{{ end }}"
            "{{ else }}\na: 3\n{{ end }}\n",
            ["\na: 1\n\n\n\n\n\n", "\n\n\na: 2\n\n\n\n", "\n\n\n\n\na: 3\n\n"],
        ),
        # A define's body renders nowhere it is written, whatever it prints; a block's neither:
        # it prints what its name is defined as anywhere in the chart (unknown, in a comment).
        ('# {{ define "x" }}\na: 1\n# {{ end }}\n', ["# \n"]),
        ('{{ define "x" }}\na: {{ .Values.a }}\n{{ end }}\nb: 1\n', ["\n\n\nb: 1\n"]),
        ('# {{ block "x" . }}\na: 1\n# {{ end }}\n', ["# \n"]),
        ('a: 1 # {{ block "x" . }}{{ .Values.b }}{{ end }}\n', ["a: 1 # \n"]),
        # What follows a break or continue in its pass renders only where it is not taken.
        (
            "{{ range .l }}\na: 1\n{{ continue }}\nb: 2\n{{ end }}\n",
            ["\na: 1\n\n\n\n", "\n\n\n\n\n"],
        ),
        (
            "{{ range .l }}{{ if .s }}{{ break }}{{ end }}\na: 1\n{{ end }}\n",
            ["\n\n\n", "\na: 1\n\n"],
        ),
        # A break in a range's else ends that range; a continue there, the enclosing pass.
        (
            "{{ range .o }}{{ range .i }}{{ else }}{{ break }}{{ end }}\na: 1\n{{ end }}\n",
            ["\na: 1\n\n", "\n\n\n"],
        ),
        (
            "{{ range .o }}{{ range .i }}{{ else }}{{ continue }}{{ end }}\na: 1\n{{ end }}\n",
            ["\n\n\n", "\na: 1\n\n"],
        ),
        # Every branch after a break taken in some renderings, in one that goes on.
        (
            "{{ range .l }}{{ if .s }}{{ break }}{{ end }}"
            "{{ if .a }}\na: 1\n{{ else }}\na: 2\n{{ end }}{{ end }}\n",
            ["\n\n\n\n\n", "\na: 1\n\n\n\n", "\n\n\na: 2\n\n"],
        ),
        # A string literal prints its value, line breaks too (the lines after go further down).
        ('# {{ "\\nb: 2" }}\na: 1\n', ["# \nb: 2\na: 1\n"]),
        ("# {{ `x\r\ny` }}\na: 1\n", ["# x\ny\na: 1\n"]),
        ('# {{ "\\xff" }}\na: 1\n', ["# \na: 1\n"]),  # a byte: no known text
    ],
)
def test_each_rendering_control_actions_can_choose_is_judged_once(text, judged):
    assert static_texts(text) == judged


def test_renderings_are_bounded_whatever_the_chains():
    depth = MAX_VARIANTS - 1
    nested = "".join(f"{{{{ if .v{n} }}}}\nk{n}: 1\n" for n in range(depth))
    nested += "{{ end }}" * depth + "\n"
    assert len(static_texts(nested)) == MAX_VARIANTS  # each if adds one rendering
    assert static_texts("{{ if .v }}\n" + nested + "{{ end }}\n") is None
    chain = "# {{ if .v }}\n" + "".join(f"# {{{{ else if .v{n} }}}}\n" for n in range(9_999))
    assert static_texts(chain + "# {{ end }}\n") is None


def test_renderings_are_bounded_in_text():
    """Each rendering is parsed and judged: a large template is judged in one rendering only."""
    big = "a: 1\n" + "#" * (MAX_RENDERED_CHARACTERS // 2) + "\n"
    assert static_texts(big + "# {{ if .v }}{{ end }}\n") is None
    assert static_texts(big + "# {{ if true }}{{ end }}\n") == [big + "# \n"]


def test_many_and_deeply_nested_control_actions_cost_linear_time():
    deep = "{{ if true }}" * 20_000 + "\na: 1\n" + "{{ end }}" * 20_000
    assert static_texts(deep) == ["\na: 1\n"]
    many = "".join(f"# {{{{ if .v{n} }}}}\nk{n}: 1\n# {{{{ end }}}}\n" for n in range(10_000))
    assert len(static_texts(many)) == 2
    breaks = "".join(f"{{{{ if .v{n} }}}}{{{{ break }}}}{{{{ end }}}}\n" for n in range(10_000))
    assert static_texts("{{ range .l }}" + breaks + "{{ end }}\n") is None  # too many
    deep_break = "{{ range .l }}" + "{{ if true }}" * 20_000 + "{{ break }}"
    deep_break += "{{ end }}" * 20_000 + "\na: 1\n{{ end }}\n"
    assert static_texts(deep_break) == ["\n\n\n"]
