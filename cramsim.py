"""The ``cramsim`` command: wires each package's subcommands into one CLI.

Every command prints a human-readable table by default and JSON with ``--json``. Bad input
(a parameter outside its valid range, an unknown device, a malformed file) prints one line
naming the parameter, its value, unit and valid range, and exits with status 2.
"""
from __future__ import annotations

import sys

import typer

from llg.errors import ParameterError

app = typer.Typer(
    help="cramsim: from the physics of one magnetic tunnel junction to the energy of an "
         "MRAM compute-in-memory system. SI units throughout.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _register_all() -> None:
    from llg import cli as llg_cli
    from validation import cli as validation_cli

    llg_cli.register(app)
    validation_cli.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    _register_all()
    try:
        app(args=argv, prog_name="cramsim")
    except ParameterError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
