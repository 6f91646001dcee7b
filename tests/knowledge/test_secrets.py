"""The shared secret heuristics every pack uses."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guardlint.knowledge import secret_gates, secret_lines, secrets
from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.placeholders import is_placeholder
from guardlint.knowledge.secret_names import is_secret_name
from guardlint.knowledge.secrets import find_secrets, is_literal_secret, is_stand_in


@pytest.mark.parametrize(
    "name",
    ["MYSQL_ROOT_PASSWORD", "api_key", "AWS_SECRET_ACCESS_KEY", "BASIC_AUTH", "DB_PASS",
     "clientSecret", "GITHUB_TOKEN", "NEXTAUTH_SECRET", "privateKey", "DBPassword", "APIKey",
     "DBPasswordKey", "StripeSecretKey", "ANSIBLE_VAULT_PASSWORD_KEY", "PGPASSWORD",
     "DBPASSWORD", "MYSQLPASSWD", "SLACKTOKEN", "GHTOKEN", "APPSECRET", "OPENAIAPIKEY",
     # keys that sign or unlock: Laravel's APP_KEY, Datadog's DD_APP_KEY, a JWT's or HMAC's key
     "APP_KEY", "DD_APP_KEY", "JWT_KEY", "HMAC_KEY", "SESSION_KEY", "COOKIE_KEY",
     "NEW_RELIC_LICENSE_KEY", "AUTH_KEY",
     # an auth key glued, as Tailscale's image reads it
     "TS_AUTHKEY", "TAILSCALE_AUTHKEY",
     # the secret's word before a qualifier that tells one of several apart, as
     # names_the_secret reads it; `pw` for a password, last, as `pass` is
     "DB_PASS_PROD", "RedisPassDev", "DBPASSWORD_STAGING", "LDAP_BIND_PW", "DB_PW_PROD",
     # a pre-shared key (a VPN tunnel's, a Wi-Fi network's)
     "PreSharedKey", "SHARED_KEY", "VPN_PSK",
     # credentials shortened
     "DB_CREDS", "creds", "AwsCreds",
     # a personal access token, as trufflehog's keywords and CI variables name it
     "GH_PAT", "AZURE_DEVOPS_PAT", "GITLAB_PAT", "githubPat", "ADO_PAT_PROD", "PAT",
     # a vendor that issues one kind of key, a secret one; an application's or admin's key
     "OPENAI_KEY", "openaiKey", "ANTHROPIC_KEY_PROD", "GROQ_KEY_2", "DD_APPLICATION_KEY",
     "ALGOLIA_ADMIN_KEY"],
)  # fmt: skip
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["AUTHOR", "AUTH_RETRIES", "PASS_MIN_DAYS", "PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME",
     "DB_USER", "API_KEY_ID", "auth_enabled", "password_length", "DBPasswordSSMKey",
     "TOKEN_PARAMETER_STORE_KEY", "ApiKeyS3Key", "DbPasswordSsm", "SigningKeyReference",
     "VAULT_TOKEN_LOOKUP", "DB_PASSWORD_SECRETS_MANAGER_KEY", "PGPASSWORD_FILE",
     "TOKENIZER", "PASSWORDLESS", "BYPASS", "APP_KEY_ID", "JWT_KEY_PATH", "SSH_KEY",
     "existingSecret", "existingSecretPasswordKey", "TS_AUTHKEY_FILE", "PW_MIN_LENGTH",
     "DB_PASS_FILE", "AUTH_LOCAL", "PWD_DIR", "SHARED_KEY_ID", "PSK_IDENTITY",
     # a token meant to be public (a browser's map token), or one a form echoes back
     "publicToken", "PUBLIC_TOKEN", "csrf-token", "CSRF_TOKEN", "xsrfToken", "CREDS_FILE",
     # `pat` is a word of its own: no path, patch, pattern or spat; nor what a name says of one
     "GH_PATH", "mountPath", "patch", "PATTERN", "spat", "dispatch", "PAT_EXPIRY", "GH_PAT_FILE",
     # Stripe's STRIPE_KEY is its publishable key (Laravel Cashier's); a vendor key's id or file
     "STRIPE_KEY", "OPENAI_KEY_ID", "OPENAI_KEY_FILE", "ADMIN_KEY_NAME"],
)  # fmt: skip
def test_names_that_describe_a_secret_without_holding_one(name):
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "value",
    ["changeme", "<password>", "${DB_PASSWORD}", "${DB_PASSWORD:-}", "{{resolve:ssm:/x}}",
     "$SECRET", "your-password-here", "xxxx", "****", "AKIAIOSFODNN7EXAMPLE", "",
     "#{DbPassword}#", "__ApiToken__", "${{ secrets.API_KEY }}", "yyyy", "YYYYYY"],
)  # fmt: skip
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    # the reader is told to put a secret there: the secret's name, glued or with `here`
    ["yourpassword", "YourPassword", "yourApiKeyHere", "YourStrongPassword", "yourtoken",
     "password_here", "passwordhere", "put_your_password_here", "api-key-goes-here",
     "Secret.Here", "change_this", "changethis", "change-this-password",
     "REPLACE_WITH_BASE64_KEY", "replace with your token", "Substitute-With-Real-Key",
     "fixme", "***REDACTED***",
     "example", "example-password", "examplepassword",
     # the docker-library docs' compose examples: example, then the secret's short name
     "examplepass", "example_pass", "ExamplePwd", "samplepasswd", "test-passphrase",
     "fake_apikey", "example-api-key",
     # ... and one that ends by telling the reader to change it (docker-library/phpmyadmin)
     "notSecureChangeMe", "please-change-me", "admin_changeme"],
)  # fmt: skip
def test_words_addressed_to_the_reader_are_placeholders(value):
    assert is_placeholder(value)
    assert not is_literal_secret("DB_PASSWORD", value)


@pytest.mark.parametrize(
    "value",
    # a JSONPath a state machine or an EventBridge input transformer reads at run time
    ["$.detail.apiKey", "$.token", "$$.Execution.Input.password", "$['detail']['secret']"],
)  # fmt: skip
def test_json_paths_are_placeholders(value):
    assert is_placeholder(value)
    assert not is_literal_secret("api_key", value)


@pytest.mark.parametrize(
    "value",
    # weak, but what the service is really set up with
    ["password", "secret", "mypass", "mysecretpassword", "supersecret", "nextcloud",
     "example_123", "Password123", "changer", "nowhere", "somewhere", "keyhere2", "yourock123",
     "yourself1", "your.pass!word"],
)  # fmt: skip
def test_weak_passwords_are_no_placeholders(value):
    assert not is_placeholder(value)
    assert is_literal_secret("DB_PASSWORD", value)


@pytest.mark.parametrize(
    "name,value",
    [("MYSQL_ALLOW_EMPTY_PASSWORD", "1"), ("MYSQL_RANDOM_ROOT_PASSWORD", "yes"),
     ("DB_PASSWORD", "Off"), ("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"),
     ("TOKEN", "REPLACE_WITH_TOKEN"), ("SECRET_KEY", "MY-SECRET-KEY")],
)  # fmt: skip
def test_flags_and_the_name_in_capitals_are_stand_ins(name, value):
    assert is_stand_in(name, value)
    assert not is_literal_secret(name, value)


@pytest.mark.parametrize(
    "name,value",
    [("DB_PASSWORD", "HUNTER2XYZ"), ("GOOGLE_API_KEY", "QZ4T8KX2MW7RLP9B"),
     ("DB_PASSWORD", "2"), ("API_TOKEN", "ROTATED_TOKENS_1")],
)  # fmt: skip
def test_other_values_under_secret_names_are_secrets(name, value):
    assert is_literal_secret(name, value)


def test_literal_secret_needs_a_string_value():
    assert is_literal_secret("DB_PASSWORD", "s3cr3t-Value")
    assert not is_literal_secret("AUTH_RETRIES", 3)
    assert not is_literal_secret("DB_PASSWORD", True)
    assert not is_literal_secret("DB_PASSWORD", "${DB_PASSWORD}")
    assert not is_literal_secret("DB_PASSWORD_FILE", "/run/secrets/db")


def test_detectors_find_whole_tokens_and_skip_aws_examples():
    (token,) = find_secrets("token: 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")
    assert token.kind == "GitHub Token" and token.value.startswith("ghp_")
    assert len(token.value) == 40
    assert find_secrets("key: AKIAIOSFODNN7EXAMPLE") == []
    assert [m.kind for m in find_secrets("id: AKIAZ7VRSQ3LKQ2X5EPN")] == ["AWS Access Key"]


@pytest.mark.parametrize(
    "line,password",
    [
        ("RUN curl -u admin:S3cr3tPw https://nexus.example.com/x", "S3cr3tPw"),
        ("RUN curl -fsSL --user deploy:hunter2xyz https://x", "hunter2xyz"),
        ("RUN wget --user=bob --password=Pa55word https://x", "Pa55word"),
        ("RUN sshpass -p 'Tr0ub4dor' ssh host", "Tr0ub4dor"),
        ("RUN docker login -u bob -p Zx9pQ2w registry.example.com", "Zx9pQ2w"),
        ("RUN mysql -uroot -pr00tpw -e 'select 1'; echo done", "r00tpw"),
        ("RUN /usr/bin/mysql -uroot -pr00tpw", "r00tpw"),  # the program named by its path
        ("RUN mysqladmin -pAdm1nPw ping", "Adm1nPw"),
        ("RUN curl.exe -u admin:S3cr3tPw https://x", "S3cr3tPw"),
        ('args: ["sh", "-c", "mysqldump --password=Dump3r app > /tmp/app.sql"]', "Dump3r"),
        ("command: redis-server --appendonly yes --requirepass R3disPassw0rd", "R3disPassw0rd"),
        ("redis-server /etc/redis.conf --masterauth 'Mast3rAuth'", "Mast3rAuth"),
        ('test: redis-cli -h localhost -a "R3disPassw0rd" ping', "R3disPassw0rd"),
        ("redis-cli --pass R3disPassw0rd --no-auth-warning ping", "R3disPassw0rd"),
        # no user: the password alone; the password quoted apart from the user
        ('RUN curl -u ":d2LkV78zLx!t" https://localhost:9200', "d2LkV78zLx!t"),
        ("RUN curl --user kevin:'pRf7vG2h1L8nQkW9' -iX PATCH https://x", "pRf7vG2h1L8nQkW9"),
    ],
)
def test_command_line_passwords(line, password):
    assert [(m.kind, m.value) for m in find_secrets(line)] == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        'RUN curl -u "$NEXUS_USER:$NEXUS_PASS" https://x',
        "RUN curl -u ${USER}:${PASS} https://x",
        'RUN curl -u "bob:$(cat /run/secrets/pw)" https://x',
        "RUN curl -u admin https://x",  # curl prompts for the password
        "command: redis-server --requirepass ${REDIS_PASSWORD}",
        'command: redis-cli -a "$REDIS_PASSWORD" ping',
        "command: redis-server --requirepass changeme",
        "RUN curl -u user:changeme http://x",
        "RUN docker login -u bob --password-stdin < /run/secrets/registry",
        "RUN mysql -uroot -p -e 'select 1'",  # prompts
        "RUN mysql -h db -P3306 -uroot -p$MYSQL_ROOT_PASSWORD",  # -P is the port
        "RUN docker run -p 8080:80 nginx",
        # the names of the two fields, written where the reader puts theirs
        "RUN curl -u <user:password> https://x",
        "RUN curl -u username:password https://x",
        "RUN curl http://127.0.0.1:5000/file --user user:pass --digest",
        'RUN curl -X GET --insecure --user "username:token" https://x',
        "RUN curl --negotiate -u : https://x",  # Kerberos: no password at all
        'RUN curl --user "xxx:yyy" https://x',  # letters run out for the reader to replace
        # the program's name in a path, a user or a package is no run of it (MariaDB's image:
        # `find /etc/mysql/ -name '*.cnf' -print0`)
        "RUN find /etc/mysql/ -name '*.cnf' -print0 | xargs -0 grep -l bind",
        "RUN chown mysql:mysql /var/lib/mysql/ && mkdir -p /run/mysqld",
        "RUN ls /data/mongo -pF",
        "RUN cp /etc/redis-cli/x /y -a --pass k3y",
        "RUN echo mysql-server mysql-server/root_password password x | debconf-set-selections",
        "RUN tar -C /opt/curl -xf c.tgz -u a:b",
    ],
)
def test_command_lines_without_a_literal_password(line):
    assert find_secrets(line) == []


# What a line may hold around the words and prefixes the candidate search looks for: Unicode
# word characters and spaces (RE2's classes are ASCII), bytes that are not UTF-8 (a lone
# surrogate), separators, and many words on one line.
_PIECES = (
    "sg.", "é", "_", "-", "x", "0", "\u00a0", "\u3000", "\udcff", " ", "://", ":", "@", "/",
    "password", "Token", "AKIA", "ghp_", "npm_", "sk-", "String", "\t", "ß", "日本",
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), max_size=8))
@example(["no", "sg." + "é" * 16, "x://\u00a0ü:p@h"])  # `re` word characters, spaces
def test_candidate_lines_are_every_line_the_whole_pattern_finds(lines):
    """The RE2 search over UTF-8 finds at least the lines `re` finds with the same pattern
    (the per-line checks then run on them), each once, in order."""
    oracle = re.compile(secret_gates.CANDIDATE_PATTERN)
    expected = {index for index, line in enumerate(lines) if oracle.search(line.casefold())}
    found = list(secret_lines._candidate_lines(lines))
    assert found == sorted(set(found))
    assert expected <= set(found)


def test_a_remembered_search_is_not_changed_by_what_a_caller_adds():
    line = "password = hunter2hunter2"
    found = find_secrets(line)
    found.append("added by a caller")
    assert find_secrets(line) == found[:-1]


@pytest.mark.parametrize(
    "value",
    # where a secret store keeps the secret, read at run time
    ["vault:secret/data/db#password", "ref+awsssm://prod/api/token",
     "ref+vault://secret/app#/token", "op://ci/github/token", "sm://my-project/app-secret",
     "ssm:/prod/db/password", "secretsmanager:prod/db-creds",
     "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
     "$__file{/run/secrets/db}", "%s", "%(password)s"],
)  # fmt: skip
def test_secret_store_references_and_format_slots_are_placeholders(value):
    assert is_placeholder(value)
    assert not is_literal_secret("DB_PASSWORD", value)


@pytest.mark.parametrize(
    "value", ["vault:Xk8s9 dLq2", "Xk8s9dLq2PzWq7Rt", "op:Vq8rT2mK9wLx", "%sXk8s9dLq2"]
)
def test_a_secret_that_only_starts_like_a_reference_is_none(value):
    assert not is_placeholder(value)


@pytest.mark.parametrize(
    ("text", "password"),
    [("Server=db;Database=app;User Id=sa;Password=Sup3rS3cret!;", "Sup3rS3cret!"),
     ('ConnectionStrings__Default: "Data Source=db;Initial Catalog=app;Pwd=Qw3rty9;"', "Qw3rty9"),
     ("url: jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Jd6cPass", "Jd6cPass"),
     ("DRIVER={ODBC Driver 18};SERVER=db;UID=app;PWD=0dbcPw", "0dbcPw"),
     ("jdbc:postgresql://db:5432/app?user=app&password=Pg5ecret&ssl=true", "Pg5ecret"),
     ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=q8Zr2Lm9Xw4Tp7Nb3Vc+/k==;"
      "EndpointSuffix=core.windows.net", "q8Zr2Lm9Xw4Tp7Nb3Vc+/k=="),
     ("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
      "SharedAccessKey=Zx9vB7nM5qW3eR1tY8uI6oP4aS2d=", "Zx9vB7nM5qW3eR1tY8uI6oP4aS2d=")],
)  # fmt: skip
def test_connection_string_passwords(text, password):
    assert [(m.kind, m.value) for m in find_secrets(text)] == [
        ("Connection String Secret", password)
    ]


@pytest.mark.parametrize(
    "text",
    ["Server=db;User Id=sa;Password=${DB_PASSWORD};", "Server=db;User Id=sa;Password=<password>;",
     "Host=db;Username=app;Password=$(cat /run/secrets/db);", "Server=db;Password=;",
     "password=getpass(); user = 'x'", "Password=Sup3rS3cret!",
     "jdbc:postgresql://db/app?user=app&password=${DB_PASSWORD}",
     "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlm"
     "EtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
     "AccountName=acct;AccountKey=<storage-account-key>;"],
)  # fmt: skip
def test_connection_strings_without_a_literal_password(text):
    assert find_secrets(text) == []


@pytest.mark.parametrize(
    "value",
    # token-replacement markers, Compose's escaped `$`, words for "not set yet", filler
    ["%%DB_PASSWORD%%", "@@DB_PASSWORD@@", "<<PASSWORD>>", "$$DB_PASSWORD", "$${DB_PASSWORD}",
     "TBD", "to-be-replaced", "TO_BE_SET_LATER", "NOT_SET", "notset", "unset", "empty",
     "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
)  # fmt: skip
def test_stand_ins_for_a_value_yet_to_be_set(value):
    assert not is_literal_secret("DB_PASSWORD", value)
    assert not is_literal_credential("AWS_SECRET_ACCESS_KEY", value)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("git clone https://oauth2:glpat-Rk7mXq2TzW9pLb4NvY8c@gitlab.com/o.git", "GitLab Token"),
        ("https://x-access-token:ghp_Qm4Tz8RkW2xPv7NcL3bY9sHd5Jf1Gq6Ue0Aw@github.com/o",
         "GitHub Token"),
    ],
)  # fmt: skip
def test_a_token_as_a_url_password_is_one_secret_of_its_own_kind(text, kind):
    """The URL's credentials are the token: one finding, named for what it is."""
    assert [match.kind for match in find_secrets(text)] == [kind]


def test_a_url_password_that_is_no_known_token_is_still_found():
    [match] = find_secrets("curl https://deploy:Xk9mPq2vLw7r@repo.example.com/a.tgz")
    assert (match.kind, match.value) == ("Basic Auth Credentials", "://deploy:Xk9mPq2vLw7r@")


def test_a_connection_string_password_quoted_with_escaped_quotes():
    """In a JSON string the quotes around the password are escaped: neither is the secret."""
    line = '{"cs": "Server=db;User Id=sa;Password=\\"Kx7pQ2mZ9vLw\\";"}'
    assert [m.value for m in find_secrets(line)] == ["Kx7pQ2mZ9vLw"]


def test_a_text_the_prefilter_lets_by_holds_no_key_header():
    """_secrets_in looks for a base64 private key's header only in a text the prefilter lets
    through: each header, in any case, must be one that it does."""
    for header in secrets.BASE64_KEY_HEADERS:
        for written in (header, header.lower(), header.upper()):
            assert secret_gates.FOLDED_PREFILTER.search(f"x: {written}".casefold())
