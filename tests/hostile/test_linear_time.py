"""Matching is linear in the input: text crafted to make a backtracking regular expression (or
a loop that copies what is left at each step) take quadratic or exponential time is scanned in
a moment, and the file's real finding is still reported. So is a file of many parts that a
loop would compare with each other: instructions, stages, directives, files and removals.

Each case would take minutes with the pattern it replaced; the budget here is a few seconds
of processor time (and before the fix the file timed out: one GL001, its finding lost). The same
inputs, from 1 KB to 1 MB, are timed by bench/redos.py.
"""

from __future__ import annotations

import pytest

from tests.conftest import findings_of, report_text, run_scan, write_file
from tests.hostile.conftest import processor_seconds, run_cli
from tests.hostile.linear_time_cases import BUDGET, CASES, FILE_TIMEOUT, LONG
from tests.hostile.linear_time_findings import FINDING_CASES
from tests.hostile.linear_time_searches import SEARCH_CASES
from tests.hostile.linear_time_secret_files import SECRET_FILE_CASES
from tests.hostile.linear_time_secret_places import SECRET_PLACE_CASES
from tests.hostile.linear_time_shell_lines import SHELL_LINE_CASES

_CASES = (
    CASES | SEARCH_CASES | FINDING_CASES | SHELL_LINE_CASES | SECRET_FILE_CASES | SECRET_PLACE_CASES
)


@pytest.mark.parametrize("case", _CASES, ids=list(_CASES))
def test_hostile_text_is_matched_in_linear_time(case, tmp_path):
    name, text, rule_id = _CASES[case]
    write_file(tmp_path, name, text)
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    elapsed = processor_seconds() - started
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    assert [f.path for f in findings_of(result, rule_id)][:1] == [name]
    assert elapsed < BUDGET


def test_a_hostile_policy_pattern_is_matched_in_linear_time(tmp_path):
    """A repository's own policy pattern that backtracks exponentially in `re` runs on RE2."""
    write_file(
        tmp_path / "policies",
        "org.yaml",
        "pack: org\nrules:\n  - id: ORG900\n    name: odd-image\n    title: Odd image\n"
        "    severity: low\n    category: Policy:Container/Image\n    kinds: [compose]\n"
        "    description: An image name that is not made of pairs of x, then a y.\n"
        "    remediation: Name images that way.\n"
        "    match:\n      select: $.services.*\n"
        "      where: {path: image, not_matches: '^(x+x+)+y$'}\n",
    )
    write_file(tmp_path / "app", "compose.yaml", f"services:\n  web:\n    image: {'x' * LONG}\n")
    started = processor_seconds()
    policies = [str(tmp_path / "policies")]
    result = run_scan(tmp_path / "app", rule_dirs=policies, file_timeout=FILE_TIMEOUT)
    assert [f.path for f in findings_of(result, "ORG900")] == ["compose.yaml"]
    assert processor_seconds() - started < BUDGET


def test_a_hostile_size_in_the_configuration_is_refused_at_once(tmp_path):
    write_file(tmp_path, ".guardlint.yaml", f"max_file_size: '1{' ' * LONG}x'\n")
    completed = run_cli("scan", ".", cwd=tmp_path, timeout=BUDGET * 4)
    assert completed.returncode == 2
    assert "is not a size such as 5MB" in completed.stderr


def test_a_kustomization_s_many_images_rewrite_many_containers_in_linear_time(tmp_path):
    """Every container of a file of thousands looks its image up among a kustomization's
    thousands of `images:` entries and resources (remote ones: guardlint never fetches them, and
    kustomize's load restrictor takes them): by name, once per document for the list."""
    count = 4_000
    resources = "".join(f"  - https://example.com/r{i}.yaml\n" for i in range(count))
    images = "".join(f"  - {{name: app{i}, newTag: latest}}\n" for i in range(count))
    write_file(
        tmp_path, "kustomization.yaml", f"resources:\n{resources}  - web.yaml\nimages:\n{images}"
    )
    containers = "".join(f"        - {{name: c{i}, image: 'app{i}:1.0'}}\n" for i in range(count))
    write_file(
        tmp_path,
        "web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        f"spec:\n  template:\n    spec:\n      containers:\n{containers}",
    )
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"K8S012"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert len(findings_of(result, "K8S012")) == count
    assert processor_seconds() - started < BUDGET


