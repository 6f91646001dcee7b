"""The result cache and links resolved inside the scan root (guardlint.parse.beneath)."""

from __future__ import annotations

from guardlint.parse.inputs import LEADS_OUTSIDE
from tests.cache.test_invalidation import rescan, rules_of
from tests.conftest import write_file


def test_a_link_that_comes_to_lead_out_analyses_the_file_again(tmp_path, analysed):
    """Where a reference leads is recorded for the result cache: a link changed to lead out
    makes the next scan analyse the file again, and note it."""
    tree, cache = tmp_path / "t", tmp_path / "cache"
    write_file(tree, "inside/x.env", "A=1\n")
    write_file(tree, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"
               "    env_file: probe/x.env\n")  # fmt: skip
    (tree / "probe").symlink_to("inside")
    before, _ = rescan(tree, cache, analysed)
    assert "GL001" not in rules_of(before)
    assert rescan(tree, cache, analysed) == (before, [])  # reused while nothing changed
    (tree / "probe").unlink()
    (tree / "probe").symlink_to(f"{tmp_path}/../{tmp_path.name}/t/inside")
    after, scanned = rescan(tree, cache, analysed)
    assert [LEADS_OUTSIDE in f[4] for f in after if f[0] == "GL001"] == [True]
    assert scanned == ["compose.yaml"]
