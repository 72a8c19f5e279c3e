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
    if getattr(app, "_cramsim_registered", False):  # main() may run many times in-process
        return
    app._cramsim_registered = True
    from llg import cli as llg_cli
    from validation import cli as validation_cli

    llg_cli.register(app)
    validation_cli.register(app)
    from llg.tables import cli as tables_cli; tables_cli.register(app)  # noqa: E702
    from circuits import cli as circuits_cli; circuits_cli.register(app)  # noqa: E702
    from llg import cli_wer; cli_wer.register(app)  # noqa: E702
    from arrays import cli as arrays_cli; arrays_cli.register(app)  # noqa: E702
    from arrays.crossbar import cli as crossbar_cli; crossbar_cli.register(app)  # noqa: E702
    from llg.micromag import cli as micromag_cli; micromag_cli.register(app)  # noqa: E702
    from arrays.explore import cli as explore_cli; explore_cli.register(app)  # noqa: E702


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
    """Entry point of the console script.

    Bad input of any kind (a value outside its declared range at parse time, an unknown
    option, an undecodable file, a model's range check) ends as one ``error: ...`` line on
    stderr and exit status 2, never a traceback.
    """
    from llg.cli_params import parameter_error, usage_line

    args = expand_multi_values(list(sys.argv[1:] if argv is None else argv))
    try:
        rv = command().main(args=args, prog_name="cramsim", standalone_mode=False)
    except ParameterError as exc:
        _fail(str(exc))
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # click's usage errors (vendored by typer)
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.ctx.get_help())
            sys.exit(exc.exit_code)
        pe = parameter_error(exc)
        _fail(str(pe) if pe is not None else usage_line(exc))
    if isinstance(rv, int) and not isinstance(rv, bool) and rv:  # typer.Exit(code)
        sys.exit(rv)


_COMMAND = None


def command():
    """The click command of the app, built once per process (building it costs ~40 ms, which
    adds up when main() runs many times in one process, as in the CLI guard test)."""
    global _COMMAND
    if _COMMAND is None:
        _register_all()
        _COMMAND = typer.main.get_command(app)
    return _COMMAND


def _fail(message: str) -> None:
    tqdm_mod = sys.modules.get("tqdm")
    if tqdm_mod is not None:  # end an open progress bar's line before the message
        for bar in list(getattr(tqdm_mod.tqdm, "_instances", ())):
            bar.close()
    typer.echo("error: " + " ".join(message.split()), err=True)
    sys.exit(2)


if __name__ == "__main__":
    main()
