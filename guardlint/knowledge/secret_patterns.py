"""Secrets guardlint finds with patterns of its own, beside detect-secrets' detectors: a
password given on a command line, and one in a URL without a user."""

from __future__ import annotations

import re

# Passwords given on a command line (a Dockerfile RUN, a container's command, a script):
# what follows the option is the credential. Values with a shell expansion ($VAR, $(cmd))
# come from elsewhere and are left out.
ARG_END = r"[^\s'\"`;|&)]+"


def _option_after(command: str, option: str) -> str:
    """`command`, then `option` later in the same simple command, then the value. The words
    between never start `command` again: `re` tries every occurrence of the command, and each
    would scan to the end of the command (quadratic in `curl curl curl ...`); the value found
    is the same, from the last occurrence before the option."""
    return rf"{command}(?:(?!{command})[^|;&\n])*?{option}(?P<value>{ARG_END})"


COMMAND_CREDENTIALS = tuple(
    re.compile(pattern)  # case matters: mysql -P is the port
    for pattern in (
        # curl -u user:pass, --user user:pass, -uuser:pass
        _option_after(r"\bcurl\b", r"\s(?:-u\s*|--user[=\s]+)['\"]?[^\s:'\"]+:"),
        # wget --password=pass, --http-password, --ftp-password
        _option_after(r"\bwget\b", r"\s--(?:http-|ftp-)?password[=\s]+['\"]?"),
        rf"\bsshpass\s+-p\s*['\"]?(?P<value>{ARG_END})",
        _option_after(r"\bdocker\s+login\b", r"\s(?:-p|--password)[=\s]+['\"]?"),
        # mysql -pPASS (attached: a lone -p prompts), --password=PASS; mysqldump, mysqladmin
        _option_after(r"\bmysql(?:dump|admin)?\b", r"\s(?:-p|--password=)['\"]?"),
    )
)
COMMAND_WORDS = ("curl", "wget", "sshpass", "login", "mysql")


# A URL with a password and no user (`redis://:PASSWORD@host`, Redis before 6 has no users),
# which detect-secrets' basic-auth pattern, needing a user, leaves out. The same characters.
URL_PASSWORD_ONLY = re.compile(r"(?<=[A-Za-z])://:[^\s:/?#\[\]@!$&'()*+,;=]+@")
