"""Dockerfile pack: the parser's model and every DKR rule, asserting rule IDs and lines."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardlint.checks.dockerfile.base_image import eol_base_image
from guardlint.checks.dockerfile.secrets import is_sensitive_path
from guardlint.checks.match import run_match
from guardlint.checks.registry import check_for
from guardlint.documents.dockerfile import build_model, parse_dockerfile, substitute
from guardlint.knowledge.tables import load_table
from guardlint.model import Rule, Severity, SourceFile
from guardlint.parse.image_ref import parse_image
from guardlint.parse.shell import commands
from guardlint.parse.text import ParseError
from guardlint.rulebook import load_rulebook
from tests.conftest import FIXTURES, findings_of, lines_of, run_scan, write_file

DKR_RULES = {f"DKR{n:03d}" for n in range(1, 27)}
EOL_RULE = Rule(
    id="DKR019", name="eol", title="EOL", severity=Severity.HIGH,
    category="Vulnerability:Container/EndOfLifeBaseImage", pack="dockerfile",
    kinds=("dockerfile",), options={"as_of": "2026-11-21"},
)  # fmt: skip
DKR_PACK_RULES = [r for r in load_rulebook().rules if r.pack == "dockerfile"]


def scan_text(tmp_path: Path, text: str, *rules: str, name: str = "Dockerfile"):
    write_file(tmp_path, name, textwrap.dedent(text).lstrip("\n"))
    return run_scan(tmp_path, only_rules=set(rules) or DKR_RULES)


def parse(text: str, directory: Path | None = None, name: str = "Dockerfile"):
    text = textwrap.dedent(text).lstrip("\n")
    path = str((directory or Path("/nonexistent")) / name)
    return parse_dockerfile(text, text.splitlines(), SourceFile(path, name, "dockerfile"))


# --- parser -------------------------------------------------------------------------------


def test_stages_args_flags_and_lines():
    document = parse(
        """
        # syntax=docker/dockerfile:1.7
        ARG TAG=3.12
        ARG REGISTRY
        FROM --platform=$BUILDPLATFORM python:${TAG}-slim AS Build
        RUN --mount=type=cache,target=/root/.cache \\
            --mount=type=secret,id=pip \\
            pip install -r requirements.txt
        FROM build AS test
        COPY --from=Build --chown=1000:1000 /app /app
        FROM ${REGISTRY:-docker.io}/library/nginx:1.27@sha256:abc
        frobnicate --now
        """
    )
    model = document.meta["model"]
    assert model.directives == {"syntax": "docker/dockerfile:1.7"}
    assert [a.start_line for a in model.global_args] == [2, 3]
    build, test, final = model.stages
    assert (build.name, build.image, build.platform) == (
        "Build",
        "python:3.12-slim",
        "$BUILDPLATFORM",
    )
    assert build.ref and (build.ref.name, build.ref.tag) == ("python", "3.12-slim")
    run = build.instructions[0]
    assert (run.start_line, run.end_line, run.form) == (5, 7, "shell")
    assert run.flags["mount"] == ["type=cache,target=/root/.cache", "type=secret,id=pip"]
    assert run.value == "pip install -r requirements.txt"
    assert test.base_stage == 0 and test.ref is None  # FROM a stage, matched case-insensitively
    copy = test.instructions[0]
    assert copy.flag("from") == "Build" and copy.flag("chown") == "1000:1000"
    assert final.ref and (final.ref.name, final.ref.tag, final.ref.digest) == (
        "nginx", "1.27", "sha256:abc"
    )  # fmt: skip
    assert [i.keyword for i in final.instructions] == ["FROBNICATE"]  # unknown kept
    assert model.final_stage is final


def test_heredocs_belong_to_their_instruction():
    document = parse(
        """
        FROM debian:12
        RUN <<EOF
        apt-get update
        FROM evil
        EOF
        COPY <<-CONF <<'SCRIPT' /etc/app/
        \tkey=value
        \tCONF
        echo "$HOME"
        SCRIPT
        RUN python3 <<PY
        print("hi")
        PY
        CMD ["true"]
        """
    )
    model = document.meta["model"]
    assert len(model.stages) == 1
    run, copy, python_run, cmd = model.stages[0].instructions
    assert (run.start_line, run.end_line) == (2, 5)
    assert run.heredocs[0].body == "apt-get update\nFROM evil"
    assert [c.words for c in run.commands] == [["apt-get", "update"], ["FROM", "evil"]]
    assert (copy.start_line, copy.end_line) == (6, 10)
    assert [h.body for h in copy.heredocs] == ["key=value", 'echo "$HOME"']
    assert python_run.commands[0].words == ["python3"]  # the body is python, not shell
    assert (cmd.start_line, cmd.form, cmd.exec_args) == (14, "exec", ["true"])


def test_heredoc_edge_cases():
    model = parse(
        """
        FROM debian:12
        RUN echo "<<EOF" && cat <<< "x" && echo $(( 1 << 2 ))
        RUN <<EOF
        echo one \\
        USER root
        EOF
        USER app
        RUN <<A <<B
        a
        A
        b
        B
        """
    ).meta["model"]
    quoted, continued, user, two = model.stages[0].instructions
    assert (quoted.start_line, quoted.heredocs) == (2, [])
    assert (continued.start_line, continued.end_line) == (3, 6)
    assert (user.keyword, user.value, user.start_line) == ("USER", "app", 7)
    assert [(h.body, h.start_line, h.end_line) for h in two.heredocs] == [
        ("a", 9, 10),
        ("b", 11, 12),
    ]
    many = ["FROM alpine:3.22"] + [f"RUN <<E{i}\necho {i}\nE{i}" for i in range(200)]
    instructions = build_model("\n".join(many).splitlines()).stages[0].instructions
    assert len(instructions) == 200 and instructions[-1].start_line == 599


def test_from_without_image_is_a_parse_error():
    with pytest.raises(ParseError, match="FROM without an image"):
        build_model(["FROM alpine:3.22", "FROM"])


def test_escape_directive_and_continuation_comments():
    model = parse(
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN echo one `
            # a comment inside the continuation
            && echo two
        WORKDIR C:\\app
        """
    ).meta["model"]
    run, workdir = model.stages[0].instructions
    assert (run.start_line, run.end_line) == (3, 5)
    assert [c.words for c in run.commands] == [["echo", "one"], ["echo", "two"]]
    assert workdir.value == "C:\\app"


