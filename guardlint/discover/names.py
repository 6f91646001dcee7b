"""The kind of a file by its name: `dockerfile`, `compose`, `appspec` (CodeDeploy), `buildspec`
(AWS CodeBuild), `ecs` (task definitions and Dockerrun.aws.json), or `structured` (YAML or JSON,
its documents classified after parsing); by its first lines for text without a name."""

from __future__ import annotations

import re

from guardlint.parse.helm_charts import HELM_SUPPORT
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.substitution import TEMPLATE_SUFFIXES, filled_name

# The names guardlint scans, by kind (case-insensitive, the whole base name; [^/] rather than
# `.` so that the pattern also finds a base name inside a path: PRE_COMMIT_FILES).
# A template for substitution has the name of the file it becomes and a template suffix
# (`deploy.yaml.j2`, guardlint.parse.substitution).
_TEMPLATE = "(?:" + "|".join(re.escape(suffix) for suffix in TEMPLATE_SUFFIXES) + ")?"
_NAMES = (
    rf"(?P<dockerfile>(?:dockerfile|containerfile)|[^/]*\.dockerfile{_TEMPLATE}"
    r"|(?:dockerfile|containerfile)\.[^/]*(?<!\.dockerignore)(?<!\.md)(?<!\.txt)"
    # Dockerfile-prod, Dockerfile_dev; a dot after them is another file's (dockerfile_lint.py)
    r"|(?:dockerfile|containerfile)[-_][\w-]+)"
    rf"|(?P<compose>(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml{_TEMPLATE})"
    rf"|(?P<appspec>appspec\.(?:ya?ml|json){_TEMPLATE})"
    rf"|(?P<buildspec>(?:buildspec[^/]*|[^/]*\.buildspec)\.ya?ml{_TEMPLATE})"
    rf"|(?P<ecs>(?:taskdef|task-definition|task_definition)[^/]*\.json{_TEMPLATE}"
    rf"|[^/]*-taskdef\.json{_TEMPLATE}|dockerrun\.aws\.json{_TEMPLATE})"
    rf"|(?P<structured>[^/]*\.(?:yaml|yml|json|template){_TEMPLATE})"
)
NAME_RULES = LazyPattern(_NAMES, re.IGNORECASE)
# An ASCII name lower-cased, matched case-sensitively (the patterns spell small letters): what
# IGNORECASE gives it, for less than half the compile (0.8 against 1.8 ms of every start). A
# name with other characters takes NAME_RULES, whose case folding has more to it
# (the long s, U+017F, is an `s` to it).
_ASCII_NAME_RULES = re.compile(_NAMES)
# Files a scan reads without judging them: a change to one alone can change the findings, so
# the pre-commit hook must run for it (PRE_COMMIT_FILES). They are:
# - anything below a `templates/` directory (a Helm chart's `_helpers.tpl`, `NOTES.txt`,
#   partials: parsed with its templates) and a chart's `.helmignore`;
# - a build context's ignore files (`.dockerignore`, `.containerignore`);
# - Compose env files (`.env`, `web.env`, `.env.local`) and a function's Python code, read by
#   the files that name them;
# - pyproject.toml, which may hold the config (a change to it rescans the tree:
#   guardlint.cli.governing).
# guardlint.discover.dependents and guardlint.discover.namers say what each decides. The other
# files read so (Chart.yaml, kustomizations, rule packs, `.guardlint.yaml`) have YAML or JSON
# names, which _NAMES takes already.
_DEPENDENCIES = (
    r"templates/[^\n]*|\.helmignore|\.containerignore|[^/]*\.dockerignore"
    r"|[^/]*\.env|\.env\.[^/]*|[^/]*\.py|pyproject\.toml"
)
# The pre-commit hook's `files` filter (.pre-commit-hooks.yaml): a path whose base name
# guardlint scans, or a file such a path depends on.
PRE_COMMIT_FILES = rf"(?i)(?:^|/)(?:{_NAMES}|{_DEPENDENCIES})\Z"


# The kinds of document a file of a kind by name holds, where the name alone decides them: a
# Dockerfile is one `dockerfile` document, a chart's `_helpers.tpl` none. A YAML or JSON file's
# are known once it is parsed.
DOCUMENT_KINDS_BY_NAME = {"dockerfile": frozenset({"dockerfile"}), HELM_SUPPORT: frozenset()}


def kind_by_name(name: str) -> str | None:
    """dockerfile, compose, appspec, buildspec, ecs or structured (YAML or JSON, kind by
    content) by the file's name."""
    if name.isascii():
        match = _ASCII_NAME_RULES.fullmatch(name.lower())
    else:
        match = NAME_RULES.fullmatch(name)
    return match.lastgroup if match else None


# A Dockerfile's first instruction, after blank lines, comments and parser directives.
_DOCKERFILE_START = LazyPattern(
    r"\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:from|arg)[ \t]", re.IGNORECASE
)


def kind_by_content(head: str) -> str:
    """dockerfile or structured, for text without a name (standard input)."""
    return "dockerfile" if _DOCKERFILE_START.match(head) else "structured"


def template_of(name: str) -> str | None:
    """The IaC file name a template for substitution becomes (`compose.yml.tmpl` ->
    `compose.yml`, guardlint.parse.substitution); None when `name` is not such a template
    (`stack.template` is CloudFormation's own naming, a structured file)."""
    filled = filled_name(name)
    return filled if filled is not None and kind_by_name(filled) is not None else None
