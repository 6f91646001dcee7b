"""The GitHub Action (action.yml): its scan step runs locally with the GITHUB_* variables set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

import guardlint
from tests.conftest import ROOT, write_file
from tools.sarif_check import github_problems

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step.get("id") or step.get("name"): step for step in ACTION["runs"]["steps"]}
GUARDLINT = str(Path(sys.executable).with_name("guardlint"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMPOSE = "services:\n  web:\n    image: nginx\n    privileged: true\n"  # CMP001 critical
SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
TOKEN = "ghs_not_a_real_token"
UNREACHABLE_API = "http://127.0.0.1:9"  # the discard port: nothing listens there


def resolve(text: str, inputs: dict[str, str], context: dict[str, str]) -> str:
    """Evaluate the few expressions the action uses, as the runner would."""
    values = {f"inputs.{name}": spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values |= {f"inputs.{name}": value for name, value in inputs.items()}
    values |= {
        "github.action_path": str(ROOT),
        "github.token": TOKEN,
        # A push: no pull request in the event.
        "github.event.pull_request.head.repo.full_name": "",
        "github.event.pull_request.base.repo.full_name": "",
        "steps.python.outputs.python-path": sys.executable,
        "steps.install.outputs.guardlint": GUARDLINT,
        "steps.upload.outputs.upload": "true",
        "steps.version.outputs.version": guardlint.__version__,
        "steps.cache-key.outputs.dir": "",  # the cache-key step's, where a test runs it
    }
    values |= context

    def value(match: re.Match[str]) -> str:
        assert match.group(1) in values, f"unexpected expression {match.group(0)}"
        return str(values[match.group(1)])

    return EXPRESSION.sub(value, text)


def run_step(
    step_id: str,
    workspace: Path,
    context: dict[str, str] | None = None,
    api_url: str = UNREACHABLE_API,
    **inputs: str,
):
    """Run one `run:` step like the runner: bash -eo pipefail, env from the step, GITHUB_*."""
    step = STEPS[step_id]
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary, outputs = temp / "step-summary.md", temp / "github-output"
    for path in (summary, outputs):
        path.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(temp)),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": api_url,
        "GITHUB_REPOSITORY": "acme/infra",
        "GITHUB_SHA": SHA,
        "RUNNER_TEMP": str(temp),
    }
    env |= {
        name: resolve(str(value), inputs, context or {})
        for name, value in step.get("env", {}).items()
    }
    script = temp / f"{step_id}.sh"
    script.write_text(step["run"])
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return completed, summary.read_text(), values


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "workspace"
    write_file(root, "deploy/compose.yaml", COMPOSE)
    return root


def test_inputs_outputs_and_steps():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "format", "fail-on", "config", "output", "upload-sarif"} <= set(
        ACTION["inputs"]
    )
    assert {"sarif", "exit-code"} <= set(ACTION["outputs"])
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif }}"
    # Uploaded only where the check step found that it can succeed.
    assert "steps.upload.outputs.upload == 'true'" in upload["if"]
    for step in ACTION["runs"]["steps"]:
        # Inputs and event data reach scripts through env only: never interpolated into the
        # shell text, where a branch name or input could run as code.
        assert "${{" not in step.get("run", "")


def test_install_step_installs_the_actions_own_checkout():
    install = STEPS["install"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install["run"]


def test_guardlint_gets_its_own_python_and_a_pip_cache_keyed_on_its_version(workspace):
    setup = next(s for s in ACTION["runs"]["steps"] if "setup-python" in s.get("uses", ""))
    # The caller's PATH and python stay as they were: guardlint runs from its own venv.
    assert setup["with"]["update-environment"] is False
    install = STEPS["install"]
    assert install["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    assert '"$PYTHON" -m venv "$venv"' in install["run"]
    cache = next(
        s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/cache@")
    )
    assert "steps.version.outputs.version" in cache["with"]["key"]
    assert f'PIP_CACHE_DIR="{cache["with"]["path"].replace("~", "$HOME")}"' in install["run"]
    completed, _, outputs = run_step("version", workspace)
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"version": guardlint.__version__}


@pytest.fixture
def code_scanning_api():
    """A stand-in for GitHub's REST API: answers the code scanning probe with a set status."""
    seen: list[tuple[str, str | None]] = []
    answer = {"status": 200, "body": "[]"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("Authorization")))
            body = answer["body"].encode()
            self.send_response(answer["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", answer, seen
    server.shutdown()
    thread.join()


FORK_PR = {
    "github.event.pull_request.head.repo.full_name": "mallory/infra",
    "github.event.pull_request.base.repo.full_name": "acme/infra",
}
SAME_REPO_PR = {
    "github.event.pull_request.head.repo.full_name": "acme/infra",
    "github.event.pull_request.base.repo.full_name": "acme/infra",
}


@pytest.mark.parametrize(
    ("status", "body", "context", "upload"),
    [
        (200, "[]", {}, "true"),
        (200, "[]", SAME_REPO_PR, "true"),
        # No analysis yet: code scanning is on, the first upload creates one.
        (404, '{"message": "no analysis found"}', {}, "true"),
    ],
)
def test_upload_where_code_scanning_answers(
    workspace, code_scanning_api, status, body, context, upload
):
    api_url, answer, seen = code_scanning_api
    answer.update(status=status, body=body)
    completed, _, outputs = run_step("upload", workspace, context=context, api_url=api_url)
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"upload": upload}
    assert "::notice" not in completed.stdout
    assert seen == [("/repos/acme/infra/code-scanning/analyses?per_page=1", f"Bearer {TOKEN}")]


@pytest.mark.parametrize(
    ("head", "shown"),
    [("mallory/infra", "fork (mallory/infra)"), ("", "fork (deleted)")],  # a fork deleted since
)
def test_no_upload_and_a_notice_on_a_pull_request_from_a_fork(
    workspace, code_scanning_api, head, shown
):
    api_url, _, seen = code_scanning_api
    context = FORK_PR | {"github.event.pull_request.head.repo.full_name": head}
    completed, _, outputs = run_step("upload", workspace, context=context, api_url=api_url)
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"upload": "false"}
    assert completed.stdout.startswith("::notice title=guardlint::not uploading SARIF: ")
    assert shown in completed.stdout
    assert seen == []


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (403, '{"message": "Advanced Security must be enabled for this repository to use code '
         'scanning.", "status": "403"}', "HTTP 403: Advanced Security must be enabled"),
        (403, '{"message": "Resource not accessible by integration"}',
         "HTTP 403: Resource not accessible by integration"),
        # A token without the security-events permission.
        (404, '{"message": "Not Found"}', "HTTP 404: Not Found;"),
        (500, "oops", "HTTP 500;"),
    ],
)  # fmt: skip
def test_no_upload_and_a_notice_where_code_scanning_is_unavailable(
    workspace, code_scanning_api, status, body, reason
):
    api_url, answer, _ = code_scanning_api
    answer.update(status=status, body=body)
    completed, _, outputs = run_step("upload", workspace, api_url=api_url)
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"upload": "false"}
    assert completed.stdout.startswith(
        "::notice title=guardlint::not uploading SARIF: code scanning"
    )
    assert reason in completed.stdout


