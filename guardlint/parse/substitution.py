"""Templates for substitution: files whose name says a tool fills them in before they are used
(`deployment.yaml.j2`, `docker-compose.yml.tmpl`, `stack.json.template`, `Dockerfile.tpl`).

Until their placeholders (`${VAR}`, `{{ var }}`, `{% ... %}`, `<EDIT: ...>`) are filled in, such
a file may not be YAML, JSON or a Dockerfile yet: a template that fails to parse at a
placeholder is waiting for its values, not broken IaC; one that fails elsewhere is broken.
Tools also fill in files kept under their final names (an Ansible role's templates/, gomplate,
ERB): one of those fails at a template language's tag (`{{ }}`, `{% %}`, `<% %>`).
`name.template` with no IaC name before it is CloudFormation's own convention for a template,
not one of these.
"""

from __future__ import annotations

from guardlint.parse.linear_regex import compile_linear

# The skip reason (the JSON summary's `skip_reasons`) of a template that does not parse.
TEMPLATE = "template"
TEMPLATE_SUFFIXES = (".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2")
# The tags of template languages (Jinja/Go/Mustache, ERB): no IaC syntax writes them.
_TAG = r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>"
# Placeholders: those tags, envsubst/shell's, and `<EDIT: ...>` notes to the user.
_PLACEHOLDER = r"\$\{[^}\n]*\}|" + _TAG + r"|<[A-Z][A-Z _-]*:[^>\n]*>"


def filled_name(name: str) -> str | None:
    """The name of the file a template becomes (`compose.yml.tmpl` -> `compose.yml`); None for
    a name without a template suffix."""
    lower = name.lower()
    if not lower.endswith(TEMPLATE_SUFFIXES):
        return None  # nearly every name: one test, not one per suffix
    for suffix in TEMPLATE_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def has_placeholders(text: str) -> bool:
    """The text holds at least one substitution placeholder (in time linear in the text)."""
    return compile_linear(_PLACEHOLDER).search(text) is not None


def fails_at_placeholder(lines: list[str], error_line: int | None, tags_only: bool = False) -> bool:
    """A parse error at `error_line` (1-based) is the placeholders' doing: a placeholder is on
    that line or the one before (a YAML parser may report an error at the token after it).
    Without a line, any placeholder in the file counts. An error elsewhere is a broken file.
    With `tags_only`, only a template language's tags count: `${VAR}` is also CloudFormation's,
    Compose's and the shell's own syntax, where it is not left to fill in."""
    if not error_line:
        return has_placeholders("\n".join(lines))
    near = "\n".join(lines[max(error_line - 2, 0) : error_line])
    return (compile_linear(_TAG).search(near) is not None) if tags_only else has_placeholders(near)
