from frontlines.cli import main

main()
