"""Python checks of the secrets pack (rules/secrets.yaml), and the pack's answer to the engine
(guardlint.engine.hooks). The engine imports this module to ask before any check runs: it
imports nothing heavy."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule

# SEC001 searches every file's text for secrets.
FILE_TEXT_RULE = "SEC001"
# Lines that take the secret search down each of its paths: detect-secrets' detectors, the
# vendors' tokens, passwords on command lines, in their headers and piped into them,
# connection strings, JSON escapes, and a line too long for the one-search gate. Their values
# are stand-ins.
_EVERY_PATH = (
    'password: "h7Fq2LxR9mWp"',
    "token=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 AKIAZ3MSJV2WKNX7PLQE",
    'curl -u admin:h7Fq2LxR9mWp -H "Authorization: Basic YWRtaW46aDdGcTJMeFI5bVdw" x',
    "mysql -u root -ph7Fq2LxR9mWp && echo h7Fq2LxR9mWp | docker login -u me --password-stdin",
    "DATABASE_URL=postgres://app:h7Fq2LxR9mWp@db:5432/app",
    '{"api_key": "h7Fq\\u0032LxR9mWp"}',
    "password=h7Fq2LxR9mWp " + "curl x " * 600,
)


def search_every_path() -> None:
    """Load what the secret search loads as it first goes down each of its paths: the
    libraries and the patterns, 60-80 ms of a process's CPU on a Kubernetes tree."""
    from guardlint.knowledge.secret_lines import scan_lines

    list(scan_lines(_EVERY_PATH))


def loaded_before_workers(
    source: SourceFile, content: bytes, rules: Mapping[str, Rule]
) -> Callable[[], None] | None:
    """The secret search, while SEC001 reads every file: loaded once before the workers fork,
    which inherit it, instead of in each process (the few files a scan works on before the
    fork seldom hold a secret)."""
    return search_every_path if FILE_TEXT_RULE in rules else None
