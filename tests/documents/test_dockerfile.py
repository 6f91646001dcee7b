"""The Dockerfile document: syntax (guardlint.parse.dockerfile), stages and ARG substitution
(guardlint.documents.dockerfile), the data declarative rules read. The rules' tests are in
tests/checks/dockerfile/."""

from __future__ import annotations

import datetime

import pytest

from guardlint.checks.match import run_match
from guardlint.documents.dockerfile import build_model, parse_dockerfile
from guardlint.knowledge.tables import load_table
from guardlint.model.documents import SourceFile
from guardlint.model.rules import Rule, Severity
from guardlint.parse.dockerfile_lex import process_word
from guardlint.parse.heredoc_words import heredoc_markers
from guardlint.parse.image_ref import parse_image
from guardlint.parse.shell import commands
from guardlint.parse.text import ParseError
from tests.checks.dockerfile import dockerfile_document as parse
from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import lines_of, write_file

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
        RUN echo "<<EOF" && cat <<< "x" && echo $((1<<2))
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
    # BuildKit's lexer knows no arithmetic: `<< 2` is a word of its own, a heredoc named 2.
    assert heredoc_markers("echo $(( 1 << 2 ))") == [(False, "2")]
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


@pytest.mark.parametrize(
    ("top", "escape"),
    [
        # BuildKit's directives are syntax, escape and check (Dockerfile 1.8), in any order.
        (["# syntax=docker/dockerfile:1", "# check=skip=JSONArgsRecommended", "# escape=`"], "`"),
        (["#CHECK = error=true", "#\tEscape = `"], "`"),
        # An unknown directive is a comment, and a comment ends the directives.
        (["# foo=bar", "# escape=`"], "\\"),
        (["# escape=`", "# Windows image", "# syntax=docker/dockerfile:1"], "`"),
    ],
)
def test_parser_directives_are_the_known_ones_at_the_top(top, escape):
    model = build_model([*top, "FROM alpine:3.22", "RUN echo a \\", "USER app"])
    assert model.escape == escape
    run = model.stages[0].instructions[0]
    assert run.end_line == len(top) + (3 if escape == "\\" else 2)
    assert set(model.directives) <= {"syntax", "escape", "check"}


def test_blank_lines_inside_a_continuation_are_skipped_as_buildkit_does():
    """BuildKit reads past an empty (or whitespace-only) line after an escaped line break,
    with a deprecation warning: the instruction goes on, as with a comment line."""
    lines = ["FROM debian:13", "RUN apt-get update \\", "", "   ", " && apt-get install -y curl"]
    run = build_model([*lines, "", "USER app"]).stages[0].instructions[0]
    assert (run.start_line, run.end_line) == (2, 5)
    assert [c.words[:2] for c in run.commands] == [["apt-get", "update"], ["apt-get", "install"]]
    assert build_model(["FROM debian:13", "RUN a \\", "", ""]).stages[0].instructions == []


def test_instruction_before_from_is_kept_and_makes_the_file_unbuildable():
    model = build_model(["RUN echo hi", "FROM alpine:3.22"])
    assert [problem.line for problem in model.problems] == [1]
    assert "not a buildable Dockerfile" in model.problems[0].reason
    assert model.headless and model.headless.label == "(no FROM)"
    assert [(s.label, i.keyword) for s, i in model.each() if s] == [
        ("(no FROM)", "RUN"),
        ("0", "FROM"),
    ]
    assert len(model.stages) == 1 and model.stages[0].instructions == []


def test_onbuild_registers_an_instruction_at_its_lines():
    model = build_model(["FROM alpine:3.22", "ONBUILD RUN \\", "  apk add curl", "ONBUILD"])
    onbuild, empty = model.stages[0].instructions
    trigger = onbuild.trigger
    assert trigger and (trigger.keyword, trigger.onbuild, trigger.region) == (
        "RUN",
        True,
        onbuild.region,
    )
    assert [c.words for c in trigger.commands] == [["apk", "add", "curl"]]
    assert empty.trigger is None
    assert [i.keyword for _, i in model.each()] == ["FROM", "RUN", "ONBUILD"]
    assert model.stages[0].of("RUN") == []  # stage-level rules see the ONBUILD only


