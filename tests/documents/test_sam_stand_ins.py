"""aws-sam-translator imported with stand-ins for boto3 and botocore's client and config
(guardlint.documents.cloudformation.sam_translator).

CI installs the newest releases the project allows: the first test fails when a release names
those modules otherwise than the stand-ins provide for, instead of a scan failing."""

from __future__ import annotations

from guardlint.documents.cloudformation import sam_translator
from tests.library_imports import bindings, fresh_output, library_modules, uses


def test_the_library_binds_from_boto_only_what_the_stand_ins_provide():
    found = bindings("samtranslator", ("boto3", "botocore"))
    assert {binding.module for binding in found} == set(sam_translator._NAMING_BOTO)
    for binding in found:
        if binding.source != "botocore.exceptions":  # imported for real
            assert binding.name in (None, *sam_translator.STOOD_IN[binding.source]), binding


def test_the_classes_it_binds_are_only_annotations_or_called():
    """A stand-in's class is no real class: an isinstance() test or a subclass would differ."""
    bound = {
        (binding.module, binding.name)
        for binding in bindings("samtranslator", tuple(sam_translator.STOOD_IN))
        if binding.name is not None
    }
    trees = dict(library_modules("samtranslator"))
    assert bound
    for module, name in bound:
        found = {how for _, how in uses(trees[module], name)}
        assert found and found <= {"annotation", "called"}, (module, name, found)


_PROBE = """
import sys
from guardlint.documents.cloudformation.sam import sam_errors
def template(kind, properties):
    resources = {"R": {"Type": kind, "Properties": properties}}
    return {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources}
function = {"Runtime": "python3.12", "Handler": "a.h", "CodeUri": "s3://b/c.zip",
            "Policies": [{"SQSPollerPolicy": {}}]}
print([error.message for error in sam_errors(template("AWS::Serverless::Function", function))])
print("boto3" in sys.modules, "botocore.client" in sys.modules)
location = {"ApplicationId": "arn:aws:serverlessrepo:us-east-1:123456789012:applications/x"}
application = template("AWS::Serverless::Application", {"Location": location})
print([error.message for error in sam_errors(application)])
print("boto3" in sys.modules)
"""


def test_boto3_is_imported_only_for_a_template_with_an_application():
    assert fresh_output(_PROBE) == [
        '["Resource with id [R] is invalid. Following required parameters of template '
        "'SQSPollerPolicy' don't have values: ['QueueName']\"]",
        "False False",
        "['Resource with id [R] is invalid. Resource is missing the required [SemanticVersion] "
        "property.']",
        "True",
    ]
