"""Every file of the shared corpus keeps the kind it had before the ECS, CodeBuild and CodeDeploy
recognition (issue 14): new recognisers must not swallow templates, manifests, Compose files or
the YAML and JSON that is no IaC. Documents derived from a template (its IAM policies, ECS task
definitions and services, CodeBuild projects) do not change what the file is."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guardlint.engine.options import ScanOptions
from guardlint.engine.scan import scan
from tests.hostile.test_filesystem import CORPUS

RECORDED = Path(__file__).parent / "data" / "corpus-kinds.json"
# What a file is: the kind of the document it was read as, before what that one derives.
_FILE_KINDS = ("cloudformation", "appspec", "codebuild-project", "kubernetes", "compose",
               "dockerfile", "buildspec", "ecs-task", "ecs-service", "iam-policy")  # fmt: skip
# Real CodeBuild buildspecs (`version: 0.2` and `phases`) that nothing read before: the catalogue
# (rules-aws-delivery.md, CBD) asks that a buildspec be recognised by its content.
NEWLY_RECOGNISED = {
    "cfn-templates/Solutions/CodeBuildAndCodePipeline/codebuild-app-build.yml": "buildspec",
    "cfn-templates/Solutions/CodeBuildAndCodePipeline/codebuild-app-deploy.yml": "buildspec",
}

# A Helm chart's templates, read since each is judged as Helm renders it whatever the values
# (guardlint.parse.helm_templates): a static one is a manifest; one whose text depends on
# values is read but judged as nothing (counted as helm-template).
_CHARTS = "kube-linter/tests/testdata/"
HELM_TEMPLATES = {
    _CHARTS + "malformed-deps-chart/templates/configmap.yaml": "kubernetes",
    _CHARTS + "subchart/templates/deployment.yaml": "none",
    **{
        f"{_CHARTS}mychart/templates/{name}": "none"
        for name in (
            "deployment.yaml",
            "hpa.yaml",
            "ingress.yaml",
            "service.yaml",
            "serviceaccount.yaml",
            "tests/test-connection.yaml",
        )
    },
}


def _file_kind(kinds: list[str]) -> str:
    return next((kind for kind in _FILE_KINDS if kind in kinds), "none")


@pytest.mark.skipif(not CORPUS, reason="no corpus beside the checkout; set GUARDLINT_CORPUS")
def test_every_corpus_file_keeps_its_kind():
    recorded = json.loads(RECORDED.read_text())["kinds"]
    expected = {path: kind for kind, paths in recorded.items() for path in paths}
    expected.update(NEWLY_RECOGNISED)
    expected.update(HELM_TEMPLATES)
    result = scan(ScanOptions(paths=[str(CORPUS)], root=os.path.abspath(str(CORPUS))))
    found = {path: _file_kind(kinds) for path, kinds in result.file_kinds.items()}
    changed = {p: (expected.get(p), found.get(p)) for p in expected.keys() | found.keys()
               if expected.get(p) != found.get(p)}  # fmt: skip
    assert not changed, sorted(changed.items())[:20]
