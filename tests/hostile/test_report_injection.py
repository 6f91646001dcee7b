"""No injection into what people read: the markdown report renders on GitHub exactly as the text
it quotes (no HTML, links or broken table), and nothing a scanned file, config or rule pack
holds reaches a terminal as a control or escape sequence; guardlint's own colours still do."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import cmarkgfm
import pytest
import yaml
from click.testing import CliRunner
from cmarkgfm.cmark import Options

from guardlint.cli import cli
from guardlint.model.documents import Region, RelatedLocation
from guardlint.model.findings import Finding
from guardlint.model.rules import Severity
from guardlint.report import markdown, markup, text
from guardlint.report.ruledoc import rule_markdown
from guardlint.report.sarif import _related as sarif_related
from guardlint.report.sarif import render as render_sarif
from guardlint.rulebook import load_rulebook
from tests.conftest import run_scan, write_file

# A service name and a directory name that try every trick on a markdown reader and a terminal:
# raw HTML, a link, an image, autolinks, emphasis, a code span, a cell boundary, and ESC
# sequences (OSC 8 hyperlink, CSI clear screen), BEL, backspace, CR and a bidi override.
HOSTILE = (
    "<img src=x onerror=alert(1)> [click](https://evil.example/a) ![t](https://evil.example/t.png)"
    " https://evil.example www.evil.example a|b ``x` **bold** _it_ \\| "
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[2J\x08\r\u202e"
)
DIRECTORY = "d|i`r <b>x [a](b)"
EVIL_TEXT = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x1b[H\x07\x08\r\u202e"
GITHUB = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/infra",
    "GITHUB_SHA": "0123abc",
}
# What a terminal must never receive from data: C0 and C1 controls but tab and line feed,
# DEL, and the bidirectional overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OWN_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


HOSTILE_COMPOSE = yaml.safe_dump({"services": {HOSTILE: {"image": "x"}}})
EVIL_RULE = {
    "id": "EVIL001",
    "name": "any-service",
    "title": "Any service " + EVIL_TEXT,
    "severity": "high",
    "category": "Policy:Container/Any",
    "kinds": ["compose"],
    "description": "Why: " + EVIL_TEXT + "\nsecond line",
    "remediation": "Fix: " + EVIL_TEXT,
    "references": ["https://docs.example/" + EVIL_TEXT],
    "examples": {"bad": "services: {a: {image: x}}  # " + EVIL_TEXT, "good": "# " + EVIL_TEXT},
    "match": {
        "select": "$.services.*",
        "where": {"path": "image", "exists": True},
        "message": "Service {name}: " + EVIL_TEXT,
    },
}
# PyYAML writes the control characters as escapes of double-quoted scalars ("\e", "\a").
# Its name is plain (one with escapes is refused: tests/hostile/test_report_readers.py).
EVIL_PACK = yaml.safe_dump({"pack": "evil", "rules": [EVIL_RULE]})


class _Html(HTMLParser):
    """The tags of a rendered document and the text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self.in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data


def render_on_github(text: str) -> _Html:
    """The markdown as GitHub's renderer (cmark-gfm) turns it into HTML, raw HTML kept (the
    sanitizer that follows on github.com is no reason to hand it any)."""
    document = _Html()
    document.feed(cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE))
    return document


@pytest.fixture
def hostile_result(tmp_path):
    write_file(tmp_path / DIRECTORY, "compose.yaml", HOSTILE_COMPOSE)
    return run_scan(tmp_path)


def test_markdown_renders_scanned_text_as_itself(hostile_result):
    document = render_on_github(markdown.render(hostile_result, environ=GITHUB))
    assert {tag for tag, _ in document.tags} <= {
        "h2", "h3", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "a", "code",
    }  # fmt: skip
    links = [attrs["href"] for tag, attrs in document.tags if tag == "a"]
    shown = hostile_result.active_findings[: markdown.TOP_FINDINGS]
    prefix = f"https://github.com/acme/infra/blob/0123abc/{quote(DIRECTORY)}/compose.yaml#L"
    assert links and len(links) == len(shown)
    assert all(link.startswith(prefix) for link in links)
    findings = [row for row in document.rows if len(row) == 4 and row[0] != "severity"]
    assert len(findings) == len(shown)
    by_message = sorted(shown, key=lambda f: f.message)
    assert sorted(row[3] for row in findings) == [f.message for f in by_message]
    assert {row[2] for row in findings} <= {f"{f.path}:{f.region.start_line}" for f in shown}
    assert any(HOSTILE[:20] in row[3] for row in findings)


