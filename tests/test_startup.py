"""Fast start: a scan imports only what its files and its output format need.

pre-commit runs guardlint on a file or two per commit, so the heavy libraries (bandit,
policy_sentry, detect-secrets, sarif-om) and the other packs must stay unimported. These are
import-level assertions, checked in a fresh interpreter; they never time anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from guardlint.checks.match import validate_match
from guardlint.checks.match_paths import shortcut_find
from guardlint.checks.registry import check_module
from guardlint.rulebook import load_rulebook
from tests.conftest import write_file

DOCKERFILE_PARSER = {
    "guardlint.documents.dockerfile",
    "guardlint.documents.dockerfile_model",
    "guardlint.documents.dockerfile_scope",
    "guardlint.parse.shell",
    "guardlint.parse.shell_tokenizer",
}
HEAVY = ("bandit", "policy_sentry", "detect_secrets", "sarif_om", "attr")
# Dockerfile text matching no secret detector's prefilter and no secret-looking name.
DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nUSER app\n"
POD = """apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
    - name: app
      image: nginx:1.27
"""
CUSTOM_PACK = """pack: acme
kinds: [compose]
rules:
  - id: ACME001
    name: host-namespace
    title: Host namespace
    severity: high
    category: Policy:Container/HostNamespace
    description: A service that shares the host's PID or IPC namespace with its container.
    remediation: Remove the pid and ipc settings.
    match: {select: "$.services.*", where: {path: "['pid','ipc']", equals: host}}
