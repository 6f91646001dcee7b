"""Resources of the same template named in a task definition, written as the text they stand
for. An Amazon ECR repository in a container's image: its RepositoryUri (`!GetAtt
Repo.RepositoryUri`, `${Repo.RepositoryUri}`) is `<account>.dkr.ecr.<region>.amazonaws.com/<name>`
and its Ref is `<name>`: neither carries a tag, so an image written as one of them alone is
pulled by the tag `latest`. An IAM role whose RoleName the template writes: its Ref is that name
and its Arn `arn:<partition>:iam::<account>:role<path><name>`, so a role given by reference and
the same role written out are one (ECS011)."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, sub_variables
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.ecs.fields import UNKNOWN_NAME

ECR_REPOSITORY_TYPE = "AWS::ECR::Repository"
_URI_ATTRIBUTE = "RepositoryUri"
IAM_ROLE_TYPE = "AWS::IAM::Role"
_ARN_ATTRIBUTE = "Arn"
_MAX_DEPTH = 8  # nested intrinsics rewritten, as deep as the evaluator follows them


def with_resource_texts(template: Template, value: Any, depth: int = 0) -> Any:
    """`value` with each Ref or RepositoryUri of an ECR repository of `template`, and each Ref or
    Arn of a role it names, written as the text it stands for (the account and region
    unknown); the rest as it was."""
    call = intrinsic(value)
    if depth > _MAX_DEPTH:
        return value
    if call is None:
        if isinstance(value, list):
            return [with_resource_texts(template, item, depth + 1) for item in value]
        return value
    name, argument = call
    if name == "Fn::Sub":
        return {name: _sub(template, argument, depth)}
    if name in ("Ref", "Fn::GetAtt"):
        text = _resource_text(template, _variable(name, argument))
        return value if text is None else text
    return {name: with_resource_texts(template, argument, depth + 1)}


def _variable(name: str, argument: Any) -> str | None:
    """A Ref or GetAtt as the Fn::Sub variable that says the same (`Repo`, `Repo.RepositoryUri`)."""
    if name == "Ref":
        return argument if isinstance(argument, str) else None
    if isinstance(argument, list) and len(argument) == 2:
        argument = ".".join(str(part) for part in argument)
    return argument if isinstance(argument, str) else None


def _resource_text(template: Template, variable: str | None) -> Any:
    """What `Repo` (the repository's name) or `Repo.RepositoryUri`, `Role` (its name) or
    `Role.Arn` evaluates to; None for any other reference, and for a role whose name or path
    the template does not write (CloudFormation makes one up)."""
    if variable is None:
        return None
    logical_id, _, attribute = variable.partition(".")
    kind = template.resource_type(logical_id)
    if kind == IAM_ROLE_TYPE and attribute in ("", _ARN_ATTRIBUTE):
        return _role_text(template.properties(logical_id), attribute)
    if kind != ECR_REPOSITORY_TYPE or attribute not in ("", _URI_ATTRIBUTE):
        return None
    written = template.properties(logical_id).get("RepositoryName")
    name = written if isinstance(written, str) and written.strip() else UNKNOWN_NAME
    if not attribute:
        return name
    return {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/" + name}


def _role_text(properties: dict, attribute: str) -> Any:
    name, path = properties.get("RoleName"), properties.get("Path", "/")
    if not (isinstance(name, str) and name.strip() and isinstance(path, str)):
        return None
    if not attribute:
        return name
    return {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role" + path + name}


def _sub(template: Template, argument: Any, depth: int) -> Any:
    """A Fn::Sub argument whose repository and role variables are defined in its own map, so
    that the evaluator reads them as their text (a variable the map defines stays its own)."""
    text, variables = argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
        text, variables = argument
    if not isinstance(text, str):
        return argument
    defined = {
        key: with_resource_texts(template, item, depth + 1) for key, item in variables.items()
    }
    for variable in sub_variables(text):
        written = None if variable in defined else _resource_text(template, variable)
        if written is not None:
            defined[variable] = written
    return [text, defined] if defined else text
