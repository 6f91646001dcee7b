"""A Helm template set's observation (guardlint.parse.lookups.HELM_NAME) told again by the
statuses of what decides it, for the result cache's pack (guardlint.engine.scan_pack), as git
tells a file: a warm scan need not read and parse the chart's templates again, nor import
their parsers.

What decides the observation of a chart template lies in the directory its set starts at (the
top: guardlint.parse.helm_template_set; the charts that load the file, their `.helmignore`
files and templates, and the subcharts below `charts/`) and in the names of the directories
from the scan root down to it (a `Chart.yaml` added above the top makes another top). The
status of each directory and file below the top (device, inode, size, modification and change
times), and of each directory on the way to it, taken after the scan that recorded the
observation, tells it where each was last changed more than SETTLED_NANOSECONDS before that
scan began (scan_pack's racily clean files) and none is a link (whose target could change
unseen); any change to a file gives it a new change time, any name created, removed or renamed
in a directory a new modification time. A set that is not told so (a link, more than
MAX_ENTRIES names, a root that is a chart's templates/, whose chart lies outside it) is looked
at again, as without a pack.

The top and the digest of those statuses are the pack's, whose bytes may be anyone's: the top
is used only where it lies inside the scan root as resolved (guardlint.engine.cached) and
holds the template, and telling it looks at most MAX_ENTRIES names, following no link.
"""

from __future__ import annotations

import os
import stat
from typing import Any

import orjson

from guardlint.parse.digests import blake2b

# Names below a set's top told by their statuses; a larger chart is looked at again.
MAX_ENTRIES = 5_000
_TEMPLATES = "templates"


def set_status(
    path: str, root: str, settled_before: int, digests: dict[tuple[str, str], str | None]
) -> list[str] | None:
    """[top, digest of the statuses] of the template set of the chart template at `path`
    (inside the scan `root`), None where statuses cannot tell its observation; `digests`
    keeps each top's for the templates of one set."""
    from guardlint.parse.helm_template_set import set_top  # a scan that judged a chart's

    top = set_top(path, root)
    if top is None:
        return None
    if (top, root) not in digests:
        digests[top, root] = _statuses_digest(top, root, settled_before)
    digest = digests[top, root]
    return None if digest is None else [top, digest]


def recorded_set(recorded: Any, path: str) -> tuple[str, str] | None:
    """(top, digest) of what set_status recorded for the template at `path`, where it is that
    and its top holds the template; None otherwise."""
    if type(recorded) is not list or len(recorded) != 2:
        return None
    top, digest = recorded
    if type(top) is not str or type(digest) is not str:
        return None
    return (top, digest) if path.startswith(os.path.join(top, "")) else None


def statuses_digest(top: str, root: str) -> str | None:
    """The digest set_status records of the set starting at `top` as it is now."""
    return _statuses_digest(top, root, None)


def _statuses_digest(top: str, root: str, settled_before: int | None) -> str | None:
    """The digest of the statuses of the directories from `root` down to `top` and of every
    name below `top`; None where one is a link or no directory on the way, the names are too
    many, or (given `settled_before`) one was changed since then."""
    rel = os.path.relpath(top, root)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    if os.path.basename(root) == _TEMPLATES:  # its chart's Chart.yaml lies outside the root
        return None
    ancestors = [root]
    for name in [] if rel == os.curdir else rel.split(os.sep):
        ancestors.append(os.path.join(ancestors[-1], name))
    statuses: list[Any] = []
    for directory in ancestors:
        try:
            info = os.lstat(directory)
        except (OSError, ValueError):
            return None
        if not stat.S_ISDIR(info.st_mode) or not _settled(info, settled_before):
            return None
        statuses.append(_signature(info))
    below = _below(top, settled_before)
    if below is None:
        return None
    statuses.append(below)
    return blake2b(orjson.dumps(statuses), digest_size=32).hexdigest()


def _below(top: str, settled_before: int | None) -> list[Any] | None:
    """[relative path, status] of each name below `top`, in a stable order; None as above."""
    found: list[Any] = []
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except (OSError, ValueError):
            return None
        if len(found) + len(entries) > MAX_ENTRIES:
            return None
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                return None
            if stat.S_ISLNK(info.st_mode) or not _settled(info, settled_before):
                return None
            found.append([os.path.relpath(entry.path, top), _signature(info)])
            if stat.S_ISDIR(info.st_mode):
                pending.append(entry.path)
    return found


def _signature(info: os.stat_result) -> list[int]:
    return [info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
            info.st_ctime_ns]  # fmt: skip


def _settled(info: os.stat_result, settled_before: int | None) -> bool:
    return settled_before is None or max(info.st_mtime_ns, info.st_ctime_ns) < settled_before
