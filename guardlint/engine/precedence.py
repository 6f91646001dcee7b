"""Findings that give way to more specific ones.

A rule with `defers_to_specific_secret_rules: true` (rules/secrets.yaml: the generic secret
detector) is not reported on a line where another rule already reported a secret: a secret
rule (category `.../HardcodedSecret`), or a credential rule (threat purpose CredentialAccess)
that named the secret values it found there (a CloudFormation parameter's Default, each key of
a Kubernetes Secret). A code rule
that names a password (bandit's, on a Lambda function's code) is neither, so the generic
finding stays beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from guardlint.model.documents import Document, ResourceName
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.text import printable

_SECRET_CATEGORY_SUFFIX = "/HardcodedSecret"
_CREDENTIALS = "CredentialAccess"

# A hit, its rule, the lines it points into, the stable names of its document's generated IDs
# (guardlint.model.documents.ResourceName) and its document (None: the engine's note on the
# file).
RuleHit = tuple[Rule, Hit, list[str], Mapping[str, ResourceName], Document | None]


def without_deferred(hits: list[RuleHit], rel_path: str) -> list[RuleHit]:
    """`hits` but those that defer to a more specific finding on their line, told before their
    findings are made (the finding of each would be at `printable(hit.rel_path or rel_path)`,
    on the hit's first line, in its rule's category): a file of 250,000 secrets made a generic
    finding beside each specific one, to drop it."""
    reported: set[tuple[str, int]] = set()
    for rule, hit, *_ in hits:
        if rule.defers_to_specific_secret_rules:
            continue
        if hit.secret_values and rule.threat_purpose == _CREDENTIALS:
            # Every line a secret it found starts on: a Secret manifest is one finding for many
            # keys. Only the first line: a secret found inside a block scalar (Lambda code) starts
            # at the block, and the generic finding on the secret's own line stays.
            path = hit.rel_path or rel_path
            reported.update((path, r.start_line) for r in (hit.region, *hit.secret_regions))
        if rule.category.endswith(_SECRET_CATEGORY_SUFFIX):
            reported.add((printable(hit.rel_path or rel_path), hit.region.start_line))
    return [
        rule_hit
        for rule_hit in hits
        if not rule_hit[0].defers_to_specific_secret_rules
        or (printable(rule_hit[1].rel_path or rel_path), rule_hit[1].region.start_line)
        not in reported
    ]
