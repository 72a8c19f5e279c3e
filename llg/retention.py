"""Retention: thermal stability Delta(T), Neel-Brown escape time and array failure probability.

A stored bit sits in one well of ``E = -E_b (m . z)^2`` and leaves it by thermal activation.
For the axially symmetric macrospin (perpendicular device) Brown's high-barrier result for the
longest relaxation time, the decay time of <m_z> (Brown, Phys. Rev. 130, 1677 (1963);
in the notation of the review by Coffey & Kalmykov, J. Appl. Phys. 112, 121301 (2012)), is::

    tau_B = 1 / lambda1 = tau_N (sqrt(pi) / 2) Delta^(-3/2) exp(Delta),
    tau_N = Ms V (1 + alpha^2) / (2 alpha gamma k_B T) = Delta tau_D,

so ``tau_B = tau_D (sqrt(pi) / 2) Delta^(-1/2) exp(Delta)`` with
``tau_D = (1 + alpha^2) / (alpha gamma mu0 H_K)`` (``device.tau_d``). With two symmetric wells
lambda1 = k_12 + k_21 = 2 k, so a bit leaves its well at the rate k = lambda1 / 2:

    escape time (mean dwell time in one well)  tau_esc = 2 tau_B = tau_0 exp(Delta),
    attempt time                                tau_0 = tau_D sqrt(pi / Delta).

``retention_time`` below is tau_esc. Brown's formula is the leading term of an expansion in
1/Delta: the exact lambda1 of the 1-D Fokker-Planck equation (:mod:`llg.fokker_planck`) is
``lambda1 = (2 / sqrt(pi)) Delta^(1/2) exp(-Delta) (1 - 1/Delta + O(Delta^-2)) / tau_D`` (the
correction follows from expanding the mean first-passage integral below; the solver
confirms it), so Brown overestimates the rate by about 1/Delta: 1.6 % at Delta = 64, 17 % at
Delta = 6. :func:`retention` also reports the exact 1-D FP value.

Failure of an array of N independent bits over a storage time t: each bit's first flip is a
Poisson event of rate 1/tau_esc, so ``P_fail = 1 - exp(-N t / tau_esc)`` is the probability
that at least one bit has flipped at least once (tau_esc: escape time from one well).

Exact mean first-passage time (any Delta): for the 1-D FP in reduced time s = t / tau_D with
``D(v) = (1 - v^2)/(2 Delta)`` and ``Phi(v) = Delta (v + c)^2`` (c = 0: no current, no field),
a reflecting pole at v = -1 and absorption at v = b, started from the Boltzmann density p0 of
the well v < 0 (CDF F0)::

    <T> = int_{-1}^{b} dy F0(y) exp(-Phi(y)) / D(y) int_{-1}^{y} exp(Phi(z)) dz

(the first-passage time of a homogeneous 1-D diffusion, e.g. Gardiner, Handbook of
Stochastic Methods, ch. 5, averaged over the start; the inner
integral is written with Dawson's function, the outer done by adaptive quadrature).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import integrate, special

from .device import Device
from .errors import ParameterError, check_range

#: Seconds per (Julian) year, for storage times quoted in years.
YEAR = 365.25 * 86400.0


def brown_relaxation_time(delta: float, tau_d: float) -> float:
    """Brown's high-barrier longest relaxation time tau_B = 1/lambda1, s (see module doc)."""
    return tau_d * 0.5 * math.sqrt(math.pi / delta) * math.exp(delta)


def attempt_time(delta: float, tau_d: float) -> float:
    """Attempt time tau_0 = tau_D sqrt(pi / Delta), s: tau_esc = tau_0 exp(Delta)."""
    check_range("delta", delta, "1", 0.0, None, lo_open=True, what="thermal stability factor")
    return tau_d * math.sqrt(math.pi / delta)


def escape_time(delta: float, tau_d: float) -> float:
    """Neel-Brown mean escape time of a bit from its well, tau_0 exp(Delta), s."""
    return attempt_time(delta, tau_d) * math.exp(delta)


def failure_probability(bits: float, storage_time: float, escape: float) -> float:
    """P_fail = 1 - exp(-N t / tau_esc): some bit of N has flipped within t (s)."""
    check_range("bits", bits, "1", 1.0, 1e18, what="number of bits in the array")
    check_range("storage_time", storage_time, "s", 0.0, 1e12)
    return float(-math.expm1(-bits * storage_time / escape))


def _dawson_integral(x, delta):
    """exp(-Delta x^2) int_0^x exp(Delta s^2) ds = F(sqrt(Delta) x) / sqrt(Delta) (odd)."""
    r = math.sqrt(delta)
    return special.dawsn(r * np.asarray(x, dtype=float)) / r


