"""Which of many texts may hold a secret (guardlint.knowledge.secret_texts): never fewer than
the shared detectors find a secret in, or whose names a secret's may be."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge import secret_lines
from guardlint.knowledge.credentials import hardcoded_credential
from guardlint.knowledge.secret_gates import CANDIDATE_PATTERN, FOUND_BESIDE_CANDIDATES
from guardlint.knowledge.secret_names import is_secret_name
from guardlint.knowledge.secret_texts import may_hold_secrets
from guardlint.knowledge.secrets import find_secrets

_ORDINARY = ["t3.micro", "arn:aws:s3:::logs-bucket/*", "us-east-1", "2012-10-17", "", "Allow"]


@pytest.mark.parametrize(
    "text",
    # secrets found with none of the candidate lines' words: a password fed to sudo, an SQL
    # statement's, a repository's that Composer, Poetry or Bundler stores, a SAS signature
    ["echo Xk8s9dLq2Pz | sudo -S apt-get update",
     "CREATE USER app IDENTIFIED BY 'Xk8s9dLq2Pz'",
     "composer config http-basic.repo.example.com alice Xk8s9dLq2Pz",
     "poetry config http-basic.internal alice Xk8s9dLq2Pz",
     "bundle config gems.example.com alice:Xk8s9dLq2Pz",
     "https://acct.blob.core.windows.net/c/b?sv=2020-08-04&sr=b&sig=Xk8s9dLq2PzWq7RtYb3nM4v%3D",
     # and with them
     "ghp_Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6aS7dF8gH", "mysql -uroot -pXk8s9dLq2Pz"],
)  # fmt: skip
def test_a_text_with_a_secret_may_hold_one(text):
    assert find_secrets(text)
    assert may_hold_secrets([*_ORDINARY, text]) == {text}


def test_a_json_member_named_as_a_secret_only_decoded_may_hold_one():
    text = '{"user": "app", "p\\u0061ssword": "Xk8s9dLq2Pz"}'
    assert hardcoded_credential("Content", text, property_name=True) == "Xk8s9dLq2Pz"
    assert may_hold_secrets([*_ORDINARY, text]) == {text}


def test_ordinary_values_hold_none():
    assert may_hold_secrets(_ORDINARY) == set()


# What texts may hold around the words and prefixes searched for: Unicode word characters and
# spaces (RE2's classes are ASCII), a lone surrogate, line breaks (a text joined to the next by
# one), the words, and `$`'s place (`pat` at a text's end).
_PIECES = (
    "sg.", "é", "_", "-", "x", "0", "\u00a0", "\udcff", " ", "\n", "://", ":", "@", "/", "\\",
    "password", "Token", "AKIA", "ghp_", "sk-", "pat", "sudo", "sig=", "ß", "日本",
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join), max_size=8))
@example(["pat", "sg." + "é" * 16, "x://\u00a0ü:p@h"])
def test_every_text_the_whole_pattern_finds_may_hold_a_secret(texts):
    oracle = re.compile(f"{CANDIDATE_PATTERN}|{FOUND_BESIDE_CANDIDATES}|\\\\")
    assert {text for text in texts if oracle.search(text.casefold())} <= may_hold_secrets(texts)


def test_a_line_of_string_alone_is_no_candidate_but_a_connection_string_name_is():
    lines = [
        "    Type: String",
        "  DB_CONNECTION_STRING: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
        '  "ConnectionString": "Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6"',
    ]
    assert list(secret_lines._candidate_lines(lines)) == [1, 2]
    assert [secret.region.start_line for secret in secret_lines.scan_lines(lines)] == [2, 3]


def test_a_line_of_key_alone_is_no_candidate_but_a_key_of_a_secret_pair_is():
    lines = [
        "        - Key: Name",
        "      KeyName: deploy",
        "      S3Key: lambda.zip",
        "  DD_APP_KEY: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
        "  x-api-key: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
        "  OPENAI_KEY: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
        "  TLS_KEY_PEM: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
        "  AZURE_STORAGE_KEY: Xk8s9dLq2PzWq7RtYb3nM4vC5xZ6",
    ]
    assert list(secret_lines._candidate_lines(lines)) == [3, 4, 5, 6, 7]
    assert [secret.region.start_line for secret in secret_lines.scan_lines(lines)] == [
        4,
        5,
        6,
        7,
        8,
    ]


# The words of names, secret ones among them, and what name_words splits them at.
_NAME_PIECES = (
    "api", "API", "Key", "key", "KEY", "_", "-", ".", " ", "App", "db", "DB", "pem", "openai",
    "azure_", "storage", "x", "2", "V2", "Token", "String", "connection", "Pat", "path", "sa",
    "Secret", "Access", "public", "\u212a", "é", "Id", "Password", "Prod",
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), min_size=1, max_size=6).map("".join))
@example("\u212aEY_PEM")  # the Kelvin sign: a `k` once lowered or case-folded
def test_every_secret_name_may_hold_a_secret(name):
    if is_secret_name(name):
        assert may_hold_secrets([name]) == {name}
