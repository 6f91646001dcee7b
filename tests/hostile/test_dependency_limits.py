"""Files a scanned file depends on (a Compose file's `.env` and `env_file`s) are inputs like any
other: read within the scan's file-size limit, and what one file parses of them bounded in all
(guardlint.documents.dependencies). Padding one never hides a finding silently: what was read is
judged, and a GL001 note says what was not. Each env file used to be read under a private cap of
256,000 bytes, past which it was taken as absent without a word."""

from __future__ import annotations

import os

import pytest

from guardlint.documents.compose_env import LOADED
from tests.cache.conftest import cached_scan
from tests.conftest import findings_of, lines_of, processor_seconds, run_scan, write_file
from tests.hostile.conftest import parse_error
from tests.hostile.linear_time_cases import BUDGET, FILE_TIMEOUT

SECRET = "DB_PASSWORD=Zq8vR2mK7pLx4TnW9sYb\n"
PADDING = "# " + "x" * 98 + "\n"  # 100 characters a line
COMPOSE = "services:\n  db:\n    image: postgres:16.4\n    env_file: db.env\n"


def _padded(lines: int, first: str = SECRET) -> str:
    return first + PADDING * lines


def test_a_padded_env_file_is_judged_whole(tmp_path):
    """300 KB of comments after a password: CMP007 was silent (the file taken as absent)."""
    write_file(tmp_path, "db.env", _padded(3_000))
    write_file(tmp_path, "compose.yaml", COMPOSE)
    result = run_scan(tmp_path)
    assert lines_of(result, "CMP007") == [4]
    assert not findings_of(result, "GL001")


def test_a_padded_dot_env_file_is_interpolated_whole(tmp_path):
    """A 300 KB `.env` left every interpolated value unknown: the :latest tag went unseen."""
    write_file(tmp_path, ".env", _padded(3_000, "TAG=latest\n"))
    write_file(tmp_path, "compose.yaml", 'services:\n  web:\n    image: "nginx:${TAG}"\n')
    result = run_scan(tmp_path)
    assert lines_of(result, "CMP008") == [3]
    assert not findings_of(result, "GL001")


def test_an_env_file_past_the_budget_is_judged_up_to_it_and_says_so(tmp_path):
    lines = LOADED.total // len(PADDING) * 2
    write_file(tmp_path, "db.env", _padded(lines) + "API_KEY=Zq8vR2mK7pLx4TnW9sYc\n")
    write_file(tmp_path, "compose.yaml", COMPOSE)
    result = run_scan(tmp_path)
    finding = findings_of(result, "CMP007")
    assert [f.region.start_line for f in finding] == [4]
    assert finding[0].properties["variables"] == ["DB_PASSWORD"]  # API_KEY is past the budget
    note = parse_error(result, "compose.yaml")
    assert (note.region.start_line, note.region.start_column) == (4, 5)
    read = (LOADED.total - len(SECRET)) // len(PADDING) + 1
    assert f"env_file db.env was read up to line {read:,} of {lines + 2:,}" in note.message
    assert "are read up to 1,000,000 characters in all" in note.message


