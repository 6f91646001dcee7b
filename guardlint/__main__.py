"""The `guardlint` command (the console script's function) and `python -m guardlint`."""

import gc
from typing import NoReturn


def run() -> NoReturn:
    """guardlint.cli.run, with the cyclic collector off before the CLI is imported.

    One command, one scan: the collector would walk what the command imports (click's and
    guardlint's modules, their classes and functions) again and again to find it alive, 13 M
    instructions (3%) of a Dockerfile scan while click and the CLI load, 4 ms of a small scan
    after. The scan collects where garbage does pile up (guardlint.parallel.collect_garbage)."""
    gc.disable()
    from guardlint.cli import run as run_command

    run_command()


if __name__ == "__main__":
    run()
