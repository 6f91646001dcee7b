"""Action globs read for what they match, not how they are spelt: every action of every service
(`*`, `*:*`, `*:?*`, `?*:**`), or every action of a service (`s3:*`, `S3:?*`, `s3:**`, and each
service `s3*:*` fits), as IAM matches a glob against the whole `service:action` text. A glob of
only `*` and `?` matches every text at least as long as its `?` count, so the database's shortest
prefix and action names say whether it misses any.
"""

from __future__ import annotations

import functools

from guardlint.knowledge.iam_actions import ACTION_FORM, expand, known_services, services_matching


def every_text_from(glob: str) -> int | None:
    """The length from which a glob matches every text: its `?` count, for a glob of only `*`
    and `?` with a `*`; None for any other glob."""
    return glob.count("?") if "*" in glob and not glob.strip("*?") else None


def matches_every_text(glob: str, shortest: int = 1) -> bool:
    """Whether a glob matches every text at least `shortest` long (`*`, `?*`, `**`)."""
    least = every_text_from(glob)
    return least is not None and least <= shortest


@functools.cache
def _shortest_name(prefix: str) -> int:
    """A service's shortest action name (one letter for a service the database does not list:
    one newer than it)."""
    return min((len(action.name) for action in expand(f"{prefix}:*")), default=1)


@functools.cache
def _shortest_anywhere() -> tuple[int, int]:
    """The shortest service prefix and the shortest action name of any service."""
    services = known_services()
    return min(map(len, services)), min(map(_shortest_name, services))


def grants_every_action(pattern: str) -> bool:
    """Whether an Action entry matches every action of every service: `*`, or only wildcards on
    each side of its colon, with no more `?` than the shortest prefix and action name fill
    (`*:*`, `*:?*`, `?*:**`). IAM refuses an entry with no colon but `*` (`**`: IAM010)."""
    text = pattern.strip()
    if text == "*":
        return True
    service, colon, name = text.partition(":")
    service_least, name_least = every_text_from(service), every_text_from(name)
    if not colon or service_least is None or name_least is None:
        return False
    if service_least <= 1 and name_least <= 1:  # every prefix and every name has a letter
        return True
    shortest_prefix, shortest_name = _shortest_anywhere()
    return service_least <= shortest_prefix and name_least <= shortest_name


@functools.lru_cache(maxsize=1024)
def whole_services(pattern: str) -> tuple[str, ...]:
    """The lower-case prefixes of the services an Action entry grants every action of: its
    service for `s3:*`, `S3:?*` or `s3:**`, every service whose prefix fits for `s3*:*`; none
    for `s3:Get*`."""
    form = ACTION_FORM.match(pattern.strip())
    least = every_text_from(form.group(2)) if form else None
    if form is None or least is None:
        return ()
    return tuple(
        service
        for service in services_matching(form.group(1))
        if least <= 1 or least <= _shortest_name(service)
    )


def together_every_service(patterns: tuple[str, ...]) -> bool:
    """Whether Action entries together grant every action of every service the database lists
    (`a*:*`, `b*:*` ... `x*:*`)."""
    whole = {service for pattern in patterns for service in whole_services(pattern)}
    return bool(whole) and all(service in whole for service in known_services())
