"""The floor of a YAML/JSON scan: PyYAML's C composer over every YAML and JSON file of a tree,
in one process, doing nothing with the nodes (bench.py times it beside guardlint --jobs 1).

    python bench/yaml_floor.py DIR
"""

from __future__ import annotations

import os
import sys

import yaml

SUFFIXES = (".yaml", ".yml", ".json", ".template")


def compose_tree(root: str) -> tuple[int, int]:
    """(files composed, files PyYAML rejected) under `root`."""
    composed = rejected = 0
    for directory, _, names in os.walk(root):
        for name in sorted(names):
            if not name.lower().endswith(SUFFIXES):
                continue
            try:
                with open(os.path.join(directory, name), "rb") as handle:
                    for _ in yaml.compose_all(handle, Loader=yaml.CSafeLoader):
                        pass
                composed += 1
            except (yaml.YAMLError, OSError, ValueError):
                rejected += 1
    return composed, rejected


if __name__ == "__main__":
    composed, rejected = compose_tree(sys.argv[1])
    print(f"{composed} composed, {rejected} rejected")
