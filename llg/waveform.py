"""Drive waveforms: a current or voltage pulse with finite rise and fall times.

The same jitted ``pulse_shape`` evaluates the pulse in the kernel and here, so what you plot is
what the solver used.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ParameterError, check_range
from .kernels import pulse_shape

_KINDS = ("current", "voltage")


@dataclass(frozen=True)
class Pulse:
    """A trapezoidal pulse (or a constant, with ``width = inf``).

    Parameters
    ----------
    amplitude : A for ``kind="current"``, V for ``kind="voltage"``. Signed: a positive current
        drives the free layer toward the reference direction (AP -> P).
    width : s, full width at half maximum (``inf``: stays on).
    rise, fall : s, linear ramp times (10-90 % is 0.8 of these).
    delay : s, start of the rise.
    kind : "current" (ideal current source) or "voltage" (source behind ``series_resistance``).
    series_resistance : ohm, access transistor plus lines, in series with the MTJ.
    """

    amplitude: float
    width: float = math.inf
    rise: float = 0.0
    fall: float = 0.0
    delay: float = 0.0
    kind: str = "current"
    series_resistance: float = 0.0

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ParameterError(f"pulse kind = {self.kind!r} is invalid; choose one of "
                                 f"{', '.join(_KINDS)}")
        unit = "A" if self.kind == "current" else "V"
        check_range("amplitude", self.amplitude, unit, -1.0 if unit == "A" else -100.0,
                    1.0 if unit == "A" else 100.0, what=f"pulse {self.kind}")
        for name in ("rise", "fall", "delay"):
            check_range(name, getattr(self, name), "s", 0.0, 1.0, what="pulse timing")
        if not (self.width == math.inf):
            check_range("pulse_width", self.width, "s", 0.0, 1.0, lo_open=True,
                        what="full width at half maximum")
            if self.width < 0.5 * (self.rise + self.fall):
                raise ParameterError(
                    f"pulse_width = {self.width:g} s is shorter than (rise + fall)/2 = "
                    f"{0.5 * (self.rise + self.fall):g} s; a trapezoid needs width >= "
                    f"(rise + fall)/2")
        check_range("series_resistance", self.series_resistance, "ohm", 0.0, 1e9)

    @property
    def end(self) -> float:
        """Time at which the pulse is back to zero, s (inf for a constant)."""
        return self.delay + 0.5 * self.rise + self.width + 0.5 * self.fall

    def shape(self, t) -> np.ndarray:
        """Normalized waveform 0..1 at times t (s)."""
        t = np.asarray(t, dtype=float)
        out = np.array([pulse_shape(x, self.delay, self.rise, self.width, self.fall)
                        for x in t.ravel()])
        return out.reshape(t.shape)

    def value(self, t) -> np.ndarray:
        """Source value (A or V) at times t (s)."""
        return self.amplitude * self.shape(t)


def current_pulse(amplitude: float, width: float = math.inf, *, rise: float = 0.0,
                  fall: float = 0.0, delay: float = 0.0,
                  series_resistance: float = 0.0) -> Pulse:
    """A current pulse of ``amplitude`` A and FWHM ``width`` s from an ideal current source."""
    return Pulse(amplitude, width, rise, fall, delay, "current", series_resistance)


def voltage_pulse(amplitude: float, width: float = math.inf, *, rise: float = 0.0,
                  fall: float = 0.0, delay: float = 0.0,
                  series_resistance: float = 0.0) -> Pulse:
    """A voltage pulse of ``amplitude`` V across the MTJ in series with ``series_resistance``."""
    return Pulse(amplitude, width, rise, fall, delay, "voltage", series_resistance)


NO_DRIVE = current_pulse(0.0)
