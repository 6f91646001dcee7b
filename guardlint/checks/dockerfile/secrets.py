"""Secrets in the image: literal secrets in instructions (DKR004), key and credential files
copied in (DKR015), and files deleted in a later layer that stay in an earlier one (DKR018)."""

from __future__ import annotations

import bisect
import math
import posixpath
from collections.abc import Iterator

from guardlint.checks.dockerfile.hits import (
    hit,
    in_stage,
    is_remote,
    left_out_of_context,
    model_of,
    where,
)
from guardlint.checks.dockerfile.layer_files import (
    PathTree,
    first_removals,
    removed_below_copies,
    removed_targets,
    windows_removed_targets,
)
from guardlint.checks.dockerfile.sensitive_files import (
    CredentialTargets,
    Destination,
    SensitiveNodes,
    is_sensitive_path,
)
from guardlint.checks.registry import check
from guardlint.documents.dockerfile import build_model
from guardlint.documents.dockerfile_model import DockerfileModel, Stage
from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.openpgp import is_key_id, key_variables
from guardlint.knowledge.secrets import SecretMatch, find_secrets, find_secrets_in_words
from guardlint.knowledge.windows_commands import windows_path
from guardlint.knowledge.windows_images import is_windows_image
from guardlint.model.documents import PARSED_FROM_FILE, Document
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule, Severity
from guardlint.parse.digits import ascii_digits
from guardlint.parse.dockerfile import Instruction
from guardlint.parse.dockerfile_text import InstructionText
from guardlint.parse.lazy_pattern import LazyPattern


@check("DKR004")
def secret_in_env_or_arg(document: Document, rule: Rule) -> Iterator[Hit]:
    """An ENV or ARG with a secret-looking name has a literal value, or a detector recognises
    a credential anywhere in an instruction (heredocs included). A fingerprint the build hands
    gpg to fetch (`ARG SWIFT_SIGNING_KEY=...`, `gpg --recv-keys "$SWIFT_SIGNING_KEY"`) names a
    public key."""
    model = model_of(document)
    public_keys = fetched_key_variables(model)
    for stage, instruction in model.each():
        # As Docker reads it: a secret split over continued lines is found, and located.
        text = InstructionText(
            document.lines, instruction.start_line, instruction.end_line, model.escape
        )
        reported: set[str] = set()
        spans: list[tuple[int, int]] = []  # where each value reported by its name is written
        for name, value in [*instruction.assignments, *_written_settings(instruction)]:
            if name in public_keys and is_key_id(value or ""):
                continue
            if value and is_literal_credential(name, value):
                reported.add(value)
                start = text.text.find(value)
                if start >= 0:
                    spans.append((start, start + len(value)))
                yield Hit(
                    message=f"{instruction.keyword} {name} in {where(stage, instruction)} holds a "
                    "literal secret: it is stored in the image's layers and history for anyone who "
                    "pulls it.",
                    region=text.region_of(value) or instruction.region,
                    resource=stage.resource if stage else "Dockerfile",
                    properties={"variable": name},
                    secret_values=(value,),
                )
        spans.sort()
        for match in _instruction_secrets(instruction, text.text):
            if match.value in reported or _quoted_part(match.value) in reported:
                continue
            start = text.text.find(match.value)
            if _within(spans, start, start + len(match.value)):
                continue  # part of a value already reported (a private key's BEGIN line)
            reported.add(match.value)
            yield Hit(
                message=f"{match.kind} hard-coded in a {instruction.keyword} instruction of "
                f"{where(stage, instruction)}: it is stored in the image and the repository.",
                region=text.region_of(match.value) or instruction.region,
                resource=stage.resource if stage else "Dockerfile",
                properties={"secretType": match.kind},
                secret_values=(match.value,),
            )


def fetched_key_variables(model: DockerfileModel) -> set[str]:
    """The variables the Dockerfile's RUNs hand gpg as the keys to fetch, list or export."""
    return {name for _, run in model.runs() for name in key_variables(run.commands)}


