"""The one input-validation path of the command line: option types checked at parse time.

Every numeric option is declared once with :func:`number` (flag, unit, valid range), every
file read with :func:`data_file`, every file or folder written with :func:`output`. Their
parsers run while the command line is parsed, before any command body, so bad input costs
milliseconds and fails as one :class:`~llg.errors.ParameterError` line naming the flag, the
value, its unit and the valid range (``cramsim.main`` prints it and exits with status 2).
The declarations also write the unit and range into ``--help``, and the guard test
(tests/test_cli_guard.py) reads them back to drive every option with bad values.

Ranges here are the outer limits a value must meet to be used at all (finite, representable,
bounded work); checks that depend on the device or table (the Curie temperature, a table's
grid) stay with the models that know them and run before any heavy computation.
"""
from __future__ import annotations

import math
from pathlib import Path

import typer

from .errors import ParameterError, check_range, out_of_range, range_text

#: Largest seed: numpy's SeedSequence takes any non-negative integer, but HDF5 attributes and
#: JSON consumers hold a signed 64-bit integer.
MAX_SEED = 2**63 - 1


class Number:
    """Parser of one numeric option: finite, in [lo, hi] (ends optionally open), int or float.

    Both ends are required: an unbounded option would let a huge value through to the work.
    """

    def __init__(self, flag: str, unit: str, lo, hi, *, lo_open=False, hi_open=False,
                 integer=False, what=""):
        self.flag, self.unit, self.lo, self.hi = flag, unit, lo, hi
        self.lo_open, self.hi_open, self.integer, self.what = lo_open, hi_open, integer, what

    @property
    def valid(self) -> str:
        return range_text(self.flag, self.unit, self.lo, self.hi, self.lo_open, self.hi_open)

    def accepts(self, value: float) -> bool:
        """Whether a (finite) number lies in the declared range (used by the guard test)."""
        if not math.isfinite(value) or (self.integer and value != int(value)):
            return False
        lo_ok = value > self.lo if self.lo_open else value >= self.lo
        hi_ok = value < self.hi if self.hi_open else value <= self.hi
        return lo_ok and hi_ok

    def _parse(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text) if self.integer else float(text)
        except ValueError:
            pass
        try:
            x = float(text)  # "1e3" for an integer option, or "nan" / "inf"
        except ValueError:
            raise out_of_range(self.flag, text, self.unit, self.valid,
                               "not an integer" if self.integer else "not a number") from None
        if self.integer and math.isfinite(x) and _exact_integer(text):
            return int(x)
        if self.integer and math.isfinite(x):
            raise out_of_range(self.flag, text, self.unit, self.valid, "must be an integer")
        return x

    def __call__(self, value):
        x = self._parse(value)
        if self.integer and isinstance(x, int):
            if not self.accepts(x):
                raise out_of_range(self.flag, x, self.unit, self.valid, self.what)
            return x
        v = check_range(self.flag, x, self.unit, self.lo, self.hi, lo_open=self.lo_open,
                        hi_open=self.hi_open, what=self.what)
        if self.integer:  # a float reached an integer option (a default written as 3.0)
            raise out_of_range(self.flag, x, self.unit, self.valid, "must be an integer")
        return v


def _exact_integer(text: str) -> bool:
    """Whether ``text`` ("1e3", "2.0") is an integer as written, not only after rounding
    ("1e-400" underflows to 0.0 but is not an integer)."""
    import decimal

    try:
        d = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return False
    return d.is_finite() and d == d.to_integral_value()


def _help(text: str, note: str) -> str:
    return f"{text} [{note}]" if text else f"[{note}]"


def number(default, *flags: str, unit: str, lo, hi, lo_open=False, hi_open=False,
           integer=False, what="", help: str = "", **kw):
    """A ``typer.Option`` for a number in ``unit`` within [lo, hi], checked at parse time."""
    parser = Number(flags[0], unit, lo, hi, lo_open=lo_open, hi_open=hi_open, integer=integer,
                    what=what)
    return typer.Option(default, *flags, parser=parser, help=_help(help, parser.valid), **kw)


def seed(help: str = "Random seed (same seed, same result).", default: int = 0):
    """The ``--seed`` option: an integer in 0..MAX_SEED."""
    return number(default, "--seed", unit="", lo=0, hi=MAX_SEED, integer=True, help=help)


