"""An entry's outcome is read back checked part by part: the superseded rules its file's
suppressions name are a list of rule IDs, anything else is a miss (the entry may be anyone's)."""

from __future__ import annotations

from collections import Counter

import pytest

from guardlint.engine.outcome_entries import entry_outcome, outcome_data
from guardlint.engine.rule_runner import FileOutcome
from guardlint.findings.records import RecordReader
from guardlint.model.documents import SCANNED


def _entry(**changed: object) -> dict:
    outcome = FileOutcome("app/template.yaml", SCANNED, [], Counter({"cloudformation": 1}),
                          superseded_named={"CFN027"})  # fmt: skip
    return {**outcome_data(outcome), **changed}


def test_an_entry_s_superseded_rules_are_read_back():
    outcome = entry_outcome(_entry(), "app/template.yaml", RecordReader(lambda rule_id: None))
    assert outcome.superseded_named == {"CFN027"} and outcome.reused


@pytest.mark.parametrize("named", ["CFN027", {"CFN027": 1}, [1], ["CFN027", None], None])
def test_superseded_rules_not_named_by_their_ids_make_the_entry_a_miss(named):
    with pytest.raises(ValueError, match="superseded rules are named by their IDs"):
        entry_outcome(
            _entry(superseded_named=named), "app/template.yaml", RecordReader(lambda rule_id: None)
        )
