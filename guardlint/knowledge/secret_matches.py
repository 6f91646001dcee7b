"""What the shared detectors find in a text (SecretMatch), and which of the finds that overlap
is the secret to report."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from guardlint.knowledge.secret_patterns import URL_CREDENTIALS_KIND


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class SecretMatch:
    """A secret found in a text: what kind it is and its value."""

    kind: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    value: str
    # Where the value starts in the text searched (its first find there): a line may hold
    # thousands, and looking each up again would cost the line's length for each.
    start: int = field(default=0, compare=False)


def without_urls_around_tokens(matches: tuple[SecretMatch, ...]) -> tuple[SecretMatch, ...]:
    """The matches but a URL's credentials whose password another match found (a token, as
    `https://x-access-token:ghp_...@github.com` holds one): that one names what it is."""
    if not any(m.kind == URL_CREDENTIALS_KIND for m in matches):
        return matches
    others = sorted(
        (m.start, m.start + len(m.value)) for m in matches if m.kind != URL_CREDENTIALS_KIND
    )
    kept = []
    for match in matches:
        if match.kind == URL_CREDENTIALS_KIND:
            # The first other match that starts inside the URL's credentials (tokens do not
            # nest): the password when it also ends inside them.
            end = match.start + len(match.value)
            first = bisect_right(others, (match.start, end))
            if first < len(others) and others[first][1] < end:
                continue
        kept.append(match)
    return tuple(kept)


def without_parts(matches: tuple[SecretMatch, ...]) -> tuple[SecretMatch, ...]:
    """The matches but those written inside another (not inside a URL's credentials, which
    give way to the token inside them instead): the OpenAI detector's cut of a project key, an
    npm token inside the .npmrc line its detector takes whole. One sweep in the order they
    start, the longer first where two start together."""
    if len(matches) < 2:
        return matches
    inside, furthest = set(), -1
    for match in sorted(matches, key=lambda m: (m.start, -len(m.value))):
        end = match.start + len(match.value)
        if end <= furthest:
            inside.add(id(match))
        elif match.kind != URL_CREDENTIALS_KIND:
            furthest = end
    return tuple(m for m in matches if id(m) not in inside) if inside else matches
