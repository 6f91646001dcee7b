"""What a start compiles: the methods `@dataclass` generates and module-level patterns. Each is
compiled in Python as its module loads, in every process that starts a scan, whether the scan
runs it or not. Checked in a fresh interpreter; nothing is timed."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import write_file
from tests.test_startup import DOCKERFILE

# The dataclasses a Dockerfile scan may make. `@dataclass` compiles each class's methods from
# generated text when its module loads (half a millisecond a class, a frozen one twice that):
# the others of the scan's path are guardlint.parse.records.Record classes, whose methods are
# in their modules' bytecode. Those left are asked for their fields or replaced (Rule, Hit,
# SourceFile, Finding), frozen, or made for every instruction and command (cached properties).
DATACLASSES_OF_A_DOCKERFILE_SCAN = {
    *(f"guardlint.model.{name}" for name in ("Rule", "SourceFile", "Document", "Hit")),
    *(f"guardlint.model.{name}" for name in ("Suppression", "Finding")),
    "guardlint.checks.params.Param",
    "guardlint.discover.shards.Shard",
    "guardlint.parse.dockerfile.Instruction",
    "guardlint.parse.shell_words.Command",
    "guardlint.parse.escapes.DecodedLine",
    "guardlint.knowledge.secret_matches.SecretMatch",
}
_DATACLASS_RECORDER = """
import atexit, dataclasses, json, sys
record, sys.argv = sys.argv[1], ["guardlint", *sys.argv[2:]]
made, process = [], dataclasses._process_class
def counted(cls, *args):
    made.append(f"{cls.__module__}.{cls.__qualname__}")
    return process(cls, *args)
dataclasses._process_class = counted
atexit.register(lambda: open(record, "w").write(json.dumps(made)))
from guardlint.cli import main
main()
"""


def test_a_dockerfile_scan_makes_only_the_dataclasses_it_needs(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE + "ENV PASSWORD=hunter2-not-real\n")
    record = tmp_path.parent / f"{tmp_path.name}-dataclasses.json"
    run = [sys.executable, "-c", _DATACLASS_RECORDER, str(record), "scan", "svc", "-f", "json"]
    subprocess.run([*run, "-o", "out.json"], cwd=tmp_path, stdout=subprocess.DEVNULL, check=False)
    made = json.loads(record.read_text())
    assert json.loads((tmp_path / "out.json").read_text())["findings"]  # the scan did run
    assert "guardlint.model.Rule" in made  # the recorder sees them: the positive control
    assert set(made) <= DATACLASSES_OF_A_DOCKERFILE_SCAN, sorted(
        set(made) - DATACLASSES_OF_A_DOCKERFILE_SCAN
    )


def test_a_dockerfile_scan_compiles_no_pattern_its_text_never_needs(tmp_path):
    """A substitution's reserved words and backtick escapes, gpg's key IDs, Windows paths:
    patterns (0.05 to 0.15 ms each to compile) that a Dockerfile without them never runs."""
    code = (
        "import sys\n"
        "sys.argv = ['guardlint', 'scan', sys.argv[1], '-f', 'json', '-o', 'out.json']\n"
        "from guardlint.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "from guardlint.parse import shell_lex as s\n"
        "from guardlint.knowledge import openpgp as o, windows_commands as w\n"
        "from guardlint.parse.lazy_pattern import LazyPattern\n"
        "patterns = [s._RESERVED, s._BACKTICK_ESCAPE, o._KEY_ID, o._VARIABLE, w._DRIVE,"
        " w._PROVIDER, w._SEPARATORS]\n"
        "print(sum(not isinstance(p, LazyPattern) or '_compiled' in vars(p) for p in patterns))\n"
    )

    def compiled(directory: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, directory], cwd=tmp_path,
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout.split()[-1]

    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert compiled("svc") == "0"
    key = "52BB7E3DE28A71BE22EC05FFEF80A866B47A981F"
    gpg = f"ARG KEY={key}\nRUN gpg --recv-keys $KEY && echo `case x in y) id;; esac`\n"
    write_file(tmp_path, "gpg/Dockerfile", DOCKERFILE + gpg)
    assert compiled("gpg") != "0"  # the control: a text that needs some
