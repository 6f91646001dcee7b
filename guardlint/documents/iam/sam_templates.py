"""The policies AWS SAM's policy templates make. A `Policies` entry of a SAM function or state
machine such as `S3ReadPolicy: {BucketName: data}` becomes the template's statements, each
`Ref` of a parameter replaced by the value given for it, as the SAM transform expands it
(guardlint.knowledge.sam_policy_templates).

Only the statements that take a parameter are judged: their resources are the user's choice
(`BucketName: "*"` reads every object of every bucket). Those that take none are AWS's, the same
in every function (VPCAccessPolicy's network interfaces on `*`), and so is the text of every
statement: the validity rules leave a policy template's document alone (`WRITTEN_BY_SAM`).
"""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic
from guardlint.knowledge.sam_policy_templates import policy_templates
from guardlint.model.documents import Region
from guardlint.parse.located import YamlMap, YamlSeq

# document.meta key: the name of the SAM policy template that wrote the policy.
WRITTEN_BY_SAM = "sam_policy_template"


def template_policy(entry: Any) -> tuple[str, YamlMap] | None:
    """(template name, the policy it makes) for a `Policies` entry naming a policy template
    with a value for each of its parameters (SAM rejects it otherwise), when a statement of
    it takes one; the policy is located at the entry's key, a value given at its own place."""
    if not isinstance(entry, YamlMap) or len(entry) != 1 or intrinsic(entry):
        return None
    ((name, given),) = entry.items()
    template = policy_templates().get(name) if isinstance(name, str) else None
    if not isinstance(template, dict) or not isinstance(given, dict) or intrinsic(given):
        return None
    parameters = template.get("Parameters", {})
    if not parameters or any(parameter not in given for parameter in parameters):
        return None
    region = entry.key_region(name)
    statements = YamlSeq(region)
    for statement in template.get("Definition", {}).get("Statement", []):
        if _takes_parameter(statement, parameters):
            statements.append(_located(statement, given, parameters, region))
            statements.item_regions.append(region)
    if not statements:
        return None
    policy = YamlMap(region)
    policy["Version"] = "2012-10-17"
    policy["Statement"] = statements
    return name, policy


def _takes_parameter(value: Any, parameters: dict[str, Any]) -> bool:
    call = intrinsic(value)
    if call is not None and call[0] == "Ref" and call[1] in parameters:
        return True
    if isinstance(value, dict):
        return any(_takes_parameter(item, parameters) for item in value.values())
    if isinstance(value, list):
        return any(_takes_parameter(item, parameters) for item in value)
    return False


def _located(value: Any, given: dict, parameters: dict[str, Any], region: Region) -> Any:
    """The template's value as located nodes at `region`, with the given values (as written,
    with their own regions) in place of the parameters' `Ref`s."""
    call = intrinsic(value)
    if call is not None and call[0] == "Ref" and call[1] in parameters:
        return given[call[1]]
    if isinstance(value, dict):
        node = YamlMap(region)
        for key, item in value.items():
            node[key] = _located(item, given, parameters, region)
        return node
    if isinstance(value, list):
        sequence = YamlSeq(region)
        for item in value:
            sequence.append(_located(item, given, parameters, region))
            sequence.item_regions.append(region)
        return sequence
    return value