def test_unparsable_dockerfile_becomes_gl001(tmp_path):
    result = scan_dockerfile(tmp_path, "ENV A=1\nFROM alpine:3.22\n", "GL001")
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
    assert process_word("x:$A-${A}", variables) == "x:1-1"
    assert process_word("${EMPTY:-d} ${UNSET:-d} ${MISSING:-d}", variables) == "d d d"
    assert process_word("${A:+alt}", variables) == "alt"
    assert process_word("x:$UNSET", variables) is None
    assert process_word("x:$MISSING", variables) is None


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
    assert split[2].output_stream == split[3].input_stream is not None
    assert split[3].program == "bash"
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
    for name, verified in (
        ("eol_images.yaml", datetime.date(2026, 12, 5)),
        ("lambda_runtimes.yaml", datetime.date(2026, 12, 5)),
        ("k8s_deprecated_apis.yaml", datetime.date(2026, 12, 5)),
    ):
        table = load_table(name)
        assert table["source"].startswith("https://"), name
        assert table["verified"] == verified, name
    assert "bitnami/*:*" in load_table("nonroot_images.yaml")["images"]


def test_expanded_values_are_read_as_buildkit_lexes_them():
    model = build_model(
        [
            "FROM alpine:3.22",
            "ENV D=/data",
            'VOLUME ["$D", "/x"]',
            "LABEL a=\"x y\" b='$D'",
            'USER "root"',
            "WORKDIR '$D'",
            "ONBUILD WORKDIR ${D}/app",
        ]
    )
    expanded = [(i.trigger or i).expanded for i in model.stages[0].instructions]
    # JSON arrays stay arrays; a LABEL's pairs lose only what the lexer removes; ONBUILD's
    # trigger sees the image's ENV.
    assert expanded[1:] == ['["/data", "/x"]', "a=x y b=$D", "root", "$D", "/data/app"]


def test_each_copy_and_run_knows_the_earlier_stages_it_takes_files_from():
    model = build_model(
        (
            "FROM golang:1.22 AS Build\n"
            "FROM alpine:3.20 AS assets\n"
            "COPY --from=build /out/app /app\n"
            "FROM scratch\n"
            "COPY --from=0 /a /a\n"
            "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"
            "COPY --from=later /b /b\n"
            "RUN --mount=type=bind,from=ASSETS,target=/assets --mount=type=cache,target=/c ls\n"
            "ADD --from=build x y\n"
            "FROM alpine:3.20 AS later\n"
        ).splitlines()
    )
    taken = [
        (i.keyword, i.start_line, i.source_stages) for i in model.instructions if i.source_stages
    ]
    assert taken == [("COPY", 3, (0,)), ("COPY", 5, (0,)), ("RUN", 8, (1,))]


def test_legacy_env_form_splits_its_key_at_any_blank_as_buildkit_does():
    """`ENV KEY value` with tabs between: BuildKit splits the key off at the first run of
    spaces or tabs, so the key is not `KEY\\t\\tvalue`."""
    model = build_model(["FROM alpine:3.22", "ENV BASE_PATH\t\t/var/spool/x y", "ENV A \t b"])
    assert [i.assignments for i in model.stages[0].of("ENV")] == [
        [("BASE_PATH", "/var/spool/x y")],
        [("A", "b")],
    ]


def test_legacy_env_form_with_tabs_is_read_by_the_rules(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        "FROM alpine:3.22\nENV DB_PASSWORD\t\tS3cr3t-Passw0rd\nENV GIT_SSL_NO_VERIFY\ttrue\n",
        "DKR004",
        "DKR017",
    )
    assert lines_of(result, "DKR004") == [2]
    assert lines_of(result, "DKR017") == [3]


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN <<EOF\napt-get update\nEOF\n",  # a body no frontend builds
        "FROM alpine\nRUN << EOF\nRUN true\nEOF\n",  # `EOF` is no instruction
        "# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN << X\nRUN true\nUSER root\n",
    ],
)
def test_a_dockerfile_is_one_document_where_no_other_reading_builds(text):
    source = SourceFile("Dockerfile", "Dockerfile", "dockerfile")
    assert len(parse_dockerfile(text, text.splitlines(), source)) == 1


def test_an_unknown_frontend_reading_other_instructions_is_a_second_document():
    text = 'FROM alpine\nRUN cat << "USER root"\nRUN true\nUSER root\n'
    source = SourceFile("Dockerfile", "Dockerfile", "dockerfile")
    spaced, tight = parse_dockerfile(text, text.splitlines(), source)
    assert [i.keyword for i in spaced.meta["model"].instructions] == ["FROM", "RUN"]
    assert [i.keyword for i in tight.meta["model"].instructions] == ["FROM", "RUN", "RUN", "USER"]
