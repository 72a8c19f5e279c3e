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

from .rng import normals_block

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


@nb.njit(inline="always")
def mtj_resistance(cos_theta, v, g_p, tmr0, v_half):
    """MTJ resistance (ohm) at angle theta between free and reference layer and bias v (V).

    Conductance linear in cos(theta) (Slonczewski 1989; Julliere's two-state limit):
    ``G = G_P (1 + cos)/2 + G_AP(V) (1 - cos)/2``, ``G_AP = G_P / (1 + TMR(V))``,
    ``TMR(V) = TMR0 / (1 + (V/V_half)^2)``. Evaluated as one fraction,
    ``R = 2 (s + TMR0) / (G_P [(1 + cos)(s + TMR0) + (1 - cos) s])`` with ``s = 1 + (V/V_half)^2``:
    one division instead of three (divisions dominate the cost of the energy integral).
    """
    x = v / v_half
    s = 1.0 + x * x
    st = s + tmr0
    return 2.0 * st / (g_p * ((1.0 + cos_theta) * st + (1.0 - cos_theta) * s))


@nb.njit
def drive_state(t, cos_theta, P, v_guess, iters):
    """Current (A), source power (W) and MTJ bias (V) at time t for angle cos(theta).

    The bias-dependent resistance makes ``V_mtj = I R(theta, V_mtj)`` implicit; it is solved by
    ``iters`` fixed-point iterations from ``v_guess`` (the map is a contraction with factor well
    below 0.5 for realistic V_half). Cold start: 4 iterations reach ~1e-4 relative; the
    kernel warm-starts from the previous step's bias, where 2 iterations are exact to
    far below the step-to-step change.
    """
    w = pulse_shape(t, P[P_DELAY], P[P_RISE], P[P_WIDTH], P[P_FALL])
    if w == 0.0:
        return 0.0, 0.0, 0.0
    amp = P[P_AMP] * w
    rs = P[P_RSERIES]
    v = v_guess
    if P[P_DRIVE] == 0.0:  # current source
        for _ in range(iters):
            v = amp * mtj_resistance(cos_theta, v, P[P_GP], P[P_TMR0], P[P_VHALF])
        r = mtj_resistance(cos_theta, v, P[P_GP], P[P_TMR0], P[P_VHALF])
        return amp, amp * amp * (r + rs), amp * r
    for _ in range(iters):  # voltage source amp across R_series + MTJ
        r = mtj_resistance(cos_theta, v, P[P_GP], P[P_TMR0], P[P_VHALF])
        v = amp * r / (r + rs)
    r = mtj_resistance(cos_theta, v, P[P_GP], P[P_TMR0], P[P_VHALF])
    i = amp / (r + rs)
    return i, amp * i, i * r


@nb.njit
def drive(t, cos_theta, P):
    """Current through the MTJ (A) and power drawn from the source (W) at time t (cold start)."""
    guess = 0.0 if P[P_DRIVE] == 0.0 else P[P_AMP]
    i, pw, _ = drive_state(t, cos_theta, P, guess * pulse_shape(
        t, P[P_DELAY], P[P_RISE], P[P_WIDTH], P[P_FALL]), _BIAS_ITER)
    return i, pw


@nb.njit(inline="always")
def llgs_torque(m0, m1, m2, H0, H1, H2, p0, p1, p2, a, alpha, beta, prec, g):
    """dm/dt (1/s) of the LLGS equation at the unit vector m: the one copy of its algebra.

    ``g [m x H_p + m x (m x H_d)]`` with ``H_p = prec (H + (beta - alpha) a p)`` and
    ``H_d = alpha H + (1 + alpha beta) a p``: H (A/m) the total field (thermal included),
    a (A/m) the damping-like Slonczewski field along p, beta the field-like ratio,
    ``g = -gamma'`` (m/(A s)); ``prec = 0`` keeps only the damping (relaxation). Inlined into
    the macrospin kernel (:func:`rhs`) and the micromagnetic one
    (:func:`llg.micromag.kernels.llg_rhs`), each compiled with its own flags. Numba's
    on-disk cache keys each kernel on its own file: after editing this function, touch
    llg/micromag/kernels.py too, or its cached kernel keeps the old algebra.
    """
    cp = (beta - alpha) * a
    cd = (1.0 + alpha * beta) * a
    hp0 = prec * (H0 + cp * p0)
    hp1 = prec * (H1 + cp * p1)
    hp2 = prec * (H2 + cp * p2)
    hd0 = alpha * H0 + cd * p0
    hd1 = alpha * H1 + cd * p1
    hd2 = alpha * H2 + cd * p2
    # m x H_prec
    x0 = m1 * hp2 - m2 * hp1
    x1 = m2 * hp0 - m0 * hp2
    x2 = m0 * hp1 - m1 * hp0
    # m x (m x H_damp) = m (m . H_damp) - H_damp
    md = m0 * hd0 + m1 * hd1 + m2 * hd2
    return (g * (x0 + m0 * md - hd0),
            g * (x1 + m1 * md - hd1),
            g * (x2 + m2 * md - hd2))


