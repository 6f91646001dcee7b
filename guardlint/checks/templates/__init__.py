"""Generic, parameterised checks (kube-linter's templates): a rule says `template: NAME` and
`params: {...}` in its pack and needs no Python of its own.

TEMPLATES declares every template: the module that implements it (a file of this package,
imported only when a rule that uses the template first runs) and the parameters it takes,
which the rulebook checks when the pack loads. The implementation is a function
`(document, rule) -> Iterator[Hit]` registered with `@template(NAME)`
(guardlint.checks.registry); it reads `rule.params`, complete with defaults.
"""

from __future__ import annotations

from guardlint.checks.params import Param, TemplateSpec

TEMPLATES: dict[str, TemplateSpec] = {}

# Docker Compose (guardlint/checks/templates/compose.py). Params that name rule options say
# where the entries or paths to report are, so a user's config can change them. Messages:
# service-entry has {service}, {entry}, {written}, {meaning}; service-mount {service}, {path},
# {access}.
TEMPLATES["service-entry"] = TemplateSpec(
    "guardlint.checks.templates.compose",
    {
        "setting": Param(str),
        "listed_in": Param(str, default=""),
        "message": Param(str),
        "property": Param(str),
    },
)
TEMPLATES["service-mount"] = TemplateSpec(
    "guardlint.checks.templates.compose",
    {
        "paths": Param(list, items=str, default=[]),
        "trees": Param(list, items=str, default=[]),
        "file_names": Param(list, items=str, default=[]),
        "directory_names": Param(list, items=str, default=[]),
        "message": Param(str),
        "read_only_access": Param(str, default=""),
        "writable_access": Param(str, default=""),
        "read_only_severity": Param(str, default=""),
        "records_read_only": Param(bool, default=False),
    },
)

# Kubernetes (guardlint/checks/templates/kubernetes.py). Messages name the container as
# {container}; container-image messages also have {image} (without its tag) and {tag}.
TEMPLATES["container-setting"] = TemplateSpec(
    "guardlint.checks.templates.kubernetes",
    {
        "setting": Param(str),
        "value": Param(bool),
        "required": Param(bool),
        "linux_only": Param(bool, default=False),
        "message": Param(str),
        "message_when_unset": Param(str, default=""),
    },
)
TEMPLATES["container-image"] = TemplateSpec(
    "guardlint.checks.templates.kubernetes",
    {
        "tags": Param(list, items=str),
        "message": Param(str),
        "message_when_untagged": Param(str, default=""),
    },
)
