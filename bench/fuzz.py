"""Long fuzz run (not part of CI): mangle the fixtures and random bytes, scan each result with
every rule, and report each distinct crash site (rule, exception, file:line) once with a
reproducer.

    python bench/fuzz.py --seconds 300            # random mutation hunt, crash sites listed
    python bench/fuzz.py --hypothesis 5000         # the property tests with 5,000 examples

Exit status 1 when a crash or an escaped exception was found.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guardlint.discover import kind_by_name  # noqa: E402
from guardlint.documents import UNPARSABLE, parse_file  # noqa: E402
from guardlint.engine.options import ScanOptions  # noqa: E402
from guardlint.engine.runner import FILE_KIND, RuleRunner  # noqa: E402
from guardlint.model.documents import Document, SourceFile  # noqa: E402
from guardlint.parse.located import YamlError  # noqa: E402
from guardlint.parse.yaml_nodes import load_documents  # noqa: E402
from guardlint.rulebook import load_rulebook  # noqa: E402

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**70, 1.5, float("nan"), "", "*", "x", [], {}, [None], [[]], {"": None},
    "0.0.0.0/0", "${AWS::Region}", "arn:aws:iam::*:root", {"Ref": "Missing"},
    {"Fn::If": ["C", "a", {"Ref": "AWS::NoValue"}]}, {"Fn::GetAtt": ["X", "Arn"]},
    {"Fn::Sub": ["${a}", {"a": 1}]}, {"Fn::Join": 5}, {"Fn::Select": ["x", []]},
    {"Fn::FindInMap": []}, {"Fn::Base64": None}, {"Condition": ["x"]}, ["a", 1, None],
]  # fmt: skip


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def node_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += node_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += node_paths(child, (*prefix, index))
    return found


def mutate_structure(text: str, rng: random.Random) -> str | None:
    try:
        documents = [plain(d) for d in load_documents(text)]
    except YamlError:
        return None
    for _ in range(rng.randint(1, 3)):
        if not documents:
            break
        document = rng.choice(documents)
        path = rng.choice(node_paths(document))
        if not path:
            continue
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.2 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return yaml.safe_dump_all(documents, sort_keys=False)


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    content = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(content) + 1)
        choice = rng.random()
        if choice < 0.3:
            del content[at : at + rng.randint(1, 30)]
        elif choice < 0.6:
            content[at:at] = rng.choice(
                [
                    b"\t",
                    b"- ",
                    b": ",
                    b"{",
                    b"[",
                    b"'",
                    b"\n  ",
                    b"&a ",
                    b"*a",
                    b"\\\n",
                    b"<<EOF\n",
                    b"\x00",
                    b"\xff",
                    b"!Ref ",
                    b"${",
                ]
            )
        elif choice < 0.8:
            lines = bytes(content).split(b"\n")
            line = rng.randrange(len(lines))
            lines.insert(line, lines[line])
            content = bytearray(b"\n".join(lines))
        elif content:
            content[min(at, len(content) - 1)] ^= 1 << rng.randrange(8)
    return bytes(content)


def documents_of(path: Path, name: str, workdir: str) -> tuple[list[Document], str]:
    source = SourceFile(str(path), name, kind_by_name(name) or "structured", workdir)
    parsed = parse_file(source)
    documents = list(parsed.documents)
    if parsed.lines and parsed.status != "skipped":
        documents.append(Document(FILE_KIND, name, None, parsed.lines, source=source))
    return documents, parsed.status


def hunt(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    runner = RuleRunner(load_rulebook(), ScanOptions())
    fixtures = sorted(
        p for p in (ROOT / "fixtures").rglob("*") if p.is_file() and kind_by_name(p.name)
    )
    workdir = tempfile.mkdtemp(prefix="guardlint-fuzz-")
    crash_sites: dict[tuple, str] = {}
    runs = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fixture = rng.choice(fixtures)
        original = fixture.read_bytes()
        mutated: bytes | None = None
        if fixture.suffix in (".yaml", ".yml", ".json") and rng.random() < 0.6:
            text = mutate_structure(original.decode("utf-8", "replace"), rng)
            mutated = text.encode() if text is not None else None
        if mutated is None:
            mutated = mutate_bytes(original, rng)
        name = (
            fixture.name
            if fixture.suffix != ".json" or rng.random() < 0.5
            else fixture.stem + ".yaml"
        )
        target = Path(workdir) / name
        target.write_bytes(mutated)
        runs += 1
        try:
            documents, status = documents_of(target, name, workdir)
        except Exception as exc:  # the parsing layer must never raise
            site = ("<parse>", type(exc).__name__, _site(exc))
            crash_sites.setdefault(site, _keep(mutated, name, workdir, len(crash_sites)))
            continue
        for document in documents:
            for rule in runner.by_kind.get(document.kind, ()):
                try:
                    runner.hits(rule, document)
                except Exception as exc:
                    site = (rule.id, type(exc).__name__, _site(exc))
                    if site not in crash_sites:
                        crash_sites[site] = _keep(mutated, name, workdir, len(crash_sites))
                        print(
                            f"CRASH {rule.id} {type(exc).__name__}: {exc} at {site[2]}",
                            flush=True,
                        )
        if status == UNPARSABLE:
            continue
    print(
        f"{runs} mutated files scanned in {seconds:.0f} s; {len(crash_sites)} distinct crash sites"
    )
    for (rule, kind, where), reproducer in sorted(crash_sites.items()):
        print(f"  {rule:7} {kind:18} {where}  reproducer: {reproducer}")
    return 1 if crash_sites else 0


def _site(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/guardlint/" in f.filename] or frames
    frame = inside[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def _keep(data: bytes, name: str, workdir: str, number: int) -> str:
    directory = Path(workdir) / f"crash-{number}"
    directory.mkdir(exist_ok=True)
    (directory / name).write_bytes(data)
    return str(directory / name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--hypothesis", type=int, metavar="EXAMPLES")
    args = parser.parse_args()
    if args.hypothesis:
        env = {**os.environ, "GUARDLINT_FUZZ_EXAMPLES": str(args.hypothesis)}
        command = [sys.executable, "-m", "pytest", "-q", str(ROOT / "tests" / "fuzz")]
        return subprocess.call(command, cwd=ROOT, env=env)
    print(f"seed {args.seed}", flush=True)
    return hunt(args.seconds, args.seed)


if __name__ == "__main__":
    sys.exit(main())
