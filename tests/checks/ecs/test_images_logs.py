"""ECS009 (checks/ecs/images.py), ECS012 and ECS013 (logs.py)."""

from __future__ import annotations

import pytest

from tests.checks.ecs import BOTH_INPUTS, container, found, scan_text, task
from tests.conftest import findings_of, lines_of

# ---- ECS009 latest-tag


@BOTH_INPUTS
@pytest.mark.parametrize(
    "image",
    ["nginx", "nginx:latest", "repo/app", "public.ecr.aws/team/app:latest",
     "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", "localhost:5000/app",
     "<ACCOUNT>.dkr.ecr.eu-west-1.amazonaws.com/app:latest"],
)  # fmt: skip
def test_latest_tag_catches(tmp_path, scan, image):
    (finding,) = found(scan, tmp_path, task(container(image=image)), "ECS009")
    assert finding.properties["image"] == image


@BOTH_INPUTS
@pytest.mark.parametrize(
    "image",
    ["nginx:1.27", "redis:stable", "app:1.2", "nginx:Latest", "nginx@sha256:" + "a" * 64,
     "nginx:latest@sha256:" + "b" * 64, "<IMAGE1_NAME>", "<PLACEHOLDER>", "${IMAGE}",
     "{{image}}", "$IMAGE", "registry.example.com/app:${TAG}", "registry/${IMAGE_NAME}",
     "localhost:5000/app:2.0", ""],
)  # fmt: skip
def test_latest_tag_doesnt_catch_pinned_tagged_or_placeholders(tmp_path, scan, image):
    assert not found(scan, tmp_path, task(container(image=image)), "ECS009")


@BOTH_INPUTS
@pytest.mark.parametrize(
    "image", ["DOCKER_IMAGE_NAME", "registry.example.com/Team/App", "APP:latest"]
)
def test_latest_tag_doesnt_catch_what_is_no_image_reference(tmp_path, scan, image):
    """A repository in capitals is no image name (Docker's are lower case): a name a script
    replaces (Dockerrun's `DOCKER_IMAGE_NAME`), not an image that pulls latest."""
    assert not found(scan, tmp_path, task(container(image=image)), "ECS009")


def test_latest_tag_after_template_resolution(tmp_path):
    text = """Parameters:
  Tag: {Type: String, Default: latest}
  PinnedTag: {Type: String, Default: "1.4"}
  Unknown: {Type: String}
  Repository: {Type: String, Default: example/app}
Resources:
  Repo: {Type: AWS::ECR::Repository}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/a:${Tag}"}
        - {Name: b, Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/b:latest"}
        - {Name: c, Image: !Join [":", [!GetAtt Repo.RepositoryUri, latest]]}
        - {Name: d, Image: !Ref Repository}
        - {Name: e, Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/e"}
        - {Name: f, Image: !Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/f:${PinnedTag}"}
        - {Name: g, Image: !Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/g:${Unknown}"}
        - {Name: h, Image: !Ref Unknown}
        - {Name: i, Image: !GetAtt Repo.RepositoryUri}
        - {Name: j, Image: !Sub "${Unknown}"}
"""
    findings = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS009"), "ECS009")
    assert [f.region.start_line for f in findings] == [12, 13, 14, 15, 16, 20]
    assert findings[0].properties["image"] == "${...}.dkr.ecr.${...}.amazonaws.com/a:latest"


def test_latest_tag_after_a_repository_the_template_leaves_unknown(tmp_path):
    """A tag written after a name the template leaves to deploy time (a parameter without a
    default, an imported value) is the tag pulled: the unknown part is the repository, as a
    reference with a tag or digest of its own before `:latest` is no reference."""
    text = """Parameters:
  Repo: {Type: String}
  ImageUri: {Type: String}
  Tag: {Type: String, Default: latest}
  Unknown: {Type: String}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: !Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/${Repo}:latest"}
        - {Name: b, Image: !Sub "${ImageUri}:${Tag}"}
        - {Name: c, Image: !Join [":", [!ImportValue shared-repository-uri, latest]]}
        - {Name: d, Image: !Sub "${ImageUri}:${Unknown}"}
        - {Name: e, Image: !Sub "${ImageUri}:1.4"}
        - {Name: f, Image: !Sub "${ImageUri}"}
        - {Name: g, Image: !Sub "myorg/${Repo}"}
        - {Name: h, Image: !Sub "${ImageUri}@sha256:${Unknown}"}
"""
    findings = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS009"), "ECS009")
    assert [f.region.start_line for f in findings] == [11, 12, 13]
    assert findings[1].properties["image"] == "${...}:latest"


def test_latest_tag_of_a_repository_of_the_template(tmp_path):
    """An ECR repository's RepositoryUri (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`)
    and its Ref (the name) carry no tag: an image of one of them alone pulls `latest`."""
    text = """Parameters:
  Tag: {Type: String}
Resources:
  Repo: {Type: AWS::ECR::Repository}
  Named: {Type: AWS::ECR::Repository, Properties: {RepositoryName: team/api}}
  Bucket: {Type: AWS::S3::Bucket}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: a, Image: !GetAtt Repo.RepositoryUri}
        - {Name: b, Image: !Sub "${Repo.RepositoryUri}"}
        - {Name: c, Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${Named}"}
        - {Name: d, Image: !Join ["", [!GetAtt Named.RepositoryUri]]}
        - {Name: e, Image: !Sub ["${Uri}", {Uri: !GetAtt [Repo, RepositoryUri]}]}
        - {Name: f, Image: !Sub "${Repo.RepositoryUri}:${Tag}"}
        - {Name: g, Image: !Join [":", [!GetAtt Repo.RepositoryUri, !Ref Tag]]}
        - {Name: h, Image: !Sub "${Repo.RepositoryUri}@sha256:${Tag}"}
        - {Name: i, Image: !GetAtt Repo.Arn}
        - {Name: j, Image: !Ref Bucket}
        - {Name: k, Image: !Sub ["${Repo}", {Repo: example/app:1.0}]}
"""
    findings = findings_of(scan_text(tmp_path, "template.yaml", text, "ECS009"), "ECS009")
    assert [f.region.start_line for f in findings] == [11, 12, 13, 14, 15]
    assert [f.properties["image"] for f in findings[2:4]] == [
        "${...}.dkr.ecr.${...}.amazonaws.com/team/api"
    ] * 2
    assert findings[0].properties["image"] == (
        "${...}.dkr.ecr.${...}.amazonaws.com/${RepositoryName}"
    )


