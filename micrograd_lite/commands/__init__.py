"""One module per CLI subcommand, named in cli.COMMANDS; points.py parses their --at and --expect,
arguments.py refuses what they do not accept.
Each subcommand defines `NAME`, `HELP` (one line), `EXAMPLE` (a command line),
`add_arguments(parser)` and `run(args) -> int` (0 ok, 1 check failed); bad input raises
`arguments.BadArgument`, one line naming the argument, which `cli.main` prints and exits 2 on."""
