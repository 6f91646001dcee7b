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

# -- CloudFormation (guardlint/checks/templates/cloudformation.py) ----------------------------

_CFN_TEMPLATES = "guardlint.checks.templates.cloudformation"
_CFN_PREDICATES = ("present", "missing", "true", "false", "false-or-missing", "one-of",
                   "non-empty-list")  # fmt: skip
# A property (a name, or a dotted path through literal maps; none: the resource itself), what
# it `is` (for `one-of`, one of `values`).
_CFN_CONDITION = {
    "property": Param(str, default=""),
    "is": Param(str, choices=_CFN_PREDICATES),
    "values": Param(list, items=str, default=[]),
}
TEMPLATES["resource-property"] = TemplateSpec(
    _CFN_TEMPLATES,
    {
        "types": Param(list, items=str),
        # Resources for which any of these conditions holds are not tested.
        "unless": Param(list, items=dict, default=[], fields=_CFN_CONDITION),
        "tests": Param(
            list,
            items=dict,
            fields={
                **_CFN_CONDITION,
                "types": Param(list, items=str, default=[]),  # none: the rule's types
                "unless": Param(list, items=dict, default=[], fields=_CFN_CONDITION),
                "message": Param(str, placeholders=("logical_id", "property", "value")),
                "severity": Param(
                    str, default="", choices=("", "low", "medium", "high", "critical")
                ),
                "properties": Param(dict, default={}),  # added to the finding's properties
                "value_property": Param(str, default=""),  # the finding property for `value`
            },
        ),
    },
)
TEMPLATES["security-group-ingress"] = TemplateSpec(
    _CFN_TEMPLATES,
    {
        "ports": Param(list, items=int, default=[]),
        "ports_option": Param(str, default=""),  # a rule option that replaces `ports`
        "every_port": Param(bool, default=False),  # instead: ingress open on every port
        "protocols": Param(list, items=str, default=["tcp", "udp"], choices=("tcp", "udp")),
        "allows": Param(str, placeholders=("ports",)),  # what is open, in the message
        "record": Param(str, default="ports", choices=("port", "ports")),  # the first or all
    },
)
