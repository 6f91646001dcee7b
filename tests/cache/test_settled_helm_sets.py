"""A warm scan tells a Helm template set's observation by the statuses the scan's pack recorded
of its chart's tree (guardlint.engine.helm_sets), without reading or parsing its templates
again, and looks again wherever the statuses cannot tell it: a link in the chart, another
user, a top planted outside the scan root. The tests of tests/cache/test_helm_lookups.py run
here again with every file settled, so that each change they make is told by statuses."""

from __future__ import annotations

import pytest

from guardlint.engine import scan_pack
from guardlint.parse import lookups
from tests.cache.conftest import read_pack, write_pack
from tests.cache.test_helm_lookups import (  # noqa: F401 (run again here, settled)
    test_a_chart_made_around_an_account_a_kustomization_lists_analyses_the_pod_again,
    test_a_define_of_a_template_s_name_added_to_helpers_analyses_the_template_again,
    test_a_define_of_an_account_s_file_name_analyses_the_pods_beside_it_again,
    test_a_helmignore_that_leaves_a_template_out_analyses_it_again,
    test_a_template_that_never_closes_an_action_has_its_chart_s_templates_analysed_again,
    test_fixing_a_broken_helpers_file_drops_its_parse_error_and_judges_the_templates_again,
    test_the_template_helm_reports_moves_when_a_file_it_parses_first_breaks,
)
from tests.cache.test_invalidation import rescan, rules_of
from tests.cache.test_scan_pack import pack_file
from tests.conftest import write_file
from tests.hostile.test_helm_lookups import CHART
from tests.hostile.test_helm_template_sets import HELPERS
from tests.hostile.test_helm_templates import PRIVILEGED_POD

POD = "chart/templates/pod.yaml"


# Scans of a few files have a pack, and every file and directory counts as settled.
pytestmark = pytest.mark.usefixtures("packed", "settled")


@pytest.fixture
def set_looks(monkeypatch) -> list[str]:
    """The chart templates whose template set a scan looks at, from now on."""
    looked: list[str] = []
    real = lookups._STATES[lookups.HELM_NAME]

    def counting(path: str, how: tuple) -> str:
        looked.append(path)
        return real(path, how)

    monkeypatch.setitem(lookups._STATES, lookups.HELM_NAME, counting)
    return looked


def chart(tmp_path):
    tree = tmp_path / "t"
    write_file(tree / "chart", "Chart.yaml", CHART)
    write_file(tree / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(tree / "chart/templates", "_helpers.tpl", HELPERS)
    return tree


def test_an_unchanged_chart_s_template_set_is_not_looked_at_again(tmp_path, analysed, set_looks):
    tree, cache = chart(tmp_path), tmp_path / "cache"
    before, _ = rescan(tree, cache, analysed)
    assert "K8S001" in rules_of(before, POD)
    set_looks.clear()
    assert rescan(tree, cache, analysed) == (before, [])
    assert set_looks == []


def test_a_chart_holding_a_link_has_its_template_set_looked_at_again(tmp_path, analysed, set_looks):
    """A link's target may change what it is without any status of the chart changing."""
    tree, cache = chart(tmp_path), tmp_path / "cache"
    write_file(tmp_path, "elsewhere/notes.txt", "notes\n")
    (tree / "chart/docs").symlink_to(tmp_path / "elsewhere")
    before, _ = rescan(tree, cache, analysed)
    set_looks.clear()
    assert rescan(tree, cache, analysed) == (before, [])
    assert str(tree / POD) in set_looks


def test_a_pack_of_another_user_looks_at_template_sets_again(
    tmp_path, analysed, set_looks, monkeypatch
):
    """Whether a file of the chart can be read is the user's to tell."""
    tree, cache = chart(tmp_path), tmp_path / "cache"
    before, _ = rescan(tree, cache, analysed)
    another = [*scan_pack._credentials(), "another"]
    monkeypatch.setattr(scan_pack, "_credentials", lambda: another)
    set_looks.clear()
    assert rescan(tree, cache, analysed) == (before, []) and str(tree / POD) in set_looks


PLANTED = {
    "the root of the file system": lambda top, digest, outside: ["/", digest],
    "a copy outside the root": lambda top, digest, outside: [outside, digest],
    "a digest that is no text": lambda top, digest, outside: [top, 7],
    "a top alone": lambda top, digest, outside: top,
    "nothing": lambda top, digest, outside: [None, None],
}


@pytest.mark.parametrize("planted", PLANTED.values(), ids=PLANTED)
def test_a_planted_template_set_is_looked_at_again(tmp_path, analysed, set_looks, planted):
    """A set whose top lies outside the scan root (a copy of the chart there, whose statuses
    may be digested as the pack does), or that is not what the pack records, tells nothing."""
    tree, cache = chart(tmp_path), tmp_path / "cache"
    before, _ = rescan(tree, cache, analysed)
    pack = pack_file(cache)
    data = read_pack(pack)
    sets = data["value"]["helm_sets"]
    outside = tmp_path / "copy"
    write_file(outside / "chart", "Chart.yaml", CHART)
    write_file(outside / "chart/templates", "pod.yaml", PRIVILEGED_POD)
    write_file(outside / "chart/templates", "_helpers.tpl", HELPERS)
    assert any(sets)
    for index, found in enumerate(sets):
        if found:
            sets[index] = planted(*found, str(outside / "chart"))
    write_pack(pack, data)
    set_looks.clear()
    assert rescan(tree, cache, analysed) == (before, [])
    assert str(tree / POD) in set_looks
