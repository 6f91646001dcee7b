"""`--format github`: workflow commands, parsed back as the Actions runner parses them."""

from __future__ import annotations

import dataclasses
import json

from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.report import github
from tests.conftest import run_scan, write_file

HOSTILE_SERVICE = "evil%0A::error file=x::owned,\r\n::warning::second"
COMPOSE = (
    "services:\n"
    f"  {json.dumps(HOSTILE_SERVICE)}:\n    image: nginx:1.27\n    privileged: true\n"
    "  quiet:\n    image: redis:7\n"
)
NAME = "deploy/a,b:c%25.yaml"


def _unescape(text: str, escapes: tuple[str, ...]) -> str:
    # The runner's order (ActionCommand.cs): %25 last, so "%250A" stays "%0A".
    table = {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    for code in escapes:
        text = text.replace(code, table[code])
    return text.replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """One workflow command as the runner reads it: `::name k=v,k=v::data`."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    name, _, raw = line[2:end].partition(" ")
    properties = {}
    for pair in raw.split(","):
        key, _, value = pair.partition("=")
        properties[key] = _unescape(value, ("%0D", "%0A", "%3A", "%2C"))
    return name, properties, _unescape(line[end + 2 :], ("%0D", "%0A"))


def test_one_command_per_finding_with_its_place_and_level(tmp_path):
    write_file(tmp_path, NAME, COMPOSE)
    runner = CliRunner()
    as_json = json.loads(runner.invoke(cli, ["scan", str(tmp_path), "-f", "json"]).output)
    result = runner.invoke(cli, ["scan", str(tmp_path), "-f", "github"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [f for f in as_json["findings"] if not f.get("suppression")]
    assert len(lines) == len(expected) > 2  # no line but the commands: none was injected
    commands = [parse(line) for line in lines]
    for finding in expected:
        level = "error" if finding["severity"] in ("critical", "high") else "warning"
        properties = {
            "file": finding["path"],
            "line": str(finding["region"]["start_line"]),
            "col": str(finding["region"]["start_column"]),
            "endLine": str(finding["region"]["end_line"]),
            "title": f"{finding['rule_id']} {finding['rule_name']} ({finding['severity']})",
        }
        assert (level, properties, finding["message"]) in commands
    assert {name for name, _, _ in commands} == {"error", "warning"}
    assert all(props["file"] == NAME for _, props, _ in commands)
    assert any("evil%0A::error file=x::owned," in message for _, _, message in commands)


def test_hostile_text_cannot_start_or_extend_a_command(tmp_path):
    write_file(tmp_path, NAME, COMPOSE)
    output = CliRunner().invoke(cli, ["scan", str(tmp_path), "-f", "github"]).output
    for line in output.splitlines():
        name, properties, message = parse(line)
        assert name in ("error", "warning")
        assert set(properties) == {"file", "line", "col", "endLine", "title"}
        head = line[: line.index("::", 2)]
        assert "," not in properties["file"] or "%2C" in head
        assert "\n" not in message and "\r" not in message
    assert "%25" in output and "%3A" in output and "%2C" in output


def test_github_format_in_an_output_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    result = CliRunner().invoke(
        cli, ["scan", ".", "-f", "github", "-f", "json", "--output-dir", "r"]
    )
    assert result.exit_code in (0, 1), result.output
    assert (
        (tmp_path / "r" / "guardlint.github.txt")
        .read_text()
        .startswith("::warning file=compose.yaml,")
    )


def test_raw_line_breaks_and_percent_are_escaped_even_if_text_reached_the_reporter_raw(tmp_path):
    """Messages and paths are made printable before any reporter sees them; the workflow
    command escaping holds on its own as well."""
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    result = run_scan(tmp_path)
    finding = result.active_findings[0]
    result.findings = [
        dataclasses.replace(finding, path="a\r\n::error::x,y:z%", message="m\r\n::error::pwned %0A")
    ]
    (line,) = github.render(result).splitlines()
    name, properties, message = parse(line)
    assert properties["file"] == "a\r\n::error::x,y:z%"
    assert message == "m\r\n::error::pwned %0A"
    assert name in ("error", "warning")
