"""Secrets in the image: DKR004 secret-in-env-or-arg, DKR015 sensitive-file-copied, DKR018
secret-removed-in-later-layer."""

from __future__ import annotations

import pytest

from guardlint.model.rules import Severity
from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file


def test_catches_secrets_in_env_arg_and_run_redacted_and_not_doubled_by_sec001(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        ENV APP=1 \\
            DB_PASSWORD="Sup3r-S3cret-Passw0rd"
        ARG GH_TOKEN=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
        RUN git clone https://ci:Zq8wLx2vNp4R@git.example.com/org/repo.git \\
         && echo done
        ENV API_KEY=${API_KEY} PASSWORD=changeme
        """,
        "DKR004",
        "SEC001",
    )
    assert lines_of(result, "DKR004") == [3, 4, 5]
    assert lines_of(result, "SEC001") == []
    for finding in findings_of(result, "DKR004"):
        assert "Sup3r" not in finding.snippet + finding.message
        assert "ghp_" not in finding.snippet + finding.message + str(finding.properties)


def test_catches_passwords_on_command_lines_but_not_secret_mounts():
    result = run_scan(FIXTURES / "dockerfile" / "DKR004" / "bad-command-line")
    assert lines_of(result, "DKR004") == [3, 4]
    assert all("Command-line Password" in f.message for f in findings_of(result, "DKR004"))
    assert all("<redacted>" in f.snippet for f in findings_of(result, "DKR004"))
    assert not findings_of(FIXTURES / "dockerfile" / "DKR004" / "good-command-line", "DKR004")


def test_catches_a_secret_in_a_heredoc_at_its_line(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        COPY <<EOF /root/.npmrc
        //registry.npmjs.org/:_authToken=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
        EOF
        """,
        "DKR004",
        "SEC001",
    )
    assert lines_of(result, "DKR004") == [3]
    assert lines_of(result, "SEC001") == []


