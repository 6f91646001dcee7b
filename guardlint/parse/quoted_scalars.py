"""A YAML text's double-quoted scalars that span lines, read as YAML reads them: a line break
folded to a space (an empty line to a line feed), one escaped with `\\` to nothing, the
indentation of each next line dropped, and every escape (`\\n`, `\\x67`, `\\u0067`) decoded.

A secret written over several lines of such a scalar (`"ghp_wWPw5k4a\\` then `XcaT4f..."`, a
private key written as `\\n`-separated lines) is on no line of the text: SEC001 reads these
scalars whole (guardlint.knowledge.secret_lines). Read without composing a document: the text
need not parse, and only files that may hold one (a line that ends inside a double-quoted
string) are scanned by libyaml at all.
"""

from __future__ import annotations

from typing import NamedTuple

from guardlint.model.documents import Region
from guardlint.parse.linear_regex import compile_linear

# A line that ends inside a double-quoted string: after closed strings and other text, a quote
# whose string runs to the end of the line (or to an escaped line break). On RE2: linear.
_ENDS_IN_STRING = r'(?m)^(?:[^"\\\n]|\\.|"(?:[^"\\\n]|\\.)*")*"(?:[^"\\\n]|\\.)*\\?$'


class QuotedScalar(NamedTuple):
    """A double-quoted scalar: what it reads as, and where it is written (quotes included)."""

    text: str
    region: Region


def multiline_double_quoted(text: str) -> list[QuotedScalar]:
    """The double-quoted scalars of a YAML text (a stream of documents) that span lines, up to
    where libyaml stops reading it (what is not YAML)."""
    if '"' not in text:
        return []
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate too, as SEC001 reads text
    if not compile_linear(_ENDS_IN_STRING.encode()).search(data):
        return []
    # only for texts that may hold such a scalar
    from guardlint.parse.libyaml import LOADER
    from guardlint.parse.pyyaml import yaml

    found: list[QuotedScalar] = []
    tokens = yaml.scan(data, Loader=LOADER)
    try:
        for token in tokens:
            start, end = token.start_mark, token.end_mark
            if getattr(token, "style", None) == '"' and start.line != end.line:
                region = Region(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                found.append(QuotedScalar(token.value, region))
    except (yaml.YAMLError, ValueError):
        pass  # what comes before the error is read (nothing of a text that is not UTF-8)
    return found
