"""Tokens written as documentation writes their stand-ins, under a secret's name: quiet in every
pack that judges a secret-named value, as they are where a detector finds them; the
real-looking tokens and the weak passwords written beside them stay reported."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets, is_literal_secret
from tests.conftest import run_scan, write_file

STAND_INS = [
    # a token's prefix, then an ellipsis where the rest is left out
    ("STRIPE_SECRET_KEY", "sk_live_..."),
    ("ANTHROPIC_API_KEY", "sk-ant-..."),
    ("OPENAI_API_KEY", "sk-…"),
    ("AWS_SESSION_TOKEN", "AQoDYXdzEJr...o5OytwEXAMPLE="),
    # the prefix, then words to the reader or saying it is none (Slack's documentation)
    ("STRIPE_SECRET_KEY", "sk_live_YOUR_SECRET_KEY"),
    ("SLACK_BOT_TOKEN", "xoxb-your-token"),
    ("SLACK_BOT_TOKEN", "xoxb-not-a-real-token-this-will-not-work"),
    ("GITLAB_TOKEN", "glpat-replace-with-yours"),
    # the prefix, then its random part counted out or repeated
    ("GITHUB_TOKEN", "ghp_1234567890abcdefghijklmnopqrstuvwxyz"),
    ("GITHUB_TOKEN", "ghp_" + "0123456789" * 3 + "012345"),
    ("GITLAB_TOKEN", "glpat-1234567890abcdefghij"),
    ("DOCKERHUB_TOKEN", "dckr_pat_abcdefghijklmnopqrstuvwxyz0"),
    ("API_KEY", "abcdef0123456789abcdef0123456789"),
    ("API_KEY", "12345678901234567890123456789012"),
    ("API_KEY", "abc123abc123abc123abc123"),
    # letters counted out in either case
    ("SLACK_BOT_TOKEN", "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("HF_TOKEN", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH"),
]
REAL = [
    ("GITHUB_TOKEN", "ghp_R8x2LqZ7pV3nK9wT4yB6mJ1cH5fD0sA2eG7u"),
    ("SLACK_BOT_TOKEN", "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"),
    ("API_KEY", "f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6"),
    # weak passwords, the first part of one a word to the reader, short or with punctuation
    ("DB_PASSWORD", "example_123"),
    ("DB_PASSWORD", "your.pass!word"),
    ("DB_PASSWORD", "abcdefgh"),
    ("DB_PASSWORD", "mysecretpassword"),
    ("DB_PASSWORD", "s3cr3t...!"),
    ("DB_PASSWORD", "Atmosphere2024"),
]


@pytest.mark.parametrize(("name", "value"), STAND_INS)
def test_a_token_written_as_a_stand_in_is_no_literal_secret(name, value):
    assert not is_literal_secret(name, value)
    assert find_secrets(f"{name}={value}") == []


@pytest.mark.parametrize(("name", "value"), REAL)
def test_real_looking_tokens_and_weak_passwords_stay_secrets(name, value):
    assert is_literal_secret(name, value)


def test_token_stand_ins_are_quiet_and_real_tokens_reported_in_every_pack(tmp_path):
    cases = STAND_INS + REAL
    write_file(
        tmp_path,
        "Dockerfile",
        "FROM alpine:3.20\n" + "".join(f'ENV {n}_{i}="{v}"\n' for i, (n, v) in enumerate(cases)),
    )
    write_file(
        tmp_path,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        + "".join(f"      {n}_{i}: '{v}'\n" for i, (n, v) in enumerate(cases)),
    )
    write_file(
        tmp_path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "  - name: c\n    image: nginx:1.27\n    env:\n"
        + "".join(f"    - name: {n}_{i}\n      value: '{v}'\n" for i, (n, v) in enumerate(cases)),
    )
    rules = {"DKR004", "CMP007", "K8S014", "SEC001"}
    found = run_scan(tmp_path, only_rules=rules).findings
    reported = {(f.rule_id, f.path.rsplit("/", 1)[-1], f.region.start_line) for f in found}
    first = len(STAND_INS)
    expected = {("DKR004", "Dockerfile", 2 + i) for i in range(first, len(cases))}
    expected |= {("CMP007", "compose.yaml", 5 + i) for i in range(first, len(cases))}
    expected |= {("K8S014", "pod.yaml", 11 + 2 * i) for i in range(first, len(cases))}
    assert reported == expected


# Key IDs are base32 (A-Z, 2-7), but one typed by hand with other digits is reported too:
# a test of a hard-coded key writes one so, and means it.
@pytest.mark.parametrize(
    "key_id", ["AKIAZ3MSJV4WXQ2P7LNB", "ASIAY34FZKBOKMUTVV7A", "AKIA2E0A8F3B244C9986"]
)
def test_an_aws_key_id_is_found_however_typed(key_id):
    assert [(m.kind, m.value) for m in find_secrets(f"id: {key_id}")] == [
        ("AWS Access Key", key_id)
    ]


@pytest.mark.parametrize(
    "line",
    # a secret's name in capitals where the reader writes theirs, as a README writes a command
    ["docker login -u USER -p PASSWORD", "mysql -uroot -pMYSQL_ROOT_PASSWORD -e 'select 1'",
     "curl -u USERNAME:API_TOKEN https://example.com", "sshpass -p ROOT_PW ssh host"],
)  # fmt: skip
def test_a_secret_s_name_in_capitals_on_a_command_line_is_a_stand_in(line):
    assert find_secrets(line) == []


@pytest.mark.parametrize(
    ("line", "password"),
    [("mysql -uroot -pHUNTER2XYZ", "HUNTER2XYZ"), ("docker login -u u -p password", "password")],
)
def test_capitals_without_a_secret_s_name_and_weak_passwords_stay_found(line, password):
    assert [match.value for match in find_secrets(line)] == [password]


def test_a_secret_whose_values_are_cut_short_commits_none(tmp_path):
    """K8S025: a documentation's Secret shows a key's or a token's start and an ellipsis."""
    write_file(
        tmp_path,
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n"
        "  tls.crt: |\n    MIIC2DCCAcCgAwIBAgIBATANBgkqh ...\n"
        "  tls.key: |\n    MIIEpgIBAAKCAQEA7yn3bRHQ5FHMQ ...\n"
        "stringData:\n  token: 'sk_live_...'\n  session: AQoDYXdzEJr…o5OytwE\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n"
        "stringData:\n  password: 'S!B\\*d$zDsb='\n",
    )
    found = run_scan(tmp_path, only_rules={"K8S025"}).findings
    assert [(f.rule_id, f.region.start_line) for f in found] == [("K8S025", 21)]


