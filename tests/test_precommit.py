"""The pre-commit hook, installed from this checkout by the real pre-commit into a real repo.

The checkout (tracked and untracked files that git does not ignore, as they are now) is copied
into a clean snapshot repository once per module, and each project's `.pre-commit-config.yaml`
names it at its HEAD commit, as a user's names a release. So every run below shares one hook
environment (one pip install, 20 s) in one PRE_COMMIT_HOME, which pytest-xdist's workers share
too (pre-commit locks its store while it installs); `pre-commit try-repo` would build a new one
in a temporary store for every run.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from guardlint.discover.names import PRE_COMMIT_FILES, kind_by_name
from tests.conftest import ROOT, write_file
from tests.hostile.test_helm_templates import PRIVILEGED_POD

pytestmark = pytest.mark.slow

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
BAD = "FROM python:latest\nRUN curl -fsSL https://example.com/install.sh | sh\n"
# The hook runs guardlint in its own process, on the real day: the good image is a floating
# major tag (python 3 follows its newest release), which no end of life ever reaches.
GOOD = (
    "FROM python:3-slim\nRUN pip install --no-cache-dir flask==3.0.3\nUSER 10001\n"
    'CMD ["python", "-m", "flask", "run"]\n'
)


def run(cwd: Path, *args: str, env: dict[str, str], check: bool = True):
    completed = subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"{args} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """A directory of every test process of this session (pytest-xdist's workers have base
    temporary directories in a common one)."""
    base = tmp_path_factory.getbasetemp()
    directory = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "pre-commit"
    directory.mkdir(exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def env(shared) -> dict[str, str]:
    home = shared / "home"
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "XDG_CACHE_HOME": str(home / "user-cache"),  # the hook's result cache goes there
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "NO_COLOR": "1",
    } | {"GUARDLINT_CACHE_DIR": ""}


@pytest.fixture(scope="module")
def hook_repo(shared, env) -> tuple[Path, str]:
    """A clean git repository holding this checkout as it is now (made by the first process)."""
    snapshot = shared / "guardlint-checkout"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed
        if not snapshot.exists():
            _snapshot(snapshot, env)
    return snapshot, run(snapshot, "git", "rev-parse", "HEAD", env=env).stdout.strip()


def _snapshot(snapshot: Path, env: dict[str, str]) -> None:
    listed = run(ROOT, "git", "ls-files", "-z", "-co", "--exclude-standard", env=env).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    run(snapshot, "git", "init", "-q", env=env)
    run(snapshot, "git", "add", "-A", env=env)
    run(snapshot, "git", "commit", "-q", "-m", "snapshot", env=env)


@pytest.fixture
def project(tmp_path, env) -> Path:
    run(tmp_path, "git", "init", "-q", env=env)
    return tmp_path


def run_hook(project: Path, hook_repo: tuple[Path, str], env: dict[str, str]):
    """`pre-commit run` of the hook on the project's staged files."""
    use_hook(project, hook_repo, env)
    return run(project, *PRE_COMMIT, "run", env=env, check=False)


def use_hook(project: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> None:
    """The project's pre-commit configuration names the hook at the snapshot's commit (staged:
    pre-commit refuses to run with an unstaged configuration)."""
    repo, sha = hook_repo
    config = {"repos": [{"repo": str(repo), "rev": sha, "hooks": [{"id": "guardlint"}]}]}
    write_file(project, ".pre-commit-config.yaml", yaml.safe_dump(config))
    run(project, "git", "add", ".pre-commit-config.yaml", env=env)


def test_hook_definition():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "guardlint" and hook["language"] == "python"
    assert hook["entry"].startswith("guardlint scan")
    assert "--cache" in hook["entry"].split()
    assert hook.get("pass_filenames", True) is True


NAMES = (
    "Dockerfile", "containerfile", "Containerfile.dev", "api.dockerfile", "Dockerfile.prod",
    "template.template", "stack.JSON", "compose.override.yml", "docker-compose.yaml",
    "values.yml", "Dockerfile.md", "Dockerfile.dockerignore", "README.md", "main.tf", "x.txt",
    ".dockerignore", ".containerignore", ".helmignore", "_helpers.tpl", "NOTES.txt", ".env",
    "app.py", "web.env", ".env.local", "pyproject.toml", "app.pyc", "setup.cfg",
)  # fmt: skip
# Files whose change alone changes what a scan finds elsewhere (guardlint.discover.dependents,
# a function's code or an env file another file names: discover.namers; the config that may
# be in pyproject.toml: cli.governing).
DEPENDED_ON = (
    ".dockerignore", ".containerignore", ".helmignore", "Dockerfile.dockerignore", ".env",
    "app.py", "web.env", ".env.local", "pyproject.toml",
)  # fmt: skip


def test_hook_passes_the_names_discovery_scans_and_the_files_they_depend_on():
    """The hook's filter is discovery's name rules: no type tag of pre-commit's (`types_or:
    [dockerfile, yaml, json]` skipped *.template, api.dockerfile and Containerfile.*); and
    build contexts' and charts' ignore files, `.env`, and every file of a `templates/`
    directory (a Helm chart's helpers: a commit changing only `_helpers.tpl` was not
    scanned)."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "types_or" not in hook and hook.get("types", ["file"]) == ["file"]
    assert hook["files"] == PRE_COMMIT_FILES
    corpus = ROOT.parent / "shared" / "corpus"
    names = {*NAMES, *(path.name for path in corpus.rglob("*") if path.is_file())}
    hook_filter = re.compile(hook["files"])  # pre-commit's own use: re.search on the path
    for name in names:
        passed = kind_by_name(name) is not None or name in DEPENDED_ON
        for path in (name, f"deploy/app.d/{name}"):
            assert bool(hook_filter.search(path)) == passed, path
        assert hook_filter.search(f"charts/web/templates/{name}"), name


def test_the_hook_fails_on_a_bad_dockerfile_and_passes_a_good_one(project, hook_repo, env):
    write_file(project, "app/Dockerfile", BAD)
    run(project, "git", "add", "app/Dockerfile", env=env)
    failed = run_hook(project, hook_repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "guardlint" in failed.stdout and "Failed" in failed.stdout
    assert "DKR008" in failed.stdout and "app/Dockerfile" in failed.stdout

    write_file(project, "app/Dockerfile", GOOD)
    run(project, "git", "add", "app/Dockerfile", env=env)
    passed = run_hook(project, hook_repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    # The hook keeps a result cache in the user's cache directory, outside the repository.
    assert list((Path(env["XDG_CACHE_HOME"]) / "guardlint").rglob("*.json"))
    assert not [p for p in project.rglob("*.json") if ".git" not in p.parts]


def test_the_hook_passes_template_and_dockerfile_names_guardlint_scans(project, hook_repo, env):
    bucket = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n"
    write_file(project, "template.template", bucket + "      AccessControl: PublicReadWrite\n")
    write_file(project, "api.dockerfile", BAD)
    write_file(project, "Containerfile.dev", BAD)
    run(project, "git", "add", "-A", env=env)
    failed = run_hook(project, hook_repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    for name in ("template.template", "api.dockerfile", "Containerfile.dev"):
        assert name in failed.stdout
    assert "CFN002" in failed.stdout and "DKR008" in failed.stdout


def test_installed_hook_blocks_the_commit(project, hook_repo, env):
    use_hook(project, hook_repo, env)
    run(project, *PRE_COMMIT, "install", env=env)
    write_file(project, "Dockerfile", BAD)
    run(project, "git", "add", "-A", env=env)
    refused = run(project, "git", "commit", "-m", "bad", env=env, check=False)
    assert refused.returncode != 0
    assert "DKR008" in refused.stdout + refused.stderr
    write_file(project, "Dockerfile", GOOD)
    run(project, "git", "add", "-A", env=env)
    run(project, "git", "commit", "-q", "-m", "good", env=env)
    assert run(project, "git", "log", "--oneline", env=env).stdout.count("\n") == 1


def test_a_commit_of_a_chart_s_helpers_or_helmignore_alone_is_scanned(project, hook_repo, env):
    """Helm refuses the chart for its `_helpers.tpl` (an undefined function): a GL001 there,
    which fails no scan (shown with --verbose); then a `.helmignore` that no longer leaves out
    a privileged pod fails the hook with the pod's finding."""
    write_file(project, "chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write_file(project, "chart/.helmignore", "pod.yaml\n")
    write_file(project, "chart/templates/pod.yaml", PRIVILEGED_POD)
    run(project, "git", "add", "-A", env=env)
    use_hook(project, hook_repo, env)
    run(project, "git", "commit", "-q", "-m", "chart", env=env)
    helpers = '{{- define "web.labels" -}}\napp: {{ .Values.app | nosuch }}\n{{- end }}\n'
    write_file(project, "chart/templates/_helpers.tpl", helpers)
    run(project, "git", "add", "chart/templates/_helpers.tpl", env=env)
    shown = run(project, *PRE_COMMIT, "run", "--verbose", env=env, check=False)
    assert "GL001" in shown.stdout and "chart/templates/_helpers.tpl" in shown.stdout, shown.stdout
    run(project, "git", "rm", "-q", "--cached", "chart/templates/_helpers.tpl", env=env)
    (project / "chart/templates/_helpers.tpl").unlink()
    write_file(project, "chart/.helmignore", "# none left out\n")
    run(project, "git", "add", "chart/.helmignore", env=env)
    failed = run(project, *PRE_COMMIT, "run", env=env, check=False)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "K8S001" in failed.stdout and "chart/templates/pod.yaml" in failed.stdout


def test_a_commit_of_a_function_s_code_or_the_config_alone_is_scanned(project, hook_repo, env):
    """A commit changing only the code a template's `CodeUri` names fails the hook with the
    finding the template's scan makes of it; one changing only the config that enables a rule
    fails it with that rule's findings anywhere in the tree."""
    function = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: app.handler\n      CodeUri: src/\n"
    )
    write_file(project, "fn/template.yaml", function)
    write_file(project, "fn/src/app.py", "def handler(event, context):\n    return 1\n")
    write_file(project, "app/Dockerfile", BAD)
    write_file(project, ".guardlint.yaml", "disable: [DKR008]\n")
    run(project, "git", "add", "-A", env=env)
    use_hook(project, hook_repo, env)
    run(project, "git", "commit", "-q", "--no-verify", "-m", "tree", env=env)
    shell = "import subprocess\n\n\ndef handler(event, context):\n"
    write_file(project, "fn/src/app.py", shell + "    subprocess.call(event['cmd'], shell=True)\n")
    run(project, "git", "add", "fn/src/app.py", env=env)
    failed = run(project, *PRE_COMMIT, "run", "--verbose", env=env, check=False)
    assert "CFN030" in failed.stdout and "fn/src/app.py" in failed.stdout, failed.stdout
    run(project, "git", "commit", "-q", "--no-verify", "-m", "code", env=env)
    write_file(project, ".guardlint.yaml", "fail_on: low\n")
    run(project, "git", "add", ".guardlint.yaml", env=env)
    failed = run(project, *PRE_COMMIT, "run", env=env, check=False)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "DKR008" in failed.stdout and "app/Dockerfile" in failed.stdout
