"""Text from a scanned file or a custom rule pack, shown in markdown as exactly that text.

GitHub renders markdown (job summaries, code scanning's rule help) with HTML, links, images
and autolinks: a character that could start markup is backslash-escaped, and code is fenced
with more backticks than any run inside it, so nothing a repository wrote can become markup.
"""

from __future__ import annotations

import re

# What can start markup on GitHub: a backslash escape, a code span, emphasis or strikethrough,
# a link or image, HTML or an autolink in angle brackets, an entity, a table cell boundary,
# math; and the `:` of `https://` and the `.` of `www.` that start autolinks.
_MARKUP = re.compile(r"[\\`*_~\[\]<&|$]|:(?=//)|(?<=[wW]{3})\.")
_BACKTICKS = re.compile(r"`+")
# A plain text's links that show other text than where they lead (SARIF 2.1.0, 3.11.6:
# `[text](target)`, drawn by code scanning and by viewers that render the text as markdown,
# which also draw `![text](image)` and a reference `[text]` to a line `[text]: target`). An
# autolink, `<https://...>`, shows where it leads, as GitHub's bare URLs do.
_LINK_BRACKET = re.compile(r"(\\*)([\[\]])")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]*\]:", re.MULTILINE)


def one_line(text: str) -> str:
    return " ".join(str(text).splitlines())


def literal(text: str) -> str:
    """`text` as markdown that renders as itself (line breaks kept)."""
    return _MARKUP.sub(lambda found: "\\" + found.group(), str(text))


def cell(text: str) -> str:
    """`text` as a table cell that renders as itself, on one line."""
    return literal(one_line(text))


def _fence_for(text: str, least: int) -> str:
    return "`" * max(least, max(map(len, _BACKTICKS.findall(text)), default=0) + 1)


def code_span(text: str) -> str:
    """A code span in a table cell that `text` cannot end early: its fence is one backtick
    longer than the longest run inside, and a pipe is escaped (tables split cells first)."""
    text = one_line(text).replace("|", "\\|")
    fence = _fence_for(text, 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, language: str = "") -> str:
    """A fenced code block that `text` cannot close early."""
    fence = _fence_for(text, 3)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def link_free(text: str) -> str:
    """Plain text (a SARIF message's, a rule's description's) in which no reader finds a link
    or an image: where one could form, each bracket is escaped with a backslash and the
    backslashes before it doubled (SARIF's own escape); any other text as it is."""
    if "](" not in text and not ("]:" in text and _LINK_DEFINITION.search(text)):
        return text
    return _LINK_BRACKET.sub(lambda found: found[1] * 2 + "\\" + found[2], text)
