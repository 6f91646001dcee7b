"""GitHub code scanning's limits on an uploaded SARIF log, as its documentation states them
("SARIF support for code scanning" and "SARIF results exceed one or more limits"), and how
guardlint's log keeps within those it can reach: text cut, tags capped, and a warning for what
only the user can change (how many findings a scan reports).

A custom rule pack is data from whoever wrote it (the scanned repository, maybe), so its names
and texts can be any length: a descriptor over a limit would get the whole upload rejected.
"""

from __future__ import annotations

import gzip

from guardlint.model.findings import Finding
from guardlint.model.rules import Rule
from guardlint.report.shorten import shorten

MAX_RULE_NAME = 255  # reportingDescriptor.name
MAX_DESCRIPTION = 1024  # shortDescription.text and fullDescription.text
# More than 20 tags on a rule reject the upload, and GitHub keeps only 10 of them.
MAX_TAGS = 10
# Per run: more rules or results reject the upload. Of the results GitHub stores only the
# 5,000 it ranks first by severity.
MAX_RULES = 25_000
MAX_RESULTS = 25_000
STORED_RESULTS = 5_000
# Per result: `locations` holds at most 10 (GitHub reads the first); locations of every kind
# (related ones too) past 1,000 reject the upload, past 100 are not shown.
MAX_RESULT_LOCATIONS = 10
SHOWN_LOCATIONS = 100
MAX_LOCATIONS = 1_000
MAX_GZIPPED_BYTES = 10_000_000  # 10 MB: the log as uploaded, gzip-compressed

MORE = " \u2026"  # " …": the text goes on in the rule's help


def description(text: str) -> str:
    """`text` within GitHub's limit: its longest head that ends a sentence (or a word, when the
    first sentence is too long), then an ellipsis. The rule's help keeps the whole text."""
    return shorten(text, MAX_DESCRIPTION, MORE)


def rule_name(name: str) -> str:
    """A kebab-case name within GitHub's limit, cut after a whole word."""
    if len(name) <= MAX_RULE_NAME:
        return name
    head = name[: MAX_RULE_NAME - len(MORE.strip())]
    return (head.rsplit("-", 1)[0] if "-" in head else head) + MORE.strip()


def tags(values: list[str]) -> list[str]:
    """The first MAX_TAGS distinct tags, in order (the general ones come first)."""
    return list(dict.fromkeys(values))[:MAX_TAGS]


def described_rules(rules: list[Rule], findings: list[Finding], every: bool) -> list[Rule]:
    """The rules a log describes: those that fired or, when asked, `every` one, unless that is
    more descriptors than GitHub takes (with those of the fired rules' other severities)."""
    used = {finding.rule_id for finding in findings}
    fired = [rule for rule in rules if rule.id in used]
    if not every:
        return fired
    variants = {(f.rule_id, f.severity) for f in findings} - {(r.id, r.severity) for r in fired}
    return rules if len(rules) + len(variants) <= MAX_RULES else fired


def all_rules_warnings(rules: list[Rule], findings: list[Finding]) -> list[str]:
    """Why a log asked to describe every rule describes only those that fired, if it does."""
    if len(described_rules(rules, findings, every=True)) == len(rules):
        return []
    return [
        f"--sarif-all-rules: GitHub code scanning rejects a log of more than {MAX_RULES:,} "
        "rules; this one lists only the rules that fired"
    ]


def upload_warnings(results: int, log: str | bytes) -> list[str]:
    """What GitHub code scanning would refuse or leave out of this log (`results` of them): the
    log itself keeps every finding."""
    warnings = []
    remedy = (
        "report fewer findings (--severity, --rule, --skip-rule), or scan slices "
        "(--shard K/N) and upload each under its own category"
    )
    if results > MAX_RESULTS:
        warnings.append(
            f"the SARIF log holds {results:,} results: GitHub code scanning rejects an upload "
            f"of more than {MAX_RESULTS:,}; {remedy}"
        )
    elif results > STORED_RESULTS:
        warnings.append(
            f"the SARIF log holds {results:,} results: GitHub code scanning stores only the "
            f"{STORED_RESULTS:,} it ranks first by severity; {remedy}"
        )
    data = log.encode("utf-8") if isinstance(log, str) else log
    if len(data) > 0.99 * MAX_GZIPPED_BYTES:  # gzip grows no text by 1%
        size = len(gzip.compress(data, compresslevel=6))  # zlib's default level
        if size > MAX_GZIPPED_BYTES:
            warnings.append(
                f"the SARIF log is {size:,} bytes gzip-compressed: GitHub code scanning rejects "
                f"an upload of more than {MAX_GZIPPED_BYTES:,}"
            )
    return warnings
