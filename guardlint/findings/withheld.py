"""A hit with its details withheld: all a report shows of it when nothing can vouch that its
text is free of the file's secrets. That is when the file's secret rules did not finish (the
redactor does not know every secret: guardlint.engine.evaluation), or when the file's time ran
out before its findings were made (guardlint.engine.making). It keeps the rule, severity and
region, which say nothing the file says; its message is fixed, its resource names the place
by what the engine knows of it, and its fingerprint hashes the rule, path, resource and region
instead of the line."""

from __future__ import annotations

from guardlint.model.findings import Hit
from guardlint.model.rules import Rule

DETAILS_WITHHELD = "detailsWithheld"
SECRETS_UNKNOWN = "the secret rules did not finish on this file within its time budget"
OUT_OF_TIME = "the file's time budget ran out before its findings were made"
# A suppression's reason, which the file writes, when the file's secrets are not all known.
WITHHELD_REASON = f"withheld because {SECRETS_UNKNOWN}"


def withheld(rule: Rule, hit: Hit, resource: str, because: str = SECRETS_UNKNOWN) -> Hit:
    """`hit` of `rule` without its message, resource, properties or line; `resource` must
    name nothing the file says."""
    region = hit.region
    where = f"{region.start_line}:{region.start_column}-{region.end_line}:{region.end_column}"
    return Hit(
        f"{rule.id} ({rule.name}) found a problem here; its details are withheld because "
        f"{because}.",
        region,
        resource,
        severity=hit.severity,
        properties={DETAILS_WITHHELD: True},
        fingerprint_key=f"details withheld at {where}",
        rel_path=hit.rel_path,
    )