def test_catches_sensitive_files_copied_and_files_removed_in_a_later_layer(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        WORKDIR /build
        COPY id_rsa /root/.ssh/
        COPY requirements.txt ./
        COPY --from=builder /out/app.key /etc/app.key
        RUN pip install -r requirements.txt \\
         && rm -rf /root/.ssh requirements.txt
        COPY conf/ /etc/app/
        COPY app.ini /opt/
        RUN rm -rf /etc/app/conf && cd /tmp && rm app.ini
        COPY . /src
        COPY *.whl /wheels/
        RUN rm -rf /src/tests && pip install /wheels/*.whl && rm /wheels/*.whl
        RUN make -C /src && rm -rf /src
        """,
        "DKR015",
        "DKR018",
    )
    # No stage is named builder: the key comes from a named context or an image (line 5).
    assert lines_of(result, "DKR015") == [3, 5]
    removed = findings_of(result, "DKR018")
    assert sorted((f.region.start_line, f.severity) for f in removed) == [
        (6, Severity.LOW), (6, Severity.HIGH), (13, Severity.LOW), (14, Severity.LOW)
    ]  # fmt: skip


def test_a_key_copied_under_another_name_and_deleted_later_is_a_key(tmp_path):
    """`COPY deploy_key /root/.ssh/id_rsa` puts a private key into the layer, whatever the
    source is called (DKR015): deleting it later leaves a key behind (high), not a file."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        COPY deploy_key /root/.ssh/id_rsa
        COPY build.sh /tmp/
        RUN git clone git@example.com:o/r.git /src && rm /root/.ssh/id_rsa /tmp/build.sh
        """,
        "DKR018",
    )
    assert sorted((f.properties["path"], f.severity) for f in findings_of(result, "DKR018")) == [
        ("/root/.ssh/id_rsa", Severity.HIGH),
        ("/tmp/build.sh", Severity.LOW),
    ]


def test_dkr004_skips_flags_and_the_variable_name_in_capitals():
    assert not findings_of(FIXTURES / "dockerfile" / "DKR004" / "good-stand-ins", "DKR004")
    assert lines_of(FIXTURES / "dockerfile" / "DKR004" / "bad-capitals", "DKR004") == [3]


def test_a_secret_an_env_takes_from_an_arg_default_is_caught(tmp_path):
    """The image's config holds DB_PASSWORD=hunter2xyz9, though the ENV line names $SEED."""
    text = (
        "FROM alpine:3.22\nARG SEED=hunter2xyz9\nENV DB_PASSWORD=$SEED\n"
        "ARG TOKEN\nENV API_TOKEN=$TOKEN\nUSER app\n"
    )
    result = scan_dockerfile(tmp_path, text, "DKR004")
    assert lines_of(result, "DKR004") == [3]
    assert all("hunter2xyz9" not in str(f) for f in result.findings)


def test_a_file_added_in_a_base_stage_and_deleted_in_a_stage_built_from_it(tmp_path):
    """A stage built FROM another keeps that stage's layers: a deletion there only hides the
    file. A stage built from anything else never had it."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS base
        WORKDIR /app
        COPY id_rsa .ssh/id_rsa
        COPY build.sh ./
        COPY app.conf /etc/app.conf
        RUN rm /etc/app.conf
        FROM base AS final
        RUN sh build.sh && rm build.sh .ssh/id_rsa /etc/app.conf
        FROM base AS other
        RUN rm -f /app/build.sh
        FROM alpine:3.22
        RUN rm -f /app/build.sh /app/.ssh/id_rsa
        """,
        "DKR018",
    )
    removed = findings_of(result, "DKR018")
    assert sorted((f.region.start_line, f.severity, f.properties["path"]) for f in removed) == [
        (6, Severity.LOW, "/etc/app.conf"),
        (8, Severity.LOW, "/app/build.sh"),
        (8, Severity.HIGH, "/app/.ssh/id_rsa"),
        (10, Severity.LOW, "/app/build.sh"),
    ]
    assert all(f.properties["added_at"] in (3, 4, 5) for f in removed)
    assert "stage final" in removed[1].message or "stage final" in removed[2].message


def test_a_key_inside_a_copied_directory_deleted_in_a_later_layer(tmp_path):
    """`COPY . .` copies the build context's `.env` and `.git` too; deleting them later only
    hides them. Other files below a copied directory may be ones a RUN made since: not
    reported; nor is a deletion before the copy, or in a stage that never had it."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS base
        WORKDIR /app
        RUN rm -f /app/.npmrc
        COPY . .
        RUN rm -f .env && rm -rf node_modules/.cache
        COPY ssh/ /root/.ssh/
        RUN git clone git@example.com:o/r.git && rm -rf /root/.ssh/id_rsa .git
        COPY certs /etc/certs
        RUN rm /etc/certs/*.key
        FROM alpine:3.22
        RUN rm -f /app/.env
        """,
        "DKR018",
    )
    removed = findings_of(result, "DKR018")
    assert sorted((f.region.start_line, f.severity, f.properties["path"]) for f in removed) == [
        (5, Severity.HIGH, "/app/.env"),
        (7, Severity.HIGH, "/app/.git"),
        (7, Severity.HIGH, "/root/.ssh/id_rsa"),
        (9, Severity.HIGH, "/etc/certs/*.key"),
    ]
    assert [f.properties["added_at"] for f in removed] == [4, 4, 6, 8]


@pytest.mark.parametrize(
    ("run", "removed"),
    [
        ("(cd /tmp && rm build.sh) && rm id_rsa", ["/app/id_rsa", "/tmp/build.sh"]),
        ("sh -c 'cd /tmp && rm -f build.sh' && rm -f id_rsa", ["/app/id_rsa", "/tmp/build.sh"]),
        ('su -c "cd /tmp; rm build.sh" root; rm id_rsa', ["/app/id_rsa", "/tmp/build.sh"]),
        ("cd /tmp | true; rm id_rsa", ["/app/id_rsa"]),
        ("{ cd /tmp; rm build.sh; } | cat; rm id_rsa", ["/app/id_rsa", "/tmp/build.sh"]),
        ("true | { cd /tmp; rm build.sh; }; rm id_rsa", ["/app/id_rsa", "/tmp/build.sh"]),
        ("echo $(cd /tmp) && rm id_rsa", ["/app/id_rsa"]),
        ("((cd /); rm id_rsa)", ["/app/id_rsa"]),
        ("{ cd /tmp; }; rm build.sh", ["/tmp/build.sh"]),
        ("cd /tmp && (rm build.sh)", ["/tmp/build.sh"]),
        ("cd /tmp & rm id_rsa", ["/app/id_rsa"]),
        ("cd /tmp && rm build.sh & rm id_rsa", ["/app/id_rsa", "/tmp/build.sh"]),
        ("cd /tmp | cat && cd / & rm id_rsa", ["/app/id_rsa"]),
        ("{ cd /tmp; } & rm id_rsa", ["/app/id_rsa"]),
        ("(cd /tmp & rm id_rsa)", ["/app/id_rsa"]),
        ("cd /tmp; rm build.sh & rm id_rsa", ["/tmp/build.sh"]),
        ("cd /tmp & true; rm build.sh", ["/app/build.sh"]),
        ('cd "$OUT" && rm build.sh /app/id_rsa', ["/app/id_rsa"]),
    ],
)
def test_a_cd_in_a_subshell_or_child_shell_moves_only_its_own_commands(tmp_path, run, removed):
    """`cd` in `( ... )`, `sh -c '...'`, `su -c`, a pipeline's part, `$(...)` or an and-or
    list run in the background (`cd x && rm y &`) runs in a child environment: it applies to
    the commands inside, not to those after it; in `{ ...; }` it stays."""
    copies = "WORKDIR /app\nCOPY id_rsa build.sh ./\nCOPY build.sh /tmp/\n"
    text = f"FROM alpine:3.22\n{copies}RUN {run}\n"
    result = scan_dockerfile(tmp_path, text, "DKR018")
    assert sorted(f.properties["path"] for f in findings_of(result, "DKR018")) == removed


def test_files_the_dockerignore_excludes_are_not_copied(tmp_path):
    """A COPY or ADD from the context takes nothing the .dockerignore excludes (Go patterns
    with `**`, a directory's files too, `!` exceptions, the last match wins): no key copied
    (DKR015), none deleted later (DKR018); a copy from another stage is not filtered."""
    write_file(
        tmp_path,
        ".dockerignore",
        "# keys\nid_rsa\n**/*.pem\n/secrets\n!secrets/keep.key\n.env*\n!.env.prod\n.env.prod\n",
    )
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS build
        COPY id_rsa /k/id_rsa
        COPY certs/tls.pem secrets/app.key /k/
        COPY ./secrets/keep.key .npmrc /k/
        COPY . /app
        RUN rm -f /app/.env /app/.env.prod /app/config/.npmrc /k/id_rsa /k/tls.pem /k/app.key
        FROM build
        COPY --from=build /k/id_rsa /root/id_rsa
        RUN rm /root/id_rsa
        """,
        "DKR015",
        "DKR018",
    )
    assert [(f.region.start_line, f.properties["path"]) for f in findings_of(result, "DKR015")] == [
        (4, "./secrets/keep.key")
    ]
    assert sorted(
        (f.region.start_line, f.properties["path"]) for f in findings_of(result, "DKR018")
    ) == [(6, "/app/config/.npmrc"), (9, "/root/id_rsa")]


def test_a_key_copied_from_a_named_context_or_an_image_is_in_the_image(tmp_path):
    """`COPY --from=NAME` takes files from a stage of that name, else from a named context
    (`docker buildx build --build-context creds=$HOME/.aws`) or an image: a key from either
    lands in the image. What a stage holds was judged where it came in (line 2)."""
    write_file(tmp_path, ".dockerignore", "id_rsa\n")
    text = """
        FROM alpine:3.22 AS keys
        COPY deploy_key /root/.ssh/id_rsa
        FROM python:3.13-slim
        COPY --from=creds credentials /root/.aws/credentials
        COPY --from=ssh id_rsa /root/.ssh/
        COPY --from=registry.example.com/certs:1 /certs/tls.key /etc/ssl/private/
        COPY --from=keys /root/.ssh/id_rsa /root/.ssh/id_rsa
        COPY --from=KEYS /root/.ssh/id_rsa /k/
        COPY --from=0 /root/.ssh/id_rsa /k/
        COPY --from=${STAGE} /root/.ssh/id_rsa /k/
        COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/uv
        """
    result = scan_dockerfile(tmp_path, text, "DKR015")
    assert lines_of(result, "DKR015") == [2, 4, 5, 6]


def test_a_dockerfile_own_dockerignore_replaces_the_dockerignore(tmp_path):
    write_file(tmp_path, ".dockerignore", "id_rsa\n.npmrc\n")
    write_file(tmp_path, "app.Dockerfile.dockerignore", ".npmrc\n")
    text = "FROM alpine:3.22\nCOPY id_rsa .npmrc /k/\n"
    result = scan_dockerfile(tmp_path, text, "DKR015", name="app.Dockerfile")
    assert [f.properties["path"] for f in findings_of(result, "DKR015")] == ["id_rsa"]


def test_a_file_deleted_in_a_build_stage_whose_files_are_copied_out_is_not_reported(tmp_path):
    """A build stage that a later stage only takes files from (`COPY --from`, `RUN
    --mount=from=`) never ships its layers: the key it copied and deleted is not in the image
    (DKR018's own remediation). A stage nothing takes from may be a build target: reported."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS build
        COPY id_rsa /root/.ssh/id_rsa
        RUN git clone git@example.com:o/r.git /src && rm /root/.ssh/id_rsa
        FROM alpine:3.22 AS assets
        COPY id_rsa /root/.ssh/id_rsa
        RUN git clone git@example.com:o/a.git /a && rm /root/.ssh/id_rsa
        FROM alpine:3.22 AS debug
        COPY id_rsa /root/.ssh/id_rsa
        RUN rm /root/.ssh/id_rsa
        FROM alpine:3.22 AS base
        COPY id_rsa /root/.ssh/id_rsa
        RUN rm /root/.ssh/id_rsa
        FROM base
        COPY --from=0 /src /src
        RUN --mount=type=bind,from=assets,source=/a,target=/mnt cp -r /mnt /a
        """,
        "DKR018",
    )
    assert [f.region.start_line for f in findings_of(result, "DKR018")] == [9, 12]


def test_a_secret_a_copy_heredoc_writes_under_a_secret_name_is_caught(tmp_path):
    """`COPY <<EOF /app/.env` writes its body into the image: a `NAME=value` (or YAML `name:
    value`) line with a secret-looking name and a literal value is a hard-coded secret, as in
    an ENV. Stand-ins, references and other names are not."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        COPY <<EOF /app/.env
        DB_HOST=db
        DB_PASSWORD=SuperSecret123
        export API_TOKEN='q8Zr4mWx2LpV7nKt'
        JWT_SECRET=${JWT_SECRET}
        SMTP_PASSWORD=changeme
        EOF
        COPY <<EOT /app/config.yaml
        database:
          password: "Tr0ub4dor-x9"
          password_file: /run/secrets/db
        EOT
        RUN <<EOF
        echo building
        EOF
        """,
        "DKR004",
    )
    found = findings_of(result, "DKR004")
    assert [(f.region.start_line, f.properties["variable"]) for f in found] == [
        (4, "DB_PASSWORD"),
        (5, "API_TOKEN"),
        (11, "password"),
    ]


def test_code_a_copy_heredoc_writes_is_not_a_literal_secret(tmp_path):
    text = """
        FROM alpine:3.22
        COPY <<EOF /app/settings.py
        SECRET_KEY = os.environ.get("SECRET_KEY")
        API_KEY = settings.API_KEY
        password: !Ref DbPassword
        TOKEN=$(cat /run/secrets/token)
        EOF
        """
    assert findings_of(scan_dockerfile(tmp_path, text, "DKR004"), "DKR004") == []


def test_dkr004_catches_credentials_a_run_command_is_given(tmp_path):
    """A RUN's commands: a password in batch mode or piped in, an Authorization header, a
    secret variable set for a command, an npm token written to .npmrc; each at its line, none
    shown; the same commands fed from a secret mount or a variable are quiet."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM nginx:1.27
        RUN htpasswd -bc /etc/nginx/.htpasswd admin Adm1nPassw0rd
        RUN echo 'root:R00tPassw0rd' | chpasswd
        RUN curl -fsSL -H "Authorization: Bearer 9f8e7d6c5b4a39281716" https://x.io/a -o /a
        RUN PGPASSWORD=Pg5ecretPass psql -h db -U app -f /schema.sql
        RUN echo "//registry.npmjs.org/:_authToken=3f2a9c1e-7b4d-4e8f-9a6b-1c2d3e4f5a6b" > ~/.npmrc
        RUN --mount=type=secret,id=pw htpasswd -bc /etc/.htpasswd admin "$(cat /run/secrets/pw)"
        RUN --mount=type=secret,id=pg PGPASSWORD="$(cat /run/secrets/pg)" psql -h db -f /s.sql
        RUN curl -H "Authorization: Bearer ${TOKEN}" https://x.io/a -o /a
        """,
        "DKR004",
        "SEC001",
    )
    assert lines_of(result, "DKR004") == [2, 3, 4, 5, 6]
    assert lines_of(result, "SEC001") == []
    for finding in findings_of(result, "DKR004"):
        shown = finding.snippet + finding.message
        assert not any(s in shown for s in ("Passw0rd", "9f8e7d6c", "Pg5ecret", "3f2a9c1e"))


def test_a_secret_named_value_is_one_finding_not_also_the_detector_s_match(tmp_path):
    # detect-secrets' AWS secret key pattern takes the variable's name and quotes with the key;
    # its private key pattern takes only the BEGIN line of the value
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        ENV AWS_SECRET_ACCESS_KEY="9drTJvcXLB89kQpLB8923FB892xMFI2wvRWVq7Ze"
        ARG aws_secret_access_key='9drTJvcXLB89kQpLB8923FB892xMFI2wvRWVq7Zf'
        ENV PRIVATE_KEY="-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
        """,
        "DKR004",
    )
    assert lines_of(result, "DKR004") == [2, 3, 4]
