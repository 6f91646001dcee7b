"""Environment files read as Compose reads them (compose-go's dotenv parser)."""

from __future__ import annotations

from guardlint.parse.compose_interpolation import MAX_ADDED_CHARS
from guardlint.parse.dotenv import parse_dotenv


def test_assignments_comments_and_export():
    text = "# settings\n\nTAG=1.4.2\nexport MODE = prod\n  IGNORED\nBAD LINE=x\nYAML: style\r\n"
    assert parse_dotenv(text) == {"TAG": "1.4.2", "MODE": "prod", "YAML": "style"}


def test_quotes_comments_and_escapes():
    text = (
        "A='single # kept ${X}'\n"
        'B="double \\"quoted\\" \\n"\n'
        "C=unquoted # a comment\n"
        "D=no#comment\n"
        'E="line one\nline two"\n'
        "F=after\n"
    )
    assert parse_dotenv(text) == {
        "A": "single # kept ${X}",
        "B": 'double "quoted" \n',
        "C": "unquoted",
        "D": "no#comment",
        "E": "line one\nline two",
        "F": "after",
    }


def test_a_value_reads_the_variables_set_before_it():
    text = "HOST=db\nURL=postgres://${HOST}:5432\nLATER=${UNSET:-fallback}\nRAW='${HOST}'\n"
    assert parse_dotenv(text) == {
        "HOST": "db",
        "URL": "postgres://db:5432",
        "LATER": "fallback",
        "RAW": "${HOST}",
    }


def test_a_quote_never_closed_ends_the_file():
    assert parse_dotenv('A=1\nB="open\nC=3\n') == {"A": "1"}


def test_a_later_line_wins():
    assert parse_dotenv("A=1\nA=2\n") == {"A": "2"}


def test_variables_that_double_each_other_are_left_unknown_past_the_limit():
    lines = ["A0=xxxxxxxxxx"] + [f"A{n}=${{A{n - 1}}}${{A{n - 1}}}" for n in range(1, 41)]
    variables = parse_dotenv("\n".join([*lines, "LAST=kept"]))

    assert variables["A10"] == "x" * 10 * 2**10
    assert "A40" not in variables and variables["LAST"] == "kept"
    assert sum(map(len, variables.values())) < 3 * MAX_ADDED_CHARS
