"""The micromagnetic energy and torque terms, each declared once with its equation and units.

Each conservative term gives its energy ``E(m)`` (J) in numpy, the reference against which
the fused numba field (llg.micromag.kernels) is tested: ``H_i = -dE/dm_i / (mu0 Ms V_cell)``.
A term's ``pack(P, Ms)`` writes its parameters into the kernel's vector.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import E_CHARGE, GAMMA_E, HBAR, K_B, MU0
from ..errors import check_range
from . import kernels as K
from .grid import Grid


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


@dataclass(frozen=True)
class Exchange:
    """Heisenberg exchange, stiffness ``A_ex`` (J/m): ``E = A_ex integral |grad m|^2``.

    Discretized as ``sum_pairs 2 A_ex V_cell / d^2 (1 - m_i . m_j)`` over nearest-neighbour
    magnetic cells (free boundaries); field ``2 A_ex / (mu0 Ms d^2) sum_j (m_j - m_i)``.
    """

    A_ex: float

    def __post_init__(self):
        check_range("A_ex", self.A_ex, "J/m", 0.0, 1e-9, lo_open=True,
                    what="exchange stiffness")

    def pack(self, P, Ms, grid: Grid):
        for idx, d in ((K.P_CX, grid.dx), (K.P_CY, grid.dy), (K.P_CZ, grid.dz)):
            P[idx] = 2.0 * self.A_ex / (MU0 * Ms * d * d)

    def energy(self, m, grid: Grid, Ms) -> float:
        e = 0.0
        mask = grid.mask
        for ax, d in ((3, grid.dx), (2, grid.dy), (1, grid.dz)):
            n = m.shape[ax]
            if n < 2:
                continue
            a = [slice(None)] * 4
            b = [slice(None)] * 4
            a[ax], b[ax] = slice(0, n - 1), slice(1, n)
            both = mask[tuple(a[1:])] & mask[tuple(b[1:])]
            dot = (m[tuple(a)] * m[tuple(b)]).sum(axis=0)
            e += 2.0 * self.A_ex * grid.cell_volume / d ** 2 * (1.0 - dot)[both].sum()
        return e


@dataclass(frozen=True)
class UniaxialAnisotropy:
    """``E = -K_u V_cell sum_i (m_i . u)^2`` (K_u in J/m^3); field ``2 K_u/(mu0 Ms) (m.u) u``."""

    K_u: float
    axis: tuple = (0.0, 0.0, 1.0)

    def pack(self, P, Ms, grid):
        P[K.P_HK] = 2.0 * self.K_u / (MU0 * Ms)
        P[K.P_U:K.P_U + 3] = _unit(self.axis)

    def energy(self, m, grid, Ms) -> float:
        mu = np.einsum("c...,c->...", m, _unit(self.axis))
        return -self.K_u * grid.cell_volume * (mu[grid.mask] ** 2).sum()


@dataclass(frozen=True)
class Zeeman:
    """Uniform applied field H (A/m): ``E = -mu0 Ms V_cell sum_i m_i . H``."""

    H: tuple = (0.0, 0.0, 0.0)

    def pack(self, P, Ms, grid):
        P[K.P_HAPP:K.P_HAPP + 3] = self.H

    def energy(self, m, grid, Ms) -> float:
        return -MU0 * Ms * grid.cell_volume * np.einsum(
            "c...,c->...", m, np.asarray(self.H, float))[grid.mask].sum()


@dataclass(frozen=True)
class Slonczewski:
    """Spin-transfer torque of a uniform current density J (A/m^2) through the film.

    ``a_J = hbar eta J / (2 e mu0 Ms t)`` (A/m), damping-like torque
    ``gamma mu0 a_J m x (m x p)`` plus a field-like one ``beta`` times it (Slonczewski, JMMM
    159, L1 (1996)); the macrospin's ``stt_field_per_ampere`` times I with J = I / area.
    A positive J drives m toward +p.
    """

    J: float = 0.0
    eta: float = 0.6
    p: tuple = (0.0, 0.0, 1.0)
    beta: float = 0.0

    def a_j(self, Ms, thickness) -> float:
        """Slonczewski torque field a_J, A/m."""
        return HBAR * self.eta * self.J / (2.0 * E_CHARGE * MU0 * Ms * thickness)

    def pack(self, P, Ms, grid):
        P[K.P_AJ] = self.a_j(Ms, grid.thickness)
        P[K.P_BETA] = self.beta
        P[K.P_P:K.P_P + 3] = _unit(self.p)


@dataclass(frozen=True)
class ThermalField:
    """Brown's thermal field per cell: independent white noise in each cell and component.

    Per-component standard deviation for a step dt, A/m:
    ``sqrt(2 alpha k_B T / (gamma mu0^2 Ms V_cell dt))`` (Brown, Phys. Rev. 130, 1677 (1963)),
    the macrospin law with the cell volume in place of the device volume.
    """

    temperature: float = 0.0

    def sigma(self, alpha, Ms, grid: Grid, dt) -> float:
        if self.temperature == 0.0:
            return 0.0
        return math.sqrt(2.0 * alpha * K_B * self.temperature
                         / (GAMMA_E * MU0 ** 2 * Ms * grid.cell_volume * dt))
