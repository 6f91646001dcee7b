"""Values that say where a secret is kept rather than holding it: a file's path, the name or
path of an entry in a secret store (Secrets Manager's `prod/db-credentials`, Vault's
`secret/data/app`), a URL without credentials. Under a secret-looking name (`DB_SECRET`,
`GOOGLE_APPLICATION_CREDENTIALS`) a program reads the secret from there at run time.

A secret itself is random text: its parts do not read as words. A key that holds a `/`
(base64: `wJalrXUtnFEMI/K7MDENG/...`) mixes digits into its letters and changes case at random,
so it is no location, whatever its `/`s.
"""

from __future__ import annotations

import re

# A word of a name as people write it: lower case, capitals, or up to three humps and perhaps
# capitals after them (`db`, `DB`, `AppBeta`, `MySQL`, `DBPassword`), then perhaps a number
# (`v2`, `db01`), or a number alone. Random text changes case more often (`bPxRfiCY`).
_WORD = re.compile(
    r"(?:[a-z]+|[A-Z]+|(?:[A-Z]+[a-z]+|[a-z]{2,})(?:[A-Z][a-z]+){0,2}[A-Z]*)[0-9]*|[0-9]+"
)
# Where a name's words are cut: the separators Secrets Manager allows in a name (`/_+=.@-`),
# and the `:` before a JSON key or version in a reference to one (`prod/db:password`).
_WORD_SEPARATORS = re.compile(r"[_+=.@:-]+")
# What a file of keys or credentials is called: `gcp-key.json`, `private.pem`, `id_rsa.pub`.
_KEY_FILE = re.compile(
    r"[\w.-]+\.(?:json|pem|key|crt|cer|p12|pfx|jks|keystore|txt|env|ya?ml|pub|asc|gpg)",
    re.IGNORECASE,
)
# A URL's scheme and authority: a user and password before an `@` make it a credential.
_URL_START = re.compile(r"[a-z][a-z0-9+.-]*://([^/@?#\s]*)(?=/|$)", re.IGNORECASE)
_HOST = re.compile(r"[\w.-]+(?::[0-9]+)?")
_LONGEST_NAME = 512  # Secrets Manager's limit; a longer text is no name to look for words in
# A value that names where a secret store keeps the secret, which a tool or the platform reads
# at run time: Bank-Vaults' `vault:secret/data/db#password`, vals' `ref+awsssm://...`, 1Password's
# `op://vault/item/field`, Berglas' `sm://project/name`, `ssm:/prod/db/password`, Azure App
# Service's `@Microsoft.KeyVault(...)`, Grafana's `$__file{...}`.
SECRET_REFERENCE = re.compile(
    r"(?:vault|ssm|secretsmanager):[\w/.#:+@=-]+|(?:ref\+[a-z0-9]+|op|sm|berglas)://\S+"
    r"|@Microsoft\.KeyVault\([^)]*\)|\$__(?:file|env|vault)\{[^}]*\}",
    re.IGNORECASE,
)


def _reads_as_words(part: str) -> bool:
    return all(_WORD.fullmatch(word) for word in _WORD_SEPARATORS.split(part) if word)


def names_a_location(value: str) -> bool:
    """True when a value is a path, a secret store's name for an entry or a URL without
    credentials, not a secret: `/run/secrets/db`, `./jwt.key`, `~/.ssh/id_rsa`,
    `secrets/gcp.json`, `prod/db-credentials`, `https://vault.example.com/v1/secret/app`."""
    text = value.strip()
    if text.startswith(("/", "./", "../", "~/", "file:")):
        return True
    if len(text) > _LONGEST_NAME:
        return False
    url = _URL_START.match(text)
    if url:
        if not _HOST.fullmatch(url.group(1)):
            return False
        text = text[url.end() :]
    elif "://" in text:  # a URL with a user or password
        return False
    elif "/" not in text:
        return bool(_KEY_FILE.fullmatch(text)) and _reads_as_words(text)
    return all(_reads_as_words(part) for part in text.split("/"))
