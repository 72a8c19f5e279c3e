"""Analog crossbar physics: exact matrix product with ideal devices, the fast IR-drop solver
against the circuits nodal solver and the closed-form ladder, IR drop vs array size, the ADC
quantizer and energy law, cell conductances and variation against their formulas."""
import math

import numpy as np
import pytest

from arrays.crossbar import adc
from arrays.crossbar.cards import adc_energy, load_adc
from arrays.crossbar.cells import chord_conductance, sample_g_p
from arrays.crossbar.lines import effective_conductance, ladder_current, reference_netlist
from circuits.elements import MTJElement, TransistorElement
from circuits.network import solve


def test_ideal_crossbar_current_is_exact_matrix_product():
    rng = np.random.default_rng(1)
    g = rng.uniform(5e-5, 2e-4, (12, 20))
    v = rng.uniform(0.0, 0.2, (7, 12))
    g_eff, Y = effective_conductance(g, 0.0, 0.0, 0.0)
    np.testing.assert_allclose(v @ g_eff, v @ g, rtol=1e-15)   # I_j = sum_i G_ij V_i
    np.testing.assert_allclose(Y, np.diag(g.sum(axis=1)))


@pytest.mark.parametrize("nonlinear", [False, True])
def test_fast_ir_solver_matches_circuits_nodal_solver(nonlinear):
    """Linear elements: identical networks, so agreement to round-off. Bias-dependent MTJ and
    saturating transistor: the chord-conductance model is within 0.5 % of the Newton solution
    (IR drop moves cell biases by a few percent only)."""
    rng = np.random.default_rng(2)
    R, C, v_read = 6, 8, 0.1
    r_row, r_col = 40.0, 30.0              # exaggerated lines so IR drop is ~10 %
    el = MTJElement(1 / 3143.8, 1.5, 0.5 if nonlinear else math.inf)
    tr = TransistorElement("saturating" if nonlinear else "linear", 3063.7, 245e-6)
    cos = np.where(rng.random((R, C)) < 0.5, 1.0, -1.0)
    c, col_ends = reference_netlist(el, tr, R, C, r_row, r_col)
    x = (rng.random((5, R)) < 0.6).astype(float)
    sol = solve(c, x * v_read, np.repeat(cos.ravel()[None], 5, axis=0))
    i_ref = sol.node_voltage[:, col_ends] / r_col
    g = chord_conductance(np.full((R, C), el.g_p), cos, v_read, el, tr)
    g_eff, Y = effective_conductance(g, r_row, r_col, 0.0)
    i_fast = (x * v_read) @ g_eff
    tol = 0.005 if nonlinear else 1e-9
    np.testing.assert_allclose(i_fast, i_ref, rtol=tol, atol=1e-12)
    assert np.max(1 - i_ref.sum(1) / ((x * v_read) @ g).sum(1)) > 0.02   # IR drop is there
    np.testing.assert_allclose(np.einsum("ni,ij,nj->n", x * v_read, Y, x * v_read),
                               sol.power, rtol=tol)


def test_ir_drop_matches_closed_form_ladder():
    g, r = 1 / 6200.0, 0.7
    for n in (1, 16, 64, 256):
        g_eff, _ = effective_conductance(np.full((1, n), g), r, 1e-12, 0.0)
        assert g_eff.sum() == pytest.approx(ladder_current(n, g, r), rel=1e-9)
    # continuum (transmission-line) limit I / (n g V) = tanh(n a) / (n a), a = sqrt(r g):
    # the discrete ladder agrees to O(a) (segment granularity, driver segment)
    n, a = 2000, math.sqrt(r * g)
    assert ladder_current(n, g, r) / (n * g) == pytest.approx(math.tanh(n * a) / (n * a),
                                                              rel=a)


