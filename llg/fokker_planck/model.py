"""The reduced 1-D model of the axially symmetric macrospin and its validity check.

Model and equation
------------------
Perpendicular free layer: easy axis, reference layer and spin polarization all along z;
uniaxial anisotropy field ``H_K = device.anisotropy_field_total`` (A/m), optional applied field
``H_z`` along z, Slonczewski damping-like torque with *constant* efficiency, field-like ratio
``beta``, current ``I`` (A, positive drives m toward +z, AP -> P). :mod:`llg.kernels`
integrates the explicit Landau-Lifshitz form with ``gamma' = gamma mu0 / (1 + alpha^2)``::

    dm/dt = -gamma' [ m x H_prec + m x (m x H_damp) ],
    H_damp = alpha (H + H_th) + (1 + alpha beta) a_J z,   a_J = (stt_field_per_ampere) I,

with H_th white noise of per-component variance ``2 alpha k_B T / (gamma mu0^2 Ms V dt)``
(Stratonovich). ``m x H_prec`` rotates m about z and leaves u unchanged; the projection of the
damping term gives the drift ``du/dt = gamma' (1 - u^2) [alpha (H_K u + H_z) + (1 + alpha beta)
a_J]``. The noise enters as ``-gamma' (m x h - alpha P_perp h)`` whose covariance is
``gamma'^2 (1 + alpha^2) P_perp`` times that of h: isotropic diffusion on the sphere with
``k = alpha gamma' k_B T / (mu0 Ms V)`` (1/s), i.e. the Laplace-Beltrami operator, which for a
function of u is ``d/du (1 - u^2) d/du`` (Brown, Phys. Rev. 130, 1677 (1963)). With reduced time
``s = t / tau_D``, ``tau_D = (1 + alpha^2) / (alpha gamma mu0 H_K)`` (``device.tau_d``)::

    dp/ds = d/du { D(u) [ dp/du - Phi'(u) p ] } = d/du { D(u) e^Phi d/du (e^-Phi p) }

    D(u) = (1 - u^2) / (2 Delta),   Phi(u) = Delta (u + h + i)^2,
    h = H_z / H_K,   i = (1 + alpha beta) I / Ic0,   Ic0 = alpha H_K / stt_field_per_ampere,

with no flux through the poles u = +-1 (D vanishes there). The stationary solution is
``p ~ exp(Phi)``; at I = 0, H_z = 0 it is ``exp(Delta u^2)``, the Boltzmann density of
:mod:`llg.equilibrium`. For I != 0, ``Phi`` is the "effective potential" whose barrier
``Delta (1 - |i|)^2`` gives the thermally activated regime (see :mod:`llg.wer_analytic`).

Conventions: P = m along +z; WER = probability that, at the end (after the optional
relaxation), m is on the starting side of the equator u = 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..device import Device
from ..errors import ParameterError

#: Smallest WER the solver reports as resolved (truncation error < 1e-47, see
#: :mod:`llg.fokker_planck.propagation`).
FLOOR = 1e-30
#: Directions: (start sign of u, sign of the current that drives it, target sign).
DIRECTIONS = {"P-AP": (+1, -1, -1), "AP-P": (-1, +1, +1)}


@dataclass(frozen=True)
class ReducedModel:
    """The dimensionless 1-D problem of a device (see module doc).

    delta : thermal stability factor (H_K based). tau_d : s, time unit.
    h : H_z / H_K. i_per_ampere : 1/A, reduced current i = i_per_ampere * I.
    """

    delta: float
    tau_d: float
    h: float
    i_per_ampere: float

    @classmethod
    def from_device(cls, device: Device) -> "ReducedModel":
        """Check the FP solver's assumptions on ``device`` and reduce it."""
        check_fp_device(device)
        hk = device.anisotropy_field_total
        i_per_a = (1.0 + device.alpha * device.field_like_ratio) * \
            device.stt_field_per_ampere / (device.alpha * hk)
        return cls(delta=device.delta, tau_d=device.tau_d, h=device.applied_field[2] / hk,
                   i_per_ampere=i_per_a)

    def shift(self, current: float, target: int) -> float:
        """c in Phi = Delta (v + c)^2 for v = target * u (start well at v < 0)."""
        return target * (self.h + self.i_per_ampere * current)


def check_fp_device(device: Device) -> None:
    """Raise :class:`ParameterError` unless the device is the axially symmetric macrospin."""
    if not isinstance(device, Device):
        raise ParameterError(f"device must be a llg.Device, got {type(device).__name__}")
    assume = ("the Fokker-Planck WER solver assumes an axially symmetric macrospin: a "
              "perpendicular device (easy axis, reference layer and field along z), "
              "Nx = Ny, constant spin-torque efficiency and T > 0")
    if device.geometry != "perpendicular":
        raise ParameterError(f"geometry = {device.geometry!r}: {assume}; use the Monte Carlo "
                             "(cramsim switch) for in-plane devices")
    if device.stt_model != "constant":
        raise ParameterError(f"stt_model = {device.stt_model!r}: {assume}; use the Monte Carlo "
                             "(cramsim switch) for the angle-dependent efficiency")
    nx, ny, _ = device.demag_factors
    if nx != ny:
        raise ParameterError(f"demag_factors = {device.demag_factors}: Nx != Ny breaks the "
                             f"axial symmetry; {assume}")
    hx, hy, _ = device.applied_field
    if hx != 0.0 or hy != 0.0:
        raise ParameterError(f"applied_field = {device.applied_field} A/m has a transverse "
                             f"component; {assume}")
    if device.temperature <= 0.0:
        raise ParameterError(f"temperature = {device.temperature} K: {assume}")
    if abs(device.applied_field[2]) >= device.anisotropy_field_total:
        raise ParameterError(
            f"applied_field[2] = {device.applied_field[2]:g} A/m must be smaller in magnitude "
            f"than H_K = {device.anisotropy_field_total:g} A/m (two stable wells)")
