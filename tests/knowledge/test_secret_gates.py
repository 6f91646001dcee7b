"""The tests a text passes before vendors' tokens and commands' passwords are searched in it."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge import secret_gates, secret_names, secrets
from guardlint.knowledge.secret_gates import (
    _COMMAND_WORD,
    may_hold_secret,
    may_hold_vendor_token_or_command,
)
from guardlint.knowledge.secret_names import may_name_a_secret
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


# What find_secrets' paths read: detectors' and vendors' prefixes and whole tokens, commands and
# their options, secret-looking names, a connection string's keys, headers, a URL's password,
# SQL's, a package manager's; characters whose case folding is no lowering (`ß`, the long s,
# the Kelvin sign, `İ`), and what joins them.
_SECRET_PIECES = (
    " ", "=", ":", ";", "'", '"', "|", "-", "_", ".", "/", "@", "://", "\n", "$", "é",
    "ß", "\u017f", "\u212a", "İ", "ﬀ", "u", "h", "x",
    "Xk8s9dLq2PzWq7RtYb3nM4vC5", "Xk8s9dLq2Pz", "ghp_Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6aS7dF8gH",
    "AKIAXK8S9DLQ2PZWQ7RT", "sk-proj-", "glpat-", "npm_", "eyJhbGciOiJIUzI1NiJ9.", "AIza",
    "-----BEGIN RSA PRIVATE KEY-----", "mysql", "-p", "-u", "sudo -S", "echo", "curl",
    "--user", "-H", "Authorization: Bearer ", "Authorization: Basic ", "X-Api-Key: ",
    "IDENTIFIED BY", "Pwd=", "Password=", "AccountKey=", "Server=db", "sig=", "sv=2020",
    "export ", "DB_PASSWORD", "API_TOKEN", "SECRET", "pat", "machine", "login", "_auth",
    "config set", "composer config http-basic.r", "bundle config", "poetry config",
    "--set a.", "-D", "htpasswd -b", "chpasswd", "--password-stdin", "rclone config create",
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_SECRET_PIECES), max_size=14).map("".join))
@example("echo Xk8s9dLq2Pz | sudo -S apt-get update")
@example("CREATE USER app IDENTIFIED BY 'Xk8s9dLq2Pz'")
@example("https://a.blob.core.windows.net/c?sv=2020-08-04&sig=Xk8s9dLq2PzWq7RtYb3nM4v%3D")
@example("\u017fudo \u017fig=")
def test_a_text_the_candidate_search_rules_out_holds_nothing_the_full_search_finds(text):
    """find_secrets' early exit is exact: every path's finds are in texts it lets by."""
    folded = text.casefold()
    if not may_hold_secret(folded):
        assert secrets._searched_in(text, folded) == ()


def test_a_text_the_candidate_search_rules_out_is_searched_no_further(monkeypatch) -> None:
    """An ordinary value (most of a template's) is ruled out in one search, no path run."""

    def refused(text: str, folded: str) -> None:
        raise AssertionError(f"searched {text!r}")

    monkeypatch.setattr(secrets, "_searched_in", refused)
    for text in ("arn:aws:s3:::early-exit-logs/*", "t3.early.exit", "", "Type: EarlyExit"):
        assert find_secrets(text) == []


# Pieces of secret names (`pat` and `key` only as words or beside their pairs' words), what
# `pat` and `key` must not be next to, and what RE2 reads otherwise than `re` (a final line
# feed, non-ASCII, a lone surrogate).
_NAME_PIECES = (
    "pat", "path", "key", "api", "_", "-", "password", "passwd", "token", "secret", "prod", "v2",
    "a", "0", " ", "\n", "é", "ß", "\ud800",
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=12).map("".join))
@example("pat\n")
@example("api\ud800key")
def test_the_name_search_on_re2_finds_what_re_finds(text: str) -> None:
    """may_name_a_secret searches on RE2, in UTF-8: it tells what `re` would of the text."""
    folded = text.casefold()
    pattern = re.compile(secret_names._NAME_SEARCH.decode())
    assert may_name_a_secret(folded) is (pattern.search(folded) is not None)