def test_instruction_before_from_is_a_parse_error():
    with pytest.raises(ParseError) as error:
        build_model(["RUN echo hi", "FROM alpine:3.22"])
    assert error.value.line == 1


def test_unparsable_dockerfile_becomes_gl001(tmp_path):
    result = scan_text(tmp_path, "ENV A=1\nFROM alpine:3.22\n", "GL001")
    assert lines_of(result, "GL001") == [1]


def test_image_references():
    hub = parse_image("docker.io/library/python:3.12")
    assert hub and (hub.registry, hub.name, hub.tag) == (None, "python", "3.12")
    ref = parse_image("localhost:5000/team/app:1.0@sha256:ab")
    assert ref and (ref.registry, ref.repository, ref.tag, ref.digest) == (
        "localhost:5000", "team/app", "1.0", "sha256:ab"
    )  # fmt: skip
    assert parse_image("$IMAGE") is None


def test_arg_substitution():
    variables = {"A": "1", "EMPTY": "", "UNSET": None}
    assert substitute("x:$A-${A}", variables) == "x:1-1"
    assert substitute("${EMPTY:-d} ${UNSET:-d} ${MISSING:-d}", variables) == "d d d"
    assert substitute("${A:+alt}", variables) == "alt"
    assert substitute("x:$UNSET", variables) is None
    assert substitute("x:$MISSING", variables) is None


def test_shell_splitting():
    split = commands(
        "apt-get -y install a 'b c' >/dev/null 2>&1 || true; curl -s x | sudo -E bash -s -- -y"
    )
    assert [c.words for c in split] == [
        ["apt-get", "-y", "install", "a", "b c"],
        ["true"],
        ["curl", "-s", "x"],
        ["sudo", "-E", "bash", "-s", "--", "-y"],
    ]
    assert split[2].pipeline == split[3].pipeline and split[3].program == "bash"
    assert "sudo" in split[3].wrapped_in


def test_data_supports_jsonpath_with_lines():
    document = parse(
        """
        FROM node:22 AS build
        USER node
        FROM build
        EXPOSE 22
        USER 0
        """
    )
    rule = Rule(
        id="USR001", name="x", title="X", severity=Severity.LOW, category="Policy:Container/X",
        pack="custom", kinds=("dockerfile",),
        match={
            "select": "$.stages[*].instructions[?instruction == 'USER']",
            "where": {"path": "value", "matches": "^0"},
            "resource": "Dockerfile stage {subject[stage]}",
        },
    )  # fmt: skip
    hits = list(run_match(document, rule))
    assert [(h.region.start_line, h.resource) for h in hits] == [(5, "Dockerfile stage 1")]
    images = {
        "select": "$.stages[*]",
        "where": {"path": "image", "matches": "^node"},
        "locate": "image",
        "message": "{value}",
    }
    rule.match = images
    assert [(h.region.start_line, h.message) for h in run_match(document, rule)] == [(1, "node:22")]
    stages = document.data["stages"]
    assert stages[1]["base_stage"] == "build" and stages[1]["final"] is True
    assert stages.item_region(1).start_line == 3


