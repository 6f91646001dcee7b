"""CDK cloud assemblies (cdk.out): construct paths as resource names and in fingerprints,
`cdk synth --debug` traces as related locations, asset staging and assembly metadata skipped
(`--cdk-assets` scans the assets), CDK framework resources named as such."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from guardlint.cli import cli
from guardlint.findings.make import fingerprint
from guardlint.knowledge.cdk import FRAMEWORK_NOTE, is_framework_resource
from guardlint.parse.cdk_assembly import parse_frame
from guardlint.report.sarif import build_log
from tests.cdk.conftest import APP, BUCKET, SCHEMA, STACK, by_rule
from tests.conftest import findings_of, run_scan, write_file
from tools.sarif_check import github_problems


def test_a_resource_the_cdk_named_is_labelled_by_its_construct_path(fixture_scan):
    assert by_rule(fixture_scan, "CFN001").resource == BUCKET
    nested = by_rule(fixture_scan, "CFN006")
    assert nested.path.endswith("ApiStackDatabase5D7C0F3A.nested.template.json")
    assert nested.resource == (
        "AWS::EC2::SecurityGroup ApiStack/Database/Bastion/Resource (BastionDD3A1E5B)"
    )


def test_an_embedded_policy_is_labelled_by_its_construct_path(fixture_scan):
    assert by_rule(fixture_scan, "IAM002").resource == (
        "AWS::IAM::Policy ApiStack/Handler/ServiceRole/DefaultPolicy/Resource "
        "(HandlerServiceRoleDefaultPolicyCBD0CC91) Statement 1"
    )


def test_a_template_without_construct_paths_keeps_its_labels_and_fingerprints(tmp_path):
    template = write_file(
        tmp_path, "template.yaml", "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"
    )
    finding = by_rule(run_scan(template), "CFN001")
    assert finding.resource == "AWS::S3::Bucket Logs"
    assert finding.fingerprint == fingerprint("CFN001", finding.path, finding.resource, "Logs:")


def rename(app: Path, old: str, new: str) -> None:
    for path in (app / "cdk.out").glob("*.json"):
        path.write_text(path.read_text().replace(old, new))


def test_fingerprints_survive_a_logical_id_change(app_copy):
    before = {(f.rule_id, f.fingerprint) for f in run_scan(app_copy).findings}
    rename(app_copy, "Uploads1E6C8F2B", "UploadsC0FFEE42")
    rename(app_copy, "HandlerServiceRoleDefaultPolicyCBD0CC91", "HandlerPolicyFEEDBEEF")
    after = run_scan(app_copy)
    assert by_rule(after, "CFN001").resource == (
        "AWS::S3::Bucket ApiStack/Uploads/Resource (UploadsC0FFEE42)"
    )
    assert {(f.rule_id, f.fingerprint) for f in after.findings} == before


def test_fingerprints_follow_the_construct_path(app_copy):
    before = by_rule(run_scan(app_copy), "CFN001").fingerprint
    rename(app_copy, "ApiStack/Uploads/Resource", "ApiStack/Archive/Resource")
    assert by_rule(run_scan(app_copy), "CFN001").fingerprint != before


def test_a_baseline_keeps_matching_after_a_logical_id_change(app_copy):
    runner = CliRunner()
    created = runner.invoke(cli, ["baseline", "create", "app", "-o", "accepted.json"])
    assert created.exit_code == 0, created.output
    rename(app_copy, "Uploads1E6C8F2B", "UploadsC0FFEE42")
    result = runner.invoke(cli, ["scan", "app", "-f", "json", "--baseline", "accepted.json"])
    report = json.loads(result.stdout)
    assert report["findings"]
    assert all("suppression" in finding for finding in report["findings"])


def test_metadata_the_app_adds_suppresses_as_in_any_template(app_copy):
    """`addMetadata('guardlint', {ignore: [...]})` on the construct's CfnResource."""
    template = app_copy / "cdk.out" / "ApiStack.template.json"
    data = json.loads(template.read_text())
    data["Resources"]["Uploads1E6C8F2B"]["Metadata"]["guardlint"] = {
        "ignore": [{"id": "CFN005", "reason": "access logs go to the logging account"}]
    }
    template.write_text(json.dumps(data, indent=1))
    suppressed = by_rule(run_scan(app_copy), "CFN005").suppression
    assert suppressed is not None and suppressed.justification.startswith("access logs")


