"""Values that say where a secret is kept rather than holding it: a file's path, the name or
path of an entry in a secret store (Secrets Manager's `prod/db-credentials`, Vault's
`secret/data/app`), a URL without credentials. Under a secret-looking name (`DB_SECRET`,
`GOOGLE_APPLICATION_CREDENTIALS`) a program reads the secret from there at run time.

A secret itself is random text: its parts do not read as words. A key that holds a `/`
(base64: `wJalrXUtnFEMI/K7MDENG/...`) mixes digits into its letters and changes case at random,
so it is no location, whatever its `/`s.

Some values are published, not kept secret, whatever they are named (`SSL_CERT_SECRET`,
`TOKEN_SHA256`): a certificate, a public key, a digest.
"""

from __future__ import annotations

import binascii
import itertools
import re

from guardlint.parse.lazy_pattern import LazyPattern

# A word of a name as people write it: lower case, capitals, or up to three humps and perhaps
# capitals after them (`db`, `DB`, `AppBeta`, `MySQL`, `DBPassword`), then perhaps a number
# (`v2`, `db01`), or a number alone. Random text changes case more often (`bPxRfiCY`).
_WORD = LazyPattern(
    r"(?:[a-z]+|[A-Z]+|(?:[A-Z]+[a-z]+|[a-z]{2,})(?:[A-Z][a-z]+){0,2}[A-Z]*)[0-9]*|[0-9]+"
)
# Where a name's words are cut: the separators Secrets Manager allows in a name (`/_+=.@-`),
# and the `:` before a JSON key or version in a reference to one (`prod/db:password`).
_WORD_SEPARATORS = LazyPattern(r"[_+=.@:-]+")
# What a file of keys or credentials is called: `gcp-key.json`, `private.pem`, `id_rsa.pub`.
_KEY_FILE = LazyPattern(
    r"[\w.-]+\.(?:json|pem|key|crt|cer|p12|pfx|jks|keystore|txt|env|ya?ml|pub|asc|gpg)",
    re.IGNORECASE,
)
# A URL's scheme and authority: a user and password before an `@` make it a credential.
_URL_START = LazyPattern(r"[a-z][a-z0-9+.-]*://([^/@?#\s]*)(?=/|$)", re.IGNORECASE)
_HOST = LazyPattern(r"[\w.-]+(?::[0-9]+)?")
_LONGEST_NAME = 512  # Secrets Manager's limit; a longer text is no name to look for words in
# A value that names where a secret store keeps the secret, which a tool or the platform reads
# at run time: Bank-Vaults' `vault:secret/data/db#password`, vals' `ref+awsssm://...`, 1Password's
# `op://vault/item/field`, Berglas' `sm://project/name`, `ssm:/prod/db/password`, Azure App
# Service's `@Microsoft.KeyVault(...)`, Grafana's `$__file{...}`, Azure Container Apps'
# `secretref:name` and `keyvaultref:https://...`.
SECRET_REFERENCE = LazyPattern(
    r"(?:vault|ssm|secretsmanager|secretref):[\w/.#:+@=-]+|keyvaultref:\S+"
    r"|(?:ref\+[a-z0-9]+|op|sm|berglas)://\S+"
    r"|@Microsoft\.KeyVault\([^)]*\)|\$__(?:file|env|vault)\{[^}]*\}",
    re.IGNORECASE,
)


def _reads_as_words(part: str) -> bool:
    return all(_WORD.fullmatch(word) for word in _WORD_SEPARATORS.split(part) if word)


# The words of an absolute path: between slashes and the separators of a name.
_PATH_WORD_SEPARATORS = LazyPattern(r"[/_+=.@:-]+")


def _misplaced_characters(word: str) -> int:
    """How many runs of one kind of character (capitals, small letters, digits) are out of
    place in a name: digits before its end (`log4j`, `asn1Parser`: one each), a small letter
    alone but after a capital (`Qt`, `My` are humps), a capital alone before no small letter."""
    runs = [(kind, len(list(run))) for kind, run in itertools.groupby(word, _character_kind)]
    kinds = ["", *(kind for kind, _ in runs), ""]  # each run's kind between its neighbours'
    return sum(
        _out_of_place(kind, length, kinds[index], kinds[index + 2])
        for index, (kind, length) in enumerate(runs)
    )


