"""bench/bench.py states each target the way issue 16 does: the hadolint figure is hadolint's
time over guardlint's, and it is met at 1.0 or more, while the checkov figures are guardlint's
time over checkov's, met at the limit or under."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("bench", "measure", "kinds"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import bench as module

    return module


def _case(name: str, tool: str, seconds: float):
    from measure import Case, Run

    run = Run(
        seconds=seconds,
        cpu_seconds=seconds,
        max_rss_mb=1,
        tree_pss_mb=1,
        exit_code=0,
        crashed=False,
    )
    return Case(name, tool, [], runs=[run])


@pytest.mark.parametrize(
    ("guardlint", "hadolint", "speedup", "met"),
    [(0.24, 0.28, 1.1667, True), (0.30, 0.28, 0.9333, False), (0.28, 0.28, 1.0, True)],
)
def test_the_hadolint_figure_is_hadolints_time_over_guardlints(
    bench, guardlint, hadolint, speedup, met
):
    cases = [
        _case("kind-dockerfile", "guardlint", guardlint),
        _case("kind-dockerfile", "hadolint", hadolint),
        _case("kind-dockerfile", "checkov", 4.0),
    ]
    result = bench.comparisons(cases)
    assert result["figures"]["kind_dockerfile_speedup_over_hadolint"] == speedup
    assert result["met"]["kind_dockerfile_speedup_over_hadolint"] is met
    assert result["figures"]["kind_dockerfile_time_ratio"] == round(guardlint / 4.0, 4)
    assert result["met"]["kind_dockerfile_time_ratio"] is (guardlint / 4.0 <= 1 / 15)


@pytest.mark.parametrize("skipped", [[], ["cfn-lint"]])
def test_a_peer_left_out_is_not_timed_and_the_others_are(bench, tmp_path, skipped):
    corpus = tmp_path / "corpus"
    (corpus / "app").mkdir(parents=True)
    (corpus / "app" / "Dockerfile").write_text("FROM alpine:3.22\n")
    template = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n"
    (corpus / "template.yaml").write_text(template)
    args = bench.argparse.Namespace(skip_checkov=False, skip_peer=skipped)
    cases = bench._kind_cases(args, corpus, tmp_path / "work")
    tools = {(case.name, case.tool) for case in cases}
    assert ("kind-dockerfile", "hadolint") in tools
    assert (("kind-cloudformation", "cfn-lint") in tools) == (not skipped)
    assert ("kind-cloudformation", "checkov") in tools
