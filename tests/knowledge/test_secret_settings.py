"""Settings about a secret, digests and public material are no secret, in every pack: a name
that mentions a secret without ending in it (TOKEN_EXPIRY_SECONDS) holds one only when its value
looks like a credential; a digest, a certificate or a public key is published, not secret."""

from __future__ import annotations

import pytest

from guardlint.knowledge.credentials import environment_credential, is_literal_credential
from guardlint.knowledge.secret_names import is_secret_name
from guardlint.knowledge.secrets import is_literal_secret
from tests.conftest import findings_of, run_scan, write_file

DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SRI = "sha512-Ry8uhE3qCTRrrXlCyXjl7P4Drm1+Qb6Jk6/z3XZ6qRPpD+Ae+aP5ZlTXR1YqdU5Hk9+oHU5yJ2i8w2NhDP=="
CERT_B64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvRENDQWVTZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcw"
SSH_PUBLIC = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ5dXRlc29mYXB1YmxpY2tleWZvcnRlc3Rpbmcx deploy@ci"
)
PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIDXTCCAkWgAwIBAgIJAKL0UG+mRKSzMA0GCSqGSIb3DQEBCwUA\n"

SETTINGS = [
    # how long a secret lives, how it is checked, scoped or rotated: numbers, durations, words
    ("TOKEN_EXPIRY_SECONDS", "3600"), ("ACCESS_TOKEN_LIFETIME", "15m"),
    ("SESSION_SECRET_ROTATION_DAYS", "30"), ("PASSWORD_RESET_TOKEN_VALIDITY", "86400"),
    ("TOKEN_REFRESH_THRESHOLD", "0.8"), ("PASSWORD_SALT_ROUNDS", "10"),
    ("GITHUB_TOKEN_SCOPE", "repo"), ("githubTokenScopes", "repo,read:org"),
    ("PASSWORD_HASHER", "argon2"), ("TOKEN_CLAIM", "sub"), ("TOKEN_REFRESH", "300"),
    ("apiTokenRotationSchedule", "cron(0 12 * * ? *)"), ("secretVersionStage", "AWSCURRENT"),
    ("TOKEN_ISSUER", "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"),
    # digests of a secret or of a download
    ("secretChecksum", DIGEST), ("TOKEN_SHA256", DIGEST), ("checksum/secret", DIGEST),
    ("SECRET_DIGEST", f"sha256:{DIGEST}"), ("token_integrity", SRI),
    ("secret_key_fingerprint", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"),
    ("token_issuer_thumbprint", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"),
    # public halves and certificates
    ("tokenCert", CERT_B64), ("secretCaBundle", CERT_B64), ("SSL_CERT_SECRET", PEM_CERT),
    ("TOKEN_PUBLIC_KEY", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEr5wQm8d3Ju2p4X1tKq0B9a7zH3N6cV2s"),
    ("DEPLOY_SECRET", SSH_PUBLIC), ("API_TOKEN", f"sha256:{DIGEST}"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value"), SETTINGS)
def test_settings_digests_and_public_material_are_no_secret(name, value):
    assert not is_literal_secret(name, value)
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("DB_PASSWORD", "123456"), ("PGPASSWORD", "hunter2"), ("DB_PASSWORD_PROD", "hunter2"),
     ("SECRET_KEY_BASE", "hunter2hunter"), ("API_KEY", "8675309"), ("SECRET_STRIPE_KEY", "abc"),
     ("TOKEN_EXPIRY_SALT", "x"), ("CREDENTIALS_JSON", "hunter2"), ("TOKEN_TABLE", "a1b2c3d4e5"),
     ("DEPLOY_SECRET", f"{PEM_CERT}-----BEGIN PRIVATE KEY-----\nMIIEvQ\n")],
)  # fmt: skip
def test_a_name_ending_in_its_secret_holds_any_literal(name, value):
    if name != "TOKEN_EXPIRY_SALT":  # a salt is named for no secret: the control case
        assert is_literal_secret(name, value) and environment_credential(name, value) == value
    else:
        assert not is_secret_name(name)


def test_a_secret_named_first_and_then_what_for_holds_any_literal_but_a_number():
    assert is_literal_secret("SECRET_BLAH", "secretsquirrels")
    assert not is_literal_secret("SECRET_BLAH", "3600")


def test_a_glued_secret_name_holds_any_literal_in_ecs_and_codebuild_too():
    assert environment_credential("PGPASSWORD", "hunter2") == "hunter2"
    assert environment_credential("MYSQLPASSWD", "letmein") == "letmein"


ENV = "TOKEN_EXPIRY_SECONDS"


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("Dockerfile", f"FROM alpine:3.20\nENV {ENV}=3600\n", "DKR004"),
        ("compose.yaml", f"services:\n  app:\n    image: x:1.0\n    environment:\n"
         f"      {ENV}: '3600'\n      SSL_CERT_SECRET: {CERT_B64}\n", "CMP007"),
        ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
         "  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n"
         f"    - name: {ENV}\n      value: '3600'\n    - name: GITHUB_TOKEN_SCOPE\n"
         "      value: repo\n", "K8S014"),
        ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n"
         f"data:\n  secretChecksum: {DIGEST}\n  token_integrity: {SRI}\n", "K8S014"),
    ],
)  # fmt: skip
def test_settings_about_a_secret_are_quiet_in_every_pack(tmp_path, name, text, rule):
    write_file(tmp_path, name, text)
    assert findings_of(run_scan(tmp_path, only_rules={rule}), rule) == []