@nb.njit(inline="always")
def rhs(m0, m1, m2, h0, h1, h2, current, eta2, P):
    """dm/dt (1/s) at m with thermal field (h0, h1, h2) in A/m and MTJ current in A.

    ``eta2`` is eta^2 for the tunnel-junction efficiency and 0 for the constant one (passed in
    so the function has no branch and vectorizes across trajectories).
    """
    p0 = P[P_P]
    p1 = P[P_P + 1]
    p2 = P[P_P + 2]
    alpha = P[P_ALPHA]
    # conservative + thermal field, A/m
    H0 = P[0] * m0 + P[1] * m1 + P[2] * m2 + P[P_B] + h0
    H1 = P[3] * m0 + P[4] * m1 + P[5] * m2 + P[P_B + 1] + h1
    H2 = P[6] * m0 + P[7] * m1 + P[8] * m2 + P[P_B + 2] + h2
    a = P[P_HJ] * current
    if eta2 != 0.0:  # tunnel efficiency (constant: a division by exactly 1, skipped)
        a = a / (1.0 + eta2 * (m0 * p0 + m1 * p1 + m2 * p2))
    return llgs_torque(m0, m1, m2, H0, H1, H2, p0, p1, p2, a, alpha, P[P_BETA], 1.0,
                       -P[P_GAMMA])


#: Lanes advanced in lockstep by one thread. One trajectory's step is a long chain of
#: dependent operations (latency-bound); interleaving a block lets the CPU overlap the chains
#: and the compiler vectorize the arithmetic across the lanes. Every lane loop runs over all
#: BLOCK lanes (a lane without a trajectory computes on a dummy state), so a trajectory is
#: computed by the same instructions in whichever lane it sits.
BLOCK = 64
#: With ``stop_on_switch`` one block works through about ROUNDS x BLOCK trajectories, giving a
#: lane the next trajectory as soon as its own stops: no lane idles until the slowest of its
#: block has finished (that idling cost 1.3-1.8x in switching runs).
ROUNDS = 4
FASTMATH = {"contract", "arcp", "reassoc"}


@nb.njit(inline="always")
def _pulse_lanes(T, X, FL, P):
    """X[b] = amplitude * pulse_shape(T[b]) for every lane (bit-identical to pulse_shape).

    The zero and flat parts in one branch-free loop; the rare lanes on a ramp go through
    :func:`pulse_shape` itself.
    """
    amp = P[P_AMP]
    delay = P[P_DELAY]
    rise = P[P_RISE]
    width = P[P_WIDTH]
    fall = P[P_FALL]
    off = 0.5 * rise + width - 0.5 * fall
    at0 = 0.0 if rise > 0.0 else 1.0
    n_ramp = 0
    for b in range(BLOCK):
        x = T[b] - delay
        ramp = ((x > 0.0) & (x < rise)) | ((x > off) & (x < off + fall))
        w = (at0 if x == 0.0 else 0.0) if x <= 0.0 else (1.0 if x <= off else 0.0)
        X[b] = amp * w
        FL[b] = ramp
        n_ramp += ramp
    if n_ramp > 0:
        for b in range(BLOCK):
            if FL[b]:
                X[b] = amp * pulse_shape(T[b], delay, rise, width, fall)


