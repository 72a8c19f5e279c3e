"""Plain-numpy vectorized stochastic Heun for the macrospin LLGS ensemble.

Two jobs: the honest baseline that ``bench_llg.py`` times the numba kernel against, and an
independent second implementation that ``tests/test_numpy_reference.py`` checks the kernel
with. It is therefore written from the :class:`llg.Device` parameters and the equation alone,
without :mod:`llg.terms`, the packed parameter vector or :mod:`llg.kernels`.

Equation (Gilbert form rewritten explicitly, Slonczewski damping-like + field-like torques)::

    dm/dt = -gamma' [ m x H_prec + m x (m x H_damp) ]
    H      = A m + b + H_th                                  (A/m)
    H_prec = H + (beta - alpha) a_J p
    H_damp = alpha H + (1 + alpha beta) a_J p
    gamma' = gamma mu0 / (1 + alpha^2)                       (m/(A s))
    a_J    = H_J I(t) [ / (1 + eta^2 m.p) for the tunnel model ]   (A/m)

with ``A = Hk_eff u u^T - Ms diag(N)`` (uniaxial anisotropy and shape demagnetization),
``b`` the applied field, ``H_J`` the Slonczewski field per ampere and ``H_th`` Brown's
thermal field, independent normal components of variance ``2 alpha k_B T / (gamma mu0^2 Ms V
dt)`` per step, read in the Stratonovich sense.

Stochastic Heun (Stratonovich; predictor and corrector see the same noise), then |m| = 1
restored by normalization::

    k = f(m, t, H_th);  q = m + dt k;  l = f(q, t + dt, H_th);  m <- m + dt (k + l) / 2

All work is done on (3, N) component-major arrays with preallocated buffers and in-place
ufuncs, so a step costs a fixed number of vectorized passes over the ensemble and no Python
loop over trajectories; the normals come from ``numpy.random.Generator.standard_normal`` into a
preallocated buffer. The ensemble is processed in blocks of ``block`` trajectories so that the
~15 work arrays stay in the L2 cache.
"""
from __future__ import annotations

import math

import numpy as np

from llg.constants import GAMMA_E, K_B, MU0
from llg.device import Device
from llg.errors import ParameterError
from llg.waveform import Pulse

#: Default block of trajectories processed together. Larger is faster on the machines we
#: measured (per-ufunc overhead dominates small blocks; see README), so one block holds N = 1e4.
DEFAULT_BLOCK = 65536


def trapezoid(t: float, pulse: Pulse) -> float:
    """Normalized drive 0..1 at time t (s): linear rise from ``delay`` over ``rise``, flat,
    linear fall over ``fall``; the half-amplitude points are ``width`` (FWHM) apart."""
    x = t - pulse.delay
    if x < 0.0 or (x == 0.0 and pulse.rise > 0.0):
        return 0.0
    if x < pulse.rise:
        return x / pulse.rise
    off = 0.5 * pulse.rise + pulse.width - 0.5 * pulse.fall  # start of the fall
    if x <= off:
        return 1.0
    if x < off + pulse.fall:
        return 1.0 - (x - off) / pulse.fall
    return 0.0


