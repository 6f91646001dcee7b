"""TLS certificate checks turned off in a tool's configuration file, as a Dockerfile writes it
(`echo insecure >> ~/.curlrc`, `printf 'check_certificate = off\\n' >> /etc/wgetrc`, a COPY
heredoc to /root/.npmrc): the setting written in the same instruction that names the file.
apt's setting (`Acquire::https::Verify-Peer "false";`) is only ever apt configuration, so
the file need not be named (DKR017, as apt.conf.d is read for DKR012)."""

from __future__ import annotations

from guardlint.parse.lazy_pattern import LazyPattern

# Where a setting's name starts: not inside a word, or right after the `\n` of a printf.
# wgetrc ignores `_` and `-` in its command names; .yarnrc.yml is Yarn 2's.
_START = r"(?:(?<![\w-])|(?<=\\n))"
# (the file, the setting that turns checks off in it, how a finding names it); each pattern's
# runs are possessive and its alternatives start differently, so a search is linear.
_SETTINGS = (
    (
        LazyPattern(r"\.curlrc\b"),
        LazyPattern(_START + r"(?:--)?+insecure(?![\w-])"),
        "insecure in .curlrc",
    ),
    (
        LazyPattern(r"wgetrc\b"),
        LazyPattern(_START + r"check[_-]?+certificate[ \t]*+=[ \t]*+(?:off|0|no|false)\b"),
        "check_certificate = off in wgetrc",
    ),
    (
        LazyPattern(r"npmrc\b"),
        LazyPattern(_START + r"strict-ssl[ \t]*+=[ \t]*+false\b"),
        "strict-ssl=false in .npmrc",
    ),
    (
        LazyPattern(r"\.yarnrc\b"),
        LazyPattern(_START + r"(?:strict-ssl[ \t]++|enablestrictssl[ \t]*+:[ \t]*+)[\"']?+false\b"),
        "strict-ssl false in .yarnrc",
    ),
    (
        LazyPattern(r"\bpip\.(?:conf|ini)\b"),
        LazyPattern(_START + r"trusted-host[ \t]*+="),
        "trusted-host in pip.conf",
    ),
    (
        LazyPattern(r"gitconfig\b"),
        LazyPattern(_START + r"sslverify[ \t]*+=[ \t]*+(?:false|0|no|off)\b"),
        "sslVerify = false in .gitconfig",
    ),
)
_APT_VERIFY_OFF = LazyPattern(
    r"\bacquire::https?+::(?:[^\s:]++::)?+verify-(?:peer|host)[ \t]++\\?+[\"']?+"
    r"(?:false|0|no|off)\b"
)


def tls_disabled_in_config(text: str) -> str | None:
    """How an instruction's text (heredoc bodies included) writes a setting that turns off
    certificate checks into a tool's configuration file, if it does."""
    lowered = text.lower()
    if "::" in lowered and _APT_VERIFY_OFF.search(lowered):
        return 'apt Acquire::https::Verify-Peer "false" in apt.conf'
    for file_name, setting, how in _SETTINGS:
        if file_name.search(lowered) and setting.search(lowered):
            return how
    return None
