"""Text that looks like a secret to a detector but is none, in every pack where the secret rules
read it, and the secrets written beside or like it that stay reported."""

from __future__ import annotations

import base64

import pytest

from guardlint.knowledge.credentials import environment_credential, is_literal_credential
from guardlint.knowledge.placeholders import is_placeholder
from guardlint.knowledge.secrets import find_secrets
from tests.conftest import findings_of, run_scan, write_file

# The keys AWS's documentation publishes beside AKIAIOSFODNN7EXAMPLE (the CLI's named profiles,
# the SDKs' guides, STS's temporary credentials): every one of them says EXAMPLE.
AWS_EXAMPLES = [
    ("AWS_ACCESS_KEY_ID", "AKIAI44QH8DHBEXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
    ("AWS_SECRET_ACCESS_KEY", "9drTJvcXLB89EXAMPLELB8923FB892xMFI2wvRWV"),
    ("AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE"),
    ("AWS_SESSION_TOKEN", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsK"
     "WHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8p"
     "hUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0"
     "u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="),
    ("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2IQoJb3JpZ2luX2IQoJb3JpZ2luX2IQoJb3JpZ2luX2IQoJb3JpZVER"
     "YLONGSTRINGEXAMPLE"),
]  # fmt: skip
REAL_LOOKING = [
    ("AWS_ACCESS_KEY_ID", "AKIAZ3MSJV4WXQ2P7LNB"),
    ("AWS_SECRET_ACCESS_KEY", "9drTJvcXLB89kQpLB8923FB892xMFI2wvRWVq7Ze"),
]


@pytest.mark.parametrize(("name", "value"), AWS_EXAMPLES)
def test_aws_documented_example_keys_are_no_credential(name, value):
    assert is_placeholder(value)
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize(("name", "value"), REAL_LOOKING)
def test_aws_keys_without_example_stay_credentials(name, value):
    assert not is_placeholder(value)
    assert environment_credential(name, value) == value


def _pod(env: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n"
        f"  containers:\n  - name: a\n    image: nginx:1.27\n    env:\n{env}"
    )


def _taskdef(env: str) -> str:
    return (
        '{"family": "app", "containerDefinitions": [{"name": "app", "image": "nginx:1.27",'
        f' "environment": [{env}]}}]}}'
    )


def _buildspec(env: str) -> str:
    return f"version: 0.2\nenv:\n  variables:\n{env}phases:\n  build:\n    commands: [make]\n"


def _files(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The same variables in each file kind whose rule reads an environment."""
    return {
        "DKR004": (
            "Dockerfile",
            "FROM alpine:3.20\n"
            + "".join(f'ENV {n}="{v}"\n' if " " in v else f"ENV {n}={v}\n" for n, v in pairs),
        ),
        "CMP007": (
            "compose.yaml",
            "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
            + "".join(f"      {n}: '{v}'\n" for n, v in pairs),
        ),
        "K8S014": (
            "pod.yaml",
            _pod("".join(f"    - name: {n}\n      value: '{v}'\n" for n, v in pairs)),
        ),
        "ECS007": (
            "taskdef.json",
            _taskdef(", ".join(f'{{"name": "{n}", "value": "{v}"}}' for n, v in pairs)),
        ),
        "CBD002": (
            "buildspec.yml",
            _buildspec("".join(f"    {n}: '{v}'\n" for n, v in pairs)),
        ),
    }


@pytest.mark.parametrize("rule", ["DKR004", "CMP007", "K8S014", "ECS007", "CBD002"])
def test_aws_example_keys_are_quiet_and_real_keys_reported_in_every_pack(tmp_path, rule):
    name, text = _files(AWS_EXAMPLES[:3])[rule]
    write_file(tmp_path / "examples", name, text)
    assert findings_of(run_scan(tmp_path / "examples", only_rules={rule, "SEC001"}), rule) == []
    name, text = _files(REAL_LOOKING)[rule]
    write_file(tmp_path / "real", name, text)
    assert len(findings_of(run_scan(tmp_path / "real", only_rules={rule}), rule)) == 2


# A command line written inside a JSON string or a double-quoted YAML scalar escapes its quotes:
# `-p\"` is `-p"` to the shell, whose password follows the quote (a Ref, `$VAR`), not `\`.
@pytest.mark.parametrize(
    "line",
    [r'"mysql -u root -p\"", {"Ref": "DBRootPassword"}, "\" < /tmp/setup.mysql\n",',
     r'"mysql -u root --password=\"", {"Ref": "DBRootPassword"}, "\" -e \'select 1\'\n",',
     r'test: ["CMD-SHELL", "redis-cli -a \"$$REDIS_PASSWORD\" ping | grep PONG"]',
     r'"command": ["sh", "-c", "mongosh -u root -p \"${MONGO_PASSWORD}\" --eval 1"]'],
)  # fmt: skip
def test_an_escaped_quote_before_a_variable_is_no_password(line):
    assert find_secrets(line) == []


@pytest.mark.parametrize(
    ("line", "password"),
    [(r'"redis-cli -a \"S3cretPass1\" ping"', "S3cretPass1"),
     (r'"mysql -uroot -p\"Hunter2x!\" db"', "Hunter2x!"),
     (r'"mysqldump --password=\"Hunter2x!\" db"', "Hunter2x!")],
)  # fmt: skip
def test_a_password_between_escaped_quotes_is_found_whole(line, password):
    assert [m.value for m in find_secrets(line)] == [password]


def test_cloudformation_json_user_data_passing_a_parameter_to_mysql_is_quiet(tmp_path):
    write_file(
        tmp_path,
        "wordpress.json",
        '{"AWSTemplateFormatVersion": "2010-09-09",\n'
        ' "Parameters": {"DBRootPassword": {"Type": "String", "NoEcho": "true"}},\n'
        ' "Resources": {"Web": {"Type": "AWS::EC2::Instance", "Properties": {\n'
        '  "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro",\n'
        '  "UserData": {"Fn::Base64": {"Fn::Join": ["", [\n'
        '   "#!/bin/bash -xe\\n",\n'
        '   "mysql -u root -p\\"", {"Ref": "DBRootPassword"}, "\\" < /tmp/setup.mysql\\n",\n'
        '   "redis-cli -a \\"$REDIS_PASSWORD\\" ping\\n"\n'
        "  ]]}}}}}}\n",
    )
    assert findings_of(run_scan(tmp_path), "SEC001") == []


# Base64 starts with `/` one time in 64: a key that does is random text, not an absolute path.
RANDOM_FROM_A_SLASH = [
    ("SECRET_KEY", "/aGVsbG8gd29ybGQgdGhpcyBpcyBhIGtleQ=="),
    ("SESSION_SECRET", "/Xq9vT2mK8pL4nR7sW1yB6cE3hJ0uZ5a"),
    ("DOCKERHUB_PASSWORD", "/x8Kp2LmQ9rT4vW7yZ1bN5cF3hJ6s"),
    ("ENCRYPTION_KEY", "/8bJfT7n1rX0mQ2sVd9Lk4pW+hZc6aYe"),
    ("JWT_SECRET", "/K7MDENG/bPxRfiCYzq8Lk2Wd9TuQpVx3Hn6Jm"),
]
# Absolute paths, as a program under a secret's name reads its secret from them: names with
# digits, hashes, acronyms and humps included.
ABSOLUTE_PATHS = [
    ("DB_PASSWORD", "/run/secrets/db_password"),
    ("SSL_KEY", "/etc/ssl/private/tls.key"),
    ("AWS_WEB_IDENTITY_TOKEN", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"),
    ("OP_CREDENTIALS", "/etc/1password/1password-credentials.json"),
    ("TLS_PRIVATE_KEY", "/nix/store/5f3a9c1e8d7b6a5f4e3d2c1b0a9f8e7d-openssl-3.0.13/key.pem"),
    ("X509_SECRET", "/tmp/x509up_u1000"),
    ("APP_SECRETS", "/home/runner/work/MyRepo/MyRepo/config/MyCompanyAppSettingsV2.json"),
    ("JENKINS_PASSWORD", "/var/lib/jenkins/secrets/initialAdminPassword"),
    ("KEYSTORE_PASSWORD", "/opt/IBM/WebSphere/AppServer/etc/key.p12"),
    ("SAS_TOKEN", "/mnt/secrets-store/sas-token-v2"),
    ("GPG_PASSPHRASE", "/root/.gnupg/S01postgresql/x86_64-pass"),
]


@pytest.mark.parametrize(("name", "value"), RANDOM_FROM_A_SLASH)
def test_a_secret_that_starts_with_a_slash_is_no_path(name, value):
    assert is_literal_credential(name, value)
    assert environment_credential(name, value) == value


@pytest.mark.parametrize(("name", "value"), ABSOLUTE_PATHS)
def test_absolute_paths_stay_locations(name, value):
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize("rule", ["DKR004", "CMP007", "K8S014", "ECS007", "CBD002"])
def test_a_secret_from_a_slash_is_reported_and_a_path_is_not_in_every_pack(tmp_path, rule):
    secrets = RANDOM_FROM_A_SLASH[1:3]
    name, text = _files(secrets + ABSOLUTE_PATHS[:2])[rule]
    write_file(tmp_path, name, text)
    found = findings_of(run_scan(tmp_path, only_rules={rule}), rule)
    lines = text.splitlines()
    secret_lines = [n for n, line in enumerate(lines, 1) for _, v in secrets if v in line]
    assert sorted(f.region.start_line for f in found) == secret_lines


@pytest.mark.parametrize(
    "name",
    ["auth.existingSecret", "postgresql.auth.existingSecret", "global.redis.existingSecretKey",
     "--set=auth.existingSecret", "existingSecret"],
)  # fmt: skip
def test_a_helm_value_path_to_an_existing_secret_names_the_object(name):
    assert not is_literal_credential(name, "app-credentials-v2")


def test_a_helm_parameter_naming_an_existing_secret_is_quiet_and_a_password_reported(tmp_path):
    write_file(
        tmp_path,
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        "metadata: {name: app, namespace: argocd}\nspec:\n  source:\n"
        "    repoURL: https://github.com/org/repo.git\n    helm:\n      parameters:\n"
        "        - name: auth.existingSecret\n          value: app-auth-2\n"
        "        - name: auth.password\n          value: Sup3rS3cret!\n",
    )
    found = findings_of(run_scan(tmp_path, only_rules={"K8S014"}), "K8S014")
    assert [f.region.start_line for f in found] == [12]


def _sealed(session_key_bytes: int, seed: int) -> str:
    """A Sealed Secrets value as kubeseal writes it: the RSA ciphertext's length in two bytes,
    the ciphertext of the session key, then the AES-GCM ciphertext of the value."""
    body = bytes((seed * 7919 + n * 104729) % 251 for n in range(session_key_bytes + 40))
    return base64.b64encode(session_key_bytes.to_bytes(2, "big") + body).decode()


def test_sealed_secrets_ciphertext_is_no_secret(tmp_path):
    write_file(
        tmp_path,
        "sealed.yaml",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
        "metadata: {name: db, namespace: app}\nspec:\n  encryptedData:\n"
        f"    password: {_sealed(512, 1)}\n    api-token: {_sealed(512, 2)}\n"
        f"    DB_PASSWORD: {_sealed(256, 3)}\n  template:\n    metadata: {{name: db}}\n",
    )
    assert findings_of(run_scan(tmp_path), "SEC001") == []
    assert is_placeholder(_sealed(512, 4)) and is_placeholder(_sealed(256, 5))


def test_a_short_secret_that_starts_as_sealed_ciphertext_does_is_still_a_secret():
    assert is_literal_credential("DB_PASSWORD", "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq8TkGs9yqVP5U")


# Names that end in what the secret's setting is (its template, algorithm, generator, encoder,
# strategy or engine): their values are settings, whatever they look like.
@pytest.mark.parametrize(
    ("name", "value"),
    [("PASSWORD_RESET_TEMPLATE", "reset-password-v2"), ("TOKEN_SIGNING_ALG", "ES256"),
     ("JWT_SECRET_ALGO", "HS512"), ("SECRET_KEY_GENERATOR", "openssl"),
     ("PASSWORD_ENCODER", "bcrypt2y"), ("TOKEN_STRATEGY", "jwt-v2"), ("SECRETS_ENGINE", "kv-v2"),
     ("secretStringTemplate", '{"username": "admin"}')],
)  # fmt: skip
def test_settings_of_a_secret_named_for_what_they_set_are_no_secret(name, value):
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize(
    ("line", "password"),
    [("-Dspring.datasource.password=Hunt3r2pass -Xmx512m", "Hunt3r2pass"),
     ('java -Djavax.net.ssl.keyStorePassword="S3cr3tK3y!" -jar app.jar', "S3cr3tK3y!"),
     ("JAVA_OPTS=-Djasypt.encryptor.password=9fKq2LmX7v", "9fKq2LmX7v"),
     ('["java", "-Dapp.api.token=tok3nV4lue8", "-jar", "app.jar"]', "tok3nV4lue8")],
)  # fmt: skip
def test_a_java_system_property_named_for_a_secret_is_a_command_line_password(line, password):
    assert [m.value for m in find_secrets(line)] == [password]


@pytest.mark.parametrize(
    "line",
    ["-Djavax.net.ssl.trustStorePassword=changeit -Xmx1g",
     "-Dspring.datasource.password=${DB_PASSWORD}",
     "-Djasypt.encryptor.password=$(cat /run/secrets/jasypt)",
     "-Dcom.sun.management.jmxremote.password.file=/etc/jmx.password",
     "-Dspring.profiles.active=prod -Dlog4j2.formatMsgNoLookups=true",
     "-Dapp.token.ttl=3600"],
)  # fmt: skip
def test_java_properties_that_are_no_literal_secret_are_quiet(line):
    assert find_secrets(line) == []


@pytest.mark.parametrize("rule", ["DKR004", "CMP007", "K8S014", "ECS007", "CBD002"])
def test_java_options_with_a_password_are_reported_in_every_pack(tmp_path, rule):
    options = "-Xmx512m -Dspring.datasource.password=Hunt3r2pass -Dspring.profiles.active=prod"
    name, text = _files([("JAVA_TOOL_OPTIONS", options)])[rule]
    write_file(tmp_path, name, text)
    assert len(findings_of(run_scan(tmp_path, only_rules={rule}), rule)) == 1


# A stored password hash in crypt(3)'s notation, as the program that checks passwords takes it
# (Argo CD's admin password, code-server's HASHED_PASSWORD, Traefik's and nginx's htpasswd
# lines, Mosquitto's password file): the hash, not the password.
PASSWORD_HASHES = [
    ("ARGOCD_ADMIN_PASSWORD", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"),
    ("HASHED_PASSWORD", "$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$Xy7N9z3lK2mP8q5rT1wV4bC6dF0g"),
    ("TRAEFIK_DASHBOARD_CREDENTIALS", "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"),
    ("ROOT_PASSWORD", "$6$rounds=4096$saltsalt$Xy7N9z3lK2mP8q5rT1wV4bC6dF0gH2jK4lM6nP8qR0sT2uV"),
    ("MQTT_PASSWORD", "$7$101$abc123def456$Xy7N9z3lK2mP8q5rT1wV4bC6dF0gH2jK4lM6nP8qR0sT2uV4w=="),
    ("BASIC_AUTH", "ops:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="),
]


@pytest.mark.parametrize(("name", "value"), PASSWORD_HASHES)
def test_a_password_hash_is_no_password(name, value):
    assert not is_literal_credential(name, value)
    assert environment_credential(name, value) is None


@pytest.mark.parametrize("value", ["$2y$hunter2pass", "S3cr3t$2y$10$x", "admin:S3cr3tPass1"])
def test_a_password_that_only_holds_a_hash_s_marks_is_a_password(value):
    assert is_literal_credential("ADMIN_PASSWORD", value)


@pytest.mark.parametrize("rule", ["DKR004", "CMP007", "K8S014", "ECS007", "CBD002"])
def test_password_hashes_are_quiet_in_every_pack(tmp_path, rule):
    pairs = PASSWORD_HASHES[:3]
    name, text = _files(pairs)[rule]
    if rule == "DKR004":  # single quotes keep the `$`s
        text = "FROM alpine:3.20\n" + "".join(f"ENV {n}='{v}'\n" for n, v in pairs)
    elif rule == "CMP007":  # Compose reads `$$` as `$`
        text = text.replace("$", "$$")
    write_file(tmp_path, name, text)
    assert findings_of(run_scan(tmp_path, only_rules={rule}), rule) == []
