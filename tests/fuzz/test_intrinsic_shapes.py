"""Property test: every intrinsic function the CloudFormation evaluator resolves, given an
argument of any shape (wrong types and lengths, nested lists, huge numbers, keys that are not
text), gives a bounded list of values and raises nothing. The evaluator catches no exception
of its handlers (a bug there would otherwise pass for an unresolved value and lose a finding
without a GL002), so each handler must refuse what it cannot read by checking it."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guardlint.documents.cloudformation.intrinsics import MAX_VALUES
from guardlint.documents.cloudformation.template import Template

EXAMPLES = int(os.environ.get("GUARDLINT_FUZZ_EXAMPLES", "300"))
SHAPES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUNCTIONS = (
    "Ref", "Condition", "Fn::If", "Fn::Sub", "Fn::Join", "Fn::Split", "Fn::Select",
    "Fn::FindInMap", "Fn::GetAtt", "Fn::Base64", "Fn::ImportValue",
)  # fmt: skip
NAMES = st.sampled_from(["A", "B", "List", "Map", "Yes", "No", "AWS::Region", "x", ""])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    # Past str()'s 4,300 digits (built from a small draw: Hypothesis prints its draws).
    | st.integers(min_value=1, max_value=3).map(lambda n: 10 ** (4400 * n))
    | st.floats()
    | NAMES
    | st.text(max_size=12)
)
KEYS = NAMES | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)


def _calls(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(lambda name, arg: {name: arg}, st.sampled_from(FUNCTIONS), children)


VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(KEYS, children, max_size=4)
        | _calls(children)
    ),
    max_leaves=40,
)


def _template(parameters: dict, mappings: Any) -> Template:
    return Template(
        {
            "Parameters": {
                "A": {"Type": "String", "Default": parameters.get("A", "a")},
                "List": {"Type": "CommaDelimitedList", "Default": "x,y"},
                "B": {"Type": parameters.get("type", 7), "AllowedValues": [parameters.get("B")]},
            },
            "Conditions": {"Yes": {"Fn::Equals": ["a", "a"]}, "No": {"Fn::Equals": [1, 2]}},
            "Mappings": {"Map": mappings} if mappings is not None else {},
            "Resources": {},
        }
    )


# Templates whose parameters (defaults, types, allowed values) and mapping are of any shape.
TEMPLATES = st.builds(
    _template, st.dictionaries(st.sampled_from(["A", "B", "type"]), VALUES, max_size=3), VALUES
)


@SHAPES
@given(st.sampled_from(FUNCTIONS), VALUES, TEMPLATES)
# A key past str()'s 4,300 digits, looked up as text too (Hypothesis found it).
@example("Fn::FindInMap", ["Map", 10**4400, "x"], _template({}, {"a": {"x": "y"}}))
def test_every_intrinsic_takes_any_argument_shape(
    function: str, argument: Any, template: Template
) -> None:
    values = template.possible_values({function: argument})
    assert 1 <= len(values) <= MAX_VALUES
    assert len(template.partial_values({function: argument}, "*")) <= MAX_VALUES


HANDLERS = sorted(name for name in vars(Template) if name.startswith("_fn_"))


def test_every_handler_is_fed_here() -> None:
    named = {"_fn_" + function.replace("Fn::", "").lower() for function in FUNCTIONS}
    assert set(HANDLERS) <= named


@SHAPES
@given(st.sampled_from(HANDLERS), VALUES, TEMPLATES)
def test_every_handler_checks_its_argument(handler: str, argument: Any, template: Template) -> None:
    """Called as the evaluator calls it, with nothing around it to catch what it raises."""
    assert len(getattr(template, handler)(argument, 1)) <= MAX_VALUES
