"""Names that look like they hold a secret (DB_PASSWORD, PGPASSWORD, ApiKey, SECRET_KEY_V2),
as every pack judges variable, key, parameter and flag names: the words of a name (acronyms and
camel humps split, a number or version at the end ignored) and which of them mark a secret."""

from __future__ import annotations

import functools
import itertools
import re

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear

# Words that make a variable, key or parameter name look like it holds a secret.
_SECRET_WORDS = frozenset(
    {
        "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token",
        "apikey", "credential", "credentials", "authtoken", "authkey", "privatekey", "accesskey",
        "secretkey", "clientsecret", "sas", "connectionstring", "creds",
    }
)  # fmt: skip
# Too general to count anywhere in a name (AUTH_RETRIES, PASS_MIN_DAYS): only as the last word.
# `pat`, a personal access token (GH_PAT, AZURE_DEVOPS_PAT, trufflehog's `<PROVIDER>_PAT`), is
# a word of its own: `path`, `patch`, `pattern` and `spat` are other words.
_SECRET_LAST_WORDS = frozenset({"auth", "pass", "pw", "psk", "pat"})
# Of those, the ones that still name the secret with a qualifier after them (DB_PASS_PROD,
# LDAP_PW_DEV, WIFI_PSK_2G, ADO_PAT_PROD); `auth` then names a setting as often (AUTH_LOCAL,
# AUTH_TEST).
_QUALIFIED_LAST_WORDS = frozenset({"pass", "pw", "psk", "pat"})
# The end of a last word written glued to the words before it (PGPASSWORD, DBPASSWD,
# SLACKTOKEN, APPSECRET): a word of its own in every other spelling.
_GLUED_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "token", "apikey")
_SECRET_WORD_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
     ("client", "secret"), ("auth", "token"), ("connection", "string"), ("signing", "key"),
     ("encryption", "key"), ("master", "key"), ("hmac", "key"), ("jwt", "key"), ("app", "key"),
     ("session", "key"), ("license", "key"), ("auth", "key"), ("cookie", "key"),
     ("shared", "key"),
     # detect-secrets' keywords beside those (service_?key, account_?key, ...)
     ("service", "key"), ("account", "key"), ("client", "key"), ("db", "key"),
     ("database", "key"), ("priv", "key"),
     # a telemetry service's ingest keys (LOGDNA_INGESTION_KEY, NEW_RELIC_INSERT_KEY), an
     # alerting integration's, Vault's unseal keys, a gossip or VPN key shared by every member
     # (CONSUL_GOSSIP_KEY, -encrypt's, WG_PRESHARED_KEY), a service account's (GCP_SA_KEY), and
     # the cookie Erlang and Elixir nodes authenticate one another with (RABBITMQ_ERLANG_COOKIE,
     # RELEASE_COOKIE)
     ("ingestion", "key"), ("ingest", "key"), ("insert", "key"), ("integration", "key"),
     ("unseal", "key"), ("gossip", "key"), ("encrypt", "key"), ("preshared", "key"),
     ("sa", "key"), ("erlang", "cookie"), ("release", "cookie"),
     # Datadog's application key (DD_APPLICATION_KEY, the long form of DD_APP_KEY), an admin
     # API key (Algolia's, Ghost's ALGOLIA_ADMIN_KEY)
     ("application", "key"), ("admin", "key")}
)  # fmt: skip
# A key's own text, after the word `key` (OCI_CLI_KEY_CONTENT, TLS_KEY_PEM): no search word of
# their own, a name holding them holds `key`. Not `data` (Terraform's `key_data` is an SSH
# public key).
_KEY_MATERIAL_PAIRS = frozenset({("key", "content"), ("key", "contents"), ("key", "pem")})
# A vendor whose `<VENDOR>_<SERVICE>_KEY` names hold a service's access key, and those services
# (AZURE_STORAGE_KEY, which `az storage` reads, AZURE_BATCH_KEY, AZURE_OPENAI_KEY); without the
# vendor's name the same words name other keys (a browser's STORAGE_KEY, a SEARCH_KEY), and
# before another word (AZURE_COSMOS_PARTITION_KEY) a key of the data.
_SERVICE_KEYS = {
    "azure": frozenset(
        {"storage", "batch", "cosmos", "cosmosdb", "search", "openai", "speech", "translator",
         "eventhub", "eventhubs", "servicebus", "maps", "signalr", "webpubsub", "communication",
         "cognitive", "vision", "language", "appconfig", "relay", "notification"}
    ),
}  # fmt: skip
# Vendors that issue one kind of key, a secret one, so that `<VENDOR>_KEY` holds it
# (OPENAI_KEY, ANTHROPIC_KEY, as trufflehog's keywords name them); not Stripe's, whose
# STRIPE_KEY holds the publishable key (Laravel Cashier's), nor a cloud's.
_VENDOR_KEYS = frozenset(
    {"openai", "anthropic", "claude", "groq", "mistral", "cohere", "perplexity", "deepseek",
     "gemini", "xai", "replicate", "sendgrid", "mailgun", "notion", "openrouter"}
)  # fmt: skip
_PAIRS = _SECRET_WORD_PAIRS | _KEY_MATERIAL_PAIRS
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
        # what makes, signs or keeps it (TOKEN_SIGNING_ALG, SECRETS_ENGINE), or what it fills in
        "alg", "algo", "generator", "encoder", "strategy", "engine", "template",
    }
)  # fmt: skip
# A last pair that names what is no secret: a key or token meant to be public (a map's browser
# token), a token a form or a cookie echoes back against request forgery.
_PUBLIC_PAIRS = frozenset(
    {("public", "key"), ("public", "token"), ("csrf", "token"), ("xsrf", "token")}
)
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

