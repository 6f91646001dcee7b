"""Timing one run of a tool as bench.py measures it: a fresh process tree's wall and CPU time,
its peak memory, and whether it crashed."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


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
    output: Path | None = None  # the JSON report the run writes, when it writes one
    reps: int | None = None  # overrides the repetitions measure() is given
    ok_exit_codes: tuple[int, ...] = (0, 1)  # a run that ends otherwise crashed
    runs: list[Run] = field(default_factory=list)

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


def run_once(case: Case, cwd: Path, timeout: float) -> Run:
    """One fresh process: wall time, peak memory, and whether it crashed."""
    command, json_output = case.command, case.output
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
    crashed, error, report = _judge(process.returncode, case.ok_exit_codes, error_text, json_output)
    return Run(
        seconds=round(seconds, 4),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_pss_mb=round(sampler.peak_kb / 1024, 1),
        exit_code=process.returncode,
        crashed=crashed,
        error=error,
        report=report,
    )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Keep checkov offline and quiet; harmless for guardlint.
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "", "LOG_LEVEL": "ERROR"})
    env.pop("BC_API_KEY", None)
    return env


def _judge(
    exit_code: int, ok_exit_codes: tuple[int, ...], stderr: str, json_output: Path | None
) -> tuple[bool, str, str]:
    """Crashed, the error, and the report's summary. An exit code other than the tool's own
    (guardlint and checkov: 0 clean, 1 findings), or no report, is a crash."""
    last_error = next(
        (line.strip() for line in reversed(stderr.splitlines()) if "Error" in line), ""
    )
    if exit_code not in ok_exit_codes:
        return True, last_error or f"exit code {exit_code}", ""
    if json_output is None:
        return False, "", ""
    # The report is read by a child: its objects would stay in this process's heap, and Linux
    # counts the pre-exec image of every later child (forked from this one) in its max RSS.
    done = subprocess.run(
        [sys.executable, __file__, str(json_output)], capture_output=True, text=True
    )
    verdict = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr}
    if verdict["error"]:
        return True, last_error or f"no report: {verdict['error']}", ""
    return False, "", verdict["summary"]


def _verdict(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text() or "null")
    except (OSError, ValueError) as exc:
        return {"error": str(exc), "summary": ""}
    if not data:
        return {"error": "empty report", "summary": ""}
    return {"error": "", "summary": _report_summary(data)}


def _report_summary(data: object) -> str:
    """guardlint: findings and files; checkov: failed and passed checks per framework."""
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


if __name__ == "__main__":
    print(json.dumps(_verdict(Path(sys.argv[1]))))
