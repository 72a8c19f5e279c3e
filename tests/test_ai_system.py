"""AI workloads beyond the GEMV kernel: the int8 MLP, the hybrid MRAM + GPU ledger and the
GEMV items outside the row program, each by hand from the cards; the claim bands."""
from types import SimpleNamespace

import numpy as np
import pytest

from arrays.energy.ai import rows_extra
from arrays.energy.baseline import load_baseline
from arrays.energy.hybrid import hybrid_ledger, load_hybrid
from arrays.energy.ledger import Ledger, load_peripherals
from arrays.study.ai_section import band_of


def test_bands_from_the_claims_card():
    # data/claims/published.toml: early 2-5x, hybrid 10-30x, mature 25-100x
    assert band_of(0.5).startswith("none: more energy")
    assert band_of(1.5).startswith("none: below the early band")
    assert band_of(3.0).startswith("early")
    assert band_of(20.0).startswith("hybrid")
    assert band_of(50.0).startswith("mature")
    assert band_of(7.0) == "between bands"
    assert band_of(500.0).startswith("above every band")
    assert band_of(None) == "pending"


def _cram_ledger():
    led = Ledger("CRAM", "w")
    led.add("gate_mtj", "gates", "cell", 1e-6)
    led.add("activation_io", "host I/O", "data movement", 5e-7)     # replaced by the link
    led.add("data_out_io", "host I/O out", "data movement", 2e-7)   # replaced by the link
    led.add_latency("gate_cycles", "gates", 1e-3)
    led.add_latency("data_out", "host out", 1e-6)                   # replaced by the link
    return led


def test_hybrid_ledger_by_hand():
    card, gpu = load_hybrid(), load_baseline("gpu_h100_sxm")
    wl = SimpleNamespace(name="w", n_items=256, items_per_unit=128, link_bits_per_unit=1000.0)
    res = SimpleNamespace(workload=wl, cram={"resident": _cram_ledger()})
    h = hybrid_ledger(res, gpu, card)
    bits = 1000.0 * 2                                    # two tokens
    t = 1e-3 + bits / 8 / 450e9                          # gate cycles + link transfer
    assert h.latency == pytest.approx(t, rel=1e-9)
    assert h.energy == pytest.approx(1e-6 + bits * 1.3e-12 + 70.0 * t, rel=1e-9)
    assert not {"activation_io", "data_out_io"} & {i.key for i in h.items}


def test_hybrid_gpu_wait_states_by_hand():
    """The waiting GPU's three states, each from the card values by hand: static 70 W x the
    wait; power-gated 10 W x the wait + one 7 mJ wake-up (and 100 us more latency); busy
    elsewhere nothing. The wait is the CRAM gate cycles plus the link transfer."""
    from arrays.energy.hybrid import GPU_WAIT_MODES, hybrid_by_gpu_wait

    card, gpu = load_hybrid(), load_baseline("gpu_h100_sxm")
    assert card.meta["gpu_wait"] in GPU_WAIT_MODES
    wl = SimpleNamespace(name="w", n_items=256, items_per_unit=128, link_bits_per_unit=1000.0)
    res = SimpleNamespace(workload=wl, cram={"resident": _cram_ledger()})
    by = hybrid_by_gpu_wait(res, gpu, card)
    assert set(by) == {"static", "power_gated", "busy_elsewhere"}
    wait = 1e-3 + 2000.0 / 8 / 450e9
    base = 1e-6 + 2000.0 * 1.3e-12                       # gates + link
    assert by["static"].energy == pytest.approx(base + 70.0 * wait, rel=1e-12)
    assert by["power_gated"].energy == pytest.approx(base + 10.0 * wait + 7e-3, rel=1e-12)
    assert by["power_gated"].latency == pytest.approx(wait + 100e-6, rel=1e-12)
    assert by["busy_elsewhere"].energy == pytest.approx(base, rel=1e-12)
    assert by["busy_elsewhere"].latency == pytest.approx(wait, rel=1e-12)
    assert by["static"].structure["gpu_wait"] == "static"


def test_hybrid_bad_gpu_wait_is_one_line(tmp_path):
    from llg.errors import ParameterError
    from llg.paths import data_dir

    text = (data_dir() / "hybrid" / "mram_gpu_c2c.toml").read_text()
    bad = tmp_path / "h.toml"
    bad.write_text(text.replace('gpu_wait = "static"', 'gpu_wait = "asleep"'))
    with pytest.raises(ParameterError, match="gpu_wait = 'asleep' is invalid; valid values: "
                       "static, power_gated, busy_elsewhere"):
        load_hybrid(str(bad))
    res = SimpleNamespace(workload=SimpleNamespace(name="w", n_items=1, items_per_unit=1,
                                                   link_bits_per_unit=0.0),
                          cram={"resident": _cram_ledger()})
    with pytest.raises(ParameterError, match="valid values"):
        hybrid_ledger(res, load_baseline("gpu_h100_sxm"), load_hybrid(), gpu_wait="off")


