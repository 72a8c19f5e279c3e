"""Tests of the Fokker-Planck WER solver against independent references.

References: the Boltzmann density, a dense symmetric eigensolver, an independent ODE
integrator (scipy BDF), Brown's formula, the exact mean first-passage quadrature, the
long-pulse asymptotes of Butler et al. (2012), and Monte Carlo of the stochastic LLG.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate, sparse
from scipy.linalg import eigh_tridiagonal

from llg import ParameterError, load_device
from llg import fokker_planck as fp
from llg import wer_analytic as wa
from llg.equilibrium import density_u

N_SIGMA = 4.5


def _generator(op):
    n = op.kp.size + 1
    diag = np.zeros(n)
    diag[:-1] -= op.kp
    diag[1:] -= op.km
    return sparse.diags([op.km, diag, op.kp], [1, 0, -1], format="csc")


# -- discretization ------------------------------------------------------------------------
@pytest.mark.parametrize("delta", [1.0, 13.0, 64.0])
def test_discrete_equilibrium_is_exact_boltzmann(delta):
    g = fp.Grid(delta, 300)
    op = g.operator(0.0)
    p = op.stationary() / g.sizes
    ratio = p / density_u(g.centers, delta)
    assert np.max(np.abs(ratio / ratio.mean() - 1)) < 1e-12
    # zero flux: A P_st = 0 to round-off relative to the individual rate terms
    a = _generator(op)
    scale = (np.abs(a) @ op.stationary())
    assert np.max(np.abs(a @ op.stationary()) / scale) < 1e-12


def test_generator_conserves_probability_and_is_metzler():
    op = fp.Grid(20.0, 200).operator(0.7)
    a = _generator(op).toarray()
    assert np.max(np.abs(a.sum(axis=0))) < 1e-9 * np.max(np.abs(a))
    off = a - np.diag(np.diag(a))
    assert off.min() >= 0.0


def test_applied_field_equilibrium():
    """H_z = h H_K: stationary density exp(Delta (u + h)^2), i.e. Boltzmann with Zeeman."""
    delta, h = 10.0, -0.3
    g = fp.Grid(delta, 200)
    p = g.operator(h).stationary() / g.sizes
    exact = np.exp(delta * (g.centers ** 2 + 2 * h * g.centers))
    r = p / exact
    assert np.max(np.abs(r / r.mean() - 1)) < 1e-12


def test_sturm_eigenvalues_match_dense_solver_and_stay_accurate_when_tiny():
    for delta, c in ((3.0, 0.0), (6.0, 0.4), (10.0, 1.5)):
        op = fp.Grid(delta, 200).operator(c)
        n = op.kp.size + 1
        d = np.zeros(n)
        d[:-1] += op.kp
        d[1:] += op.km
        ev = eigh_tridiagonal(d, -np.sqrt(op.kp * op.km), eigvals_only=True,
                              select="i", select_range=(0, 2))
        lam1, lam2 = op.eigenvalues()
        assert lam1 == pytest.approx(ev[1], rel=1e-8)
        assert lam2 == pytest.approx(ev[2], rel=1e-8)
    # Delta = 80: lambda1 ~ 1e-34, far below what a dense solver resolves (eps ||A|| ~ 1e-13);
    # the Sturm value must still follow Brown's law with its 1 - 1/Delta correction.
    lam, _ = fp.relaxation_rate(80.0)
    brown = 2 / math.sqrt(math.pi) * math.sqrt(80.0) * math.exp(-80.0)
    assert lam / brown == pytest.approx(1 - 1 / 80.0, abs=2 / 80.0 ** 2)


# -- time integration -------------------------------------------------------------------------
def test_uniformization_matches_bdf_including_the_two_mode_tail():
    delta, c, n = 8.0, 0.5, 80
    g = fp.Grid(delta, n)
    op = g.operator(c)
    p0 = g.boltzmann_start(0.0)
    ind = g.start.astype(float)
    lam1, lam2 = op.eigenvalues()
    s0 = 40.0 / (lam2 - lam1)
    s = np.sort(np.array([0.3, 3.0, 0.8 * s0, 1.5 * s0, 3.0 * s0]))
    a = _generator(op)
    sol = integrate.solve_ivp(lambda t, y: a @ y, (0, s.max()), p0, method="BDF", jac=a,
                              t_eval=s, rtol=1e-11, atol=1e-30)
    ref = ind @ sol.y
    got = fp.propagate_functional(op, p0, ind, s)
    np.testing.assert_allclose(got, ref, rtol=2e-6)
    # adjoint propagation: r = exp(A^T s) 1_wrong gives the same functional
    r = fp.propagate_adjoint(op, ind, 3.0)
    assert r @ p0 == pytest.approx(ref[1], rel=2e-6)


def test_richardson_error_estimate_bounds_the_actual_error():
    """n/2n extrapolation vs a 4n/8n reference, at WER down to 1e-20."""
    model = fp.ReducedModel(delta=30.0, tau_d=1.0, h=0.0, i_per_ampere=1.0)
    i, n = 2.0, 300
    s = np.log(30.0 * 3 / np.array([1e-3, 1e-10, 1e-20])) / (2 * (i - 1))
    w = {m: fp._Solver(model, 1, m, 0.0).wer(i, s) for m in (n, 2 * n, 4 * n, 8 * n)}
    est_val, est_err = fp._richardson_log(w[n], w[2 * n])
    ref, _ = fp._richardson_log(w[4 * n], w[8 * n])
    actual = np.abs(np.log(est_val / ref))
    assert np.all(actual < est_err)
    assert np.all(est_err < 0.05)
    # observed convergence order of the fine values is 2
    order = np.log2(np.abs(np.log(w[n] / w[2 * n])) / np.abs(np.log(w[2 * n] / w[4 * n])))
    assert np.all(np.abs(order - 2) < 0.3)


# -- Butler et al. and the exact-drift asymptote -------------------------------------------------
@pytest.mark.parametrize("i", [2.0, 3.0])
def test_long_pulse_tail_approaches_butler_exponent_and_exact_drift_prefactor(i):
    delta = 300.0
    s = np.log(delta * 3.0 / np.array([1e-9, 1e-12])) / (2 * (i - 1))
    w, err = fp.wer_reduced(delta, i, s)
    assert np.all(err < 0.02)
    rate = math.log(w[0] / w[1]) / (s[1] - s[0])
    assert rate / (2 * (i - 1)) == pytest.approx(1.0, abs=1.0 / delta)
    pref = w[0] * math.exp(rate * s[0]) / float(wa.butler_tail(delta, i, 0.0))
    assert pref == pytest.approx(wa.tail_prefactor_ratio(i), rel=5.0 / delta)


def test_butler_closed_form_is_the_linearized_gaussian_solution():
    """Internal consistency of the reference itself: exact zero-T time and its asymptote."""
    i = 2.5
    theta0 = 1e-4
    s = wa.switching_time_t0(math.cos(theta0), i)
    theta_c2 = 2 ** (2 * i / (i + 1)) * ((i - 1) / i) ** (2 / (i + 1)) * \
        math.exp(-2 * (i - 1) * s)
    assert theta_c2 == pytest.approx(theta0 ** 2, rel=1e-6)
    # at long times Butler's form tends to its exponential tail
    assert float(wa.butler_wer(60.0, i, 20.0)) == pytest.approx(
        float(wa.butler_tail(60.0, i, 20.0)), rel=1e-6)
    with pytest.raises(ParameterError, match="I > Ic0"):
        wa.butler_wer(60.0, 0.9, 1.0)


def test_default_device_wer_is_within_butler_regime():
    """Delta = 64, I = 2 Ic0: FP and Butler agree within their known prefactor factor."""
    dev = load_device("default")
    widths = np.array([10e-9, 20e-9, 30e-9])
    r = fp.write_error_rate(dev, -2 * dev.ic0, widths, relaxation=0.0)
    b = wa.butler_wer(dev.delta, 2.0, widths / dev.tau_d)
    ratio = r.wer / b
    assert np.all(r.rel_error < 0.01)
    assert np.all((ratio > 0.4) & (ratio < 0.7))   # exact-drift factor 0.64, minus O(s/Delta)


# -- zero current: Brown and the exact first-passage time ------------------------------------------
@pytest.mark.parametrize("delta", [13.0, 30.0])
def test_spectral_gap_equals_inverse_mfpt_to_the_saddle(delta):
    from llg.retention import mean_first_passage_time

    lam, _ = fp.relaxation_rate(delta)
    t = mean_first_passage_time(delta, 0.0)
    assert lam * t == pytest.approx(1.0, abs=5 * math.exp(-delta) + 1e-8)


def test_thermal_activation_exponent_two():
    delta = 60.0
    for i in (0.2, 0.5):
        t_fp = fp.escape_time_reduced(delta, i)
        d_eff = delta * (1 - i) ** 2
        assert wa.thermal_switching_time(delta, i, 2) / t_fp == pytest.approx(
            1.0, abs=1.5 / d_eff)
        assert wa.thermal_switching_time(delta, i, 1) / t_fp > 100.0
    # zero current: the escape time is the well lifetime 2/lambda1
    lam, _ = fp.relaxation_rate(20.0)
    assert fp.escape_time_reduced(20.0, 0.0) == pytest.approx(2 / lam, rel=1e-9)


# -- against Monte Carlo of the stochastic LLG ----------------------------------------------
def test_wer_matches_monte_carlo_where_both_resolve():
    from llg import current_pulse, simulate

    dev = load_device("low-delta-fast")
    n = 4000
    current = -1.5 * dev.ic0
    widths = [6e-9, 12e-9, 20e-9]
    res = fp.write_error_rate(dev, current, widths)
    for k, (w, wer) in enumerate(zip(widths, res.wer)):
        assert 1e-2 < wer < 0.99
        mc = simulate(dev, drive=current_pulse(current, w), duration=w + res.relaxation,
                      dt=2e-12, n_trajectories=n, seed=900 + k, initial="P",
                      thermal_initial=True)
        se = math.sqrt(wer * (1 - wer) / n)
        assert abs((1 - mc.p_switch) - wer) < N_SIGMA * se, (w, wer, 1 - mc.p_switch)


# -- API: symmetry, target solves, errors ----------------------------------------------------
def test_directions_are_mirror_symmetric_for_constant_efficiency():
    dev = load_device("default")
    a = fp.write_error_rate(dev, -2 * dev.ic0, [8e-9, 16e-9])
    b = fp.write_error_rate(dev, 2 * dev.ic0, [8e-9, 16e-9])
    assert a.direction == "P-AP" and b.direction == "AP-P"
    np.testing.assert_allclose(a.wer, b.wer, rtol=1e-10)


def test_target_pulse_width_against_the_hand_computed_asymptote():
    """The pulse width for WER = 1e-9 at I = 2 Ic0 (Ic0 from raw SI inputs, not llg.device)
    puts the hand-computed exact-drift asymptote within its known finite-Delta band."""
    dev = load_device("default")
    delta, ic0, tau_d = _raw_default()
    t = fp.pulse_width_for_wer(dev, -2 * ic0, 1e-9, relaxation=0.0)
    assert t.error < 1e-3 * t.value
    _assert_in_asymptote_band(1e-9, delta, 2.0, t.value / tau_d)


def test_target_current_against_the_hand_computed_asymptote():
    dev = load_device("default")
    delta, ic0, tau_d = _raw_default()
    t = fp.current_for_wer(dev, 10e-9, 1e-6, direction="AP-P", relaxation=0.0)
    assert t.error < 1e-3 * t.value
    _assert_in_asymptote_band(1e-6, delta, t.value / ic0, 10e-9 / tau_d)


def test_bad_input_is_a_clear_parameter_error():
    dev = load_device("default")
    with pytest.raises(ParameterError, match="wrong sign for direction P-AP"):
        fp.write_error_rate(dev, 3e-5, [1e-8], direction="P-AP")
    with pytest.raises(ParameterError, match="pulse_width"):
        fp.write_error_rate(dev, -3e-5, [1e-8, -1e-9])
    with pytest.raises(ParameterError, match="current = 0"):
        fp.write_error_rate(dev, 0.0, [1e-8])
    with pytest.raises(ParameterError, match="above 0.5"):
        fp.pulse_width_for_wer(dev, -5e-5, 0.6)
    with pytest.raises(ParameterError, match="does not resolve"):
        fp.pulse_width_for_wer(dev, -5e-5, fp.FLOOR / 10)
    # a target below the infinite-pulse limit (thermal back-switching) is unreachable
    low = load_device("low-delta-fast")
    with pytest.raises(ParameterError, match="unreachable"):
        fp.pulse_width_for_wer(low, -1.05 * low.ic0, 1e-25, relaxation=0.0)


@pytest.mark.parametrize("change, word", [
    (dict(geometry="in-plane", demag_factors=(0.0, 0.1, 0.9)), "perpendicular"),
    (dict(stt_model="tunnel"), "constant spin-torque efficiency"),
    (dict(demag_factors=(0.1, 0.2, 0.7)), "Nx != Ny"),
    (dict(applied_field=(1e3, 0.0, 0.0)), "transverse"),
    (dict(temperature=0.0), "T > 0"),
])
def test_fp_solver_states_its_assumptions(change, word):
    dev = load_device("default").with_(**change)
    with pytest.raises(ParameterError, match="axially symmetric") as exc:
        fp.write_error_rate(dev, -5e-5, [1e-8])
    assert word in str(exc.value)


def test_field_like_torque_rescales_the_reduced_current():
    dev = load_device("default").with_(field_like_ratio=0.5)
    m = fp.ReducedModel.from_device(dev)
    assert m.i_per_ampere * dev.ic0 == pytest.approx(1 + dev.alpha * 0.5, rel=1e-12)


# -- CLI ------------------------------------------------------------------------------------------
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", *args], capture_output=True,
                          text=True)


def test_cli_wer_json_space_separated_values():
    p = _cli("wer", "--current", "-5e-5", "-6e-5", "--pulse-width", "1e-8", "2e-8", "--json")
    assert p.returncode == 0, p.stderr
    pts = json.loads(p.stdout)["points"]
    assert len(pts) == 4
    for key in ("current", "pulse_width", "wer", "method"):
        assert key in pts[0]
    # every point against the asymptote computed by hand from raw SI inputs
    delta, ic0, tau_d = _raw_default()
    for q in pts:
        _assert_in_asymptote_band(q["wer"], delta, -q["current"] / ic0,
                                  q["pulse_width"] / tau_d)


def test_cli_wer_target_and_errors():
    p = _cli("wer", "--current", "-5e-5", "--target", "1e-9", "--json")
    assert p.returncode == 0, p.stderr
    pt = json.loads(p.stdout)["points"][0]
    assert pt["wer"] == 1e-9 and 5e-9 < pt["pulse_width"] < 1e-7
    for bad in (["--target", "0.7"], ["--target", "1e-40"], ["--pulse-width", "0"]):
        args = ["wer", "--current", "-5e-5"] + bad
        q = _cli(*args)
        assert q.returncode == 2, (bad, q.stderr)
        assert "Traceback" not in q.stderr and q.stderr.startswith("error:")


# -- absolute references from raw SI inputs ---------------------------------------------------
def _raw_default():
    """(Delta, Ic0 in A, tau_D in s) of data/devices/default.toml, from its raw SI values.

    Written out here so that an error in llg/device.py cannot cancel: Delta = mu0 Ms Hk V /
    (2 k_B T); Ic0 = 2 e alpha mu0 Ms Hk V / (hbar eta) (Sun, PRB 62, 570 (2000));
    tau_D = (1 + alpha^2) / (alpha gamma mu0 Hk). Constants: CODATA 2018.
    """
    mu0, kb, gamma = 1.25663706212e-6, 1.380649e-23, 1.76085963023e11
    e, hbar = 1.602176634e-19, 6.62607015e-34 / (2 * math.pi)
    ms, hk, alpha, eta, temp = 1.1e6, 2.2e5, 0.01, 0.6, 300.0
    vol = math.pi * 45e-9 ** 2 / 4 * 1.1e-9
    delta = mu0 * ms * hk * vol / (2 * kb * temp)
    ic0 = 2 * e * alpha * mu0 * ms * hk * vol / (hbar * eta)
    return delta, ic0, (1 + alpha ** 2) / (alpha * gamma * mu0 * hk)


def _assert_in_asymptote_band(wer, delta, i, s):
    """WER at reduced current i and reduced time s against the high-barrier asymptote.

    Butler et al., IEEE Trans. Magn. 48, 4684 (2012): WER -> (pi^2 Delta / 4) ((i - 1)/i)
    exp(-2 (i - 1) s); with the exact nonlinear drift the prefactor pi^2/4 becomes
    2^(2i/(i+1)) ((i-1)/i)^(2/(i+1)) (llg/wer_analytic.py, item 2). At finite Delta the FP
    value lies below it by O(s/Delta): the band is [1 - 1.5 s/Delta, 1.02]. A 10 % error in Ic0
    or tau_D moves the ratio by a factor > 2 here.
    """
    pref = 2 ** (2 * i / (i + 1)) * ((i - 1) / i) ** (2 / (i + 1))
    asym = delta * (i - 1) / i * pref * math.exp(-2 * (i - 1) * s)
    ratio = wer / asym
    assert 1 - 1.5 * s / delta < ratio < 1.02, (wer, i, s, ratio)
