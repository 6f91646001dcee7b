"""Secret detection shared by every pack: a name heuristic plus detect-secrets' detectors.

detect-secrets is used as a library of detectors, not as a file scanner: its own scan
re-parses files and calls every plugin on every line, which is far too slow. We call the
regex plugins that fit IaC directly, only on lines that pass a cheap prefilter, and apply its
false-positive heuristics to what remains.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import string
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from guardlint.knowledge.command_secrets import command_secrets
from guardlint.knowledge.detector_values import detector_values
from guardlint.knowledge.detectors import load as load_detect_secrets
from guardlint.knowledge.per_file import Remembered, file_memo
from guardlint.knowledge.placeholders import (
    INTERPOLATION_SOURCE,
    counts_out_or_repeats,
    filled_in_elsewhere,
    is_placeholder,
    is_token_stand_in,
    spelled_as_stand_in,
)
from guardlint.knowledge.remembered import LongTexts
from guardlint.knowledge.secret_gates import (
    FOLDED_PREFILTER,
    may_hold_secret,
    may_hold_vendor_token_or_command,
)
from guardlint.knowledge.secret_matches import (
    SecretMatch,
    without_parts,
    without_urls_around_tokens,
)
from guardlint.knowledge.secret_names import (
    is_secret_name,
    names_the_fields,
    names_the_secret,
    secret_markers,
    secret_name_words,
)
from guardlint.knowledge.secret_patterns import (
    BASE64_EMBEDDED_PRIVATE_KEY,
    BASE64_KEY_HEADERS,
    COMMAND_NAMES,
    COMMAND_WORDS,
    FURTHER_COMMAND_CREDENTIALS,
    TOKENS,
    connection_string_secrets,
    may_hold_connection_string,
)
from guardlint.knowledge.secret_references import is_published, names_a_location
from guardlint.knowledge.vendor_tokens import HOLDING_UUIDS, is_slack_stand_in, vendor_tokens
from guardlint.knowledge.written_settings import echoed_settings
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear

# Values that switch a setting (MYSQL_ALLOW_EMPTY_PASSWORD=1, ..._PASSWORD_ENABLED=yes): flags,
# never credentials, whatever the name.
_FLAG_VALUES = frozenset(
    {"0", "1", "true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled"}
)
# A number or a duration (3600, 0.8, 15m, 24h): under a name that mentions a secret without
# ending in it (TOKEN_REFRESH, PASSWORD_ROTATE), a setting; under DB_PASSWORD, a weak password.
_SETTING = LazyPattern(r"[0-9]+(?:\.[0-9]+)?(?:ms|[smhdwy])?", re.IGNORECASE)
# A value written as a name in capitals (GOOGLE_API_KEY_VAL, REPLACE_WITH_TOKEN): a stand-in.
_CAPITALISED_NAME = LazyPattern(r"[A-Z0-9_.-]+")


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
    if is_token_stand_in(text):
        return True
    if not _CAPITALISED_NAME.fullmatch(text):
        return False
    return bool(secret_markers(secret_name_words(name)) & secret_markers(secret_name_words(text)))


def is_literal_secret(name: str, value: object) -> bool:
    """A secret-looking name given a literal string value that is no stand-in (is_stand_in)."""
    # YAML numbers and booleans are settings (retries, ports, flags), never credentials.
    if value is None or isinstance(value, (bool, int, float, dict, list)):
        return False
    if type(name) is not str or type(value) is not str:
        return _is_literal_secret(name, value)
    # A file's rules judge the same name and value (a ConfigMap's key, and its line for SEC001).
    verdict = _literal_verdicts.get((name, value))
    if verdict is None:
        verdict = _literal_verdicts[name, value] = _is_literal_secret(name, value)
    return verdict


_literal_verdicts: dict[tuple[str, str], bool] = file_memo()


def _is_literal_secret(name: str, value: object) -> bool:
    if not is_secret_name(name) or is_stand_in(name, value):
        return False
    text = str(value).strip()
    if is_published(text) or (_SETTING.fullmatch(text) and not names_the_secret(name)):
        return False
    if "${" in text or "{{" in text:  # on RE2: `re` rescans an unclosed `${${${...` quadratically
        interpolation = compile_linear(INTERPOLATION_SOURCE)
        remainder, interpolations = interpolation.subn("", text)
        if interpolations and is_placeholder(remainder or "${}"):
            return False
        text = interpolation.sub("x", text)  # a location built of variables: `${Env}/db-creds`
    return not names_a_location(text)


# A token written as its prefix and then one character over and over (ghp_xxxx..., AKIA0000...,
# hooks.slack.com/services/TXXXXXXXX/...): a stand-in. Eight in a row is next to impossible in a
# random token (a real AWS key ID has no 0 at all), and a base64 run of zero bytes is `A`s.
_FILLER_RUN = LazyPattern(r"([xX0*])\1{7}")
# What URL_CREDENTIALS matches, `://user:password@`: the password is judged on its own, or as
# the names of both fields (`://username:password@`, names_the_fields).
_URL_CREDENTIALS = LazyPattern(r"://([^:]*):(.*)@")


def _is_false_positive(value: str, holds_uuids: bool = False) -> bool:
    is_potential_uuid, is_sequential_string, is_templated_secret = _heuristics()
    credentials = _URL_CREDENTIALS.fullmatch(value)
    if credentials and (
        is_stand_in("password", credentials.group(2)) or names_the_fields(*credentials.groups())
    ):
        return True
    secret = credentials.group(2) if credentials else value  # a user `xxxxxxxx` hides nothing
    if is_placeholder(value) or "EXAMPLE" in value or _FILLER_RUN.search(secret):
        return True
    uuid = not holds_uuids and is_potential_uuid(value)  # a Teams webhook holds four by design
    return is_sequential_string(value) or uuid or is_templated_secret(value)


@functools.cache
def _heuristics() -> tuple[Callable[[str], bool], ...]:
    """detect-secrets' false-positive heuristics, imported once (offline) instead of at each
    of a file's tens of thousands of tokens."""
    load_detect_secrets()
    from detect_secrets.filters.heuristic import (
        is_potential_uuid,
        is_sequential_string,
        is_templated_secret,
    )

    return is_potential_uuid, is_sequential_string, is_templated_secret


