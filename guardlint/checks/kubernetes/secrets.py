"""Kubernetes checks on secrets in manifests: literals in containers and objects, and
Secret manifests committed with their values.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from guardlint.checks.kubernetes.hits import where
from guardlint.checks.kubernetes.literal_names import (
    FLAG_ASSIGNMENT,
    LiteralNames,
    generator_literal,
)
from guardlint.checks.kubernetes.values import meta
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import Container, containers, mapping
from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.placeholders import is_placeholder
from guardlint.knowledge.remembered import LongTexts
from guardlint.knowledge.secret_names import may_name_a_secret
from guardlint.knowledge.secrets import SecretMatch, find_secrets, find_secrets_in_words
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import region_of


def _text_region(document: Document, region: Region, text: str) -> Region:
    """The line of `text` inside a (possibly multi-line) value, so SEC001 and this rule agree."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    for line in range(region.start_line, (region.end_line or region.start_line) + 1):
        column = document.line_text(line).find(first) if first else -1
        if column >= 0:
            return Region(line, column + 1, line, column + 1 + len(first))
    return region


def _strings(value: Any, skip: set[int]) -> Iterator[tuple[str, Any, Any]]:
    """Every string scalar under `value` (not under a map whose id is in `skip`), with the
    container and key it sits at, in document order. Walked with a stack of iterators, not
    nested generators: each string would pass up through one generator per level."""
    if id(value) in skip or not isinstance(value, (dict, list)):
        return
    stack = [iter(value.items()) if isinstance(value, dict) else enumerate(value)]
    holders = [value]
    while stack:
        for key, child in stack[-1]:
            if isinstance(child, str):
                yield child, holders[-1], key
            elif isinstance(child, (dict, list)) and id(child) not in skip:
                stack.append(iter(child.items()) if isinstance(child, dict) else enumerate(child))
                holders.append(child)
                break
        else:
            stack.pop()
            holders.pop()


def _value_region(holder: Any, key: Any) -> Region:
    if hasattr(holder, "value_region"):
        return holder.value_region(key)
    return region_of(holder, key) or Region(1)


def _secret_hits(
    document: Document,
    value: Any,
    resource: str,
    subject: str,
    skip: set[int],
    names: LiteralNames,
    container: Container | None = None,
) -> Iterator[Hit]:
    """A container's findings are where it uses each value (a YAML alias may bring it from
    elsewhere); the secret's region stays where its text is written."""
    for text, holder, key in _strings(value, skip):
        name = names.named(holder, key, text)
        # The literal matters only under a name (most strings have none: no match for them).
        flag = FLAG_ASSIGNMENT.match(text) if name and isinstance(holder, list) else None
        literal = flag.group("value") if flag else text
        if name and names.generator_literals(holder):
            literal = (generator_literal(text) or (name, text))[1]
        credential = bool(name) and is_literal_credential(name, literal)
        settings: list[Hit] = []
        if not credential and name and "\n" in text and meta(document, "kind") == "ConfigMap":
            settings = list(_settings_hits(document, text, holder, key, resource, subject))
            yield from settings
        # An HTTP header's name and value (a probe's httpHeaders) read as the header's line.
        header = f"{name}: {text}" if name and name.lower() == "authorization" else text
        found = [] if credential else find_secrets(header)
        if not (credential or found):
            continue  # most values: their regions are never asked for
        region = _value_region(holder, key)
        used = container.value_region(holder, key) if container else region
        if credential:
            yield Hit(
                message=f"{subject} sets {name} to a literal secret; anyone who can read the "
                "manifest (or the object in the cluster) has it.",
                region=_text_region(document, used, literal) if "\n" in literal else used,
                resource=resource,
                properties={"name": name},
                secret_values=(literal,),
                secret_regions=(region,),
            )
            continue
        said = [value for hit in settings for value in hit.secret_values]
        for match in found:
            if not any(value in match.value or match.value in value for value in said):
                yield _plain_text_hit(document, subject, resource, match, used, region)


