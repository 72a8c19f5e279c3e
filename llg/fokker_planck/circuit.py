"""FP with a state-dependent current: the MTJ driven by a voltage through a series resistance.

A voltage source V behind ``R_series`` (access transistor, lines, the rest of a gate's network
as its Thevenin resistance) drives the current ``I(u) = V / (R_series + R(u, V_mtj))`` through
the MTJ, with the resistance law the LLG kernel integrates (:func:`llg.kernels.mtj_resistance`,
conductance linear in u = cos(theta), bias-dependent TMR) and the MTJ bias ``V_mtj = I R``
solved self-consistently. The reduced drift of :mod:`.model` becomes
``Phi'(u) = 2 Delta (u + h + i(u))``, ``i(u) = i_per_ampere I(u)``, so in v = target u::

    Phi(v) = Delta [ (v + target h)^2 + 2 target int_{-1}^{v} i(target v') dv' ],

which reduces to ``Delta (v + c)^2`` (plus a constant) for a constant current. The integral is
a cumulative trapezoid on 4097 points (error ~1e-6 in Phi at Delta = 64) interpolated
linearly to the cells and quadrature points of :class:`.discretization.Grid`. As the magnet
switches its resistance changes and with it the current: the coupling the constant-current
solver leaves out (P -> AP: the current falls as R rises).
"""
from __future__ import annotations

import numpy as np

from ..device import Device
from ..errors import ParameterError, check_range
from .forward import (SwitchingResult, _check_widths, _relaxation_default, default_cells,
                      solve_pair)
from .model import DIRECTIONS, ReducedModel

_N_DENSE = 4097
_BIAS_ITER = 40


def mtj_current(device: Device, voltage: float, series_resistance: float, u) -> np.ndarray:
    """I(u) (A, signed like ``voltage``) through the MTJ at cos(theta) = u (array)."""
    from ..kernels import mtj_resistance

    law = mtj_resistance.py_func
    u = np.asarray(u, dtype=float)
    g_p = 1.0 / device.r_p
    v_m = np.full_like(u, float(voltage))
    for _ in range(_BIAS_ITER):  # contraction (see llg.kernels.drive_state)
        r = law(u, v_m, g_p, device.TMR0, device.V_half)
        v_m = voltage * r / (r + series_resistance)
    r = law(u, v_m, g_p, device.TMR0, device.V_half)
    return voltage / (r + series_resistance)


def voltage_potential(model: ReducedModel, target: int, current_of_u):
    """Phi(v) as a vectorized function for a state-dependent current ``current_of_u(u)`` (A)."""
    v = np.linspace(-1.0, 1.0, _N_DENSE)
    i_red = model.i_per_ampere * current_of_u(target * v)
    integral = np.concatenate([[0.0], np.cumsum(0.5 * (i_red[1:] + i_red[:-1]) * np.diff(v))])
    d, c_h = model.delta, target * model.h

    def phi(x):
        x = np.asarray(x, dtype=float)
        return d * ((x + c_h) ** 2 + 2.0 * target * np.interp(x.ravel(), v, integral)
                    .reshape(x.shape))
    return phi


def voltage_switching(device: Device, voltage: float, series_resistance: float, pulse_width, *,
                      direction: str | None = None, relaxation: float | None = None,
                      n_cells: int | None = None) -> SwitchingResult:
    """WER and P_sw (each computed directly) after a rectangular voltage pulse.

    voltage : V, signed (positive drives AP -> P, as a positive current).
    series_resistance : ohm, >= 0. pulse_width : s, scalar or array. direction, relaxation,
    n_cells : as :func:`.forward.write_error_rate` (the direction must match the sign).
    """
    model = ReducedModel.from_device(device)
    voltage = check_range("voltage", voltage, "V", -10.0, 10.0)
    if voltage == 0.0:
        raise ParameterError("voltage = 0 V drives no switching; give a signed voltage "
                             "(positive for AP-P, negative for P-AP)")
    rs = check_range("series_resistance", series_resistance, "ohm", 0.0, 1e9)
    implied = "AP-P" if voltage > 0 else "P-AP"
    if direction is not None and direction != implied:
        raise ParameterError(f"voltage = {voltage:g} V has the wrong sign for direction "
                             f"{direction} (positive drives AP -> P)")
    widths = _check_widths(pulse_width)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    target = DIRECTIONS[implied][2]
    phi = voltage_potential(model, target,
                            lambda u: mtj_current(device, voltage, rs, u))
    wer, psw, we, pe = solve_pair(model, target, n, relax, widths / model.tau_d,
                                  lambda solver: solver.grid.operator_phi(phi))
    return SwitchingResult(implied, widths, relax, wer, psw, we, pe, (n, 2 * n),
                           {"voltage": float(voltage), "series_resistance": rs})