def _is_stand_in_token(value: str, holds_uuids: bool = False) -> bool:
    """_is_false_positive, or a token spelled in words to the reader; not a private key (its
    body is long enough to hold such a part by chance; SEC001 looks for key text after its
    header) nor a URL's credentials. A short value's verdict is remembered (a token repeated)."""
    if len(value) <= REMEMBERED_LENGTH:
        return _remembered_stand_in(value, holds_uuids)
    return _judged_stand_in(value, holds_uuids)


def _judged_stand_in(value: str, holds_uuids: bool) -> bool:
    if _is_false_positive(value, holds_uuids):
        return True
    if value.startswith(("BEGIN", "://")) or "PRIVATE KEY" in value[:40]:
        return False  # a URL's credentials are judged by their password (_is_false_positive)
    return counts_out_or_repeats(value) or spelled_as_stand_in(value)


# Short texts are remembered: most values and lines recur (`Type: String`, `Allow`,
# `2012-10-17`: 42,638 searches of 7,959 texts in the corpus); long ones would cost memory.
REMEMBERED_LENGTH = 200


def find_secrets(text: str) -> list[SecretMatch]:
    """detect-secrets hits and command-line passwords in one line or value, placeholders and
    AWS examples removed."""
    if len(text) <= REMEMBERED_LENGTH:
        # A text of the file searched already (a Dockerfile's line, by DKR004 and SEC001), or
        # one common to many files.
        return list(_remembered_secrets(text))
    return list(_long_secrets(text))


def find_secrets_in_words(words: Sequence[str]) -> Iterator[tuple[int, SecretMatch]]:
    """The secrets of a command line given as its words (an exec form's `[mysql, -uroot,
    -pS3cret]`, a command and its args), read joined by spaces as the program reads them
    (`-u`, then `admin:pw`), each with the index of the word its match starts in."""
    starts = list(itertools.accumulate((len(word) + 1 for word in words), initial=0))
    for match in find_secrets(" ".join(words)):
        yield bisect_right(starts, match.start) - 1, match


