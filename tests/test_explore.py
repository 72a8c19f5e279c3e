"""cramsim explore: config validation, a 2x2 sweep end to end, resume, hand-checked physics."""
import json
import math
import subprocess
import sys

import h5py
import numpy as np
import pytest

from arrays.explore.config import config_from_dict
from llg.errors import ParameterError

SMALL = {"base_device": "default", "workloads": ["add32"], "target_error": 1e-6,
         "axes": {"diameter": [40e-9, 45e-9], "TMR0": [2.0, 6.0]},
         "constraints": {"retention_years": 10, "retention_temperature": 358.0},
         "settings": {"pulse_min": 1e-9, "pulse_max": 1e-8, "n_voltages": 11,
                      "sim_rows": 8}}


def _same(x, y) -> bool:
    """Bit for bit (NaN equals NaN) for numbers; element-wise for text."""
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind in "fiu":
        return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    return x.shape == y.shape and x.tolist() == y.tolist()


def _cfg(**axes):
    raw = json.loads(json.dumps(SMALL))
    raw["axes"] = axes
    return config_from_dict(raw)


@pytest.mark.parametrize("axes, words", [
    ({"TMRO": [1.0]}, ["'TMRO'", "did you mean 'TMR0'"]),
    ({"TMR0": []}, ["axes.TMR0", "empty"]),
    ({"diameter": {"start": 60e-9, "stop": 30e-9, "num": 4}}, ["inverted", "m"]),
    ({"TMR0": [1.5, 25.0]}, ["axes.TMR0 = 25.0", "valid range", "20"]),
    ({"transistor_width": [0.0]}, ["transistor_width", "m", "valid range"]),
    ({"rows": [16.5]}, ["axes.rows", "integer"]),
    ({"diameter": {"start": 30e-9, "stop": 60e-9}}, ["needs start, stop and num"]),
])
def test_config_errors_name_the_key(axes, words):
    with pytest.raises(ParameterError) as exc:
        _cfg(**axes)
    msg = str(exc.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, msg


def test_grid_and_design_order():
    cfg = _cfg(diameter={"start": 30e-9, "stop": 60e-9, "num": 4}, TMR0=[1.5, 3.0])
    assert cfg.shape == (4, 2) and cfg.n_points == 8
    assert cfg.axes["diameter"] == pytest.approx([30e-9, 40e-9, 50e-9, 60e-9], rel=1e-9)
    assert cfg.design(3) == {"diameter": pytest.approx(40e-9, rel=1e-9), "TMR0": 3.0}   # C order
    with pytest.raises(ParameterError, match="workload = 'add33'.*did you mean 'add32'"):
        config_from_dict(dict(SMALL, workloads=["add33"]))
    with pytest.raises(ParameterError, match="unknown key 'constraint'"):
        config_from_dict(dict(SMALL, constraint={}))


def test_cli_config_error_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('workloads = ["add32"]\n[axes]\nTMR0 = [1.5, 30.0]\n')
    p = subprocess.run([sys.executable, "-m", "cramsim", "explore", "run", "--config",
                        str(bad), "--out", str(tmp_path / "x.h5")], capture_output=True,
                       text=True)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "TMR0" in lines[0] and "valid range" in lines[0]
    assert not (tmp_path / "x.h5").exists()


def test_design_that_cannot_be_evaluated_is_recorded_with_reason():
    from arrays.explore.chain import evaluate_design

    cfg = _cfg(temperature=[1200.0])          # inside the key's range, above T_Curie
    rec = evaluate_design(cfg, 0, ("NOT",))
    assert rec["feasible"] == 0.0 and math.isnan(rec["max_gate_error__NOT"])
    assert "not evaluated" in rec["reason"] and "curie_temperature" in rec["reason"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """The 2x2 sweep (diameter x TMR0), run once; (config, result path, CLI-like summary)."""
    from arrays.explore.run import run_sweep

    cfg = config_from_dict(SMALL, "small")
    out = tmp_path_factory.mktemp("explore") / "small.h5"
    summary = run_sweep(cfg, out, progress=False)
    return cfg, out, summary


def test_sweep_end_to_end(sweep):
    from arrays.explore.store import read_result

    cfg, out, summary = sweep
    res = read_result(out)
    assert res["dims"] == ["diameter", "TMR0"]
    assert res["axes"]["diameter"][1] == "m"
    for q in ("delta", "retention_time", "max_gate_error__NOT", "energy_ratio__add32",
              "feasible", "reason"):
        assert res["data"][q].shape == (2, 2)
    with h5py.File(out, "r") as f:
        assert f["retention_time"].attrs["units"] == "s"
        assert f["energy_ratio__add32"].dims[0][0].name == "/diameter"
    for p, reason, feas in zip(summary["points"], res["data"]["reason"].ravel(),
                               res["data"]["feasible"].ravel()):
        assert p["reason"] == reason and reason     # every design says why
        assert bool(feas) == p["feasible"]
        for g, e in p["max_gate_error"].items():      # errors are probabilities
            assert e is not None and 0.0 <= e <= 1.0
    from arrays.explore.reasons import scan

    assert scan(res) == []                    # every NaN of the real chain has its reason
    assert np.all(res["data"]["meets_area"] == 1)            # no area constraint set
    # larger TMR0 opens the NOT window: its max error cannot grow (same device otherwise)
    e = res["data"]["max_gate_error__NOT"]
    assert np.all(e[:, 1] <= e[:, 0] * (1 + 1e-9))


def test_delta_and_retention_match_the_formulas(sweep):
    """Delta and the Neel-Brown retention time of design (d = 40 nm) from raw inputs."""
    from arrays.explore.store import read_result

    cfg, out, _ = sweep
    res = read_result(out)
    mu0, kb, gamma = 4e-7 * math.pi, 1.380649e-23, 1.76085963e11
    d, t_f, ms, hk, a = 40e-9, 1.1e-9, 1.1e6, 2.2e5, 0.01      # data/devices/default.toml
    v = math.pi * d ** 2 / 4 * t_f
    assert res["data"]["delta"][0, 0] == pytest.approx(mu0 * ms * hk * v / (2 * kb * 300.0),
                                                       rel=1e-6)
    tret, tc, b, n = 358.0, 1100.0, 1.5, 2.18
    ratio = (1 - (tret / tc) ** b) / (1 - (300.0 / tc) ** b)
    ms_t, hk_t = ms * ratio, hk * ratio ** (n - 1)
    delta_t = mu0 * ms_t * hk_t * v / (2 * kb * tret)
    tau_d = (1 + a * a) / (a * gamma * mu0 * hk_t)
    tau = tau_d * math.sqrt(math.pi / delta_t) * math.exp(delta_t)
    assert res["data"]["delta_retention"][0, 1] == pytest.approx(delta_t, rel=1e-6)
    assert res["data"]["retention_time"][0, 1] == pytest.approx(tau, rel=1e-5)
    year = 365.25 * 86400
    assert res["data"]["meets_retention"][0, 1] == int(tau >= 10 * year)


def test_resume_after_partial_checkpoint_gives_the_same_data(sweep, tmp_path, monkeypatch):
    import arrays.explore.run as run_mod
    from llg.tables.checkpoint import checkpoint_path

    cfg, full, _ = sweep
    out = tmp_path / "resumed.h5"
    real = run_mod.compute_design

    def dies_at_two(c, i):
        if i >= 2:
            raise KeyboardInterrupt
        return real(c, i)

    monkeypatch.setattr(run_mod, "compute_design", dies_at_two)
    with pytest.raises(KeyboardInterrupt):
        run_mod.run_sweep(cfg, out, progress=False)
    ck = checkpoint_path(out)
    assert not out.exists() and len(ck.read_text().splitlines()) == 3   # header + 2 designs
    with open(ck, "a") as fh:
        fh.write('{"i": 3, "v": {"delta": 1')                # a write cut by a kill
    monkeypatch.setattr(run_mod, "compute_design", real)
    summary = run_mod.run_sweep(cfg, out, resume=True, progress=False)
    assert summary["reused"] == 2 and summary["computed"] == 2 and not ck.exists()
    with h5py.File(full, "r") as a, h5py.File(out, "r") as b:
        assert set(a) == set(b)
        for k in a:
            if isinstance(a[k], h5py.Dataset):
                assert _same(a[k][()], b[k][()]), k
        assert {k: a.attrs[k] for k in a.attrs if k != "git_dirty"} == \
            {k: b.attrs[k] for k in b.attrs if k != "git_dirty"}


def test_report_section_from_a_sweep_result(sweep, tmp_path):
    from arrays.explore.report import markdown, study

    cfg, out, _ = sweep
    st = study(out)
    assert st["designs"] == 4 and set(st["workloads"]) == {"add32"}
    md = "\n".join(markdown(st))
    assert "What would make it hold" in md and "| add32 |" in md
    from arrays.study.sections import SECTIONS

    assert "explore" in [x.name for x in SECTIONS]               # registered in the report
    missing = study(tmp_path / "none.h5")
    assert "pending" in missing and "cramsim explore run" in markdown(missing)[2]


@pytest.mark.slow
def test_two_workers_give_the_same_data(sweep, tmp_path):
    """The table build's process pool (2 spawned workers) reproduces the in-process sweep."""
    from arrays.explore.run import run_sweep

    cfg, full, _ = sweep
    out = tmp_path / "pool.h5"
    run_sweep(cfg, out, workers=2, progress=False)
    with h5py.File(full, "r") as a, h5py.File(out, "r") as b:
        for k in a:
            if isinstance(a[k], h5py.Dataset):
                assert _same(a[k][()], b[k][()]), k
        assert b["build"].attrs["workers"] == 2


def test_plot_heatmaps(sweep, tmp_path):
    from arrays.explore.plots import heatmaps
    from arrays.explore.store import read_result

    _, out, _ = sweep
    res = read_result(out)
    paths = heatmaps(res, tmp_path, "TMR0", "diameter")
    assert len(paths) == 1 and paths[0].stat().st_size > 1000
    with pytest.raises(ParameterError, match="axis 'rows' is not swept"):
        heatmaps(res, tmp_path, "rows", "diameter")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_data(sweep, tmp_path):
    """--scheduler tcp://H:P (the table build's Dask driver) reproduces the sweep."""
    distributed = pytest.importorskip("distributed")
    from arrays.explore.run import run_sweep

    cfg, full, _ = sweep
    out = tmp_path / "dask.h5"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        run_sweep(cfg, out, scheduler=cluster.scheduler_address, progress=False)
    with h5py.File(full, "r") as a, h5py.File(out, "r") as b:
        for k in a:
            if isinstance(a[k], h5py.Dataset):
                assert _same(a[k][()], b[k][()]), k
        assert b["build"].attrs["scheduler"] == cluster.scheduler_address
