"""A scanned file that names a file outside the scan root (a Compose `env_file: /etc/passwd`,
an `extends` or `include` of `../../base.yml`, a SAM `CodeUri`, a kustomization's resources or
patches) never has it read, and the scan says so: a GL001 note at the line that names it,
naming the reference as written and why, and nothing of what the file holds. Such references
were dropped without a word, and so were the findings the file would have given (a privileged
base service behind `extends`, a password in an env file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardlint.documents.outside_root import (
    MAX_NOTES,
    MAX_REFERENCES,
    OUTSIDE,
    note_references_outside_root,
)
from guardlint.model.documents import DOCUMENT_NOTES, Document, SourceFile
from guardlint.parse.inputs import LEADS_INTO_VERSION_CONTROL as VERSION_CONTROL
from guardlint.parse.inputs import LEADS_OUTSIDE
from tests.conftest import findings_of, run_scan, write_file

# What the files outside the repository hold: none of it may reach a report.
OUTSIDE_TEXT = "PASSWORD=Zq8vR2mK7pLx4TnW9sYb_outside\n"

CASES = {
    "compose env_file": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    env_file: {ref}\n",
        4,
        "env_file",
    ),
    "compose env_file entry": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    env_file:\n      - path: {ref}\n",
        4,
        "env_file",
    ),
    "compose extends": (
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    extends: {{file: {ref}, service: b}}\n",
        4,
        "extends file",
    ),
    "compose build context": (
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: {ref}\n",
        3,
        "build context",
    ),
    "compose include": (
        "compose.yaml",
        "include:\n  - {ref}\nservices:\n  web:\n    image: nginx:1.27\n",
        2,
        "include path",
    ),
    "sam CodeUri": (
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: h.main\n      CodeUri: {ref}\n",
        8,
        "CodeUri",
    ),
    "sam DefinitionUri": (
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n"
        "    Type: AWS::Serverless::Api\n    Properties:\n"
        "      StageName: prod\n      DefinitionUri: {ref}\n",
        7,
        "DefinitionUri",
    ),
    "sam SchemaUri": (
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n"
        "    Type: AWS::Serverless::GraphQLApi\n    Properties:\n"
        "      Auth: {{Type: AWS_IAM}}\n      SchemaUri: {ref}\n",
        7,
        "SchemaUri",
    ),
    "kustomize resources": (
        "kustomization.yaml",
        "resources:\n  - deployment.yaml\n  - {ref}\n",
        3,
        "resources",
    ),
    "kustomize patches": (
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "patches:\n  - path: {ref}\n",
        4,
        "patches",
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_file(tmp_path / "outside", "secrets.env", OUTSIDE_TEXT)
    return tmp_path / "repo"


def _note(repo: Path, name: str, text: str, ref: str) -> tuple[int, str]:
    write_file(repo, name, text.format(ref=ref))
    result = run_scan(repo, root=str(repo))
    notes = [f for f in findings_of(result, "GL001") if ref in f.message]
    assert len(notes) == 1, [f.message for f in result.findings]
    assert OUTSIDE_TEXT.strip() not in str([f.to_dict() for f in result.findings])
    return notes[0].region.start_line, notes[0].message


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_a_reference_out_of_the_root_is_a_note_where_it_is_written(repo, case, how):
    name, text, line, what = CASES[case]
    outside = repo.parent / "outside" / "secrets.env"
    ref = "../outside/secrets.env" if how == "relative" else str(outside)
    assert _note(repo, name, text, ref) == (
        line,
        f"{name}: {what} {ref!r} {OUTSIDE}: the findings it could give are not known here.",
    )


@pytest.mark.parametrize("case", CASES)
def test_a_reference_through_a_link_out_of_the_root_is_a_note(repo, case):
    name, text, line, _ = CASES[case]
    (repo / "linked").mkdir(parents=True)
    (repo / "linked" / "secrets.env").symlink_to(repo.parent / "outside" / "secrets.env")
    found, message = _note(repo, name, text, "linked/secrets.env")
    assert (found, LEADS_OUTSIDE in message) == (line, True)


@pytest.mark.parametrize("ref", ["inside.env", "https://example.com/x.env", "${DIR}/x.env"])
def test_a_reference_inside_the_root_or_to_no_local_file_is_no_note(repo, ref):
    write_file(repo, "inside.env", "A=1\n")
    write_file(
        repo, "compose.yaml", f"services:\n  web:\n    image: nginx:1.27\n    env_file: {ref}\n"
    )
    assert findings_of(run_scan(repo, root=str(repo)), "GL001") == []


def test_a_function_code_file_linked_out_of_the_root_is_a_note(repo):
    """A .py file in a function's CodeUri directory that links out of the root was skipped
    without a word, and so was what bandit (CFN030) would have found in it."""
    write_file(repo.parent / "outside", "handler.py", "import pickle\n")
    write_file(repo, "src/app.py", "x = 1\n")
    (repo / "src" / "linked.py").symlink_to(repo.parent / "outside" / "handler.py")
    name, text, line, _ = CASES["sam CodeUri"]
    write_file(repo, name, text.format(ref="src"))
    notes = findings_of(run_scan(repo, root=str(repo)), "GL001")
    assert [(f.region.start_line, LEADS_OUTSIDE in f.message) for f in notes] == [(line, True)]
    assert "src/linked.py" in notes[0].message


def _function_code(repo: Path) -> list:
    """The CFN030 findings and GL001 notes of a function whose CodeUri is src/."""
    name, text, _, _ = CASES["sam CodeUri"]
    write_file(repo, name, text.format(ref="src"))
    result = run_scan(repo, root=str(repo))
    return findings_of(result, "CFN030") + findings_of(result, "GL001")


def test_a_directory_of_function_code_linked_out_of_the_root_is_a_note(repo):
    """os.walk enters no directory link: one out of the root was passed over in silence."""
    write_file(repo.parent / "outside" / "lib", "handler.py", "import pickle\n")
    write_file(repo, "src/app.py", "x = 1\n")
    (repo / "src" / "lib").symlink_to(repo.parent / "outside" / "lib")
    write_file(repo / ".git" / "hooks", "check.py", "import pickle\n")
    (repo / "src" / "hooks").symlink_to(repo / ".git" / "hooks")
    (repo / "src" / "hook.py").symlink_to(repo / ".git" / "hooks" / "check.py")
    found = {(f.rule_id, f.region.start_line, f.message) for f in _function_code(repo)}
    why = {"src/lib": LEADS_OUTSIDE, "src/hooks": VERSION_CONTROL, "src/hook.py": VERSION_CONTROL}
    assert {(rule, line) for rule, line, _ in found} == {("GL001", 8)} and len(found) == 3
    assert all(any(f"{p}, " in m and w in m for _, _, m in found) for p, w in why.items())


def test_a_directory_of_function_code_linked_inside_the_root_is_analyzed_once(repo):
    """`sam build` copies what a linked directory holds: its code is analyzed, each file once
    however many links lead to it, and a link back up the tree ends."""
    write_file(repo, "shared/handler.py", "import pickle\npickle.loads(b'')\n")
    write_file(repo, "src/app.py", "x = 1\n")
    (repo / "src" / "shared").symlink_to(repo / "shared")
    (repo / "src" / "again").symlink_to(repo / "shared")
    (repo / "src" / "up").symlink_to(repo)
    (repo / "shared" / "loop").symlink_to(repo / "src")
    found = [(f.rule_id, f.path, f.region.start_line) for f in _function_code(repo)]
    assert sorted(set(found)) == sorted(found)
    assert {(rule, path) for rule, path, _ in found} == {("CFN030", "shared/handler.py")}


def test_the_references_judged_and_noted_are_bounded(repo):
    """A thousand references out of the root made a thousand notes (1.9 MB of SARIF from
    24 KB): the first MAX_NOTES are a note each, one more counts the rest judged."""
    listed = "".join(f"  - /elsewhere/{n}.yaml\n" for n in range(MAX_REFERENCES + 50))
    write_file(repo, "kustomization.yaml", "resources:\n" + listed)
    notes = findings_of(run_scan(repo, root=str(repo)), "GL001")
    assert [note.region.start_line for note in notes] == list(range(2, MAX_NOTES + 3))
    assert all(f"'/elsewhere/{n}.yaml'" in notes[n].message for n in range(MAX_NOTES))
    assert notes[-1].message.startswith(
        f"kustomization.yaml: {MAX_REFERENCES - MAX_NOTES} more references from line "
        f"{MAX_NOTES + 2} on lead out of the scan root, never read"
    )


def test_services_that_name_no_file_do_not_use_up_the_bound(repo):
    """Only written paths count: a service without env_file, extends or build is none."""
    services = "".join(f"  s{n}:\n    image: nginx:1.27\n" for n in range(MAX_REFERENCES))
    write_file(repo, "compose.yaml", f"services:\n{services}  last:\n    env_file: /etc/passwd\n")
    notes = findings_of(run_scan(repo, root=str(repo)), "GL001")
    assert ["'/etc/passwd'" in note.message for note in notes] == [True]


# Keys the references are read under, so that arbitrary shapes reach them.
KEYS = st.sampled_from(
    ["services", "include", "path", "env_file", "project_directory", "extends", "file",
     "build", "context", "Resources", "Type", "Properties", "CodeUri", "apiVersion",
     "resources", "patches", "AWS::Serverless::Function", "kustomize.config.k8s.io/v1"]
) | st.integers() | st.none()  # fmt: skip
SHAPES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | KEYS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["compose", "cloudformation", "kubernetes"]), SHAPES)
def test_any_shape_of_document_is_judged_without_an_exception(tmp_path_factory, kind, data):
    root = tmp_path_factory.getbasetemp()
    source = SourceFile(str(root / "a" / "compose.yaml"), "a/compose.yaml", "structured", str(root))
    document = Document(kind, "a/compose.yaml", data, [], source=source)
    note_references_outside_root(document)
    assert len(document.meta.get(DOCUMENT_NOTES, [])) <= MAX_REFERENCES
