"""MTJs coupled to their circuit: gate errors with state-dependent currents.

The optimizer's errors use each MTJ's current before it switches for the whole pulse. As an
MTJ switches, its resistance changes and with it the current the network drives through it.
At the operating point, for every input pattern (one row), the network is solved with the MTJ
in question before and after its switch - the output preset and switched; each input at risk
of disturb in its state and flipped - and the two (current, MTJ bias) points define the
Thevenin equivalent the MTJ sees, ``V_mtj = V_th - I R_th`` (exact for linear elements, the
chord of the saturating transistor otherwise). The Fokker-Planck equation is then solved with
``i(u) = V_th / (R_th + R(u, V_mtj))`` (:func:`llg.fokker_planck.voltage_switching`,
validated against the voltage-driven LLG ensemble in :mod:`validation.cases_gates`): the
output in the gate's direction, the disturbed inputs in the reverse one. The pattern error
combines them as in :mod:`.gatemodel`.

:func:`coupled_refine` then searches (V, t) around the optimizer's constant-current choice for
the best point under the coupled model: least mean energy with every coupled pattern error
<= the target, else the least coupled max error. One FP solve gives every pulse width at once,
so t runs over the whole pulse grid for free; V goes where a local model of the pattern errors
predicts the optimum (a few evaluations, each one FP solve per distinct Thevenin equivalent:
default device NOT 12, NAND2 31, MAJ3 57 solves), with a robust scan near the target.
"""
from __future__ import annotations

import numpy as np

from llg.fokker_planck import voltage_switching

_SIGN = {"P-AP": -1.0, "AP-P": +1.0}


def thevenin(i_pre: float, v_pre: float, i_post: float, v_post: float):
    """(V_th, R_th) in (V, ohm) through two (current A, bias V) points, or None."""
    if abs(i_post - i_pre) < 1e-12 * abs(i_pre):
        return None
    r_th = (v_pre - v_post) / (i_post - i_pre)
    if not r_th >= 0:
        return None
    return v_pre + i_pre * r_th, r_th


class _Solver:
    """FP solves of one device at pulse widths ``pulses`` (s, all in one solve), cached per
    (direction, V_th, R_th); ``solves`` counts them."""

    def __init__(self, device, pulses):
        from .fpsource import gate_cells

        self.device, self.t = device, np.atleast_1d(np.asarray(pulses, dtype=float))
        self.n = gate_cells(device.delta)
        self.cache = {}
        self.solves = 0

    def __call__(self, direction, th):
        # rounded to 4 significant digits: patterns with the same count of low inputs differ
        # by a few ohms of line resistance in kilo-ohms and share one solve
        v_th, r_th = (float(f"{x:.4g}") for x in th)
        key = (direction, v_th, r_th)
        if key not in self.cache:
            r = voltage_switching(self.device, _SIGN[direction] * v_th, r_th, self.t,
                                  n_cells=self.n)
            self.cache[key] = (np.asarray(r.wer, dtype=float),
                               np.asarray(r.p_switch, dtype=float))
            self.solves += 1
        return self.cache[key]


def coupled_errors(ctx, voltage: float, pulse_width: float) -> dict:
    """Per pattern: coupled output error, coupled input-disturb probability, pattern error,
    and the output's Thevenin equivalent (V, ohm). Rows = 1 only."""
    out = _coupled(ctx, voltage, _Solver(ctx.device, [pulse_width]))
    return {p: {k: (float(x[0]) if isinstance(x, np.ndarray) else x) for k, x in d.items()}
            for p, d in out.items()}


def _source_values(ctx, direction, current, pulses, wer: bool) -> np.ndarray:
    """The constant-current source's WER (or P_sw) at ``current`` for each pulse width."""
    f = ctx.src.wer if wer else ctx.src.p_switch
    return np.array([float(f(direction, current, t)[0]) for t in pulses])


