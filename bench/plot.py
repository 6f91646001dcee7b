"""Draw time vs corpus size for guardlint and checkov from bench.py's results (JSON on stdin).

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


def main() -> None:
    result = json.load(sys.stdin)
    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=120)
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
    figure.tight_layout()
    figure.savefig(sys.argv[1])


if __name__ == "__main__":
    main()