def test_a_suppression_without_reason_names_the_construct(app_copy):
    template = app_copy / "cdk.out" / "ApiStack.template.json"
    data = json.loads(template.read_text())
    data["Resources"]["Uploads1E6C8F2B"]["Metadata"]["guardlint"] = {"ignore": ["CFN005"]}
    template.write_text(json.dumps(data, indent=1))
    before = by_rule(run_scan(app_copy), "GL003")
    assert before.resource == BUCKET
    assert before.related_locations[0].region.start_line == 12
    rename(app_copy, "Uploads1E6C8F2B", "UploadsC0FFEE42")
    assert by_rule(run_scan(app_copy), "GL003").fingerprint == before.fingerprint


# Framework resources -----------------------------------------------------------------------


def test_findings_on_cdk_framework_resources_say_so(fixture_scan):
    framework = by_rule(fixture_scan, "CFN014")
    assert "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a" in framework.resource
    assert framework.message.endswith(FRAMEWORK_NOTE)
    # A policy embedded in a framework resource: the IAM pack's finding says so too.
    (policy,) = [f for f in findings_of(fixture_scan, "IAM003") if "LogRetention" in f.resource]
    assert policy.message.endswith(FRAMEWORK_NOTE)
    users = [f for f in fixture_scan.findings if "LogRetention" not in f.resource]
    assert users and not [f for f in users if FRAMEWORK_NOTE in f.message]


@pytest.mark.parametrize(
    ("resource_type", "logical_id", "path"),
    [
        ("AWS::CDK::Metadata", "CDKMetadata", "Stack/CDKMetadata/Default"),
        ("Custom::CDKBucketDeployment", "DeploySite4D7E1C2B", "Stack/DeploySite/CustomResource"),
        ("Custom::LogRetention", "HandlerLogRetentionED2F4A45", "Stack/Handler/LogRetention/R"),
        (
            "AWS::Lambda::Function",
            "CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C81C01536",
            "Stack/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/Resource",
        ),
        (
            "AWS::IAM::Role",
            "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole9741ECFB",
            "Stack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource",
        ),
        (
            "AWS::Lambda::Function",
            "BucketNotificationsHandler050a0587b7544547bf325f094a3db8347ECC3691",
            "Stack/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Resource",
        ),
        (
            "AWS::Lambda::Function",
            "AWSCDKCfnUtilsProviderCustomResourceProviderHandlerCF82AA57",
            "Stack/AWSCDKCfnUtilsProviderCustomResourceProvider/Handler",
        ),
        (
            "AWS::IAM::Role",
            "CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092",
            "Stage/Stack/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role",
        ),
        (
            "AWS::Lambda::Function",
            "AWS679f53fac002430cb0da5b7982bd22872D164C4C",
            "Stack/AWS679f53fac002430cb0da5b7982bd2287/Resource",
        ),
        # The provider stacks aws-eks nests (a `/` in a construct ID is written `--`).
        (
            "AWS::IAM::Role",
            "HandlerServiceRoleFCDC14AE",
            "Stack/@aws-cdk--aws-eks.KubectlProvider/Handler/ServiceRole/Resource",
        ),
        (
            "AWS::CloudFormation::Stack",
            "awscdkawseksClusterResourceProviderNestedStackawscdkawseksClusterResourceProviderNestedStackResource9827C454",
            "Stack/@aws-cdk--aws-eks.ClusterResourceProvider.NestedStack/"
            "@aws-cdk--aws-eks.ClusterResourceProvider.NestedStackResource",
        ),
        # The functions and state machine of a custom-resources Provider: the CDK's code.
        (
            "AWS::Lambda::Function",
            "OrdersProviderframeworkonEvent2E3A4B5C",
            "Stack/OrdersProvider/framework-onEvent/Resource",
        ),
        (
            "AWS::IAM::Role",
            "OrdersProviderframeworkisCompleteServiceRole6F7A8B9C",
            "Stage/Stack/OrdersProvider/framework-isComplete/ServiceRole/Resource",
        ),
        (
            "AWS::StepFunctions::StateMachine",
            "OrdersProviderwaiterstatemachine1D2E3F4A",
            "Stack/OrdersProvider/waiter-state-machine/Resource",
        ),
    ],
)
def test_cdk_framework_resources(resource_type, logical_id, path):
    assert is_framework_resource(resource_type, logical_id, path)


