"""Validation cases for the AI workloads: the int8 GEMV on CRAM rows against integer matrix
arithmetic, the int8 MLP on CRAM against its integer reference and its float network, and
the GPU roofline against the closed-form roofline bound."""
from __future__ import annotations

import numpy as np

from .registry import CaseResult, case


@case("gemv8_int8_bit_accurate",
      "Signed int8 x int8 -> int32 matrix-vector products on CRAM rows (mac8x32 per row on "
      "zero-point-encoded operands, near-array reduction) against numpy's integer matmul, "
      "random matrices including the int8 extremes; fraction of outputs exactly right.",
      "Zero-point expansion sum w x = sum w'x' - 128 sum x' - 128 sum w' + 128^2 K: Jacob et "
      "al., CVPR 2018 (eq. 7); reference: exact integer arithmetic")
def gemv_bit_accurate(quick, out_dir):
    from arrays.sim.executor import run
    from arrays.sim.gemv import GemvInstance, random_int8, reference

    rng = np.random.default_rng(5)
    n, k = (64, 64) if quick else (128, 1024)
    w, x = random_int8(rng, (n, k)), random_int8(rng, k)
    w[0], x[: k // 2] = -128, -128                   # the extreme of int8
    g = GemvInstance(w, x, 1024)
    st = g.state.copy()
    run(g.program, st)
    frac = float(np.mean(g.outputs(st) == reference(w, x)))
    return CaseResult("gemv8_int8_bit_accurate", frac == 1.0, frac, 1.0, 0.0, "",
                      f"{n}x{k}: {g.chunks} rows of {g.program.name} per output, "
                      f"{st.rows} rows simulated")


@case("mlp8_digits_integer_inference",
      "The int8 MLP 64-32-10 on digits run on CRAM rows (both layers) must predict exactly "
      "what its integer numpy reference predicts, and int8 quantization must cost less than "
      "2 points of held-out accuracy against the float network it came from.",
      "Integer-only inference (symmetric int8 weights, int32 biases, fixed-point "
      "requantization): Jacob et al., CVPR 2018, who report ~1-2 point losses for int8")
def mlp8_integer(quick, out_dir):
    from arrays.sim import mlp8
    from arrays.sim.executor import run

    model = mlp8.train()
    _, x, _, y = mlp8.load_data()
    if quick:
        x, y = x[:90], y[:90]
    labels, rows = mlp8.cram_predict(model, x, 1024, lambda p, s: run(p, s))
    same = float(np.mean(labels == model.predict(x)))
    _, xt, _, yt = mlp8.load_data()
    acc8 = float(np.mean(model.predict(xt) == yt))
    loss = model.float_test_accuracy - acc8
    return CaseResult("mlp8_digits_integer_inference", same == 1.0 and loss < 0.02, same,
                      1.0, 0.0, "", f"{len(y)} images, {rows} rows per image; held-out "
                      f"accuracy int8 {acc8:.4f} vs float {model.float_test_accuracy:.4f}")


@case("gpu_decode_roofline",
      "The GPU ledger's time for an int8 4096x4096 GEMV at batch 1 (memory-bound) and 1024 "
      "(compute-bound) against the closed-form roofline max(ops / peak, bytes / bandwidth) "
      "from the card's datasheet figures; largest relative deviation.",
      "Williams, Waterman & Patterson, 'Roofline: an insightful visual performance model', "
      "CACM 52(4), 65 (2009); decode as a memory-bound GEMV: Pope et al., 'Efficiently "
      "scaling transformer inference', MLSys 2023")
def gpu_roofline(quick, out_dir):
    from arrays.energy.ai import gemv_workload
    from arrays.energy.baseline import baseline_ledger, load_baseline

    c = load_baseline("gpu_h100_sxm")
    dev, bounds = 0.0, []
    for b in (1, 1024):
        wl = gemv_workload(4096, 4096, b)
        led = baseline_ledger(wl.name, wl.baseline, wl.n_items, c)
        t = max(2 * 4096 * 4096 * b / 1979e12, (4096 * 4096 + b * (4096 + 4 * 4096)) / 3.35e12)
        dev = max(dev, abs(led.latency / t - 1))
        bounds.append(led.structure["bound"])
    ok = dev < 1e-9 and bounds == ["memory", "compute"]
    return CaseResult("gpu_decode_roofline", ok, dev, 0.0, 1e-9, "",
                      f"bounds at batch 1 / 1024: {bounds}")
