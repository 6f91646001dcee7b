"""The Dockerfile templates (guardlint/checks/templates/dockerfile.py), each used by a rule of a
test pack: image-reference, run-command, copy-source; and the params each refuses at load."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from guardlint.model.findings import Finding
from guardlint.rulebook import Rulebook, builtin_rules_dir, load_pack, pack_files
from guardlint.rulebook.validation import RuleError
from tests.conftest import processor_seconds, write_file, write_template_pack


def _pack(tmp_path: Path, template: str, params: dict) -> Path:
    return write_template_pack(tmp_path, "dockerfile", template, params)


def findings(tmp_path: Path, template: str, params: dict, dockerfile: str) -> list[Finding]:
    """The findings of a test rule using `template` with `params` on the Dockerfile's text."""
    pack = load_pack(_pack(tmp_path, template, params))
    builtin = [load_pack(path) for path in pack_files(builtin_rules_dir())]
    path = write_file(tmp_path, "src/Dockerfile", textwrap.dedent(dockerfile).lstrip("\n"))
    result = scan(ScanOptions(paths=[str(path)], only_rules={"TST001"}), Rulebook([*builtin, pack]))
    return [f for f in result.findings if f.rule_id == "TST001"]


# --- image-reference ------------------------------------------------------------------------

IMAGES = """
    FROM alpine AS untagged
    FROM alpine:edge AS edge
    FROM alpine:3.22 AS tagged
    FROM alpine:EDGE AS shouting
    FROM alpine:3.22@sha256:0123 AS pinned
    FROM tagged
    FROM scratch
    """


def test_image_reference_catches_untagged_and_mutable_tags(tmp_path):
    # Tags are case-sensitive: alpine:EDGE is another tag than edge.
    params = {"mutable_tags": ["latest", "edge"], "untagged": "has no tag",
              "mutable": "has a moving tag", "message": "{stage}: {image} {reason}"}  # fmt: skip
    found = findings(tmp_path, "image-reference", params, IMAGES)
    assert [(f.region.start_line, f.message) for f in found] == [
        (1, "untagged: alpine has no tag"),
        (2, "edge: alpine:edge has a moving tag"),
    ]
    assert found[0].resource == "Dockerfile stage untagged"
    assert found[0].properties == {"image": "alpine"}


def test_image_reference_requiring_a_digest_catches_every_tag(tmp_path):
    params = {"require_digest": True, "message": "{image}"}
    found = findings(tmp_path, "image-reference", params, IMAGES)
    assert [f.message for f in found] == ["alpine", "alpine:edge", "alpine:3.22", "alpine:EDGE"]


# --- run-command ----------------------------------------------------------------------------

SCRIPTS = """
    FROM debian:12
    RUN pip install flask && pip install requests
    RUN pip3 install flask
    RUN sudo -u app pip install --user flask
    RUN pip --version && pip download flask
    RUN npm ci && pip freeze
    RUN pip install
    """


def test_run_command_catches_a_program_and_subcommand_once_per_run(tmp_path):
    params = {"commands": ["pip install", "npm ci"], "message": "{command} in {stage}"}
    found = findings(tmp_path, "run-command", params, SCRIPTS)
    assert [(f.region.start_line, f.message) for f in found] == [
        (2, "pip install in 0"), (4, "pip install in 0"), (6, "npm ci in 0"),
        (7, "pip install in 0"),
    ]  # fmt: skip


def test_run_command_alone_and_as_wrapper(tmp_path):
    alone = {"commands": ["pip install"], "alone": True, "message": "{command}"}
    assert [f.region.start_line for f in findings(tmp_path, "run-command", alone, SCRIPTS)] == [7]
    wrapper = {"commands": ["sudo"], "message": "{command}"}
    assert findings(tmp_path / "a", "run-command", wrapper, SCRIPTS) == []
    wrapper["as_wrapper"] = True
    found = findings(tmp_path / "b", "run-command", wrapper, SCRIPTS)
    assert [(f.region.start_line, f.message) for f in found] == [(4, "sudo")]


# --- copy-source ----------------------------------------------------------------------------

COPIES = """
    FROM alpine:3.22
    COPY app.py /app/
    ADD --from=build /out/app.tgz /app/
    ADD https://example.com/a.tgz /a/
    ADD --checksum=sha256:0123 https://example.com/b.tgz /b/
    COPY . /src
    """