def _coupled(ctx, voltage: float, fp: _Solver) -> dict:
    """:func:`coupled_errors` at every pulse width of ``fp`` (arrays over them)."""
    m, gate = ctx.model, ctx.model.gate
    pulses = fp.t
    P, n = m.bits.shape
    # one batch: every pattern preset, switched, and with each input flipped
    bits = np.concatenate([m.bits, m.bits] + [m.bits ^ (np.arange(n) == j) for j in range(n)])
    outl = np.concatenate([np.full(P, gate.preset), np.full(P, 1 - gate.preset),
                           np.full(P * n, gate.preset)])
    sol = m.net.solve(np.full(len(bits), voltage), bits[:, None, :], outl[:, None])
    i_o, v_o = np.abs(sol.output_current[:, 0]), np.abs(sol.output_bias[:, 0])
    i_in, v_in = np.abs(sol.input_current[:, 0, :]), np.abs(sol.input_bias[:, 0, :])
    out = {}
    for k, p in enumerate(m.patterns):
        th = thevenin(i_o[k], v_o[k], i_o[P + k], v_o[P + k])
        if th is None:   # the current does not follow the state: the source's value is exact
            e_out = _source_values(ctx, gate.direction, i_o[k], pulses, bool(m.switching[k]))
        else:
            wer, psw = fp(gate.direction, th)
            e_out = wer if m.switching[k] else psw
        keep = np.ones(pulses.size)
        for j in np.nonzero(m.bits[k] == gate.disturbable_input)[0]:
            f = 2 * P + j * P + k
            th_in = thevenin(i_in[k, j], v_in[k, j], i_in[f, j], v_in[f, j])
            keep = keep * (1.0 - (fp(gate.input_disturb_direction, th_in)[1]
                                  if th_in is not None else
                                  _source_values(ctx, gate.input_disturb_direction,
                                                 i_in[k, j], pulses, False)))
        out[p] = {"output_error": e_out, "input_disturb": 1.0 - keep,
                  "error": 1.0 - (1.0 - e_out) * keep,
                  "v_thevenin": None if th is None else th[0],
                  "r_thevenin": None if th is None else th[1]}
    return out


#: Search of :func:`coupled_refine` (t runs over the source's whole pulse grid: the coupled
#: optimum can sit several columns from the start, and one FP solve covers them all).
#: Least error: three probes at v0 and v0 +- REFINE_STEP v0, then up to REFINE_ITER
#: evaluations where a local model predicts the optimum (each pattern's log error linear in V
#: per pulse, fitted to the three evaluated voltages nearest the prediction, on a grid of
#: REFINE_GRID voltages within +- REFINE_SPAN v0), until the prediction repeats to REFINE_XTOL.
REFINE_STEP = 0.005
REFINE_ITER = 5
REFINE_SPAN = 0.25
REFINE_GRID = 2001
REFINE_XTOL = 1e-4
#: Least energy, once the least error comes within REFINE_NEAR x the target (the feasible
#: bands can be narrow, so a robust search): a coarse scan (step REFINE_SCAN v0,
#: REFINE_POINTS each side, extended REFINE_EXTEND times past an edge holding the best), a
#: golden-section search in V for the REFINE_PULSES pulses of least scanned error, the shorter
#: pulses that still meet the target, and bisection for the lower feasible edge of the
#: REFINE_EDGES feasible pulses cheapest so far.
REFINE_NEAR = 10.0
REFINE_SCAN = 0.015
REFINE_POINTS = 3
REFINE_EXTEND = 2
REFINE_PULSES = 2
REFINE_EDGES = 2
REFINE_GOLDEN = 5
REFINE_BISECT = 6


def _pulse_window(ctx, t0: float) -> np.ndarray:
    """The source's pulse grid (s) and the start pulse (which may lie off it)."""
    return np.unique(np.concatenate([np.asarray(ctx.src.pulse_widths, dtype=float), [t0]]))