def test_dockerignore_is_found_beside_the_dockerfile(tmp_path):
    def found(name: str) -> str | None:
        return parse("FROM alpine:3.22\n", tmp_path, name).meta["dockerignore"]

    assert found("Containerfile") is None
    write_file(tmp_path, ".containerignore", ".git\n")
    assert found("Containerfile") == ".containerignore"
    write_file(tmp_path, ".dockerignore", ".git\n")
    assert found("Dockerfile") == ".dockerignore"
    # The Dockerfile-specific file replaces .dockerignore, even when it filters nothing.
    write_file(tmp_path, "web.Dockerfile.dockerignore", "# only a comment\n")
    assert found("web.Dockerfile") is None


def test_data_tables_load_from_the_package():
    assert load_table("eol_images.yaml")["source"].startswith("https://")
    assert "bitnami/*:*" in load_table("nonroot_images.yaml")["images"]


# --- DKR001 root-user ---------------------------------------------------------------------


def test_root_user_only_the_final_stage_counts(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM golang:1.26 AS build
        USER root
        RUN go build -o /app .
        FROM alpine:3.22
        COPY --from=build /app /app
        USER 10001
        """,
        "DKR001",
    )
    assert lines_of(result, "DKR001") == []


def test_root_user_inherited_through_from_stage(tmp_path):
    inherited_non_root = """
        FROM node:22 AS base
        USER node
        FROM base
        CMD ["node", "app.js"]
        """
    assert lines_of(scan_text(tmp_path / "a", inherited_non_root, "DKR001"), "DKR001") == []
    inherited_root = """
        FROM node:22 AS base
        FROM base AS final
        CMD ["node", "app.js"]
        """
    result = scan_text(tmp_path / "b", inherited_root, "DKR001")
    assert lines_of(result, "DKR001") == [2]
    assert findings_of(result, "DKR001")[0].resource == "Dockerfile stage final"


@pytest.mark.parametrize("user", ["0:0", "root", "root:staff", "0"])
def test_root_user_explicit_root_is_reported_at_the_user_line(tmp_path, user):
    text = f"FROM alpine:3.22\nUSER app\nRUN id\nUSER {user}\n"
    assert lines_of(scan_text(tmp_path, text, "DKR001"), "DKR001") == [4]


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("gcr.io/distroless/python3-debian12:nonroot", []),
        ("gcr.io/distroless/base:debug-nonroot", []),
        ("nginxinc/nginx-unprivileged:1.27-alpine", []),
        ("docker.io/bitnami/redis:7.4", []),
        ("bitnami/minideb:bookworm", [1]),
        ("gcr.io/distroless/static-debian12", [1]),
        ("scratch", [1]),
    ],
)
def test_root_user_non_root_base_images(tmp_path, base, expected):
    assert lines_of(scan_text(tmp_path, f"FROM {base}\n", "DKR001"), "DKR001") == expected


def test_root_user_from_a_build_arg_is_not_assumed_root(tmp_path):
    text = "FROM alpine:3.22\nARG UID=1000\nUSER $UID\n"
    assert lines_of(scan_text(tmp_path, text, "DKR001"), "DKR001") == []


# --- DKR002 latest-tag, DKR003 unpinned-digest ----------------------------------------------


def test_latest_tag_resolves_args(tmp_path):
    result = scan_text(
        tmp_path,
        """
        ARG TAG=latest
        ARG VERSION=3.12
        FROM python:$TAG AS a
        FROM python:${VERSION}-slim AS b
        FROM --platform=linux/arm64 redis AS c
        FROM a
        FROM scratch
        FROM nginx@sha256:0123456789abcdef
        FROM $UNKNOWN_IMAGE
        """,
        "DKR002",
        "DKR003",
    )
    assert lines_of(result, "DKR002") == [3, 5]
    assert lines_of(result, "DKR003") == [3, 4, 5]
    assert "python:latest" in findings_of(result, "DKR002")[0].message


# --- DKR004 secret-in-env-or-arg ------------------------------------------------------------


def test_secret_in_env_and_arg_is_redacted_and_not_doubled_by_sec001(tmp_path):
    result = scan_text(
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


def test_passwords_on_command_lines_in_run(tmp_path):
    result = run_scan(FIXTURES / "dockerfile" / "DKR004" / "bad-command-line")
    assert lines_of(result, "DKR004") == [3, 4]
    assert all("Command-line Password" in f.message for f in findings_of(result, "DKR004"))
    assert all("<redacted>" in f.snippet for f in findings_of(result, "DKR004"))
    # From a secret mount, or prompted for: nothing to report.
    assert not findings_of(FIXTURES / "dockerfile" / "DKR004" / "good-command-line", "DKR004")


def test_secret_in_heredoc_is_reported_at_its_line(tmp_path):
    result = scan_text(
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


# --- DKR005 single-stage-build ----------------------------------------------------------------


def test_single_stage_build(tmp_path):
    text = """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN apt-get -y install \\
            gcc=4:12.2.0-3 libc6-dev
        """
    assert lines_of(scan_text(tmp_path / "a", text, "DKR005"), "DKR005") == [3]
    two_stages = "FROM golang:1.26 AS b\nRUN go build .\nFROM alpine:3.22\n"
    assert lines_of(scan_text(tmp_path / "b", two_stages, "DKR005"), "DKR005") == []
    removed_in_same_run = """
        FROM python:3.13-alpine
        RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\
         && pip install --no-cache-dir psutil==6.1.0 \\
         && apk del .build-deps
        RUN npm run build:prod
        """
    assert lines_of(scan_text(tmp_path / "c", removed_in_same_run, "DKR005"), "DKR005") == [5]
    from_source_then_purged = """
        FROM debian:12-slim
        RUN apt-get update; apt-get install -y --no-install-recommends gcc make; \\
            ./configure && make -j4 && make install; \\
            apt-get purge -y --auto-remove; rm -rf /var/lib/apt/lists/*
        """
    assert lines_of(scan_text(tmp_path / "d", from_source_then_purged, "DKR005"), "DKR005") == []


# --- DKR006 add-instead-of-copy, DKR007 add-remote-url --------------------------------------


def test_add_local_remote_and_archives(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM alpine:3.22
        ADD app.tar.gz /opt/
        ADD ["config.yml", "/etc/app/"]
        ADD https://example.com/a.bin /a.bin
        ADD --checksum=sha256:abc https://example.com/b.bin /b.bin
        ADD --from=builder /out /out
        ADD <<EOF /etc/motd
        hello
        EOF
        """,
        "DKR006",
        "DKR007",
    )
    assert lines_of(result, "DKR006") == [3]
    assert lines_of(result, "DKR007") == [4]


# --- DKR008 curl-pipe-shell, DKR009 sudo -----------------------------------------------------


def test_curl_pipe_shell_in_heredoc_is_reported_at_the_run_line(tmp_path):
    result = scan_text(
        tmp_path,
        """
        # syntax=docker/dockerfile:1
        FROM debian:12-slim
        RUN <<EOF
        set -eux
        curl -fsSL https://example.com/install.sh | bash
        EOF
        RUN set -e; \\
            wget -qO- https://example.com/x.sh \\
              | sudo sh -s -- --yes
        RUN sh -c "$(curl -fsSL https://example.com/y.sh)"
        RUN curl -fsSL https://example.com/z.py | python3 -
        RUN curl -fsSL https://example.com/a.tgz | tar -xz && python3 setup.py install
        RUN cat <<EOF > /usr/local/bin/update
        curl -fsSL https://example.com/u.sh | sh
        EOF
        RUN . <(curl -s https://example.com/env) && eval "$(wget -qO- https://example.com/e)"
        RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /etc/apt/keyrings/x.gpg
        """,
        "DKR008",
        "DKR009",
    )
    assert lines_of(result, "DKR008") == [3, 7, 10, 11, 16]
    assert lines_of(result, "DKR009") == [7]


# --- DKR010 expose-ssh, DKR021 relative-workdir, DKR025 maintainer (declarative) --------------


def test_declarative_rules_point_at_the_instruction(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM ubuntu:24.04 AS base
        MAINTAINER someone
        EXPOSE 8080 22/udp
        EXPOSE 2222
        EXPOSE 22/TCP
        WORKDIR app
        WORKDIR /srv
        WORKDIR ${HOME}
        """,
        "DKR010",
        "DKR021",
        "DKR025",
    )
    assert lines_of(result, "DKR010") == [3, 5]
    assert lines_of(result, "DKR021") == [6]
    assert lines_of(result, "DKR025") == [2]
    assert findings_of(result, "DKR010")[0].resource == "Dockerfile stage base"


# --- DKR011 missing-healthcheck, DKR014 shell-form-entrypoint, DKR020 ---------------------


def test_final_stage_rules(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM node:22 AS build
        CMD npm test
        HEALTHCHECK CMD curl -f http://localhost/
        FROM node:22-slim
        ENTRYPOINT ["node"]
        CMD server.js
        CMD ["server.js"]
        ENTRYPOINT node
        """,
        "DKR011",
        "DKR014",
        "DKR020",
    )
    assert lines_of(result, "DKR011") == [4]
    assert lines_of(result, "DKR014") == [8]
    assert lines_of(result, "DKR020") == [5, 6]


# --- DKR012 apt-hygiene, DKR013, DKR022, DKR023 ---------------------------------------------


def test_apt_hygiene_variants(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM debian:12 AS build
        RUN apt-get update && apt-get install git
        RUN apt-get update && apt-get install -y git
        FROM debian:12-slim
        RUN apt-get update && apt-get -y install --no-install-recommends curl \\
         && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -qq --no-install-recommends jq \\
         && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install --yes vim
        RUN apk add --no-cache curl && apk add git
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [2, 9, 10]
    messages = {f.region.start_line: f.message for f in findings_of(result, "DKR012")}
    assert "-y" in messages[2] and "--no-install-recommends" not in messages[2]  # build stage
    assert "--no-install-recommends" in messages[9] and "lists" in messages[9]


def test_upgrade_apt_and_update_alone(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM ubuntu:24.04
        RUN apt-get update && apt-get -y dist-upgrade
        RUN apt update
        RUN apt-get install -y --only-upgrade openssl && apt-get -y upgrade openssl
        RUN apk update && apk add --no-cache curl
        RUN apt-get update && xargs -r apt-get install -y < /pkgs
        RUN apt-get -o Acquire::Retries=3 -y upgrade && yum --enablerepo epel -y update
        """,
        "DKR013",
        "DKR022",
        "DKR023",
    )
    assert lines_of(result, "DKR013") == [2, 7]
    assert lines_of(result, "DKR022") == [3]
    assert lines_of(result, "DKR023") == [3]


# --- DKR015 sensitive files, DKR018 deleted later, DKR026 whole context ---------------------


@pytest.mark.parametrize(
    ("path", "sensitive"),
    [
        ("id_rsa", True), ("keys/server.key", True), (".env", True), (".env.production", True),
        (".aws/", True), ("home/.ssh/config", True), (".npmrc", True), ("kubeconfig", True),
        (".git", True), ("privkey.pem", True), ("ca-cert.pem", False), ("fullchain.pem", False),
        ("id_rsa.pub", False), (".env.example", False), ("src/", False), ("keyboard.js", False),
        (".docker/config.json", True), (".docker/nginx.conf", False), (".github/", False),
    ],
)  # fmt: skip
def test_sensitive_paths(path, sensitive):
    assert is_sensitive_path(path) is sensitive


def test_sensitive_file_copied_and_removed_later(tmp_path):
    result = scan_text(
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
    assert lines_of(result, "DKR015") == [3]
    removed = findings_of(result, "DKR018")
    assert sorted((f.region.start_line, f.severity) for f in removed) == [
        (6, Severity.LOW), (6, Severity.HIGH), (13, Severity.LOW), (14, Severity.LOW)
    ]  # fmt: skip


def test_copy_whole_context(tmp_path):
    text = "FROM node:22\nCOPY package.json ./\nCOPY ./ /app\nCOPY --from=build . /app\n"
    assert lines_of(scan_text(tmp_path, text, "DKR026"), "DKR026") == [3]
    write_file(tmp_path, ".dockerignore", ".git\n")
    assert lines_of(run_scan(tmp_path, only_rules={"DKR026"}), "DKR026") == []


# --- DKR016 world-writable, DKR017 TLS --------------------------------------------------------


def test_world_writable_modes(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM alpine:3.22
        RUN chmod 777 /a
        RUN chmod -R o+w /b
        RUN chmod 1777 /tmp/x && chmod 755 /c && chmod u+rwx,g+rx /d
        RUN chmod 0666 /e
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [2, 3, 5]


def test_tls_verification_disabled_forms(tmp_path):
    result = scan_text(
        tmp_path,
        """
        FROM python:3.12
        ARG GIT_SSL_NO_VERIFY=1
        ENV PYTHONHTTPSVERIFY=0
        RUN curl -sk https://x -o /x
        RUN curl -fsSLo /k https://x
        RUN git -c http.sslVerify=false clone https://x
        RUN python -m pip install --trusted-host=pypi.example.com pkg
        RUN npm config set strict-ssl false
        RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci
        RUN wget --no-check-certificate https://x
        ENV NODE_TLS_REJECT_UNAUTHORIZED=1
        ENV PIP_TRUSTED_HOST=pypi.example.com
        """,
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [2, 3, 4, 6, 7, 8, 9, 10, 12]


# --- DKR019 eol-base-image --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "product"),
    [
        ("python:2.7", "python"), ("python:3.8-slim", "python"), ("node:16-alpine", "node"),
        ("node:lts-gallium", "node"), ("ubuntu:18.04", "ubuntu"), ("ubuntu:bionic", "ubuntu"),
        ("debian:stretch-slim", "debian"), ("debian:10", "debian"), ("centos:7", "centos"),
        ("centos", "centos"), ("alpine:3.17", "alpine"), ("node:22-alpine3.16", "alpine"),
        ("python:3.12-slim-buster", "debian"), ("golang:1.19", "golang"), ("ruby:2.7", "ruby"),
        ("php:7.4-fpm", "php"), ("openjdk:17", "openjdk"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", "mcr.microsoft.com/dotnet/aspnet"),
        ("mcr.microsoft.com/dotnet/sdk:10.0-noble-chiseled", None),
    ],
)  # fmt: skip
def test_eol_images(image, product):
    hits = list(eol_base_image(parse(f"FROM {image}\n"), EOL_RULE))
    assert [h.properties["product"] for h in hits] == ([product] if product else [])


@pytest.mark.parametrize(
    "image", ["python:3.13-slim", "node:22", "ubuntu:24.04", "alpine:3.22", "debian:bookworm",
              "python:3", "node:lts", "golang", "myorg/python:2.7"]
)  # fmt: skip
def test_supported_images_are_not_eol(image):
    rule = Rule(
        id="DKR019", name="eol", title="EOL", severity=Severity.HIGH,
        category="Vulnerability:Container/EndOfLifeBaseImage", pack="dockerfile",
        kinds=("dockerfile",), options={"as_of": datetime.date(2026, 11, 21)},
    )  # fmt: skip
    assert list(eol_base_image(parse(f"FROM {image}\n"), rule)) == []


def test_eol_rule_reports_package_vulnerability(tmp_path):
    result = scan_text(tmp_path, "FROM alpine:3.22 AS a\nFROM python:3.6\n", "DKR019")
    assert lines_of(result, "DKR019") == [2]
    finding = findings_of(result, "DKR019")[0]
    assert (finding.finding_type, finding.severity) == ("PACKAGE_VULNERABILITY", Severity.HIGH)


# --- DKR024 duplicate-stage-alias --------------------------------------------------------------


def test_duplicate_stage_alias_is_case_insensitive(tmp_path):
    text = "FROM alpine:3.22 AS deps\nFROM alpine:3.22 AS build\nFROM alpine:3.22 AS DEPS\n"
    assert lines_of(scan_text(tmp_path, text, "DKR024"), "DKR024") == [3]


# --- fixtures as a whole ------------------------------------------------------------------------


def test_no_rule_crashes_on_the_fixtures():
    result = run_scan(FIXTURES / "dockerfile")
    assert not findings_of(result, "GL002")
    assert result.kinds["dockerfile"] >= 52


_FRAGMENTS = st.sampled_from(
    ["FROM ", "RUN ", "COPY ", "ADD ", "USER ", "ARG ", "ENV ", "CMD ", "AS ", "<<EOF", "<<-X",
     "EOF", "X", "\\", "\n", "\t", " ", "$A", "${A:-b}", "'", '"', "[", "]", "--from=a ", "|",
     "&&", "#", "# escape=`\n", "`", "=", "alpine:3.22", "curl x | sh", "rm -rf /a", "\r\n"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40))
def test_parser_and_rules_never_crash(fragments):
    text = "".join(fragments)
    try:
        document = parse_dockerfile(
            text, text.splitlines(), SourceFile("/x/Dockerfile", "Dockerfile", "dockerfile")
        )
    except ParseError:
        return
    for rule in DKR_PACK_RULES:
        list(check_for(rule)(document, rule))
