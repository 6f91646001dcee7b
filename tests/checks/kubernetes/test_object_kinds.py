"""Kubernetes rules that judge objects of some kinds only declare those kinds as their
`resource_types` (guardlint.documents.kubernetes.object_kind), those that judge pods only the
type of every object that runs pods (RUNS_PODS), and the engine runs them on no other object.
Each declaration must hold: on every object of another kind (fixtures, the rules' examples,
the corpus), the rule's check reports nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from guardlint.checks.registry import check_for
from guardlint.discover import discover
from guardlint.documents import parse_file
from guardlint.documents.kubernetes import RUNS_PODS, object_kind
from guardlint.engine.rule_runner import RuleRunner
from guardlint.model.documents import Document
from guardlint.model.rules import Rule
from tests.checks.test_registry import builtin_rules
from tests.conftest import run_scan, write_file
from tests.hostile.test_filesystem import CORPUS

FIXTURES = Path(__file__).parents[3] / "fixtures"
ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: shop}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
"""
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n"
# A custom resource with a pod template at spec.template: a kind no rule names.
ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: nginx}]
"""


def _objects(directory: Path) -> Iterator[Document]:
    found = discover([str(directory)], str(directory), [], None, False)
    for source in found.files:
        yield from (d for d in parse_file(source).documents if d.kind == "kubernetes")


def _reported_on_other_kinds(rule: Rule, objects: list[Document]) -> list[str]:
    """The paths of the objects of kinds the rule does not declare that its check reports on."""
    check = check_for(rule)
    others = (o for o in objects if object_kind(o).isdisjoint(rule.resource_types))
    return [o.rel_path for o in others if list(check(o, rule))]


def test_on_an_object_of_another_kind_a_rule_finds_nothing(tmp_path):
    rules = [rule for rule in builtin_rules() if rule.pack == "kubernetes" and rule.resource_types]
    assert {rule.id for rule in rules} >= {"K8S021", "K8S025"}
    for rule in rules:
        for label, text in rule.examples.items():
            write_file(tmp_path, f"{rule.id}-{label}.yaml", text)
    objects = [o for where in (tmp_path, FIXTURES, *([CORPUS] if CORPUS else [])) for o in
               _objects(where)]  # fmt: skip
    assert len(objects) > (700 if CORPUS else 100)
    wrong = {rule.id: found for rule in rules if (found := _reported_on_other_kinds(rule, objects))}
    assert not wrong, f"reported on objects of other kinds: {wrong}"


def test_a_rule_runs_only_on_objects_of_its_kinds(tmp_path, monkeypatch):
    runs: list[tuple[str, str]] = []
    real_hits = RuleRunner.hits

    def recorded_hits(runner, rule, document):
        runs.append((rule.id, document.meta["kind"]))
        return real_hits(runner, rule, document)

    monkeypatch.setattr(RuleRunner, "hits", recorded_hits)
    write_file(tmp_path, "role.yaml", ROLE)
    write_file(tmp_path, "pod.yaml", POD)
    result = run_scan(tmp_path, jobs=1)
    assert [f.path for f in result.findings if f.rule_id == "K8S021"] == ["role.yaml"]
    assert [kind for rule_id, kind in runs if rule_id == "K8S021"] == ["Role"]
    # K8S016 declares no kinds: it runs on every object
    assert sorted(kind for rule_id, kind in runs if rule_id == "K8S016") == ["Pod", "Role"]
    # K8S001 declares pods: it runs on the object that runs one, whatever its kind
    assert [kind for rule_id, kind in runs if rule_id == "K8S001"] == ["Pod"]


def test_an_object_that_runs_pods_has_their_type_whatever_its_kind(tmp_path):
    write_file(tmp_path, "pod.yaml", POD)
    write_file(tmp_path, "role.yaml", ROLE)
    write_file(tmp_path, "rollout.yaml", ROLLOUT)
    kinds = {o.rel_path: object_kind(o) for o in _objects(tmp_path)}
    assert kinds == {
        "pod.yaml": {"Pod", RUNS_PODS},
        "role.yaml": {"Role"},
        "rollout.yaml": {"Rollout", RUNS_PODS},
    }


def test_a_declaration_that_leaves_out_a_kind_the_check_judges_is_caught(tmp_path):
    (rule,) = [rule for rule in builtin_rules() if rule.id == "K8S025"]
    write_file(tmp_path, "secret.yaml", rule.examples["bad"])
    rule.resource_types = frozenset({"ConfigMap"})  # it judges Secrets
    assert _reported_on_other_kinds(rule, list(_objects(tmp_path))) == ["secret.yaml"]