def _searched(text: str) -> tuple[SecretMatch, ...]:
    return _secrets_in(text)  # looked up when called: tests count the searches


_remembered_secrets = Remembered(_searched, 8192)
# A token found in its value by one rule and in its line by SEC001 is judged once for both.
_remembered_stand_in = Remembered(_judged_stand_in, 8192)


def _secrets_in(text: str) -> tuple[SecretMatch, ...]:
    folded = text.casefold()
    # Half the texts searched (the corpus: 2,783 of 5,167) pass none of the gates below: one
    # search says so.
    return _searched_in(text, folded) if may_hold_secret(folded) else ()


def _searched_in(text: str, folded: str) -> tuple[SecretMatch, ...]:
    """Every path's finds in a text (`folded`: case-folded), each behind its own gate."""
    found: dict[str, SecretMatch] = {}
    prefiltered = FOLDED_PREFILTER.search(folded) is not None
    if prefiltered:
        for detector, start, value in detector_values(text):
            if value and value not in found and not _is_stand_in_token(value):
                if detector.secret_type == "Slack Token" and is_slack_stand_in(text, start, value):
                    continue
                found[value] = SecretMatch(detector.secret_type, value, start)
        for kind, pattern in TOKENS:
            for match in pattern.finditer(text):
                if (value := match.group(0)) not in found and not _is_stand_in_token(value):
                    found[value] = SecretMatch(kind, value, match.start())
    vendor, command = may_hold_vendor_token_or_command(folded)
    # Tested apart: `re` would try the vendors' forty prefixes at every character of every text.
    for kind, value, start in vendor_tokens(text) if vendor else ():
        if value not in found and not _is_stand_in_token(value, kind in HOLDING_UUIDS):
            found[value] = SecretMatch(kind, value, start)
    # The prefilter holds each header: a text it lets by holds none.
    if prefiltered and any(header in folded for header in _FOLDED_KEY_HEADERS):
        for match in BASE64_EMBEDDED_PRIVATE_KEY.finditer(text):
            found.setdefault(
                match.group(0), SecretMatch("Private Key", match.group(0), match.start())
            )
    if command:
        # Each word looked for once, not once per pattern that names it (forty-odd patterns
        # asked per text that names any command: most name one, in an image or a host).
        words = {word for word in COMMAND_WORDS if word in folded}
        named = (p for p, names in COMMAND_NAMES.items() if not words.isdisjoint(names))
        _add_values(found, "Command-line Password", named, text)
    _add_command_secrets(found, text, folded)
    if may_hold_connection_string(text, folded):
        _add_values(found, "Connection String Secret", connection_string_secrets(folded), text)
    return without_urls_around_tokens(without_parts(tuple(found.values())))


# Tested on every line and value: the headers folded once.
_FOLDED_KEY_HEADERS = tuple(header.casefold() for header in BASE64_KEY_HEADERS)
_long_secrets = LongTexts(_secrets_in, 1 << 24)  # a YAML alias of a long value: searched once


def _add_values(
    found: dict[str, SecretMatch], kind: str, patterns: Iterable[re.Pattern[str]], text: str
) -> None:
    """Each `value` group of the patterns that is no stand-in, filled in elsewhere."""
    for pattern in patterns:
        for match in _with_further(pattern, text):
            value = match.group("value")
            start = match.start("value")
            if (
                value in found
                or filled_in_elsewhere(text, start, value)
                or _is_false_positive(value)
            ):
                continue
            if _PUBLISHED_PORTS.fullmatch(value):  # `docker run --name mongo -p 27017:27017`
                continue
            if names_the_fields(match.groupdict().get("user"), value):
                continue
            # a secret's name in capitals where the reader writes theirs (`-p PASSWORD`,
            # `-u USER:API_TOKEN`), as is_stand_in takes it under a name
            if _CAPITALISED_NAME.fullmatch(value) and secret_markers(secret_name_words(value)):
                continue
            found[value] = SecretMatch(kind, value, start)


