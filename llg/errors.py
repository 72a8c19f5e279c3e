"""The one exception type users see for bad input.

Every check in cramsim raises :class:`ParameterError` with a message that names the parameter,
the offending value, its unit and the valid range, so the CLI can print it and exit with
status 2 instead of showing a traceback.
"""
from __future__ import annotations


class ParameterError(ValueError):
    """A user-supplied value is missing, of the wrong type or outside its valid range."""


def out_of_range(name: str, value, unit: str, valid: str, what: str = "") -> ParameterError:
    """Build the standard message: ``name = value unit is outside valid (what)``."""
    unit_txt = f" {unit}" if unit and unit != "1" else ""
    what_txt = f" ({what})" if what else ""
    return ParameterError(
        f"{name} = {value!r}{unit_txt} is invalid{what_txt}; valid range: {valid}"
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
    v = float(value)
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    valid = f"{lo_s} {'<' if lo_open else '<='} {name} {'<' if hi_open else '<='} {hi_s}"
    if unit and unit != "1":
        valid += f" {unit}"
    if not math.isfinite(v):
        raise out_of_range(name, value, unit, valid, what)
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise out_of_range(name, value, unit, valid, what)
    if hi is not None and (v > hi or (hi_open and v == hi)):
        raise out_of_range(name, value, unit, valid, what)
    return v
