"""guardlint vs checkov, side by side, on the same inputs (a benchmark, not a test).

    /work/venv/bin/python bench/bench.py                 # everything, 3 repetitions
    /work/venv/bin/python bench/bench.py --reps 1 --sizes 1,4 --no-breakdown   # quicker

Cases, each timed as fresh processes (as CI and pre-commit run them), median of --reps runs
(guardlint and checkov runs interleaved, so load from other users hits both alike):

  corpus      the whole corpus: guardlint with every pack vs checkov's dockerfile,
              kubernetes and cloudformation frameworks
  dockerfile  one Dockerfile, cold start
  size-Nx     the corpus copied N times into a temporary directory (time vs size)
  memory      max RSS of the child process tree's largest process (wait4 rusage) and the
              sampled peak of the whole tree's proportional set size (PSS), for every run

checkov is installed into bench/.venv-checkov on first use. A checkov run that crashes is
recorded as crashed, with the time it ran until it died. Results: bench/results/latest.json,
bench/results/latest.md and bench/results/time_vs_size.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
CHECKOV_VENV = BENCH_DIR / ".venv-checkov"
CHECKOV_FRAMEWORKS = ("dockerfile", "kubernetes", "cloudformation")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

# The targets: guardlint / checkov ratios (or guardlint alone) that must hold.
TARGETS = {
    "corpus_time_ratio": 1 / 15,
    "dockerfile_seconds": 0.35,
    "dockerfile_time_ratio": 1 / 8,
    "size_4x_over_1x": 4.4,
    "memory_ratio": 1 / 3,
}


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the whole tree (load-independent, unlike wall time)
    max_rss_mb: float  # largest single process of the tree (wait4 rusage)
    tree_pss_mb: float  # sampled peak of the tree's summed PSS (RSS where PSS is unreadable)
    exit_code: int
    crashed: bool
    error: str = ""
    report: str = ""  # what the run found, so a fast run can be seen to have done the work


@dataclass
class Case:
    name: str
    tool: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)
    reps: int | None = None  # overrides the repetitions measure() is given

    @property
    def median_seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu_seconds(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def median_max_rss_mb(self) -> float:
        return statistics.median(r.max_rss_mb for r in self.runs)

    @property
    def median_tree_pss_mb(self) -> float:
        return statistics.median(r.tree_pss_mb for r in self.runs)

    @property
    def crashed(self) -> bool:
        return any(r.crashed for r in self.runs)

    def summary(self) -> dict:
        return {
            "name": self.name,
            "tool": self.tool,
            "command": self.command,
            "median_seconds": round(self.median_seconds, 3),
            "median_cpu_seconds": round(self.median_cpu_seconds, 3),
            "median_max_rss_mb": round(self.median_max_rss_mb, 1),
            "median_tree_pss_mb": round(self.median_tree_pss_mb, 1),
            "crashed": self.crashed,
            "report": self.runs[-1].report if self.runs else "",
            "runs": [asdict(r) for r in self.runs],
        }


# --- measuring one process tree ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> int:
    """PSS shares pages between forked workers fairly; RSS where smaps_rollup is unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_KB
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pending, total = [self.pid], 0
            while pending:
                pid = pending.pop()
                total += _memory_kb(pid)
                pending.extend(_children(pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_once(command: list[str], cwd: Path, timeout: float, json_output: Path | None) -> Run:
    """One fresh process: wall time, peak memory, and whether it crashed."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, env=_environment()
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        # wait4, not wait: its rusage is this child's (and its reaped descendants') alone.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        error_text = stderr.read().decode("utf-8", "replace")
    crashed, error = _crash(process.returncode, error_text, json_output)
    return Run(
        seconds=round(seconds, 4),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_pss_mb=round(sampler.peak_kb / 1024, 1),
        exit_code=process.returncode,
        crashed=crashed,
        error=error,
        report="" if crashed or json_output is None else _report_summary(json_output),
    )


def _report_summary(path: Path) -> str:
    """guardlint: findings and files; checkov: failed and passed checks per framework."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return ""
    if isinstance(data, dict) and "summary" in data and "findings" in data:
        summary = data["summary"]
        return f"{summary['findings']} findings, {summary['files']['scanned']} files scanned"
    parts = []
    for report in data if isinstance(data, list) else [data]:
        summary = report.get("summary", {}) if isinstance(report, dict) else {}
        if summary:
            parts.append(
                f"{report.get('check_type')}: {summary.get('failed', 0)} failed, "
                f"{summary.get('passed', 0)} passed"
            )
    return "; ".join(parts)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Keep checkov offline and quiet; harmless for guardlint.
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "", "LOG_LEVEL": "ERROR"})
    env.pop("BC_API_KEY", None)
    return env


