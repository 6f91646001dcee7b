"""Linear-time cases of the texts a file embeds and then parses (tests/hostile/test_linear_time.py):
a policy, buildspec or Kubernetes manifest written once, as a template parameter's default,
and named by a `Ref` in each of a thousand resources, was parsed and judged once per resource
(minutes for a file of a few hundred KB; guardlint.documents.cloudformation.embedded_text's
budget); so was an Argo podSpecPatch that YAML aliases into every template of a workflow, and
a settings file aliased into every ConfigMap of a List was read line by line for each."""

from __future__ import annotations

import json


def _referenced(text: str, resource_type: str, properties: str, count: int) -> str:
    """A YAML template whose parameter P defaults to `text` (a literal block) and whose `count`
    resources of `resource_type` name it in `properties` (YAML lines, `!Ref P` among them)."""
    lines = ["Parameters:", "  P:", "    Type: String", "    Default: |"]
    lines += [f"      {line}" for line in text.splitlines()]
    lines.append("Resources:")
    for n in range(count):
        lines += [f"  R{n}:", f"    Type: {resource_type}", "    Properties:"]
        lines += [f"      {line}" for line in properties.splitlines()]
    return "\n".join(lines) + "\n"


_BUILDSPEC = "\n".join(
    ["version: 0.2", "env:", "  variables:", "    DB_PASSWORD: Xk9#mQ2vLp8!zR4t"]
    + ["phases:", "  build:", "    commands:"]
    + [f"      - echo {n} {'x' * 40}" for n in range(2_000)]
)
_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{n}/*"}
            for n in range(560)
        ]
        + [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    indent=1,
)
_PIPELINE_VARIABLES = json.dumps(
    [{"name": f"SETTING_{n}", "value": "x" * 20} for n in range(3_000)]
    + [{"name": "DB_PASSWORD", "value": "Xk9#mQ2vLp8!zR4t"}],
    indent=1,
)
_CODEBUILD_ACTION = """\
Stages:
  - Name: Build
    Actions:
      - Name: Compile
        ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1"}
        Configuration: {ProjectName: shop, EnvironmentVariables: !Ref P}"""
# The CDK's Fn::Join around Refs, of 12,000 pieces (a text just under the parse bound).
_JOINED_VARIABLES = (
    "Parameters:\n  Token: {Type: String, NoEcho: true}\nResources:\n  R:\n"
    "    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      Stages:\n"
    "        - Name: Build\n          Actions:\n            - Name: Compile\n"
    "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild}\n"
    "              Configuration:\n                EnvironmentVariables:\n"
    '                  Fn::Join: [\'\', [\'[{"name": "GITHUB_TOKEN", "value": "\', '
    "{Ref: Token}, '\"}'"
    + ',\n    \', {"name": "A", "value": "\', {Ref: AWS::Region}, \'"}\'' * 4_000
    + ", ']']]\n"
)
# A buildspec the CDK joins around 12,000 Refs: each variable's value is read as the Fn::Sub of
# its own part, not with every part's.
_JOINED_BUILDSPEC = (
    "Parameters:\n  Token: {Type: String, NoEcho: true}\nResources:\n  R:\n"
    "    Type: AWS::CodeBuild::Project\n    Properties:\n      Source:\n"
    "        Type: NO_SOURCE\n        BuildSpec:\n"
    '          Fn::Join: [\'\', [\'{"version": "0.2", "env": {"variables": {"GITHUB_TOKEN": "\', '
    "{Ref: Token}, '\"'"
    + "".join(f",\n    ', \"A{n}\": \"', {{Ref: AWS::Region}}, '\"'" for n in range(6_000))
    + ', \'}}, "phases": {"build": {"commands": ["make"]}}}\']]\n'
)
_CONFIG_MAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}
_PRIVILEGED_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "agent", "namespace": "ops"},
    "spec": {
        "containers": [{"name": "a", "image": "a:1", "securityContext": {"privileged": True}}]
    },
}
_MANIFEST = json.dumps(
    [{**_CONFIG_MAP, "data": {f"k{n}": "v" * 20 for n in range(40_000)}}, _PRIVILEGED_POD],
    indent=1,
)

_NODE_PATCH = json.dumps(
    {
        "metadata": {"labels": {f"l{n}": "v" * 20 for n in range(40_000)}},
        "spec": {"template": {"spec": {"containers": [_PRIVILEGED_POD["spec"]["containers"][0]]}}},
    },
    indent=1,
)

# RFC 6902 operations that each make a list padded to json_patch.MAX_INDEX unknown items, or
# insert at the head of one list (each insertion moves the items after it).
_JSON_NODE_PATCH = json.dumps(
    [{"op": "add", "path": "/spec/template/spec/containers/0/securityContext/privileged",
      "value": True}]
    + [{"op": "add", "path": f"/metadata/annotations/a{n}/64", "value": n} for n in range(15_000)]
    + [{"op": "add", "path": "/spec/template/spec/volumes/0", "value": {}} for _ in range(15_000)],
    indent=0,
)  # fmt: skip

_PATCH = "containers:\n" + "".join(f"  - {{name: c{n}, image: 'img{n}:1'}}\n" for n in range(100))
_WORKFLOW = "\n".join(
    ["apiVersion: argoproj.io/v1alpha1", "kind: Workflow", "metadata: {name: w}", "spec:"]
    + ["  entrypoint: t0", "  templates:", "    - name: t0", "      podSpecPatch: &p |"]
    + [f"        {line}" for line in _PATCH.splitlines()]
    + ["      container: {image: 'busybox:1.36', securityContext: {privileged: true}}"]
    + [
        f"    - {{name: t{n}, podSpecPatch: *p, container: {{image: 'b:1'}}}}"
        for n in range(1, 1_000)
    ]
)

_SETTINGS = "".join(f"key{n}: value{n}\n" for n in range(15_000)) + "password: Xk9#mQ2vLp8!zR4t\n"
_ALIASED = "{config.yaml: *c}"
_CONFIG_MAPS = "\n".join(
    ["apiVersion: v1", "kind: List", "items:", "  - apiVersion: v1", "    kind: ConfigMap"]
    + ["    metadata: {name: c0}", "    data:", "      config.yaml: &c |"]
    + [f"        {line}" for line in _SETTINGS.splitlines()]
    + [
        f"  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: c{n}}}, data: {_ALIASED}}}"
        for n in range(1, 1_000)
    ]
)

EMBEDDED_TEXT_CASES = {
    "codebuild-buildspec-named-by-every-project": (
        "template.yaml",
        _referenced(
            _BUILDSPEC,
            "AWS::CodeBuild::Project",
            "Source:\n  Type: NO_SOURCE\n  BuildSpec: !Ref P",
            1_000,
        ),
        "CBD002",
    ),
    "codepipeline-variables-named-by-every-pipeline": (
        "template.yaml",
        _referenced(_PIPELINE_VARIABLES, "AWS::CodePipeline::Pipeline", _CODEBUILD_ACTION, 1_000),
        "CBD002",
    ),
    "codepipeline-variables-joined-of-12-000-pieces": (
        "template.yaml",
        _JOINED_VARIABLES,
        "CBD002",
    ),
    "codebuild-buildspec-joined-of-12-000-pieces": (
        "template.yaml",
        _JOINED_BUILDSPEC,
        "CBD002",
    ),
    "iam-policy-text-named-by-every-policy": (
        "template.yaml",
        _referenced(_POLICY, "AWS::IAM::ManagedPolicy", "PolicyDocument: !Ref P", 2_000),
        "IAM001",
    ),
    "eks-manifest-named-by-every-resource": (
        "template.yaml",
        _referenced(_MANIFEST, "Custom::AWSCDK-EKS-KubernetesResource", "Manifest: !Ref P", 300),
        "K8S001",
    ),
    "eks-patch-named-by-every-resource": (
        "template.yaml",
        _referenced(
            _NODE_PATCH,
            "Custom::AWSCDK-EKS-KubernetesPatch",
            "ResourceName: daemonset/aws-node\nApplyPatchJson: !Ref P",
            300,
        ),
        "K8S001",
    ),
    "eks-json-patch-of-padded-and-shifted-lists": (
        "template.yaml",
        _referenced(
            _JSON_NODE_PATCH,
            "Custom::AWSCDK-EKS-KubernetesPatch",
            "ResourceName: daemonset/aws-node\nPatchType: json\nApplyPatchJson: !Ref P",
            1,
        ),
        "K8S001",
    ),
    "argo-pod-spec-patch-aliased-into-every-template": (
        "workflow.yaml",
        _WORKFLOW + "\n",
        "K8S001",
    ),
    "k8s-settings-file-aliased-into-every-config-map": ("list.yaml", _CONFIG_MAPS + "\n", "K8S014"),
}