class _Coupled:
    """Coupled max error (over patterns) at every pulse of ``pulses`` for a voltage, memoized;
    ``solves`` counts the FP solves."""

    def __init__(self, ctx, pulses):
        self.ctx, self.pulses, self.memo, self.solves = ctx, pulses, {}, 0

    def __call__(self, v: float):
        v = float(v)
        if v not in self.memo:
            fp = _Solver(self.ctx.device, self.pulses)
            out = _coupled(self.ctx, v, fp)
            self.solves += fp.solves
            errs = np.array([d["error"] for d in out.values()])      # (P, T)
            self.memo[v] = (errs.max(axis=0), {p: errs[k] for k, p in enumerate(out)})
        return self.memo[v]


def _model(f: "_Coupled", v: float, vg: np.ndarray) -> np.ndarray:
    """Predicted log max error (G, T) on the voltages vg: per pattern and pulse, log error
    linear in V through the three evaluated voltages nearest v (least squares)."""
    near = sorted(f.memo, key=lambda x: abs(x - v))[:3]
    x = np.array(near)
    y = np.log(np.maximum(np.stack([np.stack(list(f.memo[u][1].values())) for u in near]),
                          1e-300))                                  # (3, P, T)
    A = np.stack([np.ones_like(x), x - v], axis=1)
    coef, *_ = np.linalg.lstsq(A, y.reshape(3, -1), rcond=None)
    a, b = (c.reshape(y.shape[1:]) for c in coef)
    return (a[None] + b[None] * (vg - v)[:, None, None]).max(axis=1)


def _least_error(f: "_Coupled", v0: float, lo: float, hi: float) -> None:
    """Probes around v0, then evaluations where the local model predicts the least coupled
    max error (module constants)."""
    for d in (-REFINE_STEP, REFINE_STEP):
        f(min(max(v0 * (1 + d), lo), hi))
    vg = np.linspace(max(lo, v0 * (1 - REFINE_SPAN)), min(hi, v0 * (1 + REFINE_SPAN)),
                     REFINE_GRID)
    v = v0
    for _ in range(REFINE_ITER):
        pred = _model(f, v, vg)
        v = float(vg[np.unravel_index(int(np.argmin(pred)), pred.shape)[0]])
        if min(abs(v - u) for u in f.memo) <= REFINE_XTOL * v0:
            return
        f(v)


def _best(f: "_Coupled", j: int | None = None) -> tuple:
    """(error, V, pulse index) of least coupled max error among the voltages evaluated (at
    pulse index j only, if given)."""
    return min((float(mx[j] if j is not None else mx.min()), v,
                j if j is not None else int(np.argmin(mx))) for v, (mx, _) in f.memo.items())


def _scan(f: "_Coupled", v0: float, lo: float, hi: float) -> None:
    """The coarse scan around v0, extended past an edge where the best point sits on it."""
    h = REFINE_SCAN * v0
    for k in range(-REFINE_POINTS, REFINE_POINTS + 1):
        f(min(max(v0 + k * h, lo), hi))
    for _ in range(REFINE_EXTEND):
        vs = sorted(f.memo)
        v_best = _best(f)[1]
        if v_best == vs[0] and vs[0] > lo:
            new = [vs[0] - k * h for k in range(1, REFINE_POINTS + 1)]
        elif v_best == vs[-1] and vs[-1] < hi:
            new = [vs[-1] + k * h for k in range(1, REFINE_POINTS + 1)]
        else:
            return
        for v in new:
            f(min(max(v, lo), hi))


def _golden(f: "_Coupled", j: int, v: float) -> None:
    """Golden-section search of pulse j's coupled max error (unimodal in V: switching
    patterns fail less and holding ones more as V rises) between v's scanned neighbours."""
    vs = sorted(f.memo)
    k = vs.index(v)
    a, b = vs[max(k - 1, 0)], vs[min(k + 1, len(vs) - 1)]
    g = 0.5 * (np.sqrt(5.0) - 1.0)
    c, d = b - g * (b - a), a + g * (b - a)
    for _ in range(REFINE_GOLDEN):
        if f(c)[0][j] <= f(d)[0][j]:
            b, d = d, c
            c = b - g * (b - a)
        else:
            a, c = c, d
            d = a + g * (b - a)


