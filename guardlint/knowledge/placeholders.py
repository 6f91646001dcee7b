"""Values that stand in for a secret or a setting rather than being one: a template's or a
pipeline's placeholder (`${VAR}`, `<password>`, `#{Token}#`), words addressed to the reader
(`your-password-here`), a reference to a secret store, a value SOPS encrypted in place, AWS's
published example keys."""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections.abc import Iterator
from typing import Any

from guardlint.knowledge.secret_references import SECRET_REFERENCE
from guardlint.knowledge.secret_regex import non_capturing
from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear

# The forms of a whole text that stands in for a secret, matched ignoring case.
# fmt: off
_PLACEHOLDER_FORMS = (
    r"\$\{[^}]*\}?", r"\$[A-Za-z_][A-Za-z0-9_]*", r"\$\([^)]*\)",  # ${VAR} $VAR $(cmd)
    r"\{\{.*\}\}", r"\{\%.*\%\}", r"%(\([^)]*\))?s", r"<[^>]*>",  # templates, <password>
    r"\[[^\]]*\]", r"\{[^{}]*\}",  # [password], {password}
    r"\#\{[^}]*\}\#?",  # ruby, #{x}# tokens
    r"%%[\w.-]+%%", r"@@[\w.-]+@@", r"<<[^>]*>>",  # token-replacement markers
    r"\$\$[A-Za-z_]\w*", r"\$\$\{[^}]*\}",  # Compose's escaped $VAR
    r"\$\{\{.*\}\}", r"__[A-Za-z][\w.-]*__",  # ${{ secrets.X }} __X__
    r"\(\([^()]*\)\)", r"\[\[[^\]]*\]\]",  # Concourse ((x)), [[ .x ]]
    r"%[A-Za-z_][\w.-]*%", r"\$env:[A-Za-z_]\w*", r"\$\[[^\]]*\]",  # Windows, PowerShell, Azure
    r"%\{[^}]*\}", r"%env\([^)]*\)%", r"@[A-Za-z_][\w.-]*@",  # Puppet, Symfony, Maven
    r"\$\$?(\.[\w-]+|\[[^\]]*\])+",  # JSONPath: $.detail.token, $$.Execution.Input
    r"ENC\([^)]*\)", r"\$ANSIBLE_VAULT;.*", r"AQICAH[\w+/=]{20,}",  # Jasypt, Ansible Vault, KMS
    r"(set|override)[-_ ]?me",
    r"changeit",  # the JDK cacerts keystore's published password
    r"(set|provided|managed|injected|stored|supplied|defined|configured)[-_ ]"
    r"(in|by|at|from|via)[-_ ].*",
    r"(change|replace|update)[-_ ]?(me|this).*", r"(insert|enter)[-_ ].*", r"your[-_ ].*",
    r".*change[-_ ]?me",  # notSecureChangeMe: the reader is to change it
    r"(replace|substitute)[-_ ]with[-_ ].*",  # REPLACE_WITH_BASE64_KEY: what goes there
    # words addressed to the reader: yourpassword, YourApiKey, password_here, token-goes-here
    r"your(?=[a-z]*$)[a-z]*(pass|pwd|secret|token|key|credential)[a-z]*",
    r"(?=[a-z_ .-]*$)[a-z_ .-]*"  # (the lookaheads: one look at the rest, no rescans)
    r"(pass(word|wd|phrase)?|pwd|secret|token|key|credentials?)[-_ .]*(goes[-_ .]*)?here",
    r"placeholder.*", r"dummy.*", r"todo.*", r"fixme", r"tb[da]", r"not[-_ ]?set", r"unset",
    r"empty", r"to[-_ ]?be[-_ ]?(replaced|set|filled|defined|changed|provided)([-_ .].*)?",
    r"(x+|y+|\*+|\.+|-+|_+|0+)", r"none", r"null", r"nil", r"true", r"false", r"yes", r"no",
    r"\**redacted\**",
    r"x+([-_.: ]x+)+", r"\*+([-_.: ]\*+)+", r"0+([-_.: ]0+)+",  # xxxx-xxxx-xxxx, ****-****
    r"(base64|b64)[-_ ]?encoded[-_ ].*", r"fill[-_ ]?(me[-_ ]?)?in([-_ ].*)?",
    # example, or example and the secret's name (docker-library's `examplepass`)
    r"(fake|sample|test|example)[-_]?(pass(word|wd|phrase)?|pwd|secret|token|(api[-_]?)?key)?",
    r"ENC\[AES256_GCM,data:[^\]]*\]",  # a SOPS-encrypted value: ciphertext, not the secret
)
# fmt: on
_PLACEHOLDER_SOURCE = "|".join(_PLACEHOLDER_FORMS)
# An ASCII text is matched on RE2 (re took 36 M instructions to compile these forms ignoring
# case, in every process that judged a secret; RE2 a fraction of that), any other on `re`, whose
# case folding RE2 does not share (to `re`, a dotless i is an `i`, a long s an `s`). RE2 reads
# the text in one pass: it needs none of the lookaheads that keep `re` from rescanning the rest
# of the text. Python's `$` also matches before a final newline, hence RE2's `\n?`.
_PLACEHOLDER_ASCII = "(?:{})\n?".format(
    _PLACEHOLDER_SOURCE.replace("(?=[a-z]*$)", "").replace("(?=[a-z_ .-]*$)", "")
)
_PLACEHOLDER = LazyPattern(f"(?:{_PLACEHOLDER_SOURCE})$", re.IGNORECASE)