def test_a_dot_env_file_past_the_budget_says_so_at_the_first_line(tmp_path):
    write_file(tmp_path, ".env", _padded(LOADED.total // len(PADDING) + 10, "TAG=latest\n"))
    write_file(tmp_path, "compose.yaml", 'services:\n  web:\n    image: "nginx:${TAG}"\n')
    result = run_scan(tmp_path)
    assert lines_of(result, "CMP008") == [3]  # its first line was read
    note = parse_error(result, "compose.yaml")
    assert note.region.start_line == 1
    assert "the .env file beside it was read up to line" in note.message


def test_an_env_file_past_the_scan_s_file_size_limit_is_not_read_and_says_so(tmp_path):
    write_file(tmp_path, "db.env", _padded(2_000))
    write_file(tmp_path, "compose.yaml", COMPOSE)
    result = run_scan(tmp_path, max_bytes=100_000)
    assert not findings_of(result, "CMP007")
    note = parse_error(result, "compose.yaml")
    assert note.region.start_line == 4
    size = len(SECRET) + 2_000 * len(PADDING)
    assert f"env_file db.env was not read: file too large ({size:,} bytes; limit 100,000)" in (
        note.message
    )
    assert lines_of(run_scan(tmp_path, max_bytes=300_000), "CMP007") == [4]


def test_many_large_env_files_cost_one_budget(tmp_path):
    """Forty 4.4 MB env files, each under the file-size limit: parsed and judged one after the
    other they took minutes and passed the time budget, losing every finding of the file."""
    filler = "".join(f"SETTING_{n}=value-{n}\n" for n in range(180_000))
    entries = ""
    for n in range(40):
        write_file(tmp_path, f"e{n}.env", SECRET + filler)
        entries += f"      - e{n}.env\n"
    write_file(
        tmp_path,
        "compose.yaml",
        f"services:\n  db:\n    image: postgres:latest\n    env_file:\n{entries}",
    )
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    assert processor_seconds() - started < BUDGET
    assert lines_of(result, "CMP007") == [5]
    assert lines_of(result, "CMP008") == [3]
    notes = findings_of(result, "GL001")
    assert [f.region.start_line for f in notes] == list(range(5, 45))
    assert "was read up to line" in notes[0].message
    assert all("was not read (" in f.message for f in notes[1:])


def test_editing_only_a_padded_env_file_changes_the_cached_outcome(tmp_path):
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    write_file(tree, "db.env", _padded(3_000, "MODE=prod\n"))
    write_file(tree, "compose.yaml", COMPOSE)
    assert not findings_of(cached_scan(tree, cache), "CMP007")
    write_file(tree, "db.env", _padded(3_000))
    assert lines_of(cached_scan(tree, cache), "CMP007") == [4]


def test_a_five_megabyte_hostile_env_file_costs_its_budget_only(tmp_path):
    """5 MB of the lines the dotenv parser spends most on (each variable naming an earlier one
    eight times, double-quoted values), as the `.env` file and an `env_file`: its first lines
    are read, the rest is noted, in well under the budget."""
    hostile = "A=x\n" + "B=${A}${A}${A}${A}${A}${A}${A}${A}\n" * 70_000 + 'C="x"\n' * 450_000
    assert len(hostile) > 5_000_000
    write_file(tmp_path, ".env", "TAG=latest\n" + hostile)
    write_file(tmp_path, "db.env", SECRET + hostile)
    compose = 'services:\n  db:\n    image: "postgres:${TAG}"\n    env_file: db.env\n'
    write_file(tmp_path, "compose.yaml", compose)
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1, max_bytes=6_000_000)
    assert processor_seconds() - started < BUDGET / 4
    assert lines_of(result, "CMP008") == [3] and lines_of(result, "CMP007") == [4]
    assert sorted(f.region.start_line for f in findings_of(result, "GL001")) == [1, 4]


# A SAM function's local code, which CFN030 runs bandit on: read under a private cap of
# 1,000,000 bytes per file, past which a file was skipped without a word.
TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""
HANDLER = (
    "import subprocess\n\n\ndef handler(event, context):\n    subprocess.call(event, shell=True)\n"
)


def _bandit(result) -> list[tuple[str, int]]:
    return [(f.path, f.region.start_line) for f in findings_of(result, "CFN030")]


def test_a_padded_function_file_is_analyzed(tmp_path):
    write_file(tmp_path, "template.yaml", TEMPLATE)
    write_file(tmp_path, "src/app.py", HANDLER + PADDING * 11_000)
    result = run_scan(tmp_path, only_rules={"CFN030", "GL001"})
    assert ("src/app.py", 5) in _bandit(result)
    assert not findings_of(result, "GL001")


def test_code_past_the_template_s_budget_is_not_analyzed_and_says_so(tmp_path):
    write_file(tmp_path, "template.yaml", TEMPLATE)
    write_file(tmp_path, "src/app.py", HANDLER)
    write_file(tmp_path, "src/big.py", HANDLER + PADDING * 25_000)
    result = run_scan(tmp_path, only_rules={"CFN030", "GL001"})
    assert ("src/app.py", 5) in _bandit(result)
    assert not [path for path, _ in _bandit(result) if path == "src/big.py"]
    note = parse_error(result, "template.yaml")
    assert (note.region.start_line, note.region.start_column) == (8, 16)
    assert "bandit (CFN030) did not analyze src/big.py, the code of function Fn: " in note.message
    assert "bandit analyzes for one template are read up to 2,000,000 bytes in all" in note.message
    result = run_scan(tmp_path, only_rules={"CFN030", "GL001"}, max_bytes=1_000_000)
    assert "src/big.py, the code of function Fn: file too large (" in (
        parse_error(result, "template.yaml").message
    )


def test_a_function_of_too_many_files_says_what_was_not_analyzed(tmp_path):
    write_file(tmp_path, "template.yaml", TEMPLATE)
    for n in range(500):
        write_file(tmp_path, f"src/a{n:03}.py", "x = 1\n")
    write_file(tmp_path, "src/app.py", HANDLER)
    result = run_scan(tmp_path, only_rules={"CFN030", "GL001"})
    assert not _bandit(result)
    note = parse_error(result, "template.yaml")
    assert "did not analyze all of src, the code of function Fn: it holds more than 500" in (
        note.message
    )


def test_editing_only_a_padded_function_file_changes_the_cached_outcome(tmp_path):
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    write_file(tree, "template.yaml", TEMPLATE)
    write_file(
        tree, "src/app.py", "def handler(event, context):\n    return 1\n" + PADDING * 11_000
    )
    assert not _bandit(cached_scan(tree, cache, only_rules={"CFN030"}))
    write_file(tree, "src/app.py", HANDLER + PADDING * 11_000)
    assert ("src/app.py", 5) in _bandit(cached_scan(tree, cache, only_rules={"CFN030"}))


def test_a_padded_dockerignore_never_lends_its_place_to_the_next_one(tmp_path):
    """BuildKit reads `Dockerfile.dockerignore` in place of the context's `.dockerignore`; one
    past the ignore file's cap was skipped and the next one read in its place, which may leave
    out what the build copies (DKR015 went quiet on a COPY of `.env`)."""
    write_file(tmp_path, "Dockerfile", "FROM alpine:3.20\nCOPY .env /app/.env\nUSER app\n")
    write_file(tmp_path, ".dockerignore", ".env\n")
    write_file(tmp_path, "Dockerfile.dockerignore", ".git\n" + PADDING * 11_000)
    assert lines_of(run_scan(tmp_path, only_rules={"DKR015"}), "DKR015") == [2]


@pytest.mark.parametrize("shape", ["link out of the root", "fifo"])
def test_an_unreadable_dockerignore_never_lends_its_place_to_the_next_one(tmp_path, shape):
    """A `Dockerfile.dockerignore` linked out of the root, or a FIFO, was taken as absent too,
    and the `.dockerignore` that leaves out the copied `.env` applied (DKR015 went quiet)."""
    repo = tmp_path / "repo"
    write_file(repo, "Dockerfile", "FROM alpine:3.20\nCOPY .env /app/.env\nUSER app\n")
    write_file(repo, ".dockerignore", ".env\n")
    if shape == "fifo":
        os.mkfifo(repo / "Dockerfile.dockerignore")
    else:
        write_file(tmp_path, "outside.dockerignore", ".git\n")
        (repo / "Dockerfile.dockerignore").symlink_to(tmp_path / "outside.dockerignore")
    result = run_scan(repo / "Dockerfile", root=str(repo), only_rules={"DKR015"})
    assert lines_of(result, "DKR015") == [2]


def test_a_padded_compose_file_above_a_dockerfile_never_lends_its_ignore_file(tmp_path):
    """The Compose file above builds `app/Dockerfile` from the directory above (whose ignore
    file leaves out nothing of it); padded past its size limit, it was taken as absent and the
    Dockerfile's own directory's ignore file applied, which left out the `.env` the build
    copies (DKR015 went quiet)."""
    services = "".join(f"  s{n}:\n    image: nginx:1.{n}\n" for n in range(60_000))
    build = "  app:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
    write_file(tmp_path, "compose.yaml", f"services:\n{build}{services}")
    write_file(tmp_path, "app/Dockerfile", "FROM alpine:3.20\nCOPY .env /app/.env\nUSER app\n")
    write_file(tmp_path, "app/.dockerignore", ".env\n")
    dockerfile = tmp_path / "app" / "Dockerfile"
    result = run_scan(dockerfile, root=str(tmp_path), only_rules={"DKR015"})
    assert lines_of(result, "DKR015") == [2]
    write_file(tmp_path, "compose.yaml", f"services:\n{build}")  # read: the context's
    assert lines_of(run_scan(dockerfile, root=str(tmp_path), only_rules={"DKR015"}), "DKR015") == [
        2
    ]


def test_the_compose_files_above_a_file_are_parsed_within_one_budget(tmp_path):
    """Sixteen 1.9 MB Compose files around a Dockerfile, each under its size limit: every one
    was parsed for the Dockerfile's build context (about a second each; six levels of eight
    pass the file's time budget). One lookup parses 4 MB of them; past it the context is not
    known, and no ignore file applies."""
    services = "".join(
        f"  s{n}:\n    image: nginx:1.{n}\n    environment: {{A: b}}\n" for n in range(32_000)
    )
    for level in ("", "app/"):
        for n in range(8):
            write_file(tmp_path, f"{level}compose{n}.yaml", f"services:\n{services}")
    write_file(tmp_path, "app/Dockerfile", "FROM alpine:3.20\nCOPY .env /app/.env\nUSER app\n")
    write_file(tmp_path, "app/.dockerignore", ".env\n")
    started = processor_seconds()
    result = run_scan(tmp_path / "app" / "Dockerfile", root=str(tmp_path), only_rules={"DKR015"})
    assert processor_seconds() - started < BUDGET / 2
    assert lines_of(result, "DKR015") == [2]


def test_the_files_an_include_entry_merges_are_parsed_within_one_budget(tmp_path):
    """An include entry merging fourteen 1.9 MB files: the first file's scan parsed every
    later one for the settings they override (about a second each)."""
    services = "".join(
        f"  s{n}:\n    image: nginx:1.{n}\n    environment: {{A: b}}\n" for n in range(32_000)
    )
    names = [f"parts/f{n}.yaml" for n in range(14)]
    for name in names:
        write_file(tmp_path, name, f"services:\n{services}")
    listed = "".join(f"      - {name}\n" for name in names)
    write_file(tmp_path, "compose.yaml", f"include:\n  - path:\n{listed}")
    started = processor_seconds()
    result = run_scan(tmp_path / names[0], root=str(tmp_path), only_rules={"CMP011"})
    # About 0.35 budgets with the fix; without it the 13 other files added about a second each.
    assert processor_seconds() - started < BUDGET
    assert len(findings_of(result, "CMP011")) == 32_000