def fetched_public_keys(document: Document) -> set[str]:
    """The OpenPGP fingerprints an ARG or ENV of a Dockerfile holds for gpg to fetch: public
    keys, which SEC001 does not report either (it reads the file's text, whose document carries
    the model the scan built; one is built only where the scan made none)."""
    if not any("gpg" in line or "apt-key" in line for line in document.lines):
        return set()
    built = (document, *document.meta.get(PARSED_FROM_FILE, ()))
    model = next((d.meta["model"] for d in built if "model" in d.meta), None)
    model = model or build_model(document.lines)
    names = fetched_key_variables(model)
    if not names:
        return set()
    return {
        value
        for _, instruction in model.each("ARG", "ENV")
        for name, value in instruction.assignments
        if name in names and value and is_key_id(value)
    }


def _instruction_secrets(instruction: Instruction, text: str) -> list[SecretMatch]:
    """The secrets of an instruction's text, and of an exec form's words read as the command
    line they are (`["app", "--db-password=..."]`: an option starts a word, not a quote)."""
    found = find_secrets(text)
    if instruction.exec_words:
        seen = {match.value for match in found}
        words = find_secrets_in_words(instruction.exec_words)
        found.extend(match for _, match in words if match.value not in seen)
    return found


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the sorted, disjoint spans: the last one that
    starts at or before it."""
    index = bisect.bisect_right(spans, (start, math.inf)) - 1
    return start >= 0 and index >= 0 and end <= spans[index][1]


def _quoted_part(value: str) -> str:
    """What a match's closing quote closes: detect-secrets' AWS secret key match holds the
    variable's name and quotes with the key (`AWS_SECRET_ACCESS_KEY="..."`)."""
    quote = value[-1:]
    return value[:-1].rpartition(quote)[2] if quote in ("'", '"') else value