@functools.cache
def _ascii_placeholder() -> Any:
    """_PLACEHOLDER_ASCII on RE2, its groups left out: a verdict reads none (non_capturing)."""
    return compile_linear(non_capturing(_PLACEHOLDER_ASCII), re.IGNORECASE)


# A Sealed Secrets value (kubeseal), in its case: the length of the session key's RSA ciphertext
# in two bytes (512 or 256: `Ag`, `AQ`), that ciphertext, then the value's AES-GCM ciphertext.
_SEALED_SECRET = LazyPattern(
    r"(?:Ag[A-D][A-Za-z0-9+/]{700,}={0,2}|AQ[A-D][A-Za-z0-9+/]{360,}={0,2})$"
)
# A value a pipeline or template fills in before deploying (`<IMAGE1_NAME>`, `${TAG}`, an
# OpenShift Template's non-string `${{REPLICAS}}`,
# `{{image}}`, `$VAR`, REPLACE_ME, all X): not yet a value at all, so never a secret, an image or
# a name to judge. Narrower than _PLACEHOLDER, which also takes stand-ins for a secret (an ARN,
# `none`, `test`).
_FILLED_IN_LATER_SOURCE = r"""^(
        <[^>]*> | \{[^{}]*\} | \$\{[^}]*\} | \$\{\{[^}]*\}\} | \{\{(?!\s*resolve:)[^}]*\}\}
      | \$[A-Za-z_][A-Za-z0-9_]* | placeholder.* | replace[-_]?me | change[-_]?me | your[-_].*
      | x+
    )$"""