@pytest.mark.parametrize(
    ("resource_type", "logical_id", "path"),
    [
        ("AWS::Logs::LogGroup", "LogRetentionPolicyA1B2C3D4", "Stack/LogRetentionPolicy/Resource"),
        ("AWS::Lambda::Function", "SiteDeployment5E6F7A8B", "Stack/SiteDeployment/Resource"),
        ("AWS::S3::Bucket", "Uploads1E6C8F2B", "Stack/Uploads/Resource"),
        # The onEvent handler a Provider calls is the app's own function.
        ("AWS::Lambda::Function", "OnEventHandler0A1B2C3D", "Stack/OnEventHandler/Resource"),
        # The stack's own name is the user's.
        ("AWS::S3::Bucket", "Data4F3E2D1C", "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Data"),
    ],
)
def test_user_resources_are_not_framework_resources(resource_type, logical_id, path):
    assert not is_framework_resource(resource_type, logical_id, path)


# Source mapping ----------------------------------------------------------------------------


def test_a_debug_trace_becomes_a_related_location(fixture_scan):
    related = by_rule(fixture_scan, "CFN001").related_locations
    source = APP.relative_to(Path.cwd()).as_posix() + "/lib/api-stack.ts"
    assert [(r.path, r.region.start_line, r.region.start_column, r.message) for r in related] == [
        (source, 12, 21, f"defined at {source}:12")
    ]
    # The nested stack's construct is defined in a construct the app defines: its own line.
    assert by_rule(fixture_scan, "CFN006").related_locations[0].region.start_line == 30
    # A framework resource points at the app's line that asked for it (logRetention).
    assert by_rule(fixture_scan, "CFN014").related_locations[0].region.start_line == 14