# `NAME=value`, `export NAME=value` or YAML's `name: value`: a setting in a file a heredoc
# writes (anchored, and the name and the spaces after it are told apart: linear).
_SETTING = LazyPattern(r"(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*[=:]")
# An unquoted value that is code, not a literal: a call, an index, a YAML tag, an attribute
# (`os.environ.get("KEY")`, `settings.API_KEY`, `!Ref Password`).
_CODE_VALUE = LazyPattern(r"[()\[\]{};\s]|^[!&*]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _written_settings(instruction: Instruction) -> Iterator[tuple[str, str]]:
    """The (name, literal value) settings in the files a COPY or ADD heredoc writes."""
    if instruction.keyword not in ("COPY", "ADD"):
        return
    for heredoc in instruction.heredocs:
        for line in heredoc.body.splitlines():
            setting = _SETTING.match(line.strip())
            if not setting:
                continue
            value = line.strip()[setting.end() :].strip()
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                yield setting.group(1), value[1:-1]
            elif not _CODE_VALUE.search(value):
                yield setting.group(1), value


def _from_context_or_image(instruction: Instruction) -> bool:
    """Whether a COPY or ADD takes its files from the build context, or from a named context
    (`docker buildx build --build-context certs=./certs`) or image that `--from` names; not
    from a stage (by name or number), nor from one a variable names."""
    taken_from = instruction.flag("from")
    if taken_from is None:
        return True
    # A stage's number as BuildKit reads one (strconv.Atoi): '٣' names an image, not a stage.
    return instruction.keyword == "COPY" and not (
        instruction.source_stages or ascii_digits(taken_from) or "$" in taken_from
    )


@check("DKR015")
def sensitive_file_copied(document: Document, rule: Rule) -> Iterator[Hit]:
    """A COPY or ADD from the build context puts a key or credential file into a stage (not
    one the context's .dockerignore leaves out, nor a download): one named as such, or one
    copied to where such a file belongs. So does a COPY from a named context or an image
    (`--from=` no stage of the file): what a stage holds was judged where it came in."""
    model = model_of(document)
    targets: CredentialTargets | None = None
    windows_stages = _windows_stages(model)
    for stage, instruction in model.each("COPY", "ADD"):
        if stage is None or not _from_context_or_image(instruction):
            continue
        # What a URL or a git repository serves is public (a signing key), not the context's.
        copied = [
            s
            for s in instruction.sources
            if not is_remote(s) and not left_out_of_context(document, instruction, s)
        ]
        windows = stage.index in windows_stages
        # A Windows stage's paths are judged with `\\` as the separator and in either case
        # (`.SSH\\ID_RSA`): Windows does not tell them apart.
        judged = {s: s.replace("\\", "/") if windows else s for s in copied}
        folded = {s: judged[s].lower() if windows else s for s in copied}
        sensitive = next((s for s in copied if is_sensitive_path(folded[s])), None)
        landing = ""
        destination = Destination.of(instruction, windows)
        if sensitive is None and destination is not None:
            sensitive = next((s for s in copied if destination.takes_credential(folded[s])), None)
            landing = (
                f" as {destination.landing(judged[sensitive])}" if sensitive is not None else ""
            )
        if sensitive is None and destination is not None:
            targets = targets or CredentialTargets(model)
            for source in copied if targets.names_files(stage) else ():
                variable = targets.variable_naming(stage, instruction, destination.landing(source))
                if variable:
                    sensitive, landing = source, f" as the credential file {variable} names"
                    break
        if sensitive is not None:
            yield hit(
                instruction,
                stage,
                f"{instruction.keyword} puts {sensitive} into {in_stage(stage, instruction)}"
                f"{landing}: keys and credentials in an image are readable by anyone who pulls it.",
                properties={"path": sensitive},
            )


def _windows_stages(model: DockerfileModel) -> set[int]:
    """The stages that build a Windows image: every one when the Dockerfile sets the backtick
    escape that Windows paths need, else those built FROM a Windows base image, themselves or
    through the stages they are built FROM (an earlier stage: one pass in file order)."""
    if model.escape == "`":
        return {stage.index for stage in model.stages}
    windows: set[int] = set()
    for stage in model.stages:
        base = stage.base_stage
        if (base in windows) if base is not None else is_windows_image(stage.image or ""):
            windows.add(stage.index)
    return windows


def _copied_files(
    document: Document, tree: PathTree, instruction: Instruction, workdir: int, windows: bool
) -> Iterator[tuple[str, int]]:
    """(source, node of the absolute path) for each file a COPY/ADD writes (none that the
    .dockerignore leaves out); in a Windows stage, the source `/`-separated and the path as
    windows_path reads it."""
    sources = instruction.sources
    destination = instruction.destination
    if not sources or "$" in destination:
        return
    if windows:
        destination = windows_path(destination) or ""
        sources = [source.replace("\\", "/") for source in sources]
        if not destination:
            return
    target = tree.join(workdir, destination)
    into_directory = destination.endswith("/") or len(sources) > 1
    for source in sources:
        if is_remote(source) or "$" in source:
            continue
        if left_out_of_context(document, instruction, source):
            continue
        name = posixpath.basename(source.rstrip("/"))
        name = name.lower() if windows else name
        # A directory (`dir/`, `.`) copies its contents: the destination itself is what appears.
        # A glob (`*.whl`) stays a glob, which an identical `rm` glob or a parent matches.
        is_directory = source.endswith("/") or name in ("", ".")
        yield source, tree.join(target, name) if into_directory and not is_directory else target


_INHERITED_INSTRUCTIONS = 50_000  # per Dockerfile, for DKR018


@check("DKR018")
def secret_removed_in_later_layer(document: Document, rule: Rule) -> Iterator[Hit]:
    """A file a COPY or ADD put into a stage is deleted by a later RUN: it stays in the
    earlier layer (high severity when it is a key or credential file, low otherwise). A stage
    built FROM another keeps that one's layers: a file it added is still there to be hidden."""
    model = model_of(document)
    # A build stage that only hands files on: its layers, and what they hide, never ship.
    shipped = {stage.index for stage in model.shipped_stages()}
    taken = {
        index for _, instruction in model.each("COPY", "RUN") for index in instruction.source_stages
    }
    build_stages = taken - shipped
    windows = _windows_stages(model)
    budget = _INHERITED_INSTRUCTIONS
    inherited: dict[int, int] = {}  # a stage's index -> the instructions of its ancestors
    for stage in model.stages:
        base = stage.base_stage
        inherited[stage.index] = (
            0 if base is None else (inherited[base] + len(model.stages[base].instructions))
        )
        # Each stage reads its ancestors' layers again: a long chain of stages would cost the
        # square of the file's length, so past the budget a stage is judged on its own layers.
        chain = [stage]
        if 0 < inherited[stage.index] <= budget and stage.of("RUN"):
            budget -= inherited[stage.index]
            chain = model.stage_chain(stage)
        if stage.index not in build_stages:
            yield from _deleted_in_later_layer(document, stage, chain, stage.index in windows)


def _deleted_in_later_layer(
    document: Document, stage: Stage, chain: list[Stage], windows: bool
) -> Iterator[Hit]:
    """In a Windows stage, paths are read as Windows reads them (windows_path: `\\` or `/`,
    either case, `C:` the root) and its RUNs' Remove-Item, del and rd delete them."""
    # The layers of the stages it is built FROM, then its own: only its own RUNs are reported
    # here (the earlier ones are their stage's), but the earlier ones' deletions count.
    instructions = [i for ancestor in reversed(chain) for i in ancestor.instructions]
    own = len(instructions) - len(stage.instructions)
    tree = PathTree()
    workdir = tree.ROOT
    added: list[tuple[int, int]] = []  # (position in the chain, node) of each copied file
    copies: list[tuple[str, Instruction]] = []  # its source and instruction
    removed: list[tuple[int, int]] = []  # (position of the RUN, node) of each `rm` target
    destinations: dict[int, Destination | None] = {}  # of each COPY or ADD, by its position
    for position, instruction in enumerate(instructions):
        directory = instruction.expanded_value or "$"  # None: a variable with no known value
        if instruction.keyword == "WORKDIR" and "$" not in directory:
            directory = directory.strip().strip("\"'")
            directory = windows_path(directory) or "." if windows else directory
            workdir = tree.join(workdir, directory)
        elif instruction.keyword in ("COPY", "ADD"):
            destinations[position] = Destination.of(instruction, windows)
            for source, node in _copied_files(document, tree, instruction, workdir, windows):
                added.append((position, node))
                copies.append((source, instruction))
        elif instruction.keyword == "RUN":
            if windows:
                targets = windows_removed_targets(tree, instruction, workdir)
            else:
                targets = removed_targets(tree, instruction.commands, workdir)
            removed.extend((position, node) for node in targets)
    # (RUN's position, path, index in `copies`, sensitive) of each file a later RUN deletes:
    # a file copied itself or inside a directory (`rm /root/.ssh`), and a key or credential
    # inside a copied directory (`COPY . /app`, `rm /app/.env`); other files below a copied
    # directory may be ones a RUN made since.
    deleted: dict[tuple[int, str], tuple[int, bool]] = {}
    for index, position in enumerate(first_removals(tree, added, removed)):
        if position is not None and position >= own:
            path = tree.text(added[index][1])
            source, destination = copies[index][0], destinations[added[index][0]]
            # A key by its name, or by where it was copied to (`COPY deploy_key ~/.ssh/id_rsa`).
            judged = source.lower() if windows else source
            sensitive = is_sensitive_path(judged) or bool(
                destination and destination.takes_credential(judged)
            )
            deleted.setdefault((position, path), (index, sensitive))
    sensitive_nodes = SensitiveNodes(tree)
    for removal, index in removed_below_copies(tree, added, removed):
        position, node = removed[removal]
        if position < own or not sensitive_nodes.holds(node):
            continue
        path = tree.text(node)
        # The file as the context holds it: below the copied directory's source.
        source, origin = copies[index]
        below = path[len(tree.text(added[index][1])) :].lstrip("/")
        if not left_out_of_context(document, origin, posixpath.join(source, below)):
            deleted.setdefault((position, path), (index, True))
    for (position, path), (index, sensitive) in sorted(deleted.items()):
        origin = copies[index][1]
        path = _shown(path) if windows else path
        yield hit(
            instructions[position],
            stage,
            f"{path} is added by {origin.keyword} at line {origin.start_line} and deleted "
            f"by this RUN in {in_stage(stage)}, but it stays readable in the earlier "
            "layer" + ("; use a RUN --mount=type=secret instead." if sensitive else "."),
            severity=None if sensitive else Severity.LOW,
            properties={"path": path, "added_at": origin.start_line},
        )


def _shown(path: str) -> str:
    """A path of a Windows stage's layer as Windows writes it (`/app/x` is `C:\\app\\x`,
    `/d:/x` is `D:\\x`)."""
    if path[2:3] == ":":
        return path[1:].replace("/", "\\").capitalize()
    return "C:" + path.replace("/", "\\")
