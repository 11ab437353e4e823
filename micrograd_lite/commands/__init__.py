"""One module per CLI subcommand, named in cli.COMMANDS; points.py parses their --at and --expect.
Each subcommand defines `NAME`, `HELP` (one line), `EXAMPLE` (a command line),
`add_arguments(parser)` and `run(args) -> int` (0 ok, 1 check failed, 2 bad input)."""