@nb.njit(inline="always")
def _run_group(lo, hi, m, state, P, t0, dt, n_steps, scheme, stop_on_switch, switch_time,
               stop_time, energy, rec, rec_every, bad):
    """Integrate trajectories lo..hi-1 on one block of BLOCK lanes (see integrate_ensemble).

    Inlined into the prange body on purpose: compiled as a function of its own, LLVM left
    the lane loops scalar (no vdivpd/vsqrtpd in its assembly) and the kernel ran 2.5x slower.
    One function of ~150 lines because it is the hot loop; the parts that are not per-step
    arithmetic live in the helpers below.
    """
    sigma = P[P_SIGMA]
    target = P[P_TARGET]
    level = P[P_LEVEL]
    commit = P[P_COMMIT]
    settle = P[P_SETTLE]
    u0, u1, u2 = P[P_U], P[P_U + 1], P[P_U + 2]
    p0, p1, p2 = P[P_P], P[P_P + 1], P[P_P + 2]
    eta2 = P[P_ETA] * P[P_ETA] if P[P_STT_MODEL] == 1.0 else 0.0
    current_drive = P[P_DRIVE] == 0.0
    want_energy = energy.shape[0] == m.shape[0]
    t_end = t0 + n_steps * dt
    gp, tmr0, vh, rs = P[P_GP], P[P_TMR0], P[P_VHALF], P[P_RSERIES]
    M0, M1, M2 = np.empty(BLOCK), np.empty(BLOCK), np.empty(BLOCK)
    Q0, Q1, Q2 = np.zeros(BLOCK), np.zeros(BLOCK), np.zeros(BLOCK)
    K0, K1, K2 = np.zeros(BLOCK), np.zeros(BLOCK), np.zeros(BLOCK)
    H0, H1, H2 = np.zeros(BLOCK), np.zeros(BLOCK), np.zeros(BLOCK)
    IA, IB, VM, PW, EA = (np.zeros(BLOCK), np.zeros(BLOCK), np.zeros(BLOCK),
                          np.zeros(BLOCK), np.zeros(BLOCK))
    SW, PR, TS, T = np.empty(BLOCK), np.empty(BLOCK), np.empty(BLOCK), np.empty(BLOCK)
    TB = np.empty(BLOCK)
    KF = np.zeros(BLOCK)                     # steps done by the lane's trajectory (float)
    PJ = np.empty(BLOCK)                     # projection target * (m . u) after the step
    IDX = np.full(BLOCK, -1, dtype=np.int64)  # trajectory in the lane, -1: none
    S = np.ones((4, BLOCK), dtype=np.uint64)
    HZ = np.zeros(BLOCK, dtype=np.int64)
    IZ = np.zeros(BLOCK, dtype=np.int64)
    OK = np.zeros(BLOCK, dtype=np.bool_)
    FL = np.zeros(BLOCK, dtype=np.bool_)
    EV = np.zeros(BLOCK, dtype=np.bool_)     # the lane has an event to handle after the step
    REC = np.zeros(BLOCK, dtype=np.bool_)    # the lane's trajectory is recorded
    last = float(n_steps)
    nxt = lo
    for b in range(BLOCK):  # first trajectories; lanes beyond hi keep a dummy state
        M0[b], M1[b], M2[b] = 0.0, 0.0, 1.0
        if nxt < hi:
            _load_lane(b, nxt, m, state, switch_time, P, t0, t_end, M0, M1, M2, S, SW, PR,
                       TS, EA, PW, VM, KF, IDX, REC, rec, want_energy)
            nxt += 1
    n_live = min(BLOCK, hi - lo)
    lockstep = hi - lo <= BLOCK  # no refills: every live lane is at the block's step
    k_blk = 0.0
    while n_live > 0:
        t_blk = t0 + k_blk * dt
        k_blk += 1.0
        for b in range(BLOCK):
            T[b] = t0 + KF[b] * dt
            TB[b] = T[b] + dt
        # 1. thermal field: three normals per lane, in its own stream's order
        if sigma > 0.0 and scheme != 1:
            normals_block(S, H0, HZ, IZ, OK, BLOCK)
            normals_block(S, H1, HZ, IZ, OK, BLOCK)
            normals_block(S, H2, HZ, IZ, OK, BLOCK)
            for b in range(BLOCK):
                H0[b] *= sigma
                H1[b] *= sigma
                H2[b] *= sigma
        if scheme == 0:
            # 2. stochastic Heun, stage by stage across the block
            if current_drive and lockstep:  # one time for all lanes: one current
                ia = P[P_AMP] * pulse_shape(t_blk, P[P_DELAY], P[P_RISE], P[P_WIDTH],
                                            P[P_FALL])
                ib = P[P_AMP] * pulse_shape(t_blk + dt, P[P_DELAY], P[P_RISE], P[P_WIDTH],
                                            P[P_FALL])
                for b in range(BLOCK):
                    IA[b] = ia
                    IB[b] = ib
            elif current_drive:
                _pulse_lanes(T, IA, FL, P)
                _pulse_lanes(TB, IB, FL, P)
            else:
                for b in range(BLOCK):
                    IA[b], _, VM[b] = drive_state(T[b], M0[b] * p0 + M1[b] * p1 + M2[b] * p2,
                                                  P, VM[b], 2)
            for b in range(BLOCK):
                k0, k1, k2 = rhs(M0[b], M1[b], M2[b], H0[b], H1[b], H2[b], IA[b], eta2, P)
                K0[b] = k0
                K1[b] = k1
                K2[b] = k2
                Q0[b] = M0[b] + dt * k0
                Q1[b] = M1[b] + dt * k1
                Q2[b] = M2[b] + dt * k2
            if not current_drive:
                for b in range(BLOCK):
                    IB[b], _, _ = drive_state(TB[b], Q0[b] * p0 + Q1[b] * p1 + Q2[b] * p2,
                                              P, VM[b], 2)
            for b in range(BLOCK):
                l0, l1, l2 = rhs(Q0[b], Q1[b], Q2[b], H0[b], H1[b], H2[b], IB[b], eta2, P)
                n0 = M0[b] + 0.5 * dt * (K0[b] + l0)
                n1 = M1[b] + 0.5 * dt * (K1[b] + l1)
                n2 = M2[b] + 0.5 * dt * (K2[b] + l2)
                inv = 1.0 / math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
                M0[b] = n0 * inv
                M1[b] = n1 * inv
                M2[b] = n2 * inv
        else:
            for b in range(BLOCK):
                if IDX[b] >= 0:
                    M0[b], M1[b], M2[b] = _step_other(scheme, M0[b], M1[b], M2[b], H0[b],
                                                      H1[b], H2[b], T[b], dt, VM[b], eta2, P)
        # 3. source energy of a current drive, vectorized (warm-started bias, 2 iterations)
        if want_energy and current_drive:
            if scheme != 0:
                _pulse_lanes(TB, IB, FL, P)
            for b in range(BLOCK):
                amp = IB[b]
                c = M0[b] * p0 + M1[b] * p1 + M2[b] * p2
                v = amp * mtj_resistance(c, VM[b], gp, tmr0, vh)
                v = amp * mtj_resistance(c, v, gp, tmr0, vh)
                r = mtj_resistance(c, v, gp, tmr0, vh)
                pw = amp * amp * (r + rs)
                EA[b] += 0.5 * dt * (PW[b] + pw)
                PW[b] = pw
                VM[b] = amp * r
        # 4. bookkeeping, vectorized: projection, step count and an event flag for every
        #    lane; the rare events (NaN, crossing, recording, stop, end) lane by lane, where a
        #    lane whose trajectory ended takes the next one
        if want_energy and not current_drive:
            for b in range(BLOCK):
                if IDX[b] >= 0:
                    _, pw, VM[b] = drive_state(TB[b], M0[b] * p0 + M1[b] * p1 + M2[b] * p2,
                                               P, VM[b], 2)
                    EA[b] += 0.5 * dt * (PW[b] + pw)
                    PW[b] = pw
        n_ev = 0
        for b in range(BLOCK):
            proj = target * (M0[b] * u0 + M1[b] * u1 + M2[b] * u2)
            PJ[b] = proj
            KF[b] += 1.0
            crossed = (proj > level) & (PR[b] <= level) & (SW[b] == math.inf)
            stop = stop_on_switch & ((((SW[b] < math.inf) | crossed) & (proj > commit))
                                     | ((TB[b] >= settle) & (abs(proj) > commit)))
            ev = (IDX[b] >= 0) & (crossed | stop | (KF[b] >= last) | REC[b]
                                  | (not math.isfinite(M0[b] + M1[b] + M2[b])))
            EV[b] = ev
            PR[b] = PR[b] if ev else proj
            n_ev += ev
        if n_ev > 0:
            for b in range(BLOCK):
                if EV[b]:
                    nxt, n_live = _lane_event(b, nxt, n_live, hi, m, state, switch_time,
                                              stop_time, energy, rec, rec_every, bad, P, t0,
                                              dt, t_end, last, stop_on_switch, M0, M1, M2, S,
                                              SW, PR, PJ, T, TS, EA, PW, VM, KF, IDX, REC,
                                              want_energy)