def test_a_hostile_env_file_is_read_in_linear_time(tmp_path):
    """The .env file Compose interpolates (and an env_file) is read in one pass: escaped
    quotes, comment markers, unclosed quotes and many variables, each read once."""
    escaped = '\\"' * (LONG // 4)
    lines = [f'QUOTED="{escaped}"', f"SPACED={' #' * (LONG // 4)}"]
    lines += [f"V{n}=${{V{n - 1}:-${{A:-x}}}}" for n in range(1, 3_000)]
    lines += ["TAG=latest", 'OPEN="' + "x\n" * 10_000]
    _scan_env_project(tmp_path, "\n".join(lines), "    env_file: .env\n")


def test_an_env_file_many_entries_name_is_read_once(tmp_path):
    """Thousands of env_file entries naming one large file (in several spellings) read it and
    look for secrets in it once."""
    filler = "".join(f"SETTING_{n}=value-{n}\n" for n in range(8_000))
    write_file(tmp_path, "app.env", filler + "API_TOKEN=tk_9f8e7d6c5b4a3210\n")
    entries = "".join(f"      - {'./' * (n % 3)}app.env\n" for n in range(20_000))
    compose = f"services:\n  web:\n    image: nginx:1.27\n    env_file:\n{entries}"
    write_file(tmp_path, "compose.yaml", compose)
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"CMP007"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert len(findings_of(result, "CMP007")) == 20_000
    assert processor_seconds() - started < BUDGET


def test_env_file_variables_that_double_each_other_stay_bounded(tmp_path):
    """Each .env variable twice the one before (`A1=${A0}${A0}`) would reach 2**40 characters,
    and a Compose file naming a long one in every value would multiply it again: what
    interpolation adds is bounded, the variables past it left unknown, as the shell's are."""
    lines = ["A0=xxxxxxxxxx"] + [f"A{n}=${{A{n - 1}}}${{A{n - 1}}}" for n in range(1, 41)]
    values = "".join(f"      V{n}: ${{A14}}${{A14}}${{A14}}\n" for n in range(20_000))
    _scan_env_project(tmp_path, "\n".join([*lines, "TAG=latest"]), f"    environment:\n{values}")


def _scan_env_project(tmp_path, env_text: str, service_settings: str) -> None:
    """A .env file, beside a Compose file whose service's image takes its tag from TAG (latest:
    CMP008) and has `service_settings`, scanned within the budget."""
    write_file(tmp_path, ".env", env_text)
    compose = 'services:\n  web:\n    image: "nginx:${TAG}"\n' + service_settings
    write_file(tmp_path, "compose.yaml", compose)
    started = processor_seconds()
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    assert [f.path for f in findings_of(result, "CMP008")] == ["compose.yaml"]
    assert not findings_of(result, "GL001") and not findings_of(result, "GL002")
    assert processor_seconds() - started < BUDGET


def test_a_project_including_thousands_of_files_is_read_once_for_all(tmp_path):
    """Each included file finds its `include:` entry among tens of thousands without going
    through them, the including file parsed once per scan; an entry's long lists of files and
    environment files are cut."""
    names = [f"stack{n}/compose.yaml" for n in range(300)]
    env_files = "[" + ", ".join(["x.env"] * 300) + "]"
    entries = "".join(f"  - path: {name}\n    env_file: {env_files}\n" for name in names)
    entries += "".join(f"  - other{n}/compose.yaml\n" for n in range(30_000))
    write_file(tmp_path, "compose.yaml", f"include:\n{entries}")
    write_file(tmp_path, "x.env", "TAG=latest\n")
    for name in names:
        write_file(tmp_path, name, 'services:\n  web:\n    image: "nginx:${TAG}"\n')
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"CMP008"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert sorted(f.path for f in findings_of(result, "CMP008")) == sorted(names)
    assert processor_seconds() - started < BUDGET


def test_thousands_of_compose_files_in_one_directory_look_for_few_including_files(tmp_path):
    """Each Compose file looks for the file including it among a bounded number of its
    directory's Compose files, each parsed once per scan: thousands of them stay linear."""
    for n in range(2_000):
        write_file(tmp_path, f"compose-{n}.yml", f"include: [compose-{n + 1}.yml]\nservices:\n"
                   '  web:\n    image: "nginx:latest"\n')  # fmt: skip
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"CMP008"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert len(findings_of(result, "CMP008")) == 2_000
    assert processor_seconds() - started < 2 * BUDGET


def test_thousands_of_dockerfiles_under_a_compose_file_of_thousands_of_builds(tmp_path):
    """Each Dockerfile finds the build context a Compose file above gives it among thousands of
    services without going through them, each Compose file parsed once per scan; a directory's
    many Compose files are read a bounded number of them."""
    builds = "".join(
        f"  s{n}:\n    build: {{context: ., dockerfile: d{n % 300}/Dockerfile}}\n"
        for n in range(20_000)
    )
    write_file(tmp_path, "compose.yaml", f"services:\n{builds}")
    for n in range(200):
        write_file(tmp_path, f"docker-compose.{n}.yml", f"services:\n{builds[:2_000]}")
    write_file(tmp_path, ".dockerignore", ".git\n")
    for n in range(300):
        write_file(tmp_path, f"d{n}/Dockerfile", "FROM alpine:3.22\nCOPY . /app\n")
    write_file(tmp_path, "elsewhere/Dockerfile", "FROM alpine:3.22\nCOPY . /app\n")
    started = processor_seconds()
    result = run_scan(tmp_path, only_rules={"DKR026"}, file_timeout=FILE_TIMEOUT, jobs=1)
    assert [f.path for f in findings_of(result, "DKR026")] == ["elsewhere/Dockerfile"]
    assert processor_seconds() - started < 2 * BUDGET


def test_each_of_many_lines_is_searched_for_many_secrets_in_its_own_length():
    """A line's search for the secrets of a file costs the line, not the number of secrets: each
    of a Secret manifest's 100,000 values is looked for among all of them in its own line."""
    from guardlint.findings.literals import Occurrences

    values = [f"value-{n:06}" for n in range(100_000)]
    occurrences = Occurrences(values)
    started = processor_seconds()
    found = [occurrences.find(f"  key{n}: {value}") for n, value in enumerate(values)]
    assert found == [[(len(f"  key{n}: "), value)] for n, value in enumerate(values)]
    assert processor_seconds() - started < BUDGET


def test_a_file_of_many_secrets_is_reported_in_every_format_in_linear_time(tmp_path):
    """Each of a file's tens of thousands of findings is written in every format at a cost of
    its own (ASFF works out each file's repository path once, not once per finding)."""
    from guardlint.report import REPORTERS

    name, text, rule_id = SECRET_FILE_CASES["configmap-many-distinct-secrets"]
    write_file(tmp_path, name, text)
    result = run_scan(tmp_path, file_timeout=FILE_TIMEOUT, jobs=1)
    count = len(findings_of(result, rule_id))
    assert count > 20_000
    started = processor_seconds()
    reports = {output: report_text(output, result) for output in REPORTERS}
    assert processor_seconds() - started < BUDGET
    assert reports["json"].count(f'"rule_id": "{rule_id}"') == count