# A settings file's line: `name=value` (properties, .env, with `export`), `name: value` (YAML),
# `"name": "value",` (JSON), `name = value` (INI, TOML). The name runs to the first `=` or `:`;
# no part of the pattern can match what the part before it matched, so it is linear.
_SETTING = re.compile(
    r"^[ \t]*(?:export[ \t]+)?[\"']?(?P<name>[A-Za-z_][\w.-]*)[\"']?[ \t]*[:=](?P<value>[^\n]*)",
    re.M,
)
# Values that are no literal: YAML tags, block scalars, anchors, aliases and flow collections.
_NOT_LITERAL_STARTS = tuple("!|>&*[{")


def _settings(text: str) -> Iterator[tuple[int, str, str, str]]:
    """(index of the line in the text, line, name, value) of each setting named like a secret
    in a settings file held as one text value."""
    line_index, counted_to = 0, 0
    for setting in _SETTING.finditer(text):
        name = setting.group("name")
        if not may_name_a_secret(name.lower()):  # no setting named otherwise is judged further
            continue
        value = setting.group("value").strip().removesuffix(",").strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value and not value.startswith(_NOT_LITERAL_STARTS):
            line_index += text.count("\n", counted_to, setting.start())
            counted_to = setting.start()
            yield line_index, setting.group().strip(), name, value


def _credential_settings(text: str) -> tuple[tuple[int, str, str, str], ...]:
    """The settings of `_settings` that hold a literal credential."""
    return tuple(found for found in _settings(text) if is_literal_credential(*found[2:]))


# A settings file YAML aliases into many ConfigMaps (`config.yaml: *c` in each item of a List)
# is read once: judged per line for each use, 1,000 uses of a 60 KB file took 7 s.
_remembered_settings = LongTexts(_credential_settings, 1 << 24)


def _settings_hits(
    document: Document, text: str, holder: Any, key: Any, resource: str, subject: str
) -> Iterator[Hit]:
    """The settings of a file a ConfigMap holds (application.properties, config.yaml) that
    hold a literal credential, each at its line: the text's line N is written on the value's
    line N or later (a block scalar starts a line below its key), so the search starts there."""
    written = _value_region(holder, key)
    for line_index, line, name, value in _remembered_settings(text):
        last = written.end_line or written.start_line
        after = Region(min(written.start_line + line_index, last), 1, last, 1)
        found = _text_region(document, after, line)
        at = written if found is after else found  # not written as read (escapes)
        yield Hit(
            message=f"{subject} sets {name} to a literal secret; anyone who can read the "
            "manifest (or the object in the cluster) has it.",
            region=at,
            resource=resource,
            properties={"name": name},
            secret_values=(value,),
            secret_regions=(at,),
        )


def _plain_text_hit(
    document: Document, subject: str, resource: str, match: SecretMatch, used: Region, at: Region
) -> Hit:
    """A secret a detector found in a value written at `at` and used at `used`."""
    return Hit(
        message=f"{subject} holds a secret in plain text ({match.kind}); anyone who can "
        "read the manifest has it.",
        region=_text_region(document, used, match.value),
        resource=resource,
        properties={"secretType": match.kind},
        secret_values=(match.value,),
        secret_regions=(at,),
    )


# Where else a container runs a command in exec form: its probes and lifecycle hooks.
_HANDLERS = (
    ("livenessProbe",), ("readinessProbe",), ("startupProbe",),
    ("lifecycle", "postStart"), ("lifecycle", "preStop"),
)  # fmt: skip


def _command_lines(container: Container) -> Iterator[list[Any]]:
    """The words of each command line a container runs in exec form: its command and args as
    one, then each probe's and lifecycle hook's `exec.command`."""
    yield [container.data.get("command"), container.data.get("args")]
    for path in _HANDLERS:
        handler: Any = container.data
        for key in (*path, "exec"):
            handler = mapping(handler).get(key)
        yield [mapping(handler).get("command")]


