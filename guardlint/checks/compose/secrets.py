"""Compose check of secrets written into a service (environment, build arguments, any value)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import (
    Service,
    environment_entries,
    exec_commands,
    services,
    string_values,
)
from guardlint.documents.compose_env import env_file_variables, env_files
from guardlint.documents.dependencies import note_unread
from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.secrets import SecretMatch, find_secrets, find_secrets_in_words
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.compose_interpolation import without_variables


@check("CMP007")
def secret_in_environment(document: Document, rule: Rule) -> Iterator[Hit]:
    """A literal value under a secret-looking environment or build-argument name (an
    interpolation default counts, `${VAR}` does not), or a known credential format in any
    string of the service, or either in an environment file it loads; one finding per line."""
    env_file_secrets: dict[str, list[str]] = {}
    # (name, value) -> whether it is a literal credential: the entries of a block merged into
    # many services are judged once, not once per service.
    judged: dict[tuple[str, str], bool] = {}
    for service in services(document):
        reported: set[int] = set()
        # Interpolated: `${VAR}` is not a literal; `${VAR:-s3cret}` is.
        for variable, value, written, region, value_region in environment_entries(
            document, service
        ):
            entry = (variable, value)
            if entry not in judged:
                judged[entry] = is_literal_credential(variable, value)
            if judged[entry]:
                reported.add(region.start_line)
                yield Hit(
                    message=f"Service {service.name} sets {variable} to a literal secret; "
                    "anyone who can read the file or inspect the container can read it.",
                    region=region,
                    resource=service.resource,
                    properties={"variable": variable},
                    secret_values=(written, value),
                    secret_regions=(value_region,),
                )
        for text, written in string_values(service.definition):
            region = service.located(written)
            if region.start_line in reported:
                continue
            for match in find_secrets(without_variables(text)):
                reported.add(region.start_line)
                yield _found_secret(service, match, region, written)
        yield from _command_line_secrets(service, reported)
        yield from _env_file_secrets(document, service, reported, env_file_secrets)


def _env_file_secrets(
    document: Document, service: Service, reported: set[int], known: dict[str, list[str]]
) -> Iterator[Hit]:
    """The literal secrets of each environment file the service loads (`env_file`), found as
    in `environment`, at the entry that names the file. `known`: the names of the secrets of
    each file read already (by path), so that a file many entries name is read once."""
    for path, region in env_files(service):
        if region.start_line in reported:
            continue
        where = posixpath.normpath(path)
        if where not in known:
            env = env_file_variables(document.source, where)
            if env.unread:  # past a limit: said once, where the file is first named
                note_unread(document, region, f"env_file {path} {env.unread}")
            known[where] = [
                name
                for name, value in (env.variables or {}).items()
                if is_literal_credential(name, value) or any(find_secrets(value))
            ]
        if not known[where]:
            continue
        reported.add(region.start_line)
        yield Hit(
            message=f"Service {service.name} loads {', '.join(known[where])} from env_file "
            f"{path}, which holds a literal secret; anyone who can read the repository or "
            "inspect the container can read it.",
            region=region,
            resource=service.resource,
            # The values are written in the other file only: nothing here shows them.
            properties={"envFile": path, "variables": known[where]},
        )


def _command_line_secrets(service: Service, reported: set[int]) -> Iterator[Hit]:
    """Secrets given across the words of an exec-form command (`--requirepass`, then the
    password as the next word; the entrypoint's program, then the command's options), at the
    word that holds each."""
    for lists in exec_commands(service):
        words = [
            (seq, index, str(without_variables(word)))
            for seq in lists
            for index, word in enumerate(seq)
        ]
        for word, match in find_secrets_in_words([text for _, _, text in words]):
            seq, index, _ = words[word]
            region = service.sites.value_region(seq, index) or service.region
            if region.start_line in reported:
                continue
            reported.add(region.start_line)
            yield _found_secret(service, match, region, seq.item_region(index))


def _found_secret(service: Service, match: SecretMatch, region: Region, written: Region) -> Hit:
    """A known credential format found in the service: at `region`, written at `written`."""
    return Hit(
        message=f"Service {service.name} holds a hard-coded {match.kind}; anyone who can read "
        "the file can use it.",
        region=region,
        resource=service.resource,
        properties={"secretType": match.kind},
        secret_values=(match.value,),
        secret_regions=(written,),
    )
