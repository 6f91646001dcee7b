"""A 50 MB YAML bomb beside normal files (a measurement, not a test).

    /work/venv/bin/python bench/yaml_bomb.py [--size-mb 50]

Builds, in a temporary directory, a billion-laughs YAML file padded with aliases to the size
asked for, next to a copy of the `bad` fixture of a few rules (a Dockerfile, a Compose file, a
Kubernetes manifest, a CloudFormation template). Then it times `guardlint scan DIR -f json` as
a fresh process, three ways:

  default       the 5 MB limit refuses the bomb unread
  size-limit-off  --max-file-size above the bomb's size: libyaml reads it, the alias
                  expansion limit refuses it
  small-bomb    a 1 KB billion-laughs file (under every size limit)

and checks each run: exit 1 (the fixtures' findings), a GL001 naming the bomb with the reason,
no GL002, and for every normal file exactly the findings it has when scanned alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEIGHBOURS = {
    "Dockerfile": "fixtures/dockerfile/DKR001/bad/Dockerfile",
    "compose.yaml": "fixtures/compose/CMP001/bad/compose.yaml",
    "k8s/deployment.yaml": "fixtures/kubernetes/K8S001/bad-init-container/deployment.yaml",
    "cfn/template.yaml": "fixtures/cloudformation/CFN001/bad/template.yaml",
}


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    lines = [
        "Resources:",
        '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, levels):
        refs = ",".join([f"*a{level - 1}"] * width)
        lines.append(f"  a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def write_bomb(path: Path, size_mb: float) -> int:
    """Billion laughs, then a list of aliases to the top anchor until the size is reached."""
    head = billion_laughs() + "  more:\n"
    chunk = "  - *a8\n" * 100_000
    target = int(size_mb * 1024 * 1024)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(head)
        written = len(head)
        while written < target:
            stream.write(chunk)
            written += len(chunk)
    return path.stat().st_size


def scan(directory: Path, *extra: str) -> tuple[float, int, dict]:
    command = [sys.executable, "-m", "guardlint", "scan", ".", "-f", "json", "-j", "1", *extra]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=directory, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if "Traceback" in completed.stderr or not completed.stdout:
        raise SystemExit(f"guardlint failed:\n{completed.stderr}")
    return elapsed, completed.returncode, json.loads(completed.stdout)


def outline(report: dict, path: str) -> list[tuple]:
    return sorted(
        (f["rule_id"], f["region"]["start_line"], f["message"])
        for f in report["findings"]
        if f["path"] == path
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="50 MB YAML bomb beside normal files")
    parser.add_argument("--size-mb", type=float, default=50)
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="guardlint-bomb-"))
    try:
        alone: dict[str, list] = {}
        for name, fixture in NEIGHBOURS.items():
            solo = top / "solo" / name
            solo.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / fixture, solo)
            _, _, report = scan(solo.parent)
            alone[name] = outline(report, solo.name)
        tree = top / "tree"
        for name, fixture in NEIGHBOURS.items():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / fixture, tree / name)
        size = write_bomb(tree / "bomb.yaml", args.size_mb)
        cases = [
            ("default", tree, ()),
            ("size-limit-off", tree, ("--max-file-size", str(size + 1))),
        ]
        small = top / "small"
        shutil.copytree(tree, small, ignore=shutil.ignore_patterns("bomb.yaml"))
        (small / "bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
        cases.append(("small-bomb", small, ()))
        print(f"bomb: {size / 1024 / 1024:.1f} MB; neighbours: {', '.join(NEIGHBOURS)}")
        failures = 0
        for label, directory, extra in cases:
            elapsed, code, report = scan(directory, *extra)
            bomb = [f for f in report["findings"] if f["path"] == "bomb.yaml"]
            reasons = [f["properties"].get("reason") for f in bomb if f["rule_id"] == "GL001"]
            crashes = [f for f in report["findings"] if f["rule_id"] == "GL002"]
            complete = all(outline(report, name) == alone[name] for name in NEIGHBOURS)
            ok = code == 1 and len(reasons) == 1 and len(bomb) == 1 and not crashes and complete
            failures += not ok
            print(
                f"{label:15} {elapsed:6.2f} s  exit {code}  bomb: {reasons}  "
                f"neighbours complete: {complete}  {'OK' if ok else 'FAILED'}"
            )
        return 1 if failures else 0
    finally:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