def test_related_locations_in_sarif_and_json(fixture_scan):
    log = build_log(fixture_scan)
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    assert github_problems(log) == []
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "CFN001"]
    (related,) = result["relatedLocations"]
    assert related["id"] == 1
    assert related["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "bad-cdk-assembly/lib/api-stack.ts"
    )
    assert related["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 21}
    assert related["message"]["text"].startswith("defined at ")
    as_json = by_rule(fixture_scan, "CFN001").to_dict()
    assert as_json["related_locations"][0]["region"]["start_line"] == 12


def test_without_a_trace_nothing_is_guessed(app_copy):
    manifest = app_copy / "cdk.out" / "manifest.json"
    data = json.loads(manifest.read_text())
    for entries in data["artifacts"]["ApiStack"]["metadata"].values():
        for entry in entries:
            entry.pop("trace", None)
    manifest.write_text(json.dumps(data))
    result = run_scan(app_copy)
    assert by_rule(result, "CFN001").resource == BUCKET
    assert all(not f.related_locations for f in result.findings)


def test_a_changed_manifest_is_read_again(app_copy):
    """Scans in one process (a library user, an editor integration) see the current files."""
    assert by_rule(run_scan(app_copy), "CFN001").related_locations
    manifest = app_copy / "cdk.out" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"trace"', '"untraced"'))
    assert not by_rule(run_scan(app_copy), "CFN001").related_locations
    manifest.unlink()
    assert run_scan(app_copy).skipped_dirs["cdk-asset"] == 0


def test_a_template_outside_an_assembly_has_construct_paths_but_no_trace(tmp_path):
    shutil.copy(STACK, tmp_path / "ApiStack.template.json")
    result = run_scan(tmp_path)
    finding = by_rule(result, "CFN001")
    assert finding.resource == BUCKET
    assert not finding.related_locations
    assert "related_locations" not in finding.to_dict()
    assert all("relatedLocations" not in r for r in build_log(result)["runs"][0]["results"])


def test_metadata_in_a_side_file(app_copy):
    """Current aws-cdk-lib writes a stack's metadata to `<artifact>.metadata.json`."""
    manifest = app_copy / "cdk.out" / "manifest.json"
    data = json.loads(manifest.read_text())
    stack = data["artifacts"]["ApiStack"]
    (app_copy / "cdk.out" / "ApiStack.metadata.json").write_text(json.dumps(stack.pop("metadata")))
    stack["additionalMetadataFile"] = "ApiStack.metadata.json"
    manifest.write_text(json.dumps(data))
    result = run_scan(app_copy)
    assert by_rule(result, "CFN001").related_locations[0].path == "app/lib/api-stack.ts"
    assert result.skipped_files["cdk-metadata"] == 5  # the side file is no template either


def test_a_stage_assembly_inside_the_app_assembly(app_copy):
    """A Stage's stacks are an assembly of their own, `cdk.out/assembly-<Stage>/`."""
    stage = app_copy / "cdk.out" / "assembly-Prod"
    stage.mkdir()
    for name in ("manifest.json", "ApiStack.template.json", "ApiStack.assets.json"):
        shutil.move(app_copy / "cdk.out" / name, stage / name)
    write_file(app_copy / "cdk.out", "manifest.json", json.dumps({
        "version": "36.0.0",
        "artifacts": {
            "assembly-Prod": {"type": "cdk:cloud-assembly",
                              "properties": {"directoryName": "assembly-Prod"}},
            "Tools": {"type": "aws:cloudformation:stack",
                      "properties": {"templateFile": "Tools.template.json"}},
        },
    }))  # fmt: skip
    result = run_scan(app_copy)
    finding = by_rule(result, "CFN001")
    assert finding.path == "app/cdk.out/assembly-Prod/ApiStack.template.json"
    assert finding.related_locations[0].path == "app/lib/api-stack.ts"
    assert result.skipped_files["cdk-metadata"] == 5  # both manifests


def test_python_app_frames_after_the_jsii_runtime(app_copy):
    """A Python app's trace: aws-cdk-lib frames, the jsii kernel's (outside the tree), then the
    host program's frames."""
    write_file(app_copy, "infra/api_stack.py", "class ApiStack:\n    pass\n")
    manifest = app_copy / "cdk.out" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["artifacts"]["ApiStack"]["metadata"]["/ApiStack/Uploads/Resource"][0]["trace"] = [
        "new Bucket (/tmp/jsii-kernel-x1/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js:1:2)",
        "Kernel._Kernel_create (/tmp/tmp8f3k/lib/program.js:1:61224)",
        "...jsii runtime...",
        "__init__ (/Users/dev/shop/infra/api_stack.py:2:8)",
    ]
    manifest.write_text(json.dumps(data))
    (related,) = by_rule(run_scan(app_copy), "CFN001").related_locations
    assert (related.path, related.region.start_line) == ("app/infra/api_stack.py", 2)


def test_python_host_frames_of_installed_packages_are_libraries(app_copy):
    """With host stack traces (JSII_HOST_STACK_TRACES), a Python app's trace names jsii's
    embedded runtime and the aws_cdk and jsii packages in its virtual environment before the
    app's own frame; a virtual environment inside the scanned tree is no app source."""
    site = ".venv/lib/python3.12/site-packages"
    for name in ("jsii/_embedded/jsii/jsii-runtime.js", "jsii/_kernel/__init__.py",
                 "aws_cdk/aws_s3/__init__.py"):  # fmt: skip
        write_file(app_copy / site, name, "x = 1\n" * 9000)
    write_file(app_copy / "python3" / "dist-packages" / "aws_cdk", "core.py", "x = 1\n")
    write_file(app_copy, "infra/api_stack.py", "class ApiStack:\n    pass\n")
    manifest = app_copy / "cdk.out" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["artifacts"]["ApiStack"]["metadata"]["/ApiStack/Uploads/Resource"][0]["trace"] = [
        "new Bucket (/tmp/jsii-kernel-x1/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js:1:2)",
        f"KernelHost.run (/home/dev/shop/{site}/jsii/_embedded/jsii/jsii-runtime.js:6137:14)",
        f"create (/home/dev/shop/{site}/jsii/_kernel/__init__.py:310)",
        f"__init__ (/home/dev/shop/{site}/aws_cdk/aws_s3/__init__.py:8120)",
        "__init__ (/usr/lib/python3/dist-packages/aws_cdk/core.py:1)",
        "__init__ (/home/dev/shop/infra/api_stack.py:2:8)",
    ]
    manifest.write_text(json.dumps(data))
    (related,) = by_rule(run_scan(app_copy), "CFN001").related_locations
    assert (related.path, related.region.start_line) == ("app/infra/api_stack.py", 2)


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("new ApiStack (/app/lib/api-stack.ts:42:5)", ("/app/lib/api-stack.ts", 42, 5)),
        ("/app/bin/app.js:7:1", ("/app/bin/app.js", 7, 1)),
        ("at Object.<anonymous> (/app/bin/app.js:7:1)", ("/app/bin/app.js", 7, 1)),
        ("<module> (/Users/me/app.py:28)", ("/Users/me/app.py", 28, 1)),
        (r"new S (C:\work\app\lib\s.ts:3:9)", (r"C:\work\app\lib\s.ts", 3, 9)),
        ("...aws-cdk-lib, jsii runtime...", None),
        ("(no user code in 10 frames, use --stack-trace-limit to capture more)", None),
        ("x (/a.ts:99999999999999999999:1)", None),
        ("x (/a.ts:0:1)", None),
        ("x (/a.ts:١٢:1)", None),
        ("", None),
    ],
)
def test_parse_frame(frame, expected):
    parsed = parse_frame(frame)
    assert (parsed and (parsed.file, parsed.line, parsed.column)) == expected