@pytest.mark.parametrize(
    "content",
    [
        "a|b",
        "a\\|b",
        "``` x ` ",
        "`x`",
        " lead",
        "end\\",
        "[l](h) <i>",
        "a\nb\rc",
        "&lt;b&gt;",
        "$x^2$ ~~gone~~ *em* __strong__",
        "see https://evil.example, WWW.evil.example",
        "[x]: /u",
    ],
)
def test_markdown_cells_and_code_spans_keep_their_content(content):
    table = f"| a | b |\n|---|---|\n| {markup.cell(content)} | {markup.code_span(content)} |\n"
    document = render_on_github(table)
    assert {tag for tag, _ in document.tags} == {
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
    }
    one_line = " ".join(content.splitlines())
    assert document.rows[1:] == [[one_line.strip(), one_line]]


def test_text_report_escapes_data_and_keeps_its_colours(tmp_path):
    write_file(tmp_path / "rules", "pack.yaml", EVIL_PACK)
    write_file(tmp_path / "repo", "compose.yaml", HOSTILE_COMPOSE)
    result = run_scan(tmp_path / "repo", rule_dirs=[str(tmp_path / "rules")])
    report = text.render(result, colour=True)
    assert OWN_COLOURS.search(report)  # severities are still coloured
    assert not CONTROL.search(OWN_COLOURS.sub("", report))
    assert "\\x1b]8;;https://evil.example\\x07" in report  # shown, not obeyed


def test_explain_shows_a_custom_packs_escape_sequences_escaped(tmp_path):
    write_file(tmp_path, "pack.yaml", EVIL_PACK)
    outcome = CliRunner().invoke(cli, ["explain", "EVIL001", "--rules", str(tmp_path)], color=True)
    assert outcome.exit_code == 0, outcome.output
    assert not CONTROL.search(outcome.output)
    for part in ("Why: ", "Fix: ", "Any service ", "https://docs.example/", "# "):
        assert part + "\\x1b]8;;https://evil.example\\x07click" in outcome.output
    assert "\nsecond line" not in outcome.output and "  second line\n" in outcome.output


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ({"baseline": EVIL_TEXT}, "baseline file not found"),
        ({"rule_dirs": [EVIL_TEXT]}, "rule directory not found"),
        ({EVIL_TEXT: 1}, "unknown key"),
        ({"disable": [EVIL_TEXT]}, "is neither a rule ID nor a pack name"),
    ],
    ids=["baseline", "rule-dirs", "key", "disable"],
)
def test_config_errors_quote_the_file_escaped(tmp_path, monkeypatch, config, says):
    monkeypatch.chdir(tmp_path)
    write_file(tmp_path, ".guardlint.yaml", yaml.safe_dump(config))
    outcome = CliRunner().invoke(cli, ["scan", "."], color=True)
    assert outcome.exit_code == 2
    assert says in outcome.output
    assert not CONTROL.search(outcome.output)
    # shown, not obeyed (a path the config names is normalised: `//` may become `/`)
    assert "\\x1b]8;;https:" in outcome.output


def test_the_baseline_note_names_the_configs_path_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "base" + EVIL_TEXT.replace("/", "") + ".json"
    write_file(tmp_path, name, '{"version": 1, "findings": []}\n')
    write_file(tmp_path, ".guardlint.yaml", yaml.safe_dump({"baseline": name}))
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    outcome = CliRunner().invoke(cli, ["scan", ".", "-f", "json"], color=True)
    assert "finding(s) in the baseline" in outcome.output
    assert not CONTROL.search(outcome.output)


MARKUP_RULE = {
    **EVIL_RULE,
    "id": "EVIL002",
    "description": "Why <img src=x onerror=alert(1)> [click](https://evil.example) "
    "![pixel](https://evil.example/p.png) <https://evil.example> www.evil.example",
    "remediation": "<script>alert(1)</script> <a href='https://evil.example'>fix</a>",
    "references": ["[docs](javascript:alert(1))"],
    "examples": {"bad": "```\n</code></pre><img src=x>\n```", "good": "ok: true"},
}


