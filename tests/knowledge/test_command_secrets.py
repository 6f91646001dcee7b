"""Credentials a command is given or writes into a config file, in any text a pack searches (a
Dockerfile RUN, a container's command or args, a Compose command, a buildspec): HTTP
Authorization and key headers, htpasswd -b, chpasswd and --password-stdin fed a literal, npm
registry credentials, and passwords of the clients that take one as an option."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secrets import find_secrets


def _found(line: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find_secrets(line)]


@pytest.mark.parametrize(
    "line,secret",
    [
        ('curl -H "Authorization: Basic YWRtaW46UzNjcmV0UGFzczE=" x', "YWRtaW46UzNjcmV0UGFzczE="),
        ("curl -sf -H 'Authorization: Bearer 9f8e7d6c5b4a39281716' x", "9f8e7d6c5b4a39281716"),
        ('curl --header "Authorization: token gha7Xk2pLm9QzR4t" https://x', "gha7Xk2pLm9QzR4t"),
        ('wget --header="Authorization: Bearer sk-proj9Xk2pLm9QzR4t" x', "sk-proj9Xk2pLm9QzR4t"),
        ('"headers": {"Authorization": "Bearer ab12cd34ef56gh78"}', "ab12cd34ef56gh78"),
        ('proxy_set_header Authorization "Basic dXNlcjpIdW50ZXIyMDI0";', "dXNlcjpIdW50ZXIyMDI0"),
        ('curl -H "X-API-Key: 9f8e7d6c5b4a39281716" https://x', "9f8e7d6c5b4a39281716"),
        ("curl --header 'PRIVATE-TOKEN: tok3nAbcdEfgh' https://gitlab.example", "tok3nAbcdEfgh"),
        # an Authorization header whose value is the credential, no scheme before it
        (
            "curl --header 'Authorization:  5eb4223e-5008-46e5-be67-c7b8f2732305' https://x",
            "5eb4223e-5008-46e5-be67-c7b8f2732305",
        ),
    ],
)  # fmt: skip
def test_authorization_and_key_headers_with_a_literal(line, secret):
    assert _found(line) == [("HTTP Authorization Credential", secret)]


@pytest.mark.parametrize(
    "line",
    [
        'curl -H "Authorization: Bearer $TOKEN" https://x',
        'curl -H "Authorization: Bearer ${GITHUB_TOKEN}" https://x',
        'curl -H "Authorization: token $(cat /run/secrets/gh)" https://x',
        'curl -H "Authorization: Basic $(echo -n u:p | base64)" https://x',
        'curl -H "Authorization: Bearer <token>" https://x',
        'curl -H "Authorization: Bearer YOUR_TOKEN_HERE" https://x',
        'curl -H "Authorization: Bearer {{ .Values.token }}" https://x',
        'curl -H "Authorization: Bearer xxxxxxxxxxxxxxxx" https://x',
        # base64 of `user:changeme`: the reader's password to choose
        'curl -H "Authorization: Basic dXNlcjpjaGFuZ2VtZQ==" https://x',
        # no base64 at all: a letter outside ASCII (the Kelvin sign) crashed the decoding
        'curl -H "Authorization: Basic \u212aXk8s9dLq2Pz" https://x',
        '# send "Authorization: Bearer token" with every request',
        'curl -H "X-API-Key: $API_KEY" https://x',
        'curl -H "X-Request-Id: 9f8e7d6c5b4a39281716" https://x',
        'curl -H "X-Token-Expiry: 3600" https://x',
        "authorization: {mode: Webhook}",
    ],
)
def test_headers_without_a_literal_credential(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,password",
    [
        ("htpasswd -b -c /etc/nginx/.htpasswd admin S3cretPass1", "S3cretPass1"),
        ("htpasswd -cb /etc/nginx/.htpasswd admin 'S3cretPass1' && nginx -t", "S3cretPass1"),
        ("htpasswd -Bbn admin S3cretPass1 > /auth/htpasswd", "S3cretPass1"),
        ("htpasswd -B -C 10 -b /auth/htpasswd admin S3cretPass1", "S3cretPass1"),
        ('sudo htpasswd -nb "admin" "Hunter2Hunter2"', "Hunter2Hunter2"),
        ('echo "admin:S3cretPass1" | chpasswd', "S3cretPass1"),
        ("echo 'root:Docker!' | chpasswd", "Docker!"),
        ("printf 'deploy:Pa55word\\n' | sudo chpasswd", "Pa55word"),
        ('chpasswd <<< "app:Pa55word"', "Pa55word"),
        ("echo 'S3cretPass1' | docker login -u user --password-stdin registry", "S3cretPass1"),
        ('echo "Hunter2Hunter2" | helm registry login r.io --password-stdin', "Hunter2Hunter2"),
        ("echo 'S3cretPass1' | passwd --stdin app", "S3cretPass1"),
        ("mongosh -u admin -p S3cretPass1 --authenticationDatabase admin", "S3cretPass1"),
        ("mongodump --username=app --password=S3cretPass1 --out /backup", "S3cretPass1"),
        ("helm repo add c https://c.io --username u --password S3cretPass1", "S3cretPass1"),
        ("az login --service-principal -u http://app -p Xk82jfQzLm29 --tenant t", "Xk82jfQzLm29"),
        ("az acr login --name reg -u user -p Xk82jfQzLm29", "Xk82jfQzLm29"),
        ("podman login -u bob -p S3cretPass1 quay.io", "S3cretPass1"),
        ("buildah login --username bob --password=S3cretPass1 quay.io", "S3cretPass1"),
        ("oc login -u dev -p S3cretPass1 https://api.example:6443", "S3cretPass1"),
        ("cf login -a https://api.example -u admin -p S3cretPass1", "S3cretPass1"),
        ("helm registry login r.io -u bob -p S3cretPass1", "S3cretPass1"),
        ("/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P 'S3cretPass1' -Q 'SELECT 1'",
         "S3cretPass1"),
        # an API key given as curl's user, with no password (as Stripe's and others' APIs take it)
        ("curl https://api.vendor.example/v1/charges -u rk9Xk2pLm9QzR4tWq8:", "rk9Xk2pLm9QzR4tWq8"),
        ('curl -u "d2LkV78zLx!t:" https://localhost:9200', "d2LkV78zLx!t"),
    ],
)  # fmt: skip
def test_passwords_a_command_is_given(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        'htpasswd -b -c /etc/nginx/.htpasswd admin "$ADMIN_PASSWORD"',
        "htpasswd -c /etc/nginx/.htpasswd admin",  # prompts
        "htpasswd -bc /etc/nginx/.htpasswd admin",  # no password given
        "htpasswd -Bbn admin ${PASS} > /auth/htpasswd",
        "htpasswd htpasswd htpasswd -b",
        'echo "admin:$ADMIN_PASSWORD" | chpasswd',
        "echo 'root:changeme' | chpasswd",
        'echo "$TOKEN" | docker login -u user --password-stdin registry',
        "cat /run/secrets/token | docker login -u user --password-stdin registry",
        'echo "logging in" && docker login -u user --password-stdin registry < /run/secrets/pw',
        "mongosh -u admin -p --authenticationDatabase admin",  # prompts
        "mongosh -u admin -p $MONGO_PASSWORD",
        "helm registry login r.example.com -u bob --password-stdin",
        "helm install app ./chart --set image.tag=1.2.3",
        "docker run -d --name mongo -p 27017:27017 mongo:7",
        "docker run --name mongo -p 127.0.0.1:27017:27017/tcp mongo:7",
        "wget --password={{ wget_password }} https://x",
        "curl -u admin:{{ .Values.password }} https://x",
        "mysql -uroot -p{{ mysql_root_password }} -e 'select 1'",
        "az login --service-principal -u http://app -p $AZ_SECRET --tenant t",
        "ssh login@bastion -p 2222",
        "oc login -u dev https://api.example:6443",  # prompts
        "sqlcmd -S localhost -U sa -P \"$SA_PASSWORD\" -Q 'SELECT 1'",
        "sqlcmd -S localhost -E -p -Q 'SELECT 1'",  # -p prints statistics
        "curl -u admin: https://x",  # a user name, no key
        'curl -u "$API_KEY:" https://x',
    ],
)
def test_commands_without_a_literal_password(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,token",
    [
        ("npm config set //registry.npmjs.org/:_authToken abcd1234efgh5678", "abcd1234efgh5678"),
        ('echo "//registry.npmjs.org/:_authToken=Xk82jfQzLm29" > ~/.npmrc', "Xk82jfQzLm29"),
        # a legacy npm token is a UUID
        ("echo '//registry.npmjs.org/:_authToken=3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b' >> .npmrc",
         "3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b"),
        ("//npm.example.com/:_auth=YWRtaW46UzNjcmV0UGFzczE=", "YWRtaW46UzNjcmV0UGFzczE="),
        ("npm config set _auth YWRtaW46UzNjcmV0UGFzczE=", "YWRtaW46UzNjcmV0UGFzczE="),
        ("//npm.example.com/:_password = UzNjcmV0UGFzczE=", "UzNjcmV0UGFzczE="),
    ],
)  # fmt: skip
def test_npm_registry_credentials(line, token):
    assert _found(line) == [("NPM tokens", token)]


@pytest.mark.parametrize(
    "line",
    [
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        'echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc',
        "npm config set //registry.npmjs.org/:_authToken ${NPM_TOKEN}",
        "//registry.npmjs.org/:_authToken=<your-token>",
        "db_password = S3cretPass1",
        "always-auth=true",
    ],
)
def test_npm_registry_settings_without_a_credential(line):
    assert all(kind != "NPM tokens" for kind, _ in _found(line))


@pytest.mark.parametrize(
    "line,secret",
    [
        ("PGPASSWORD=S3cretPass1 psql -h db -U app", "S3cretPass1"),
        ("export API_TOKEN=abc123def456 && ./deploy.sh", "abc123def456"),
        ("cd /app; DB_USER=app DB_PASSWORD='Hunter2Hunter2' ./migrate", "Hunter2Hunter2"),
        ('MYSQL_PWD="R00tPassw0rd" mysql -uroot -e "select 1"', "R00tPassw0rd"),
        ("env SECRET_KEY=k8sT0ps3cret python manage.py migrate", "k8sT0ps3cret"),
    ],
)
def test_secret_variables_set_for_a_command(line, secret):
    assert _found(line) == [("Secret Variable Assignment", secret)]


@pytest.mark.parametrize(
    "line",
    [
        'PGPASSWORD="$DB_PASSWORD" psql -h db',
        "PGPASSWORD=$(cat /run/secrets/db) psql -h db",
        "export API_TOKEN=${API_TOKEN:?} && ./deploy.sh",
        "DB_PASSWORD_FILE=/run/secrets/db ./migrate",
        "TOKEN_TTL=3600 ./serve",
        "DB_PASSWORD=changeme ./migrate",
        "MYSQL_ALLOW_EMPTY_PASSWORD=yes mysqld",
        "spring.datasource.url=jdbc:postgresql://db/app",
        "helm upgrade app ./chart --set image.tag=1.2.3",
    ],
)
def test_variables_without_a_literal_secret(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,secret",
    [
        ("./app serve --api-key=9f8e7d6c5b4a3928 --port 8080", "9f8e7d6c5b4a3928"),
        ("az login -u app --client-secret Xk82jfQzLm29 --tenant t", "Xk82jfQzLm29"),
        ("vault-agent --token='s3cr3tT0kenValue' run", "s3cr3tT0kenValue"),
        ("kubectl create secret generic db --from-literal=password=Pg5ecretPass", "Pg5ecretPass"),
        ("helm install db bitnami/pg --set auth.postgresPassword=Pg5ecretPass", "Pg5ecretPass"),
        ("helm upgrade a ./c --set image.tag=1.2,auth.password=Pg5ecretPass -n x", "Pg5ecretPass"),
        ('helm install r ./redis --set-string "auth.password=R3disPassw0rd"', "R3disPassw0rd"),
        # Spring Boot reads `--a.b.c=value` arguments as properties
        ("java -jar app.jar --spring.datasource.password=Spr1ngDbPw", "Spr1ngDbPw"),
        ("java -jar app.jar --server.ssl.key-store-password 'K3yst0re99'", "K3yst0re99"),
    ],
)  # fmt: skip
def test_options_named_for_the_secret_they_take(line, secret):
    assert [value for _, value in _found(line)] == [secret]


@pytest.mark.parametrize(
    "line",
    [
        "docker login -u bob --password-stdin registry.example.com",
        "./app --password-file /run/secrets/pw --token-ttl 3600",
        "./app --api-key $API_KEY --client-secret ${CLIENT_SECRET}",
        "./app --token=$(cat /run/secrets/token)",
        "mongod --auth --bind_ip_all",
        "./app --auth=token --auth basic",
        "./app --secret-id 1234abcd5678",
        "docker build --secret id=npmrc,src=.npmrc .",
        "kubectl create secret generic db --from-literal=username=app --from-file=pw=./pw.txt",
        "kubectl create secret generic db --from-literal=password=${DB_PASSWORD}",
        "helm install db bitnami/postgresql --set auth.existingSecret=db-credentials",
        "helm install db ./c --set auth.password={{ .Values.password }}",
        "helm install db ./c --set auth.password=$DB_PASSWORD,image.tag=1.2",
        "java -jar app.jar --spring.datasource.password=${DB_PASSWORD} --server.port=8080",
        "java -jar app.jar --spring.config.location=/etc/app/ --jwt.secret.file=/run/s/jwt",
    ],
)
def test_options_without_a_literal_secret(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,password",
    [
        ("openssl pkcs12 -export -in c.pem -passout pass:S3cretPass1 -out a.p12", "S3cretPass1"),
        ("openssl rsa -in k.pem -passin 'pass:S3cretPass1' -out p.pem", "S3cretPass1"),
        ("keytool -genkeypair -keystore k.jks -storepass S3cretPass1 -alias app", "S3cretPass1"),
        ("keytool -importkeystore -srcstorepass S3cretPass1 -destkeystore k", "S3cretPass1"),
    ],
)
def test_keystore_passwords(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        # the JDK's cacerts keystore: its password is the published default
        "keytool -importcert -noprompt -cacerts -storepass changeit -file ca.crt -alias ca",
        "openssl pkcs12 -export -in c.pem -passout env:P12_PASSWORD -out a.p12",
        "openssl pkcs12 -export -in c.pem -passout file:/run/secrets/p12 -out a.p12",
        'keytool -genkeypair -keystore k.jks -storepass "$KEYSTORE_PASSWORD"',
    ],
)
def test_keystore_passwords_given_elsewhere(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,password",
    [
        ('echo "machine github.com login deploy password Gh5ecretPass" > ~/.netrc', "Gh5ecretPass"),
        ("printf 'machine nexus.example.com\\nlogin ci\\npassword N3xusPass\\n' > /root/.netrc",
         "N3xusPass"),
    ],
)  # fmt: skip
def test_netrc_passwords(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        'echo "machine github.com login deploy password ${GITHUB_TOKEN}" > ~/.netrc',
        'echo "machine github.com login $GH_USER password $(cat /run/secrets/gh)" > ~/.netrc',
    ],
)
def test_netrc_passwords_given_elsewhere(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,secret",
    [
        ("aws configure set aws_secret_access_key kJ8s9dF2mN4pQ7rT1vW3xY5zA6bC8dE0fG2hI4jK",
         "kJ8s9dF2mN4pQ7rT1vW3xY5zA6bC8dE0fG2hI4jK"),
        ("aws configure set default.aws_session_token 'IQoJb3JpZ2luX2VjEHUa' --profile ci",
         "IQoJb3JpZ2luX2VjEHUa"),
        ("aws configure --profile ci set aws_secret_access_key Zx8vQm2LkP9sT4wR7yN1",
         "Zx8vQm2LkP9sT4wR7yN1"),
        ("yarn config set npmAuthToken 9f8e7d6c5b4a39281716 -H", "9f8e7d6c5b4a39281716"),
        ('pip config set global.password "Pg5ecretPass"', "Pg5ecretPass"),
        ("aws configure set aws_secret_access_key niUlwQTbH8603Engc/e4VAyE+jgpYyoO6UeWwPVo",
         "niUlwQTbH8603Engc/e4VAyE+jgpYyoO6UeWwPVo"),
        ('aws configure set aws_session_token "IQoJb3JpZ2luX2VjEJr//////////wEaCXVz" --profile ci',
         "IQoJb3JpZ2luX2VjEJr//////////wEaCXVz"),
        ("yarn config set npmAuthToken Xk82jfQzLm29aB7c", "Xk82jfQzLm29aB7c"),
        ("pip config set global.password S3cretPass1", "S3cretPass1"),
    ],
)  # fmt: skip
def test_secrets_a_configuration_command_stores(line, secret):
    """`TOOL config set NAME VALUE` (aws configure set, yarn, pip): the value written into the
    tool's configuration, judged under its name (a dotted profile or scope before it)."""
    assert [value for _, value in _found(line)] == [secret]


