"""DKR015 sensitive-file-copied: which paths are keys or credential files (by name, by
directory, as a pattern that can match one)."""

from __future__ import annotations

import pytest

from guardlint.checks.dockerfile.sensitive_files import is_sensitive_path
from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


@pytest.mark.parametrize(
    ("path", "sensitive"),
    [
        ("id_rsa", True), ("keys/server.key", True), (".env", True), (".env.production", True),
        (".aws/", True), ("home/.ssh/config", True), (".npmrc", True), ("kubeconfig", True),
        (".git", True), ("privkey.pem", True), ("ca-cert.pem", False), ("fullchain.pem", False),
        ("id_rsa.pub", False), (".env.example", False), ("src/", False), ("keyboard.js", False),
        (".docker/config.json", True), (".docker/nginx.conf", False), (".github/", False),
        ("id_rs[a]", True), ("id_rs?", True), (".en[v]", True), ("keys/*.ke[y]", True),
        ("ID_RS[A]", True), ("id_*", True), ("[.]ss[h]/config", True), ("*.pe?", True),
        ("id_rs[^aA]", False), ("id_rs[!a]", True), ("id_rs\\a", True), ("id_rs[a", False),
        ("*", False), ("*.json", False), ("src/*", False), ("[a-z]*.py", False),
        ("cert*.pem", False), (".env.example*", False), (".en[v].prod", True),
        ("id_rsa.pu?", False), ("*.whl", False), ("id_ed25519_sk", True), ("id_ecdsa_sk", True),
        (".pgpass", True), (".s3cfg", True), (".dockercfg", True), (".vault-token", True),
        ("keys/deploy.ppk", True), ("krb5.keytab", True), ("*.ppk", True),
        (".config/gcloud/application_default_credentials.json", True), (".config/gcloud", True),
        (".azure/", True), ("id_ed25519_sk.pub", False), (".config/git/", False),
        ("config/production.env", True), ("secrets.env", True), ("sample.env", False),
        ("docker/example.env", False), ("app.environment", False), ("env", False),
        ("firebase-credentials.json", True), ("aws_credentials", True),
        ("client_secret.json", True), ("client_secret_1-ab.apps.googleusercontent.com.json", True),
        (".cargo/credentials.toml", True), ("credentials-template.json", False),
        ("credentials.py", False), ("secret.go", False), ("Gemfile*", False), ("go.*", False),
        ("yarn.lock*", False), ("config*", False), ("composer.*", False), ("*.pe*", True),
        ("server*.key", True), ("deploy/id_*", True), (".*", True), ("*.p[e]m", True),
    ],
)  # fmt: skip
def test_sensitive_paths(path, sensitive):
    assert is_sensitive_path(path) is sensitive


def test_catches_sensitive_files_matched_by_a_pattern(tmp_path):
    text = "FROM alpine:3.22\nCOPY id_rs[a] /k\nCOPY id_rs? /k\nCOPY .en[v] /k/\nCOPY *.py /app/\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR015"), "DKR015") == [2, 3, 4]


def test_a_star_that_would_supply_the_extension_spells_no_key(tmp_path):
    """`COPY Gemfile* ./` and `COPY go.* ./` copy a project's manifests and lock files: a
    key's extension (.pem, .key) would have to come from the `*`, which copies whatever the
    context holds under that stem. A pattern that writes the extension (`*.pe?`, `srv*.key`),
    or a key's own name (`id_*`, `.en[v]`), still counts."""
    text = (
        "FROM ruby:3.4\nWORKDIR /app\nCOPY Gemfile* ./\nCOPY go.* ./\n"
        "COPY package.json yarn.lock* ./\nCOPY docker-entrypoint* /usr/local/bin/\n"
        "COPY tls/srv*.key /etc/tls/\nCOPY deploy/id_* /root/.ssh/\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR015"), "DKR015") == [7, 8]


def test_catches_a_sensitive_file_named_through_a_variable(tmp_path):
    text = "FROM alpine:3.22\nARG KEY=id_rsa\nCOPY $KEY /k\nARG OTHER\nCOPY ${OTHER} /o\n"
    result = scan_dockerfile(tmp_path, text, "DKR015")
    assert lines_of(result, "DKR015") == [3]
    assert findings_of(result, "DKR015")[0].properties == {"path": "id_rsa"}


