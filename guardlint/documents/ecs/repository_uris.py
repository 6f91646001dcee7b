"""An Amazon ECR repository of the same template named in a container's image. Its RepositoryUri
(`!GetAtt Repo.RepositoryUri`, `${Repo.RepositoryUri}`) is
`<account>.dkr.ecr.<region>.amazonaws.com/<name>` and its Ref is `<name>`: neither carries a
tag, so an image written as one of them alone is pulled by the tag `latest`."""

from __future__ import annotations

from typing import Any

from guardlint.documents.cloudformation.intrinsics import intrinsic, sub_variables
from guardlint.documents.cloudformation.template import Template
from guardlint.documents.ecs.fields import UNKNOWN_NAME

ECR_REPOSITORY_TYPE = "AWS::ECR::Repository"
_URI_ATTRIBUTE = "RepositoryUri"
_MAX_DEPTH = 8  # nested intrinsics rewritten, as deep as the evaluator follows them


def with_repository_uris(template: Template, value: Any, depth: int = 0) -> Any:
    """`value` with each Ref or RepositoryUri of an ECR repository of `template` written as the
    text it stands for (the account and region unknown); the rest as it was."""
    call = intrinsic(value)
    if depth > _MAX_DEPTH:
        return value
    if call is None:
        if isinstance(value, list):
            return [with_repository_uris(template, item, depth + 1) for item in value]
        return value
    name, argument = call
    if name == "Fn::Sub":
        return {name: _sub(template, argument, depth)}
    if name in ("Ref", "Fn::GetAtt"):
        text = _repository_text(template, _variable(name, argument))
        return value if text is None else text
    return {name: with_repository_uris(template, argument, depth + 1)}


def _variable(name: str, argument: Any) -> str | None:
    """A Ref or GetAtt as the Fn::Sub variable that says the same (`Repo`, `Repo.RepositoryUri`)."""
    if name == "Ref":
        return argument if isinstance(argument, str) else None
    if isinstance(argument, list) and len(argument) == 2:
        argument = ".".join(str(part) for part in argument)
    return argument if isinstance(argument, str) else None


def _repository_text(template: Template, variable: str | None) -> Any:
    """What `Repo` (the repository's name) or `Repo.RepositoryUri` evaluates to; None for any
    other reference."""
    if variable is None:
        return None
    logical_id, _, attribute = variable.partition(".")
    if attribute not in ("", _URI_ATTRIBUTE):
        return None
    if template.resource_type(logical_id) != ECR_REPOSITORY_TYPE:
        return None
    written = template.properties(logical_id).get("RepositoryName")
    name = written if isinstance(written, str) and written.strip() else UNKNOWN_NAME
    if not attribute:
        return name
    return {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/" + name}


def _sub(template: Template, argument: Any, depth: int) -> Any:
    """A Fn::Sub argument whose repository variables are defined in its own map, so that the
    evaluator reads them as the repository's text (a variable the map defines stays its own)."""
    text, variables = argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
        text, variables = argument
    if not isinstance(text, str):
        return argument
    defined = {
        key: with_repository_uris(template, item, depth + 1) for key, item in variables.items()
    }
    for variable in sub_variables(text):
        repository = None if variable in defined else _repository_text(template, variable)
        if repository is not None:
            defined[variable] = repository
    return [text, defined] if defined else text
