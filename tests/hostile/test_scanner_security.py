"""The scanner's own security: it never executes or evaluates what it scans, never reads
outside the scan root through include-style references, writes nothing but its report, and
never prints a secret it found."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

import guardlint
from guardlint.cli import cli
from guardlint.report import REPORTERS
from tests.conftest import report_text, run_scan, write_file

PACKAGE = Path(guardlint.__file__).resolve().parent

# -- no dangerous calls in the package source ------------------------------------------------

_FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
_FORBIDDEN_ATTRIBUTES = {
    ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "unsafe_load_all"),
    ("yaml", "Loader"), ("yaml", "UnsafeLoader"), ("yaml", "FullLoader"), ("yaml", "CLoader"),
    ("pickle", "loads"), ("pickle", "load"), ("marshal", "loads"), ("os", "system"),
    ("os", "popen"), ("os", "execv"), ("os", "execvp"), ("os", "spawnv"),
}  # fmt: skip
_FORBIDDEN_IMPORTS = {"pickle", "marshal", "shelve", "ctypes", "runpy", "code"}
# Only the git helper behind --changed-only starts a process (git itself, no shell).
_SUBPROCESS_ALLOWED = {"gitdiff.py"}


def _safe_loader(call: ast.Call, module: ast.Module) -> bool:
    """yaml.load(text, Loader=L) where L is a SafeLoader, named directly or through a name
    every assignment of which is one (`try: _L = yaml.CSafeLoader except: _L = ...`)."""
    loaders = [k.value for k in call.keywords if k.arg == "Loader"] + call.args[1:2]
    if len(loaders) != 1:
        return False
    name = ast.unparse(loaders[0])
    values = [
        ast.unparse(node.value)
        for node in ast.walk(module)
        if isinstance(node, ast.Assign) and name in [ast.unparse(t) for t in node.targets]
    ] or [name]
    return all("SafeLoader" in value and "Unsafe" not in value for value in values)


def _is_name_attribute(node: ast.AST, names: set[tuple[str, str]]) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id, node.attr) in names
    )


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FORBIDDEN_CALLS
        ):
            found.append(f"{where} calls {node.func.id}()")
        if (
            isinstance(node, ast.Call)
            and _is_name_attribute(node.func, {("yaml", "load"), ("yaml", "load_all")})
            and not _safe_loader(node, tree)
        ):
            found.append(f"{where} calls yaml.load without a SafeLoader")
        if _is_name_attribute(node, _FORBIDDEN_ATTRIBUTES):
            found.append(f"{where} uses {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.keyword)
            and node.arg == "shell"
            and not (isinstance(node.value, ast.Constant) and node.value.value is False)
        ):
            found.append(f"{where} passes shell=")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names.append(getattr(node, "module", None) or "")
            for name in names:
                top = name.split(".")[0]
                if top in _FORBIDDEN_IMPORTS:
                    found.append(f"{where} imports {name}")
                if top == "subprocess" and path.name not in _SUBPROCESS_ALLOWED:
                    found.append(f"{where} imports subprocess")
    return found


def test_package_never_evaluates_or_shells_out():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 20
    violations = [v for path in sources for v in _violations(path)]
    assert violations == []


def test_the_source_check_can_fail(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import yaml, subprocess\nL = yaml.FullLoader\nyaml.load(x, Loader=L)\n"
        "eval('1')\nsubprocess.run('ls', shell=True)\nyaml.load(y, Loader=yaml.SafeLoader)\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert sorted(_violations(bad)) == [
        "bad.py:1 imports subprocess",
        "bad.py:2 uses yaml.FullLoader",
        "bad.py:3 calls yaml.load without a SafeLoader",
        "bad.py:4 calls eval()",
        "bad.py:5 passes shell=",
    ]


# -- what a scan does to the system, as Python's audit hooks see it ---------------------------

_EVENTS: list[tuple[str, tuple]] | None = None
_WATCHED = (
    "open", "os.listdir", "os.scandir", "os.rename", "os.remove", "os.mkdir", "os.chmod",
    "exec", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
    "os.fork", "socket.connect", "urllib.Request",
)  # fmt: skip


def _audit(event: str, args: tuple) -> None:
    if _EVENTS is not None and event in _WATCHED:
        _EVENTS.append((event, args))


sys.addaudithook(_audit)  # hooks cannot be removed: it records only inside `recording()`


class recording:
    def __enter__(self) -> list[tuple[str, tuple]]:
        global _EVENTS
        _EVENTS = []
        return _EVENTS

    def __exit__(self, *exc_info) -> None:
        global _EVENTS
        _EVENTS = None


MARKER = "guardlint_must_never_run_this"


def _hostile_repository(top: Path) -> tuple[Path, Path]:
    """A repository whose files point outside it in every way IaC files can, plus code that
    would leave a trace if anything ran it."""
    repo, outside = top / "repo", top / "outside"
    write_file(outside, "included.yaml", "Resources: {}\n")
    write_file(outside, "base.yml", "services: {}\n")
    write_file(outside, ".env", "PASSWORD=outside\n")
    write_file(outside, "handler.py", f"import os\nos.system('touch {top / MARKER}')\n")
    trace = top / MARKER
    code = f"import os\nos.system('touch {trace}')\nopen('{trace}', 'w')\n"
    write_file(repo, "src/handler.py", code)
    write_file(
        repo,
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Inside:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: handler.main, CodeUri: src}\n"
        "  Outside:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: handler.main, CodeUri: ../outside}\n"
        "  Absolute:\n    Type: AWS::Serverless::Function\n"
        f"    Properties: {{Runtime: python3.12, Handler: h.main, CodeUri: {outside}}}\n"
        "  Inline:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: index.main\n"
        "      Role: arn:aws:iam::123456789012:role/x\n"
        f"      Code: {{ZipFile: \"import os\\nos.system('touch {trace}')\\n\"}}\n"
        "  Included:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: ../outside/included.yaml}\n"
        "Fn::Transform:\n  Name: AWS::Include\n"
        "  Parameters: {Location: ../outside/included.yaml}\n",
    )
    write_file(
        repo,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n"
        "    extends: {file: ../outside/base.yml, service: web}\n"
        "    env_file: ../outside/.env\n    build: {context: ../outside}\n",
    )
    write_file(
        repo,
        "Dockerfile",
        f"FROM alpine:3.20\nCOPY ../outside/handler.py /app/\nRUN touch {trace}\n",
    )
    write_file(
        repo,
        "tags.yaml",
        f"Resources:\n  A: !!python/object/apply:os.system ['touch {trace}']\n"
        f"  B: !!python/name:os.system\n  C: !Sub '${{AWS::Region}}{MARKER}'\n",
    )
    (repo / "escape.yaml").symlink_to(outside / "included.yaml")
    write_file(outside, "pyvenv.cfg", "home = /usr/bin\n")
    (repo / "env").mkdir()
    (repo / "env" / "pyvenv.cfg").symlink_to(outside / "pyvenv.cfg")  # is env/ a virtualenv?
    (repo / "src" / "escape.py").symlink_to(outside / "handler.py")
    return repo, outside


def _code_mentions(code, marker: str) -> bool:
    for const in code.co_consts:
        if isinstance(const, str) and marker in const:
            return True
        if hasattr(const, "co_consts") and _code_mentions(const, marker):
            return True
    return marker in code.co_filename


def _is_write(event: str, args: tuple) -> bool:
    path = os.fsdecode(args[0]) if args and isinstance(args[0], (str, bytes)) else ""
    if f"{os.sep}__pycache__{os.sep}" in path:
        return False  # the interpreter caching bytecode of a module imported lazily
    if event != "open":
        return event in ("os.rename", "os.remove", "os.mkdir", "os.chmod")
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))


def _paths(events, names) -> list[str]:
    return [
        os.fsdecode(args[0])
        for event, args in events
        if event in names and args and isinstance(args[0], (str, bytes)) and not _locates(args)
    ]


def _locates(args: tuple) -> bool:
    """An O_PATH descriptor (discovery learns from one where a link leads) can read nothing:
    like stat, it does not open the file."""
    o_path = getattr(os, "O_PATH", 0)
    return len(args) > 2 and isinstance(args[2], int) and bool(o_path and args[2] & o_path)


def test_scan_never_runs_scanned_code_reads_outside_or_writes(tmp_path):
    repo, outside = _hostile_repository(tmp_path)
    with recording() as events:
        result = run_scan(repo, jobs=1, root=str(repo))
    assert result.files["scanned"] == 3  # template, compose, Dockerfile
    assert not [f for f in result.findings if f.rule_id == "GL002"]
    assert not (tmp_path / MARKER).exists()
    # Nothing outside the scan root was opened or listed, whatever the files asked for.
    touched = _paths(events, ("open", "os.listdir", "os.scandir"))
    assert [p for p in touched if os.path.realpath(p).startswith(str(outside))] == []
    assert any(p.startswith(str(repo)) for p in touched)  # the hook does see the scan
    # No process, no network, no code object built from scanned text, no write at all.
    assert [e for e, _ in events if e not in ("open", "os.listdir", "os.scandir", "exec")] == []
    assert [a for e, a in events if e == "exec" and _code_mentions(a[0], MARKER)] == []
    assert [(e, a) for e, a in events if _is_write(e, a)] == []


def test_cli_writes_nothing_but_the_report(tmp_path, monkeypatch):
    repo, _ = _hostile_repository(tmp_path)
    out = tmp_path / "reports" / "scan.sarif"
    monkeypatch.chdir(repo)
    with recording() as events:
        outcome = CliRunner().invoke(cli, ["scan", ".", "-o", str(out), "-j", "1", "-q"])
    assert outcome.exit_code in (0, 1), outcome.output
    written = {
        os.fsdecode(a[0]) for e, a in events if _is_write(e, a) and isinstance(a[0], (str, bytes))
    }
    # The report's directory, its temporary file and the report: nothing else.
    assert written
    assert all(p == str(out.parent) or os.path.dirname(p) == str(out.parent) for p in written)
    assert out.exists() and sorted(p.name for p in out.parent.iterdir()) == ["scan.sarif"]
    assert not (tmp_path / MARKER).exists()


# -- redaction in every output format --------------------------------------------------------

PLANTED = {
    # value: (file, line) where a secret rule must report it
    "ghp_R8mZq2LxW7vN3pKt9YbC4dFh6JsA1eUo5iGg": ("Dockerfile", 3),
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xk2pQvR": ("Dockerfile", 2),
    "Vx9qLm2Rt7Pz4Kw8": ("compose.yaml", 5),
    "Lr8vT3qM9xK2pW7z": ("template.yaml", 8),
    "xoxb-123456789012-1234567890123-Hq7ZtR2kWm9XpL4vNb8cYs3J": ("template.yaml", 18),
}
SECRET_FILES = {
    "Dockerfile": "FROM python:3.12-slim\n"
    "ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xk2pQvR\n"
    "ARG GITHUB_TOKEN=ghp_R8mZq2LxW7vN3pKt9YbC4dFh6JsA1eUo5iGg\n"
    "RUN curl -H 'Authorization: token ghp_R8mZq2LxW7vN3pKt9YbC4dFh6JsA1eUo5iGg' "
    "https://get.example.com/install.sh | sh\n"
    "USER app\n",
    "compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
    "      POSTGRES_PASSWORD: Vx9qLm2Rt7Pz4Kw8\n"
    '    command: ["postgres", "-c", "password=Vx9qLm2Rt7Pz4Kw8"]\n    privileged: true\n',
    "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Db:\n"
    "    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n"
    "      MasterUsername: admin\n      MasterUserPassword: Lr8vT3qM9xK2pW7z\n"
    "      PubliclyAccessible: true\n  Fn:\n    Type: AWS::Lambda::Function\n"
    "    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n"
    "      Role: arn:aws:iam::123456789012:role/x\n      Code:\n        ZipFile: |\n"
    '          TOKEN = "xoxb-123456789012-1234567890123-Hq7ZtR2kWm9XpL4vNb8cYs3J"\n'
    "          import os\n          def handler(e, c):\n"
    "              os.system(\"curl -H 'Authorization: Bearer Lr8vT3qM9xK2pW7z' x\")\n"
    '          password = "Tr0ub4dor&3horse"\n',  # only bandit (CFN030) reports this one
}
NEVER_SHOWN = [*PLANTED, "Tr0ub4dor&3horse"]


@pytest.fixture(scope="module")
def secret_scan(tmp_path_factory):
    top = tmp_path_factory.mktemp("secrets")
    for name, text in SECRET_FILES.items():
        write_file(top, name, text)
    return run_scan(top, jobs=1)


def test_every_planted_secret_is_found(secret_scan):
    found = {
        (f.path, f.region.start_line)
        for f in secret_scan.findings
        if f.category.endswith("/HardcodedSecret")
    }
    assert {where for where in PLANTED.values()} <= found


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_output_format_contains_a_secret_value(secret_scan, output_format):
    rendered = report_text(output_format, secret_scan, all_rules=True)
    assert rendered.strip()
    assert [value for value in NEVER_SHOWN if value in rendered] == []
    # ... while saying where each one is.
    assert "Dockerfile" in rendered and "template.yaml" in rendered


# -- what a file can do to the terminal or the tools that read the report ---------------------

RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\r", "\x00", "\u202e", "\u2066", "\x9b")


def test_control_characters_from_files_are_shown_escaped_in_every_format(tmp_path):
    # Escapes in a double-quoted YAML name, raw bytes in a Dockerfile line, a bidi override.
    write_file(
        tmp_path,
        "pod.yaml",
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\\e[2J\\a\\b\\r\\x9b"\n'
        "  namespace: ops\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: x}]\n",
    )
    write_file(tmp_path, "Dockerfile", "FROM alpine:3.20\nUSER root\x1b[8m\u202e\x07\n")
    result = run_scan(tmp_path, jobs=1)
    assert any("x\\x1b[2J\\x07\\x08\\x0d\\x9b" in f.resource for f in result.findings)
    for name in REPORTERS:
        rendered = report_text(name, result, all_rules=True)
        assert [c for c in RAW_CONTROLS if c in rendered] == [], name
        if name == "junit":
            ElementTree.fromstring(rendered)  # well-formed XML


def test_first_scan_in_a_new_environment_writes_nothing_to_home(tmp_path):
    """A dependency's first-use cache (stevedore's entry points under ~/.cache, which bandit
    loads its plugins through) is a write outside the reports: a fresh HOME stays empty after
    a scan that runs every pack, bandit and AWS's SAM translator included."""
    home = tmp_path / "home"
    home.mkdir()
    report = tmp_path / "report.json"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "PYTHONPYCACHEPREFIX"))
    }
    environment["HOME"] = str(home)
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    targets = [
        fixtures / "cloudformation" / "CFN030",
        fixtures / "cloudformation" / "CFN028" / "good-sam-source-template",
        fixtures / "dockerfile",
        fixtures / "iam",
        fixtures / "kubernetes" / "K8S001",
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "guardlint", "scan", *map(str, targets), "-j", "1", "-q",
         "-f", "json", "-o", str(report)],
        env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert "CFN030" in report.read_text()  # bandit did run
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == []
