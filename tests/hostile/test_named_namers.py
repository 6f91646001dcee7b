"""A file other files name by path, read when they are scanned (a function's code under
`CodeUri`, a Compose `env_file`), and the files that govern the whole scan (its config, its
baseline, its rule packs), each named alone as the pre-commit hook and --changed-only name a
commit's changed files: the files that name it (guardlint.discover.namers), or the whole scan
root (guardlint.cli.governing), are judged with it, as a scan of the whole tree judges them.
Naming one alone found nothing before."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from guardlint.discover import namers
from guardlint.model.documents import SourceFile
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import run_cli
from tests.test_startup import CUSTOM_PACK

TEMPLATE = (
    "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
    "    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: {uri}\n"
)
CODE = (
    "import subprocess\n\n\ndef handler(event, context):\n"
    "    subprocess.call(event['cmd'], shell=True)\n"
)
SECRETS = "LOG_LEVEL=info\nSTRIPE_API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n"
COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    env_file: {path}\n"


def _paths(result, rule_id: str) -> list[str]:
    return sorted({f.path.replace("\\", "/") for f in findings_of(result, rule_id)})


@pytest.mark.parametrize(
    ("template", "uri"),
    [("fn/template.yaml", "src/"), ("fn/template.yaml", "./src"), ("stacks/api.yaml", "../fn/src")],
)
def test_named_function_code_is_judged_by_the_template_naming_it(tmp_path, template, uri):
    write_file(tmp_path, template, TEMPLATE.format(uri=uri))
    write_file(tmp_path, "fn/src/app.py", CODE)
    write_file(tmp_path, "other/template.yaml", TEMPLATE.format(uri="src/"))
    write_file(tmp_path, "other/src/app.py", CODE)
    result = run_scan(tmp_path / "fn" / "src" / "app.py", root=str(tmp_path))
    assert _paths(result, "CFN030") == ["fn/src/app.py"]


def test_a_named_env_file_is_judged_by_the_compose_files_loading_it(tmp_path):
    write_file(tmp_path, "app/config/web.env", SECRETS)
    write_file(tmp_path, "app/compose.yaml", COMPOSE.format(path="config/web.env"))
    write_file(tmp_path, "app/compose.prod.yaml", COMPOSE.format(path="[./config/web.env]"))
    write_file(tmp_path, "other/config/web.env", SECRETS)
    write_file(tmp_path, "other/compose.yaml", COMPOSE.format(path="config/web.env"))
    result = run_scan(tmp_path / "app" / "config" / "web.env", root=str(tmp_path))
    assert _paths(result, "CMP007") == ["app/compose.prod.yaml", "app/compose.yaml"]


@pytest.mark.parametrize(
    "path", ["config/web.env.bak", "old-config/web.env", "config/web.envs", "x/config/web.env"]
)
def test_a_path_written_inside_another_names_nothing(tmp_path, path):
    write_file(tmp_path, "app/config/web.env", SECRETS)
    write_file(tmp_path, "app/compose.yaml", COMPOSE.format(path=path))
    assert run_scan(tmp_path / "app" / "config" / "web.env", root=str(tmp_path)).findings == []


def test_a_file_naming_one_outside_the_root_or_excluded_is_not_judged(tmp_path):
    write_file(tmp_path, "fn/src/app.py", CODE)
    write_file(tmp_path, "fn/template.yaml", TEMPLATE.format(uri="src/"))
    named = tmp_path / "fn" / "src" / "app.py"
    assert _paths(run_scan(named, root=str(tmp_path)), "CFN030") == ["fn/src/app.py"]
    assert run_scan(named, root=str(tmp_path / "fn" / "src")).findings == []
    excluded = run_scan(named, root=str(tmp_path), excludes=["fn/template.yaml"])
    assert excluded.findings == []


def test_a_dot_names_a_directory_for_the_code_in_it_not_for_its_templates(tmp_path):
    """`CodeUri: .` deploys the directory's code; a `.` dividing a `Fn::Join` names nothing."""
    write_file(tmp_path, "fn/template.yaml", TEMPLATE.format(uri="."))
    write_file(tmp_path, "fn/app.py", CODE)
    bucket = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n"
    public = "      AccessControl: PublicReadWrite\n"
    write_file(
        tmp_path, "fn/site.yaml", bucket + public + '      BucketName: !Join [".", [a, b]]\n'
    )
    assert _paths(run_scan(tmp_path / "fn" / "app.py", root=str(tmp_path)), "CFN030") == [
        "fn/app.py"
    ]
    result = run_scan(tmp_path / "fn" / "template.yaml", root=str(tmp_path))
    assert _paths(result, "CFN002") == []


def test_the_files_looked_through_are_bounded(tmp_path, monkeypatch):
    write_file(tmp_path, "fn/src/app.py", CODE)
    write_file(tmp_path, "fn/a.yaml", TEMPLATE.format(uri="src"))
    write_file(tmp_path, "fn/b.yaml", TEMPLATE.format(uri="src"))
    monkeypatch.setattr(namers, "MAX_FILES_READ", 1)
    named = [str(tmp_path / "fn" / "src" / "app.py")]
    found = namers.files_naming(named, str(tmp_path), lambda root: _walk(root))
    assert [os.path.basename(path) for path in found] == ["a.yaml"]


def _walk(root: str):
    for name in ("fn/a.yaml", "fn/b.yaml"):
        yield SourceFile(os.path.join(root, name), name, "structured", root), name


BAD_DOCKERFILE = "FROM python:latest\nRUN curl -fsSL https://example.com/install.sh | sh\n"
GOVERNING = {
    ".guardlint.yaml": ("min_severity: low\n", ()),
    "pyproject.toml": ("[tool.guardlint]\nmin_severity = 'low'\n", ()),
    "packs/acme.yaml": (CUSTOM_PACK, ("--rules", "packs")),
    "accepted.json": (
        '{"version": 1, "tool": "guardlint", "findings": []}\n',
        ("--baseline", "accepted.json"),
    ),
}


def _scanned_rules(tmp_path, *args: str) -> set[str]:
    completed = run_cli("scan", *args, "-f", "json", "--quiet", cwd=tmp_path)
    assert completed.returncode in (0, 1), completed.stderr
    return {finding["rule_id"] for finding in json.loads(completed.stdout)["findings"]}


@pytest.mark.parametrize("name", sorted(GOVERNING))
def test_a_named_config_baseline_or_rule_pack_scans_the_tree_whole(tmp_path, name):
    write_file(tmp_path, "app/Dockerfile", BAD_DOCKERFILE)
    text, options = GOVERNING[name]
    write_file(tmp_path, name, text)
    assert "DKR008" in _scanned_rules(tmp_path, name, *options)


def test_another_tool_s_pyproject_named_alone_scans_itself_only(tmp_path):
    write_file(tmp_path, "app/Dockerfile", BAD_DOCKERFILE)
    write_file(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert _scanned_rules(tmp_path, "pyproject.toml") == set()


def test_changed_only_with_only_the_config_changed_scans_the_tree_whole(tmp_path):
    write_file(tmp_path, "app/Dockerfile", BAD_DOCKERFILE)
    write_file(tmp_path, ".guardlint.yaml", "min_severity: low\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run([*git, *command], cwd=tmp_path, check=True, capture_output=True)
    assert _scanned_rules(tmp_path, "--changed-only") == set()
    write_file(tmp_path, ".guardlint.yaml", "min_severity: info\n")
    assert "DKR008" in _scanned_rules(tmp_path, "--changed-only")
