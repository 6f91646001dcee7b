"""The shape of what the shared detectors report: stand-ins written in a token's or a URL's
shape stay quiet, and a token is reported whole (so that it is redacted whole)."""

from __future__ import annotations

import json
from base64 import b64encode

import pytest

from guardlint.knowledge.secrets import find_secrets
from tests.conftest import findings_of, run_scan, write_file

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
    "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF4QT4fwpMeJf36POk6yJV_adQssw5c"
)


@pytest.mark.parametrize(
    "password",
    ["<password>", "changeme", "PASSWORD", "DB_PASSWORD", "xxxxxxxx", "********",
     "your-password", "YOUR_PASSWORD", "REPLACE_ME", "{{password}}", "{password}", "dummy",
     "redacted", "placeholder"],
)  # fmt: skip
@pytest.mark.parametrize("scheme", ["https", "postgres", "mongodb+srv"])
@pytest.mark.parametrize("user", ["user", ""])
def test_a_url_whose_password_is_a_stand_in_is_quiet(scheme, user, password):
    assert find_secrets(f"url: {scheme}://{user}:{password}@host.example.com/x") == []


@pytest.mark.parametrize(
    "line",
    ["url: redis://:${REDIS_PASSWORD}@redis:6379", "http://:@host/", "ipv6: http://[::1]:8080/",
     "see https://example.com/a:b@c", "time 12://:30@x"],
)  # fmt: skip
def test_urls_without_a_literal_password(line):
    assert find_secrets(line) == []


@pytest.mark.parametrize(
    "url",
    ["https://admin:Xk8s9dLq2Pz@host.example.com", "mongodb://root:S3cr3tMongo@mongo:27017/",
     "postgres://app:hunter2@db/app", "amqp://deploy:password1@mq/", "https://u:secret-Pw9@h/",
     # a weak password is still one, as under a password's name (CMP007, CFN015)
     "postgres://app:password@db/app",
     # no user: Redis before 6 has only a password
     "redis://:Xk8s9dLq2Pz@redis:6379/0", "rediss://:hunter2@cache.example.com:6380"],
)  # fmt: skip
def test_a_url_with_a_real_password_is_reported(url):
    assert [m.kind for m in find_secrets(f"url: {url}")] == ["Basic Auth Credentials"]


@pytest.mark.parametrize(
    "token",
    ["AKIAXXXXXXXXXXXXXXXX", "AKIA0000000000000000", "ghp_" + "x" * 36, "ghp_" + "X" * 36,
     "glpat-" + "x" * 20, "sk_live_" + "x" * 24, "sk_live_" + "X" * 24,
     "xoxb-0000000000-0000000000000-" + "x" * 24,
     "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/" + "X" * 24,
     "https://hooks.slack.com/services/T00000000/B00000000/" + "X" * 24,
     "SG." + "x" * 22 + "." + "x" * 43, "sk-" + "x" * 20 + "T3BlbkFJ" + "x" * 20],
)  # fmt: skip
def test_a_token_filled_with_one_character_is_a_stand_in(token):
    assert find_secrets(f"token: {token}") == []


@pytest.mark.parametrize(
    "token,kind",
    [("AKIAZ7VRSQ3LKQ2X5EPN", "AWS Access Key"),
     ("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", "GitHub Token"),
     ("glpat-Zx9Qw2Lm7Rt4Yp1Kd8Vb", "GitLab Token"),
     ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe Access Key"),
     ("xoxb-2418264913-4419571938472-Kx8RmQ2wLp9ZtV3nYb7Hc1Jd", "Slack Token"),
     # a real token may hold a short run of one character
     ("ghp_wWPw5k4aXxxxNP0UcnZwJUVFk6LO0pINUx00", "GitHub Token")],
)  # fmt: skip
def test_real_tokens_are_still_reported(token, kind):
    assert [(m.kind, m.value) for m in find_secrets(f"token: {token}")] == [(kind, token)]


@pytest.mark.parametrize("line", [f"jwt: {JWT}", f'{{"jwt": "{JWT}"}}', f"Bearer {JWT}. Done"])
def test_a_json_web_token_is_found_with_its_signature(line):
    assert [(m.kind, m.value) for m in find_secrets(line)] == [("JSON Web Token", JWT)]


def test_a_json_web_token_without_a_signature_is_found_as_written():
    unsigned = JWT.rsplit(".", 1)[0] + "."
    assert [m.value for m in find_secrets(f"jwt: {unsigned}")] == [unsigned]


