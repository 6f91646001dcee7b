"""Secret detection shared by every pack: a name heuristic plus detect-secrets' detectors.

detect-secrets is used as a library of detectors, not as a file scanner: its own scan
re-parses files and calls every plugin on every line, which is far too slow. We call the
regex plugins that fit IaC directly, only on lines that pass a cheap prefilter, and apply its
false-positive heuristics to what remains.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from guardlint.knowledge.detectors import detectors
from guardlint.knowledge.detectors import load as load_detect_secrets
from guardlint.knowledge.placeholders import INTERPOLATION, is_placeholder
from guardlint.knowledge.secret_patterns import (
    COMMAND_CREDENTIALS,
    COMMAND_WORDS,
    TAILED,
    TOKENS,
    SecretTails,
    connection_string_secrets,
    may_hold_connection_string,
)
from guardlint.knowledge.secret_references import is_published, names_a_location
from guardlint.parse.linear_regex import compile_linear

# Words that make a variable, key or parameter name look like it holds a secret.
_SECRET_WORDS = frozenset(
    {
        "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token",
        "apikey", "credential", "credentials", "authtoken", "privatekey", "accesskey",
        "secretkey", "clientsecret", "sas", "connectionstring",
    }
)  # fmt: skip
# Too general to count anywhere in a name (AUTH_RETRIES, PASS_MIN_DAYS): only as the last word.
_SECRET_LAST_WORDS = frozenset({"auth", "pass"})
# The end of a last word written glued to the words before it (PGPASSWORD, DBPASSWD,
# SLACKTOKEN, APPSECRET): a word of its own in every other spelling.
_GLUED_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "token", "apikey")
_SECRET_WORD_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
     ("client", "secret"), ("auth", "token"), ("connection", "string"), ("signing", "key"),
     ("encryption", "key"), ("master", "key"), ("hmac", "key"), ("jwt", "key"), ("app", "key"),
     ("session", "key"), ("license", "key"), ("auth", "key"), ("cookie", "key")}
)  # fmt: skip
# A name ending in one of these words describes a secret without holding one.
_NON_SECRET_LAST_WORDS = frozenset(
    {
        "file", "path", "dir", "url", "uri", "endpoint", "host", "hostname", "port", "name",
        "user", "username", "id", "arn", "type", "mode", "enabled", "enable", "disabled",
        "length", "len", "size", "ttl", "expiry", "expiration", "timeout", "version", "method",
        "provider", "policy", "header", "field", "ref", "key_id", "location", "format", "rotation",
        "required", "count", "prefix", "suffix", "algorithm", "store", "manager", "backend",
        "kind", "source", "env", "var", "variable", "param", "parameter", "arg", "hash", "salt",
        "reference", "alias", "ssm", "locator", "pointer", "lookup", "label",
        # how long the secret lives, how it is checked, scoped or rotated
        "seconds", "secs", "minutes", "mins", "hours", "days", "ms", "lifetime", "validity",
        "duration", "interval", "period", "age", "expires", "schedule", "limit", "threshold",
        "rate", "retries", "attempts", "history", "rounds", "complexity", "strength", "scope",
        "scopes", "audience", "issuer", "claim", "hasher", "stage",
        # its digest, or its public half
        "checksum", "sha", "digest", "fingerprint", "thumbprint", "integrity", "cert",
        "certificate", "crt", "bundle", "pubkey", "publickey",
        # what a value must look like (PASSWORD_PATTERN), or when it may be entered
        "pattern", "regex", "window",
    }
)  # fmt: skip
# A name with one of these words anywhere names a digest (Helm's `checksum/secret` annotation).
_DIGEST_WORDS = frozenset({"checksum", "sha1", "sha256", "sha384", "sha512", "md5"})
# Words after the secret's own that tell one of several apart (DB_PASSWORD_PROD,
# SECRET_KEY_BASE, TOKEN_B64): the name still ends in the secret it holds.
_QUALIFIERS = frozenset(
    {"prod", "production", "dev", "development", "staging", "test", "qa", "uat", "live", "local",
     "value", "base", "raw", "plain", "plaintext", "b", "base64", "encoded", "json", "old", "new",
     "current", "primary", "secondary"}
)  # fmt: skip
# A name ending in `<store> key` (DBPasswordSSMKey, TokenParameterStoreKey) names where the
# secret is kept: a key that locates, unlike SecretKey or PrivateKey.
_STORE_WORDS = frozenset(
    {"ssm", "parameter", "param", "store", "s3", "object", "bucket", "kv", "manager",
     "secretsmanager"}
)  # fmt: skip
# Values that switch a setting (MYSQL_ALLOW_EMPTY_PASSWORD=1, ..._PASSWORD_ENABLED=yes): flags,
# never credentials, whatever the name.
_FLAG_VALUES = frozenset(
    {"0", "1", "true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled"}
)
# A number or a duration (3600, 0.8, 15m, 24h): under a name that mentions a secret without
# ending in it (TOKEN_REFRESH, PASSWORD_ROTATE), a setting; under DB_PASSWORD, a weak password.
_SETTING = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:ms|[smhdwy])?", re.IGNORECASE)
# A value written as a name in capitals (GOOGLE_API_KEY_VAL, REPLACE_WITH_TOKEN): a stand-in.
_CAPITALISED_NAME = re.compile(r"[A-Z0-9_.-]+")

# Cheap test a line must pass before any detector runs on it. Every alternative starts with a
# literal character (sk_live_|rk_live_, not [sr]k_live_): the regex engine can then skip ahead
# by first character, which halves the whole-file search in _candidate_lines.
# Searched only case-folded (_FOLDED_PREFILTER): never compiled as written, which would cost
# every scan half a millisecond for nothing.
_PREFILTER = (
    r"AKIA|ASIA|ABIA|ACCA|A3T|PRIVATE KEY|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk_live_|"
    r"hooks\.slack\.com|rk_live_|eyJ|://[^\s/:@]*:[^\s/@]+@|npm_[A-Za-z0-9]{30}|LS0tLS1CRUdJTiB|"
    r"pypi-Ag|SG\.[\w-]{16}|AIza|aws_secret|secret_access_key|sk-[A-Za-z0-9]{20}"
)


@dataclass(frozen=True)
class SecretMatch:
    """A secret found in a text: what kind it is and its value."""

    kind: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    value: str
    # Where the value starts in the text searched (its first find there): a line may hold
    # thousands, and looking each up again would cost the line's length for each.
    start: int = field(default=0, compare=False)


_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")
# Before the last capital of a run that starts a word: DB|Password. Zero width, unlike
# `([A-Z]+)([A-Z][a-z])`, which rescans a long run of capitals from each of them (quadratic).
_ACRONYM_END = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")


def separate_acronyms(name: str, separator: str) -> str:
    """`DBPassword` -> `DB<separator>Password`."""
    return _ACRONYM_END.sub(separator, name)


def name_words(name: str) -> list[str]:
    """`DBPassword2` -> ["db", "password2"]: lower-case words, split at acronyms, camel humps
    and anything not a letter or digit."""
    spaced = _CAMEL_HUMP.sub(r"\1 \2", separate_acronyms(str(name), " "))
    return [w for w in _NON_ALPHANUMERIC.split(spaced.lower()) if w]


def _numbers_one_of_several(word: str) -> bool:
    """`2`, `01`, `v2`: a word that numbers or versions what the words before it name."""
    return word.isdigit() or (word[:1] == "v" and word[1:].isdigit())


def secret_name_words(name: str) -> list[str]:
    """name_words without the number or version that tells one of several secrets apart:
    `DB_PASSWORD2`, `API_KEY_1`, `SECRET_KEY_V2` -> [db, password], [api, key], [secret, key]."""
    words = name_words(name)
    while len(words) > 1 and _numbers_one_of_several(words[-1]):
        words.pop()
    if words and words[-1][:1].isalpha():
        words[-1] = words[-1].rstrip("0123456789")
    return words


def is_secret_name(name: str) -> bool:
    """True when a key or variable name suggests it holds a credential."""
    return _is_secret_name(str(name))


@functools.lru_cache(maxsize=8192)  # the same names (Password, Image, ...) recur in every file
def _is_secret_name(name: str) -> bool:
    words = secret_name_words(name)
    if not words or words[-1] in _NON_SECRET_LAST_WORDS or _DIGEST_WORDS.intersection(words):
        return False
    if words[-2:] == ["public", "key"]:
        return False
    if words[-1] == "key" and len(words) > 1 and words[-2] in _STORE_WORDS:
        return False
    return bool(_secret_markers(words))


def _secret_markers(words: list[str]) -> set[str | tuple[str, str]]:
    """The secret words and word pairs that make these words a secret name."""
    markers: set[str | tuple[str, str]] = {word for word in words if word in _SECRET_WORDS}
    if words and (words[-1] in _SECRET_LAST_WORDS or words[-1].endswith(_GLUED_SECRET_ENDINGS)):
        markers.add(words[-1])
    markers.update(pair for pair in itertools.pairwise(words) if pair in _SECRET_WORD_PAIRS)
    return markers


def names_the_secret(name: str) -> bool:
    """True when a secret name ends in the secret it holds (DB_PASSWORD, PGPASSWORD, API_KEY,
    SECRET_KEY_BASE, DB_PASSWORD_PROD), not in what it says of one (TOKEN_EXPIRY_SECONDS)."""
    words = secret_name_words(name)
    while len(words) > 1 and words[-1] in _QUALIFIERS:
        words.pop()
    if not words or words[-1] in ("key", "keys") or tuple(words[-2:]) in _SECRET_WORD_PAIRS:
        return bool(words)
    return bool(_secret_markers(words[-1:]))


def credential_shaped(value: str) -> bool:
    """A value that looks like a credential whatever its name: no spaces, eight characters or
    more, letters and digits mixed or high entropy (not `3600`, `15m`, `redis`, `repo`)."""
    text = value.strip()
    if len(text) < 8 or any(c.isspace() for c in text):
        return False
    mixed = any(c.isalpha() for c in text) and any(c.isdigit() for c in text)
    return mixed or high_entropy(text)


def is_stand_in(name: str, value: object) -> bool:
    """True for a value that is no credential given its name: a placeholder, a flag
    (MYSQL_ALLOW_EMPTY_PASSWORD: "1"), filler (`sk_test_xxxxxxxx...`), or the name in capitals
    (GOOGLE_API_KEY: GOOGLE_API_KEY_VAL, TOKEN: REPLACE_WITH_TOKEN)."""
    text = str(value).strip().strip("'\"")
    if is_placeholder(text) or text.lower() in _FLAG_VALUES or _FILLER_RUN.search(text):
        return True
    if not _CAPITALISED_NAME.fullmatch(text):
        return False
    return bool(_secret_markers(secret_name_words(name)) & _secret_markers(secret_name_words(text)))


def is_literal_secret(name: str, value: object) -> bool:
    """A secret-looking name given a literal string value that is no stand-in (is_stand_in)."""
    # YAML numbers and booleans are settings (retries, ports, flags), never credentials.
    if value is None or isinstance(value, (bool, int, float, dict, list)):
        return False
    if not is_secret_name(name) or is_stand_in(name, value):
        return False
    text = str(value).strip()
    if is_published(text) or (_SETTING.fullmatch(text) and not names_the_secret(name)):
        return False
    if "${" in text or "{{" in text:  # on RE2: `re` rescans an unclosed `${${${...` quadratically
        interpolation = compile_linear(INTERPOLATION.pattern)
        remainder, interpolations = interpolation.subn("", text)
        if interpolations and is_placeholder(remainder or "${}"):
            return False
        text = interpolation.sub("x", text)  # a location built of variables: `${Env}/db-creds`
    return not names_a_location(text)


# A token written as its prefix and then one character over and over (ghp_xxxx..., AKIA0000...,
# hooks.slack.com/services/TXXXXXXXX/...): a stand-in. Eight in a row is next to impossible in a
# random token (a real AWS key ID has no 0 at all), and a base64 run of zero bytes is `A`s.
_FILLER_RUN = re.compile(r"([xX0*])\1{7}")
# What URL_CREDENTIALS matches, `://user:password@`: the password is judged on its own.
_URL_CREDENTIALS = re.compile(r"://[^:]*:(.*)@")


def _is_false_positive(value: str) -> bool:
    load_detect_secrets()
    from detect_secrets.filters.heuristic import (
        is_potential_uuid,
        is_sequential_string,
        is_templated_secret,
    )

    credentials = _URL_CREDENTIALS.fullmatch(value)
    if credentials and is_stand_in("password", credentials.group(1)):
        return True
    secret = credentials.group(1) if credentials else value  # a user `xxxxxxxx` hides nothing
    if is_placeholder(value) or "EXAMPLE" in value or _FILLER_RUN.search(secret):
        return True
    return is_sequential_string(value) or is_potential_uuid(value) or is_templated_secret(value)


# Short texts are remembered: most values and lines recur (`Type: String`, `Allow`,
# `2012-10-17`: 42,638 searches of 7,959 texts in the corpus); long ones would cost memory.
_REMEMBERED_LENGTH = 200


def find_secrets(text: str) -> list[SecretMatch]:
    """detect-secrets hits and command-line passwords in one line or value, placeholders and
    AWS examples removed."""
    if len(text) <= _REMEMBERED_LENGTH:
        return list(_remembered_secrets(text))
    return list(_secrets_in(text))


@functools.lru_cache(maxsize=8192)
def _remembered_secrets(text: str) -> tuple[SecretMatch, ...]:
    return _secrets_in(text)


def _secrets_in(text: str) -> tuple[SecretMatch, ...]:
    if not text:
        return ()
    folded = text.casefold()
    found: dict[str, SecretMatch] = {}
    if _FOLDED_PREFILTER.search(folded):
        for detector in detectors():
            for start, value in _detector_values(detector, text):
                if value and value not in found and not _is_false_positive(value):
                    found[value] = SecretMatch(detector.secret_type, value, start)
        for kind, pattern in TOKENS:
            for match in pattern.finditer(text):
                if (value := match.group(0)) not in found and not _is_false_positive(value):
                    found[value] = SecretMatch(kind, value, match.start())
    if any(word in folded for word in COMMAND_WORDS):
        _add_values(found, "Command-line Password", COMMAND_CREDENTIALS, text)
    if may_hold_connection_string(text, folded):
        _add_values(found, "Connection String Secret", connection_string_secrets(folded), text)
    return tuple(found.values())


def _add_values(
    found: dict[str, SecretMatch], kind: str, patterns: Iterable[re.Pattern[str]], text: str
) -> None:
    """Each `value` group of the patterns that is no stand-in and no `$VAR` or `$(cmd)`."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = match.group("value")
            if value not in found and "$" not in value and not _is_false_positive(value):
                found[value] = SecretMatch(kind, value, match.start("value"))