_FILLED_IN_LATER = LazyPattern(_FILLED_IN_LATER_SOURCE, re.IGNORECASE | re.VERBOSE)
# An ASCII text lower-cased, matched case-sensitively (the pattern spells small letters): what
# IGNORECASE gives it, for 2.0 million instructions to compile instead of 4.7, in every process
# that asks. Any other text takes _FILLED_IN_LATER, whose case folding has more to it.
_FILLED_IN_LATER_ASCII = LazyPattern(_FILLED_IN_LATER_SOURCE, re.VERBOSE)
# Its source too: the callers that search unbounded text run it on RE2.
INTERPOLATION_SOURCE = r"\$\{[^}]+\}|\{\{[^}]+\}\}|\{\{resolve:[^}]+\}\}"
INTERPOLATION = LazyPattern(INTERPOLATION_SOURCE)
# Keys published for all to use: AWS's examples, the Azure Storage emulator's account key
# (Azurite's `devstoreaccount1`), and Stripe's sample test-mode keys, which "all the examples"
# of its API reference carry (docs.stripe.com/api/authentication: sk_test_BQokikJ...; its
# earlier docs' sk_test_4eC39Hq... and that key's publishable pair), and reCAPTCHA's test
# secret key, which passes every verification (its FAQ, for automated tests). Only these: any
# other test-mode key is an account's own, which Stripe says to keep secret. (Turnstile's and
# hCaptcha's test keys are runs of zeros, filler already.)
_PUBLISHED_KEYS = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
)
# Any of them in one search (a generator over them cost a microsecond on each of 100,000 values).
_PUBLISHED_KEY = LazyPattern("|".join(map(re.escape, _PUBLISHED_KEYS)))
# AWS's documentation writes each of its example credentials with EXAMPLE inside
# (AKIAI44QH8DHBEXAMPLE, je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY, STS's session token
# `AQoDYXdzEPT//////////wEXAMPLEtc764...`), which is how gitleaks' and detect-secrets' AWS rules
# tell them: a key or token of that alphabet that says EXAMPLE is one of them (random base64
# spells it about once in 4 * 10^12 characters). Tested as two linear scans, not one pattern
# (`[...]*EXAMPLE[...]*` would retry each EXAMPLE of `EXAMPLEEXAMPLE...!`).
_KEY_ALPHABET = LazyPattern(r"[A-Za-z0-9+/]{16,}={0,2}")
# A token or key cut short for display with an ellipsis (`sk_live_...`, `AQoDYXdzEJr...o5Oyt`,
# a key's base64 `MIIEpgIBAAKCAQEA7yn3 ...` in a Secret): not the value it shows the start of.
_CUT_SHORT = LazyPattern(r"[\w+/=.…-]+(?: +(?:\.\.\.|…))?")


# A credential's scheme before a placeholder (`Bearer <token>`, `Basic ${CREDENTIALS}`), and a
# PEM block whose body is one (`-----BEGIN RSA PRIVATE KEY-----\n...\n-----END ...`,
# `MIIEpAIBAAKCAQEA...`): the placeholder is what stands in.
_AUTH_SCHEME = LazyPattern(r"(?:bearer|basic|token|digest)\s+(\S.*)", re.IGNORECASE | re.DOTALL)
_PEM_BLOCK = LazyPattern(r"-----BEGIN ([A-Z0-9 ]{1,64})-----(.*)-----END \1-----", re.DOTALL)


def is_placeholder(value: object) -> bool:
    """True for values that stand in for a secret rather than being one."""
    text = str(value).strip().strip("'\"")
    if _stands_in(text):
        return True
    written = _AUTH_SCHEME.fullmatch(text) or _PEM_BLOCK.fullmatch(text)
    return bool(written) and _stands_in(written.group(written.lastindex or 1).strip())


def _stands_in(text: str) -> bool:
    """is_placeholder of a text as it is written (no scheme nor PEM block around it)."""
    if not text or _written_as_placeholder(text):
        return True
    if INTERPOLATION.fullmatch(text) or text.startswith(("{{resolve:", "arn:aws")):
        return True
    if SECRET_REFERENCE.fullmatch(text):
        return True
    if "EXAMPLE" in text and _KEY_ALPHABET.fullmatch(text):
        return True
    if ("..." in text or "…" in text) and _CUT_SHORT.fullmatch(text):
        return True
    return _PUBLISHED_KEY.search(text) is not None


