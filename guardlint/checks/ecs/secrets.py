"""ECS check of credentials written into a container definition (ECS007): environment entries,
log driver options, and any detect-secrets hit elsewhere in the container. Which names and
values hold a credential is shared knowledge (guardlint.knowledge.credentials, the test of
CFN015); `secrets` and `secretOptions` (valueFrom) and `environmentFiles` hold references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from guardlint.checks.ecs.hits import container_hit, subject
from guardlint.checks.registry import check
from guardlint.documents.ecs.fields import Fields, Resolver
from guardlint.documents.ecs.model import Container, TaskDefinition, task_definition
from guardlint.knowledge.credentials import (
    AWS_CREDENTIAL_VARIABLES,
    as_passed,
    environment_credential,
)
from guardlint.knowledge.secret_names import is_secret_name, name_words
from guardlint.knowledge.secrets import find_secrets, find_secrets_in_words, is_stand_in
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.located import YamlMap, YamlSeq

# Container settings that hold references to secrets, or that this check reads itself.
_NOT_WALKED = frozenset({"environment", "secrets", "environmentfiles"})
_SECRET_OPTIONS = "secretoptions"
_HEADER_OPTION = "header"  # Fluent Bit's http output: `Header <name> <value>`


@check("ECS007")
def secret_in_environment(document: Document, rule: Rule) -> Iterator[Hit]:
    """Environment entries and log options that hard-code a credential, detect-secrets hits
    anywhere in a container; in a template, a secret dynamic reference or NoEcho parameter
    resolved into an environment value (high)."""
    task = task_definition(document)
    log_options = {_spelled_any_way(name) for name in rule.options["log_option_secrets"]}
    for container in task.containers:
        reported: set[Region] = set()
        for found in (
            *_environment(task, container),
            *_log_options(task, container, log_options),
            *_anywhere(task, container),
            *_command_line(task, container),
        ):
            where = found.secret_regions[0] if found.secret_regions else found.region
            if where not in reported:
                reported.add(where)
                yield found


def _environment(task: TaskDefinition, container: Container) -> Iterator[Hit]:
    for _, entry, _ in container.fields.items("environment"):
        if "value" not in entry:
            continue
        name = entry.text("name")
        if name is not None:
            yield from _variable(task, container, entry, name, container.fields.resolver)
            continue
        # A Name on a condition (`!If [Legacy, DB_PASS, DB_PASSWORD]`) that may be a
        # credential's: each deployment's name, with the Value that deployment writes. (Other
        # names' values are judged with the rest of the container: _anywhere.)
        written = entry.raw("name")
        if not any(_credential_name(n) for n in entry.strings("name")):
            continue
        for resolver in container.fields.resolver.deployments([written]):
            names = resolver.strings(written)
            if len(names) == 1 and len(resolver.possible(written)) == 1:
                yield from _variable(task, container, entry, names[0], resolver)


def _credential_name(name: str) -> bool:
    return is_secret_name(name) or name.strip().upper() in AWS_CREDENTIAL_VARIABLES


def _variable(
    task: TaskDefinition, container: Container, entry: Fields, name: str, resolver: Resolver
) -> Iterator[Hit]:
    """The environment entry `name` as `resolver` (one deployment, or all) reads its Value."""
    value = entry.raw("value")
    stored = resolver.stored_secret(value)
    if stored is not None:
        yield container_hit(
            task,
            container,
            f"{subject(task, container)} sets environment variable {name} from {stored}: "
            "CloudFormation resolves it into the task definition, where whoever can "
            "describe the task definition reads it in plaintext; use `secrets` with "
            "valueFrom instead.",
            entry.key_region("value"),
            severity=Severity.HIGH,
            variable=name,
        )
        return
    secret = _credential(resolver, name, value, environment_credential)
    if secret:
        yield _secret_hit(
            task, container, entry, "value",
            f"sets environment variable {name} to a hard-coded credential; pass it with "
            "`secrets` (valueFrom Secrets Manager or SSM Parameter Store) instead",
            secret, variable=name,
        )  # fmt: skip


def _credential(
    resolver: Resolver, name: str, value: Any, test: Callable[[str, Any], str | None]
) -> str | None:
    """The credential `test` finds in `name: value` as written, or in a value it resolves to
    (in a template: a Ref to a parameter's Default, either branch of an Fn::If, a Fn::Sub)."""
    for candidate in (value, *resolver.possible(value)):
        secret = test(name, candidate)
        if secret:
            return secret
    return None


def _secret_hit(
    task: TaskDefinition,
    container: Container,
    holder: Fields,
    key: str,
    what: str,
    secret: str,
    **properties: Any,
) -> Hit:
    hit = container_hit(
        task, container, f"{subject(task, container)} {what}.", holder.key_region(key),
        **properties,
    )  # fmt: skip
    hit.secret_values = (secret,)
    hit.secret_regions = (holder.value_region(key),)
    return hit


def _log_options(task: TaskDefinition, container: Container, names: set[str]) -> Iterator[Hit]:
    """Log driver options named like a credential with a literal value (they belong in
    secretOptions); in a template, one resolved from a secret store or NoEcho parameter (high)."""
    for log in container.fields.maps("logConfiguration"):
        for options in log.maps("options"):
            for key, value in options.data.items():
                option = str(key)
                if _spelled_any_way(option) == _HEADER_OPTION:
                    yield from _header_option(task, container, options, option, names)
                    continue
                if not (_spelled_any_way(option) in names or is_secret_name(option)):
                    continue
                stored = options.resolver.stored_secret(value)
                if stored is not None:
                    yield container_hit(
                        task, container,
                        f"{subject(task, container)} passes log option {option} from {stored}: "
                        "CloudFormation resolves it into the task definition, where whoever "
                        "can describe the task definition reads it in plaintext; use "
                        "`secretOptions` with valueFrom instead.",
                        options.key_region(option), severity=Severity.HIGH, option=option,
                    )  # fmt: skip
                    continue
                secret = _credential(options.resolver, option, value, _literal_option)
                if secret:
                    yield _secret_hit(
                        task, container, options, option,
                        f"passes log option {option} as a literal; move it to `secretOptions` "
                        "(valueFrom Secrets Manager or SSM Parameter Store)",
                        secret, option=option,
                    )  # fmt: skip


def _header_option(
    task: TaskDefinition, container: Container, options: Fields, option: str, names: set[str]
) -> Iterator[Hit]:
    """Fluent Bit's http output `Header <name> <value>`: a header named like a credential
    (`X-API-KEY`, Datadog's `DD-API-KEY`) with a literal value."""

    def header_credential(_: str, text: Any) -> str | None:
        if not isinstance(text, str):
            return None
        header, _, credential = text.strip().partition(" ")
        if not (_spelled_any_way(header) in names or is_secret_name(header)):
            return None
        return _literal_option(header, credential.strip())

    secret = _credential(options.resolver, option, options.raw(option), header_credential)
    if secret:
        yield _secret_hit(
            task, container, options, option,
            f"passes a credential header in log option {option} as a literal; move it to "
            "`secretOptions` (valueFrom Secrets Manager or SSM Parameter Store)",
            secret, option=option,
        )  # fmt: skip


def _spelled_any_way(option: Any) -> str:
    """An option's name in any case and with any separators (`license_key`, `licenseKey` and
    `License-Key` are one name: plugins differ, New Relic's output takes `licenseKey`)."""
    return "".join(name_words(str(option)))


def _literal_option(option: str, value: Any) -> str | None:
    """A log option's literal value (a number as its text), unless it is a stand-in (a
    placeholder, a flag)."""
    value = as_passed(value)
    if isinstance(value, str) and value.strip() and not is_stand_in(option, value):
        return value
    return None


def _anywhere(task: TaskDefinition, container: Container) -> Iterator[Hit]:
    """detect-secrets hits in any other literal text of the container definition."""
    data = container.fields.data
    for key in data:
        if str(key).lower() in _NOT_WALKED:
            continue
        for holder, place, text in _texts(data, key):
            matches = find_secrets(text)
            if matches:
                shown = str(place) if isinstance(holder, YamlMap) else str(key)
                region = _place_region(holder, place, container.anchor)
                hit = container_hit(
                    task,
                    container,
                    f"{subject(task, container)} holds a secret ({matches[0].kind}) in {shown}; "
                    "pass it with `secrets` instead.",
                    region,
                    setting=str(key),
                )
                hit.secret_values, hit.secret_regions = (matches[0].value,), (region,)
                yield hit


def _command_line(task: TaskDefinition, container: Container) -> Iterator[Hit]:
    """Secrets given across the words of the exec-form `entryPoint` and `command` (`[mysql,
    -uroot, -pS3cret]`) or of the health check's command, at the word that holds each."""
    fields = container.fields
    health_checks = [(check, "command") for check in fields.maps("healthCheck")]
    for lines in ([(fields, "entryPoint"), (fields, "command")], *([c] for c in health_checks)):
        words = [(text, region) for holder, key in lines for _, text, region in holder.scalars(key)]
        for word, match in find_secrets_in_words([text for text, _ in words]):
            region = words[word][1]
            hit = container_hit(
                task,
                container,
                f"{subject(task, container)} holds a secret ({match.kind}) in its command "
                "line; pass it with `secrets` instead.",
                region,
                setting="command",
            )
            hit.secret_values, hit.secret_regions = (match.value,), (region,)
            yield hit


def _place_region(holder: Any, place: Any, fallback: Region) -> Region:
    if isinstance(holder, YamlMap):
        return holder.value_region(place)
    if isinstance(holder, YamlSeq):
        return holder.item_region(place)
    return fallback


def _texts(holder: Any, place: Any) -> Iterator[tuple[Any, Any, str]]:
    """(container, key or index, text) of every string under holder[place], but a `Ref`'s
    name and log configurations' secretOptions."""
    pending = [(holder, place)]
    while pending:
        parent, at = pending.pop()
        value = parent[at]
        if isinstance(value, str):
            yield parent, at, value
        elif isinstance(value, dict):
            pending.extend(
                (value, key)
                for key in value
                if key != "Ref" and str(key).lower() != _SECRET_OPTIONS
            )
        elif isinstance(value, list):
            pending.extend((value, index) for index in range(len(value)))