@pytest.mark.parametrize(
    "line",
    # a URL's credentials that are the names of both fields, as a command's are
    ["git clone https://username:password@github.com/org/repo.git",
     "DATABASE_URL=postgres://user:password@db:5432/app", "https://user:token@github.com/o/r"],
)  # fmt: skip
def test_a_url_s_credentials_that_name_their_fields_are_a_stand_in(line):
    assert find_secrets(line) == []


@pytest.mark.parametrize(
    ("line", "credentials"),
    [("postgres://admin:password@db/app", "://admin:password@"),
     ("postgres://user:Zq8WmR3xLk2P@db/app", "://user:Zq8WmR3xLk2P@")],
)  # fmt: skip
def test_a_url_s_weak_or_real_password_is_still_found(line, credentials):
    assert [match.value for match in find_secrets(line)] == [credentials]


@pytest.mark.parametrize(
    "value",
    ["xxxx-xxxx-xxxx", "****-****", "0000-0000-0000", "XXXX XXXX", "base64-encoded-password",
     "FILL_ME_IN", "fill-in", "Bearer <token>", "Bearer ${TOKEN}", "Basic {{ .Values.auth }}",
     "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
     "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----",
     "-----BEGIN OPENSSH PRIVATE KEY-----\n<your key>\n-----END OPENSSH PRIVATE KEY-----",
     # a Stripe publishable key is made to be shipped in a web page
     "pk_test_TYooMQauvdEDq54NiTphI7jx", "pk_live_51H8xYzQm4Tz8RkW2xPv7NcL3bY9sHd5"],
)  # fmt: skip
def test_documentation_s_stand_ins_under_a_secret_s_name(value):
    assert not is_literal_secret("API_TOKEN", value)


@pytest.mark.parametrize(
    "value",
    ["Bearer Zq8WmR3xLk2PvT7nQ4", "Basic dXNlcjpaOHdtUjN4TGsy", "xox-1234", "filling",
     "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7yn3bRHQ5FHMQ\n"
     "-----END RSA PRIVATE KEY-----",
     # an account's own test-mode key (Stripe's published sample one is a stand-in)
     "sk_test_51Hx8QzR4tWq8Lm9Vb3Nc7Kp"],
)  # fmt: skip
def test_the_real_looking_values_beside_them_stay_secrets(value):
    assert is_literal_secret("API_TOKEN", value)