def _written_as_placeholder(text: str) -> bool:
    """Whether the whole text is one of _PLACEHOLDER_FORMS or a Sealed Secrets value."""
    if text.isascii():  # as its bytes: RE2 maps no offsets back to characters
        written = _ascii_placeholder().fullmatch(text.encode())
    else:
        written = _PLACEHOLDER.match(text)
    sealed = text.startswith(("Ag", "AQ")) and _SEALED_SECRET.match(text) is not None
    return written is not None or sealed


def is_filled_in_later(value: object) -> bool:
    """True for a value that is wholly a placeholder a pipeline or template fills in, or blank."""
    text = str(value).strip()
    if text.isascii():
        return not text or _FILLED_IN_LATER_ASCII.match(text.lower()) is not None
    return _FILLED_IN_LATER.match(text) is not None


# A token's random part counted out (`AIzaSyabcdefghijklmnop...`) or a few characters over and
# over (`GR1348941` `12312312312312312312`, `sgp_0a0a0a0a...`, `"0123456789" * 4`,
# `"abcdefghij" * 3`): filler, as a run of one character is. Eight letters in alphabetical
# order, or a period of two to four characters repeated over 15 or 16 of them, or a period of
# five to sixteen of the token's own alphabet repeated so that ten characters and more follow
# its first round, come about once in 10^12 random characters of a token's alphabets (10^10
# for digits alone). Digits in order are left alone: the numbers in a token (a Slack team's, a
# Discord channel's) are IDs, no secret, and examples count them
# (`xapp-1-A07QX9ZK2PL-7712345678901-...`); a long period holds no separator for the same
# reason (`xoxb-1234567890-1234567890-<secret>` repeats IDs, not its secret). Each position
# reads a bounded number ahead.
_REPEATED = LazyPattern(
    r"(..)\1{7}|(...)\2{4}|(....)\3{3}"
    r"|([A-Za-z0-9+/]{5,9})\4{2}|([A-Za-z0-9+/]{10,16})\5"
)
_COUNTED_OUT = 8
# Letters counted out in either case (`AbCdEfGhIjKl...`, `aBcDeF...`): a letter follows another
# in either case twice as often by chance, so ten of them, about once in 10^13.
_COUNTED_OUT_IN_EITHER_CASE = 10
# A run counts out when each ASCII letter in it is the character just after the one before:
# eight characters in a row of `@ABC...Z` or of `` `abc...z ``, or ten of `` `abc...z `` in
# either case (`` ` `` has none). Every such run written out, searched on RE2 in one pass
# (a loop over a token's characters in Python cost a file of 250,000 keys seconds).
_ALPHABETS = ("@" + string.ascii_uppercase, "`" + string.ascii_lowercase)


def _runs(alphabet: str, length: int, either_case: bool = False) -> Iterator[str]:
    for start in range(len(alphabet) - length + 1):
        run = alphabet[start : start + length]
        cased = (f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in run)
        yield "".join(cased) if either_case else re.escape(run)


_COUNTED_RUN = "|".join(
    [
        *(run for alphabet in _ALPHABETS for run in _runs(alphabet, _COUNTED_OUT)),
        *_runs(_ALPHABETS[1], _COUNTED_OUT_IN_EITHER_CASE, either_case=True),
    ]
)


def counts_out_or_repeats(text: str) -> bool:
    """Whether a token's text holds a counted-out run or a short period repeated (above)."""
    repeats = _may_repeat(text) and _REPEATED.search(text)
    # A run is ASCII: a text is searched as its UTF-8, with no offsets mapped back (a lone
    # surrogate, which UTF-8 cannot spell, is in none).
    counted = compile_linear(_COUNTED_RUN).search(text.encode("utf-8", "surrogatepass"))
    return bool(repeats or counted)


# A text _REPEATED matches repeats at least this many of its pairs of adjacent characters: a
# period of p characters over n holds n - 1 pairs of at most p kinds, the least of its
# alternatives (5 characters over 15, 10 over 20) 9 of them again.
_REPEATED_PAIRS = 9