def test_no_upload_when_the_api_cannot_be_reached(workspace):
    completed, _, outputs = run_step("upload", workspace, api_url=UNREACHABLE_API)
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"upload": "false"}
    assert (
        "::notice title=guardlint::not uploading SARIF: code scanning is unavailable (HTTP 000;"
        in completed.stdout
    )


def test_upload_sarif_false_skips_quietly(workspace, code_scanning_api):
    api_url, _, seen = code_scanning_api
    completed, _, outputs = run_step(
        "upload", workspace, api_url=api_url, **{"upload-sarif": "false"}
    )
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"upload": "false"}
    assert completed.stdout == "" and seen == []


@pytest.mark.parametrize("formats", ["", "junit github"])
def test_annotations_when_not_uploading(workspace, formats):
    completed, _, outputs = run_step(
        "scan", workspace, context={"steps.upload.outputs.upload": "false"}, format=formats
    )
    assert completed.returncode == 0, completed.stderr
    annotations = [
        line for line in completed.stdout.splitlines() if line.startswith("::error file=")
    ]
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=deploy/compose.yaml,line=4,")
    assert "CMP001" in annotations[0]
    assert outputs["exit-code"] == "1"


def test_no_annotations_when_uploading(workspace):
    completed, _, _ = run_step("scan", workspace)
    assert completed.returncode == 0, completed.stderr
    assert "::error file=" not in completed.stdout


def test_scan_writes_sarif_summary_and_outputs(workspace):
    completed, summary, outputs = run_step("scan", workspace, format="junit")
    assert completed.returncode == 0, completed.stderr
    assert outputs["exit-code"] == "1"
    sarif = json.loads(Path(workspace / outputs["sarif"]).read_text())
    assert outputs["sarif"] == "guardlint.sarif"
    assert not github_problems(sarif)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"CMP001"}
    assert (Path(outputs["report-dir"]) / "guardlint.junit.xml").is_file()
    assert summary.startswith("## guardlint")
    assert re.search(r"^\| \S+ critical \| 1 \|$", summary, re.M)
    link = f"(https://github.com/acme/infra/blob/{SHA}/deploy/compose.yaml#L4)"
    assert f"CMP001 privileged | [`deploy/compose.yaml:4`]{link}" in summary


def test_fail_on_threshold_and_never(workspace):
    _, _, outputs = run_step("scan", workspace, **{"fail-on": "never"})
    assert outputs["exit-code"] == "0"
    write_file(workspace, "deploy/compose.yaml", "services:\n  web:\n    image: nginx\n")
    _, summary, outputs = run_step("scan", workspace, **{"fail-on": "high"})
    assert outputs["exit-code"] == "0"
    assert "latest-tag" in summary


