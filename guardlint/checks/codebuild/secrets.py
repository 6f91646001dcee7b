"""Credentials a build can leak: plaintext environment variables (CBD002), secrets exported
to the pipeline (CBD003), and source credentials written into a project (CBD008). Which names
and values hold a credential is the shared knowledge of every pack
(guardlint.knowledge.credentials and .secrets, the detectors CFN015 uses)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from guardlint.checks.codebuild.hits import buildspec_of, project_hit, project_of
from guardlint.checks.registry import check
from guardlint.documents.cloudformation.secret_sources import (
    resolved_secret_source,
    with_secrets_masked,
)
from guardlint.documents.codebuild.buildspec import PARAMETER_STORE, SECRETS_MANAGER
from guardlint.documents.codebuild.project import (
    PIPELINE_ACTION,
    PROJECT,
    SOURCE_CREDENTIAL,
    Project,
)
from guardlint.knowledge.credentials import (
    AWS_CREDENTIAL_VARIABLES,
    environment_credential,
    looks_secret_name,
)
from guardlint.knowledge.secrets import find_secrets, high_entropy, is_stand_in
from guardlint.model.documents import Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.scalars import value_of

# Stand in for the parts of a location URL that CloudFormation fills in (with_secrets_masked,
# Template.partial_values), so that where they land in the URL can be seen.
_SECRET_PART, _UNKNOWN_PART = "guardlintsecretpart", "guardlintunknownpart"
# Auth types whose Resource names the secret or the connection that holds the credential.
_NAMED_CREDENTIAL_AUTH = frozenset({"SECRETS_MANAGER", "CODECONNECTIONS"})
# What a variable's Value can be written as (a number is passed as its text); not what is
# left of an intrinsic the template cannot resolve.
_LITERAL = (str, int, float)


@check("CBD002")
def plaintext_secret_env(document: Document, rule: Rule) -> Iterator[Hit]:
    """A plaintext variable (buildspec env.variables, a batch build's too, project
    EnvironmentVariables of type PLAINTEXT or none) that holds a credential; in a project, also
    a secret-named one whose value CloudFormation resolves from a secret store or a NoEcho
    parameter (high)."""
    if document.kind == "buildspec":
        buildspec = buildspec_of(document)
        for entry in buildspec.variables():
            stored = buildspec.secret_source(entry.value)
            if stored is not None:
                if _secret_named(entry.name):
                    yield Hit(
                        message=f"{entry.section} sets {entry.name} from {stored}: "
                        "CloudFormation writes the resolved secret into the project's "
                        "buildspec, where the console and BatchGetProjects show it; use "
                        "env.secrets-manager or env.parameter-store.",
                        region=entry.region,
                        resource=buildspec.resource(f"env {entry.name}"),
                        severity=Severity.HIGH,
                        properties={"variable": entry.name},
                    )
                continue
            values = buildspec.deployed_values(entry.value)
            secret = next(
                filter(None, (environment_credential(entry.name, v) for v in values)), None
            )
            if secret:
                yield Hit(
                    message=f"{entry.section} sets {entry.name} to a hard-coded credential: it "
                    "is in the repository and shown in plaintext in the build's environment "
                    "and logs; use env.secrets-manager or env.parameter-store.",
                    region=entry.region,
                    resource=buildspec.resource(f"env {entry.name}"),
                    properties={"variable": entry.name},
                    secret_values=(secret,),
                    secret_regions=(entry.value_region,),
                )
        return
    project = project_of(document)
    if project.type not in (PROJECT, PIPELINE_ACTION):
        return
    for name, variable, deployed in project.plaintext_variables():
        yield from _plaintext_variable(deployed, name, variable)


def _secret_named(name: str) -> bool:
    return looks_secret_name(name) or name in AWS_CREDENTIAL_VARIABLES


# What shows a plaintext variable's value, and what to use instead: a project's, or the
# variables a CodePipeline CodeBuild action gives its builds (its Configuration, which the
# console and GetPipeline show).
_SHOWN = {
    PROJECT: ("the project", "BatchGetProjects", "Type SECRETS_MANAGER or PARAMETER_STORE"),
    PIPELINE_ACTION: ("the pipeline", "GetPipeline", '"type": SECRETS_MANAGER or PARAMETER_STORE'),
}


def _plaintext_variable(project: Project, name: str, variable: dict) -> Iterator[Hit]:
    holder, reader, instead = _SHOWN[project.type]
    value = value_of(variable, "Value")
    secret_named = _secret_named(name)
    where = project.at(variable, "Value")
    stored = resolved_secret_source(project.template, value)
    if stored is not None:
        if secret_named:
            yield project_hit(
                project,
                f"{project.label} sets plaintext variable {name} from {stored}: "
                f"CloudFormation writes the resolved secret into {holder}, where the "
                f"console and {reader} show it; use {instead}.",
                where,
                severity=Severity.HIGH,
                variable=name,
            )
        return
    values = project.template.possible_values(value)
    for text in values:
        secret = environment_credential(name, text) if isinstance(text, _LITERAL) else None
        if secret:
            yield project_hit(
                project,
                f"{project.label} sets plaintext variable {name} to a hard-coded credential: "
                f"anyone who can read the template or {holder} can use it; use {instead}.",
                where,
                secret=secret,
                secret_region=project.value_at(variable, "Value"),
                variable=name,
            )
            return


@check("CBD003")
def secret_exported_variable(document: Document, rule: Rule) -> Iterator[Hit]:
    """An exported variable that holds a stored secret, or whose name looks secret."""
    buildspec = buildspec_of(document)
    stored = {
        entry.name: section
        for section in (PARAMETER_STORE, SECRETS_MANAGER)
        for entry in buildspec.entries(section)
    }
    for name, region in buildspec.exported():
        if name in stored:
            why = f"it holds the env.{stored[name]} secret {name}"
        elif _secret_named(name):
            why = f"{name} is named like a secret"
        else:
            continue
        yield Hit(
            message=f"env.exported-variables exports {name}, and {why}: exported variables "
            "become CodePipeline output variables, shown in plaintext in the pipeline's "
            "execution history.",
            region=region,
            resource=buildspec.resource(f"env {name}"),
            properties={"variable": name},
        )


@check("CBD008")
def source_credentials_exposed(document: Document, rule: Rule) -> Iterator[Hit]:
    """Credentials in a source location URL, a literal Source.Auth.Resource, or a literal
    AWS::CodeBuild::SourceCredential Token."""
    project = project_of(document)
    if project.type == SOURCE_CREDENTIAL:
        yield from _source_credential_token(project)
        return
    for path, source in project.sources():
        secret = next(filter(None, map(_url_credential, project.strings(source, "Location"))), None)
        filled = None if secret else _filled_url_credential(project, value_of(source, "Location"))
        if secret or filled:
            readers = "the deployed project" if filled else "the template or the project"
            yield project_hit(
                project,
                f"{project.label} has credentials in its {path} location URL"
                + (f" ({filled})" if filled else "")
                + f": anyone who can read {readers} can use them; connect the repository "
                "with a source credential or a CodeConnections connection.",
                project.at(source, "Location"),
                severity=Severity.HIGH if filled else None,
                secret=secret,
                source=path,
            )
        for auth in project.maps(source, "Auth"):
            yield from _auth_resource(project, path, auth)


def _auth_resource(project: Project, path: str, auth: dict) -> Iterator[Hit]:
    types = {kind.strip().upper() for kind in project.strings(auth, "Type")}
    if types and types <= _NAMED_CREDENTIAL_AUTH:
        return
    if resolved_secret_source(project.template, value_of(auth, "Resource")):
        return
    for resource in project.strings(auth, "Resource"):
        if not is_stand_in("Resource", resource):
            yield project_hit(
                project,
                f"{project.label} writes the {path} Auth Resource (an OAuth token) as a "
                "literal: anyone who can read the template or the project can use it.",
                project.at(auth, "Resource"),
                secret=resource,
                source=path,
            )
            return


def _source_credential_token(project: Project) -> Iterator[Hit]:
    token = value_of(project.props, "Token")
    if resolved_secret_source(project.template, token):
        return
    for text in project.template.resolved_strings(token):
        if not is_stand_in("Token", text):
            yield project_hit(
                project,
                f"{project.label} writes its Token as a literal: anyone who can read the "
                "template can use it; take it from a dynamic reference to Secrets Manager "
                "or a NoEcho parameter.",
                project.at(project.props, "Token"),
                secret=text,
            )
            return


def _url_credential(location: str) -> str | None:
    """The credential a source URL carries: `https://user:password@`, or a token as the user
    (`https://ghp_...@github.com`); a plain user name (`https://me@bitbucket.org`) is none."""
    user, password = _userinfo(location)
    if password and not is_stand_in("password", password):
        return password
    if user and not is_stand_in("token", user) and _token_like(user):
        return user
    return None


def _filled_url_credential(project: Project, location: object) -> str | None:
    """Where the credential of a location URL comes from when CloudFormation fills it in: a
    secret (NoEcho parameter, secret dynamic reference) as its user or password, which the
    deployed project then shows in plaintext, or a password given at deployment."""
    if location is None:
        return None
    masked = with_secrets_masked(project.template, location, _SECRET_PART)
    for text in project.template.partial_values(masked, _UNKNOWN_PART):
        user, password = _userinfo(text) if isinstance(text, str) else ("", "")
        if _SECRET_PART in user + password:
            return f"from {resolved_secret_source(project.template, location)}, resolved into it"
        if _UNKNOWN_PART in password:
            return "a password given at deployment"
    return None


def _userinfo(location: str) -> tuple[str, str]:
    """The user and password of an http(s) URL ("" for what it lacks)."""
    try:
        parts = urlsplit(location.strip())
    except ValueError:
        return "", ""
    if parts.scheme.lower() not in ("http", "https") or "@" not in parts.netloc:
        return "", ""
    user, _, password = parts.netloc.rpartition("@")[0].partition(":")
    return user, password


def _token_like(text: str) -> bool:
    return bool(find_secrets(text)) or (len(text) >= 20 and high_entropy(text))