_CAMEL_HUMP = LazyPattern(r"([a-z0-9])([A-Z])")
# Before the last capital of a run that starts a word: DB|Password. Zero width, unlike
# `([A-Z]+)([A-Z][a-z])`, which rescans a long run of capitals from each of them (quadratic).
_ACRONYM_END = LazyPattern(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALPHANUMERIC = LazyPattern(r"[^A-Za-z0-9]+")


def separate_acronyms(name: str, separator: str) -> str:
    """`DBPassword` -> `DB<separator>Password`."""
    return _ACRONYM_END.sub(separator, name)


def name_words(name: str) -> list[str]:
    """`DBPassword2` -> ["db", "password2"]: lower-case words, split at acronyms, camel humps
    and anything not a letter or digit."""
    # A name without capitals (`password7`, `db_pass`) has no hump or acronym to split at, and
    # one without small letters (`DB_PASSWORD`) no acronym: each a regex pass saved, on every
    # name of a file that may hold 100,000 of them.
    name = str(name)
    lowered = name.lower()
    if name != lowered:
        if name != name.upper():
            name = separate_acronyms(name, " ")
        lowered = _CAMEL_HUMP.sub(r"\1 \2", name).lower()
    return [w for w in _NON_ALPHANUMERIC.split(lowered) if w]


def _numbers_one_of_several(word: str) -> bool:
    """`2`, `01`, `v2`: a word that numbers or versions what the words before it name."""
    return word.isdigit() or (word[:1] == "v" and word[1:].isdigit())


def secret_name_words(name: str) -> list[str]:
    """name_words without the number or version that tells one of several secrets apart:
    `DB_PASSWORD2`, `API_KEY_1`, `SECRET_KEY_V2` -> [db, password], [api, key], [secret, key]."""
    return _secret_words(name_words(name))


def _secret_words(words: list[str]) -> list[str]:
    """secret_name_words of a name's words (name_words), as a list of its own."""
    end = len(words)
    while end > 1 and _numbers_one_of_several(words[end - 1]):
        end -= 1
    kept = words[:end]
    if kept and kept[-1][:1].isalpha():
        kept[-1] = kept[-1].rstrip("0123456789")
    return kept


def is_secret_name(name: str) -> bool:
    """True when a key or variable name suggests it holds a credential."""
    return _is_secret_name(str(name))


@functools.lru_cache(maxsize=8192)  # the same names (Password, Image, ...) recur in every file
def _is_secret_name(name: str) -> bool:
    every_word = name_words(name)
    words = _secret_words(every_word)
    if not words or words[-1] in _NON_SECRET_LAST_WORDS or _DIGEST_WORDS.intersection(words):
        return False
    if tuple(words[-2:]) in _PUBLIC_PAIRS:
        return False
    if words[-1] == "key" and len(words) > 1 and words[-2] in _STORE_WORDS:
        return False
    # A Helm chart's `existingSecret`, also as a value's path (`auth.existingSecret`): the name
    # of the Secret object that holds it.
    last_words = every_word if "." not in name else name_words(name.rsplit(".", 1)[-1])
    if last_words[:1] == ["existing"]:
        return False
    return bool(secret_markers(words))


def secret_markers(words: list[str]) -> set[str | tuple[str, str]]:
    """The secret words and word pairs that make these words a secret name."""
    markers: set[str | tuple[str, str]] = {word for word in words if word in _SECRET_WORDS}
    if words and words[-1] in _SECRET_LAST_WORDS:
        markers.add(words[-1])
    # The last word before the qualifiers that tell one of several apart, as names_the_secret
    # reads it: DB_PASS_PROD and DBPASSWORD_STAGING end in the secret they hold.
    named = _without_qualifiers(words)[-1:]
    if named and (named[0] in _QUALIFIED_LAST_WORDS or named[0].endswith(_GLUED_SECRET_ENDINGS)):
        markers.add(named[0])
    markers.update(pair for pair in itertools.pairwise(words) if pair in _PAIRS)
    base = _without_qualifiers(words)
    if len(base) > 1 and base[-1] == "key" and base[-2] in _VENDOR_KEYS:
        markers.add((base[-2], "key"))
    if len(words) > 2 and words[-1] == "key" and words[-2] in _SERVICE_KEYS.get(words[0], ()):
        markers.add((words[-2], "key"))
    return markers


def _without_qualifiers(words: list[str]) -> list[str]:
    """The words up to the last one that is no qualifier (DB_PASSWORD_PROD -> db, password)."""
    end = len(words)
    while end > 1 and words[end - 1] in _QUALIFIERS:
        end -= 1
    return words[:end]


def names_the_secret(name: str) -> bool:
    """True when a secret name ends in the secret it holds (DB_PASSWORD, PGPASSWORD, API_KEY,
    SECRET_KEY_BASE, DB_PASSWORD_PROD), not in what it says of one (TOKEN_EXPIRY_SECONDS)."""
    words = _without_qualifiers(secret_name_words(name))
    if not words or words[-1] in ("key", "keys") or tuple(words[-2:]) in _PAIRS:
        return bool(words)
    return bool(secret_markers(words[-1:]))


# Every secret name holds one of these words, or matches NAME_SEARCH_PATTERNS: a case-folded
# text without any of them holds no secret name. A pair holds both of its words: its last is
# searched, but a connection string's `connection` (`string` is on every template's `Type:
# String` line) and a key's pairs whole (`key` is on every tag's `Key: Name`).
_SEARCHED_OF_PAIR = {("connection", "string"): "connection"}
_PAIR_WORDS = {_SEARCHED_OF_PAIR.get(pair, pair[-1]) for pair in _SECRET_WORD_PAIRS}
NAME_SEARCH_WORDS = tuple(
    sorted({*_SECRET_WORDS, *_SECRET_LAST_WORDS, *_PAIR_WORDS} - {"pat", "key"})
)
# `pat` searched only where a name can end in it: followed by no letter, by a version or by a
# qualifier (ghPatProd), so that `path`, `patch` and `pattern` (every mountPath) do not make a
# line a candidate.
_PAT_SEARCH = rf"pat(?:[^a-z]|$|v[0-9]|{'|'.join(sorted(_QUALIFIERS))})"
# `key` after a word that makes it a secret's (API_KEY, x-api-key, DbKey, the glued ACCESSKEY,
# OPENAI_KEY, AZURE_STORAGE_KEY) or before one (KEY_PEM), the two apart by what name_words splits
# at alone, as secret_markers pairs them.
_KEY_BEFORE = {first for first, last in _PAIRS if last == "key"} | _VENDOR_KEYS
_KEY_AFTER = {last for first, last in _PAIRS if first == "key"}
_KEY_SEARCH = (
    f"(?:{'|'.join(sorted(_KEY_BEFORE | _SERVICE_KEYS['azure']))})[^a-z0-9]*key"
    f"|key[^a-z0-9]*(?:{'|'.join(sorted(_KEY_AFTER))})"
)
NAME_SEARCH_PATTERNS = f"{_PAT_SEARCH}|{_KEY_SEARCH}"
# Searched on RE2, in UTF-8: `re` tries each of the hundred-odd alternatives at every character
# (15 us a 200-character line of a manifest; RE2 1.5 us, and as fast on a short name).
_NAME_SEARCH = "|".join([*map(re.escape, NAME_SEARCH_WORDS), NAME_SEARCH_PATTERNS]).encode()


def may_name_a_secret(folded: str) -> bool:
    """Whether a case-folded text holds one of NAME_SEARCH_WORDS or NAME_SEARCH_PATTERNS: without
    one, no name in it is a secret's, and what is judged by its name need not be read."""
    encoded = folded.encode("utf-8", "surrogatepass")
    return compile_linear(_NAME_SEARCH).search(encoded) is not None


# `user:password`, `<username:token>`: the names of a user's and a password's fields, where a
# reader writes theirs. (`admin:password` is a password, if a weak one.)
_USER_FIELDS = frozenset({"user", "username", "login", "usr", "uname", "name"})
_PASSWORD_FIELDS = frozenset(
    {"password", "pass", "passwd", "pwd", "pw", "token", "secret", "apikey", "api_key", "key"}
)


def names_the_fields(user: str | None, password: str) -> bool:
    """Whether a user (None: none given) and password are only the names of their fields."""
    if user is None or user.lstrip("<[{").lower() not in _USER_FIELDS:
        return False
    return password.rstrip(">]}").lower() in _PASSWORD_FIELDS
