"""Kubernetes RBAC checks: wildcards, secret reads, escalation grants, broad bindings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from guardlint.checks.kubernetes.values import meta
from guardlint.checks.registry import check
from guardlint.documents.kubernetes import mapping, sequence
from guardlint.documents.kustomize.builds import namespaces_landed
from guardlint.documents.kustomize.subjects import subject_namespaces
from guardlint.model.documents import Document, Region
from guardlint.model.findings import Hit
from guardlint.model.rules import Rule
from guardlint.parse.located import region_of

_ROLE_KINDS = frozenset({"Role", "ClusterRole"})
_BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})


def _strings_of(rule_: dict, field: str) -> list[str]:
    return [str(item).strip() for item in sequence(rule_.get(field))]


def _aggregated(role: dict) -> bool:
    """A ClusterRole with an aggregationRule (the API server requires a selector in it): the
    controller replaces its rules with those of the ClusterRoles it selects, so the rules
    its manifest writes grant nothing."""
    return bool(sequence(mapping(role.get("aggregationRule")).get("clusterRoleSelectors")))


def _rbac_rules(document: Document) -> Iterator[tuple[int, dict, str]]:
    """(index, rule, resource `ClusterRole x rule 2`) for each rule of a Role/ClusterRole
    that the role grants."""
    if meta(document, "kind") not in _ROLE_KINDS or not isinstance(document.data, dict):
        return
    if meta(document, "kind") == "ClusterRole" and _aggregated(document.data):
        return
    for index, item in enumerate(sequence(document.data.get("rules"))):
        if isinstance(item, dict):
            yield index, item, f"{meta(document, 'resource')} rule {index + 1}"


def _item_region(rule_: dict, field: str, wanted: Iterable[str]) -> Region:
    wanted = set(wanted)
    items = sequence(rule_.get(field))
    for index, item in enumerate(items):
        if str(item).strip() in wanted:
            return region_of(items, index) or region_of(rule_) or Region(1)
    return region_of(rule_, field) or region_of(rule_) or Region(1)


@check("K8S021")
def rbac_wildcard(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S021: `*` in verbs, resources or apiGroups."""
    for index, rule_, resource in _rbac_rules(document):
        fields = [f for f in ("apiGroups", "resources", "verbs") if "*" in _strings_of(rule_, f)]
        if fields:
            yield Hit(
                message=f"Rule {index + 1} of {meta(document, 'resource')} grants `*` in "
                f"{', '.join(fields)}, including every permission added to the API later.",
                region=_item_region(rule_, fields[0], ["*"]),
                resource=resource,
                properties={"wildcards": fields},
            )


def _in_core_group(rule_: dict) -> bool:
    """Whether the rule covers the core API group (secrets, pods, nodes, service accounts);
    a rule with no apiGroups is read as the core group's."""
    return bool({"", "*"} & set(_strings_of(rule_, "apiGroups") or [""]))


_READ_VERBS = frozenset({"get", "list", "watch", "*"})


