"""Circuit elements: the MTJ (state- and bias-dependent) and the access transistor.

Every element is a two-terminal branch with a current law ``i(v)`` (A, from terminal a to b
for a voltage ``v = V_a - V_b`` in V) and its derivative ``di/dv`` (S), evaluated on numpy
arrays so the nodal solver can treat a whole batch of networks at once.

MTJ: the resistance law is the one the solver integrates, :func:`llg.kernels.mtj_resistance`
(called here, not re-derived)::

    G(theta, V) = G_P (1 + cos theta)/2 + G_AP(V) (1 - cos theta)/2,
    G_AP(V) = G_P / (1 + TMR(V)),   TMR(V) = TMR0 / (1 + (V / V_half)^2),

with ``R_P = RA / area`` from :class:`llg.device.Device`. A circuit MTJ is in a stable state,
P (cos = +1, logic 0) or AP (cos = -1, logic 1); the bias dependence makes the AP branch
non-linear and symmetric in V. ``bias_dependent=False`` sets V_half = inf (constant TMR0),
the setting of the analytic CRAM window.

Access transistor (documented model, parameters from :mod:`circuits.technology`):

* ``linear``: ``i = v / R_on``;
* ``saturating``: ``i = I_sat tanh(v / (R_on I_sat))``, slope ``1/R_on`` at small bias and
  current limited to ``I_sat`` (a smooth stand-in for triode -> saturation, symmetric in v
  because the access device conducts both ways);
* ``ideal``: a short (the network merges its nodes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from llg import kernels as _kernels
from llg.device import Device, load_device
from llg.errors import ParameterError

from .gates import COS_OF_STATE

#: The pure-Python body of the solver's numba resistance law (same code, numpy broadcasting).
_mtj_resistance = _kernels.mtj_resistance.py_func
#: Relative step of the central difference used for dI/dV of the MTJ (only Newton's
#: Jacobian uses it; the solution is fixed by the exact current law).
_DV = 1e-6


@dataclass(frozen=True)
class MTJElement:
    """An MTJ as a circuit element (SI): zero-bias P conductance, TMR0, V_half."""

    g_p: float
    tmr0: float
    v_half: float

    @classmethod
    def from_device(cls, device, bias_dependent: bool = True) -> "MTJElement":
        """From a :class:`~llg.device.Device` (or shipped device name)."""
        dev = device if isinstance(device, Device) else load_device(device)
        return cls(1.0 / dev.r_p, dev.TMR0, dev.V_half if bias_dependent else math.inf)

    def __post_init__(self):
        if not (self.g_p > 0 and math.isfinite(self.g_p)):
            raise ParameterError(f"MTJ conductance g_p = {self.g_p!r} S must be positive "
                                 "(R_P = RA / area > 0)")
        if not self.tmr0 >= 0:
            raise ParameterError(f"TMR0 = {self.tmr0!r} must be >= 0")
        if not self.v_half > 0:
            raise ParameterError(f"V_half = {self.v_half!r} V must be > 0 (inf: no bias "
                                 "dependence)")

    @property
    def r_p(self) -> float:
        """P-state resistance, ohm (bias independent in this law)."""
        return 1.0 / self.g_p

    def r_ap(self, v=0.0):
        """AP-state resistance at bias v (V), ohm."""
        return self.resistance(-1.0, v)

    def resistance(self, cos_theta, v):
        """R(theta, V), ohm: :func:`llg.kernels.mtj_resistance`."""
        return _mtj_resistance(np.asarray(cos_theta, dtype=float), np.asarray(v, dtype=float),
                               self.g_p, self.tmr0, self.v_half)

    def current(self, cos_theta, v):
        """I = V / R(theta, V), A."""
        v = np.asarray(v, dtype=float)
        return v / self.resistance(cos_theta, v)

    def current_and_slope(self, cos_theta, v):
        """(I, dI/dV) in (A, S); the slope by a central difference of the exact law."""
        v = np.asarray(v, dtype=float)
        h = _DV * np.maximum(1.0, np.abs(v))
        i = self.current(cos_theta, v)
        g = (self.current(cos_theta, v + h) - self.current(cos_theta, v - h)) / (2.0 * h)
        return i, g

    def state_resistance(self, state: str, v=0.0):
        """Resistance of a named state ("P" or "AP") at bias v, ohm."""
        return self.resistance(COS_OF_STATE[state], v)


@dataclass(frozen=True)
class TransistorElement:
    """Access transistor: model, on-resistance R_on (ohm), saturation current I_sat (A)."""

    model: str
    r_on: float
    i_sat: float = math.inf

    def __post_init__(self):
        if self.model not in ("ideal", "linear", "saturating"):
            raise ParameterError(f"transistor model = {self.model!r}; choose ideal, linear or "
                                 "saturating")
        if not self.r_on >= 0 or (self.model != "ideal" and not self.r_on > 0):
            raise ParameterError(f"transistor R_on = {self.r_on!r} ohm must be > 0 (negative "
                                 "resistances are not physical)")
        if self.model == "saturating" and not (self.i_sat > 0):
            raise ParameterError(f"transistor I_sat = {self.i_sat!r} A must be > 0")

    @classmethod
    def from_technology(cls, tech) -> "TransistorElement":
        return cls(tech.transistor_model, tech.transistor_r_on, tech.transistor_i_sat)

    @property
    def is_short(self) -> bool:
        return self.model == "ideal"

    def current_and_slope(self, v):
        """(I, dI/dV) in (A, S)."""
        v = np.asarray(v, dtype=float)
        if self.model == "linear":
            g = 1.0 / self.r_on
            return v * g, np.full_like(v, g)
        x = v / (self.r_on * self.i_sat)
        th = np.tanh(x)
        # deep in saturation 1 - tanh^2 underflows; a floor keeps Newton's Jacobian regular
        # (it changes only the iteration path, never the solution i(v) itself)
        return self.i_sat * th, np.maximum(1.0 - th * th, 1e-12) / self.r_on


def check_resistance(name: str, value) -> float:
    """A resistance (ohm) must be a finite number >= 0: negative ones are refused."""
    try:
        r = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} must be a resistance in ohm") from None
    if not math.isfinite(r) or r < 0:
        raise ParameterError(f"{name} = {value!r} ohm is invalid; valid range: 0 <= {name} < "
                             "inf ohm (negative resistances are not physical)")
    return r