def test_latest_tag_dockerrun_v1(tmp_path):
    text = '{"AWSEBDockerrunVersion": "1",\n "Image": {"Name": "example/app", "Update": "true"}}\n'
    result = scan_text(tmp_path, "Dockerrun.aws.json", text, "ECS009")
    (finding,) = findings_of(result, "ECS009")
    assert finding.region.start_line == 2 and finding.resource == "Dockerrun container example/app"


# ---- ECS012 no-log-configuration


@BOTH_INPUTS
def test_no_log_configuration_catches_every_container_firelens_routers_too(tmp_path, scan):
    router = container("log_router", firelensConfiguration={"type": "fluentbit"})
    del router["logConfiguration"]
    no_driver = container("api", logConfiguration={"options": {"awslogs-group": "/ecs/api"}})
    findings = found(scan, tmp_path, task(container(), router, no_driver), "ECS012")
    assert sorted(f.resource.rsplit(" ", 1)[-1] for f in findings) == ["api", "log_router"]


@BOTH_INPUTS
def test_no_log_configuration_doesnt_catch_a_log_driver(tmp_path, scan):
    firelens = container(logConfiguration={"logDriver": "awsfirelens"})
    assert not found(scan, tmp_path, task(container(), firelens), "ECS012")


def test_no_log_configuration_never_in_dockerrun(tmp_path):
    v2 = '{"AWSEBDockerrunVersion": 2, "containerDefinitions": [{"name": "a", "image": "x:1"}]}'
    v1 = '{"AWSEBDockerrunVersion": 1, "Image": {"Name": "x:1"}}'
    assert not scan_text(tmp_path / "v2", "Dockerrun.aws.json", v2, "ECS012").findings
    assert not scan_text(tmp_path / "v1", "Dockerrun.aws.json", v1, "ECS012").findings


# ---- ECS013 log-tls-verification-disabled


def _log_options(**options: str) -> dict:
    return task(container(logConfiguration={"logDriver": "awsfirelens", "options": options}))


@BOTH_INPUTS
@pytest.mark.parametrize(
    ("key", "value"),
    [("tls.verify", "off"), ("tls.verify", "Off"), ("TLS.Verify", "false"), ("tls.verify", "0"),
     ("Tls.verify", "no"), ("splunk-insecureskipverify", "true"),
     ("splunk-insecureskipverify", "1")],
)  # fmt: skip
def test_tls_verification_off_catches(tmp_path, scan, key, value):
    (finding,) = found(scan, tmp_path, _log_options(tls="on", **{key: value}), "ECS013")
    assert finding.properties["option"] == key


@BOTH_INPUTS
@pytest.mark.parametrize(
    "options",
    [{"tls": "on"}, {"tls": "on", "tls.verify": "on"}, {"tls": "off"},
     {"Host": "http://logs.example.com"}, {"splunk-insecureskipverify": "false"},
     {"tls.verify": "${VERIFY}"}],
)  # fmt: skip
def test_tls_verification_doesnt_catch_verified_or_plaintext(tmp_path, scan, options):
    assert not found(scan, tmp_path, _log_options(**options), "ECS013")


# Docker's syslog driver skips certificate checks whenever syslog-tls-skip-verify is set, with
# any value, on the one address it speaks TLS to (tcp+tls://).
@BOTH_INPUTS
@pytest.mark.parametrize("value", ["true", "false", ""])
def test_syslog_tls_skip_verify_catches(tmp_path, scan, value):
    options = {"syslog-address": "tcp+tls://logs.example.com:6514", "syslog-tls-skip-verify": value}
    definition = task(container(logConfiguration={"logDriver": "syslog", "options": options}))
    (finding,) = found(scan, tmp_path, definition, "ECS013")
    assert finding.properties["option"] == "syslog-tls-skip-verify"


@BOTH_INPUTS
@pytest.mark.parametrize(
    "options",
    [{"syslog-address": "udp://logs.example.com:514", "syslog-tls-skip-verify": "true"},
     {"syslog-tls-skip-verify": "true"},
     {"syslog-address": "tcp+tls://logs.example.com:6514", "syslog-tls-ca-cert": "/ca.pem"}],
)  # fmt: skip
def test_syslog_without_tls_or_with_verification_doesnt_catch(tmp_path, scan, options):
    definition = task(container(logConfiguration={"logDriver": "syslog", "options": options}))
    assert not found(scan, tmp_path, definition, "ECS013")


def test_firelens_router_line(tmp_path):
    text = """{
  "family": "web",
  "containerDefinitions": [
    {
      "name": "log_router",
      "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0",
      "firelensConfiguration": {"type": "fluentbit"},
      "logConfiguration": {
        "logDriver": "awsfirelens",
        "options": {
          "Name": "es",
          "tls": "On",
          "tls.verify": "Off"
        }
      }
    }
  ]
}
"""
    assert lines_of(scan_text(tmp_path, "taskdef.json", text, "ECS013"), "ECS013") == [13]
