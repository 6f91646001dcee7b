"""OpenShift Templates: the objects `oc process` makes of a Template's `objects` are scanned
like the items of a List, at their own lines; `${PARAM}` and `${{PARAM}}` values are filled in
when the template is processed, so they are unknown, not wrong."""

from __future__ import annotations

import pytest

from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file

_TEMPLATE = """\
apiVersion: {api}
kind: Template
metadata:
  name: app
parameters:
  - name: IMAGE
  - name: AUTOMOUNT
objects:
  - apiVersion: v1
    kind: Service
    metadata: {{name: web}}
    spec: {{ports: [{{port: 80}}]}}
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: ${{NAMESPACE}}
    spec:
      template:
        spec:
          automountServiceAccountToken: {automount}
          containers:
            - name: web
              image: ${{IMAGE}}
              securityContext:
                privileged: true
                allowPrivilegeEscalation: {escalation}
                runAsNonRoot: {escalation}
"""


def _write(tmp_path, api="template.openshift.io/v1", automount="false", escalation="false"):
    text = _TEMPLATE.format(api=api, automount=automount, escalation=escalation)
    write_file(tmp_path, "template.yaml", text)


def _lines(tmp_path, rule_id: str) -> list[int]:
    return sorted(f.region.start_line for f in scan_rule(tmp_path, rule_id))


@pytest.mark.parametrize("api", ["template.openshift.io/v1", "v1"])
def test_template_objects_are_scanned_at_their_lines(tmp_path, api):
    _write(tmp_path, api=api)
    assert _lines(tmp_path, "K8S001") == [26]
    found = scan_rule(tmp_path, "K8S001")
    assert found[0].resource.startswith("Deployment ") and "web" in found[0].message


@pytest.mark.parametrize("placeholder", ["${AUTOMOUNT}", "${{AUTOMOUNT}}", "'${{AUTOMOUNT}}'"])
def test_parameter_values_are_placeholders(tmp_path, placeholder):
    _write(tmp_path, automount=placeholder, escalation=placeholder)
    assert _lines(tmp_path, "K8S018") == []  # filled in by `oc process`
    assert _lines(tmp_path, "K8S002") == []
    assert _lines(tmp_path, "K8S003") == []
    assert _lines(tmp_path, "K8S012") == []  # image ${IMAGE}


def test_a_literal_value_in_a_template_still_counts(tmp_path):
    _write(tmp_path, automount="true", escalation="true")
    assert _lines(tmp_path, "K8S018") == [21]
    assert _lines(tmp_path, "K8S002") == [27]
    _write(tmp_path, automount="true", escalation="false")
    assert _lines(tmp_path, "K8S003") == [28]  # runAsNonRoot: false


def test_a_template_that_is_no_openshift_template_is_left_alone(tmp_path):
    """A custom resource named Template in another API group keeps its own meaning."""
    text = _TEMPLATE.format(api="example.com/v1", automount="true", escalation="true")
    write_file(tmp_path, "template.yaml", text)
    assert _lines(tmp_path, "K8S001") == []


@pytest.mark.parametrize("namespace", ["", "namespace: default", "namespace: '${NAMESPACE}'"])
def test_k8s016_leaves_a_templates_objects_to_where_it_is_instantiated(tmp_path, namespace):
    """`oc process` removes a literal namespace from a Template's objects and fills in a
    parameter: they land where the template is instantiated, which the file cannot say."""
    text = _TEMPLATE.format(api="template.openshift.io/v1", automount="false", escalation="false")
    text = text.replace("metadata: {name: web}", f"metadata: {{name: web, {namespace}}}")
    write_file(tmp_path, "template.yaml", text.replace("namespace: ${NAMESPACE}", namespace))
    assert _lines(tmp_path, "K8S016") == []


@pytest.mark.parametrize("api", ["template.openshift.io/v1", "v1"])
def test_k8s016_leaves_the_template_itself_alone(tmp_path, api):
    """A Template is a parameterised list of objects that `oc process` reads: it runs nothing,
    and where it is kept is no isolation boundary of what it makes."""
    text = _TEMPLATE.format(api=api, automount="false", escalation="false")
    write_file(
        tmp_path,
        "template.yaml",
        text.replace("metadata:\n  name: app", "metadata:\n  name: app\n  namespace: default"),
    )
    assert _lines(tmp_path, "K8S016") == []
    write_file(
        tmp_path,
        "other.yaml",
        text.replace(
            f"apiVersion: {api}\nkind: Template", "apiVersion: example.com/v1\nkind: Template"
        ),
    )
    assert [line for line in _lines(tmp_path, "K8S016")] == [
        3
    ]  # another group's Template is an object
