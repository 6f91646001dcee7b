"""guardlint.documents.cloudformation.sam's reliance on aws-sam-translator's own workings.

CI installs the newest release the project allows: each test here fails when a release
changes what sam.py takes for granted, instead of guardlint quietly reporting otherwise."""

from __future__ import annotations

import pytest

import guardlint.documents.cloudformation.sam as sam_module
from guardlint.documents.cloudformation import sam_translator
from guardlint.documents.cloudformation.sam import sam_errors
from guardlint.documents.cloudformation.sam_translator import policy_templates_plugin

SAM = "AWS::Serverless-2016-10-31"


@pytest.fixture(autouse=True)
def _translate_afresh():
    sam_module._TRANSLATED.clear()


def function_with(policies):
    properties = {"Runtime": "python3.12", "Handler": "a.h", "CodeUri": "s3://b/c.zip"}
    resources = {"Fn": {"Type": "AWS::Serverless::Function", "Properties": policies | properties}}
    return {"Transform": SAM, "Resources": resources}


def test_the_bundled_policy_templates_pass_the_librarys_schema():
    """policy_templates_plugin skips this check, which the library makes on every plugin."""
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    bundled = PolicyTemplatesProcessor.get_default_policy_templates_json()
    PolicyTemplatesProcessor(bundled)  # raises ValueError where they do not


def test_the_translator_makes_its_policy_templates_plugin_by_the_function_replaced():
    from samtranslator.translator import translator

    sam_translator._prepare_library()
    called_by_name = translator.prepare_plugins.__code__.co_names
    assert "make_policy_template_for_function_plugin" in called_by_name
    assert translator.make_policy_template_for_function_plugin is policy_templates_plugin


def test_policy_templates_are_expanded_and_their_missing_parameters_reported():
    good = function_with({"Policies": [{"SQSPollerPolicy": {"QueueName": "q"}}]})
    assert sam_errors(good) == []
    (error,) = sam_errors(function_with({"Policies": [{"SQSPollerPolicy": {}}]}))
    assert error.logical_id == "Fn"
    assert "SQSPollerPolicy" in error.message and "QueueName" in error.message


def test_a_translation_times_nothing_for_cloudwatch():
    """The translator records the time of each step into the Metrics it is given (public
    API): ours keeps none, so that no translation pays for it."""
    from samtranslator.metrics.method_decorator import MetricsMethodWrapperSingleton

    events = {
        "Events": {"Nightly": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 day)"}}}
    }
    assert sam_errors(function_with(events)) == []
    metrics = MetricsMethodWrapperSingleton.get_instance()
    assert metrics.metrics_cache == {}