def _with_further(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Each match of the pattern, and after each the same command's further values
    (FURTHER_COMMAND_CREDENTIALS): each read on from where the one before ends."""
    further = FURTHER_COMMAND_CREDENTIALS.get(pattern)
    for match in pattern.finditer(text):
        while match is not None:
            yield match
            match = further.match(text, match.end()) if further is not None else None


# A container's published ports, `-p 8080:80`, `-p 127.0.0.1:5432:5432/tcp`.
_PUBLISHED_PORTS = LazyPattern(r"[0-9.]+(?::[0-9.]+)+(?:/[a-z]+)?")


def _add_command_secrets(found: dict[str, SecretMatch], text: str, folded: str) -> None:
    """Each of command_secrets' finds that is a literal secret under its name, not filled in
    elsewhere, nor inside a secret found already (the npm detector's match holds the registry
    and its token). Not _is_false_positive: a UUID is an npm token."""
    written = itertools.chain(command_secrets(text, folded), echoed_settings(text, folded))
    finds = [find for find in written if find.value not in found]
    judged: dict[tuple[str, str], bool] = {}  # a name and value repeated along the text
    if not finds:
        return
    spans = sorted((match.start, match.start + len(match.value)) for match in found.values())
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))  # the furthest end so far
    for kind, start, value, name in finds:
        before = bisect_right(starts, start) - 1
        if (before >= 0 and reach[before] > start) or filled_in_elsewhere(text, start, value):
            continue
        if (name, value) not in judged:
            literal = "EXAMPLE" not in value and names_the_secret(name)
            judged[name, value] = literal and is_literal_secret(name, value)
        if judged[name, value]:
            found.setdefault(value, SecretMatch(kind, value, start))


def high_entropy(value: str) -> bool:
    """detect-secrets' entropy test, used only for values of secret-named keys: its hexadecimal
    and base64 plugins' calculate_shannon_entropy, worked out here with their alphabets, terms
    in their order (the same float), so that judging a value does not import detect-secrets."""
    text = str(value)
    if len(text) < 12:
        return False
    # Each character of the text counted once, not the text read again for each of an alphabet's
    counts = Counter(text)
    if _HEXADECIMAL.fullmatch(text):
        entropy = _entropy(counts, string.hexdigits, len(text))
        if text.isdigit():  # the hexadecimal plugin's handicap of a number
            entropy -= 1.2 / math.log(len(text), 2)
        return entropy > 3.0
    present = counts.keys() & _BASE64_ALPHABET.keys()
    # The entropy of the shares of k characters is at most log2(k) (Jensen's inequality; the
    # shares sum to at most 1): with fewer than 16 of the alphabet's characters at most 3.91,
    # never over 4. Most values under a secret's name (a 16-character password) stop here.
    if len(present) < _BASE64_DISTINCT_OVER_4:
        return False
    return _entropy(counts, sorted(present, key=_BASE64_ALPHABET.__getitem__), len(text)) > 4.0


def _entropy(counts: Counter, alphabet: Iterable[str], length: int) -> float:
    """HighEntropyStringsPlugin.calculate_shannon_entropy of a text of `length` characters,
    counted in `counts`, over the characters of `alphabet` in their order."""
    entropy = 0.0
    for character in alphabet:
        share = float(counts[character]) / length
        if share > 0:
            entropy += -share * math.log(share, 2)
    return entropy


_HEXADECIMAL = LazyPattern(r"[0-9a-fA-F]+")
# Base64HighEntropyString's alphabet (its `charset`; HexHighEntropyString's is string.hexdigits),
# each character with its place.
_BASE64_ALPHABET = {
    c: i for i, c in enumerate(string.ascii_letters + string.digits + "+/" + "\\-_" + "=")
}
# The fewest different characters whose entropy can be over 4 bits (log2(16) = 4).
_BASE64_DISTINCT_OVER_4 = 16
