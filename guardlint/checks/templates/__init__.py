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
        "also_settings": Param(list, items=str, default=[]),
        "listed_in": Param(str, default=""),
        "message": Param(str, placeholders=("service", "entry", "written", "meaning")),
        "property": Param(str),
    },
)
TEMPLATES["service-mount"] = TemplateSpec(
    "guardlint.checks.templates.compose",
    {
        "paths": Param(list, items=str, default=[]),
        "trees": Param(list, items=str, default=[]),
        # options whose paths' parent directories count too (a mount of /var holds /var/lib/x)
        "holders_of": Param(list, items=str, default=[]),
        "file_names": Param(list, items=str, default=[]),
        "directory_names": Param(list, items=str, default=[]),
        "harmless": Param(list, items=str, default=[]),
        "message": Param(str, placeholders=("service", "path", "access")),
        "read_only_access": Param(str, default=""),
        "writable_access": Param(str, default=""),
        "read_only_severity": Param(str, default=""),
        "records_read_only": Param(bool, default=False),
    },
)

# -- IAM (guardlint/checks/templates/iam.py) ---------------------------------------------------
# The action lists are rule options (a user's config may change them); these params name them.
TEMPLATES["policy-grants-actions"] = TemplateSpec(
    "guardlint.checks.templates.iam",
    {
        # the rule option listing the actions (patterns with wildcards) to report
        "actions": Param(str),
        # fields {where} (the statement), {actions} (the actions found), {partners} (the clause)
        "message": Param(str, placeholders=("where", "actions", "partners")),
        # the option listing actions that count only next to another action of the list
        "paired_only": Param(str, default=""),
        # the option listing sets of actions that count when the policy grants all of each
        "combinations": Param(str, default=""),
        # the option listing actions of the list another rule reports (one finding per grant)
        # an action that matters more when the policy also grants one of the option `partners`
        "partners_of": Param(str, default=""),
        "partners": Param(str, default=""),
        # the {partners} field of the message then; its own field {partners} lists them
        "partners_clause": Param(str, default="", placeholders=("partners",)),
        # the finding property listing the partners (empty when partners_of is not granted)
        "partners_property": Param(str, default=""),
        # the option mapping action patterns to condition keys: those actions do not count in
        # a statement whose Condition pins one of the keys (kms:Decrypt with kms:ViaService)
        "limited_by": Param(str, default=""),
    },
)

# Dockerfile (guardlint/checks/templates/dockerfile.py).
_DOCKERFILE = "guardlint.checks.templates.dockerfile"
TEMPLATES["image-reference"] = TemplateSpec(
    _DOCKERFILE,
    {
        "require_digest": Param(bool, default=False),
        "mutable_tags": Param(list, items=str, default=["latest"]),
        "untagged": Param(str, default=""),
        "mutable": Param(str, default=""),
        "message": Param(str, placeholders=("stage", "image", "reason")),
    },
)
TEMPLATES["run-command"] = TemplateSpec(
    _DOCKERFILE,
    {
        "commands": Param(list, items=str),
        "as_wrapper": Param(bool, default=False),
        "alone": Param(bool, default=False),
        "message": Param(str, placeholders=("stage", "command")),
    },
)
TEMPLATES["copy-source"] = TemplateSpec(
    _DOCKERFILE,
    {
        "instructions": Param(list, items=str),
        "source_matches": Param(str, default=""),
        "source_not_matches": Param(str, default=""),
        "context_only": Param(bool, default=True),
        "unless_flag": Param(str, default=""),
        "unless_dockerignore": Param(bool, default=False),
        "property": Param(str, default=""),
        "message": Param(str, placeholders=("keyword", "stage", "source")),
    },
)
TEMPLATES["exposed-port"] = TemplateSpec(
    _DOCKERFILE,
    {
        "ports": Param(list, items=int),
        "message": Param(str, placeholders=("value", "stage", "port")),
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
        "message": Param(str, placeholders=("container",)),
        "message_when_unset": Param(str, default="", placeholders=("container",)),
    },
)
TEMPLATES["container-image"] = TemplateSpec(
    "guardlint.checks.templates.kubernetes",
    {
        "tags": Param(list, items=str),
        "message": Param(str, placeholders=("container", "image", "tag")),
        "message_when_untagged": Param(str, default="", placeholders=("container", "image", "tag")),
    },
)

# -- CloudFormation (guardlint/checks/templates/cloudformation.py) ----------------------------

_CFN_TEMPLATES = "guardlint.checks.templates.cloudformation"
# What documents/cloudformation/sam_made.py reads (not imported: this catalogue stays light).
_SAM_MAKERS = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
_CFN_PREDICATES = ("present", "missing", "true", "false", "false-or-missing",
                   "empty-or-missing", "set", "one-of", "non-empty-list")  # fmt: skip
# A property (a name, or a dotted path through maps, each maybe behind Fn::If; none: the
# resource itself), what it `is` (for `one-of`, one of `values`).
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
        # Also test the resources of `types` that the SAM transform makes for SAM functions and
        # state machines, with no properties (documents/cloudformation/sam_made.py).
        "sam_made": Param(bool, default=False),
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
    resource_types=lambda params: [*params["types"], *(_SAM_MAKERS if params["sam_made"] else ())],
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
    # guardlint.documents.cloudformation.ingress: inline and standalone ingress rules
    resource_types=lambda params: ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
)