def mean_first_passage_time(delta: float, level: float = 0.0, c: float = 0.0,
                            c0: float = 0.0) -> float:
    """Exact mean first-passage time to v = ``level``, in units of tau_D (see module doc).

    Start: Boltzmann density exp(Delta (v + c0)^2) restricted to the well v < 0; dynamics:
    Phi = Delta (v + c)^2 (c = i + h: reduced current plus H_z / H_K). ``level`` >= 0 so that
    every start is below it. Valid at any Delta (no high-barrier approximation).
    """
    check_range("delta", delta, "1", 0.0, 700.0, lo_open=True, what="thermal stability factor")
    check_range("level", level, "1", 0.0, 1.0, hi_open=True,
                what="absorbing level of v = target * (m . z)")
    d = delta
    # inner(y) e^{-Phi(y)} = int_{-1}^{y} e^{Phi(z) - Phi(y)} dz
    #   = G(y + c) - exp(Delta ((c - 1)^2 - (y + c)^2)) G(c - 1),  G = _dawson_integral
    # scale everything by exp(-Delta (1 - c)^2) to keep it finite for any barrier
    top = d * (1.0 - c) ** 2 if c < 1.0 else 0.0

    def inner_scaled(y):
        return math.exp(-top) * _dawson_integral(y + c, d) - \
            math.exp(d * (c - 1.0) ** 2 - d * (y + c) ** 2 - top) * _dawson_integral(c - 1.0, d)

    # start CDF F0(y) on [-1, 0] for exp(Delta (v + c0)^2), 1 beyond
    def h0(x):  # int_{-1}^{x} exp(Delta (v + c0)^2 - Delta (1 - c0)^2) dv (scaled)
        return math.exp(d * ((x + c0) ** 2 - (1.0 - c0) ** 2)) * _dawson_integral(x + c0, d) \
            - _dawson_integral(c0 - 1.0, d)

    norm = h0(0.0)

    def integrand(y):
        f0 = 1.0 if y >= 0.0 else min(1.0, h0(y) / norm)
        return f0 * 2.0 * d / (1.0 - y * y) * inner_scaled(y)

    points = [p for p in (-c, 0.0) if -1.0 < p < level]
    val, err = integrate.quad(integrand, -1.0, level, points=points or None, limit=400,
                              epsabs=0.0, epsrel=1e-10)
    return float(val * math.exp(top))


#: Below this Delta the high-barrier (Neel-Brown, tau_0 exp(Delta)) value is reported as not
#: valid: Brown's asymptote assumes Delta >> 1 (relative error O(1/Delta)), and this project
#: checks it only from Delta = 5 up (validation case escape_time_brown, Delta = 5..8). The
#: exact 1-D Fokker-Planck value (retention_time_fp) holds at any Delta.
NEEL_BROWN_MIN_DELTA = 5.0


@dataclass
class RetentionResult:
    """Retention figures of one device at one temperature (SI units).

    delta : thermal stability factor at ``temperature``. tau_d : s. attempt_time : s, Brown's
    tau_0 = tau_D sqrt(pi/Delta). retention_time : s, Neel-Brown mean escape time of one bit,
    tau_0 exp(Delta). retention_time_fp : s, the same from the exact 1-D Fokker-Planck
    spectral gap (2 / lambda1; None if Delta > 700). bits, storage_time (s) and
    failure_probability: P that some bit of the array has flipped within storage_time.
    """

    temperature: float
    delta: float
    tau_d: float
    Ms: float
    Hk_eff: float
    attempt_time: float
    retention_time: float
    retention_time_fp: float | None
    bits: float
    storage_time: float
    failure_probability: float
    failure_probability_fp: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def retention(device: Device, temperature: float | None = None, *, bits: float = 1.0,
              storage_time: float = 10 * YEAR) -> RetentionResult:
    """Delta(T), attempt time, Neel-Brown retention time and array failure probability.

    ``temperature`` (K): the device is rescaled with :meth:`Device.at_temperature` (Bloch
    Ms(T), Callen-Callen K(Ms)); default its own temperature. ``bits``: array size N;
    ``storage_time`` (s, default 10 years).
    """
    if not isinstance(device, Device):
        raise ParameterError(f"device must be a llg.Device, got {type(device).__name__}")
    dev = device if temperature is None else device.at_temperature(temperature)
    if dev.temperature <= 0.0:
        raise ParameterError("temperature = 0 K: no thermal activation, the retention time is "
                             "infinite; give a temperature > 0 K")
    if dev.geometry != "perpendicular":
        raise ParameterError(f"geometry = {dev.geometry!r}: Brown's axially symmetric "
                             "escape time holds for perpendicular devices only")
    bits = check_range("bits", bits, "1", 1.0, 1e18, what="number of bits in the array")
    storage_time = check_range("storage_time", storage_time, "s", 0.0, 1e12)
    delta, tau_d = dev.delta, dev.tau_d
    t0 = attempt_time(delta, tau_d)
    with np.errstate(over="ignore"):
        t_ret = t0 * math.exp(delta) if delta < 700 else math.inf
    t_fp = None
    p_fp = None
    if delta <= 700.0:
        from .fokker_planck import relaxation_rate

        lam1, _ = relaxation_rate(delta, n_cells=max(400, int(2 * math.ceil(25 * math.sqrt(
            max(delta, 16.0))))))
        if lam1 > 1e-290:
            t_fp = 2.0 * tau_d / lam1
            p_fp = failure_probability(bits, storage_time, t_fp)
    p = failure_probability(bits, storage_time, t_ret) if math.isfinite(t_ret) else 0.0
    return RetentionResult(temperature=dev.temperature, delta=delta, tau_d=tau_d, Ms=dev.Ms,
                           Hk_eff=dev.Hk_eff, attempt_time=t0, retention_time=t_ret,
                           retention_time_fp=t_fp, bits=bits, storage_time=storage_time,
                           failure_probability=p, failure_probability_fp=p_fp)
