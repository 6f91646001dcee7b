"""A file that is judged as no IaC but decides how another is (a Helm chart's helper,
`.helmignore` or `Chart.yaml`; a `.dockerignore`; a Compose project's `.env`), named alone as
the pre-commit hook and --changed-only name a commit's changed files: what it decides is judged
with it (guardlint.discover.dependents), as a scan of the whole tree judges it. Naming it alone
found nothing before."""

from __future__ import annotations

from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.test_helm_ignore import CHART, SUBCHART
from tests.hostile.test_helm_templates import PRIVILEGED_POD

HELPERS = '{{- define "web.name" -}}\nweb\n{{- end }}\n'


def _chart(tree, files: dict[str, str]) -> None:
    write_file(tree / "chart", "Chart.yaml", CHART)
    for name, text in files.items():
        write_file(tree / "chart", name, text)


def _privileged(result) -> list[str]:
    found = findings_of(result, "K8S001")
    return sorted({f.path.replace("\\", "/").split("chart/", 1)[-1] for f in found})


def test_a_named_helmignore_judges_the_templates_it_no_longer_leaves_out(tmp_path):
    _chart(tmp_path, {".helmignore": "draft.yaml\n", "templates/pod.yaml": PRIVILEGED_POD})
    result = run_scan(tmp_path / "chart" / ".helmignore", root=str(tmp_path))
    assert _privileged(result) == ["templates/pod.yaml"]


def test_a_named_chart_file_judges_its_templates_and_subcharts(tmp_path):
    _chart(
        tmp_path,
        {
            "templates/pod.yaml": PRIVILEGED_POD,
            "charts/db/Chart.yaml": SUBCHART,
            "charts/db/templates/pod.yaml": PRIVILEGED_POD,
        },
    )
    result = run_scan(tmp_path / "chart" / "Chart.yaml", root=str(tmp_path))
    assert _privileged(result) == ["charts/db/templates/pod.yaml", "templates/pod.yaml"]


def test_a_named_helper_judges_its_own_chart_only(tmp_path):
    """A subchart's helper loads with the subchart's templates, not its parent's."""
    _chart(
        tmp_path,
        {
            "templates/pod.yaml": PRIVILEGED_POD,
            "charts/db/Chart.yaml": SUBCHART,
            "charts/db/templates/pod.yaml": PRIVILEGED_POD,
            "charts/db/templates/_helpers.tpl": HELPERS,
        },
    )
    named = tmp_path / "chart" / "charts" / "db" / "templates" / "_helpers.tpl"
    assert _privileged(run_scan(named, root=str(tmp_path))) == ["charts/db/templates/pod.yaml"]


def test_a_named_manifest_or_a_file_of_no_chart_is_judged_alone(tmp_path):
    _chart(tmp_path, {"templates/pod.yaml": PRIVILEGED_POD, "templates/other.yaml": PRIVILEGED_POD})
    write_file(tmp_path / "site" / "templates", "_helpers.tpl", HELPERS)
    write_file(tmp_path / "site" / "templates", "pod.yaml", PRIVILEGED_POD)
    manifest = tmp_path / "chart" / "templates" / "pod.yaml"
    assert _privileged(run_scan(manifest, root=str(tmp_path))) == ["templates/pod.yaml"]
    helper = tmp_path / "site" / "templates" / "_helpers.tpl"
    assert run_scan(helper, root=str(tmp_path)).findings == []


DOCKERFILE = "FROM node:22\nWORKDIR /app\nCOPY . .\nUSER node\n"


def _dkr026(result) -> list[str]:
    return sorted(f.path.replace("\\", "/") for f in findings_of(result, "DKR026"))


def test_a_named_dockerignore_judges_the_dockerfiles_beside_it(tmp_path):
    """A commit empties the ignore file (no pattern left): DKR026 on what COPY . now takes."""
    write_file(tmp_path, "app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "app/Dockerfile.worker", DOCKERFILE)
    write_file(tmp_path, "app/.dockerignore", "# emptied: no pattern\n")
    write_file(tmp_path, "other/Dockerfile", DOCKERFILE)
    result = run_scan(tmp_path / "app" / ".dockerignore", root=str(tmp_path))
    assert _dkr026(result) == ["app/Dockerfile", "app/Dockerfile.worker"]


def test_a_named_dockerfile_s_own_ignore_file_judges_that_dockerfile(tmp_path):
    """BuildKit reads `api.Dockerfile.dockerignore` for `api.Dockerfile` alone."""
    write_file(tmp_path, "app/Dockerfile", DOCKERFILE)
    write_file(tmp_path, "app/api.Dockerfile", DOCKERFILE)
    write_file(tmp_path, "app/api.Dockerfile.dockerignore", "# emptied\n")
    result = run_scan(tmp_path / "app" / "api.Dockerfile.dockerignore", root=str(tmp_path))
    assert _dkr026(result) == ["app/api.Dockerfile"]


def test_a_named_env_file_judges_the_compose_files_beside_it(tmp_path):
    """A commit sets the variable a service's `privileged` reads in the project's `.env`."""
    service = "services:\n  web:\n    image: nginx\n    privileged: ${PRIVILEGED:-false}\n"
    write_file(tmp_path, "app/compose.yaml", service)
    write_file(tmp_path, "app/.env", "PRIVILEGED=true\n")
    write_file(tmp_path, "other/compose.yaml", service)
    result = run_scan(tmp_path / "app" / ".env", root=str(tmp_path))
    found = [f.path.replace("\\", "/") for f in findings_of(result, "CMP001")]
    assert found == ["app/compose.yaml"]
