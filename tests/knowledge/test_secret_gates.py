"""The tests a text passes before vendors' tokens and commands' passwords are searched in it."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge import secret_gates
from guardlint.knowledge.secret_gates import _COMMAND_WORD, may_hold_vendor_token_or_command
from guardlint.knowledge.secret_patterns import COMMAND_WORDS
from guardlint.knowledge.secrets import find_secrets
from guardlint.knowledge.vendor_tokens import may_hold_vendor_token

_PIECES = (
    *COMMAND_WORDS, "glpat-", "aiza", "npm_", "dckr_", "hvs.", "sk-ant-", "xoxe-", "a", "0", " ",
    "-", "_", "\n", "é", "ß",
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@example("x" * 30 + "mysql")
@example("glpat-" + "a" * 17)  # 23 characters: shorter than any vendor's token
@example("glpat-" + "a" * 18)
def test_one_set_search_tells_what_the_two_searches_tell(text: str) -> None:
    folded = text.casefold()
    expected = (may_hold_vendor_token(folded), _COMMAND_WORD.search(folded) is not None)
    assert may_hold_vendor_token_or_command(folded) == expected


def test_a_line_is_tested_in_one_search(monkeypatch) -> None:
    """A line (not over 4,096 characters) is tested for a vendor's prefix and a command's word
    in one set search, not by the two searches (each two microseconds of Python around RE2 on
    each of a file's 100,000 lines); a longer text by the two."""

    class Refused:
        def search(self, text: str) -> None:
            raise AssertionError("searched apart")

    monkeypatch.setattr(secret_gates, "_COMMAND_WORD", Refused())
    monkeypatch.setattr(secret_gates, "may_hold_vendor_token", Refused().search)
    assert may_hold_vendor_token_or_command("mysql -u root -phunter2hunter2") == (False, True)
    assert find_secrets("  password17: q3H8TIocTWK5ICs2") == []
    long_text = "x" * 5000 + " mysql"
    try:
        may_hold_vendor_token_or_command(long_text)
    except AssertionError:
        pass
    else:
        raise AssertionError("a long text went to the set search")