@check("K8S023")
def rbac_secrets_access(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S023: get/list/watch on secrets, named or as `*` (RBAC matches it to every resource)."""
    for index, rule_, resource in _rbac_rules(document):
        named = [r for r in ("secrets", "*") if r in _strings_of(rule_, "resources")]
        if not named or not _in_core_group(rule_):
            continue
        if sequence(rule_.get("resourceNames")):
            continue  # least privilege: only the named secrets
        verbs = sorted(_READ_VERBS & set(_strings_of(rule_, "verbs")))
        if verbs:
            scope = "Secret" if named[0] == "secrets" else "resource (Secrets included)"
            yield Hit(
                message=f"Rule {index + 1} of {meta(document, 'resource')} allows "
                f"{', '.join(verbs)} on every {scope} in its scope, so its holder can read "
                "every credential stored there.",
                region=_item_region(rule_, "resources", named[:1]),
                resource=resource,
                properties={"verbs": verbs},
            )


# The escalation verbs, each with the API groups and resources it acts on (RBAC matches a
# group or resource by its name or `*`; `userextras/` names every extra's subresource): granted
# on anything else, they authorize nothing.
_ROLES = {"rbac.authorization.k8s.io": ("roles", "clusterroles")}
_ESCALATION_VERBS = {
    "escalate": _ROLES,
    "bind": _ROLES,
    "impersonate": {
        "": ("users", "groups", "serviceaccounts"),
        "authentication.k8s.io": ("uids", "userextras/"),
    },
}
# What RBAC asks about at cluster scope, with no namespace: a Role's rules apply in its own
# namespace only, so a Role that names one of these grants nothing (rbac.md: a Role cannot
# grant access to cluster-scoped resources). Impersonating a user, group, UID or extra is
# asked at cluster scope (a service account in its namespace), escalate on a ClusterRole when
# it is written (bind on one in the namespace of the RoleBinding that references it, so a
# Role can grant that), and nodes are cluster-scoped.
_CLUSTER_SCOPED = {
    "escalate": frozenset({"clusterroles"}),
    "impersonate": frozenset({"users", "groups", "uids", "userextras/"}),
}
_CLUSTER_SCOPED_SUBRESOURCES = frozenset({"nodes/proxy"})

# Subresources (all in the core API group) that run commands in pods or mint tokens, with the
# verbs that allow it (exec and attach also work over a websocket GET; an ephemeral container
# is added to a running pod by updating or patching). RBAC matches one by its name or by
# `*/exec` (that subresource of every resource); `pods/*` is a literal name that matches none.
_ESCALATION_SUBRESOURCES = {
    "pods/exec": {"create", "get", "*"},
    "pods/attach": {"create", "get", "*"},
    "pods/ephemeralcontainers": {"update", "patch", "*"},
    "nodes/proxy": {"create", "get", "*"},
    "serviceaccounts/token": {"create", "*"},
}


@check("K8S024")
def rbac_escalation_verbs(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S024: escalate/bind/impersonate; exec, attach, ephemeral containers, node proxy and
    token creation; verbs `*` on what an escalation verb acts on."""
    namespaced = meta(document, "kind") == "Role"
    subresources = {
        sub: allowed
        for sub, allowed in _ESCALATION_SUBRESOURCES.items()
        if not (namespaced and sub in _CLUSTER_SCOPED_SUBRESOURCES)
    }
    for index, rule_, resource in _rbac_rules(document):
        verbs = set(_strings_of(rule_, "verbs"))
        found_verbs, through_wildcard = _escalation_verbs(rule_, verbs, namespaced)
        found_subresources = [
            resource
            for resource in _strings_of(rule_, "resources")
            if _in_core_group(rule_)
            and any(
                verbs & allowed and resource in (sub, f"*/{sub.split('/')[1]}")
                for sub, allowed in subresources.items()
            )
        ]
        if not found_verbs and not found_subresources:
            continue
        region = (
            _item_region(rule_, "verbs", ["*"] if through_wildcard else found_verbs)
            if found_verbs
            else _item_region(rule_, "resources", found_subresources)
        )
        grants = ", ".join([*found_verbs, *found_subresources])
        how = " (through verbs `*`)" if through_wildcard else ""
        yield Hit(
            message=f"Rule {index + 1} of {meta(document, 'resource')} grants {grants}{how}, "
            "which lets its holder gain permissions it was not given.",
            region=region,
            resource=resource,
            properties={"grants": [*found_verbs, *found_subresources]},
        )


def _escalation_verbs(rule_: dict, verbs: set[str], namespaced: bool) -> tuple[list[str], bool]:
    """(the escalation verbs the rule grants on what they act on, whether only through verbs
    `*`, which counts where the rule names those resources: `*` in resources is K8S021's);
    in a Role (`namespaced`), only on what RBAC asks about in a namespace."""
    targets_of = {
        verb: _in_namespace(verb, targets) if namespaced else targets
        for verb, targets in _ESCALATION_VERBS.items()
    }
    named = [
        verb for verb, targets in targets_of.items() if verb in verbs and _acts_on(rule_, targets)
    ]
    if named or "*" not in verbs:
        return named, False
    wildcard = [
        verb
        for verb, targets in targets_of.items()
        if _acts_on(rule_, targets, every_resource=False)
    ]
    return wildcard, True


def _in_namespace(verb: str, targets: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """`targets` (API group to resources) without those `verb` is asked about at cluster
    scope, which no Role grants."""
    cluster_scoped = _CLUSTER_SCOPED.get(verb, frozenset())
    return {
        group: tuple(name for name in names if name not in cluster_scoped)
        for group, names in targets.items()
    }


def _acts_on(rule_: dict, targets: dict[str, tuple[str, ...]], every_resource: bool = True) -> bool:
    """Whether the rule names one of `targets` (API group to resources) as RBAC matches them
    (`*` in resources too unless not `every_resource`); a rule with no apiGroups is read as
    the core group's."""
    groups = set(_strings_of(rule_, "apiGroups") or [""])
    resources = _strings_of(rule_, "resources")
    return any(
        ("*" in groups or group in groups)
        and any(
            (every_resource and name == "*")
            or name == target
            or (target.endswith("/") and name.startswith(target))
            for name in resources
            for target in names
        )
        for group, names in targets.items()
    )


# The subjects rules.md lists, with the kind each is: the user every request without
# credentials is and the group it is in, and the groups of every service account (of one
# namespace). system:authenticated is not one (binding a narrow role to every signed-in user
# is common, e.g. discovery); cluster-admin to it is caught as cluster-admin. RBAC matches a
# subject by kind and name, so these names under another kind (a User system:serviceaccounts:x,
# a Group system:anonymous) stand for one identity at most, not for everyone.
_BROAD_SUBJECTS = {"system:anonymous": "User", "system:unauthenticated": "Group"}
_SERVICE_ACCOUNT_GROUPS = "system:serviceaccounts"


def _broad_subject(subject: dict) -> str | None:
    """Whom a subject of rules.md's list stands for, or None for one identity (a subject
    with no kind, which the API server refuses, is taken as the kind its name implies)."""
    name = str(subject.get("name", ""))
    kind = subject.get("kind")
    if name in _BROAD_SUBJECTS:
        if kind is not None and kind != _BROAD_SUBJECTS[name]:
            return None
        return "every request that carries no credentials"
    if kind is not None and kind != "Group":
        return None
    if name == _SERVICE_ACCOUNT_GROUPS:
        return "every service account of every namespace"
    if name.startswith(f"{_SERVICE_ACCOUNT_GROUPS}:"):
        return f"every service account of namespace {name.split(':', 2)[2]}"
    return None


@check("K8S022")
def rbac_cluster_admin_binding(document: Document, rule: Rule) -> Iterator[Hit]:
    """K8S022: bindings to cluster-admin, or to anonymous / every user / every service account."""
    if meta(document, "kind") not in _BINDING_KINDS or not isinstance(document.data, dict):
        return
    resource = meta(document, "resource")
    role_ref = mapping(document.data.get("roleRef"))
    subjects = sequence(document.data.get("subjects"))
    namespaces = _Namespaces(document)
    if (
        role_ref.get("name") == "cluster-admin"
        and role_ref.get("kind", "ClusterRole") == "ClusterRole"
    ):
        names = ", ".join(namespaces.subject(mapping(s)) for s in subjects) or "no subject"
        scope = namespaces.scope()
        yield Hit(
            message=f"{resource} grants cluster-admin (full control of {scope}) to "
            f"{names}{namespaces.set_by_builds}.",
            region=region_of(role_ref, "name") or Region(1),
            resource=resource,
        )
    role = f"{role_ref.get('kind', 'role')} {role_ref.get('name', '?')}"
    for index, subject in enumerate(subjects):
        whom = _broad_subject(subject) if isinstance(subject, dict) else None
        if whom:
            yield Hit(
                message=f"{resource} grants {role} to {namespaces.subject(subject)}, i.e. to "
                f"{whom}, not to one identity{namespaces.set_by_builds}.",
                region=region_of(subjects, index) or Region(1),
                resource=resource,
                properties={"subject": str(subject.get("name"))},
            )


_SET_BY_BUILDS = " (namespaces as the kustomizations that build it set them)"


class _Namespaces:
    """The namespaces a binding's message names, as the builds that deploy it set them: a
    kustomization's `namespace:` is set on the binding and on its subjects named `default`,
    whatever their kind (kustomize's namespace transformer, api/filters/namespace, in the
    defaultOnly mode a kustomization runs it in); a ServiceAccount subject of another name
    takes the namespace of the account of that name the same build emits (its namereference
    transformer: guardlint.documents.kustomize.subjects); other subjects keep theirs. The resource
    stays the binding as written, so the fingerprint does not move with its overlays."""

    def __init__(self, binding: Document) -> None:
        self.binding = binding
        self.set_by_builds = ""

    def _landed(self, own: object) -> list[str | None]:
        """Each namespace the builds land it in, given its own as written (sorted: the builds
        are found in the order of a directory walk)."""
        written = own if isinstance(own, str) and own else None
        landed = namespaces_landed(self.binding, written)
        if landed != (written,):
            self.set_by_builds = _SET_BY_BUILDS
        return sorted(landed, key=lambda namespace: (namespace is None, namespace or ""))

    def scope(self) -> str:
        """What the binding's role holds over: a RoleBinding grants it in its namespace only."""
        if meta(self.binding, "kind") == "ClusterRoleBinding":
            return "the cluster"
        own = mapping(mapping(self.binding.data).get("metadata")).get("namespace")
        if own is not None and not isinstance(own, str):
            return f"namespace {own}"
        landed = self._landed(own)
        if landed == [None]:
            return "its namespace"
        return "namespace " + _either(n or "the one it is applied to" for n in landed)

    def subject(self, subject: dict) -> str:
        name = subject.get("name", "?")
        own = subject.get("namespace")
        if name == "default":
            landed = self._landed(own)
        elif subject.get("kind") == "ServiceAccount" and isinstance(name, str):
            # The account of that name the build emits, wherever the build puts it.
            written = own if isinstance(own, str) and own else None
            landed = sorted(
                subject_namespaces(self.binding, name, written),
                key=lambda namespace: (namespace is None, namespace or ""),
            )
            if landed != [written]:
                self.set_by_builds = _SET_BY_BUILDS
        else:
            landed = [own]
        return f"{subject.get('kind', 'subject')} " + _either(
            f"{namespace}/{name}" if namespace else str(name) for namespace in landed
        )


def _either(words: Iterable[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    listed = list(words)
    return " or ".join(filter(None, (", ".join(listed[:-1]), listed[-1])))