def test_gemv_items_outside_the_program_by_hand():
    per = load_peripherals()
    setup = SimpleNamespace(periphery=per, costs=SimpleNamespace(writes={}))
    led = Ledger("CRAM", "w")
    led.structure = {"rounds": 3}
    terms, partial, rows_per_token, n_items = 32, 21, 4096 * 128, 2 * 4096 * 128
    rows_extra(terms, partial, rows_per_token, 8 * 4096)(led, setup, "resident", n_items)
    e = {i.key: i.energy for i in led.items}
    assert e["activation_writes"] == pytest.approx(8 * 32 * n_items * 1.0e-12, rel=1e-9)
    assert e["activation_io"] == pytest.approx(2 * 8 * 4096 * 17.4e-12, rel=1e-9)
    assert e["partial_readout"] == pytest.approx(21 * n_items * 0.3e-12, rel=1e-9)
    assert e["reduction_adds"] == pytest.approx(n_items * 0.1e-12, rel=1e-9)   # Horowitz 32-bit add
    assert any("write" in p for p in led.pending)        # no write latency without circuits


def test_mlp8_trained_int8_and_bit_exact_on_cram():
    from arrays.sim import mlp8
    from arrays.sim.executor import run

    model = mlp8.train()
    _, x, _, y = mlp8.load_data()
    acc = float(np.mean(model.predict(x) == y))
    # 450 held-out images: an int8 MLP on digits reaches ~97 %; the float net within 2 points
    assert acc > 0.94 and abs(acc - model.float_test_accuracy) < 0.02
    assert model.w1.min() >= -127 and model.w1.max() <= 127
    labels, rows = mlp8.cram_predict(model, x[:40], 1024, lambda p, s: run(p, s))
    assert rows == 2 * 32 + 10 and np.array_equal(labels, model.predict(x[:40]))


def test_mlp8_errors_lower_accuracy_statistically():
    """Uniform gate errors at 1e-3 on ~12k gates per row corrupt nearly every row: the
    accuracy must fall to chance level (10 %, 4.5-sigma band over 100 images)."""
    from arrays.sim import mlp8
    from arrays.sim.executor import ErrorModel, run

    model = mlp8.train()
    _, x, _, y = mlp8.load_data()
    em = ErrorModel.uniform(1e-3)
    labels, _ = mlp8.cram_predict(model, x[:100], 1024,
                                  lambda p, s: run(p, s, errors=em, seed=3))
    acc = float(np.mean(labels == y[:100]))
    sigma = (0.1 * 0.9 / 100) ** 0.5
    assert acc < 0.1 + 4.5 * sigma
    # at 1e-9 the expected number of failures over 100 images x 74 rows x ~12k gates is
    # ~1e-2: the labels are those of the perfect run
    em = ErrorModel.uniform(1e-9)
    labels, _ = mlp8.cram_predict(model, x[:100], 1024,
                                  lambda p, s: run(p, s, errors=em, seed=3))
    assert np.mean(labels == model.predict(x[:100])) >= 0.99


def test_other_engines_per_token_by_hand():
    from arrays.study.ai_section import tech_rows

    led = Ledger("CRAM", "w")
    led.add("activation_io", "io in", "data movement", 4e-7)
    led.add("data_out_io", "io out", "data movement", 2e-7)
    led.add("activation_writes", "cram only", "data movement", 9.0)   # not shared
    wl = SimpleNamespace(n_items=2 * 128, items_per_unit=128,
                         baseline=SimpleNamespace(tensor_macs=32))
    res = SimpleNamespace(workload=wl, cram={"resident": led})
    memtech = {"cards": {"reram": {"mvm.energy_per_mac": {"value": 37.6e-15}}}}
    crossbar = {"headline": {"energy_total": 1e-9}}
    rows = {r["engine"]: r["energy"] for r in tech_rows(res, memtech, crossbar)}
    host = (4e-7 + 2e-7) / 2                              # per token, two tokens
    macs = 128 * 32                                       # int8 MACs per token
    assert rows["reram MVM macro (card)"] == pytest.approx(macs * 64 * 37.6e-15 + host, rel=1e-9)
    assert rows["analog MRAM crossbar (our model)"] == pytest.approx(
        macs * 64 * 1e-9 / (64 * 128 + 128 * 10) + host, rel=1e-9)