def test_a_file_copied_to_where_a_key_or_credential_file_belongs(tmp_path):
    """Whatever the source is called, a file that lands as ~/.ssh/id_rsa, ~/.npmrc,
    ~/.aws/credentials, ~/.kube/config or ~/.docker/config.json in the image is that key or
    credential file; so is a directory copied to be ~/.ssh. A certificate, an env template
    made the app's .env, ssh settings and a stage's files are not reported."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS build
        FROM alpine:3.22
        COPY deploy_key /root/.ssh/id_rsa
        COPY --chown=node:node npmrc /home/node/.npmrc
        ADD aws-creds.ini /root/.aws/credentials
        WORKDIR /root
        COPY cluster.yaml .kube/config
        COPY docker-auth.json /root/.docker/config.json
        COPY ssh-keys/ /home/app/.ssh/
        COPY ssh /root/.ssh
        COPY config /root/.kube/
        COPY env.production /app/.env
        COPY known_hosts ssh_config /root/.ssh/
        COPY ssh_config /root/.ssh/config
        COPY .env.example /app/.env
        COPY app.env.sample /app/app.env
        COPY certs/server.crt /etc/nginx/server.pem
        COPY aws.conf /root/.aws/config
        COPY --from=build /out/key /root/.ssh/id_rsa
        COPY app.py /app/id_rsa.pub
        """,
        "DKR015",
    )
    assert [(f.region.start_line, f.properties["path"]) for f in findings_of(result, "DKR015")] == [
        (3, "deploy_key"), (4, "npmrc"), (5, "aws-creds.ini"), (7, "cluster.yaml"),
        (8, "docker-auth.json"), (9, "ssh-keys/"), (10, "ssh"), (11, "config"),
        (12, "env.production"),
    ]  # fmt: skip
    (first, *_) = findings_of(result, "DKR015")
    assert first.message.startswith("COPY puts deploy_key into stage 1 as /root/.ssh/id_rsa:")


def test_a_download_is_not_a_file_of_the_build_context(tmp_path):
    """A URL serves public files: a repository's signing key (`nginx_signing.key`), not a
    private key of the build (DKR007 judges the download itself)."""
    text = (
        "FROM nginx:1.27\n"
        "ADD https://nginx.org/keys/nginx_signing.key /tmp/nginx_signing.key\n"
        "ADD --checksum=sha256:abc https://example.com/ca.pem /etc/ssl/private/\n"
        "ADD git@github.com:org/keys.git /src/.ssh\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR015"), "DKR015") == []


def test_a_file_copied_to_where_a_credential_variable_points(tmp_path):
    """A file copied to the path GOOGLE_APPLICATION_CREDENTIALS (or AWS's, kubectl's,
    libpq's credential file variable) names is that credential, whatever it is called: set
    before or after the COPY, relative to the WORKDIR, in the stage or one it builds FROM. A
    file landing elsewhere, or a variable naming a path no COPY writes, is not reported."""
    result = scan_dockerfile(
        tmp_path,
        """\
        FROM python:3.12-slim AS base
        ENV KUBECONFIG=/etc/deploy/cluster.yaml
        FROM base
        WORKDIR /app
        COPY sa.json key.json ./
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json
        COPY cluster.yaml /etc/deploy/
        ARG PGPASSFILE=passfile
        COPY pass.txt passfile
        COPY settings.json /app/settings.json
        ENV AWS_SHARED_CREDENTIALS_FILE=/run/secrets/aws
        """,
        "DKR015",
    )
    found = findings_of(result, "DKR015")
    assert [(f.region.start_line, f.properties["path"]) for f in found] == [
        (5, "key.json"),
        (7, "cluster.yaml"),
        (9, "pass.txt"),
    ]
    assert "GOOGLE_APPLICATION_CREDENTIALS" in found[0].message


