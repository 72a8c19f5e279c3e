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
    from llg.tables import cli as tables_cli; tables_cli.register(app)  # noqa: E702
    from circuits import cli as circuits_cli; circuits_cli.register(app)  # noqa: E702
    from llg import cli_wer; cli_wer.register(app)  # noqa: E702
    from arrays import cli as arrays_cli; arrays_cli.register(app)  # noqa: E702
    from arrays.crossbar import cli as crossbar_cli; crossbar_cli.register(app)  # noqa: E702


#: Options that take several values. The CLI accepts both ``--current 1e-5 2e-5`` and the
#: repeated form ``--current 1e-5 --current 2e-5`` (click itself knows only the latter).
MULTI_VALUE_OPTIONS = ("--current", "--voltage", "--pulse-width", "--temperature")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def expand_multi_values(argv: list[str]) -> list[str]:
    """Rewrite ``--opt a b c`` as ``--opt a --opt b --opt c`` for MULTI_VALUE_OPTIONS."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        out.append(tok)
        i += 1
        if tok in MULTI_VALUE_OPTIONS and i < len(argv):
            out.append(argv[i])
            i += 1
            while i < len(argv) and _is_number(argv[i]):
                out += [tok, argv[i]]
                i += 1
    return out


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    _register_all()
    args = expand_multi_values(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=args, prog_name="cramsim")
    except ParameterError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
