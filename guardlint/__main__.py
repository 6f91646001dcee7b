from guardlint.cli import main

main()
