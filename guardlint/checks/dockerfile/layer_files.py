"""Which later `rm` deletes each file that COPY or ADD put into a Dockerfile stage (DKR018),
and which paths a RUN's `rm` deletes, read from the directory its `cd` moved to (DKR012 too).

A removal target deletes a file when it names it, as a glob too (`rm /tmp/*.key`), or names a
directory above it (`covers`). Asking every target about every file takes time in the product
of their counts, and building every path as text in the product of the number of names and
the length of the directory they are joined to (thousands of sources copied into a long path,
a WORKDIR or `cd` after another). Here:

- paths are nodes of a tree of path components (`PathTree`), each made once: joining a name to
  a directory costs the name;
- a target that is no glob deletes the files of its subtree, which are a range of the files in
  depth-first order: each file takes the earliest later such range that holds it from a
  segment tree (n log n);
- a glob target is compared with the files below its leading literal directories only, and a
  stage spends at most GLOB_WORK on these comparisons (a glob is matched in time up to the
  product of the two lengths): past it, a glob deletes only what its text names literally.

A path longer than PATH_MAX names no file (Linux refuses it), so none is tracked.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Iterator

from guardlint.knowledge.shell_commands import operands
from guardlint.knowledge.windows_commands import removals
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.shell import Command, Environment
from guardlint.parse.shell_words import program_name

PATH_MAX = 4096
# Character pairs a stage's glob comparisons may take (each counts at least 1,000): a few
# hundred milliseconds; a real Dockerfile compares a few dozen files with a few globs.
GLOB_WORK = 200_000_000
_MIN_COMPARISON_WORK = 1_000
_GLOB_CHARACTERS = re.compile(r"[*?[]")


def covers(removed: str, path: str) -> bool:
    """Whether `rm removed` (an absolute, normalized path; maybe a glob) deletes `path`."""
    return (
        len(removed) <= PATH_MAX and len(path) <= PATH_MAX and fnmatch.fnmatchcase(path, removed)
    ) or path.startswith(removed.rstrip("/") + "/")


class PathTree:
    """Absolute paths as `posixpath.normpath` leaves them, one node per path."""

    ROOT, DOUBLE_ROOT = 0, 1  # "/" and "//" (POSIX keeps exactly two leading slashes)

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, str], int] = {}
        self.parent = [self.ROOT, self.DOUBLE_ROOT]  # a root is its own parent
        self.name = ["", ""]
        self.length = [1, 2]  # of the path's text

    def join(self, directory: int, text: str) -> int:
        """The node of `posixpath.normpath(posixpath.join(directory's path, text))`."""
        node = directory
        if text.startswith("/"):
            double = text.startswith("//") and not text.startswith("///")
            node = self.DOUBLE_ROOT if double else self.ROOT
        for part in text.split("/"):
            if part == "..":
                node = self.parent[node]
            elif part not in ("", "."):
                node = self._child(node, part)
        return node

    def _child(self, node: int, part: str) -> int:
        child = self._nodes.get((node, part))
        if child is None:
            child = self._nodes[(node, part)] = len(self.parent)
            self.parent.append(node)
            self.name.append(part)
            separator = 0 if node in (self.ROOT, self.DOUBLE_ROOT) else 1
            self.length.append(self.length[node] + separator + len(part))
        return child

    def text(self, node: int) -> str:
        parts = []
        while node not in (self.ROOT, self.DOUBLE_ROOT):
            parts.append(self.name[node])
            node = self.parent[node]
        return ("/" if node == self.ROOT else "//") + "/".join(reversed(parts))

    def order(self) -> tuple[list[int], list[int]]:
        """Each node's position in depth-first order, and the last position of its subtree."""
        children: list[list[int]] = [[] for _ in self.parent]
        for node in range(2, len(self.parent)):
            children[self.parent[node]].append(node)
        first, last = [0] * len(self.parent), [0] * len(self.parent)
        position = 0
        for root in (self.ROOT, self.DOUBLE_ROOT):
            stack = [(root, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    last[node] = position - 1
                    continue
                first[node] = position
                position += 1
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(children[node]))
        return first, last


def first_removals(
    tree: PathTree, added: list[tuple[int, int]], removed: list[tuple[int, int]]
) -> list[int | None]:
    """For each file (time added, node), the time of the first removal (time, node of the
    target) after it that deletes it, or None. Times are positions in the stage."""
    first, last = tree.order()
    is_glob = [False, False]  # a parent's node is made before its children's
    for node in range(2, len(tree.parent)):
        is_glob.append(is_glob[tree.parent[node]] or bool(_GLOB_CHARACTERS.search(tree.name[node])))
    files = [i for i, (_, node) in enumerate(added) if tree.length[node] <= PATH_MAX]
    files.sort(key=lambda i: first[added[i][1]])
    positions = [first[added[i][1]] for i in files]

    def below(node: int, itself: bool) -> tuple[int, int]:
        """The files (a range of `files`) at or below a node."""
        if node in (tree.ROOT, tree.DOUBLE_ROOT):
            return 0, len(files)  # `rm -rf /` deletes every absolute path, `//x` too
        start = bisect.bisect_left(positions, first[node] if itself else first[node] + 1)
        return start, bisect.bisect_right(positions, last[node])

    targets = [(t, node) for t, node in removed if tree.length[node] <= PATH_MAX]
    subtrees = [(t, *below(node, not is_glob[node])) for t, node in targets]
    earliest = _earliest_later(subtrees, [added[i][0] for i in files])
    answers: list[int | None] = [None] * len(added)
    for rank, index in enumerate(files):
        answers[index] = earliest[rank]
    work = 0
    for time, node in targets:
        if not is_glob[node]:
            continue
        work += tree.length[node]
        if work > GLOB_WORK:
            break
        pattern, literal = tree.text(node), node
        while is_glob[literal]:
            literal = tree.parent[literal]
        start, end = below(literal, True)
        for rank in range(start, end):
            index = files[rank]
            added_time, file_node = added[index]
            work += max(_MIN_COMPARISON_WORK, tree.length[file_node] * len(pattern))
            if work > GLOB_WORK:
                return answers
            known = answers[index]
            later = known is None or known > time
            if added_time < time and later and covers(pattern, tree.text(file_node)):
                answers[index] = time
    return answers


def _earliest_later(subtrees: list[tuple[int, int, int]], times: list[int]) -> list[int | None]:
    """For each position with its time, the earliest (time, start, end) whose range holds it
    with a later time: ranges enter a segment tree latest first, each position is asked once
    those after its time are in (range update, point query: n log n)."""
    size = len(times)
    never = 1 << 62
    lowest = [never] * (2 * size)
    pending = sorted(subtrees, reverse=True)
    earliest: list[int | None] = [None] * size
    entered = 0
    for position in sorted(range(size), key=lambda p: times[p], reverse=True):
        while entered < len(pending) and pending[entered][0] > times[position]:
            time, start, end = pending[entered]
            entered += 1
            start, end = start + size, end + size
            while start < end:
                if start & 1:
                    lowest[start] = min(lowest[start], time)
                    start += 1
                if end & 1:
                    end -= 1
                    lowest[end] = min(lowest[end], time)
                start, end = start // 2, end // 2
        found, node = never, position + size
        while node:
            found, node = min(found, lowest[node]), node // 2
        earliest[position] = found if found != never else None
    return earliest


def removed_below_copies(
    tree: PathTree, added: list[tuple[int, int]], removed: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """For each removal (time, node of the target) of a path strictly below a copied one (a
    directory copied whole: `COPY . /app`, then `rm /app/.env`), the removal's index in
    `removed` and the index in `added` of the earliest such copy before it. Each node takes
    its parent's answer once (a parent's node is made before its children's): linear."""
    earliest: dict[int, int] = {}  # node -> the index in `added` of its earliest copy
    for index, (time, node) in enumerate(added):
        if node not in earliest or added[earliest[node]][0] > time:
            earliest[node] = index
    above: list[int | None] = [None, None]  # the earliest copy of a strict ancestor
    for node in range(2, len(tree.parent)):
        parent = tree.parent[node]
        candidates = [i for i in (above[parent], earliest.get(parent)) if i is not None]
        above.append(min(candidates, key=lambda i: added[i][0]) if candidates else None)
    found = []
    for index, (time, node) in enumerate(removed):
        copy = above[node] if tree.length[node] <= PATH_MAX else None
        if copy is not None and added[copy][0] < time:
            found.append((index, copy))
    return found


def removed_targets(tree: PathTree, commands: list[Command], workdir: int | None) -> Iterator[int]:
    """Nodes of the paths that `rm` deletes, following `cd` inside the script: in the
    environment it runs in and those that environment starts later (a subshell, `sh -c`).
    `workdir` is where the script starts (None: not known); a relative operand from an
    unknown directory names nothing known, an absolute one needs no directory."""
    directories: dict[Environment, int | None] = {}  # None: not known
    for command in commands:
        if command.program not in ("cd", "rm"):
            continue  # the others change neither (each still starts in its environment's)
        cwd = _working_directory(command.environment, directories, workdir)
        targets = operands(command.args)
        if command.program == "cd":
            target = targets[0] if targets else "/root"
            directories[command.environment] = (
                None if target == "-" else _resolved(tree, cwd, target)
            )
        elif command.program == "rm":
            nodes = (_resolved(tree, cwd, target) for target in targets)
            yield from (node for node in nodes if node is not None)


def windows_removed_targets(
    tree: PathTree, instruction: Instruction, workdir: int | None
) -> Iterator[int]:
    """Nodes of the paths a RUN of a Windows stage deletes (paths as windows_path writes
    them): its command line as cmd (the default shell) or PowerShell (after SHELL) runs it,
    an exec form as the command it names. Under another shell (bash), and under the default
    one, its `rm`."""
    shell = program_name(instruction.shell[0]).lower() if instruction.shell else "cmd"
    shell = shell.removesuffix(".exe")
    if instruction.form == "exec":
        text = " ".join(f'"{a}"' if " " in a else a for a in instruction.exec_args or [])
        powershell = False
    elif shell in ("cmd", "powershell", "pwsh"):
        text, powershell = instruction.value, shell != "cmd"
    if instruction.form != "exec" and shell not in ("powershell", "pwsh"):
        # The default shell: cmd in a Windows image, /bin/sh in one the escape directive
        # alone made Windows; and any other SHELL.
        yield from removed_targets(tree, instruction.commands, workdir)
        if shell != "cmd":
            return

    def join(directory: int | None, path: str) -> int:
        return tree.join(tree.ROOT if directory is None else directory, path)

    yield from removals(text, powershell, workdir, join)


def _resolved(tree: PathTree, cwd: int | None, target: str) -> int | None:
    """The node of `target` read from `cwd` (None: not known)."""
    if "$" in target or (cwd is None and not target.startswith("/")):
        return None
    return tree.join(tree.ROOT if cwd is None else cwd, target)


def _working_directory(
    environment: Environment, directories: dict[Environment, int | None], workdir: int | None
) -> int | None:
    """The directory an environment is in: its own once it ran a command, else its parent's
    now (it starts as a copy of it), else the WORKDIR. Each environment is looked up once."""
    path = []
    found = workdir
    node: Environment | None = environment
    while node is not None:
        if node in directories:
            found = directories[node]
            break
        path.append(node)
        node = node.parent
    for step in path:
        directories[step] = found
    return found
