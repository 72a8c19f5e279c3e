"""cramsim explore where Fokker-Planck does not apply: Monte Carlo switching data, its error
floor, and the content-hash cache across sweeps (tiny trial budgets: seconds, not physics)."""
import json
import math

import h5py
import numpy as np
import pytest

from arrays.explore.config import config_from_dict
from arrays.explore.mc import MCSwitching, error_floor
from circuits.tablesource import TableSwitching
from llg.errors import ParameterError
from llg.paths import data_dir

TINY = {"mc_trials": 50, "mc_pulses": 2, "mc_currents": 5, "pulse_min": 1e-9,
        "pulse_max": 1e-8, "n_voltages": 11, "sim_rows": 8}


@pytest.fixture(scope="module")
def tunnel_device(tmp_path_factory):
    """The default device with the angle-dependent (tunnel) spin-torque efficiency, which the
    1-D Fokker-Planck model does not cover."""
    path = tmp_path_factory.mktemp("dev") / "tunnel.toml"
    text = (data_dir() / "devices" / "default.toml").read_text()
    path.write_text(text.replace('name = "default"', 'name = "tunnel"') +
                    'stt_model = "tunnel"\n')
    return str(path)


def _cfg(device, target=0.1, **settings):
    raw = {"base_device": device, "workloads": ["add32"], "target_error": target,
           "axes": {"TMR0": [2.0, 6.0]}, "settings": dict(TINY, **settings)}
    return config_from_dict(json.loads(json.dumps(raw)))


def _data(path):
    with h5py.File(path, "r") as f:
        build = dict(f["build"].attrs)
        data = {k: f[k][()] for k in f if k != "build"}
    return data, build


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        if x.dtype.kind == "f":
            assert x.tobytes() == y.tobytes(), k
        else:
            assert x.tolist() == y.tolist(), k


def test_mc_settings_are_checked(tunnel_device):
    with pytest.raises(ParameterError, match=r"settings.mc_trials = 5 .*valid range"):
        _cfg(tunnel_device, mc_trials=5)
    with pytest.raises(ParameterError, match="mc_current_min"):
        _cfg(tunnel_device, mc_current_min=3.0, mc_current_max=1.0)
    with pytest.raises(ParameterError, match="mc_trials.*integer"):
        _cfg(tunnel_device, mc_trials=50.5)


def test_target_below_the_floor_is_not_evaluated(tunnel_device, tmp_path, monkeypatch):
    from arrays.explore.chain import evaluate_design

    monkeypatch.setenv("CRAMSIM_CACHE_DIR", str(tmp_path / "cache"))
    rec = evaluate_design(_cfg(tunnel_device, target=1e-3), 0)
    floor = error_floor(50)
    assert floor == pytest.approx(1.96 ** 2 / (50 + 1.96 ** 2), rel=1e-3)   # Wilson, k = 0
    assert rec["feasible"] == 0.0 and rec["switching_mc"] == 1.0
    assert rec["error_floor"] == floor
    assert "stt_model = 'tunnel'" in rec["reason"]
    assert f"cannot reach target error 0.001 with 50 trials (floor {floor:.2g})" in rec["reason"]
    assert all(math.isnan(v) for k, v in rec.items() if k.startswith("max_gate_error"))
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.h5"))


@pytest.fixture(scope="module")
def mc_sweeps(tunnel_device, tmp_path_factory):
    """A cold-cache sweep, the same sweep again (warm), and again with the entry truncated."""
    from arrays.explore.run import run_sweep

    tmp = tmp_path_factory.mktemp("mc")
    mp = pytest.MonkeyPatch()
    mp.setenv("CRAMSIM_CACHE_DIR", str(tmp / "cache"))
    try:
        cfg = _cfg(tunnel_device)
        out = {}
        for name in ("cold", "warm"):
            out[name] = run_sweep(cfg, tmp / f"{name}.h5", progress=False)
        entries = list((tmp / "cache").rglob("*.h5"))
        assert len(entries) == 1
        entries[0].write_bytes(entries[0].read_bytes()[:1000])
        out["repaired"] = run_sweep(cfg, tmp / "repaired.h5", progress=False)
    finally:
        mp.undo()
    return tmp, out, entries[0]


def test_mc_design_is_evaluated(mc_sweeps):
    tmp, out, _ = mc_sweeps
    data, build = _data(tmp / "cold.h5")
    assert np.all(data["switching_mc"] == 1.0)
    assert np.all(data["error_floor"] == error_floor(50))
    for g in ("NOT", "MAJ3", "MAJ5"):
        err = data[f"max_gate_error__{g}"]
        assert np.all((err >= error_floor(50)) & (err <= 1.0)), g     # upper bounds
        assert np.all(data[f"gate_energy__{g}"] > 0)
    assert np.all(data["energy_ratio__add32"] > 0)
    assert all(r for r in data["reason"].tolist())


