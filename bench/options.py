"""bench/bench.py's command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinds import PEER_NAMES

BENCH_DIR = Path(__file__).resolve().parent


def parse_arguments(description: str) -> argparse.Namespace:
    """The options, `--sizes` as a sorted list of numbers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", default=str(BENCH_DIR.parent.parent / "shared" / "corpus"))
    parser.add_argument("--dockerfile", help="Dockerfile for the cold-start case.")
    parser.add_argument("--reps", type=int, default=3, help="runs per guardlint case")
    parser.add_argument("--checkov-reps", type=int, help="runs per checkov case (default --reps)")
    parser.add_argument(
        "--checkov-scaled-reps", type=int,
        help="runs per checkov case on the 2x/4x copies (they only feed the plot; default "
        "--checkov-reps)",
    )  # fmt: skip
    parser.add_argument("--cold-reps", type=int, default=7, help="runs of the Dockerfile case")
    parser.add_argument("--sizes", default="1,2,4",
                        help="corpus copies to time (1 and 4 give the 4x/1x ratio)")  # fmt: skip
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--skip-peer", action="append", default=[], choices=PEER_NAMES,
                        help="leave out a kind's peer (cfn-lint times no target)")  # fmt: skip
    parser.add_argument("--no-kinds", dest="kinds", action="store_false",
                        help="skip the per-input-kind cases")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    parser.add_argument("--results", default=str(BENCH_DIR / "results"))
    args = parser.parse_args()
    args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    return args