@pytest.mark.parametrize(
    "line",
    [
        "aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY",
        "aws configure set aws_secret_access_key $(cat /run/secrets/aws-secret-key)",
        "aws configure set region eu-west-1 && aws configure set output json",
        "aws configure set default.s3.max_concurrent_requests 20",
        "yarn config set npmAuthToken ${NPM_TOKEN}",
        "git config set --global credential.helper store",
        "aws configure set aws_secret_access_key <your-secret-key>",
        'aws configure set aws_secret_access_key "${AWS_SECRET_ACCESS_KEY}" --profile ci',
        "aws configure set aws_secret_access_key test",
        "aws configure set default.region us-east-1 && aws configure set output json",
        "yarn config set npmAuthTokenFile /run/secrets/npm",
        "aws configure get aws_secret_access_key",
    ],
)
def test_configuration_commands_without_a_literal_secret(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,secret",
    [
        ("composer config --global http-basic.repo.example.com bob Kq7vN2xPz9LmW4tR",
         "Kq7vN2xPz9LmW4tR"),
        ("composer config -g --auth http-basic.repo.example.com bob 'Kq7vN2xPz9LmW4tR'",
         "Kq7vN2xPz9LmW4tR"),
        ("composer -n config bearer.repo.example.com Tz8pQ3wLk6NvX2mR9sYb", "Tz8pQ3wLk6NvX2mR9sYb"),
        ("composer config gitlab-token.gitlab.example.com Tz8pQ3wLk6NvX2mR9sYb",
         "Tz8pQ3wLk6NvX2mR9sYb"),
        ('poetry config http-basic.private bob "Kq7vN2xPz9LmW4tR"', "Kq7vN2xPz9LmW4tR"),
        ("poetry config pypi-token.private Tz8pQ3wLk6NvX2mR9sYb", "Tz8pQ3wLk6NvX2mR9sYb"),
        ("bundle config set --global gems.example.com bob:Kq7vN2xPz9LmW4tR", "Kq7vN2xPz9LmW4tR"),
        ("bundle config https://gems.example.com/ bob:Kq7vN2xPz9LmW4tR", "Kq7vN2xPz9LmW4tR"),
    ],
)  # fmt: skip
def test_repository_credentials_a_package_manager_stores(line, secret):
    """Composer's and Poetry's `config http-basic.REPO USER PASSWORD` and token keys, and
    Bundler's `config [set] HOST USER:PASSWORD`: written into auth.json, auth.toml or
    ~/.bundle/config, a layer of the image."""
    assert [value for _, value in _found(line)] == [secret]


@pytest.mark.parametrize(
    "line",
    [
        "composer config --global http-basic.repo.example.com bob $COMPOSER_PASSWORD",
        'composer config http-basic.repo.example.com "$USER" "${PASS}"',
        "composer config --unset http-basic.repo.example.com",
        "composer config http-basic.repo.example.com",  # shows the setting
        "poetry config http-basic.private bob",  # asks for the password
        "poetry config repositories.private https://repo.example.com/simple/",
        "bundle config set --global path vendor/bundle",
        "bundle config set --global gems.example.com bob:$GEMS_PASSWORD",
        "bundle config set --local without development:test",
        "composer config http-basic.repo.example.com bob changeme",
    ],
)
def test_package_manager_settings_without_a_literal_credential(line):
    assert _found(line) == []