def test_rerun_reuses_the_cache_bit_for_bit(mc_sweeps):
    tmp, out, _ = mc_sweeps
    cold, b_cold = _data(tmp / "cold.h5")
    warm, b_warm = _data(tmp / "warm.h5")
    # the two TMR0 designs share one table (resistance does not enter the switching)
    assert (b_cold["cache_misses"], b_cold["cache_hits"]) == (1, 1)
    assert (b_warm["cache_misses"], b_warm["cache_hits"]) == (0, 2)
    assert out["warm"]["cache"] == {"cache_hits": 2, "cache_misses": 0}
    _same(cold, warm)


def test_truncated_entry_is_rebuilt_identically(mc_sweeps):
    tmp, out, entry = mc_sweeps
    repaired, build = _data(tmp / "repaired.h5")
    assert build["cache_misses"] == 1
    _same(_data(tmp / "cold.h5")[0], repaired)
    src = MCSwitching(entry)                  # the rebuilt entry reads as a table again
    i_lo, i_hi = src.current_range
    t = src.pulse_widths[-1]
    # never better than the trial budget resolves: P_sw of a weak pulse, WER of a strong one
    plain = TableSwitching(entry)            # the estimate reads a zero count as 0.5 / n
    assert plain.p_switch("P-AP", i_lo, t)[0] == pytest.approx(0.5 / 50)
    assert src.p_switch("P-AP", i_lo, t)[0] == pytest.approx(src.floor, rel=1e-12)
    assert src.wer("AP-P", i_hi, t)[0] >= src.floor
    q = src.table.query(["wer", "wer_ci_high"], current=i_hi, pulse_width=t, direction="AP-P")
    assert src.wer("AP-P", i_hi, t)[0] == pytest.approx(max(q["wer_ci_high"], q["wer"]))


def test_two_workers_with_a_cold_cache_give_the_same_data(mc_sweeps, tunnel_device, tmp_path,
                                                          monkeypatch):
    """Both designs need the same table: the two worker processes race for its key."""
    from arrays.explore.run import run_sweep

    tmp, _, _ = mc_sweeps
    monkeypatch.setenv("CRAMSIM_CACHE_DIR", str(tmp_path / "cache"))
    res = run_sweep(_cfg(tunnel_device), tmp_path / "w2.h5", workers=2, progress=False)
    assert res["cache"] == {"cache_hits": 1, "cache_misses": 1}
    _same(_data(tmp / "cold.h5")[0], _data(tmp_path / "w2.h5")[0])


def test_unwritable_cache_is_one_line_exit_2(tunnel_device, tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "file").write_text("not a folder")
    cfg = tmp_path / "mc.toml"
    cfg.write_text(f'base_device = "{tunnel_device}"\ntarget_error = 0.1\n[axes]\n'
                   'TMR0 = [2.0]\n[settings]\nmc_trials = 50\n')
    env = dict(os.environ, CRAMSIM_CACHE_DIR=str(tmp_path / "file"))
    p = subprocess.run([sys.executable, "-m", "cramsim", "explore", "run", "--config",
                        str(cfg), "--out", str(tmp_path / "x.h5")], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 2, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "CRAMSIM_CACHE_DIR" in lines[0], p.stderr
    assert not (tmp_path / "x.h5").exists()
    assert not (tmp_path / "x.h5.checkpoint").exists()


def test_fokker_planck_grids_are_reused_across_sweeps(tmp_path, monkeypatch):
    """A rerun of an FP sweep (a fresh process: no grids in memory) solves no FP grid."""
    import circuits.fpsource as fpsource
    from arrays.explore.run import run_sweep

    monkeypatch.setenv("CRAMSIM_CACHE_DIR", str(tmp_path / "cache"))
    raw = {"base_device": "default", "workloads": ["add32"], "target_error": 1e-6,
           "axes": {"TMR0": [2.0, 6.0]}, "settings": dict(TINY, pulse_max=3e-9)}
    cfg = config_from_dict(raw)
    res = {}
    for name in ("cold", "warm"):
        monkeypatch.setattr(fpsource, "_SHARED", {})      # as in a new process
        res[name] = run_sweep(cfg, tmp_path / f"{name}.h5", progress=False)
    assert res["cold"]["cache"]["cache_misses"] >= 2            # both directions solved
    assert res["warm"]["cache"] == {"cache_hits": res["cold"]["cache"]["cache_misses"],
                                    "cache_misses": 0}
    _same(_data(tmp_path / "cold.h5")[0], _data(tmp_path / "warm.h5")[0])
    assert np.all(_data(tmp_path / "cold.h5")[0]["switching_mc"] == 0.0)


def test_grid_store_stays_while_any_design_runs():
    """Designs evaluated at once in one process (Dask threads): the store stays installed
    until the last one ends, and each thread counts its own hits and misses."""
    import threading

    import circuits.fpsource as fpsource
    from arrays.explore.fpcache import fp_grid_store

    assert fpsource.GRID_STORE is None
    with fp_grid_store() as mine:
        store = fpsource.GRID_STORE
        mine["hits"] += 1

        seen = []

        def other():
            with fp_grid_store() as theirs:
                seen.append((fpsource.GRID_STORE is store, dict(theirs)))

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen == [(True, {"hits": 0, "misses": 0})]
        assert fpsource.GRID_STORE is store and mine == {"hits": 1, "misses": 0}
    assert fpsource.GRID_STORE is None
