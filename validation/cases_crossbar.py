"""Validation cases for the analog MTJ crossbar (arrays/crossbar): Kirchhoff's exact matrix
product with ideal devices, IR drop against the closed-form resistive ladder and against the
circuits layer's non-linear nodal solver, the digits network reproducing the digital BNN."""
from __future__ import annotations

import numpy as np

from .registry import CaseResult, case


@case("crossbar_ideal_matrix_product",
      "Ideal MTJ crossbar (no line resistance, ideal access switch, no variation, ideal "
      "readout): the decoded column sums of the digits network's first layer against the "
      "exact integer product x @ w over all 450 test images (largest absolute deviation).",
      "Ohm's and Kirchhoff's laws, I_j = sum_i G_ij V_i (e.g. Ielmini & Wong, Nat. Electron. "
      "1, 333 (2018)); Jung et al., Nature 601, 211 (2022) for the MRAM crossbar")
def ideal_matrix_product(quick, out_dir):
    from arrays.crossbar import analog

    cfg = analog.CrossbarConfig(ideal_devices=True, adc_bits=None, variation=False,
                                rows=32).validated()
    ctx = analog._context(cfg)
    model = analog.trained_model()
    x = analog.digits_data()[1]
    w1 = (2.0 * model.w1 - 1).T
    tiles = analog._build_tiles(ctx, w1, np.random.default_rng(0), 0.0)
    dev = float(np.max(np.abs(analog._layer_forward(ctx, tiles, x, w1.shape[1]) - x @ w1)))
    tol = 1e-9
    return CaseResult("crossbar_ideal_matrix_product", bool(dev < tol), dev, 0.0, tol, "1",
                      f"{x.shape[0]} images x {w1.shape[1]} outputs, {len(tiles)} tiles")


@case("crossbar_ir_drop_ladder",
      "IR drop of one crossbar row (45 nm row-line resistance per cell, default-device cells "
      "with their access transistors, ideal column lines) from the fast nodal LU solver, "
      "against the closed form of a discrete resistive ladder, N = 16..512 cells.",
      "discrete ladder V_{k+1} - (2 + r g) V_k + V_{k-1} = 0: I = (V/r)(1 - cosh((N - 1/2) "
      "lam) / cosh((N + 1/2) lam)), cosh lam = 1 + r g / 2")
def ir_drop_ladder(quick, out_dir):
    from arrays.crossbar.lines import effective_conductance, ladder_current
    from circuits.technology import load_technology
    from llg import load_device

    tech, dev = load_technology("45nm"), load_device("default")
    g = 1.0 / (dev.r_p + tech.transistor_r_on)
    r = tech.r_ll_cell
    worst, loss = 0.0, {}
    for n in ((16, 64, 256) if quick else (16, 64, 256, 512)):
        g_eff, _ = effective_conductance(np.full((1, n), g), r, 1e-12 * r, 0.0)
        ref = ladder_current(n, g, r)
        worst = max(worst, abs(g_eff.sum() / ref - 1))
        loss[n] = 1 - ref / (n * g)
    tol = 1e-8
    return CaseResult("crossbar_ir_drop_ladder", bool(worst < tol), worst, 0.0, tol, "1",
                      "closed-form signal loss 1 - I/(N g V): " +
                      ", ".join(f"N={n}: {v:.3%}" for n, v in loss.items()))


@case("crossbar_vs_circuits_solver",
      "A 6 x 8 crossbar with the bias-dependent default MTJ and the saturating 45 nm access "
      "transistor, exaggerated line resistance (40 / 30 ohm per cell): column currents of the "
      "crossbar's chord-conductance linear model against the circuits layer's Newton nodal "
      "solver (largest relative deviation).",
      "Kirchhoff's current law solved by circuits.network (Newton, SuperLU); the chord "
      "model's error is second order in the IR-drop bias shift")
def versus_circuits(quick, out_dir):
    from arrays.crossbar.cells import chord_conductance
    from arrays.crossbar.lines import effective_conductance, reference_netlist
    from circuits.elements import MTJElement, TransistorElement
    from circuits.network import solve
    from circuits.technology import load_technology
    from llg import load_device

    el = MTJElement.from_device(load_device("default"))
    tr = TransistorElement.from_technology(load_technology("45nm"))
    R, C, v_read, r_row, r_col = 6, 8, 0.1, 40.0, 30.0
    rng = np.random.default_rng(7)
    cos = np.where(rng.random((R, C)) < 0.5, 1.0, -1.0)
    c, col_ends = reference_netlist(el, tr, R, C, r_row, r_col)
    x = (rng.random((8, R)) < 0.6).astype(float)
    sol = solve(c, x * v_read, np.repeat(cos.ravel()[None], len(x), axis=0))
    i_ref = sol.node_voltage[:, col_ends] / r_col
    g = chord_conductance(np.full((R, C), el.g_p), cos, v_read, el, tr)
    g_eff, _ = effective_conductance(g, r_row, r_col, 0.0)
    i_fast = (x * v_read) @ g_eff
    dev = float(np.max(np.abs(i_fast / i_ref - 1)))
    tol = 0.005
    return CaseResult("crossbar_vs_circuits_solver", bool(dev < tol), dev, 0.0, tol, "1",
                      f"8 input patterns, {sol.iterations} Newton iterations; chord model at "
                      f"V_read = {v_read} V")


@case("crossbar_digits_reproduces_bnn",
      "The digits BNN run on ideal crossbars (ideal devices, lines and readout) gives the "
      "digital network's label for every test image; with the default 45 nm crossbar "
      "(64 x 64 tiles, 8-bit ADC, IR drop, variation) the accuracy loss is reported.",
      "exactness of the analog mapping; Jung et al., Nature 601, 211 (2022): 93.23 % hardware "
      "vs 95.24 % software on MNIST (a 2.0-point loss) for their 64 x 64 MRAM crossbar")
def digits_reproduces(quick, out_dir):
    from arrays.crossbar import run_crossbar

    ideal = run_crossbar(ideal_devices=True, adc_bits=None, variation=False)
    real = run_crossbar(rows=32, adc_bits=8)
    return CaseResult("crossbar_digits_reproduces_bnn", ideal.agreement == 1.0,
                      ideal.agreement, 1.0, 0.0, "1",
                      f"ideal accuracy {ideal.accuracy:.4f} = digital "
                      f"{ideal.reference_accuracy:.4f}; default 32 x 32 tiles, 8-bit ADC: "
                      f"{real.accuracy:.4f} ({100 * (real.reference_accuracy - real.accuracy):.1f}"
                      f" points below digital), {real.energy_total * 1e12:.0f} pJ per inference")

