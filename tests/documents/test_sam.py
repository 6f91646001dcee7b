"""guardlint.documents.cloudformation.sam: AWS's SAM translator, run offline on source templates."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

import guardlint.documents.cloudformation.sam as sam_module
from guardlint.documents.cloudformation.sam import PACKAGED_ARTIFACT, as_packaged, sam_errors
from guardlint.documents.cloudformation.sam_translator import isolated_session

SAM = "AWS::Serverless-2016-10-31"
SAR_ARN = "arn:aws:serverlessrepo:us-east-1:012345678901:applications/a"


@pytest.fixture(autouse=True)
def _translate_afresh():
    """Each test sees the translator run (sam_errors remembers templates it has translated)."""
    sam_module._TRANSLATED.clear()


def function(**properties):
    return {"Type": "AWS::Serverless::Function", "Properties": properties}


def template(**resources):
    return {"Transform": SAM, "Resources": resources}


def application(application_id):
    location = {"ApplicationId": application_id, "SemanticVersion": "1.0.0"}
    return {"Type": "AWS::Serverless::Application", "Properties": {"Location": location}}


def test_valid_template_has_no_errors():
    good = template(Fn=function(Runtime="python3.12", Handler="app.handler", CodeUri="src/"))
    assert sam_errors(good) == []


def test_errors_name_their_resource_and_event():
    bad = template(
        Fn=function(
            Runtime="python3.12",
            Handler="app.handler",
            CodeUri="s3://bucket/code.zip",
            Events={"Api": {"Type": "Api", "Properties": {"Path": "/"}}},
        )
    )
    (error,) = sam_errors(bad)
    assert error.logical_id == "Fn" and error.event_id == "Api"
    assert "Method" in error.message


def test_the_template_given_is_left_untouched():
    source = template(Fn=function(Runtime="python3.12", Handler="app.handler"))
    snapshot = repr(source)
    sam_errors(source)
    assert repr(source) == snapshot


def test_as_packaged_replaces_local_paths_like_sam_package():
    packaged = as_packaged(
        {
            "Globals": {"Function": {"CodeUri": "shared/"}},
            "Resources": {
                "FromGlobals": function(Handler="a.h"),
                "Local": function(CodeUri="src/"),
                "Remote": function(CodeUri="s3://bucket/key.zip"),
                "Inline": function(InlineCode="def h(e, c): pass"),
                "Built": {**function(PackageType="Image"), "Metadata": {"Dockerfile": "Df"}},
                "Unbuildable": function(PackageType="Image"),
                "Layer": {"Type": "AWS::Serverless::LayerVersion"},
                "Api": {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionUri": "a.yaml"}},
            },
        }
    )
    resources = packaged["Resources"]
    assert packaged["Globals"]["Function"]["CodeUri"] == PACKAGED_ARTIFACT
    assert "CodeUri" not in resources["FromGlobals"]["Properties"]  # Globals supplies it
    assert resources["Local"]["Properties"]["CodeUri"] == PACKAGED_ARTIFACT
    assert resources["Remote"]["Properties"]["CodeUri"] == "s3://bucket/key.zip"
    assert "CodeUri" not in resources["Inline"]["Properties"]
    assert "ImageUri" in resources["Built"]["Properties"]
    assert "ImageUri" not in resources["Unbuildable"]["Properties"]
    assert resources["Layer"]["Properties"]["ContentUri"] == PACKAGED_ARTIFACT
    assert resources["Api"]["Properties"]["DefinitionUri"] == PACKAGED_ARTIFACT


def test_an_image_function_sam_cannot_build_is_reported():
    (error,) = sam_errors(template(Fn=function(PackageType="Image")))
    assert "ImageUri" in error.message


def test_region_dependent_errors_are_not_reported():
    """A mapping without us-east-1 is fine in the regions it has."""
    regional = {
        "Transform": SAM,
        "Mappings": {
            "Apps": {
                "us-gov-west-1": {
                    "Id": "arn:aws-us-gov:serverlessrepo:us-gov-west-1:012345678901:applications/a"
                }
            }
        },
        "Resources": {
            "App": application({"Fn::FindInMap": ["Apps", {"Ref": "AWS::Region"}, "Id"]}),
        },
    }
    assert sam_errors(regional) == []
    del regional["Mappings"]["Apps"]["us-gov-west-1"]
    regional["Mappings"]["Apps"]["eu-west-1"] = {"Id": "x"}
    assert sam_errors(regional)  # no partition has it


def test_no_network_and_no_aws_clients(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)  # recorded: sam_errors would swallow the exception
        raise AssertionError("the SAM translator tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    import boto3

    monkeypatch.setattr(boto3, "client", refuse)
    with_application = template(
        App=application(SAR_ARN),
        Fn=function(Runtime="python3.12", Handler="a.h", Policies=["AmazonS3ReadOnlyAccess"]),
    )
    assert sam_errors(with_application) == []
    assert attempts == []
    assert boto3.DEFAULT_SESSION is None  # borrowed for the translation only


def test_a_translator_crash_reports_nothing(monkeypatch):
    from samtranslator.translator.translator import Translator

    def crash(*args, **kwargs):
        raise KeyError("unexpected input")

    monkeypatch.setattr(Translator, "translate", crash)
    assert sam_errors(template(Fn=function())) == []


def test_the_library_log_stays_quiet():
    """Outside pytest (which captures logging) the translator's warnings would reach stderr."""
    code = (
        "from guardlint.documents.cloudformation.sam import sam_errors\n"
        "bad = {'Transform': 'AWS::Serverless-2016-10-31', 'Resources': {'Fn': {"
        "'Type': 'AWS::Serverless::Function', 'Properties': {'Runtime': 'python3.12',"
        " 'Handler': 'a.h', 'Events': {'E': {'Type': 'SQS'}}}}}}\n"
        "assert sam_errors(bad)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == ""


@pytest.mark.parametrize("resources", [{"A": {"Type": {"Ref": "X"}}}, {"A": ["list"]}, {}])
def test_odd_shapes_do_not_crash(resources):
    assert isinstance(sam_errors({"Transform": SAM, "Resources": resources}), list)


def test_the_users_aws_files_are_never_read(tmp_path, monkeypatch):
    from tests.hostile.test_scanner_security import recording

    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = cn-north-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    isolated_session.cache_clear()  # a session made by an earlier test has read nothing yet
    with_application = template(App=application(SAR_ARN))
    with recording() as events:
        assert sam_errors(with_application) == []
    opened = [str(args[0]) for event, args in events if event == "open" and args]
    assert str(config) not in opened


def test_a_template_met_again_is_not_translated_again(monkeypatch):
    translated = []
    real = sam_module._errors_in_region
    monkeypatch.setattr(sam_module, "_errors_in_region",
                        lambda t, region: translated.append(region) or real(t, region))  # fmt: skip
    bad = template(Fn=function(Runtime="python3.12", Handler="app.handler", Events={
        "Q": {"Type": "SQS", "Properties": {}}}))  # fmt: skip
    first = sam_errors(bad)
    assert first and translated == ["us-east-1"]  # alike in every partition: translated once
    assert sam_errors(template(**bad["Resources"])) == first
    assert len(translated) == 1
    changed = template(Fn=function(Runtime="python3.12", Handler="app.other", Events={
        "Q": {"Type": "SQS", "Properties": {}}}))  # fmt: skip
    assert sam_errors(changed) and len(translated) == 2


def sqs_without_queue(**properties):
    """A template SAM rejects in every partition (an SQS event without a Queue)."""
    events = {"Q": {"Type": "SQS", "Properties": {}}}
    return template(Fn=function(Runtime="python3.12", Handler="app.handler", CodeUri="s3://b/k",
                                Events=events, **properties))  # fmt: skip


REGIONAL = {
    "Ref AWS::Region": lambda: sqs_without_queue(Description={"Ref": "AWS::Region"}),
    "Sub AWS::Partition": lambda: sqs_without_queue(Description={"Fn::Sub": "${AWS::Partition}"}),
    "AWS::URLSuffix": lambda: sqs_without_queue(Description={"Ref": "AWS::URLSuffix"}),
    "Mappings": lambda: {**sqs_without_queue(), "Mappings": {"M": {"us-east-1": {"K": "v"}}}},
    "Conditions": lambda: {
        **sqs_without_queue(),
        "Conditions": {"East": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
    },
    "Application": lambda: {
        **sqs_without_queue(),
        "Resources": {**sqs_without_queue()["Resources"], "App": application(SAR_ARN)},
    },
}


@pytest.fixture
def translated(monkeypatch):
    """The region of each translation sam_errors makes, in order."""
    regions = []
    real = sam_module._errors_in_region

    def in_region(t, region, chosen=None):
        regions.append(region)
        return real(t, region, chosen)

    monkeypatch.setattr(sam_module, "_errors_in_region", in_region)
    return regions


@pytest.mark.parametrize("make", REGIONAL.values(), ids=REGIONAL.keys())
def test_a_template_that_may_differ_by_partition_is_translated_in_each(
    make, translated, monkeypatch
):
    """What the translator reads differently in another partition (a region or partition
    pseudo parameter, a mapping, a condition, an Application): each partition decides. An
    error the translator gives in us-east-1 only is not reported; one all give is."""
    assert sam_errors(make()) and translated == list(sam_module.REGIONS)
    sam_module._TRANSLATED.clear()
    only_in_us_east_1 = sam_module.SamError("only in us-east-1")

    def east_only(t, region, chosen=None):
        return [only_in_us_east_1] if region == "us-east-1" else []

    monkeypatch.setattr(sam_module, "_errors_in_region", east_only)
    assert sam_errors(make()) == []


def test_a_template_alike_in_every_partition_is_translated_once(translated):
    """No regional word, mapping, condition or Application: the translator reads the template
    alike in every partition (sam.may_differ_by_partition), so its errors in us-east-1 are
    its errors everywhere; words that only look alike do not count."""
    alike = sqs_without_queue(Description="AWS Region, partition", Tags={"Region": "x"})
    (error,) = sam_errors(alike)
    assert "Queue" in error.message and translated == ["us-east-1"]
