"""A device's free layer as a micromagnetic system, consistent with its macrospin model.

The device file gives ``Hk_eff``, the effective anisotropy field with the thin-film
demagnetization already included (perpendicular devices). The micromagnetic model computes
the shape demagnetization itself, so it needs the *bare* uniaxial anisotropy: for the grid's
own volume-averaged demag factors (N_xx, N_yy, N_zz) of the discretized disk,

    K_u = (mu0 Ms / 2) (Hk_eff + Ms (N_zz - (N_xx + N_yy) / 2))        (J/m^3)

so that a uniformly magnetized disk has exactly ``E(theta) = -(mu0 Ms Hk_eff V / 2) cos^2
theta`` and a small disk the macrospin barrier. In-plane devices (easy axis x) carry their
shape in ``demag_factors``; their ``Hk_eff`` is the bare anisotropy field, K_u = mu0 Ms
Hk_eff / 2 along x, and the computed demag field supplies the shape.
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import K_B, MU0
from ..device import Device
from ..errors import check_range
from .grid import Grid, disk, exchange_length
from .system import System
from .terms import Exchange, Slonczewski, ThermalField, UniaxialAnisotropy, Zeeman

PURPOSE = "the micromagnetic solver (cramsim micromag)"


def device_grid(device: Device, cell: float) -> Grid:
    """The free-layer disk on square cells of about ``cell`` m (one or a few through t)."""
    check_range("cell", cell, "m", 1e-10, 1e-7, what="cell size")
    t = device.free_layer_thickness
    nz = max(1, int(round(t / cell)))  # thin films: one cell through t unless t >= 1.5 cells
    return disk(device.diameter, t, cell, t / nz)


def critical_length(device: Device, K_u: float) -> float:
    """The shortest micromagnetic length, m: exchange length or wall parameter sqrt(A/K_u)."""
    A = device.require("A_ex", PURPOSE)
    lengths = [exchange_length(A, device.Ms)]
    if K_u > 0:
        lengths.append(math.sqrt(A / K_u))
    return min(lengths)


def anisotropy_constant(device: Device, factors) -> float:
    """K_u (J/m^3) reproducing the device's Hk_eff given the grid's demag factors."""
    if device.geometry == "in-plane":
        return 0.5 * MU0 * device.Ms * device.Hk_eff
    n_xx, n_yy, n_zz = factors
    return 0.5 * MU0 * device.Ms * (device.Hk_eff + device.Ms * (n_zz - 0.5 * (n_xx + n_yy)))


def from_device(device: Device, cell: float = 1e-9, current: float = 0.0,
                temperature: float | None = None, alpha: float | None = None) -> System:
    """The micromagnetic free layer of ``device`` on ``cell``-sized cells.

    ``current`` (A, signed as in the macrospin solver) becomes the uniform density I / area;
    ``temperature`` (K) defaults to the device's. Cells larger than the exchange length or
    the wall parameter, A_ex missing or <= 0, or a grid too large for memory raise
    ParameterError.
    """
    A = device.require("A_ex", PURPOSE)
    T = device.temperature if temperature is None else temperature
    g = device_grid(device, cell)
    g.check_memory()
    g.check_cells(exchange_length(A, device.Ms))
    base = System(g, device.Ms, device.alpha if alpha is None else alpha,
                  exchange=Exchange(A))
    factors = base._demag.average_factors()
    K_u = anisotropy_constant(device, factors)
    g.check_cells(critical_length(device, K_u))
    return base.with_(
        anisotropy=UniaxialAnisotropy(K_u, device.easy_axis),
        zeeman=Zeeman(tuple(device.applied_field)),
        stt=Slonczewski(current / device.area, device.polarization, device.easy_axis,
                        device.field_like_ratio),
        thermal=ThermalField(T))


def macrospin_delta_of_grid(device: Device, system: System, temperature=None) -> float:
    """The macrospin Delta on the grid's own (staircase) volume, dimensionless."""
    T = device.temperature if temperature is None else temperature
    return 0.5 * MU0 * device.Ms * device.Hk_eff * system.grid.volume / (K_B * T)


def tilted(system: System, theta: float, axis=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Uniform state at polar angle theta (rad) from the easy axis (tilted toward x or z)."""
    u = np.asarray(axis, float)
    perp = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    return system.uniform(math.cos(theta) * u + math.sin(theta) * perp)
