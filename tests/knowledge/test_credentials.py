"""guardlint.knowledge.credentials: which names and values in a structured document hard-code
a credential."""

from __future__ import annotations

import pytest

from guardlint.knowledge.credentials import (
    environment_credential,
    hardcoded_credential,
    is_literal_credential,
    looks_secret_name,
    names_key_identifier,
)
from guardlint.knowledge.secret_names import is_secret_name
from tests.conftest import findings_of, run_scan, write_file


@pytest.mark.parametrize("name", ["DBPassword", "ApiToken", "GitHubToken", "SecretKey2"])
def test_secret_names_with_acronyms_and_numbers(name):
    assert looks_secret_name(name)


@pytest.mark.parametrize("name", ["KmsKeyId", "SecretArn", "SecretsKMSKey", "BucketName", "1"])
def test_key_identifiers_and_plain_names_are_not_secret_names(name):
    assert not looks_secret_name(name)


def test_key_identifiers():
    assert names_key_identifier("KmsKeyId") and names_key_identifier("SecretArn")
    assert not names_key_identifier("DBPassword")


def test_a_variable_named_for_the_secret_holds_any_literal():
    assert hardcoded_credential("DB_PASSWORD", "hunter2") == "hunter2"


NUMBERED = [("DB_PASSWORD2", "hunter2"), ("API_KEY_1", "opensesame"), ("PASSWORD_2", "letmein"),
            ("SECRET_KEY_V2", "notsosecret"), ("DbPassword2", "hunter2")]  # fmt: skip


@pytest.mark.parametrize(("name", "value"), NUMBERED)
def test_a_numbered_or_versioned_secret_name_holds_any_literal(name, value):
    assert environment_credential(name, value) == value
    assert hardcoded_credential(name, value) == value and is_literal_credential(name, value)
    assert is_secret_name(name) and looks_secret_name(name)


@pytest.mark.parametrize(
    "name", ["PASSWORD_POLICY", "PASSWORD_POLICY_2", "KEY_ID2", "ACCESS_KEY_ID_2",
             "DB_PASSWORD_FILE_2", "PASSWORD_MIN_LENGTH_8", "SecretArn2", "KMS_KEY_2", "V2"]
)  # fmt: skip
def test_a_number_does_not_make_a_non_secret_name_a_secret_one(name):
    assert not is_secret_name(name) and not looks_secret_name(name)
    assert environment_credential(name, "abc123def456") is None


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("Dockerfile", "FROM alpine:3.20\nENV DB_PASSWORD2=hunter2hunter\n", "DKR004"),
        ("compose.yaml", "services:\n  app:\n    image: x:1.0\n    environment:\n"
         "      DB_PASSWORD2: hunter2hunter\n", "CMP007"),
        ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
         "  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n"
         "    - name: DB_PASSWORD2\n      value: hunter2hunter\n", "K8S014"),
        ("template.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n"
         "      Runtime: python3.12\n      Handler: i.h\n      Role: r\n      Code: {ZipFile: x}\n"
         "      Environment:\n        Variables:\n          PASSWORD_2: letmein\n", "CFN015"),
    ],
)  # fmt: skip
def test_a_numbered_secret_name_is_one_in_every_pack(tmp_path, name, text, rule):
    write_file(tmp_path, name, text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={rule}), rule)
    assert found.region.start_line == text.count("\n")


def test_a_placeholder_under_a_numbered_name_is_still_a_stand_in():
    assert environment_credential("DB_PASSWORD_2", "REPLACE_WITH_PASSWORD_2") is None
    assert environment_credential("API_KEY_1", "API_KEY_VALUE") is None


def test_a_variable_that_mentions_a_secret_needs_a_credential_shaped_value():
    assert hardcoded_credential("TOKEN_TABLE", "tokens") is None
    assert hardcoded_credential("TOKEN_TABLE", "a1b2c3d4e5") == "a1b2c3d4e5"


def test_property_names_always_need_a_credential_shaped_value():
    assert hardcoded_credential("Password", "hunter", property_name=True) is None
    assert hardcoded_credential("AccessToken", "hours", property_name=True) is None


def test_detectors_find_a_credential_in_intrinsic_arguments_but_not_in_ref_names():
    token = "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"
    assert hardcoded_credential("Url", {"Fn::Sub": f"https://{token}@github.com"}) == token
    assert hardcoded_credential("Url", {"Ref": token}) is None


