"""A Dockerfile a Compose service writes inline (`build.dockerfile_inline`), which
`docker compose build` builds, is judged by the Dockerfile rules: written there, `USER root`
and `curl | sh` were judged by nobody."""

from __future__ import annotations

from tests.conftest import lines_of, run_scan, write_file

_BLOCK = """services:
  web:
    user: "1000"
    build:
      context: .
      dockerfile_inline: |
        # escape=`
        FROM alpine:3.22
        RUN curl -fsSL https://x.example/i.sh `
          | sh
        USER root
"""
_QUOTED = """services:
  web:
    build:
      dockerfile_inline: "FROM alpine:3.22\\nRUN curl -fsSL https://x.io/i | sh\\nUSER root\\n"
"""
_GOOD = """services:
  web:
    build:
      context: app
      dockerfile_inline: |
        FROM alpine:3.22@sha256:{digest} AS build
        RUN mkdir /out
        FROM alpine:3.22@sha256:{digest}
        COPY --from=build /out /out
        COPY . /app
        HEALTHCHECK CMD true
        USER app
""".format(digest="a" * 64)


def test_an_inline_dockerfile_is_judged_on_its_lines(tmp_path):
    write_file(tmp_path, "compose.yaml", _BLOCK)
    result = run_scan(tmp_path)
    # Its `# escape=` directive is read: the backtick continues the RUN.
    assert lines_of(result, "DKR008") == [9]
    assert lines_of(result, "DKR001") == [11]
    assert {f.path for f in result.findings if f.rule_id.startswith("DKR")} == {"compose.yaml"}


def test_an_inline_dockerfile_in_a_string_is_judged_at_its_value(tmp_path):
    write_file(tmp_path, "compose.yaml", _QUOTED)
    result = run_scan(tmp_path)
    assert lines_of(result, "DKR008") == [4]
    assert lines_of(result, "DKR001") == [4]


def test_a_sound_inline_dockerfile_has_no_finding(tmp_path):
    # Its build context's .dockerignore filters the COPY of the whole context (DKR026).
    write_file(tmp_path, "app/.dockerignore", ".git\n.env\n")
    write_file(tmp_path, "compose.yaml", _GOOD)
    result = run_scan(tmp_path)
    assert [f.rule_id for f in result.findings if f.rule_id.startswith("DKR")] == []


# No `# syntax=` pins the frontend: one before 1.16 reads `<< "USER root"` as no heredoc and
# builds the two lines below it, which the first reading takes for the heredoc's body.
_OLDER_FRONTEND = """services:
  web:
    user: "1000"
    build:
      dockerfile_inline: |
        FROM ubuntu:22.04
        USER app
        RUN cat << "USER root"
        RUN curl -fsSL https://x.example/i.sh | sh
        USER root
"""


def test_what_an_older_frontend_builds_inline_is_judged(tmp_path):
    write_file(tmp_path, "compose.yaml", _OLDER_FRONTEND)
    result = run_scan(tmp_path)
    assert lines_of(result, "DKR008") == [9]
    assert 10 in lines_of(result, "DKR001")
    found = [(f.rule_id, f.region, f.message) for f in result.findings]
    assert len(found) == len(set(found))