def test_copy_source_matches_and_excludes_sources(tmp_path):
    params = {"instructions": ["COPY", "ADD"], "source_matches": r"\.(py|tgz)$",
              "source_not_matches": "^https://", "property": "source",
              "message": "{keyword} {source} into {stage}"}  # fmt: skip
    found = findings(tmp_path, "copy-source", params, COPIES)
    assert [(f.region.start_line, f.message) for f in found] == [(2, "COPY app.py into 0")]
    assert found[0].properties == {"source": "app.py"}


def test_copy_source_from_stages_checksums_and_ignore_files(tmp_path):
    params = {"instructions": ["ADD"], "source_matches": "tgz$", "context_only": False,
              "unless_flag": "checksum", "message": "{source}"}  # fmt: skip
    found = findings(tmp_path, "copy-source", params, COPIES)
    assert [f.message for f in found] == ["/out/app.tgz", "https://example.com/a.tgz"]
    assert found[0].properties == {}
    context = {"instructions": ["COPY"], "source_matches": r"^\.$", "unless_dockerignore": True,
               "message": "{source}"}  # fmt: skip
    assert len(findings(tmp_path / "a", "copy-source", context, COPIES)) == 1
    write_file(tmp_path / "b" / "src", ".dockerignore", ".git\n")
    assert findings(tmp_path / "b", "copy-source", context, COPIES) == []


def test_copy_source_compiles_its_patterns_only_for_a_file_with_the_instructions(
    tmp_path, monkeypatch
):
    # Every scan of a Dockerfile runs the ADD rules; compiling their patterns cost each start
    # 1.2 ms where no ADD is written (none of the corpus's 35 Dockerfiles has one).
    from guardlint.checks.templates import dockerfile

    compiled: list[str] = []
    compile_ = re.compile
    monkeypatch.setattr(
        dockerfile.re, "compile", lambda p, *a: compiled.append(p) or compile_(p, *a)
    )
    dockerfile._pattern.cache_clear()
    params = {"instructions": ["ADD"], "source_matches": "only-here-[0-9]+$", "message": "{source}"}
    assert findings(tmp_path / "a", "copy-source", params, "FROM alpine\nCOPY a /a\n") == []
    assert "only-here-[0-9]+$" not in compiled
    found = findings(tmp_path / "b", "copy-source", params, "FROM alpine\nADD only-here-1 /\n")
    assert [f.message for f in found] == ["only-here-1"]  # the control
    assert "only-here-[0-9]+$" in compiled


# --- params refused when the pack loads -----------------------------------------------------


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("image-reference", {}, "template image-reference needs message"),
        ("image-reference", {"message": "m", "require_digest": "yes"},
         "params: require_digest must be true or false"),
        ("image-reference", {"message": "m", "mutable_tags": "latest"},
         "params: mutable_tags must be a list"),
        ("run-command", {"message": "m"}, "template run-command needs commands"),
        ("run-command", {"commands": "sudo", "message": "m"}, "params: commands must be a list"),
        ("run-command", {"commands": [["sudo"]], "message": "m"},
         "params: commands must be a list of strings"),
        ("run-command", {"commands": ["sudo"], "message": "m", "programs": []},
         "has no parameter 'programs'"),
        ("copy-source", {"message": "m"}, "template copy-source needs instructions"),
        ("copy-source", {"instructions": ["ADD"], "message": "m", "unless_flag": True},
         "params: unless_flag must be a string"),
    ],
)  # fmt: skip
def test_params_a_template_cannot_take_fail_the_pack(tmp_path, template, params, expected):
    with pytest.raises(RuleError) as caught:
        load_pack(_pack(tmp_path, template, params))
    assert "rule TST001" in str(caught.value) and expected in str(caught.value)


@pytest.mark.parametrize("piece", [".", "/", ".tar", ".gz.", "https://", "$"])
def test_builtin_copy_source_patterns_are_linear_in_a_hostile_source(tmp_path, piece):
    """The built-in rules' source patterns run on Python's `re`: a source word of 99,000
    characters (a line holds at most 100,000) built to make them backtrack is matched in a
    moment, the real findings kept."""
    source = piece * (99_000 // len(piece)) + "x"
    text = f"FROM alpine:3.22\nADD {source} /a/\nADD local.txt /b/\nCOPY . /c\n"
    started = processor_seconds()
    result = scan(ScanOptions(paths=[str(write_file(tmp_path, "Dockerfile", text))],
                              only_rules={"DKR006", "DKR007", "DKR026"}))  # fmt: skip
    assert processor_seconds() - started < 5.0
    assert {f.region.start_line for f in result.findings if f.rule_id == "DKR006"} >= {3}
    assert [f.region.start_line for f in result.findings if f.rule_id == "DKR026"] == [4]