def test_a_filler_user_does_not_hide_the_password_of_a_url():
    assert [m.kind for m in find_secrets("https://xxxxxxxx:Xk8s9dLq2Pz@h/")] == [
        "Basic Auth Credentials"
    ]


BODY = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB"
KEY = f"BEGIN RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(
    "text,value",
    [
        (f"-----{KEY}\n", KEY),  # a block scalar's value, as parsed
        (f'"k": "-----{KEY}\\n"'.replace("\n", "\\n"), KEY.replace("\n", "\\n")),  # JSON source
        (f"# -----{KEY}\nnext: line".replace("\n", " ", 2), KEY.replace("\n", " ")),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "BEGIN OPENSSH PRIVATE KEY-----"),  # a line
        ('RUN echo "-----BEGIN EC PRIVATE KEY-----" > k', "BEGIN EC PRIVATE KEY-----"),
    ],
)
def test_a_private_key_is_found_with_the_key_written_after_its_header(text, value):
    assert [(m.kind, m.value) for m in find_secrets(text)] == [("Private Key", value)]


def test_many_key_headers_in_a_row_are_searched_in_linear_time():
    text = "BEGIN RSA PRIVATE KEY " * 50_000
    assert [m.value for m in find_secrets(text)] == [text.rstrip()]


@pytest.mark.parametrize(
    "url",
    # a template or a shell fills in the host: the password is written all the same
    ["postgres://app:S3cretPw9@${Db.Endpoint.Address}:5432/app",
     "mongodb://root:S3cr3tMongo@$MONGO_HOST:27017/", "redis://:Xk8s9dLq2Pz@${REDIS_HOST}",
     "mysql://root:Pw9xQ2@{{ .Values.db.host }}/app"],
)  # fmt: skip
def test_a_url_password_before_a_host_filled_in_later_is_reported(url):
    assert [m.kind for m in find_secrets(f"url: {url}")] == ["Basic Auth Credentials"]


@pytest.mark.parametrize(
    "url,password",
    # special characters people leave unencoded: the password runs to the `@` before the host
    [("mysql://root:P@ssw0rd!@db:3306/app", "P@ssw0rd!"),
     ("mongodb+srv://admin:S3cr3t#Pass@cluster0.abcd.mongodb.net/?retryWrites=true", "S3cr3t#Pass"),
     ("redis://default:Xk8s9dLq2Pz=@redis:6379", "Xk8s9dLq2Pz="),
     ("memcached://u:pa(ss)word1@cache", "pa(ss)word1"),
     ("https://bob:Pa55w0rd!@nexus.example.com/repo", "Pa55w0rd!"),
     ("amqp://deploy:R4bb1t&Mq*@rabbit:5672/", "R4bb1t&Mq*"),
     ("redis://:p@ss,w0rd@redis:6379/0", "p@ss,w0rd")],
)  # fmt: skip
def test_a_url_password_with_special_characters_is_found_whole(url, password):
    (found,) = find_secrets(f'url: "{url}"')
    assert found.kind == "Basic Auth Credentials"
    assert found.value.endswith(f":{password}@")


@pytest.mark.parametrize(
    "line",
    ["https://host:8080?email=a@b.com", "https://u:p@host/path@x is fine: only p",
     "docker://registry:5000/image@sha256:abc", "ssh://git@github.com:22/org/repo",
     "amqp://user:${A}${B}@rabbit", "postgres://app:$DB_PASSWORD@db/app",
     "postgres://{{ .Values.user }}:{{ .Values.password }}@db/app"],
)  # fmt: skip
def test_urls_whose_credentials_are_no_literal_password(line):
    assert [m.value for m in find_secrets(line) if m.value != "://u:p@"] == []


def test_a_report_redacts_a_url_password_with_special_characters_whole(tmp_path):
    write_file(
        tmp_path,
        "compose.yaml",
        "services:\n  app:\n    image: app:1.0\n    environment:\n"
        '      DATABASE_URL: "mysql://root:P@ssw0rd!@db:3306/app"\n',
    )
    (found,) = findings_of(run_scan(tmp_path, only_rules={"CMP007"}), "CMP007")
    assert "ssw0rd" not in found.snippet and "<redacted>db:3306" in found.snippet


FINE_GRAINED = (
    "github_pat_11ABCDEFG0Zq8WmR3xLk2P_"
    + "Tn5Rw2Kp9XvB4mQz7LcH3sJd8Yf6Ng1Wk0Pr5Ub2Ex9Va4Mt7Cq3Zh8Lj6S"
)