"""
POLICY = """{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
"""
TEMPLATE = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
"""
_RECORDER = """
import atexit, json, sys
record, sys.argv = sys.argv[1], ["guardlint", *sys.argv[2:]]
atexit.register(lambda: open(record, "w").write(json.dumps(sorted(sys.modules))))
from guardlint.cli import main
main()
"""


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """Modules loaded by `guardlint ARGS` in a fresh interpreter."""
    # Outside the scan root (the working directory): a file written there is a change to the
    # tree, which the result cache heeds (a pod's service-account lookup lists the root).
    record = tmp_path.parent / f"{tmp_path.name}-modules.json"
    subprocess.run(
        [sys.executable, "-c", _RECORDER, str(record), *args],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return set(json.loads(record.read_text()))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def packs_for(kind: str) -> set[str]:
    """The check modules of the rules that inspect documents of this kind (or every file)."""
    return {
        check_module(rule)
        for rule in load_rulebook().rules
        if rule.check and (kind in rule.kinds or "file" in rule.kinds)
    }


def _paths(predicate: dict) -> list[str]:
    nested = [*predicate.get("all", []), *predicate.get("any", [])]
    nested += [predicate["not"]] if "not" in predicate else []
    own = [predicate["path"]] if "path" in predicate else []
    return own + [path for item in nested for path in _paths(item)]


def needs_jsonpath(kind: str) -> bool:
    """Whether a declarative rule of this kind has a path that jsonpath-ng must evaluate (the
    forms the match language walks itself do not need it)."""
    paths = [
        path
        for rule in load_rulebook().rules
        if rule.match and kind in rule.kinds
        for path in [
            rule.match.get("select"),
            rule.match.get("locate"),
            *_paths(rule.match["where"]),
        ]
        if path
    ]
    return any(shortcut_find(path, {}) is None for path in paths)


def all_pack_modules() -> set[str]:
    return {check_module(rule) for rule in load_rulebook().rules if rule.check}


def cloudformation_or_iam(modules: set[str]) -> set[str]:
    """guardlint's CloudFormation and IAM modules among `modules`: documents, knowledge and
    checks alike (guardlint.documents.cloudformation.template, guardlint.knowledge.iam_actions)."""
    words = ("cloudformation", "iam", "iam_actions")
    return {m for m in modules if m.startswith("guardlint.") and set(m.split(".")) & set(words)}


def ecs(modules: set[str]) -> set[str]:
    """The ECS pack's document and check modules among `modules`."""
    return {m for m in modules if m.startswith(("guardlint.documents.ecs", "guardlint.checks.ecs"))}


def test_dockerfile_scan_with_text_output_loads_only_the_dockerfile_pack(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    modules = imported_by(tmp_path, "scan", "svc/Dockerfile")
    assert not ecs(modules), sorted(ecs(modules))
    assert "guardlint.report.text" in modules  # the recorder sees the scan's own imports
    assert not top_level(modules) & set(HEAVY)
    other_formats = {f"guardlint.report.{name}" for name in ("sarif", "html", "asff", "junit")}
    assert not modules & other_formats, sorted(modules & other_formats)
    other_packs = all_pack_modules() - packs_for("dockerfile")
    assert not modules & other_packs, sorted(modules & other_packs)
    assert not cloudformation_or_iam(modules), sorted(cloudformation_or_iam(modules))
    # Classification reads no Dockerfile: its Compose modules stay unloaded.
    compose = {m for m in modules if m.startswith("guardlint.") and ("compose" in m or "env" in m)}
    assert not compose, sorted(compose)
    assert ("jsonpath_ng" in modules) == needs_jsonpath("dockerfile")


def test_a_dockerfile_scan_writing_a_report_file_loads_no_pathlib_tempfile_or_asff_data(tmp_path):
    # Each costs every start milliseconds: pathlib 3, tempfile (with shutil, random) 6.
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    modules = imported_by(tmp_path, "scan", "svc/Dockerfile", "-f", "json", "-o", "out.json")
    assert (tmp_path / "out.json").is_file()  # the report was replaced in place
    unneeded = {"pathlib", "tempfile", "shutil", "guardlint.report.asff_aws"}
    assert not modules & unneeded, sorted(modules & unneeded)


def test_a_dockerfile_scan_loads_no_helm_template_set_or_renderer(tmp_path):
    """Only a chart's files are read as Helm renders them: the template-set and renderer
    modules (about 10 M instructions to import) stay unloaded for Dockerfiles."""
    helm = {"guardlint.parse.helm_template_set", "guardlint.parse.helm_templates"}
    write_file(tmp_path, "chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n")
    write_file(tmp_path, "chart/templates/pod.yaml", POD)
    assert helm <= imported_by(tmp_path, "scan", "chart")  # the positive control
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert not imported_by(tmp_path, "scan", "svc") & helm


def test_a_scan_with_a_valid_config_imports_no_difflib(tmp_path):
    """difflib (with heapq, 2 M instructions) suggests a key for a config's mistake. click
    imports it too, to suggest an option whenever it reads a short one (`-q`)."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    write_file(tmp_path, ".guardlint.yaml", "exclude: [docs/]\n")
    assert "difflib" not in imported_by(tmp_path, "scan", "svc/Dockerfile", "--quiet")
    write_file(tmp_path, ".guardlint.yaml", "exlude: [docs/]\n")  # the positive control
    assert "difflib" in imported_by(tmp_path, "scan", "svc/Dockerfile", "--quiet")


def test_a_scan_without_a_cache_loads_no_openssl(tmp_path):
    """hashlib loads OpenSSL's libcrypto for every algorithm (2 to 3 ms a process): a scan's
    fingerprints and the compiled packs' digests use CPython's own (guardlint.parse.digests);
    only the result cache, which digests whole files, imports hashlib (and detect-secrets,
    where a text holds a secret's candidate)."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    args = ("scan", "svc/Dockerfile", "-f", "json", "-o", "out.json")
    modules = imported_by(tmp_path, *args)
    assert json.loads((tmp_path / "out.json").read_text())["findings"]  # fingerprints made
    assert not modules & {"hashlib", "_hashlib"}, sorted(modules & {"hashlib", "_hashlib"})
    assert "_hashlib" in imported_by(tmp_path, *args, "--cache-dir", "cache")  # the control


def test_an_html_report_loads_no_openssl(tmp_path):
    """The page's script and style sheet hashes (its Content-Security-Policy) are short
    digests too."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    modules = imported_by(tmp_path, "scan", "svc/Dockerfile", "-f", "html", "-o", "out.html")
    assert "guardlint.report.html" in modules and (tmp_path / "out.html").stat().st_size
    assert not modules & {"hashlib", "_hashlib"}, sorted(modules & {"hashlib", "_hashlib"})


def test_a_scan_without_a_baseline_imports_no_baseline_code(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert "guardlint.suppress.baseline" not in imported_by(tmp_path, "scan", "svc/Dockerfile")
    write_file(tmp_path, "baseline.json", '{"version": 1, "findings": []}')  # the control
    with_baseline = imported_by(tmp_path, "scan", "svc/Dockerfile", "--baseline", "baseline.json")
    assert "guardlint.suppress.baseline" in with_baseline


def test_a_scan_without_shard_imports_no_shard_code(tmp_path):
    """Shard is a frozen dataclass (six methods compiled from source: 1 ms of every start)."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    assert "guardlint.discover.shards" not in imported_by(tmp_path, "scan", "svc/Dockerfile")
    with_shard = imported_by(tmp_path, "scan", "svc/Dockerfile", "--shard", "1/2")
    assert "guardlint.discover.shards" in with_shard  # the control


def test_a_dockerfile_scan_builds_no_signal_enums_and_loads_no_codebuild_recognition(tmp_path):
    """signal.py builds three enums as it loads (4 M instructions, 1% of a Dockerfile scan): the
    command's handlers and the file time budget's alarm go through its C module. A Dockerfile is
    known by its name: CodeBuild's recognition (with YAML scalars and base64) is for YAML."""
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    modules = imported_by(tmp_path, "scan", "svc/Dockerfile", "-f", "json", "-o", "out.json")
    assert json.loads((tmp_path / "out.json").read_text())["findings"]
    unneeded = {"signal", "guardlint.documents.codebuild.recognition", "guardlint.parse.scalars"}
    assert not modules & unneeded, sorted(modules & unneeded)
    write_file(tmp_path, "ci/buildspec.yml", "version: 0.2\nphases: {build: {commands: [make]}}\n")
    with_buildspec = imported_by(tmp_path, "scan", "ci/buildspec.yml")  # the control
    assert "guardlint.documents.codebuild.recognition" in with_buildspec


def test_a_scan_imports_no_other_command(tmp_path):
    write_file(tmp_path, "svc/Dockerfile", DOCKERFILE)
    modules = imported_by(tmp_path, "scan", "svc/Dockerfile")
    assert "guardlint.cli.scan" in modules
    others = {f"guardlint.cli.{name}" for name in ("merge", "rules", "init", "baseline")}
    assert not modules & others, sorted(modules & others)


def test_every_command_is_listed_and_runs(tmp_path):
    from click.testing import CliRunner

    from guardlint.cli import COMMANDS, cli

    listed = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in listed for name in COMMANDS), listed
    assert CliRunner().invoke(cli, ["version"]).exit_code == 0
    assert CliRunner().invoke(cli, ["explain", "DKR001"]).exit_code == 0
    unknown = CliRunner().invoke(cli, ["scna"])
    assert unknown.exit_code == 2 and "No such command 'scna'" in unknown.output


def test_kubernetes_scan_loads_no_dockerfile_iam_or_lambda_code_libraries(tmp_path):
    write_file(tmp_path, "k8s/pod.yaml", POD)
    modules = imported_by(tmp_path, "scan", "k8s/pod.yaml")
    assert not ecs(modules), sorted(ecs(modules))
    assert not top_level(modules) & {*HEAVY, "dockerfile_parse"}
    assert not modules & DOCKERFILE_PARSER, sorted(modules & DOCKERFILE_PARSER)
    other_packs = all_pack_modules() - packs_for("kubernetes")
    assert not modules & other_packs, sorted(modules & other_packs)
    assert not cloudformation_or_iam(modules), sorted(cloudformation_or_iam(modules))
    assert ("jsonpath_ng" in modules) == needs_jsonpath("kubernetes")


def test_jsonpath_ng_is_imported_only_for_paths_the_match_language_does_not_walk(tmp_path):
    write_file(tmp_path, "policy.json", POLICY)
    modules = imported_by(tmp_path, "scan", "policy.json")
    assert "guardlint.report.text" in modules
    assert ("jsonpath_ng" in modules) == needs_jsonpath("iam-policy")
    write_file(tmp_path, "compose.yaml", "services:\n  a:\n    image: nginx:1.27\n")
    assert ("jsonpath_ng" in imported_by(tmp_path, "scan", "compose.yaml")) == needs_jsonpath(
        "compose"
    )
    # A custom rule's `['pid','ipc']` is one such path: the positive control.
    write_file(tmp_path, "policies/acme.yaml", CUSTOM_PACK)
    assert "jsonpath_ng" in imported_by(tmp_path, "scan", "--rules", "policies", "compose.yaml")


def test_every_builtin_jsonpath_and_pattern_compiles():
    """Loading the built-in packs leaves JSONPaths and patterns uncompiled (startup time); check
    them here (patterns on RE2)."""
    for rule in load_rulebook().rules:
        if rule.match is not None:
            validate_match(rule.match, compile_expressions=True)


def test_a_task_definition_loads_the_ecs_pack_but_no_cloudformation_module(tmp_path):
    """The positive control of ecs(); a standalone task definition needs no template
    evaluator."""
    task = '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}'
    write_file(tmp_path, "taskdef.json", task)
    modules = imported_by(tmp_path, "scan", "taskdef.json")
    assert {"guardlint.documents.ecs.model", "guardlint.checks.ecs.isolation"} <= modules
    assert not cloudformation_or_iam(modules), sorted(cloudformation_or_iam(modules))


def test_cloudformation_and_iam_modules_load_for_a_template(tmp_path):
    """The positive control of cloudformation_or_iam: a template loads both."""
    write_file(tmp_path, "template.yaml", TEMPLATE)
    found = cloudformation_or_iam(imported_by(tmp_path, "scan", "template.yaml"))
    assert {
        "guardlint.documents.cloudformation.template",
        "guardlint.knowledge.iam_actions",
    } <= found


def test_heavy_modules_load_when_they_are_needed(tmp_path):
    """The positive control: the recorder does see sarif-om and detect-secrets when used."""
    write_file(
        tmp_path, "svc/Dockerfile", DOCKERFILE + "ENV GH=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\n"
    )
    modules = top_level(imported_by(tmp_path, "scan", "svc/Dockerfile", "--format", "sarif"))
    assert {"sarif_om", "detect_secrets"} <= modules


def test_importing_the_cli_loads_no_pack_and_no_parser(tmp_path):
    code = "import sys, guardlint.cli; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(done.stdout.split())
    assert not modules & all_pack_modules()
    assert not top_level(modules) & {*HEAVY, "jsonpath_ng", "dockerfile_parse"}


def test_a_kubernetes_scan_without_a_cache_loads_no_openssl(tmp_path):
    """A pod's LimitRange look-up reads its file through a memoized look-up, which digested
    the bytes (importing hashlib) for a recording no cache would ever take."""
    write_file(tmp_path, "k8s/pod.yaml", POD)
    modules = imported_by(tmp_path, "scan", "k8s")
    assert "guardlint.documents.limit_ranges" in modules  # the look-up ran
    assert not modules & {"hashlib", "_hashlib"}, sorted(modules & {"hashlib", "_hashlib"})