def test_paths_input_and_clean_scan(workspace):
    write_file(workspace, "other/compose.yaml", "services:\n  x:\n    build: .\n")
    completed, summary, outputs = run_step("scan", workspace, paths="other\n", output="out/g.sarif")
    assert completed.returncode == 0
    assert outputs["sarif"] == "out/g.sarif" and (workspace / "out/g.sarif").is_file()
    assert "deploy/compose.yaml" not in summary


def test_config_error_fails_the_step_with_exit_2(workspace):
    write_file(workspace, "ci/guardlint.yaml", "fail_onn: high\n")
    completed, _, outputs = run_step("scan", workspace, config="ci/guardlint.yaml")
    assert completed.returncode == 2
    assert outputs["exit-code"] == "2"
    assert "::error title=guardlint::" in completed.stdout
    assert "ci/guardlint.yaml:1: unknown key 'fail_onn'" in completed.stderr


def test_result_cache_is_restored_then_saved_even_when_findings_fail_the_job(workspace):
    steps = ACTION["runs"]["steps"]
    restore = next(s for s in steps if s.get("uses") == "actions/cache/restore@v4")
    save = next(s for s in steps if s.get("uses") == "actions/cache/save@v4")
    order = [s.get("uses") or s.get("id") or s.get("name") for s in steps]
    assert order.index("cache-key") < order.index("actions/cache/restore@v4")
    assert order.index("actions/cache/restore@v4") < order.index("scan")
    assert order.index("scan") < order.index("actions/cache/save@v4")
    assert order.index("actions/cache/save@v4") < order.index("Fail on findings")
    assert save["if"].startswith("${{ always() && inputs.cache == 'true'")
    for step in (restore, save):
        assert step["with"]["path"] == "${{ steps.cache-key.outputs.dir }}"
        assert step["with"]["key"] == "${{ steps.cache-key.outputs.key }}"
    assert restore["with"]["restore-keys"] == "${{ steps.cache-key.outputs.prefix }}"
    completed, _, outputs = run_step("cache-key", workspace)
    assert completed.returncode == 0, completed.stderr
    # Outside the workspace (the scanned checkout), keyed on guardlint's version and commit.
    assert outputs["dir"] == str(workspace.parent / "runner-temp" / "guardlint-cache")
    assert outputs["key"] == outputs["prefix"] + SHA
    assert f"-{guardlint.__version__}-" in outputs["prefix"]
    assert run_step("cache-key", workspace, paths="other")[2]["prefix"] != outputs["prefix"]


def test_scan_reuses_the_result_cache_between_runs(workspace):
    cache = {"steps.cache-key.outputs.dir": str(workspace.parent / "guardlint-cache")}
    runs = [run_step("scan", workspace, cache)[0] for _ in range(2)]
    assert "0 of 1 file(s)" in runs[0].stderr and "1 of 1 file(s)" in runs[1].stderr
    assert list((workspace.parent / "guardlint-cache").rglob("*.json"))
    # With `cache: false` the cache-key step is skipped: no directory, and no cache even where
    # the workflow's environment names one.
    assert STEPS["cache-key"]["if"] == "${{ inputs.cache == 'true' }}"
    assert "else args+=(--no-cache); fi" in STEPS["scan"]["run"]
    assert "result cache" not in run_step("scan", workspace)[0].stderr


def test_fail_step_runs_only_for_findings():
    fail = STEPS["Fail on findings"]
    assert fail["if"] == "${{ steps.scan.outputs.exit-code == '1' }}"
    assert "exit 1" in fail["run"]


@pytest.mark.parametrize("output", ["guardlint.sarif", "reports/guardlint.sarif"])
def test_output_is_never_copied_through_a_link_the_checkout_planted(workspace, output):
    victim = workspace.parent / "bashrc"
    victim.write_text("alias ls='ls --color'\n")
    if output == "guardlint.sarif":
        (workspace / output).symlink_to(victim)
    else:
        (workspace / "reports").symlink_to(workspace.parent)
    completed, _, outputs = run_step("scan", workspace, output=output)
    assert completed.returncode == 2
    assert outputs["exit-code"] == "2"
    assert f"::error title=guardlint::not copying the SARIF file to {output}: " in completed.stdout
    assert victim.read_text() == "alias ls='ls --color'\n"
    assert not (workspace.parent / "guardlint.sarif").exists()


def test_hostile_event_data_and_inputs_stay_data(workspace):
    marker = workspace.parent / "pwned"
    hostile = f'x"; touch {marker}; echo "$(touch {marker})`touch {marker}`'
    context = {
        "github.event.pull_request.head.repo.full_name": hostile,
        "github.event.pull_request.base.repo.full_name": "acme/infra",
    }
    completed, _, outputs = run_step("upload", workspace, context=context)
    assert outputs == {"upload": "false"}
    assert f"fork ({hostile})" in completed.stdout
    completed, _, outputs = run_step("scan", workspace, paths=hostile, format=hostile)
    assert outputs["exit-code"] == "2"
    assert not marker.exists()