def _lower_edge(f: "_Coupled", j: int, target: float) -> float:
    """The lowest V where pulse j meets the target under coupling, by bisection between the
    lowest evaluated V that does and the highest below it that does not (energy rises
    with V)."""
    ok = [v for v, (mx, _) in f.memo.items() if mx[j] <= target]
    v_ok = min(ok)
    bad = [v for v in f.memo if v < v_ok]
    if not bad:
        return v_ok
    v_bad = max(bad)
    for _ in range(REFINE_BISECT):
        mid = 0.5 * (v_ok + v_bad)
        if f(mid)[0][j] <= target:
            v_ok = mid
        else:
            v_bad = mid
    return v_ok


def _shorter_feasible(f: "_Coupled", j: int, target: float) -> None:
    """From feasible pulse j down the pulse grid: each shorter pulse searched in V while it
    still meets the target (energy falls with the pulse; the least error rises as it
    shortens, so the first one that fails ends the walk)."""
    for k in range(j - 1, -1, -1):
        e, v, _ = _best(f, k)
        if e > target:
            _golden(f, k, v)
        if _best(f, k)[0] > target:
            return


def _energy(ctx, v: float, t: float) -> float:
    from .operating_point import _terms_at

    return float(_terms_at(ctx, v, t)["energy"][:, 0].mean())


def coupled_refine(ctx, v0: float, t0: float, target: float) -> dict:
    """The best (V, t) under the coupled model near the constant-current choice (v0, t0):
    t over the source's pulse grid (one FP solve gives every pulse); V where a local model
    of the pattern errors predicts the least coupled max error; near the target, a robust
    scan and golden-section search, and if a point meets the target the least-energy one
    (energy from the constant-current model) at the lower edge of its pulse's
    coupled-feasible voltages (module constants). Rows = 1, FP source.

    Returns {"voltage" (V), "pulse_width" (s), "max_error_rate" (coupled), "feasible",
    "error_by_pattern", "mean_energy" (J), "start": the same at (v0, t0), "change":
    {"voltage" (V), "pulse_width_ratio", "max_error_ratio"}, "evaluations", "fp_solves"}.
    """
    pulses = _pulse_window(ctx, t0)
    f = _Coupled(ctx, pulses)
    j0 = int(np.argmin(np.abs(pulses - t0)))
    start_err = float(f(v0)[0][j0])
    _least_error(f, v0, ctx.v_lo, ctx.v_hi)
    err, v, j = _best(f)
    if err <= REFINE_NEAR * target:     # a feasible band may be near: the robust search
        _scan(f, v0, ctx.v_lo, ctx.v_hi)
        for e, u, k in sorted(_best(f, k) for k in range(pulses.size))[:REFINE_PULSES]:
            _golden(f, k, u)
        err, v, j = _best(f)
    if err <= target:
        _shorter_feasible(f, j, target)
        # each feasible pulse's lowest feasible V so far; the REFINE_EDGES cheapest refined
        coarse = sorted((_energy(ctx, min(u for u, (mx, _) in f.memo.items()
                                          if mx[k] <= target), float(pulses[k])), k)
                        for k in range(pulses.size)
                        if any(mx[k] <= target for mx, _ in f.memo.values()))
        cands = [(_lower_edge(f, k, target), k) for _, k in coarse[:REFINE_EDGES]]
        v, j = min(cands, key=lambda c: _energy(ctx, c[0], float(pulses[c[1]])))
    t = float(pulses[j])
    errs = {p: float(e[j]) for p, e in f(v)[1].items()}
    err = max(errs.values())
    return {"voltage": v, "pulse_width": t, "max_error_rate": err,
            "feasible": bool(err <= target), "error_by_pattern": errs,
            "mean_energy": _energy(ctx, v, t),
            "start": {"voltage": v0, "pulse_width": t0, "max_error_rate": start_err,
                      "feasible": bool(start_err <= target),
                      "mean_energy": _energy(ctx, v0, t0)},
            "change": {"voltage": v - v0, "pulse_width_ratio": t / t0,
                       "max_error_ratio": err / start_err if start_err > 0 else None},
            "evaluations": len(f.memo), "fp_solves": f.solves}
