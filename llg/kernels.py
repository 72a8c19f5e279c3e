"""The fused numba kernel: macrospin LLGS right-hand side, steppers and the ensemble loop.

The physics terms are described as data in :mod:`llg.terms` and packed by
:func:`llg.terms.pack_parameters` into one float64 vector; this module only evaluates that
description. The conservative field is linear in m, ``H = A m + b`` (uniaxial anisotropy,
demagnetization and a static applied field all have that form), plus the thermal field. The
spin-transfer torques enter through their damping-like field ``a_J(I, m) p``.

Equation (explicit Landau-Lifshitz form of the Gilbert equation with Slonczewski torques)::

    dm/dt = -gamma' [ m x H_prec + m x (m x H_damp) ]
    H_prec = H + H_th + (beta - alpha) a_J p
    H_damp = alpha (H + H_th) + (1 + alpha beta) a_J p
    gamma' = gamma mu0 / (1 + alpha^2)

with ``beta`` the field-like/damping-like ratio. A positive ``a_J`` (positive current) drives m
toward the reference direction p. The thermal field H_th (A/m) is white noise with
per-component variance ``2 alpha k_B T / (gamma mu0^2 Ms V dt)`` per step (Brown 1963), read in
the Stratonovich sense; it enters both terms because it belongs to the Gilbert-form field.

Steppers (``scheme``):

* 0, stochastic Heun: predictor-corrector with the same noise in both stages; converges to the
  Stratonovich solution (weak order 1, deterministic order 2). |m| is restored to 1 after each
  step (a projection that changes the solution by O(dt^2) in the deterministic part).
* 1, classical RK4 (deterministic only, T = 0).
* 2, Euler-Maruyama without projection: the Ito reading of the same equation. It is wrong for
  this problem (|m| drifts away from 1) and exists only so the validation suite can show that.
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from .rng import next_normal

# Indices into the packed parameter vector (see llg.terms.pack_parameters).
P_A = 0          # 9 entries: the 3x3 matrix A (row-major), A/m
P_B = 9          # 3 entries: the static field b, A/m
P_P = 12         # 3 entries: the reference-layer direction p
P_GAMMA = 15     # gamma' = gamma mu0 / (1 + alpha^2), m/(A s)
P_ALPHA = 16     # Gilbert damping
P_SIGMA = 17     # thermal-field standard deviation per component per step, A/m
P_HJ = 18        # damping-like torque field per ampere, (A/m)/A
P_BETA = 19      # field-like / damping-like ratio
P_ETA = 20       # spin polarization (for the angle-dependent efficiency)
P_STT_MODEL = 21 # 0: constant efficiency, 1: tunnel-junction eta/(1+eta^2 cos)
P_DRIVE = 22     # 0: current source, 1: voltage source (through R_series)
P_AMP = 23       # pulse amplitude, A or V
P_DELAY = 24     # s
P_RISE = 25      # s
P_WIDTH = 26     # s, full width at half maximum
P_FALL = 27      # s
P_RSERIES = 28   # ohm, series resistance (access transistor, lines)
P_GP = 29        # parallel-state conductance at zero bias, S
P_TMR0 = 30      # zero-bias TMR ratio
P_VHALF = 31     # V
P_U = 32         # 3 entries: easy axis, for switching detection
P_TARGET = 35    # +1 or -1: the well we count as "switched"
P_LEVEL = 36     # threshold on target * (m . u) for the first-crossing time
P_COMMIT = 37    # with stop_on_switch: stop once target * (m . u) exceeds this level
P_SETTLE = 38    # with stop_on_switch: from this time on, stop once |m . u| > commit level
N_PARAMS = 39

# Fixed-point iterations for the bias-dependent resistance; the TMR(V) map is a contraction
# with factor well below 0.5 for realistic V_half, so 4 iterations reach ~1e-4 relative.
_BIAS_ITER = 4


@nb.njit(inline="always")
def pulse_shape(t, delay, rise, width, fall):
    """Trapezoidal pulse, 0..1, with full width at half maximum ``width`` (s).

    Ramps up linearly over ``rise`` from ``delay``, stays at 1, ramps down over ``fall``; the
    half-amplitude points are ``width`` apart. ``width = inf`` gives a step that stays on.
    """
    x = t - delay
    if x <= 0.0:
        return 0.0 if rise > 0.0 or x < 0.0 else 1.0
    if x < rise:
        return x / rise
    off = 0.5 * rise + width - 0.5 * fall
    if x <= off:
        return 1.0
    if x < off + fall:
        return 1.0 - (x - off) / fall
    return 0.0


@nb.njit
def mtj_resistance(cos_theta, v, g_p, tmr0, v_half):
    """MTJ resistance (ohm) at angle theta between free and reference layer and bias v (V).

    Conductance linear in cos(theta) (Slonczewski 1989; Julliere's two-state limit):
    ``G = G_P (1 + cos)/2 + G_AP(V) (1 - cos)/2``, ``G_AP = G_P / (1 + TMR(V))``,
    ``TMR(V) = TMR0 / (1 + (V/V_half)^2)``.
    """
    tmr = tmr0 / (1.0 + (v / v_half) ** 2)
    g = g_p * (0.5 * (1.0 + cos_theta) + 0.5 * (1.0 - cos_theta) / (1.0 + tmr))
    return 1.0 / g


@nb.njit
def drive(t, cos_theta, P):
    """Current through the MTJ (A) and power drawn from the source (W) at time t."""
    w = pulse_shape(t, P[P_DELAY], P[P_RISE], P[P_WIDTH], P[P_FALL])
    if w == 0.0:
        return 0.0, 0.0
    amp = P[P_AMP] * w
    rs = P[P_RSERIES]
    if P[P_DRIVE] == 0.0:
        # current source: find the MTJ bias self-consistently, V_mtj = I R(theta, V_mtj)
        r = mtj_resistance(cos_theta, 0.0, P[P_GP], P[P_TMR0], P[P_VHALF])
        for _ in range(_BIAS_ITER):
            r = mtj_resistance(cos_theta, amp * r, P[P_GP], P[P_TMR0], P[P_VHALF])
        return amp, amp * amp * (r + rs)
    # voltage source amp across R_series + MTJ
    r = mtj_resistance(cos_theta, amp, P[P_GP], P[P_TMR0], P[P_VHALF])
    for _ in range(_BIAS_ITER):
        r = mtj_resistance(cos_theta, amp * r / (r + rs), P[P_GP], P[P_TMR0], P[P_VHALF])
    i = amp / (r + rs)
    return i, amp * i


@nb.njit(inline="always")
def current_at(t, m0, m1, m2, P):
    """Current (A) at time t; only a voltage drive needs the (angle-dependent) resistance."""
    if P[P_DRIVE] == 0.0:
        return P[P_AMP] * pulse_shape(t, P[P_DELAY], P[P_RISE], P[P_WIDTH], P[P_FALL])
    current, _ = drive(t, m0 * P[P_P] + m1 * P[P_P + 1] + m2 * P[P_P + 2], P)
    return current


@nb.njit(inline="always")
def rhs(m0, m1, m2, h0, h1, h2, current, P):
    """dm/dt (1/s) at m with thermal field (h0, h1, h2) in A/m and MTJ current in A."""
    p0 = P[P_P]
    p1 = P[P_P + 1]
    p2 = P[P_P + 2]
    alpha = P[P_ALPHA]
    # conservative + thermal field, A/m
    H0 = P[0] * m0 + P[1] * m1 + P[2] * m2 + P[P_B] + h0
    H1 = P[3] * m0 + P[4] * m1 + P[5] * m2 + P[P_B + 1] + h1
    H2 = P[6] * m0 + P[7] * m1 + P[8] * m2 + P[P_B + 2] + h2
    a = P[P_HJ] * current
    if P[P_STT_MODEL] == 1.0:
        eta = P[P_ETA]
        a = a / (1.0 + eta * eta * (m0 * p0 + m1 * p1 + m2 * p2))
    beta = P[P_BETA]
    cp = (beta - alpha) * a
    cd = (1.0 + alpha * beta) * a
    hp0 = H0 + cp * p0
    hp1 = H1 + cp * p1
    hp2 = H2 + cp * p2
    hd0 = alpha * H0 + cd * p0
    hd1 = alpha * H1 + cd * p1
    hd2 = alpha * H2 + cd * p2
    # m x H_prec
    x0 = m1 * hp2 - m2 * hp1
    x1 = m2 * hp0 - m0 * hp2
    x2 = m0 * hp1 - m1 * hp0
    # m x (m x H_damp) = m (m . H_damp) - H_damp
    md = m0 * hd0 + m1 * hd1 + m2 * hd2
    g = -P[P_GAMMA]
    return (g * (x0 + m0 * md - hd0),
            g * (x1 + m1 * md - hd1),
            g * (x2 + m2 * md - hd2))


@nb.njit(parallel=True, fastmath={"contract", "arcp", "reassoc"}, cache=True)
def integrate_ensemble(m, state, P, t0, dt, n_steps, scheme, stop_on_switch,
                       switch_time, stop_time, energy, rec, rec_every, bad):
    """Advance every trajectory ``n_steps`` steps of size ``dt`` from time ``t0`` (in place).

    m: (N, 3) unit vectors; state: (N, 4) uint64 RNG streams; switch_time: (N,) first time
    ``target * (m . u)`` exceeded ``level`` (left untouched once set, inf if not yet);
    stop_time: (N,) time at which the trajectory stopped (s): ``t0 + n_steps dt`` unless
    ``stop_on_switch`` ended it once ``target * (m . u)`` passed the commit level after a
    crossing, or, from the settle time on, once ``|m . u|`` passed it in either well;
    energy: (N,) accumulated source energy (J); rec: (R, S, 3) samples of the first R
    trajectories every ``rec_every`` steps (sample 0 = initial state); bad: (N,) set to 1 if
    a trajectory produced a non-finite value (it is then frozen).
    """
    n = m.shape[0]
    n_rec = rec.shape[0]
    n_samples = rec.shape[1]
    sigma = P[P_SIGMA]
    target = P[P_TARGET]
    level = P[P_LEVEL]
    commit = P[P_COMMIT]
    settle = P[P_SETTLE]
    u0 = P[P_U]
    u1 = P[P_U + 1]
    u2 = P[P_U + 2]
    p0 = P[P_P]
    p1 = P[P_P + 1]
    p2 = P[P_P + 2]
    want_energy = energy.shape[0] == n
    for i in nb.prange(n):
        m0 = m[i, 0]
        m1 = m[i, 1]
        m2 = m[i, 2]
        s0 = state[i, 0]
        s1 = state[i, 1]
        s2 = state[i, 2]
        s3 = state[i, 3]
        sw = switch_time[i]
        e_acc = 0.0
        t_stop = t0 + n_steps * dt
        if want_energy:
            _, pw_old = drive(t0, m0 * p0 + m1 * p1 + m2 * p2, P)
        proj_old = target * (m0 * u0 + m1 * u1 + m2 * u2)
        if i < n_rec:
            rec[i, 0, 0] = m0
            rec[i, 0, 1] = m1
            rec[i, 0, 2] = m2
        for k in range(n_steps):
            t = t0 + k * dt
            h0 = 0.0
            h1 = 0.0
            h2 = 0.0
            if sigma > 0.0:
                h0, s0, s1, s2, s3 = next_normal(s0, s1, s2, s3)
                h1, s0, s1, s2, s3 = next_normal(s0, s1, s2, s3)
                h2, s0, s1, s2, s3 = next_normal(s0, s1, s2, s3)
                h0 *= sigma
                h1 *= sigma
                h2 *= sigma
            if scheme == 0:
                k0, k1, k2 = rhs(m0, m1, m2, h0, h1, h2, current_at(t, m0, m1, m2, P), P)
                q0 = m0 + dt * k0
                q1 = m1 + dt * k1
                q2 = m2 + dt * k2
                l0, l1, l2 = rhs(q0, q1, q2, h0, h1, h2,
                                 current_at(t + dt, q0, q1, q2, P), P)
                m0 += 0.5 * dt * (k0 + l0)
                m1 += 0.5 * dt * (k1 + l1)
                m2 += 0.5 * dt * (k2 + l2)
                inv = 1.0 / math.sqrt(m0 * m0 + m1 * m1 + m2 * m2)
                m0 *= inv
                m1 *= inv
                m2 *= inv
            elif scheme == 1:
                a0, a1, a2 = rhs(m0, m1, m2, 0.0, 0.0, 0.0, current_at(t, m0, m1, m2, P), P)
                q0 = m0 + 0.5 * dt * a0
                q1 = m1 + 0.5 * dt * a1
                q2 = m2 + 0.5 * dt * a2
                b0, b1, b2 = rhs(q0, q1, q2, 0.0, 0.0, 0.0,
                                 current_at(t + 0.5 * dt, q0, q1, q2, P), P)
                q0 = m0 + 0.5 * dt * b0
                q1 = m1 + 0.5 * dt * b1
                q2 = m2 + 0.5 * dt * b2
                c0, c1, c2 = rhs(q0, q1, q2, 0.0, 0.0, 0.0,
                                 current_at(t + 0.5 * dt, q0, q1, q2, P), P)
                q0 = m0 + dt * c0
                q1 = m1 + dt * c1
                q2 = m2 + dt * c2
                d0, d1, d2 = rhs(q0, q1, q2, 0.0, 0.0, 0.0, current_at(t + dt, q0, q1, q2, P), P)
                m0 += dt / 6.0 * (a0 + 2.0 * b0 + 2.0 * c0 + d0)
                m1 += dt / 6.0 * (a1 + 2.0 * b1 + 2.0 * c1 + d1)
                m2 += dt / 6.0 * (a2 + 2.0 * b2 + 2.0 * c2 + d2)
            else:
                k0, k1, k2 = rhs(m0, m1, m2, h0, h1, h2, current_at(t, m0, m1, m2, P), P)
                m0 += dt * k0
                m1 += dt * k1
                m2 += dt * k2
            if not (math.isfinite(m0) and math.isfinite(m1) and math.isfinite(m2)):
                bad[i] = 1
                break
            if want_energy:
                _, pw = drive(t + dt, m0 * p0 + m1 * p1 + m2 * p2, P)
                e_acc += 0.5 * dt * (pw_old + pw)
                pw_old = pw
            proj = target * (m0 * u0 + m1 * u1 + m2 * u2)
            if proj > level and proj_old <= level and sw == math.inf:
                sw = t + dt * (level - proj_old) / (proj - proj_old)
            if stop_on_switch and ((proj > commit and sw < math.inf)
                                   or (t + dt >= settle and abs(proj) > commit)):
                t_stop = t + dt
                break
            proj_old = proj
            if i < n_rec and (k + 1) % rec_every == 0:
                j = (k + 1) // rec_every
                if j < n_samples:
                    rec[i, j, 0] = m0
                    rec[i, j, 1] = m1
                    rec[i, j, 2] = m2
        m[i, 0] = m0
        m[i, 1] = m1
        m[i, 2] = m2
        state[i, 0] = s0
        state[i, 1] = s1
        state[i, 2] = s2
        state[i, 3] = s3
        switch_time[i] = sw
        stop_time[i] = t_stop
        if want_energy:
            energy[i] += e_acc


@nb.njit(cache=True)
def source_power(times, cos_theta, P):
    """Power drawn from the source (W) at ``times`` for a frozen angle (cos theta)."""
    out = np.empty(times.shape[0])
    for k in range(times.shape[0]):
        _, out[k] = drive(times[k], cos_theta, P)
    return out
