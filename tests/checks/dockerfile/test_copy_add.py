"""COPY and ADD: DKR006 add-instead-of-copy, DKR007 add-remote-url, DKR026
copy-whole-context-without-dockerignore (the copy-source template)."""

from __future__ import annotations

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of, run_scan, write_file


def test_add_of_local_files_and_of_urls_without_checksum(tmp_path):
    result = scan_dockerfile(
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
        ADD $SRC git@github.com:org/repo.git /src/
        """,
        "DKR006",
        "DKR007",
    )
    assert lines_of(result, "DKR006") == [3]
    assert lines_of(result, "DKR007") == [4]
    (local,) = findings_of(result, "DKR006")
    assert local.message.startswith("ADD copies the local path config.yml in stage 0;")
    (remote,) = findings_of(result, "DKR007")
    assert remote.properties == {"url": "https://example.com/a.bin"}


def test_whole_context_is_caught_only_without_an_ignore_file(tmp_path):
    text = "FROM node:22\nCOPY package.json ./\nCOPY ./ /app\nCOPY --from=build . /app\n"
    result = scan_dockerfile(tmp_path, text, "DKR026")
    assert lines_of(result, "DKR026") == [3]
    assert findings_of(result, "DKR026")[0].message.startswith(
        "COPY copies the whole build context into stage 0 and no .dockerignore filters it"
    )
    write_file(tmp_path, ".dockerignore", ".git\n")
    assert lines_of(run_scan(tmp_path, only_rules={"DKR026"}), "DKR026") == []


def test_sources_are_read_with_their_variables_substituted(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        ARG BASE_URL=https://example.com
        FROM alpine:3.22
        ARG BASE_URL
        ARG SCRIPT=${BASE_URL}/a.sh
        ADD $SCRIPT /a.sh
        ENV CONFIG=app.ini
        ADD ["${CONFIG}", "/etc/"]
        ARG VERSION
        ADD https://example.com/$VERSION.bin /v.bin
        ADD $UNDECLARED${LOCAL:-tool.sh} /opt/
        """,
        "DKR006",
        "DKR007",
    )
    assert lines_of(result, "DKR007") == [5, 9]
    assert findings_of(result, "DKR007")[0].properties == {"url": "https://example.com/a.sh"}
    # A source whose variable has no value (a build-arg) stays as written: not known local.
    assert lines_of(result, "DKR006") == [7, 10]


def test_a_git_source_pinned_to_a_commit_is_verified_by_git(tmp_path):
    """BuildKit's `ADD <repo>.git#<ref>` clones a repository; `--checksum` takes HTTP(S)
    sources only, and a full commit hash already names the content (what git checks). A
    branch or tag can move: still unverified."""
    commit = "3f1a9c2e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM alpine:3.22
        ADD https://github.com/moby/buildkit.git#{commit} /buildkit
        ADD --keep-git-dir=true https://github.com/moby/buildkit.git#{commit.upper()}:docs /d
        ADD https://github.com/moby/buildkit.git#v0.10.1 /tagged
        ADD https://github.com/moby/buildkit.git /default-branch
        ADD https://example.com/{commit}.git#{commit[:12]} /short
        ADD https://example.com/tool.tgz#{commit} /fragment-of-a-file
        """,
        "DKR007",
    )
    assert lines_of(result, "DKR007") == [4, 5, 6, 7]


def test_a_build_arg_source_is_judged_by_what_is_written(tmp_path):
    """A variable with no value in the Dockerfile is given at build time (`--build-arg`):
    `ADD ${JAR_FILE} app.jar` copies a local file as hadolint's DL3020 reads it, unless what is
    written says archive or URL (an extension, a scheme, a variable named for one)."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM eclipse-temurin:21-jre
        ARG JAR_FILE
        ADD ${JAR_FILE} app.jar
        ARG RELEASE_URL
        ADD ${RELEASE_URL} /opt/
        ARG APP_ARCHIVE
        ADD $APP_ARCHIVE /opt/
        ARG VERSION
        ADD app-${VERSION}.tar.gz /opt/
        ARG DOWNLOAD_URI
        ADD ${DOWNLOAD_URI}/tool.bin /opt/
        """,
        "DKR006",
    )
    assert lines_of(result, "DKR006") == [3]
    assert (
        "copies the local path ${JAR_FILE} in stage 0" in findings_of(result, "DKR006")[0].message
    )
