"""The AI workloads: the GPU roofline from its card and the int8 GEMV on CRAM rows.

Expected GPU numbers are computed here by hand from the card values (bytes per token,
operations, max(compute, memory), energy = ops E_op + bits E_HBM + P_static t), never taken
from the code. The GEMV's bit-level result is checked against numpy's integer matmul.
"""
import math

import numpy as np
import pytest

from arrays.energy.ai import gemv_workload, parse_gemv
from arrays.energy.baseline import baseline_ledger, load_baseline
from arrays.energy.gpu import ridge_batch
from arrays.energy.workloads import get_workload
from arrays.sim.executor import run
from arrays.sim.gemv import GemvInstance, check_memory, random_int8, reference
from llg.errors import ParameterError

CARD = "gpu_h100_sxm"


def _gpu_token(n, k, batch):
    """Per-token GPU energy and time, by hand from the card (module docstring)."""
    c = load_baseline(CARD)
    bytes_batch = n * k + batch * (k + 4 * n)            # weights once, x in, int32 y out
    ops = 2 * n * k * batch
    t_c = ops / c["compute.int8_tensor_ops"]
    t_m = bytes_batch / c["memory.hbm_bandwidth"]
    t = max(t_c, t_m)
    e = ops * c["compute.int8_op_energy"] + 8 * bytes_batch * c["memory.hbm_energy_per_bit"] \
        + c["power.static_power"] * t
    return e / batch, t, t_c, t_m


def test_gpu_card_values_and_ridge():
    c = load_baseline(CARD)
    assert c["compute.int8_tensor_ops"] == 1979e12 and c["memory.hbm_bandwidth"] == 3.35e12
    # derived entries follow from the others as their sources say
    assert c["compute.int8_op_energy"] == pytest.approx(
        (c["power.board_power"] - c["power.static_power"]) / c["compute.int8_tensor_ops"],
        rel=2e-3)
    assert ridge_batch(c) == pytest.approx(1979e12 / (2 * 3.35e12), rel=1e-9)      # ~295 tokens


@pytest.mark.parametrize("batch", [1, 64, 1024])
def test_gpu_decode_roofline_by_hand(batch):
    wl = gemv_workload(4096, 4096, batch)
    led = baseline_ledger(wl.name, wl.baseline, wl.n_items, load_baseline(CARD))
    e_tok, t, t_c, t_m = _gpu_token(4096, 4096, batch)
    assert led.energy / batch == pytest.approx(e_tok, rel=1e-9)
    assert led.latency == pytest.approx(t, rel=1e-9)
    assert led.structure["bound"] == ("memory" if t_m >= t_c else "compute")


def test_gpu_batch1_numbers():
    # 16.8 MB of weights at 3.35 TB/s: 5.01 us; 134 Mbit x 3.9 pJ = 0.524 mJ; 70 W x 5 us
    e, t, _, _ = _gpu_token(4096, 4096, 1)
    assert t == pytest.approx(16_797_696 / 3.35e12, rel=1e-9)
    assert e == pytest.approx(0.3181e-12 * 2 * 4096 ** 2 + 16_797_696 * 8 * 3.9e-12
                              + 70 * t, rel=1e-3)
    assert 8.8e-4 < e < 8.9e-4


def test_gpu_energy_per_token_falls_with_batch_then_flattens():
    e = [_gpu_token(4096, 4096, b)[0] for b in (1, 8, 64, 512, 4096)]
    assert all(a > b for a, b in zip(e, e[1:]))
    # compute-bound limit: the ops, static power over the compute time and the per-token
    # activation/result traffic remain; the weights' share (1/B) vanishes
    c = load_baseline(CARD)
    floor = 2 * 4096 ** 2 * (c["compute.int8_op_energy"] + c["power.static_power"]
                             / c["compute.int8_tensor_ops"]) \
        + 8 * (4096 + 4 * 4096) * c["memory.hbm_energy_per_bit"]
    assert e[-1] == pytest.approx(floor, rel=0.02)


@pytest.mark.parametrize("n,k", [(64, 64), (3, 96), (5, 4096)])
def test_gemv_bit_accurate_against_numpy(n, k):
    rng = np.random.default_rng(7)
    w, x = random_int8(rng, (n, k)), random_int8(rng, k)
    g = GemvInstance(w, x, 1024)
    st = g.state.copy()
    run(g.program, st)
    assert np.array_equal(g.outputs(st), reference(w, x))
    assert g.terms * g.chunks == k and st.rows == n * g.chunks