def _detector_values(detector: object, text: str) -> Iterator[tuple[int, str]]:
    """Where each match starts and its whole text: detect-secrets' own analyze_string yields
    only the first regex group for some plugins (the `ghp` of a GitHub token), too little to
    redact."""
    from detect_secrets.plugins.base import RegexBasedDetector  # loaded with the detector

    # A detector with its own analyze_string judges each match further (the JWT one decodes
    # the token): it is asked about the match alone, its own search of the text not being linear.
    judges = type(detector).analyze_string is not RegexBasedDetector.analyze_string
    secret_type = detector.secret_type  # type: ignore[attr-defined]
    for pattern in detector.denylist:  # type: ignore[attr-defined]
        covered = 0  # a match inside the tail of the one before is part of its secret
        tails = SecretTails(secret_type, text) if secret_type in TAILED else None
        for match in linear_pattern(pattern).finditer(text):
            value = match.group(0)
            if match.start() < covered:
                continue
            if not judges or value in detector.analyze_string(value):  # type: ignore[attr-defined]
                if tails is not None:
                    covered = tails.end(match.end())
                    value += text[match.end() : covered].rstrip(". \t\r\n")
                yield match.start(), value


@functools.cache
def linear_pattern(pattern: re.Pattern[str]) -> Any:
    """A detector's pattern on RE2 where RE2 can run it: in `re` some take quadratic time
    (`eyJeyJeyJ...` for the JWT one). The others (GitLab's, with a lookahead) start with a
    literal and repeat a bounded number of times, which is linear in `re` too."""
    try:
        return compile_linear(pattern.pattern, pattern.flags)
    except ValueError:
        return pattern


