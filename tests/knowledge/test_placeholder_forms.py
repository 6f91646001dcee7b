"""The forms of a placeholder, matched on RE2 for an ASCII text and on `re` for any other, say
what the one case-insensitive `re` pattern they replace said, text by text."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge.placeholders import (
    _FILLED_IN_LATER,
    _written_as_placeholder,
    is_filled_in_later,
)

# The pattern as it was, verbatim: the oracle.
_ONE_PATTERN = re.compile(
    r"""^(
        \$\{[^}]*\}? | \$[A-Za-z_][A-Za-z0-9_]* | \$\([^)]*\)       # ${VAR} $VAR $(cmd)
      | \{\{.*\}\} | \{\%.*\%\} | %(\([^)]*\))?s | <[^>]*> | \[[^\]]*\]  # templates, <password>
      | \{[^{}]*\}                                                  # {password}
      | \#\{[^}]*\}\#?                                          # ruby, #{x}# tokens
      | %%[\w.-]+%% | @@[\w.-]+@@ | <<[^>]*>>                  # token-replacement markers
      | \$\$[A-Za-z_]\w* | \$\$\{[^}]*\}                       # Compose's escaped $VAR
      | \$\{\{.*\}\} | __[A-Za-z][\w.-]*__                           # ${{ secrets.X }} __X__
      | \(\([^()]*\)\) | \[\[[^\]]*\]\]                            # Concourse ((x)), [[ .x ]]
      | %[A-Za-z_][\w.-]*% | \$env:[A-Za-z_]\w* | \$\[[^\]]*\]  # Windows, PowerShell, Azure
      | %\{[^}]*\} | %env\([^)]*\)% | @[A-Za-z_][\w.-]*@        # Puppet, Symfony, Maven
      | \$\$?(\.[\w-]+|\[[^\]]*\])+     # JSONPath: $.detail.token, $$.Execution.Input
      | ENC\([^)]*\) | \$ANSIBLE_VAULT;.* | AQICAH[\w+/=]{20,}  # Jasypt, Ansible Vault, KMS
      | (set|override)[-_ ]?me
      | changeit                       # the JDK cacerts keystore's published password
      | (set|provided|managed|injected|stored|supplied|defined|configured)[-_ ]
        (in|by|at|from|via)[-_ ].*
      | (change|replace|update)[-_ ]?(me|this).* | (insert|enter)[-_ ].* | your[-_ ].*
      | .*change[-_ ]?me                   # notSecureChangeMe: the reader is to change it
      | (replace|substitute)[-_ ]with[-_ ].*  # REPLACE_WITH_BASE64_KEY: what goes there
      # words addressed to the reader: yourpassword, YourApiKey, password_here, token-goes-here
      | your(?=[a-z]*$)[a-z]*(pass|pwd|secret|token|key|credential)[a-z]*
      | (?=[a-z_ .-]*$)[a-z_ .-]*  # (the lookaheads: one look at the rest, no rescans)
        (pass(word|wd|phrase)?|pwd|secret|token|key|credentials?)[-_ .]*(goes[-_ .]*)?here
      | placeholder.* | dummy.* | todo.* | fixme | tb[da] | not[-_ ]?set | unset | empty
      | to[-_ ]?be[-_ ]?(replaced|set|filled|defined|changed|provided)([-_ .].*)?
      | (x+|y+|\*+|\.+|-+|_+|0+) | none | null | nil | true | false | yes | no | \**redacted\**
      | x+([-_.:\ ]x+)+ | \*+([-_.:\ ]\*+)+ | 0+([-_.:\ ]0+)+  # xxxx-xxxx-xxxx, ****-****
      | (base64|b64)[-_\ ]?encoded[-_\ ].* | fill[-_\ ]?(me[-_\ ]?)?in([-_\ ].*)?
      # example, or example and the secret's name (docker-library's `examplepass`)
      | (fake|sample|test|example)[-_]?(pass(word|wd|phrase)?|pwd|secret|token|(api[-_]?)?key)?
      | ENC\[AES256_GCM,data:[^\]]*\]    # a SOPS-encrypted value: ciphertext, not the secret
      # A Sealed Secrets value (kubeseal): the length of the session key's RSA ciphertext in two
      # bytes (512 or 256: `Ag`, `AQ`), that ciphertext, then the value's AES-GCM ciphertext
      | (?-i:Ag[A-D][A-Za-z0-9+/]{700,}={0,2} | AQ[A-D][A-Za-z0-9+/]{360,}={0,2})
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Pieces of every form (their words and punctuation, in both cases), characters `re` folds to
# ASCII letters (dotless i, long s, the Kelvin sign), other text, and a final newline.
_PIECES = (
    "${", "$(", "$$", "{{", "}}", "{%", "%}", "{", "}", "<", ">", "[", "]", "((", "))", "#{", "}#",
    "%%", "@@", "%", "@", "$", "__", "$env:", "$.", "env(", "ENC(", "ENC[AES256_GCM,data:", ")",
    "$ANSIBLE_VAULT;", "AQICAH", "set", "override", "me", "changeit", "provided", "in", "by",
    "change", "Replace", "this", "insert", "your", "Your", "with", "substitute", "pass", "word",
    "pwd", "secret", "token", "key", "credentials", "goes", "here", "HERE", "placeholder",
    "dummy", "todo", "fixme", "tbd", "not", "unset", "empty", "to", "be", "filled", "x", "X", "y",
    "*", ".", "-", "_", "0", ":", " ", "none", "NULL", "nil", "true", "No", "redacted", "base64",
    "encoded", "fill", "fake", "sample", "test", "example", "api", "s", "a", "Z", "9", "=", "/",
    "+", "\u0131", "\u017f", "\u212a", "\u0130", "é", "\n", "'",
)  # fmt: skip
_SEALED = ("Ag", "AQ", "AgB", "AQC", "AgE")


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
@example("yourpassword")
@example("YourApiKey\n")
@example("yourCredential")
@example("token-goes-here")
@example("notSecureChangeMe")
@example("\u017fet-me")  # a long s: `re` reads `set-me`
@example("\u0131nsert-here")  # a dotless i
@example("$\u212aEY")  # the Kelvin sign, in `$VAR`'s letters
@example("sk_live_abc")
def test_the_forms_answer_as_the_one_pattern(text: str) -> None:
    assert _written_as_placeholder(text) == (_ONE_PATTERN.match(text) is not None)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_SEALED),
    st.integers(300, 800),
    st.sampled_from(("", "=", "==", "===", "\n", "=\n", "!", "a")),
)
def test_a_sealed_secret_is_told_in_its_case(prefix: str, length: int, end: str) -> None:
    for text in (prefix + "Bx/9+" * (length // 5) + end, prefix.lower() + "b" * length + end):
        assert _written_as_placeholder(text) == (_ONE_PATTERN.match(text) is not None)


_FILLED_PIECES = (
    "<", ">", "{", "}", "$", "{{", "}}", "${", "${{", "resolve:", "RESOLVE:", " ", "\t", "_",
    "-", "x", "X", "PLACEHOLDER", "placeholder", "Replace", "me", "ME", "change", "Your", "your",
    "a", "Z", "9", "\n", "\u0131", "\u017f", "\u212a", "\u0130", "é",
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_FILLED_PIECES), max_size=10).map("".join))
@example("{{ RESOLVE:ssm:x }}")
@example("Your-Registry")
@example("XXX\n")
@example("$\u212aEY")  # the Kelvin sign: not ASCII, read by the case-folding pattern
def test_filled_in_later_answers_as_the_case_folding_pattern(text: str) -> None:
    """An ASCII text is matched lower-cased without IGNORECASE: the same answers."""
    stripped = text.strip()
    expected = not stripped or _FILLED_IN_LATER.match(stripped) is not None
    assert is_filled_in_later(text) == expected