# What is skipped ---------------------------------------------------------------------------


def test_each_stack_s_cached_findings_follow_its_own_metadata_file(app_copy, tmp_path):
    """Two stacks with side metadata files: every template's cached findings depend on the
    files its traces come from, not only the first template's scanned in the process."""
    out = app_copy / "cdk.out"
    manifest = json.loads((out / "manifest.json").read_text())
    api = manifest["artifacts"]["ApiStack"]
    (out / "ApiStack.metadata.json").write_text(json.dumps(api.pop("metadata")))
    api["additionalMetadataFile"] = "ApiStack.metadata.json"
    other = json.loads(json.dumps(api).replace("ApiStack", "OtherStack"))
    manifest["artifacts"]["OtherStack"] = other
    (out / "manifest.json").write_text(json.dumps(manifest))
    for name in ("template", "metadata"):
        text = (out / f"ApiStack.{name}.json").read_text().replace("ApiStack", "OtherStack")
        (out / f"OtherStack.{name}.json").write_text(text)

    def other_stack_line() -> int:
        result = run_scan(app_copy, cache_dir=str(tmp_path / "cache"), jobs=1)
        (finding,) = [
            f for f in findings_of(result, "CFN001") if f.path.endswith("OtherStack.template.json")
        ]
        return finding.related_locations[0].region.start_line

    assert other_stack_line() == 12
    side = out / "OtherStack.metadata.json"
    side.write_text(side.read_text().replace("api-stack.ts:12:21", "api-stack.ts:13:21"))
    assert other_stack_line() == 13