@pytest.mark.parametrize("value", ["{{resolve:ssm:/db/password}}", "${Password}", "changeme"])
def test_references_and_placeholders_are_not_credentials(value):
    assert hardcoded_credential("DB_PASSWORD", value) is None


SLASHED_KEY = "/7pUq2Xr9LmN4vB8tYc3Kd6Fh1Jw5Zs0AeGiOoRu"  # base64: a key may start with `/`


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("Dockerfile", f"FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY={SLASHED_KEY}\n", "DKR004"),
        ("compose.yaml", "services:\n  app:\n    image: x:1.0\n    environment:\n"
         f"      AWS_SECRET_ACCESS_KEY: {SLASHED_KEY}\n", "CMP007"),
        ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
         "  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n"
         f"    - name: AWS_SECRET_ACCESS_KEY\n      value: {SLASHED_KEY}\n", "K8S014"),
    ],
)  # fmt: skip
def test_any_literal_of_an_aws_credential_variable_is_one_in_every_pack(tmp_path, name, text, rule):
    write_file(tmp_path, name, text)
    (found,) = findings_of(run_scan(tmp_path, only_rules={rule}), rule)
    assert found.region.start_line == text.count("\n", 0, text.index(SLASHED_KEY)) + 1


def test_a_path_under_another_secret_name_is_still_no_credential():
    assert not is_literal_credential("DB_PASSWORD", "/run/secrets/db")
    assert is_literal_credential("AWS_SECRET_ACCESS_KEY", SLASHED_KEY)
    assert not is_literal_credential("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}")


# A cloud service's access key under the vendor's and the service's names (`az storage` reads
# AZURE_STORAGE_KEY), and a key's text under KEY_CONTENT (the OCI CLI's OCI_CLI_KEY_CONTENT).
@pytest.mark.parametrize(
    "name",
    ["AZURE_BATCH_KEY", "AZURE_STORAGE_KEY", "AZURE_OPENAI_KEY", "AzureSearchKey",
     "AZURE_COSMOS_KEY_2", "OCI_CLI_KEY_CONTENT", "PRIVATE_KEY_CONTENT", "TLS_KEY_PEM"],
)  # fmt: skip
def test_service_keys_and_key_text_hold_the_key(name):
    assert is_secret_name(name) and looks_secret_name(name)
    assert environment_credential(name, "kq9Zr2Lm8PbX") == "kq9Zr2Lm8PbX"


# The same words without the vendor, before another word, or naming where the key is.
@pytest.mark.parametrize(
    "name",
    ["STORAGE_KEY", "SEARCH_KEY", "AZURE_COSMOS_PARTITION_KEY", "AZURE_KEY_VAULT_KEY",
     "AZURE_SSH_KEY", "OCI_CLI_KEY_FILE", "AZURE_STORAGE_KEY_FILE", "SSH_KEY_DATA"],
)  # fmt: skip
def test_other_keys_of_the_same_words_are_no_secret_names(name):
    assert not is_secret_name(name)


# Keys named for what they open beside `key` (an ingest key, Vault's unseal key, a gossip or VPN
# key every member shares, a service account's) and Erlang's node cookie.
@pytest.mark.parametrize(
    "name",
    ["LOGDNA_INGESTION_KEY", "NEW_RELIC_INSERT_KEY", "DD_INGEST_KEY", "PAGERDUTY_INTEGRATION_KEY",
     "VAULT_UNSEAL_KEY", "CONSUL_GOSSIP_KEY", "CONSUL_ENCRYPT_KEY", "WG_PRESHARED_KEY",
     "GCP_SA_KEY", "RABBITMQ_ERLANG_COOKIE", "RELEASE_COOKIE"],
)  # fmt: skip
def test_keys_named_for_what_they_open(name):
    assert is_secret_name(name)
    assert environment_credential(name, "kq9Zr2Lm8PbX") == "kq9Zr2Lm8PbX"


@pytest.mark.parametrize("name", ["ROUTING_KEY", "COOKIE_NAME", "RELEASE_COOKIE_FILE"])
def test_a_routing_key_and_a_cookie_s_settings_are_no_secret_names(name):
    assert not is_secret_name(name)