def _out_of_place(kind: str, length: int, before: str, after: str) -> bool:
    if kind == "digit":
        return bool(after)
    if length > 1:
        return False
    return before != "capital" if kind == "small" else kind == "capital" and after != "small"


def _character_kind(character: str) -> str:
    if character.isdigit():
        return "digit"
    return "capital" if character.isupper() else "small" if character.islower() else "other"


def _random_word(word: str) -> bool:
    """A word of random text (`Xq9vT2mK8pL4nR7s`), not of a file or directory name: both cases,
    not read as words, and three characters or more out of place. Of the 27,000 words of the
    names under a Linux system's /usr, /etc and /var, six are (`...V1beta1GrpcEndpoint`,
    `S01x11`); more than nine in ten base64 keys that start with `/` hold one."""
    if _WORD.fullmatch(word) or word.islower() or word.isupper():
        return False  # hex digests (`5f3a9c...`) and `x509up` are no more random than a name
    return _misplaced_characters(word) >= 3


def _is_absolute_path(text: str) -> bool:
    """A text that starts with `/` is a path unless it is random text (base64 starts with `/`
    one time in 64: `/Xq9vT2mK8pL4nR7s...`)."""
    return not any(_random_word(word) for word in _PATH_WORD_SEPARATORS.split(text))


def names_a_location(value: str) -> bool:
    """True when a value is a path, a secret store's name for an entry or a URL without
    credentials, not a secret: `/run/secrets/db`, `./jwt.key`, `~/.ssh/id_rsa`,
    `secrets/gcp.json`, `prod/db-credentials`, `https://vault.example.com/v1/secret/app`."""
    text = value.strip()
    if text.startswith(("./", "../", "~/", "file:")):
        return True
    if text.startswith("/"):
        return _is_absolute_path(text)
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


# What is published: a certificate or a public key (PEM, or OpenSSH's one-line form), a digest (an
# image's `sha256:...`, a Subresource Integrity `sha512-...`, an SSH key's fingerprint). And what
# is no secret though kept: a password's stored hash in crypt(3)'s notation (bcrypt `$2y$10$...`,
# `$apr1$`, `$6$`, `$argon2id$`, Mosquitto's `$7$`), alone or as an htpasswd line (`user:$apr1$...`,
# `user:{SHA}...`), which the program that checks the password is given in its place. And a
# Stripe publishable key (`pk_live_...`, `pk_test_...`), made to be shipped in a web page.
_PUBLISHED = LazyPattern(
    r"""-----BEGIN\ (?:(?:TRUSTED\ )?CERTIFICATE|X509\ CRL|(?:RSA\ |EC\ |PGP\ )?PUBLIC\ KEY)
      | (?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp[0-9]+|sk-[a-z0-9-]+@openssh\.com)\ AAAA
      | (?:sha1|sha224|sha256|sha384|sha512|md5):[0-9a-f]{32,128}$
      | sha(?:256|384|512)-[A-Za-z0-9+/]{43,86}={0,2}$
      | SHA256:[A-Za-z0-9+/]{43}=?$ | MD5(?::[0-9a-f]{2}){16}$ | pk_(?:live|test)_[A-Za-z0-9]{16,}$
      | (?:[\w.@-]+:)?(?:
            \$(?:2[abxy]|apr1|1|5|6|7|y|gy|argon2(?:id|i|d)|pbkdf2(?:-sha(?:1|256|512))?|scrypt)
            \$[^$\s]+\$\S{16,}$
          | \{(?:SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512)\}[A-Za-z0-9+/]{20,}={0,2}$)""",
    re.IGNORECASE | re.VERBOSE,
)
_BASE64_PEM = "LS0tLS1CRUdJTi"  # base64 of `-----BEGIN`, as a Kubernetes caBundle holds a PEM file


def is_published(value: str) -> bool:
    """True for a certificate, a public key or a digest, in PEM (or base64 of PEM), OpenSSH or
    digest notation: published, never a secret; unless the text also holds a private key."""
    text = value.strip()
    if text.startswith(_BASE64_PEM):
        try:  # the first 36 bytes: the PEM header
            text = binascii.a2b_base64(text[:48]).decode("latin-1")
        except binascii.Error:
            return False
    return "PRIVATE KEY" not in value and bool(_PUBLISHED.match(text))
