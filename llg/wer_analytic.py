"""Closed-form references for switching of the axially symmetric macrospin under spin torque.

All times are reduced, ``s = t / tau_D`` with ``tau_D = (1 + alpha^2) / (alpha gamma mu0 H_K)``
(``device.tau_d``); ``i = I / Ic0`` (> 0, taken along the switching direction); Delta is the
thermal stability factor. These are the references the Fokker-Planck solver
(:mod:`llg.fokker_planck`) is tested against; they are not used to compute its results.

1. Butler et al., "Switching distributions for perpendicular spin-torque devices within the
   macrospin approximation", IEEE Trans. Magn. 48, 4684 (2012) (arXiv:1202.2621), long-pulse
   write error rate for i > 1::

       WER(s) = 1 - exp{ -(pi^2 Delta / 4) (i - 1) / (i exp[2 (i - 1) s] - 1) }
             ~ (pi^2 Delta / 4) ((i - 1) / i) exp[-2 (i - 1) s]          (WER << 1)

   The paper's reduced time is ``alpha omega_0 t`` with ``omega_0 = gamma mu0 H_K``; our
   ``t / tau_D`` differs by the factor 1 / (1 + alpha^2) that the LL form of the equation
   carries (1e-4 for alpha = 0.01). The form above is the solution of the FP equation
   linearized about the starting pole (drift (i - 1) theta, diffusion 1/(2 Delta) per
   transverse component, Boltzmann start exp(-Delta theta^2)): the cone stays Gaussian with
   ``2 sigma^2 = (i e^{2 (i-1) s} - 1) / (Delta (i - 1))``, and WER is the weight inside
   theta = pi/2 of that Gaussian (we re-derived it this way; the decay exp[-2 (i - 1) tau]
   is stated in the paper's abstract). Assumptions: Delta >> 1, i > 1, long pulses
   (WER << 1), no relaxation after the pulse. Because the Gaussian of the linear regime is
   extrapolated to pi/2, the prefactor is approximate; the exponent is exact as Delta -> oo.

2. The high-barrier long-pulse asymptote with the exact nonlinear drift (this module's
   derivation, combining two results of Butler et al.): the zero-temperature time to reach
   the equator from a start angle theta0 (their "exact, closed form" switching time; with
   x0 = cos theta0)::

       2 (i - 1) s(x0) = -ln(1 - x0) + ((i - 1)/(i + 1)) ln(1 + x0) + (2/(i + 1)) ln((i - x0)/i)

   inverted for small theta0 gives the critical start angle
   ``theta_c^2 = 2^(2i/(i+1)) ((i - 1)/i)^(2/(i+1)) e^{-2 (i - 1) s}``; the noise during the
   linear stage widens the effective start cone to ``(1/(2 Delta)) i/(i - 1)`` per component,
   so ``WER -> Delta ((i - 1)/i) theta_c^2``. It differs from Butler's tail only by
   ``pi^2/4 -> 2^(2i/(i+1)) ((i-1)/i)^(2/(i+1))`` (0.64x at i = 2, 0.94x at i = 3, 1.19x at
   i = 5) and is what the FP solution approaches as Delta grows (to 1 % at Delta = 1000).
   Corrections: the decay rate is 2 (i - 1) (1 + O(1/Delta)).

3. Thermally activated regime, 0 <= i < 1 (long pulses): switching is escape over the
   barrier of the FP's effective potential ``Phi = Delta (u + i)^2``. Its stationary solution
   gives the barrier ``Delta (1 - i)^2`` exactly, so the exponent is n = 2 (Taniguchi &
   Imamura, "Thermally assisted spin transfer torque switching in synthetic free layers",
   arXiv:1010.5845 (2010), who point out the same exponent against the linear law; Butler et
   al. 2012). Kramers'
   high-barrier evaluation of the mean first-passage time of the same FP gives the prefactor::

       tau(i) = tau_D sqrt(pi / Delta) exp[Delta (1 - i)^2] / ((1 - i)^2 (1 + i)),
       P_sw(t) = 1 - exp(-t / tau),

   which reduces to Brown's escape time tau_D sqrt(pi/Delta) e^Delta at i = 0
   (:mod:`llg.retention`). It holds to O(1/(Delta (1 - i)^2)) and fails as i -> 1, where the
   barrier disappears. The linear law ``exp[Delta (1 - i)]`` (n = 1; Koch, Katine & Sun,
   Phys. Rev. Lett. 92, 088302 (2004)) was written for in-plane devices; it is offered for
   comparison only and is wrong for this model by orders of magnitude at large Delta.
"""
from __future__ import annotations