@nb.njit(fastmath=FASTMATH)
def _lane_event(b, nxt, n_live, hi, m, state, switch_time, stop_time, energy, rec,
                rec_every, bad, P, t0, dt, t_end, last, stop_on_switch, M0, M1, M2, S, SW, PR,
                PJ, T, TS, EA, PW, VM, KF, IDX, REC, want_energy):
    """Lane b's event after a step: NaN guard, equator crossing (linearly interpolated within
    the step), recording, stop or end; a finished lane takes trajectory ``nxt`` if any is left.
    Returns the updated (nxt, n_live)."""
    i = IDX[b]
    t = T[b]
    m0, m1, m2 = M0[b], M1[b], M2[b]
    proj = PJ[b]
    done = False
    if not (math.isfinite(m0) and math.isfinite(m1) and math.isfinite(m2)):
        bad[i] = 1
        TS[b] = t + dt
        done = True
    else:
        level = P[P_LEVEL]
        if proj > level and PR[b] <= level and SW[b] == math.inf:
            SW[b] = t + dt * (level - PR[b]) / (proj - PR[b])
        PR[b] = proj
        k1 = np.int64(KF[b])
        if REC[b] and k1 % rec_every == 0:
            j = k1 // rec_every
            if j < rec.shape[1]:
                rec[i, j, 0] = m0
                rec[i, j, 1] = m1
                rec[i, j, 2] = m2
        commit = P[P_COMMIT]
        if stop_on_switch and ((proj > commit and SW[b] < math.inf)
                               or (t + dt >= P[P_SETTLE] and abs(proj) > commit)):
            TS[b] = t + dt
            done = True
        elif KF[b] >= last:
            done = True
    if done:
        _store_lane(b, i, m, state, switch_time, stop_time, energy, M0, M1, M2, S, SW, TS, EA,
                    want_energy)
        IDX[b] = -1
        REC[b] = False
        if nxt < hi:
            _load_lane(b, nxt, m, state, switch_time, P, t0, t_end, M0, M1, M2, S, SW, PR, TS,
                       EA, PW, VM, KF, IDX, REC, rec, want_energy)
            nxt += 1
        else:
            n_live -= 1
    return nxt, n_live


