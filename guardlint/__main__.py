from guardlint.cli import run

run()
