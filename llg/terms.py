"""Physics terms of the macrospin model, each a small declarative object.

Conservative field terms are linear in m, ``H(m) = A m + b`` (A/m), with energy
``E(m) = -mu0 Ms V (m.A m / 2 + b.m)`` (J), so that ``H = -dE/dm / (mu0 Ms V)``. Each term only
declares its ``A`` and ``b``; the field and energy follow from the shared base class, and
:func:`pack_parameters` sums the terms into the single (A, b) the fused kernel evaluates.
Torques and the thermal field are declared the same way, as parameters, not code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import kernels as K
from .constants import GAMMA_E, K_B, MU0
from .device import Device
from .waveform import Pulse


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


class LinearField:
    """Base for conservative fields ``H = A m + b`` (A/m); subclasses set ``matrix``/``offset``."""

    def matrix(self) -> np.ndarray:
        """A, (3, 3) symmetric, A/m."""
        return np.zeros((3, 3))

    def offset(self) -> np.ndarray:
        """b, (3,), A/m."""
        return np.zeros(3)

    def field(self, m) -> np.ndarray:
        """Field at m (..., 3), A/m."""
        return np.asarray(m) @ self.matrix().T + self.offset()

    def energy(self, m, Ms: float, volume: float) -> np.ndarray:
        """Energy at m (..., 3), J, for saturation magnetization Ms (A/m) and volume (m^3)."""
        m = np.asarray(m)
        quad = 0.5 * np.einsum("...i,ij,...j->...", m, self.matrix(), m)
        return -MU0 * Ms * volume * (quad + m @ self.offset())


@dataclass(frozen=True)
class UniaxialAnisotropy(LinearField):
    """``H = Hk (m.u) u``; ``E = -(mu0 Ms Hk V / 2) (m.u)^2``. Hk in A/m, u a unit vector."""

    Hk: float
    axis: tuple = (0.0, 0.0, 1.0)

    def matrix(self):
        u = _unit(self.axis)
        return self.Hk * np.outer(u, u)


@dataclass(frozen=True)
class ShapeDemagnetization(LinearField):
    """``H = -Ms N m`` with diagonal demagnetizing factors N; ``E = mu0 Ms^2 V sum N_i m_i^2 / 2``."""

    Ms: float
    factors: tuple = (0.0, 0.0, 0.0)

    def matrix(self):
        return -self.Ms * np.diag(np.asarray(self.factors, dtype=float))


@dataclass(frozen=True)
class Zeeman(LinearField):
    """Static applied field ``H = H_applied`` (A/m); ``E = -mu0 Ms V m.H``."""

    H: tuple = (0.0, 0.0, 0.0)

    def offset(self):
        return np.asarray(self.H, dtype=float)


@dataclass(frozen=True)
class SlonczewskiTorque:
    """Damping-like spin-transfer torque ``gamma mu0 a_J m x (m x p)`` (Gilbert form).

    ``a_J = field_per_ampere * I * g(cos theta)``, A/m. ``g = 1`` ("constant") or, for a tunnel
    junction, ``g = 1 / (1 + eta^2 cos theta)`` ("tunnel"; Slonczewski, PRB 71, 024411 (2005)),
    which makes AP -> P cheaper than P -> AP.
    """

    field_per_ampere: float
    p: tuple = (0.0, 0.0, 1.0)
    model: str = "constant"
    eta: float = 0.6


@dataclass(frozen=True)
class FieldLikeTorque:
    """Field-like torque ``gamma mu0 beta a_J m x p``: ``beta`` times the damping-like field."""

    ratio: float = 0.0


@dataclass(frozen=True)
class ThermalField:
    """Brown's thermal field: white noise, per-component variance per step
    ``2 alpha k_B T / (gamma mu0^2 Ms V dt)`` in (A/m)^2 (Brown, Phys. Rev. 130, 1677 (1963))."""

    alpha: float
    temperature: float
    Ms: float
    volume: float

    def sigma(self, dt: float) -> float:
        """Standard deviation of each component for a step of dt seconds, A/m."""
        if self.temperature == 0.0:
            return 0.0
        return math.sqrt(2.0 * self.alpha * K_B * self.temperature
                         / (GAMMA_E * MU0 ** 2 * self.Ms * self.volume * dt))


@dataclass(frozen=True)
class Model:
    """The full set of terms for one device: what the kernel integrates."""

    fields: tuple
    stt: SlonczewskiTorque
    field_like: FieldLikeTorque
    thermal: ThermalField
    alpha: float
    easy_axis: tuple
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_device(cls, device: Device, temperature: float | None = None) -> "Model":
        """Terms for ``device``: anisotropy, shape demag (if any), applied field, torques, noise."""
        T = device.temperature if temperature is None else temperature
        u = device.easy_axis
        fields = [UniaxialAnisotropy(device.Hk_eff, u)]
        if any(device.demag_factors):
            fields.append(ShapeDemagnetization(device.Ms, device.demag_factors))
        if any(device.applied_field):
            fields.append(Zeeman(device.applied_field))
        return cls(
            fields=tuple(fields),
            stt=SlonczewskiTorque(device.stt_field_per_ampere, u, device.stt_model,
                                  device.polarization),
            field_like=FieldLikeTorque(device.field_like_ratio),
            thermal=ThermalField(device.alpha, T, device.Ms, device.volume),
            alpha=device.alpha,
            easy_axis=u,
            extra=dict(r_p=device.r_p, tmr0=device.TMR0, v_half=device.V_half),
        )

    def field(self, m) -> np.ndarray:
        """Total conservative field at m, A/m."""
        return sum(t.field(m) for t in self.fields)

    def energy(self, m, Ms: float, volume: float) -> np.ndarray:
        """Total conservative energy at m, J."""
        return sum(t.energy(m, Ms, volume) for t in self.fields)

    def pack(self, drive: Pulse, dt: float, target: int, level: float = 0.0,
             commit: float | None = None, settle: float = np.inf) -> np.ndarray:
        """The float64 parameter vector of :func:`llg.kernels.integrate_ensemble`."""
        P = np.zeros(K.N_PARAMS)
        P[K.P_A:K.P_A + 9] = sum(t.matrix() for t in self.fields).ravel()
        P[K.P_B:K.P_B + 3] = sum(t.offset() for t in self.fields)
        P[K.P_P:K.P_P + 3] = _unit(self.stt.p)
        P[K.P_GAMMA] = GAMMA_E * MU0 / (1.0 + self.alpha ** 2)
        P[K.P_ALPHA] = self.alpha
        P[K.P_SIGMA] = self.thermal.sigma(dt)
        P[K.P_HJ] = self.stt.field_per_ampere
        P[K.P_BETA] = self.field_like.ratio
        P[K.P_ETA] = self.stt.eta
        P[K.P_STT_MODEL] = {"constant": 0.0, "tunnel": 1.0}[self.stt.model]
        P[K.P_DRIVE] = 0.0 if drive.kind == "current" else 1.0
        P[K.P_AMP] = drive.amplitude
        P[K.P_DELAY] = drive.delay
        P[K.P_RISE] = drive.rise
        P[K.P_WIDTH] = drive.width
        P[K.P_FALL] = drive.fall
        P[K.P_RSERIES] = drive.series_resistance
        P[K.P_GP] = 1.0 / self.extra["r_p"]
        P[K.P_TMR0] = self.extra["tmr0"]
        P[K.P_VHALF] = self.extra["v_half"]
        P[K.P_U:K.P_U + 3] = _unit(self.easy_axis)
        P[K.P_TARGET] = float(target)
        P[K.P_LEVEL] = level
        P[K.P_COMMIT] = level if commit is None else commit
        P[K.P_SETTLE] = settle
        return P