@pytest.mark.parametrize("line", [f"token: {FINE_GRAINED}", f'{{"GH_TOKEN":"{FINE_GRAINED}"}}'])
def test_a_fine_grained_github_token_is_found(line):
    assert [(m.kind, m.value) for m in find_secrets(line)] == [("GitHub Token", FINE_GRAINED)]


def test_a_fine_grained_github_token_of_filler_is_a_stand_in():
    assert find_secrets("token: github_pat_" + "x" * 82) == []


SAS_SIG = "q8Yt1N3p0ZbV4wX7cR2mK9sL5dF6gH1jA3kQ8uE2rT4%3D"


@pytest.mark.parametrize(
    "text",
    [f"https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=rl&se=2025-01-01&sig={SAS_SIG}",
     f"BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b"
     f"&srt=sco&sp=rl&sig={SAS_SIG}"],
)  # fmt: skip
def test_an_azure_shared_access_signature_is_a_secret(text):
    assert [(m.kind, m.value) for m in find_secrets(text)] == [
        ("Connection String Secret", SAS_SIG)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=${SAS_SIG}",
        "https://example.com/verify?sig=abc123def456&user=x",
    ],
)
def test_a_signature_without_a_literal_or_outside_a_sas_is_none(text):
    assert find_secrets(text) == []


B64_KEY = (
    "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBdTFTVTFMZlZMUEhDb3pNeEgyTW8K"
    "NGxnT0VlUHpObTB0UlZ6N2tYVjJyK0t0bkt3RDVUZWpqcmxMQ2g4R3kwWHJ3T3JXVHBUcXJ6Q3JQ"
)


@pytest.mark.parametrize("line", [f"SSH_KEY: {B64_KEY}", f'"tls-key": "{B64_KEY}"'])
def test_a_base64_private_key_is_found_whole(line):
    assert [(m.kind, m.value) for m in find_secrets(line)] == [("Private Key", B64_KEY)]


def test_a_base64_certificate_is_no_private_key():
    cert = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvRENDQWVTZ0F3SUJBZ0lCQURBTkJna3Foa2lH"
    assert find_secrets(f"caBundle: {cert}") == []


def _pem_key() -> str:
    body = "\n".join(("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "x7Qp" * 8)[:64] for _ in range(6))
    return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    "document",
    [
        # a service account's key file with its keys sorted, at each alignment of its key
        *(
            json.dumps({"client_email": "ci@p.iam.gserviceaccount.com" + pad,
                        "private_key": _pem_key(), "type": "service_account"}, sort_keys=True)
            for pad in ("", "x", "xx")
        ),
        "# deploy key\n" + _pem_key(),
    ],
)  # fmt: skip
def test_a_private_key_inside_a_base64_text_is_found_whole(document):
    encoded = b64encode(document.encode()).decode()
    assert [(m.kind, m.value) for m in find_secrets(f"SIGNER: {encoded}")] == [
        ("Private Key", encoded)
    ]


def test_a_base64_text_naming_a_public_key_is_no_private_key():
    public = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
    assert find_secrets(f"VERIFIER: {b64encode(public.encode()).decode()}") == []


@pytest.mark.parametrize("body", ["...", "<your private key here>", "", "# paste the key"])
def test_a_private_key_written_whole_without_key_text_is_a_stand_in(body):
    """A ConfigMap's or a variable's whole value, header to END line, with no key between."""
    text = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    assert find_secrets(text) == []


def test_a_private_key_written_whole_is_found():
    text = f"-----BEGIN EC PRIVATE KEY-----\n{B64_KEY[:64]}\n-----END EC PRIVATE KEY-----\n"
    assert [m.kind for m in find_secrets(text)] == ["Private Key"]


def test_a_github_app_installation_token_of_the_stateless_format_is_found_whole():
    """`ghs_<app id>_<signed body>`, some 500 characters: the detector's match stops at 36."""
    body = "q8Yt1N3p0ZbV4wX7cR2mK9sL5dF6gH1jA3kQ8uE2rT4Wv7PzLm2Nc9Bx5Hs6Gd3Kf1Jh8Tq0Ry4Ue7Io2Pa5Sd"
    token = "ghs_1234567_" + "_".join((body * 3)[i : i + 160] for i in (0, 7, 21))
    assert [(m.kind, m.value) for m in find_secrets(f"GH_APP: {token}. Rotate hourly")] == [
        ("GitHub Token", token)
    ]