def test_a_file_copied_to_where_a_command_s_credential_file_option_points(tmp_path):
    """A RUN's gcloud service account key (`--key-file`, `--cred-file`), kubectl's or Helm's
    `--kubeconfig` and ssh's `-i` name a credential file as the variables do: a file copied
    there is that credential (relative to the WORKDIR the RUN runs in). A key mounted for the
    RUN alone, an option naming a path no COPY writes, and another command's `-i` (`sed -i`,
    `kubectl exec -i`) are not reported."""
    result = scan_dockerfile(
        tmp_path,
        """\
        FROM google/cloud-sdk:480.0.0-slim
        WORKDIR /app
        COPY sa.json /app/sa-key.json
        RUN gcloud auth activate-service-account --key-file=/app/sa-key.json && gsutil ls
        COPY login.json creds/login.json
        RUN gcloud auth login --cred-file creds/login.json
        COPY cluster.yaml /deploy/cfg
        RUN helm --kubeconfig /deploy/cfg list && sed -i s/a/b/ /app/app.conf
        COPY deploy /tmp/dk
        RUN ssh -i /tmp/dk -o StrictHostKeyChecking=no git@host true
        COPY app.conf /app/app.conf
        RUN kubectl exec -i pod -- sh
        RUN --mount=type=secret,id=gcp,target=/run/secrets/k.json \\
            gcloud auth activate-service-account --key-file=/run/secrets/k.json
        """,
        "DKR015",
    )
    found = findings_of(result, "DKR015")
    assert [(f.region.start_line, f.properties["path"]) for f in found] == [
        (3, "sa.json"),
        (5, "login.json"),
        (7, "cluster.yaml"),
        (9, "deploy"),
    ]
    assert "gcloud's --key-file" in found[0].message


def test_a_file_copied_to_where_a_variable_s_command_points(tmp_path):
    """A variable that holds a command (`GIT_SSH_COMMAND`) names a credential file as a RUN's
    command does; one naming a variable's value names nothing known."""
    result = scan_dockerfile(
        tmp_path,
        """\
        FROM alpine:3.20
        COPY deploy /root/dk
        ENV GIT_SSH_COMMAND="ssh -i /root/dk -o IdentitiesOnly=yes"
        COPY other /root/other
        ENV GIT_SSH_COMMAND="ssh -i $KEY_PATH"
        RUN git clone git@github.com:org/x.git
        """,
        "DKR015",
    )
    found = findings_of(result, "DKR015")
    assert [(f.region.start_line, f.properties["path"]) for f in found] == [(2, "deploy")]
    assert "ssh's -i" in found[0].message