def high_entropy(value: str) -> bool:
    """detect-secrets' entropy test, used only for values of secret-named keys."""
    load_detect_secrets()
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )

    text = str(value)
    if len(text) < 12:
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", text):
        return HexHighEntropyString().calculate_shannon_entropy(text) > 3.0
    return Base64HighEntropyString().calculate_shannon_entropy(text) > 4.0


def _casefolded_pattern(pattern: str) -> str:
    """The pattern for case-folded text: literal capitals lowered, escapes (\\S, \\W) kept."""
    return re.sub(
        r"\\.|[A-Z]", lambda m: m.group(0) if len(m.group(0)) == 2 else m.group(0).lower(), pattern
    )


def _minimal_words(words: Iterable[str]) -> list[str]:
    unique = set(words)
    return sorted(w for w in unique if not any(o != w and o in w for o in unique))


# A line can hold a secret only if it passes the detectors' prefilter or holds a secret-looking
# name (every such name contains one of these words; a pair needs both words, so one is
# enough). One search over the case-folded file finds those lines; the per-line work below
# then runs on a few percent of the lines instead of all of them.
# _PREFILTER for case-folded text: the same test, without IGNORECASE's per-character cost.
_FOLDED_PREFILTER = re.compile(_casefolded_pattern(_PREFILTER))
# The rest of the line is part of the match (no alternative spans lines): one match per line,
# however many words it holds (a minified template is one line of "String"s and "Key"s).
# Searched, on RE2, by guardlint.knowledge.secret_lines.
CANDIDATE_PATTERN = (
    "(?:"
    + _FOLDED_PREFILTER.pattern
    + "|"
    + "|".join(
        re.escape(w)
        for w in _minimal_words(
            [
                *_SECRET_WORDS,
                *_SECRET_LAST_WORDS,
                *(pair[-1] for pair in _SECRET_WORD_PAIRS),
                *COMMAND_WORDS,
            ]
        )
    )
    + ").*"
)