def test_helm_checksum_annotations_are_no_secret(tmp_path):
    write_file(
        tmp_path,
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: n}\nspec:\n"
        "  selector: {matchLabels: {app: w}}\n  template:\n    metadata:\n"
        f"      labels: {{app: w}}\n      annotations:\n        checksum/secret: {DIGEST}\n"
        f"        checksum/secrets: {DIGEST[::-1]}\n"
        "    spec:\n      containers:\n      - {name: w, image: 'nginx:1.27'}\n",
    )
    assert findings_of(run_scan(tmp_path, only_rules={"SEC001"}), "SEC001") == []


@pytest.mark.parametrize(
    "value",
    # Concourse's and Spruce's ((var)), Windows' %VAR%, PowerShell's $env:VAR, Azure Pipelines'
    # $[variables.x], Puppet's %{x}, Symfony's %env(X)%, Maven's @x.y@, Nomad's [[ .x ]],
    # Azure Container Apps' secretref: and keyvaultref:, ciphertext (Jasypt's ENC(...), Ansible
    # Vault's, a KMS CiphertextBlob), and words that say the value is set elsewhere
    ["((db_password))", "(( grab meta.password ))", "%DB_PASSWORD%", "$env:DB_PASSWORD",
     "$[variables.dbPassword]", "%{hiera('db_password')}", "%env(DB_PASSWORD)%",
     "%env(resolve:DB_PASSWORD)%", "@db.password@", "[[ .Values.password ]]",
     "secretref:db-password", "keyvaultref:https://kv.vault.azure.net/secrets/db,identityref:/x",
     "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)", "$ANSIBLE_VAULT;1.1;AES256",
     "AQICAHhx5Bq2qEnbC9pTJo0k1cYuZ3dzhWqU5rPpJ1f6Vt0e3wG8AQ==",
     "SET_ME", "setme", "override-me", "set-in-secrets-manager", "managed-by-terraform",
     "provided-by-k8s-secret", "injected-at-runtime"],
)  # fmt: skip
def test_more_template_and_pipeline_placeholders_are_stand_ins(value):
    assert not is_literal_secret("DB_PASSWORD", value)
    assert not is_literal_credential("AWS_SECRET_ACCESS_KEY", value)


@pytest.mark.parametrize(
    "value", ["(hunter2)", "%Xk8s9dLq2", "hunter2@example", "ENCRYPTED9xk", "set1234me!"]
)
def test_secrets_that_only_look_like_a_placeholder_in_part_are_secrets(value):
    assert is_literal_secret("DB_PASSWORD", value)