def _command_line_hits(
    document: Document, container: Container, reported: set[str]
) -> Iterator[Hit]:
    """Secrets given across the words of a command line (`[curl, -u, admin:pw]`; `command:
    [mysql]`, `args: [-pS3cret]`; a probe's `[mysqladmin, ping, -pS3cret]`), at the word that
    holds each; one that a single word holds was found there already (`reported`)."""
    for parts in _command_lines(container):
        words = [
            (part, index, str(word))
            for part in parts
            if isinstance(part, list)
            for index, word in enumerate(part)
            if not isinstance(word, (dict, list))
        ]
        for word, match in find_secrets_in_words([text for _, _, text in words]):
            if match.value in reported:
                continue
            reported.add(match.value)
            holder, index, _ = words[word]
            used = container.value_region(holder, index)
            yield _plain_text_hit(
                document,
                where(container),
                container.resource,
                match,
                used,
                _value_region(holder, index),
            )


@check("K8S014")
def secret_in_env(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S014: literal secrets in env (secret-looking names) and detect-secrets hits anywhere."""
    data = document.data
    if not isinstance(data, dict):
        return
    skip: set[int] = set()
    if meta(document, "kind") == "Secret" and isinstance(data.get("data"), dict):
        skip.add(id(data["data"]))  # base64 values; K8S025 reports the Secret itself
    names = LiteralNames(document)
    for container in containers(document):
        subject = where(container)
        hits = list(
            _secret_hits(
                document, container.data, container.resource, subject, skip, names, container
            )
        )
        yield from hits
        reported = {value for hit in hits for value in hit.secret_values}
        yield from _command_line_hits(document, container, reported)
    # Each container (every use of an aliased one, each step a stepTemplate is merged into)
    # was walked with itself as the resource.
    skip.update(
        id(part)
        for container in containers(document)
        for part in (container.data, *container.slot.parts)
    )
    resource = meta(document, "resource")
    yield from _secret_hits(document, data, resource, resource, skip, names)


# ---------------------------------------------------------------------------------------------
# Secret manifests

# Keys of a Secret that hold public material (certificates), not secrets.
_PUBLIC_SECRET_KEYS = re.compile(r"(^|[._-])(ca|tls)?\.?(crt|cert|pub)$|^ca\.crt$", re.I)
# Public material by what it is, whatever its key: PEM certificates, CRLs and public keys, and
# OpenSSH public keys (authorized_keys, known_hosts lines).
_PUBLIC_MATERIAL = re.compile(
    r"\s*(?:-----BEGIN (?:TRUSTED )?(?:CERTIFICATE|X509 CRL|PUBLIC KEY|RSA PUBLIC KEY)-----"
    r"|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA)"
)


def _public(key: str, plain: str) -> bool:
    """Whether a Secret's value is public material: by its key (tls.crt) or its content, but
    never when it holds a private key too (a certificate bundled with its key)."""
    if "PRIVATE KEY" in plain:
        return False
    return bool(_PUBLIC_SECRET_KEYS.search(key) or _PUBLIC_MATERIAL.match(plain))


def _decoded(value: Any) -> str:
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return str(value)


@check("K8S025")
def secret_manifest_committed(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S025: a Secret whose data/stringData holds real (non-empty, non-placeholder) values."""
    if meta(document, "kind") != "Secret" or not isinstance(document.data, dict):
        return
    committed: list[tuple[dict, str, str]] = []
    for field, decode in (("data", True), ("stringData", False)):
        values = mapping(document.data.get(field))
        for key, value in values.items():
            if not isinstance(value, (str, int)):
                continue  # a map here is an unrendered template (`{{value}}`), not a value
            plain = _decoded(value) if decode else str(value)
            if _public(str(key), plain):
                continue
            if plain.strip() and not is_placeholder(plain) and not is_placeholder(value):
                committed.append((values, str(key), str(value)))
    if not committed:
        return
    holder, first_key, _ = committed[0]
    keys = ", ".join(key for _, key, _ in committed)
    resource = meta(document, "resource")
    yield Hit(
        message=f"{resource} commits {len(committed)} secret value(s) ({keys}) to the "
        "repository, where base64 hides nothing from anyone who can read it.",
        region=region_of(holder, first_key) or Region(1),
        resource=resource,
        properties={
            "keys": [key for _, key, _ in committed],
            "type": str(document.data.get("type", "Opaque")),
        },
        secret_values=tuple(value for _, _, value in committed if value),
        secret_regions=tuple(
            _value_region(values, key) for values, key, value in committed if value
        ),
    )
