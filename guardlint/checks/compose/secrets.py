"""Compose check of secrets written into a service (environment, build arguments, any value)."""

from __future__ import annotations

from collections.abc import Iterator

from guardlint.checks.registry import check
from guardlint.documents.compose import environment_entries, services, string_values
from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.secrets import find_secrets
from guardlint.model import Document, Hit, Rule


@check("CMP007")
def secret_in_environment(document: Document, rule: Rule) -> Iterator[Hit]:
    """A literal value under a secret-looking environment or build-argument name (an
    interpolation default counts, `${VAR}` does not), or a known credential format in any
    string of the service; one finding per line."""
    for service in services(document):
        reported: set[int] = set()
        # Interpolated: `${VAR}` is not a literal; `${VAR:-s3cret}` is.
        for variable, value, written, region, value_region in environment_entries(
            document, service
        ):
            if is_literal_credential(variable, value):
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
            for match in find_secrets(text):
                reported.add(region.start_line)
                yield Hit(
                    message=f"Service {service.name} holds a hard-coded {match.kind}; anyone "
                    "who can read the file can use it.",
                    region=region,
                    resource=service.resource,
                    properties={"secretType": match.kind},
                    secret_values=(match.value,),
                    secret_regions=(written,),
                )
