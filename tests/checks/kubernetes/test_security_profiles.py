"""K8S017: the seccomp and AppArmor profiles a container runs with, its own or its pod's, as
fields or as the legacy annotations (guardlint/checks/kubernetes/security_context.py)."""

from __future__ import annotations

from tests.checks.kubernetes import K8S, scan_rule
from tests.conftest import write_file


def test_k8s017_legacy_unconfined_annotation_and_container_override(tmp_path):
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  containers:
    - name: a
      image: nginx:1.27
    - name: b
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: RuntimeDefault}
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [(7, "a")]


def test_k8s017_a_legacy_seccomp_annotation_alone_is_no_profile():
    (finding,) = scan_rule(K8S / "K8S017/bad-legacy-container-annotation", "K8S017")
    assert "container.seccomp.security.alpha.kubernetes.io/proxy" in finding.message
    assert "no seccompProfile" in finding.message
    (finding,) = scan_rule(K8S / "K8S017/bad-legacy-annotation-only", "K8S017")
    assert "seccomp.security.alpha.kubernetes.io/pod" in finding.message


def test_k8s017_the_field_satisfies_it_whatever_the_annotations_say():
    assert not scan_rule(K8S / "K8S017/good-field-beside-legacy-annotation", "K8S017")


def test_k8s017_a_container_apparmor_annotation_overrides_the_pod_field(tmp_path):
    """The kubelet takes a container's appArmorProfile, else its annotation, else the pod's
    field: an unconfined annotation escapes a pod-level RuntimeDefault, and a pod-level
    Unconfined is overridden by a container's runtime/default annotation or own field."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  annotations:
    container.apparmor.security.beta.kubernetes.io/escapes: unconfined
    container.apparmor.security.beta.kubernetes.io/confined: runtime/default
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
    appArmorProfile: {type: RuntimeDefault}
  containers:
    - name: escapes
      image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata:
  name: q
  namespace: shop
  annotations:
    container.apparmor.security.beta.kubernetes.io/confined: runtime/default
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
    appArmorProfile: {type: Unconfined}
  containers:
    - name: confined
      image: nginx:1.27
    - name: own-field
      image: nginx:1.27
      securityContext:
        appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}
    - name: inherits
      image: nginx:1.27
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (7, "escapes"),
        (27, "inherits"),
    ]


def test_k8s017_a_seccomp_profile_without_a_type_is_no_profile(tmp_path):
    """`seccompProfile: {}` (or one naming only a localhostProfile) picks no profile: the API
    server requires its type. Said at the pod's profile for every container that inherits it,
    and at a container's own, which hides the pod's RuntimeDefault."""
    write_file(
        tmp_path,
        "pods.yaml",
        """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            seccompProfile: {}
          initContainers:
            - name: migrate
              image: app:1.4
          containers:
            - name: report
              image: app:1.4
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            seccompProfile:
              localhostProfile: profiles/web.json
        - name: sidecar
          image: envoy:1.30
        - name: templated
          image: envoy:1.30
          securityContext:
            seccompProfile: {type: "${SECCOMP_TYPE}"}
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (13, "migrate"),
        (13, "report"),
        (37, "web"),
    ]
    assert "no type" in found[0].message and "inherited from the pod" in found[0].message


def test_k8s017_a_seccomp_profile_type_kubernetes_does_not_know_is_no_profile(tmp_path):
    """The API server takes RuntimeDefault, Localhost (with its localhostProfile) and
    Unconfined, case and all: `runtime/default` (the annotation's spelling) or a Localhost
    profile that names no file is rejected, and picks no profile."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: annotation-spelling
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: runtime/default}
    - name: no-file
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: Localhost}
    - name: with-file
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: Localhost, localhostProfile: profiles/nginx.json}
    - name: templated
      image: nginx:1.27
      securityContext:
        seccompProfile: {type: "{{ .Values.seccompType }}"}
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (11, "annotation-spelling"),
        (15, "no-file"),
    ]
    assert "runtime/default" in found[0].message
    assert "localhostProfile" in found[1].message


def test_k8s017_a_seccomp_profile_written_as_a_word_is_no_profile(tmp_path):
    """seccompProfile is a map with a type: `seccompProfile: unconfined` (or the annotation's
    `runtime/default` put in the field) sets none, and the API server rejects it; one a
    template fills in later is unknown, not wrong."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  containers:
    - name: word
      image: redis:7.4
      securityContext:
        seccompProfile: unconfined
    - name: annotation-value
      image: redis:7.4
      securityContext:
        seccompProfile: runtime/default
    - name: templated
      image: redis:7.4
      securityContext:
        seccompProfile: "{{ .Values.seccompProfile }}"
    - name: confined
      image: redis:7.4
      securityContext:
        seccompProfile: {type: RuntimeDefault}
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (11, "word"),
        (15, "annotation-value"),
    ]
    assert "'unconfined'" in found[0].message and "rejects" in found[0].message


def test_k8s017_a_privileged_container_runs_unconfined_whatever_its_profile(tmp_path):
    """Kubernetes applies no seccomp profile to a privileged container ("Privileged containers
    always run as Unconfined", Seccomp and Kubernetes): a RuntimeDefault or Localhost profile,
    its own or the pod's, is not applied, as K8S002 reads allowPrivilegeEscalation: false on a
    privileged container. The unprivileged container beside it keeps the pod's profile."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: ops
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  initContainers:
    - name: setup
      image: busybox:1.36
      securityContext:
        privileged: y
        seccompProfile: {type: Localhost, localhostProfile: profiles/agent.json}
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        privileged: true
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: false
""",
    )
    found = scan_rule(tmp_path, "K8S017")
    assert [(f.region.start_line, f.properties["container"]) for f in found] == [
        (8, "agent"),
        (14, "setup"),
    ]
    agent, setup = found
    assert "runs privileged" in setup.message and "Localhost" in setup.message
    assert "inherited from the pod" in agent.message and "Unconfined" in agent.message


def test_k8s017_a_privileged_container_without_a_profile_is_not_saved_by_the_kubelet_default(
    tmp_path,
):
    """The kubelet's seccomp default (RuntimeDefault) is not applied to a privileged container
    either: the message does not offer it as a way out."""
    write_file(
        tmp_path,
        "pod.yaml",
        """\
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: ops}
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext: {privileged: true}
    - name: web
      image: nginx:1.27
""",
    )
    agent, web = scan_rule(tmp_path, "K8S017")
    assert "whatever the kubelet's default" in agent.message
    assert "unless the kubelet defaults to RuntimeDefault" in web.message
