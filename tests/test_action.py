"""The GitHub Action (action.yml): its scan step runs locally with the GITHUB_* variables set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, write_file
from tools.sarif_check import github_problems

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step.get("id") or step.get("name"): step for step in ACTION["runs"]["steps"]}
GUARDLINT = str(Path(sys.executable).with_name("guardlint"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMPOSE = "services:\n  web:\n    image: nginx\n    privileged: true\n"  # CMP001 critical
SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def resolve(text: str, inputs: dict[str, str]) -> str:
    """Evaluate the few expressions the action uses, as the runner would."""
    values = {f"inputs.{name}": spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values |= {f"inputs.{name}": value for name, value in inputs.items()}
    values |= {
        "github.action_path": str(ROOT),
        "steps.install.outputs.guardlint": GUARDLINT,
    }

    def value(match: re.Match[str]) -> str:
        assert match.group(1) in values, f"unexpected expression {match.group(0)}"
        return str(values[match.group(1)])

    return EXPRESSION.sub(value, text)


def run_step(step_id: str, workspace: Path, **inputs: str):
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
        "GITHUB_REPOSITORY": "acme/infra",
        "GITHUB_SHA": SHA,
        "RUNNER_TEMP": str(temp),
    }
    env |= {name: resolve(str(value), inputs) for name, value in step.get("env", {}).items()}
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
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif }}"
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    for step in ACTION["runs"]["steps"]:
        # Inputs reach scripts through env only: never interpolated into shell text.
        assert "${{" not in step.get("run", "")


def test_install_step_installs_the_actions_own_checkout():
    install = STEPS["install"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install["run"]


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
