"""Training step vs inference: write energy, write latency, endurance, checked by hand."""
import math

import pytest

from arrays.study.memtech import MEMTECH_DECLARED
from arrays.energy.techdata import card_from_dict
from arrays.study.training import (NetworkShape, baseline_training_per_sample, bnn_shape,
                                   load_training, training_step)
from llg.errors import ParameterError


def _tech(**cell):
    vals = {"on_off_ratio": 10.0, "write_energy": 2e-12, "write_latency": 50e-9,
            "write_error": 1e-4, "read_energy": 1e-13, "endurance": 1e6, "retention": 1.0,
            "variation": 0.1}
    vals.update(cell)
    units = {k: MEMTECH_DECLARED[("cell", k)][0] for k in vals}
    data = {"name": "hand", "cell": {k: {"value": v, "unit": units[k], "source": "test"}
                                     for k, v in vals.items()},
            "mvm": {"energy_per_mac": {"value": 1e-14, "unit": "J", "source": "test"}}}
    return card_from_dict("memtech", data, MEMTECH_DECLARED, "hand")


def _step(batch=4, factor=3.0, frac=0.5, steps=1000):
    from arrays.study.training import TRAINING_DECLARED
    data = {"name": "hand", "step": {
        "batch": {"value": batch, "unit": "1", "source": "test"},
        "compute_factor": {"value": factor, "unit": "1", "source": "test"},
        "update_fraction": {"value": frac, "unit": "1", "source": "test"},
        "steps": {"value": steps, "unit": "1", "source": "test"}}}
    return card_from_dict("training", data, TRAINING_DECLARED, "hand")


def test_step_ledger_by_hand():
    shape = NetworkShape("toy", weights=1000, macs=1000)
    r = training_step(_tech(), shape, _step(), parallel_writes=64)
    # writes: f W = 0.5 * 1000 = 500 cells x 2 pJ = 1 nJ
    assert r.writes_per_step == 500
    items = {i.key: i for i in r.step.items}
    assert items["weight_writes"].energy == pytest.approx(500 * 2e-12, rel=1e-15)
    assert items["weight_writes"].count * items["weight_writes"].unit_energy == \
        pytest.approx(items["weight_writes"].energy, rel=1e-15)
    # compute: 3 x 4 samples x 1000 MACs x 10 fJ = 120 pJ
    assert items["forward_backward"].energy == pytest.approx(3 * 4 * 1000 * 1e-14, rel=1e-15)
    assert r.step.energy == pytest.approx(sum(i.energy for i in r.step.items), rel=1e-15)
    # latency: ceil(500 / 64) = 8 row writes x 50 ns = 400 ns
    assert r.write_latency_per_step == pytest.approx(8 * 50e-9, rel=1e-15)
    # expected write errors: 500 x 1e-4 = 0.05 per step
    assert r.write_errors_per_step == pytest.approx(0.05, rel=1e-12)
    # endurance 1e6, each cell written 0.5 times per step -> 2e6 steps; at 400 ns a step
    # (write-limited) that is 0.8 s; a 1000-step run uses 1000 / 2e6 = 5e-4 of it
    assert r.steps_to_wearout == pytest.approx(2e6, rel=1e-9)
    assert r.lifetime_write_limited == pytest.approx(0.8, rel=1e-12)
    assert r.run_fraction_of_endurance == pytest.approx(5e-4, rel=1e-12)
    # gap per sample: (3 * 10 pJ + 1 nJ / 4) / 10 pJ = 3 + 25 = 28
    assert r.inference_energy_per_item == pytest.approx(1e-11, rel=1e-9)
    assert r.gap == pytest.approx(28.0, rel=1e-12)


def test_no_updates_means_no_wear():
    r = training_step(_tech(), NetworkShape("toy", 10, 10), _step(frac=0.0), 8)
    assert r.writes_per_step == 0 and math.isinf(r.steps_to_wearout)
    assert r.gap == pytest.approx(3.0, rel=1e-9)


def test_bad_parallelism_refused():
    with pytest.raises(ParameterError, match="parallel_writes"):
        training_step(_tech(), NetworkShape("toy", 10, 10), _step(), 0)


def test_shipped_training_card_and_bnn_shape():
    card = load_training()
    assert card["step.compute_factor"] == 3.0
    s = bnn_shape()
    assert s.weights == 64 * 128 + 128 * 10 == 9472


def test_baseline_training_by_hand():
    from arrays.energy.baseline import load_baseline
    b = load_baseline("cpu_ddr4_45nm")
    shape = NetworkShape("toy", weights=640, macs=640)
    got = baseline_training_per_sample(1e-9, _step(batch=4, frac=1.0), shape, b)
    # 3 x 1 nJ + 2 x (640 / 64 = 10 words) x 10 pJ / 4 = 3 nJ + 50 pJ
    assert got == pytest.approx(3e-9 + 2 * 10 * 10e-12 / 4, rel=1e-12)


def test_crossbar_energy_adds_an_mram_training_row():
    """memtech_study takes our crossbar model's energy per inference when given."""
    from arrays.energy.costs import CostModel
    from arrays.energy.evaluate import make_setup
    from arrays.study.sections.memtech import memtech_study

    su = make_setup(costs=CostModel("stub", "default", "test: no circuits run"))
    st = memtech_study([], su, crossbar={"headline": {"energy_total": 2e-10}})
    rows = [r for r in st["training"] if r["engine"].startswith("analog crossbar")]
    # the crossbar's energy plus the system boundary every row pays: with no CRAM run, the
    # 4-bit label read out and sent to the host (array read + host I/O per bit)
    per = su.periphery
    bnd = 4 * (per["periphery.read_energy_per_bit"] + per["interface.io_energy_per_bit"])
    assert sum(rows[0]["boundary"].values()) == pytest.approx(bnd, rel=1e-12)
    e = 2e-10 + bnd
    assert len(rows) == 1 and rows[0]["inference_energy_per_item"] == pytest.approx(e, rel=1e-9)
    assert rows[0]["inference_ratio"] == pytest.approx(st["baseline_inference_per_item"] / e,
                                                       rel=1e-9)
    assert not memtech_study([], su, crossbar={"pending": "x"})["training"][-1]["engine"] \
        .startswith("analog")