class DataFile:
    """Parser of an input data file option: a shipped name or a path, resolved and decoded
    (TOML) or checked to be an HDF5 table at parse time. Returns the value unchanged (str)."""

    def __init__(self, flag: str, kind: str, what: str, suffix: str = ".toml",
                 load: str | None = None):
        self.flag, self.kind, self.what, self.suffix = flag, kind, what, suffix
        self.load = load

    def _validate(self, text: str) -> None:
        """Run the card's own loader ("module:function"), so an empty, truncated or
        wrong-content file fails here, before any work, like a missing one."""
        if self.load is None:
            return
        import importlib

        module, func = self.load.split(":")
        getattr(importlib.import_module(module), func)(text)

    def __call__(self, value):
        if value is None:
            return None
        text = str(value)
        if self.suffix == ".h5":
            if Path(text).suffix.lower() == ".toml":
                raise ParameterError(f"{self.flag} = {text!r} is a TOML file; {self.flag} "
                                     "takes a switching table (.h5) built by `cramsim table "
                                     "build`")
            from .tables.query import open_table

            if Path(text).suffix or "/" in text:  # a path; a bare name is the model's to find
                try:
                    open_table(Path(text))  # reads and checks every dataset
                except ParameterError as exc:
                    raise ParameterError(f"{self.flag}: {exc}") from None
            return text
        from .paths import read_toml, resolve_data_file

        try:
            path = resolve_data_file(self.kind, text, self.what, self.suffix)
            if path.suffix.lower() in (".h5", ".hdf5", ".nc"):
                raise ParameterError(f"{path} is an HDF5 file, not a {self.suffix} "
                                     f"{self.what} file")
            read_toml(path, f"{self.what} file")
            self._validate(text)
        except ParameterError as exc:
            raise ParameterError(f"{self.flag}: {exc}") from None
        return text


def data_file(default, *flags: str, kind: str, what: str, load: str | None = None,
              help: str = "", **kw):
    """A ``typer.Option`` for a data card (TOML in data/<kind>, or a path), checked at parse
    time to exist, decode and pass its loader ``load`` ("module:function")."""
    return typer.Option(default, *flags, parser=DataFile(flags[0], kind, what, load=load),
                        help=help, **kw)


def table_file(default=..., *flags: str, help: str = "Table file (.h5).", **kw):
    """A switching-table (.h5) option, or the PATH argument when no flags are given; checked
    to be a readable cramsim table at parse time."""
    parser = DataFile(flags[0] if flags else "PATH", "tables", "table", ".h5")
    if not flags:
        return typer.Argument(default, parser=parser, help=help, **kw)
    return typer.Option(default, *flags, parser=parser, help=help, **kw)


class Output:
    """Parser of an output path option: writable before any work (llg.outputs.check_output)."""

    def __init__(self, flag: str, kind: str, suffixes: tuple = ()):
        self.flag, self.kind, self.suffixes = flag, kind, suffixes

    def __call__(self, value):
        if value is None:
            return None
        from .outputs import check_output

        return check_output(value, self.flag, self.kind, self.suffixes)


def output(default, *flags: str, kind: str = "file", suffixes: tuple = (), help: str = "",
           **kw):
    """A ``typer.Option`` for a file (kind "file") or folder ("dir") the command writes."""
    return typer.Option(default, *flags, parser=Output(flags[0], kind, suffixes), help=help,
                        **kw)


def parameter_error(exc: BaseException) -> ParameterError | None:
    """The ParameterError a parse-time failure wraps (typer turns a parser's exception into a
    BadParameter whose cause carries it), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ParameterError):
            return exc
        errors = getattr(exc, "errors", None)
        if callable(errors):  # a pydantic ValidationError: the original sits in ctx
            try:
                for e in errors():
                    inner = (e.get("ctx") or {}).get("error")
                    if isinstance(inner, ParameterError):
                        return inner
            except Exception:  # noqa: BLE001 - not a pydantic error after all
                pass
        exc = exc.__cause__ or exc.__context__
    return None


def usage_line(exc) -> str:
    """One line for a command-line usage error (unknown option, missing value, bad choice)."""
    param = getattr(exc, "param", None)
    msg = " ".join(exc.format_message().split())
    if param is not None and getattr(param, "opts", None):
        name = max(param.opts, key=len)
        if name not in msg:
            msg = f"{name}: {msg}"
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    return f"{msg}{where}"


__all__ = ["Number", "DataFile", "Output", "number", "seed", "data_file", "table_file", "output",
           "parameter_error", "usage_line", "MAX_SEED"]
