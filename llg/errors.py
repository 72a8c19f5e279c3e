"""The one exception type users see for bad input.

Every check in cramsim raises :class:`ParameterError` with a message that names the parameter,
the offending value, its unit and the valid range, so the CLI can print it and exit with
status 2 instead of showing a traceback.
"""
from __future__ import annotations


class ParameterError(ValueError):
    """A user-supplied value is missing, of the wrong type or outside its valid range."""


def show_value(value) -> str:
    """A value as the user typed it: plain Python numbers (no ``np.float64(...)``)."""
    try:
        import numpy as np

        if isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover
        pass
    return repr(value)


def _num(x) -> str:
    return str(x) if isinstance(x, int) and not isinstance(x, bool) else f"{x:g}"


def range_text(name: str, unit: str, lo=None, hi=None, lo_open=False, hi_open=False) -> str:
    """``lo <= name <= hi unit`` (open ends with ``<``; a missing end as -inf / inf)."""
    lo_s = "-inf" if lo is None else _num(lo)
    hi_s = "inf" if hi is None else _num(hi)
    valid = f"{lo_s} {'<' if lo_open else '<='} {name} {'<' if hi_open else '<='} {hi_s}"
    return valid + (f" {unit}" if unit and unit != "1" else "")


def out_of_range(name: str, value, unit: str, valid: str, what: str = "") -> ParameterError:
    """Build the standard message: ``name = value unit is invalid (what); valid range: ...``."""
    unit_txt = f" {unit}" if unit and unit != "1" else ""
    what_txt = f" ({what})" if what else ""
    return ParameterError(
        f"{name} = {show_value(value)}{unit_txt} is invalid{what_txt}; valid range: {valid}"
    )


def check_range(name: str, value, unit: str, lo=None, hi=None, *, lo_open=False,
                hi_open=False, what: str = "") -> float:
    """Return ``float(value)`` if it is a finite number inside [lo, hi] (ends optionally open).

    Raises :class:`ParameterError` naming ``name``, the value, ``unit`` and the range otherwise.
    """
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, np.generic) and np.isreal(value):
                value = value.item()
            else:
                raise TypeError
        except TypeError:
            raise ParameterError(
                f"{name} = {value!r} has type {type(value).__name__}; expected a number in "
                f"{unit or 'dimensionless units'}"
            ) from None
    try:
        v = float(value)
    except OverflowError:  # an int beyond float range
        v = math.copysign(math.inf, value)
    valid = range_text(name, unit, lo, hi, lo_open, hi_open)
    if not math.isfinite(v):
        raise out_of_range(name, value, unit, valid, what or "not a finite number")
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise out_of_range(name, value, unit, valid, what)
    if hi is not None and (v > hi or (hi_open and v == hi)):
        raise out_of_range(name, value, unit, valid, what)
    return v


def check_int(name: str, value, unit: str = "", lo: int | None = None,
              hi: int | None = None, what: str = "") -> int:
    """Return ``int(value)`` if it is an integer in [lo, hi]; else a ParameterError that says
    "must be an integer" only for non-integers and states the range for integers outside it."""
    try:
        import numpy as np

        if isinstance(value, np.integer):
            value = int(value)
    except ImportError:  # pragma: no cover
        pass
    valid = range_text(name, unit, lo, hi)
    if isinstance(value, bool) or not isinstance(value, int):
        raise out_of_range(name, value, unit, valid, "must be an integer")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise out_of_range(name, value, unit, valid, what)
    return value


def check_memory(what: str, n_bytes: float, hint: str = "") -> None:
    """Refuse an allocation of ``n_bytes`` (estimate) above :func:`memory_limit`, before it is
    attempted, with the estimate, the limit and what to change."""
    limit = memory_limit()
    if n_bytes > limit:
        raise ParameterError(f"{what} would need about {n_bytes / 2**30:.3g} GiB of memory, "
                             f"more than the limit of {limit / 2**30:.3g} GiB"
                             + (f"; {hint}" if hint else ""))


#: Share of the machine's physical memory one allocation may take (an engineering limit, not a
#: model number: beyond it the out-of-memory killer, not cramsim, would decide).
MEMORY_FRACTION = 0.5


def memory_limit() -> float:
    """Bytes one allocation may take: ``$CRAMSIM_MEMORY_LIMIT`` (bytes) if set, else
    MEMORY_FRACTION of the physical memory (4 GiB if it cannot be read)."""
    import os

    env = os.environ.get("CRAMSIM_MEMORY_LIMIT")
    if env:
        try:
            return float(env)
        except ValueError:
            raise ParameterError(f"CRAMSIM_MEMORY_LIMIT = {env!r} is not a number of bytes") \
                from None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX
        total = 8 * 2**30
    return MEMORY_FRACTION * total