@nb.njit(inline="always")
def _load_lane(b, i, m, state, switch_time, P, t0, t_end, M0, M1, M2, S, SW, PR, TS, EA, PW,
               VM, KF, IDX, REC, rec, want_energy):
    """Put trajectory i into lane b at its initial state."""
    M0[b] = m[i, 0]
    M1[b] = m[i, 1]
    M2[b] = m[i, 2]
    for w in range(4):
        S[w, b] = state[i, w]
    SW[b] = switch_time[i]
    PR[b] = P[P_TARGET] * (M0[b] * P[P_U] + M1[b] * P[P_U + 1] + M2[b] * P[P_U + 2])
    TS[b] = t_end
    EA[b] = 0.0
    PW[b] = 0.0
    VM[b] = 0.0
    KF[b] = 0.0
    IDX[b] = i
    REC[b] = i < rec.shape[0]
    current_drive = P[P_DRIVE] == 0.0
    if want_energy or not current_drive:
        guess = 0.0 if current_drive else P[P_AMP]
        _, PW[b], VM[b] = drive_state(t0, M0[b] * P[P_P] + M1[b] * P[P_P + 1]
                                      + M2[b] * P[P_P + 2], P, guess, _BIAS_ITER)
    if i < rec.shape[0]:
        rec[i, 0, 0] = M0[b]
        rec[i, 0, 1] = M1[b]
        rec[i, 0, 2] = M2[b]


@nb.njit(inline="always")
def _store_lane(b, i, m, state, switch_time, stop_time, energy, M0, M1, M2, S, SW, TS, EA,
                want_energy):
    """Write lane b's finished trajectory i back to the output arrays."""
    m[i, 0] = M0[b]
    m[i, 1] = M1[b]
    m[i, 2] = M2[b]
    for w in range(4):
        state[i, w] = S[w, b]
    switch_time[i] = SW[b]
    stop_time[i] = TS[b]
    if want_energy:
        energy[i] += EA[b]