def test_gemv_extremes_of_int8():
    # all -128: each product 16384, K = 64 terms -> 1048576; mixed signs -> -1048576
    for wv, xv, want in ((-128, -128, 1048576), (-128, 127, -128 * 127 * 64),
                         (127, 127, 127 * 127 * 64)):
        g = GemvInstance(np.full((2, 64), wv), np.full(64, xv), 1024)
        st = g.state.copy()
        run(g.program, st)
        assert list(g.outputs(st)) == [want, want]


def test_gemv_workload_counts_scale_exactly():
    a, b = gemv_workload(4096, 4096), gemv_workload(64, 64)
    assert a.n_items == 4096 * 4096 // 32 and b.n_items == 64 * 2
    assert a.items_per_unit == 4096 * 128 and a.unit == "token"
    c = gemv_workload(4096, 4096, 8)
    assert c.n_items == 8 * a.n_items
    # GPU weight bits per item fall as 1/B, activations and results do not
    assert a.baseline.dram_bits - c.baseline.dram_bits == pytest.approx(8 * 32 * (1 - 1 / 8),
                                                                        rel=1e-9)


def test_gemv_names_and_bad_sizes():
    assert parse_gemv("gemv8_4096x4096_b16") == (4096, 4096, 16)
    assert get_workload("gemv8_128x256", batch=4).name == "gemv8_128x256_b4"
    for bad in ("gemv8_0x64", "gemv8_64x0", "gemv8_64x64_b0"):
        with pytest.raises(ParameterError, match="valid range"):
            get_workload(bad)
    with pytest.raises(ParameterError, match="batch = 0"):
        get_workload("gemv8_64x64", batch=0)
    with pytest.raises(ParameterError, match="not found"):
        load_baseline("gpu_nonexistent")


def test_gemv_memory_uses_the_one_limit(monkeypatch):
    """The GEMV check is llg.errors.check_memory: CRAMSIM_MEMORY_LIMIT decides, the message
    names the estimate and the limit. 64 rows x 1024 columns of bit-packed state = 8 kiB."""
    monkeypatch.setenv("CRAMSIM_MEMORY_LIMIT", str(8 * 1024))
    check_memory(64, 1024, "GEMV test")                       # exactly at the limit: allowed
    with pytest.raises(ParameterError, match="limit of .* GiB.*smaller matrix"):
        check_memory(65, 1024, "GEMV test")                   # 2 words per column: 16 kiB
    w = np.zeros((128, 256), dtype=np.int64)
    with pytest.raises(ParameterError, match="GEMV 128x256"):
        GemvInstance(w, np.zeros(256, dtype=np.int64), 1024)  # cell state + 32 B per weight
    monkeypatch.setenv("CRAMSIM_MEMORY_LIMIT", str(1 << 30))
    inst = GemvInstance(w, np.zeros(256, dtype=np.int64), 1024)
    assert inst.state.rows == 128 * inst.chunks


def test_gemv_sample_instance_checks_whole_outputs():
    wl = gemv_workload(4096, 4096)
    inst = wl.make(256, 1024, 3)                      # 256 rows = 2 whole outputs of 128
    assert inst.state.rows == 256
    st = inst.state.copy()
    run(inst.program, st)
    assert inst.check(st) and inst.score(st) == 1.0
    assert math.isclose(wl.out_bits * wl.items_per_unit, 32 * 4096)


def test_cli_gemv_small_instance_and_refusals():
    import json
    import subprocess
    import sys

    def cli(*a):
        return subprocess.run([sys.executable, "-m", "cramsim", *a], capture_output=True,
                              text=True)

    r = cli("array", "run", "--program", "gemv8_64x64", "--json", "--no-ledger")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["check"]["matches_reference"] and d["rows"] == 128 and d["terms_per_row"] == 32
    for args, what in ((("array", "run", "--program", "gemv8_0x64"), "rows N = 0"),
                       (("array", "run", "--program", "gemv8_100000x100000"), "GiB"),
                       (("report", "--workload", "gemv8_64x64", "--batch", "0"), "batch = 0"),
                       (("report", "--baseline", "gpu_nope"), "not found")):
        r = cli(*args)
        assert r.returncode == 2 and what in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_gemv_batch_of_vectors():
    rng = np.random.default_rng(11)
    w, xs = random_int8(rng, (4, 96)), random_int8(rng, (3, 96))
    g = GemvInstance(w, xs, 1024)
    st = g.state.copy()
    run(g.program, st)
    assert np.array_equal(g.outputs(st), (xs @ w.T).astype(np.int32))