def _may_repeat(text: str) -> bool:
    """Whether the text repeats enough pairs of adjacent characters for _REPEATED to match: a
    random token repeats none, and the pairs are counted in a moment where the backreferences
    cost twenty microseconds for each of a file's 100,000 tokens."""
    return len(text) - 1 - len(set(itertools.pairwise(text))) >= _REPEATED_PAIRS


# A token's prefix followed by words to the reader (`glpat-your-access-token`,
# `xoxb-1-2-yourslacktokenhere`, `dckr_pat_replace-with-yours`, `sk_live_YOUR_SECRET_KEY`), or
# saying it is none (Slack's documented `xoxb-not-a-real-token-this-will-not-work`): a stand-in.
# A part of a random token between two separators starts or ends with one of them about once in
# a million.
_READER_WORDS = (
    "your", "placeholder", "example", "sample", "dummy", "fake", "redacted", "replace", "insert",
    "changeme",
)  # fmt: skip
_PARTS = LazyPattern(r"[^a-z0-9]+")
_NOT_REAL = LazyPattern(r"not[-_. ]?a[-_. ]?real")
# A value written as one word of a token's alphabets (no spaces, no punctuation a password
# holds).
_TOKEN_WORD = LazyPattern(r"[\w+/=.-]+")
# A value under a secret's name is judged as a token for filler (counts_out_or_repeats) when it
# is as long as tokens are: a short one is a weak password (`abcdefgh`), and a longer one is a
# file in base64, whose indentation repeats (`ICAgICAg...`).
_TOKEN_LENGTH = range(16, 257)


def spelled_as_stand_in(text: str, past_first_part: bool = False) -> bool:
    """A token's text in words to the reader, in any of its parts or (past_first_part) in those
    after the first, which under a secret's name may be a weak password's own word."""
    lowered = text.lower()
    if _NOT_REAL.search(lowered):
        return True
    parts = _PARTS.split(lowered)[1 if past_first_part else 0 :]
    return any(part.startswith(_READER_WORDS) or part.endswith("here") for part in parts)


def is_token_stand_in(text: str) -> bool:
    """A value under a secret's name written as a token that is none: counted out or repeated
    (a token's length), or spelled in words to the reader."""
    if not _TOKEN_WORD.fullmatch(text):
        return False
    if len(text) in _TOKEN_LENGTH and counts_out_or_repeats(text):
        return True
    return spelled_as_stand_in(text, past_first_part=True)


# Inside single quotes a shell expands nothing: a password written `-p'S!B\*d$zDsb='` (the
# Kubernetes documentation's) is the password the program gets. A `$(` or `${` there is still
# filled in before the shell reads it (Kubernetes' `$(VAR)` in a container's args, a template's
# `${x}`), and so is a `$NAME` in capitals, a variable's name by convention, which Compose
# interpolates in any quotes. Each `$` reads its own name only.
_WORD_LOOK_BACK = 256
_EXPANDED_IN_SINGLE_QUOTES = LazyPattern(r"\$(?:[({]|[A-Z_][A-Z0-9_]*(?![A-Za-z0-9_]))")


def filled_in_elsewhere(text: str, start: int, value: str) -> bool:
    """A command line's value (in text, at start) with a shell expansion (`$VAR`, `$(cmd)`) but
    in single quotes, or a template's expression, which the value's match cuts short at its
    first space (`{{ password }}`)."""
    if value.startswith(("{{", "{%")):
        return True
    if "$" not in value:
        return False
    end = start + len(value)
    # the value ends a single-quoted part of its word (`-p'...'`, `-u 'user:...'`, printf's
    # line `'user:...\n'`), looked back for a bounded way
    word = max(text.rfind(" ", max(0, start - _WORD_LOOK_BACK), start), start - _WORD_LOOK_BACK)
    closed = text.startswith("'", end) or text.startswith("\\n'", end)
    quoted = text.count("'", max(word, 0), start) % 2 == 1 and closed
    return not quoted or bool(_EXPANDED_IN_SINGLE_QUOTES.search(value))
