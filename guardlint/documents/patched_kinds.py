"""The kinds of object a patch applied apart from the object (a CDK KubernetesPatch, a
kustomize JSON patch with its target) is read as: those the Kubernetes rules judge, by the
names kubectl knows them by (plural, singular, short) and by kind, with the API version that
serves each now. A patch of another kind is not read."""

from __future__ import annotations

_KINDS = (
    ("v1", "Pod", ("pods", "pod", "po")),
    ("apps/v1", "Deployment", ("deployments", "deployment", "deploy")),
    ("apps/v1", "DaemonSet", ("daemonsets", "daemonset", "ds")),
    ("apps/v1", "StatefulSet", ("statefulsets", "statefulset", "sts")),
    ("apps/v1", "ReplicaSet", ("replicasets", "replicaset", "rs")),
    ("v1", "ReplicationController", ("replicationcontrollers", "replicationcontroller", "rc")),
    ("batch/v1", "Job", ("jobs", "job")),
    ("batch/v1", "CronJob", ("cronjobs", "cronjob", "cj")),
    ("v1", "ConfigMap", ("configmaps", "configmap", "cm")),
    ("v1", "Secret", ("secrets", "secret")),
    ("v1", "Service", ("services", "service", "svc")),
    ("v1", "ServiceAccount", ("serviceaccounts", "serviceaccount", "sa")),
    ("rbac.authorization.k8s.io/v1", "Role", ("roles", "role")),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", ("clusterroles", "clusterrole")),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", ("rolebindings", "rolebinding")),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding",
     ("clusterrolebindings", "clusterrolebinding")),
    ("networking.k8s.io/v1", "Ingress", ("ingresses", "ingress", "ing")),
)  # fmt: skip
# kubectl's names of a kind -> (apiVersion, kind).
BY_KUBECTL_NAME = {name: (api, kind) for api, kind, names in _KINDS for name in names}
# A kind -> the apiVersion that serves it.
API_VERSIONS = {kind: api for api, kind, _ in _KINDS}