def test_sarif_help_shows_a_custom_packs_markup_as_text(tmp_path):
    """Code scanning renders a rule's help.markdown: a custom pack (which the scanned
    repository may ship) must not put HTML, links or images there."""
    rules = tmp_path / "policies"
    write_file(rules, "pack.yaml", yaml.safe_dump({"pack": "evil", "rules": [MARKUP_RULE]}))
    write_file(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    result = run_scan(tmp_path, rule_dirs=[str(rules)])
    assert [f.rule_id for f in result.findings if f.rule_id == "EVIL002"]
    sarif = json.loads(render_sarif(result))
    (rule,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "EVIL002"]
    document = render_on_github(rule["help"]["markdown"])
    assert not {tag for tag, _ in document.tags} & {"img", "a", "script", "iframe"}
    assert "</code></pre><img src=x>" in cmarkgfm.github_flavored_markdown_to_html(
        rule["help"]["markdown"]
    ).replace("&lt;", "<").replace("&gt;", ">")


def test_built_in_help_keeps_its_markdown():
    (rule,) = [r for r in load_rulebook().rules if r.id == "DKR001"]
    assert "`" in rule.description  # ours, written as markdown: kept as it is
    assert rule.description in rule_markdown(rule)


def test_sarif_messages_embed_no_links_from_scanned_text(hostile_result):
    """A SARIF message's text may embed links, `[text](target)` to a related location or to any
    URI (SARIF 2.1.0, 3.11.6), and viewers draw them (VS Code's renders the text as markdown):
    a service named `[click](https://evil.example/a)` must not become a link in its findings."""
    sarif = json.loads(render_sarif(hostile_result))
    messages = [result["message"]["text"] for result in sarif["runs"][0]["results"]]
    quoting = [message for message in messages if "click" in message]
    assert quoting and len(messages) == len(hostile_result.findings)
    for message in quoting:
        assert "\\[click\\](https://evil.example/a)" in message
        shown = cmarkgfm.markdown_to_html(message)
        assert "<a " not in shown and "<img " not in shown


# Every way a plain text becomes a link or an image where a reader renders it as markdown:
# SARIF's embedded link, an image, a reference to a definition, CommonMark's autolinks.
LINKING = (
    "[click](https://evil.example/a) ![t](https://evil.example/t.png) [ref] "
    "<https://evil.example/auto> <mail@evil.example>\n\n[ref]: https://evil.example/r"
)
LINKING_RULE = {
    **EVIL_RULE,
    "id": "EVIL003",
    "title": "Any service " + LINKING.replace("\n", " "),
    "description": "Why [ref], a link to a definition\n\n[ref]: https://evil.example/r",
    "remediation": "Fix " + LINKING,
    "references": [LINKING.replace("\n", " ")],
    "examples": {"bad": "services: {a: {image: x}}  # " + LINKING, "good": "# ok"},
    "match": {**EVIL_RULE["match"], "message": "Service {name}: " + LINKING},
}


def _links(text: str) -> list[str]:
    """The images, and the links that show other text than where they lead, that a plain
    text's markdown readers draw (CommonMark, and GitHub's, which also links a bare URL, as
    itself: no escape keeps it from doing so, and it hides nothing)."""
    drawn = cmarkgfm.markdown_to_html(text) + cmarkgfm.github_flavored_markdown_to_html(text)
    links = re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', drawn)
    return re.findall(r"<img [^>]*>", drawn) + [
        target for target, shown in links if html.unescape(shown) != _bare(target)
    ]


def _bare(target: str) -> str:
    """A link's target as a bare URL or address shows it."""
    return unquote(html.unescape(target)).removeprefix("mailto:")


@pytest.fixture
def linking_sarif(tmp_path):
    rules = tmp_path / "policies"
    write_file(rules, "pack.yaml", yaml.safe_dump({"pack": "evil", "rules": [LINKING_RULE]}))
    name = "web <https://evil.example/s> [r]\n[r]: https://evil.example/d"
    write_file(tmp_path, "compose.yaml", yaml.safe_dump({"services": {name: {"image": "x"}}}))
    result = run_scan(tmp_path, rule_dirs=[str(rules)])
    assert [f for f in result.findings if f.rule_id == "EVIL003"]
    return json.loads(render_sarif(result))


@pytest.mark.parametrize("field", ["shortDescription", "fullDescription", "help"])
def test_sarif_rule_texts_embed_no_links_from_a_custom_pack(linking_sarif, field):
    """Code scanning and SARIF viewers draw a descriptor's text like a message's: a custom
    pack's title, description, remediation, references and examples link nowhere there."""
    rules = linking_sarif["runs"][0]["tool"]["driver"]["rules"]
    (rule,) = [r for r in rules if r["id"] == "EVIL003"]
    assert "evil.example" in rule[field]["text"]  # shown, as text
    assert _links(rule[field]["text"]) == []


def test_sarif_related_location_messages_embed_no_links():
    """Where a CDK app defines a resource, named by the construct path its template wrote."""
    finding = Finding(
        *("EVIL003", "any-service", Severity.HIGH, 7.0, "Policy:Container/Any"),
        *("CODE_VULNERABILITY", "m", "cdk.out/Stack.template.json", Region(1), "R", "fix", "p"),
        related_locations=(RelatedLocation("app.py", Region(2), "defined by " + LINKING),),
    )
    (related,) = sarif_related(finding)
    assert "evil.example" in related["message"]["text"]
    assert _links(related["message"]["text"]) == []


@pytest.mark.parametrize(
    "text", ["a [b] c", "<redacted>", "Value<String>", "<<: *defaults", "a\\[b]", "<a:b c>"]
)
def test_text_that_cannot_link_is_kept_as_written(text):
    assert markup.link_free(text) == text


@pytest.mark.parametrize("text", ["x](y", "[a]: b", "\\[a](b)", "![a](b)"])
def test_escaped_text_reads_as_written(text):
    """Escaped where a link could form, the text still reads as written."""
    escaped = cmarkgfm.markdown_to_html(markup.link_free(text))
    assert "<a " not in escaped and "<img " not in escaped
    assert html.unescape(re.sub("<[^>]+>", "", escaped)).strip() == text.replace("\\\\", "\\")