def test_a_windows_stage_copies_keys_named_with_backslashes(tmp_path):
    """A Windows image's paths are written with `\\` (under `# escape=` and a backtick a
    backslash is a character, with the default escape `\\\\` is one): a source or destination
    in a Windows stage is judged with `\\` as the separator, as the Windows daemon reads it."""
    result = scan_dockerfile(
        tmp_path,
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY .ssh\\id_rsa C:\\Users\\ContainerAdministrator\\.ssh\\id_rsa
        COPY secrets\\server.pfx C:\\certs\\
        COPY deploy_key C:\\Users\\ContainerAdministrator\\.ssh\\id_ed25519
        COPY cluster.yaml C:\\Users\\ContainerUser\\.kube\\config
        COPY app\\config.json C:\\app\\
        COPY keys\\id_rsa.pub C:\\keys\\
        USER ContainerUser
        """,
        "DKR015",
    )
    found = findings_of(result, "DKR015")
    assert [(f.region.start_line, f.properties["path"]) for f in found] == [
        (3, ".ssh\\id_rsa"),
        (4, "secrets\\server.pfx"),
        (5, "deploy_key"),
        (6, "cluster.yaml"),
    ]


def test_a_windows_base_image_reads_backslashes_as_separators_without_the_directive(tmp_path):
    """With the default escape `\\\\` in the file is one backslash (and a line that ends in
    one goes on to the next, as Docker's documentation warns)."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM mcr.microsoft.com/dotnet/framework/runtime:4.8 AS base
        FROM base
        COPY .aws\\\\credentials C:/app/
        COPY app\\\\settings.json C:\\\\app\\\\settings.json
        """,
        "DKR015",
    )
    assert lines_of(result, "DKR015") == [3]


def test_a_linux_stage_keeps_a_backslash_in_a_name(tmp_path):
    """On Linux `\\` is no separator: a file named `.ssh\\id_rsa` is no key in .ssh."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        COPY [".ssh\\\\\\\\notes.txt", "/app/"]
        """,
        "DKR015",
    )
    assert lines_of(result, "DKR015") == []


def test_windows_names_keys_in_either_case(tmp_path):
    """DKR015: `.SSH\\ID_RSA`, `.AWS/`, `.Docker/Config.json`, a key copied to be
    `.KUBE\\CONFIG` are keys on Windows; a public key in capitals is not; nor does Linux
    read `.SSH` as ssh's directory. A file a credential variable names is still found by its
    path as written."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY .SSH\\\\ID_RSA C:/app/
        COPY .AWS/ C:/Users/ContainerUser/.AWS/
        COPY .Docker/Config.json C:/app/
        COPY myconfig C:\\\\Users\\\\ContainerAdministrator\\\\.KUBE\\\\CONFIG
        COPY keys\\\\ID_RSA.PUB C:/app/
        ENV GOOGLE_APPLICATION_CREDENTIALS=C:/App/sa.json
        COPY keyfile C:/App/sa.json
        FROM alpine:3.22
        COPY .SSH/known_hosts /app/
        """,
        "DKR015",
    )
    assert lines_of(result, "DKR015") == [2, 3, 4, 5, 8]


_COUNT_TOKENS = """
import sys
from guardlint.parse import path_glob
calls, tokens = [], path_glob.tokens
path_glob.tokens = lambda *args, **kwargs: calls.append(args) or tokens(*args, **kwargs)
from guardlint.checks.dockerfile.sensitive_files import is_sensitive_path
before = len(calls)
assert is_sensitive_path("keys/id_rs?") and not is_sensitive_path("src/*.py")
print(before, len(calls) > before)
"""


def test_the_names_as_wildcard_patterns_are_made_when_a_wildcard_is_first_met():
    # Made at import, they cost every Dockerfile scan 0.9 ms, though a COPY source with a
    # wildcard is rare (none in the corpus's 35 Dockerfiles).
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COUNT_TOKENS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "True"]


_CASE_FOLDING_COMPILED = """
from guardlint.checks.dockerfile import sensitive_files
for path in sys.argv[1:]:
    sensitive_files.is_sensitive_path(path)
print("_compiled" in vars(sensitive_files._SENSITIVE_NAME))
"""


@pytest.mark.parametrize(
    ("paths", "compiled"),
    [(["ID_RSA", "keys/Server.KEY", "app.py"], "False"), (["keys/s\u00e9rver.key"], "True")],
)
def test_a_name_in_ascii_is_judged_without_the_case_folding_pattern(paths, compiled):
    # IGNORECASE made the names' pattern cost every Dockerfile scan 0.8 ms to compile, 0.3
    # without: an ASCII name is matched lower-cased (the second case is the control).
    import subprocess
    import sys

    code = "import sys\n" + _CASE_FOLDING_COMPILED
    done = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [compiled]


def test_a_name_in_ascii_is_judged_as_the_case_folding_pattern_judges_it():
    import random
    import re

    from guardlint.checks.dockerfile import sensitive_files

    folding = re.compile(sensitive_files._SENSITIVE_NAMES, re.IGNORECASE)
    names = ["id_rsa", "id_ed25519_sk", ".env", ".env.prod", ".env.example", ".env.Sample.x",
             "prod.env", ".npmrc", ".git-credentials", "kubeconfig", "my-credentials.yml",
             "client_secret_x.json", "client_secrets.json", "a.key", "b.p12", "c.keystore",
             "d.pem", "e.pub", "app.py", "README.md", "credentials", "x.Keytab", "id_rsa2",
             ".vault-token", ".dockercfg", "a.pemx", "env", ".envrc"]  # fmt: skip
    randomly = random.Random(3)
    for name in names:
        for spelled in (name, name.upper(), "".join(randomly.choice((c, c.upper())) for c in name)):
            expected = folding.match(spelled) is not None
            assert sensitive_files._is_sensitive_name(spelled) == expected, spelled