def test_batch_sweep_gpu_by_hand():
    from arrays.study.ai_section import BATCHES, batch_sweep

    led = Ledger("CRAM", "gemv8_4096x4096")
    led.add("gate_mtj", "gates", "cell", 2e-3)                      # J for one token
    wl = SimpleNamespace(n_items=4096 * 128, items_per_unit=4096 * 128)
    res = SimpleNamespace(name="gemv8_4096x4096", workload=wl, cram={"resident": led})
    gpu = load_baseline("gpu_h100_sxm")
    rows = batch_sweep(res, gpu)
    assert [r["batch"] for r in rows] == list(BATCHES)
    for r in rows:
        b = r["batch"]
        byts = 4096 * 4096 + b * (4096 + 4 * 4096)
        t = max(2 * 4096 ** 2 * b / 1979e12, byts / 3.35e12)
        e = (2 * 4096 ** 2 * b * gpu["compute.int8_op_energy"] + 8 * byts * 3.9e-12
             + 70.0 * t) / b
        assert r["gpu_energy"] == pytest.approx(e, rel=1e-9) and r["cram_energy"] == 2e-3
        assert r["energy_ratio"] == pytest.approx(e / 2e-3, rel=1e-9)


def test_resident_weights_fit_one_die_by_hand():
    from arrays.energy.ai import dies_needed
    from arrays.energy.system import load_system

    setup = SimpleNamespace(cols=1024, rows=16, system=load_system())
    d = dies_needed(4096, 4096, setup)
    # 4096 x 4096 / 32 terms per row = 524288 rows = 32768 arrays of 16 x 1024 cells
    assert d["rows"] == 524288 and d["arrays"] == 32768
    assert d["array_bits"] == 32768 * 16 * 1024 and d["dies"] == 1       # 1 Gb die


def test_report_shows_the_hybrid_under_each_gpu_wait_state():
    """The AI section's JSON and markdown carry one hybrid row per state of the waiting GPU,
    the headline hybrid being the card's state; energies per token by hand."""
    from arrays.study.ai_section import gpu_wait_markdown, workload_entry

    gpu = load_baseline("gpu_h100_sxm")
    wl = SimpleNamespace(name="w", n_items=256, items_per_unit=128, link_bits_per_unit=1000.0,
                         unit="token")
    gled = Ledger("GPU", "w")
    gled.add("hbm", "hbm", "data movement", 4e-3)
    gled.add("static_power", "static", "static", 70.0 * 1e-5)
    gled.add_latency("roofline", "roofline", 1e-5)
    res = SimpleNamespace(name="w", workload=wl, cram={"resident": _cram_ledger()},
                          baseline={gpu.name: gled}, accuracy_errors=None, error_note="",
                          accuracy_perfect=True, computes_correctly=True,
                          ratio=lambda s, b: {"energy_ratio": 1.0, "speedup": 1.0})
    e = workload_entry(res, SimpleNamespace(baselines=[gpu]))
    rows = {r["gpu_wait"]: r for r in e["hybrid"]["by_gpu_wait"]}
    wait = 1e-3 + 2000.0 / 8 / 450e9
    base = (1e-6 + 2000.0 * 1.3e-12) / 2                 # per token, two tokens
    assert rows["static"]["energy"] == pytest.approx(base + 70.0 * wait / 2, rel=1e-12)
    assert rows["power_gated"]["gpu_wait_energy"] == pytest.approx((10.0 * wait + 7e-3) / 2,
                                                                   rel=1e-12)
    assert rows["busy_elsewhere"]["energy_ratio"] == pytest.approx(4.7e-3 / 2 / base,
                                                                   rel=1e-12)
    assert rows["static"]["gpu_wait_power"] == 70.0 and rows["power_gated"]["wait"] == wait
    assert e["hybrid"]["gpu_wait"] == "static"
    assert e["hybrid"]["energy"] == rows["static"]["energy"]
    md = gpu_wait_markdown({"workloads": [e], "gpu_wait": "static"})
    assert sum(line.startswith("| w |") for line in md) == 3
    # the GPU card's unverified values over their ranges, by hand: HBM x 0.5 and x 2,
    # static power 67 W and 145 W (GPU ledger and the hybrid's waiting GPU both move)
    a = {(r["assumption"], r["value"]): r for r in e["gpu_assumptions"]}
    cram = 1e-6 + 5e-7 + 2e-7
    assert a[("memory.hbm_energy_per_bit", 1.95e-12)]["energy_ratio"] == pytest.approx(
        (4.7e-3 - 2e-3) / cram, rel=1e-12)
    assert a[("memory.hbm_energy_per_bit", 7.8e-12)]["gpu_energy"] == pytest.approx(
        (4.7e-3 + 4e-3) / 2, rel=1e-12)
    hot = a[("power.static_power", 145.0)]
    assert hot["gpu_energy"] == pytest.approx((4e-3 + 145.0 * 1e-5) / 2, rel=1e-12)
    assert hot["hybrid_energy_ratio"] == pytest.approx(
        (4e-3 + 145.0 * 1e-5) / (1e-6 + 2000.0 * 1.3e-12 + 145.0 * wait), rel=1e-12)