class NumpyHeun:
    """Stochastic Heun for an ensemble of macrospins of one ``device`` under a current ``drive``.

    Parameters
    ----------
    device : the MTJ (its ``temperature`` sets the noise; 0 K gives deterministic Heun).
    drive : current pulse (``kind="current"``); I(t) = amplitude * trapezoid(t), A.
    dt : s, time step.
    block : trajectories processed together (cache blocking; any value gives the same result
        for a given generator, up to the order in which normals are drawn).
    """

    def __init__(self, device: Device, drive: Pulse, dt: float, block: int = DEFAULT_BLOCK):
        if drive.kind != "current":
            raise ParameterError(f"drive kind = {drive.kind!r}: the numpy reference supports "
                                 "current drives only")
        if not (dt > 0.0 and math.isfinite(dt)):
            raise ParameterError(f"dt = {dt!r} s must be a finite number > 0 s")
        if int(block) < 1:
            raise ParameterError(f"block = {block!r} must be an integer >= 1")
        self.device = device
        self.drive = drive
        self.dt = float(dt)
        self.block = int(block)
        u = np.asarray(device.easy_axis, dtype=float)
        u /= np.linalg.norm(u)
        self.p = u  # reference layer along the easy axis
        self.A = device.Hk_eff * np.outer(u, u) - device.Ms * np.diag(device.demag_factors)
        self.b = np.asarray(device.applied_field, dtype=float)
        self.alpha = device.alpha
        self.beta = device.field_like_ratio
        self.gamma_p = GAMMA_E * MU0 / (1.0 + device.alpha ** 2)
        self.h_per_ampere = device.stt_field_per_ampere
        self.tunnel = device.stt_model == "tunnel"
        self.eta = device.polarization
        T = device.temperature
        self.sigma = 0.0 if T == 0.0 else math.sqrt(
            2.0 * device.alpha * K_B * T / (GAMMA_E * MU0 ** 2 * device.Ms * device.volume * dt))

    def current(self, t: float) -> float:
        """Drive current at time t, A."""
        return self.drive.amplitude * trapezoid(t, self.drive)

    # -- the right-hand side ------------------------------------------------------------------
    def _rhs(self, m, h, current, out, w):
        """out <- dm/dt (1/s) at m (3, n) with thermal field h (3, n, A/m) and current (A).

        ``w`` holds work buffers: G (3, n), D (3, n), T (3, n), s (n,), and for the tunnel
        model aJ (n,).
        """
        G, D, T, s = w["G"], w["D"], w["T"], w["s"]
        p, alpha = self.p, self.alpha
        a = self.h_per_ampere * current
        # G = A m + h + b + (beta - alpha) a_J p  (= H_prec)
        np.matmul(self.A, m, out=G)
        G += h
        if not self.tunnel:
            G += (self.b + (self.beta - alpha) * a * p)[:, None]
            # H_damp = alpha H + (1 + alpha beta) a_J p = alpha H_prec + (1 + alpha^2) a_J p
            np.multiply(G, alpha, out=D)
            D += ((1.0 + alpha * alpha) * a * p)[:, None]
        else:
            aJ = w["aJ"]
            np.einsum("i,ij->j", p, m, out=aJ)           # m . p
            aJ *= self.eta * self.eta
            aJ += 1.0
            np.divide(a, aJ, out=aJ)                     # a_J(m), (n,)
            G += self.b[:, None]
            np.multiply.outer(p * (self.beta - alpha), aJ, out=T)
            G += T
            np.multiply(G, alpha, out=D)
            np.multiply.outer(p * (1.0 + alpha * alpha), aJ, out=T)
            D += T
        # out = m x H_prec
        m0, m1, m2 = m
        G0, G1, G2 = G
        t0 = T[0]
        np.multiply(m1, G2, out=out[0])
        np.multiply(m2, G1, out=t0)
        out[0] -= t0
        np.multiply(m2, G0, out=out[1])
        np.multiply(m0, G2, out=t0)
        out[1] -= t0
        np.multiply(m0, G1, out=out[2])
        np.multiply(m1, G0, out=t0)
        out[2] -= t0
        # out += m (m . H_damp) - H_damp   (= m x (m x H_damp))
        np.einsum("ij,ij->j", m, D, out=s)
        np.multiply(m, s, out=T)
        out += T
        out -= D
        out *= -self.gamma_p

    def _buffers(self, n):
        w = {k: np.empty((3, n)) for k in ("G", "D", "T")}
        w["s"] = np.empty(n)
        if self.tunnel:
            w["aJ"] = np.empty(n)
        return w

    @staticmethod
    def _step_buffers(n):
        return dict(h=np.empty((3, n)), k=np.empty((3, n)), l=np.empty((3, n)),
                    q=np.empty((3, n)), r=np.empty(n))

    # -- the integrator ---------------------------------------------------------------------
    def run(self, m: np.ndarray, n_steps: int, rng: np.random.Generator,
            t0: float = 0.0) -> np.ndarray:
        """Advance the unit vectors ``m`` (N, 3) by ``n_steps`` steps from time ``t0`` (s).

        Returns the new (N, 3) array; ``rng`` supplies the normals (3 per trajectory-step).
        """
        m = np.asarray(m, dtype=float)
        if m.ndim != 2 or m.shape[1] != 3:
            raise ParameterError(f"m has shape {m.shape}; expected (N, 3)")
        n_steps = int(n_steps)
        n = m.shape[0]
        out = np.empty_like(m)
        nb = min(self.block, n)
        bufs, work = self._step_buffers(nb), self._buffers(nb)
        dt = self.dt
        currents = [(self.current(t0 + j * dt), self.current(t0 + (j + 1) * dt))
                    for j in range(n_steps)]
        for start in range(0, n, nb):
            stop = min(start + nb, n)
            k = stop - start
            if k == nb:
                b, w = bufs, work
            else:  # the last, shorter block (contiguous buffers: standard_normal needs them)
                b, w = self._step_buffers(k), self._buffers(k)
            mb = np.array(m[start:stop].T, order="C")  # a copy: the caller's m is kept
            self._advance(mb, currents, rng, b, w)
            out[start:stop] = mb.T
        return out

    def _advance(self, m, currents, rng, b, w):
        """The time loop for one block m (3, n), in place."""
        h, k, l, q, r = b["h"], b["k"], b["l"], b["q"], b["r"]
        dt, sigma = self.dt, self.sigma
        half_dt = 0.5 * dt
        if sigma == 0.0:
            h[...] = 0.0
        for i_now, i_next in currents:
            if sigma > 0.0:
                rng.standard_normal(out=h)
                h *= sigma
            self._rhs(m, h, i_now, k, w)            # predictor slope at (m, t)
            np.multiply(k, dt, out=q)
            q += m
            self._rhs(q, h, i_next, l, w)           # corrector slope at (q, t + dt)
            k += l
            k *= half_dt
            m += k
            np.einsum("ij,ij->j", m, m, out=r)      # |m|^2
            np.sqrt(r, out=r)
            m /= r