@nb.njit(inline="always")
def _step_other(scheme, m0, m1, m2, h0, h1, h2, t, dt, vm, eta2, P):
    """One step of classical RK4 (scheme 1, deterministic) or Euler-Maruyama (scheme 2)."""
    p0, p1, p2 = P[P_P], P[P_P + 1], P[P_P + 2]
    if scheme == 1:
        c0 = m0
        c1 = m1
        c2 = m2
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        for stage in range(4):
            frac = 0.0 if stage == 0 else (1.0 if stage == 3 else 0.5)
            cur = drive_state(t + frac * dt, c0 * p0 + c1 * p1 + c2 * p2, P, vm, 2)[0]
            d0, d1, d2 = rhs(c0, c1, c2, 0.0, 0.0, 0.0, cur, eta2, P)
            wgt = 1.0 if (stage == 0 or stage == 3) else 2.0
            a0 += wgt * d0
            a1 += wgt * d1
            a2 += wgt * d2
            step = dt if stage >= 2 else 0.5 * dt
            c0 = m0 + step * d0
            c1 = m1 + step * d1
            c2 = m2 + step * d2
        return m0 + dt / 6.0 * a0, m1 + dt / 6.0 * a1, m2 + dt / 6.0 * a2
    cur = drive_state(t, m0 * p0 + m1 * p1 + m2 * p2, P, vm, 2)[0]
    d0, d1, d2 = rhs(m0, m1, m2, h0, h1, h2, cur, eta2, P)
    return m0 + dt * d0, m1 + dt * d1, m2 + dt * d2


@nb.njit(parallel=True, fastmath=FASTMATH, cache=True)
def integrate_ensemble(m, state, P, t0, dt, n_steps, scheme, stop_on_switch,
                       switch_time, stop_time, energy, rec, rec_every, bad):
    """Advance every trajectory ``n_steps`` steps of size ``dt`` from time ``t0`` (in place).

    m: (N, 3) unit vectors; state: (N, 4) uint64 RNG streams (left where each trajectory
    stopped); switch_time: (N,) first time ``target * (m . u)`` exceeded ``level`` (left
    untouched once set, inf if not yet); stop_time: (N,) time at which the trajectory stopped
    (s): ``t0 + n_steps dt`` unless ``stop_on_switch`` ended it once ``target * (m . u)``
    passed the commit level after a crossing, or, from the settle time on, once ``|m . u|``
    passed it in either well; energy: (N,) accumulated source energy (J); rec: (R, S, 3)
    samples of the first R trajectories every ``rec_every`` steps (sample 0 = initial state);
    bad: (N,) set to 1 if a trajectory produced a non-finite value (it is then stopped).

    Trajectories run on blocks of BLOCK lanes, one block per group of trajectories: a group
    is one block's worth without ``stop_on_switch``, about ROUNDS blocks' worth with it (a
    lane takes the group's next trajectory when its own stops). Each trajectory keeps its own
    RNG stream and step count and is computed by the same instructions in any lane, so the
    result does not depend on the grouping or on the number of threads.
    """
    n = m.shape[0]
    if n_steps < 1:
        for i in range(n):
            stop_time[i] = t0
        return
    n_blocks = (n + BLOCK - 1) // BLOCK
    n_groups = (n_blocks + ROUNDS - 1) // ROUNDS if stop_on_switch else n_blocks
    for g in nb.prange(n_groups):
        if stop_on_switch:  # equal shares, so that the threads finish together
            lo, hi = g * n // n_groups, (g + 1) * n // n_groups
        else:
            lo, hi = g * BLOCK, min(n, (g + 1) * BLOCK)
        _run_group(lo, hi, m, state, P, t0, dt, n_steps, scheme, stop_on_switch,
                   switch_time, stop_time, energy, rec, rec_every, bad)


@nb.njit(cache=True)
def source_power(times, cos_theta, P):
    """Power drawn from the source (W) at ``times`` for a frozen angle (cos theta)."""
    out = np.empty(times.shape[0])
    for k in range(times.shape[0]):
        _, out[k] = drive(times[k], cos_theta, P)
    return out