def _crash(exit_code: int, stderr: str, json_output: Path | None) -> tuple[bool, str]:
    """Both tools exit 0 (clean) or 1 (findings); anything else, or no report, is a crash."""
    last_error = next(
        (line.strip() for line in reversed(stderr.splitlines()) if "Error" in line), ""
    )
    if exit_code not in (0, 1):
        return True, last_error or f"exit code {exit_code}"
    if json_output is not None:
        try:
            json.loads(json_output.read_text() or "null") or _raise("empty report")
        except (OSError, ValueError) as exc:
            return True, last_error or f"no report: {exc}"
    return False, ""


def _raise(message: str) -> None:
    raise ValueError(message)


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


def ensure_checkov() -> str:
    """checkov's version, installing it into bench/.venv-checkov first if needed."""
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if not checkov.exists():
        print(f"installing checkov into {CHECKOV_VENV} (large, a few minutes) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        pip = [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "checkov"], check=True)
    done = subprocess.run([str(checkov), "--version"], capture_output=True, text=True)
    return done.stdout.strip()


# --- the cases --------------------------------------------------------------------------


def replicate(corpus: Path, copies: int, parent: Path) -> Path:
    target = parent / f"corpus-{copies}x"
    if not target.exists():
        for n in range(copies):
            shutil.copytree(corpus, target / f"copy{n}", symlinks=True)
    return target


def first_dockerfile(corpus: Path) -> Path:
    for path in sorted(corpus.rglob("Dockerfile")):
        if path.is_file():
            return path
    raise SystemExit(f"no Dockerfile under {corpus}")


def measure(cases: list[Case], reps: int, workdir: Path, timeout: float, checkov_reps: int) -> None:
    """Interleave the cases run by run: a burst of load from elsewhere hits every tool."""
    for rep in range(max(reps, checkov_reps, *(c.reps or 0 for c in cases))):
        for case in cases:
            wanted = case.reps or (checkov_reps if case.tool == "checkov" else reps)
            if rep >= wanted:
                continue
            output = _output_path(case, workdir)
            output.unlink(missing_ok=True)
            run = run_once(case.command, workdir, timeout, output)
            case.runs.append(run)
            status = f"CRASHED ({run.error[:80]})" if run.crashed else f"exit {run.exit_code}"
            print(
                f"  {case.name:<22} {case.tool:<18} rep {rep + 1}: {run.seconds:7.2f} s  "
                f"CPU {run.cpu_seconds:6.2f} s  "
                f"max RSS {run.max_rss_mb:6.1f} MB  tree PSS {run.tree_pss_mb:6.1f} MB  {status}",
                flush=True,
            )


def _output_path(case: Case, workdir: Path) -> Path:
    if case.tool.startswith("checkov"):
        # checkov names its file itself inside --output-file-path.
        return Path(case.command[case.command.index("--output-file-path") + 1]) / (
            "results_json.json"
        )
    return Path(case.command[case.command.index("--output") + 1])


def build_cases(args: argparse.Namespace, workdir: Path) -> tuple[list[Case], list[Case]]:
    """(main cases, checkov per-framework breakdown cases)."""
    corpus = Path(args.corpus).resolve()
    dockerfile = Path(args.dockerfile).resolve() if args.dockerfile else first_dockerfile(corpus)
    targets = {"dockerfile": dockerfile}
    for size in args.sizes:
        targets[f"size-{size}x"] = corpus if size == 1 else replicate(corpus, size, workdir)
    cases: list[Case] = []
    for name, target in targets.items():
        out = workdir / "out" / name
        out.mkdir(parents=True, exist_ok=True)
        cases.append(Case(name, "guardlint", guardlint_command(target, out / "guardlint.json")))
        if name == "size-1x":
            serial = guardlint_command(target, out / "guardlint-j1.json", jobs=1)
            cases.append(Case(name, "guardlint --jobs 1", serial))
        if not args.skip_checkov:
            ck_out = out / "checkov"
            ck_out.mkdir(exist_ok=True)
            command = checkov_command(target, ck_out / "x.json")
            scaled = (
                args.checkov_scaled_reps if name.startswith("size-") and name != "size-1x" else None
            )
            cases.append(Case(name, "checkov", command, reps=scaled))
    breakdown: list[Case] = []
    if not args.skip_checkov and args.breakdown:
        for framework in CHECKOV_FRAMEWORKS:
            ck_out = workdir / "out" / f"checkov-{framework}"
            ck_out.mkdir(parents=True, exist_ok=True)
            command = checkov_command(corpus, ck_out / "x.json", (framework,))
            breakdown.append(Case("size-1x", f"checkov {framework}", command))
    return cases, breakdown


# --- reporting --------------------------------------------------------------------------


def _find(cases: list[Case], name: str, tool: str) -> Case | None:
    return next((c for c in cases if c.name == name and c.tool == tool), None)


def comparisons(cases: list[Case]) -> dict:
    def ratio(name: str, attribute: str) -> float | None:
        ours, theirs = _find(cases, name, "guardlint"), _find(cases, name, "checkov")
        if ours is None or theirs is None:
            return None
        return round(getattr(ours, attribute) / getattr(theirs, attribute), 4)

    one, four = _find(cases, "size-1x", "guardlint"), _find(cases, "size-4x", "guardlint")
    dockerfile = _find(cases, "dockerfile", "guardlint")
    figures = {
        "corpus_time_ratio": ratio("size-1x", "median_seconds"),
        "dockerfile_seconds": round(dockerfile.median_seconds, 3) if dockerfile else None,
        "dockerfile_time_ratio": ratio("dockerfile", "median_seconds"),
        "size_4x_over_1x": round(four.median_seconds / one.median_seconds, 3)
        if one and four
        else None,
        "memory_ratio": ratio("size-1x", "median_max_rss_mb"),
        "memory_ratio_tree_pss": ratio("size-1x", "median_tree_pss_mb"),
        "corpus_cpu_ratio": ratio("size-1x", "median_cpu_seconds"),
        "dockerfile_cpu_ratio": ratio("dockerfile", "median_cpu_seconds"),
    }
    checks = {
        key: (figures[key] is not None and figures[key] <= limit) for key, limit in TARGETS.items()
    }
    return {"figures": figures, "targets": TARGETS, "met": checks}


def markdown(result: dict) -> str:
    lines = [
        f"# guardlint vs checkov ({result['started']})",
        "",
        f"Machine: {result['machine']['cpus']} CPUs shared with other users "
        f"(load average {result['machine']['load_before']} before, "
        f"{result['machine']['load_after']} after); {result['machine']['python']}; "
        f"{result['guardlint']['version']} (commit {result['guardlint']['commit']}), "
        f"checkov {result['checkov_version'] or 'not run'}. "
        f"Medians of {result['reps']} runs (checkov: {result['checkov_reps']}, "
        f"{result['checkov_scaled_reps']} on the 2x/4x copies).",
        "",
        "| case | tool | median wall s | median CPU s | max RSS MB | tree PSS MB | crashed "
        "| report |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for case in result["cases"] + result["checkov_breakdown"]:
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
        lines.append(
            f"| {key} | {limit:.3f} | {shown} | {'yes' if comparison['met'][key] else 'NO'} |"
        )
    extra = {k: v for k, v in comparison["figures"].items() if k not in comparison["targets"]}
    lines += [
        "",
        "Other guardlint/checkov ratios: " + ", ".join(f"{k} {v}" for k, v in extra.items()),
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--dockerfile", help="Dockerfile for the cold-start case.")
    parser.add_argument("--reps", type=int, default=3, help="runs per guardlint case")
    parser.add_argument("--checkov-reps", type=int, help="runs per checkov case (default --reps)")
    parser.add_argument(
        "--checkov-scaled-reps", type=int,
        help="runs per checkov case on the 2x/4x copies (they only feed the plot; default "
        "--checkov-reps)",
    )  # fmt: skip
    parser.add_argument("--cold-reps", type=int, default=7, help="runs of the Dockerfile case")
    parser.add_argument(
        "--sizes", default="1,2,4", help="corpus copies to time (comma-separated; 1 and 4 "
        "give the 4x/1x ratio)"
    )  # fmt: skip
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                        help="skip checkov's per-framework runs")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    parser.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args()
    args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    checkov_reps = args.checkov_reps or args.reps

    checkov_version = "" if args.skip_checkov else ensure_checkov()
    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="guardlint-bench-") as temporary:
        workdir = Path(temporary)
        cases, breakdown = build_cases(args, workdir)
        os.sync()  # the corpus copies' writeback must not run during the first timed runs
        cold = [c for c in cases if c.name == "dockerfile"]
        rest = [c for c in cases if c.name != "dockerfile"]
        print(f"one Dockerfile, cold ({args.cold_reps} runs each)", flush=True)
        measure(cold, args.cold_reps, workdir, args.timeout, args.cold_reps)
        print(f"corpus sizes {args.sizes} ({args.reps} runs, checkov {checkov_reps})", flush=True)
        measure(rest, args.reps, workdir, args.timeout, checkov_reps)
        if breakdown:
            print("checkov one framework at a time (1 run each)", flush=True)
            measure(breakdown, 1, workdir, args.timeout, 1)
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
        "checkov_version": checkov_version,
        "cases": [c.summary() for c in cases],
        "checkov_breakdown": [c.summary() for c in breakdown],
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
