"""Draw bench.py's results (JSON on stdin): time vs corpus size for guardlint and checkov, and
each input kind's wall time with every peer.

Kept apart from bench.py so that matplotlib can live in any environment (the checkov venv
by default) and never becomes a guardlint dependency.

    python bench/plot.py OUT.png < bench/results/latest.json
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

STYLE = {"guardlint": ("tab:green", "o"), "checkov": ("tab:red", "s")}
PEER_COLOURS = {"guardlint": "tab:green", "checkov": "tab:red", "hadolint": "tab:blue",
                "cfn-lint": "tab:orange"}  # fmt: skip


def main() -> None:
    result = json.load(sys.stdin)
    figure, (axis, kinds_axis) = plt.subplots(1, 2, figsize=(13, 4.5), dpi=120)
    _sizes(result, axis)
    _kinds(result, kinds_axis)
    figure.tight_layout()
    figure.savefig(sys.argv[1])


def _kinds(result: dict, axis: plt.Axes) -> None:
    """Per input kind, one bar per tool (log scale: the tools differ by orders of magnitude)."""
    cases = [case for case in result["cases"] if case["name"].startswith("kind-")]
    kinds = list(dict.fromkeys(case["name"] for case in cases))
    width = 0.8 / len(PEER_COLOURS)
    for offset, (tool, colour) in enumerate(PEER_COLOURS.items()):
        points = [(kinds.index(c["name"]), c) for c in cases if c["tool"] == tool]
        if not points:
            continue
        xs = [index + offset * width for index, _ in points]
        seconds = [case["median_seconds"] for _, case in points]
        axis.bar(xs, seconds, width, color=colour, label=tool)
        for x, (_, case) in zip(xs, points, strict=True):
            label = f"{case['median_seconds']:.2f}" + (" (crashed)" if case["crashed"] else "")
            axis.annotate(label, (x, case["median_seconds"]), textcoords="offset points",
                          xytext=(0, 3), ha="center", fontsize=7, rotation=90)  # fmt: skip
    axis.set_yscale("log")
    axis.set_ylim(top=axis.get_ylim()[1] * 6)  # room for the labels above the highest bars
    axis.set_xticks([i + width * 1.5 for i in range(len(kinds))], [k[5:] for k in kinds])
    axis.set_ylabel("median wall time (s, log)")
    axis.set_title("Each input kind of the corpus, same files for every tool", fontsize=10)
    axis.legend(fontsize=8)


def _sizes(result: dict, axis: plt.Axes) -> None:
    for tool, (colour, marker) in STYLE.items():
        points = sorted(
            (int(case["name"].split("-")[1].rstrip("x")), case)
            for case in result["cases"]
            if case["tool"] == tool and case["name"].startswith("size-")
        )
        if not points:
            continue
        sizes = [size for size, _ in points]
        seconds = [case["median_seconds"] for _, case in points]
        crashed = any(case["crashed"] for _, case in points)
        label = f"{tool} (crashed: time until it died)" if crashed else tool
        axis.plot(sizes, seconds, marker=marker, color=colour, label=label)
        for size, value in zip(sizes, seconds, strict=True):
            axis.annotate(f"{value:.1f} s", (size, value), textcoords="offset points",
                          xytext=(0, 7), ha="center", fontsize=8)  # fmt: skip
    axis.set_ylim(0, axis.get_ylim()[1] * 1.1)  # room for the labels above the highest points
    axis.set_xlabel("corpus copies")
    axis.set_ylabel("median wall time (s)")
    axis.set_xticks(result["sizes"])
    axis.set_title(
        f"Scan time vs corpus size ({result['machine']['cpus']} shared CPUs; median of "
        f"{result['reps']} runs, checkov on 2x/4x: "
        f"{result.get('checkov_scaled_reps', result['reps'])})",
        fontsize=10,
    )
    axis.grid(alpha=0.3)
    axis.legend()


if __name__ == "__main__":
    main()