import math

import numpy as np

from .errors import ParameterError, check_range


def _check_supercritical(i: float) -> float:
    i = check_range("i", i, "1", 1.0, None, lo_open=True,
                    what="reduced current I/Ic0; the long-pulse formula needs I > Ic0")
    return i


def butler_wer(delta: float, i: float, s) -> np.ndarray:
    """Butler et al. (2012) write error rate at reduced time s = t / tau_D (see module doc)."""
    i = _check_supercritical(i)
    s = np.asarray(s, dtype=float)
    x = (math.pi ** 2 * delta / 4.0) * (i - 1.0) / (i * np.exp(2.0 * (i - 1.0) * s) - 1.0)
    return -np.expm1(-x)


def butler_tail(delta: float, i: float, s) -> np.ndarray:
    """Long-time form of :func:`butler_wer`: (pi^2 Delta/4) ((i-1)/i) exp(-2 (i-1) s)."""
    i = _check_supercritical(i)
    return (math.pi ** 2 * delta / 4.0) * (i - 1.0) / i * \
        np.exp(-2.0 * (i - 1.0) * np.asarray(s, dtype=float))


def switching_time_t0(x0, i: float) -> np.ndarray:
    """Zero-temperature reduced time to reach the equator from cos(theta0) = x0 (0 < x0 < 1)."""
    i = _check_supercritical(i)
    x0 = np.asarray(x0, dtype=float)
    if np.any((x0 <= 0) | (x0 >= 1)):
        raise ParameterError("x0 = cos(theta0) must lie in (0, 1)")
    return (-np.log1p(-x0) / (2 * (i - 1)) + np.log1p(x0) / (2 * (i + 1))
            + np.log((i - x0) / i) / (i * i - 1))


def tail_prefactor_ratio(i: float) -> float:
    """(exact-drift asymptote) / (Butler tail) = 2^(2i/(i+1)) ((i-1)/i)^(2/(i+1)) / (pi^2/4)."""
    i = _check_supercritical(i)
    return 2.0 ** (2 * i / (i + 1)) * ((i - 1) / i) ** (2 / (i + 1)) / (math.pi ** 2 / 4)


def wer_tail_asymptote(delta: float, i: float, s) -> np.ndarray:
    """High-barrier long-pulse WER with the exact nonlinear drift (see module doc, item 2)."""
    return tail_prefactor_ratio(i) * butler_tail(delta, i, s)


def thermal_switching_time(delta: float, i: float, exponent: int = 2) -> float:
    """Reduced mean switching time tau / tau_D in the thermally activated regime, 0 <= i < 1.

    ``exponent = 2``: tau = sqrt(pi/Delta) e^{Delta (1-i)^2} / ((1-i)^2 (1+i)) (this model).
    ``exponent = 1``: Koch-Katine-Sun form sqrt(pi/Delta) e^{Delta (1-i)} with Brown's
    zero-current attempt time, for comparison.
    """
    check_range("delta", delta, "1", 0.0, 700.0, lo_open=True, what="thermal stability factor")
    i = check_range("i", i, "1", 0.0, 1.0, hi_open=True,
                    what="reduced current I/Ic0; thermal activation needs 0 <= I < Ic0")
    if exponent == 2:
        return math.sqrt(math.pi / delta) * math.exp(delta * (1 - i) ** 2) / \
            ((1 - i) ** 2 * (1 + i))
    if exponent == 1:
        return math.sqrt(math.pi / delta) * math.exp(delta * (1 - i))
    raise ParameterError(f"exponent = {exponent!r} must be 1 or 2")


def thermal_switching_probability(t_over_tau) -> np.ndarray:
    """P_sw = 1 - exp(-t / tau) for a Poisson escape of mean time tau."""
    return -np.expm1(-np.asarray(t_over_tau, dtype=float))