def test_ir_drop_grows_with_array_size():
    g0 = 1 / 8000.0
    losses = []
    for n in (8, 16, 32, 64):
        g = np.full((n, n), g0)
        g_eff, _ = effective_conductance(g, 0.7, 0.47, 0.0)
        losses.append(float(np.max(1 - g_eff.sum(0) / g.sum(0))))
    assert all(b > a for a, b in zip(losses, losses[1:])), losses
    # small drops scale as n^2 (both lines carry ~n cells' current over ~n segments)
    assert losses[1] / losses[0] == pytest.approx(4.0, rel=0.25)


@pytest.mark.parametrize("bits", [2, 3, 5, 8, 12])
def test_adc_error_bounded_by_half_lsb(bits):
    rng = np.random.default_rng(bits)
    fs = 3.7e-5
    i = rng.uniform(-fs, fs, 20000)
    q = adc.quantize(i, fs, bits)
    step = adc.lsb(fs, bits)
    assert np.max(np.abs(q - i)) <= step / 2 * (1 + 1e-12)
    assert len(np.unique(q)) <= 2 ** bits - 1
    # outside the range the converter saturates at +-FS
    assert np.all(adc.quantize([2 * fs, -5 * fs], fs, bits) == [fs, -fs])


def test_one_bit_adc_is_a_comparator():
    np.testing.assert_array_equal(adc.quantize([-1e-6, 2e-6], 1e-5, 1), [-5e-6, 5e-6])


def test_adc_energy_follows_walden_then_schreier():
    card = load_adc("sar_survey")
    fom_w, fom_s = card["adc.walden_fom"], card["adc.schreier_fom"]
    assert adc_energy(card, 6) == pytest.approx(fom_w * 64, rel=1e-9)
    # 14 bits: thermal wall, P/f_s = 10^((SNDR - FOM_S)/10) / 2 with SNDR = 6.02 B + 1.76 dB
    assert adc_energy(card, 14) == pytest.approx(0.5 * 10 ** ((6.02 * 14 + 1.76 - fom_s) / 10),
                                                 rel=1e-9)
    e = [adc_energy(card, b) for b in range(1, 15)]
    assert all(b > a for a, b in zip(e, e[1:]))


def test_chord_conductance_limits():
    el = MTJElement(1 / 3000.0, 1.5, math.inf)
    ideal = TransistorElement("ideal", 0.0)
    lin = TransistorElement("linear", 2000.0)
    assert chord_conductance(np.array([el.g_p]), 1.0, 0.1, el, ideal)[0] == \
        pytest.approx(el.g_p, rel=1e-12)
    assert chord_conductance(np.array([el.g_p]), -1.0, 0.1, el, lin)[0] == \
        pytest.approx(1 / (3000 * 2.5 + 2000), rel=1e-12)
    # bias dependence: at the MTJ's own voltage V_m, R_AP = R_P (1 + TMR0 / (1 + (V_m/Vh)^2))
    elb = MTJElement(1 / 3000.0, 1.5, 0.5)
    g = chord_conductance(np.array([elb.g_p]), -1.0, 0.4, elb, ideal)[0]
    assert 1 / g == pytest.approx(3000 * (1 + 1.5 / (1 + 0.64)), rel=1e-12)


def test_variation_spread_matches_truncated_normal():
    """G_P = G0 d^2 / RA: relative sigma ~ sqrt(4 s_d^2 + s_RA^2) x the 3-sigma truncation
    factor; tolerance 5 standard errors of a sample sigma (1/sqrt(2n))."""
    n, s_ra, s_d = 200000, 0.03, 0.02
    g = sample_g_p(1.0, (n,), s_ra, s_d, np.random.default_rng(3))
    from scipy.stats import truncnorm
    trunc = math.sqrt(truncnorm.var(-3, 3))
    expect = trunc * math.sqrt(4 * s_d ** 2 + s_ra ** 2)
    rel = np.std(g) / np.mean(g)
    assert rel == pytest.approx(expect, rel=5 / math.sqrt(2 * n) + 0.01)
