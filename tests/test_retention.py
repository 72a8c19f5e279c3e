"""Retention: Delta(T), Brown's escape time, exact MFPT quadrature, Monte Carlo first passage."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from llg import ParameterError, current_pulse, load_device, simulate
from llg import retention as ret
from llg.fokker_planck import Grid, ReducedModel, relaxation_rate

N_SIGMA = 4.5
DT_BUDGET = 0.01   # relative time-step bias allowed at dt = 2 ps (measured +0.3 .. +1.5 %)


def _delta6_device(alpha=1.0):
    base = load_device("low-delta-fast")
    return base.with_(alpha=alpha, temperature=300.0 * base.delta / 6.0)


@pytest.fixture(scope="module")
def mc_escape():
    """Monte Carlo first passage from the Boltzmann P well to m.z = -0.8 at Delta = 6."""
    dev = _delta6_device()
    exact = ret.mean_first_passage_time(dev.delta, 0.8) * dev.tau_d
    res = simulate(dev, duration=60 * exact, dt=2e-12, n_trajectories=4000, seed=2024,
                   initial="P", thermal_initial=True, switch_level=0.8, stop_on_switch=True)
    t = res.switch_time
    assert np.all(np.isfinite(t))
    return dev, exact, float(t.mean()), float(t.std(ddof=1) / math.sqrt(t.size))


def test_mc_first_passage_matches_exact_quadrature(mc_escape):
    dev, exact, mean, se = mc_escape
    assert abs(mean - exact) < N_SIGMA * se + DT_BUDGET * exact


def test_mc_first_passage_vs_brown_within_its_asymptotic_accuracy(mc_escape):
    dev, exact, mean, se = mc_escape
    r = ret.retention(dev)
    # Brown is the leading term of a 1/Delta expansion (+1.4/Delta at this level, Delta = 6)
    assert abs(mean / r.retention_time - 1) < 2.0 / dev.delta + N_SIGMA * se / mean
    # the FP spectral lifetime 2/lambda1 includes those corrections
    assert abs(mean / r.retention_time_fp - 1) < 0.02 + N_SIGMA * se / mean + DT_BUDGET


def test_mc_first_passage_with_read_current_and_field():
    """Read disturb: 0.35 Ic0 toward AP plus H_z = -0.1 H_K; exact MFPT with c = i - h."""
    base = load_device("low-delta-fast")
    dev = base.with_(alpha=1.0, temperature=300.0 * base.delta / 8.0,
                     applied_field=(0.0, 0.0, -0.1 * base.Hk_eff))
    model = ReducedModel.from_device(dev)
    current = -0.35 * dev.ic0
    c = model.shift(current, -1)
    assert c == pytest.approx(0.45, rel=1e-9)
    exact = ret.mean_first_passage_time(dev.delta, 0.8, c=c, c0=0.0) * dev.tau_d
    res = simulate(dev, drive=current_pulse(current), duration=60 * exact, dt=2e-12,
                   n_trajectories=4000, seed=77, initial="P", thermal_initial=True,
                   switch_level=0.8, stop_on_switch=True)
    t = res.switch_time
    assert np.all(np.isfinite(t))
    se = t.std(ddof=1) / math.sqrt(t.size)
    assert abs(t.mean() - exact) < N_SIGMA * se + DT_BUDGET * exact


def test_quadrature_matches_independent_implementation_and_discrete_chain():
    from validation.references_llg import mfpt_uniaxial

    for delta, level in ((3.0, 0.0), (6.0, 0.8), (25.0, 0.5)):
        mine = ret.mean_first_passage_time(delta, level)
        # the lead's reference: time unit tau_N = Delta tau_D, level measured from the P side
        other = mfpt_uniaxial(delta, -level, 1.0) * delta
        assert mine == pytest.approx(other, rel=1e-8)
    # the FP discretization as a birth-death chain, absorbing at the cell beyond u = 0
    delta = 6.0
    vals = []
    for n in (200, 400):
        g = Grid(delta, n)
        op = g.operator(0.0)
        m = n // 2
        a = np.diag(-(op.kp[:m] + np.r_[0.0, op.km[:m - 1]])) + np.diag(op.kp[:m - 1], 1) + \
            np.diag(op.km[:m - 1], -1)
        t = np.linalg.solve(a, -np.ones(m))
        vals.append(float(g.boltzmann_start(0.0)[:m] @ t))
    # the absorbing point sits half a cell beyond u = 0: first-order, extrapolate
    assert 2 * vals[1] - vals[0] == pytest.approx(ret.mean_first_passage_time(delta, 0.0),
                                                  rel=2e-3)


@pytest.mark.parametrize("delta", [20.0, 60.0])
def test_mfpt_high_barrier_asymptote(delta):
    """To the saddle: T = tau_B (1 + 1/Delta + O(Delta^-2)) (Laplace expansion)."""
    t = ret.mean_first_passage_time(delta, 0.0)
    tau_b = ret.brown_relaxation_time(delta, 1.0)
    assert t / tau_b == pytest.approx(1 + 1 / delta, abs=4.0 / delta ** 2)


def test_mfpt_with_current_follows_the_n2_thermal_law():
    from llg.wer_analytic import thermal_switching_time

    delta, i = 120.0, 0.35
    d_eff = delta * (1 - i) ** 2
    t = ret.mean_first_passage_time(delta, 0.5, c=i)
    assert t / thermal_switching_time(delta, i, 2) == pytest.approx(1.0, abs=1.5 / d_eff)


def _raw_brown_escape(T):
    """Delta(T) and Brown's escape time (s) of default.toml from its raw SI card values.

    Written out here, independently of llg.device: Bloch law Ms(T) = Ms(0) (1 - (T/Tc)^1.5),
    Callen-Callen K_eff ~ Ms^n so Hk(T) ~ Ms(T)^(n-1), both normalised at the card's 300 K;
    Delta = mu0 Ms Hk V / (2 k_B T); Brown's longest relaxation time in Coffey & Kalmykov's
    notation (J. Appl. Phys. 112, 121301 (2012)), tau_B = tau_N (sqrt(pi)/2) Delta^(-3/2)
    e^Delta with tau_N = Ms V (1 + alpha^2) / (2 gamma alpha k_B T) (gamma in rad/(s T)); the
    escape time out of one of the two wells is 2 tau_B.
    """
    mu0, kb, gamma = 1.25663706212e-6, 1.380649e-23, 1.76085963023e11  # CODATA 2018
    ms0, hk0, alpha, t0, tc, n = 1.1e6, 2.2e5, 0.01, 300.0, 1100.0, 2.18  # default.toml
    vol = math.pi * 45e-9 ** 2 / 4 * 1.1e-9
    ratio = (1 - (T / tc) ** 1.5) / (1 - (t0 / tc) ** 1.5)
    ms, hk = ms0 * ratio, hk0 * ratio ** (n - 1)
    delta = mu0 * ms * hk * vol / (2 * kb * T)
    tau_n = ms * vol * (1 + alpha ** 2) / (2 * gamma * alpha * kb * T)
    return delta, 2 * tau_n * math.sqrt(math.pi) / 2 * delta ** -1.5 * math.exp(delta)


def test_retention_scales_with_temperature():
    dev = load_device("default")
    rows = [ret.retention(dev, T) for T in (250.0, 300.0, 350.0, 400.0)]
    deltas = [r.delta for r in rows]
    assert all(a > b for a, b in zip(deltas, deltas[1:]))
    for T, r in zip((250.0, 300.0, 350.0, 400.0), rows):
        delta, t_esc = _raw_brown_escape(T)
        assert r.delta == pytest.approx(delta, rel=1e-9)
        assert r.retention_time == pytest.approx(t_esc, rel=1e-7)
        assert r.retention_time == pytest.approx(r.attempt_time * math.exp(delta), rel=1e-7)
        # exact FP lifetime: Brown times 1/(1 - 1/Delta) to O(Delta^-2)
        assert r.retention_time_fp / r.retention_time == pytest.approx(
            1 / (1 - 1 / r.delta), abs=3 / r.delta ** 2)
    assert ret.retention(dev).delta == pytest.approx(dev.delta, rel=1e-12)


def test_failure_probability():
    tau = 1e6
    assert ret.failure_probability(1.0, 1.0, tau) == pytest.approx(1e-6, rel=1e-6)
    assert ret.failure_probability(1e9, 1e-3, tau) == pytest.approx(-math.expm1(-1.0))
    r = ret.retention(load_device("default"), bits=1e6, storage_time=3600.0)
    assert r.failure_probability == pytest.approx(1e6 * 3600.0 / r.retention_time, rel=1e-6)
    with pytest.raises(ParameterError, match="bits"):
        ret.retention(load_device("default"), bits=0.5)
    with pytest.raises(ParameterError, match="storage_time"):
        ret.retention(load_device("default"), storage_time=-1.0)
    with pytest.raises(ParameterError, match="temperature"):
        ret.retention(load_device("default"), 2000.0)
    with pytest.raises(ParameterError, match="0 K"):
        ret.retention(load_device("default").with_(temperature=0.0))


def test_brown_prefactor_matches_fp_spectrum():
    lam, _ = relaxation_rate(40.0)
    assert 1 / lam == pytest.approx(ret.brown_relaxation_time(40.0, 1.0), rel=1.5 / 40.0)


def test_cli_retention_json():
    p = subprocess.run([sys.executable, "-m", "cramsim", "retention", "--temperature", "300",
                        "350", "--bits", "1e6", "--json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert isinstance(rows, list) and len(rows) == 2
    for key in ("delta", "attempt_time", "retention_time", "temperature",
                "failure_probability"):
        assert key in rows[0]
    assert rows[0]["retention_time"] > rows[1]["retention_time"]
    q = subprocess.run([sys.executable, "-m", "cramsim", "retention", "--json"],
                       capture_output=True, text=True)
    assert isinstance(json.loads(q.stdout), dict)
    bad = subprocess.run([sys.executable, "-m", "cramsim", "retention", "--temperature",
                          "5000"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
