"""Files a scanned file depends on without being scanned themselves: the environment files a
Compose file interpolates from or loads into a service (`.env`, `env_file`), the Python code a
template's function deploys (`CodeUri`). Input written to hurt guardlint must not make it lose
a finding, so such a file is never taken as absent for its size without the scan saying so:

- it is read like every input (guardlint.parse.inputs: bounded, inside the scan root, recorded
  for the result cache) within the scan's own file-size limit (`--max-file-size`), the one a
  scanned file is read within (`file_limit`: the SourceFile carries it, set where it is parsed);
- what one scanned file spends on such files of one kind, in all, is bounded (a `Budget`), so
  that a file naming many large ones stays within its time budget;
- past either bound, the caller uses what it could read (an environment file's lines up to the
  budget) and the scan says so: a GL001 note at the line that names the file (`note_unread`).
"""

from __future__ import annotations

from dataclasses import dataclass

from guardlint.knowledge.per_file import file_memo
from guardlint.model.documents import DOCUMENT_NOTES, Document, Region, SourceFile
from guardlint.parse.inputs import InputError, read_input
from guardlint.parse.text import DEFAULT_MAX_BYTES, ParseError

_SPENT = file_memo()  # Budget -> what the file being scanned spent of it


def file_limit(source: SourceFile | None) -> int:
    """The file-size limit the dependencies of the scanned file `source` are read within: the
    scan's, which it was read within (guardlint.documents.parse_file)."""
    if source is None or source.max_bytes is None:
        return DEFAULT_MAX_BYTES
    return source.max_bytes


def read_dependency(path: str, source: SourceFile) -> bytes:
    """The bytes of the file at `path`, a dependency of the scanned file `source`, read like
    every input within the scan's file-size limit (inside its root); InputError (`too_large`
    past the limit) when it cannot be read."""
    return read_input(path, file_limit(source), source.root)


@dataclass(frozen=True, repr=False)  # never printed: one method fewer to build
class Budget:
    """What one scanned file may spend, in all, on the files it depends on of one kind
    (characters parsed, bytes analysed): a file naming many large ones stays within its time."""

    files: str  # the kind of files, as a note names them: "the env_files of one file"
    total: int
    unit: str = "characters"

    def left(self) -> int:
        """What the file being scanned may still spend."""
        return max(0, self.total - _SPENT.get(self, 0))

    def spend(self, amount: int) -> None:
        _SPENT[self] = _SPENT.get(self, 0) + amount

    def describe(self) -> str:
        """The bound, for a note."""
        return f"{self.files} are read up to {self.total:,} {self.unit} in all"


def read_within(path: str, root: str | None, budget: Budget, limit: int) -> bytes:
    """read_dependency within what is left of `budget` too, which it then spends, and within
    the scan's file-size limit `limit` (file_limit); InputError past either (`too_large`, its
    reason saying which bound)."""
    left = budget.left()
    try:
        data = read_input(path, min(left, limit), root)
    except InputError as exc:
        if not exc.too_large or left >= limit:
            raise
        reason = f"{exc.size:,} bytes; {budget.describe()}"
        raise InputError(reason, too_large=True, size=exc.size) from None
    budget.spend(len(data))
    return data


def note_unread(document: Document, where: Region, reason: str) -> None:
    """A GL001 note on the document `where` the file is named: what of a file it depends on
    was not read, and why. The caller notes each file once."""
    note = ParseError(reason, where.start_line, where.start_column)
    document.meta.setdefault(DOCUMENT_NOTES, []).append(note)
