"""What a start compiles: a module-level pattern is compiled as its module loads, in every
process that starts a scan, whether the scan runs it or not. Checked in a fresh interpreter;
nothing is timed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import write_file
from tests.test_startup import DOCKERFILE, POD

# A scan of the directory given as the first argument, in a fresh interpreter; the probe the
# test adds after it prints what was compiled.
_SCAN = (
    "import sys\n"
    "sys.argv = ['guardlint', 'scan', sys.argv[1], '-f', 'json', '-o', 'out.json']\n"
    "from guardlint.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)


def _last_printed(code: str, directory: str, cwd) -> str:
    done = subprocess.run([sys.executable, "-c", code, directory], cwd=cwd,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.split()[-1]


def test_a_dockerfile_scan_compiles_no_pattern_its_text_never_needs(tmp_path):
    """A substitution's reserved words and backtick escapes, gpg's key IDs, Windows paths:
    patterns (0.05 to 0.15 ms each to compile) that a Dockerfile without them never runs."""
    code = _SCAN + (
        "from guardlint.parse import shell_lex as s\n"
        "from guardlint.knowledge import openpgp as o, windows_commands as w\n"
        "from guardlint.parse.lazy_pattern import LazyPattern\n"
        "patterns = [s._RESERVED, s._BACKTICK_ESCAPE, o._KEY_ID, o._VARIABLE, w._DRIVE,"
        " w._PROVIDER, w._SEPARATORS]\n"
        "print(sum(not isinstance(p, LazyPattern) or '_compiled' in vars(p) for p in patterns))\n"
    )

    def compiled(directory: str) -> str:
        return _last_printed(code, directory, tmp_path)

    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert compiled("svc") == "0"
    key = "52BB7E3DE28A71BE22EC05FFEF80A866B47A981F"
    gpg = f"ARG KEY={key}\nRUN gpg --recv-keys $KEY && echo `case x in y) id;; esac`\n"
    write_file(tmp_path, "gpg/Dockerfile", DOCKERFILE + gpg)
    assert compiled("gpg") != "0"  # the control: a text that needs some


def test_a_dockerfile_scan_compiles_neither_the_path_finder_nor_the_detectors_literals(tmp_path):
    """The last name of a written path (discover.namers) is looked for only where a scan names
    its files, a detector pattern's leading literal only where a text passes the detectors'
    prefilter: neither is compiled by a scan of Dockerfiles that do neither."""
    code = _SCAN + (
        "from guardlint.discover.namers import _LAST_NAME\n"
        "from guardlint.knowledge.detector_values import _LITERAL_START\n"
        "from guardlint.parse.lazy_pattern import LazyPattern\n"
        "patterns = (_LAST_NAME, _LITERAL_START)\n"
        "print(sum(not isinstance(p, LazyPattern) or '_compiled' in vars(p) for p in patterns))\n"
    )
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert _last_printed(code, "svc", tmp_path) == "0"
    write_file(
        tmp_path, "svc/compose.yaml", "services:\n  app:\n    build: {dockerfile: Dockerfile}\n"
    )
    named = code.replace("sys.argv[1], '-f'", "sys.argv[1] + '/Dockerfile', '-f'")
    key = "ENV KEY=AKIAZ3MSJV2WKNX7PLQE\n"
    write_file(tmp_path, "key/Dockerfile", DOCKERFILE + key)
    # the controls: a named file (whose namers are looked for), a text with a key
    assert _last_printed(named, "svc", tmp_path) == "1"
    assert _last_printed(code, "key", tmp_path) == "1"


def test_file_names_in_ascii_are_classified_without_the_case_folding_pattern(tmp_path):
    """Discovery's name rules with IGNORECASE cost every start 1.8 ms to compile, without 0.8:
    an ASCII name is matched lower-cased, any other by the case-folding pattern."""
    code = _SCAN + (
        "from guardlint.discover.names import NAME_RULES\n"
        "print(not hasattr(NAME_RULES, '_source') or '_compiled' in vars(NAME_RULES))\n"
    )

    def compiled(directory: str) -> str:
        return _last_printed(code, directory, tmp_path)

    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "svc/Docker-Compose.YML", "services: {}\n")
    assert compiled("svc") == "False"
    write_file(tmp_path, "ünï/compose.yaml", "services: {}\n")
    assert compiled("ünï") == "False"  # a directory's name is not classified
    write_file(tmp_path, "ünï/Dockerfile.ünï", DOCKERFILE)
    assert compiled("ünï") == "True"  # the control: a file's name that is not ASCII


def test_an_ascii_name_is_classified_as_the_case_folding_pattern_classifies_it():
    import random
    import re
    from pathlib import Path

    from guardlint.discover.names import _NAMES, kind_by_name

    folding = re.compile(_NAMES, re.IGNORECASE)
    root = Path(__file__).resolve().parent.parent
    names = {path.name for top in ("fixtures", "tests") for path in (root / top).rglob("*")}
    names |= {"Dockerfile", "containerfile.prod", "Dockerfile.dockerignore", "x.Dockerfile.J2",
              "docker-compose.override.YML", "AppSpec.JSON", "BuildSpec-ci.yml", "b.Buildspec.yaml",
              "TaskDef-web.json", "svc-TASKDEF.json", "Dockerrun.aws.json", "stack.Template",
              "DOCKERFILE_dev", "dockerfile_lint.py", "a.MD", "v.yml.Tmpl"}  # fmt: skip
    randomly = random.Random(7)
    for name in sorted(names):
        assert kind_by_name(name) == (m.lastgroup if (m := folding.fullmatch(name)) else None)
        mixed = "".join(randomly.choice((c.upper(), c.lower())) for c in name)
        assert kind_by_name(mixed) == (m.lastgroup if (m := folding.fullmatch(mixed)) else None)
    # Not ASCII: the case-folding pattern's, as before (a dotless i, U+0131, is an `i` to it).
    assert kind_by_name("Dockerf\u0131le") == "dockerfile"


def test_a_yaml_or_json_scan_never_compiles_pyyaml_s_pure_python_reader_pattern(tmp_path):
    """PyYAML compiles what its pure-Python reader refuses (NON_PRINTABLE, whose ranges reach
    U+10FFFF) as it loads: 57 million instructions, a tenth of a cold scan of one manifest,
    for a pattern libyaml never runs, nor the JSON reading (guardlint.parse.pyyaml)."""
    code = _SCAN + "import yaml\nprint(type(yaml.reader.Reader.NON_PRINTABLE).__name__,"
    code += " '_compiled' in getattr(yaml.reader.Reader.NON_PRINTABLE, '__dict__', {}))\n"
    write_file(tmp_path, "k8s/pod.yaml", POD)
    write_file(tmp_path, "cfn/template.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    for directory in ("k8s", "cfn"):
        done = subprocess.run([sys.executable, "-c", code, directory], cwd=tmp_path,
                              capture_output=True, text=True, check=True)  # fmt: skip
        assert done.stdout.split()[-2:] == ["LazyPattern", "False"], directory


def test_pyyaml_s_pure_python_reader_still_refuses_what_yaml_does_not_allow():
    from guardlint.parse.pyyaml import yaml

    with pytest.raises(yaml.reader.ReaderError, match="special characters are not allowed"):
        yaml.load("a: \x07\n", Loader=yaml.SafeLoader)
    assert yaml.load("a: \u00e9\n", Loader=yaml.SafeLoader) == {"a": "\u00e9"}


def test_a_value_in_ascii_is_judged_filled_in_later_without_the_case_folding_pattern(tmp_path):
    """Whether a value is a placeholder a pipeline fills in: 4.7 million instructions to compile
    ignoring case, 2.0 without; an ASCII value is matched lower-cased."""
    code = _SCAN + (
        "from guardlint.knowledge import placeholders as p\n"
        "compiled = [not hasattr(q, '_source') or '_compiled' in vars(q)"
        " for q in (p._FILLED_IN_LATER_ASCII, p._FILLED_IN_LATER)]\n"
        "print(*(('-', 'compiled')[c] for c in compiled), sep='/')\n"
    )
    taskdef = (
        '{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "${MODE}",'
        ' "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "a", "image": "b"}]}'
    )
    write_file(tmp_path, "ecs/taskdef.json", taskdef)
    assert _last_printed(code, "ecs", tmp_path) == "compiled/-"


def test_a_yaml_scan_compiles_none_of_the_json_reading_s_patterns(tmp_path):
    """The JSON reading's patterns read only a text that starts as JSON does."""
    code = _SCAN + (
        "from guardlint.parse import json_nodes as j\n"
        "patterns = [j._TOKEN, j._NOT_YAML, j._NOT_JSON_AS_YAML, j._SURROGATE_ESCAPE, j._NEWLINE]\n"
        "print(sum(not hasattr(p, '_source') or '_compiled' in vars(p) for p in patterns))\n"
    )
    write_file(tmp_path, "k8s/pod.yaml", POD)
    assert _last_printed(code, "k8s", tmp_path) == "0"
    write_file(tmp_path, "cfn/template.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    assert _last_printed(code, "cfn", tmp_path) != "0"  # the control: a JSON text


def test_a_dockerfile_scan_builds_equality_only_for_the_classes_it_compares(tmp_path):
    """A dataclass's generated methods are compiled from source as its module loads (0.75 M
    instructions each, a frozen one's hash too): a class no one compares is built without
    them. Rules are compared (a wheel's compiled packs against their YAML), findings and their
    suppressions (a cached finding against the one it was made from) and secrets (the same
    secret found twice, wherever it starts)."""
    code = _SCAN + (
        "built = sorted(f'{name}.{value.__qualname__}'"
        " for name, module in list(sys.modules.items()) if name.startswith('guardlint')"
        " for value in vars(module).values()"
        " if getattr(value, '__module__', None) == name"
        " and getattr(getattr(value, '__dataclass_params__', None), 'eq', False))\n"
        "print(','.join(built))\n"
    )
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    compared = ["knowledge.secret_matches.SecretMatch", "model.findings.Finding",
                "model.findings.Suppression", "model.rules.Rule"]  # fmt: skip
    assert _last_printed(code, "svc", tmp_path).split(",") == [f"guardlint.{c}" for c in compared]


def test_a_scan_of_printable_text_makes_no_escape_table(tmp_path):
    """The 2,100 escapes of what `printable` escapes cost every process almost 1 ms; only a
    text that holds such a character needs them."""
    code = (
        "import atexit, sys\n"
        "from guardlint.parse.text import unprintable_escapes\n"
        "atexit.register(lambda: print(unprintable_escapes.cache_info().currsize,"
        " file=sys.stderr))\n"
        "sys.argv = ['guardlint', 'scan', sys.argv[1], '-f', 'json', '-o', 'out.json']\n"
        "from guardlint.cli import main\n"
        "main()\n"
    )

    def tables_made(directory: str) -> str:
        run = [sys.executable, "-c", code, directory]
        done = subprocess.run(run, cwd=tmp_path, capture_output=True, check=False)
        return done.stderr.decode().split()[-1]

    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert tables_made("svc") == "0"  # its note "wrote json report to out.json" too
    write_file(tmp_path, "s\x1bvc/Dockerfile", DOCKERFILE)  # the control: a path to escape
    assert tables_made("s\x1bvc") != "0"
