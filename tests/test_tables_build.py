"""Building tables: identical for 1 / 2 workers / Dask, checkpoint + resume after a kill,
refusal of changed inputs, never clobbering a table or checkpoint, process variation."""
import json
import math
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from llg import ParameterError
from llg.paths import data_dir
from llg.tables import build_table, load_config, open_table
from llg.tables import build as build_mod
from llg.tables.checkpoint import Checkpoint, checkpoint_path

TINY = """
[table]
name = "tiny"
device = "{device}"
directions = ["P-AP", "AP-P"]
trials = {trials}
seed = 11
dt = 2e-12

[axes.current]
values = {currents}

[axes.pulse_width]
values = [1e-9, 2e-9]
"""


def write_config(folder, trials=64, currents=(8e-6, 12e-6, 16e-6, 20e-6),
                 device="low-delta-fast", extra=""):
    path = folder / f"tiny_{trials}_{len(currents)}.toml"
    path.write_text(TINY.format(trials=trials, currents=list(currents), device=device) + extra)
    return path


def datasets(path):
    """Every dataset of a table file as numpy arrays (strings decoded)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = obj[()]
                out[name] = v.astype(str) if v.dtype == object else v
        f.visititems(visit)
    return out


def assert_identical(a, b):
    da, db = datasets(a), datasets(b)
    assert da.keys() == db.keys()
    for k in da:
        nan_ok = da[k].dtype.kind == "f"
        assert da[k].dtype == db[k].dtype and np.array_equal(da[k], db[k], equal_nan=nan_ok), k
        if da[k].dtype.kind == "f":
            assert da[k].tobytes() == db[k].tobytes(), k  # bit for bit


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    cfg_path = write_config(folder)
    out = folder / "ref.h5"
    summary = build_table(load_config(cfg_path), out, workers=1, progress=False)
    assert summary["computed"] == 16 and not checkpoint_path(out).exists()
    return cfg_path, out


def test_table_content_is_consistent(reference):
    cfg_path, out = reference
    cfg = load_config(cfg_path)
    t = open_table(out)
    d = t.data
    assert np.all(d["trials"] == 64)
    assert np.array_equal(d["switched"] / d["trials"], d["p_switch"])
    assert np.all(d["p_switch_ci_low"] <= d["p_switch"])
    assert np.all(d["p_switch"] <= d["p_switch_ci_high"])
    # the FP solver applies to this perpendicular constant-efficiency device
    assert np.all(d["wer_method"] == 1) and t.attrs["wer_solver"] == "fokker-planck"
    assert np.all((d["wer_ci_low"] <= d["wer"]) & (d["wer"] <= d["wer_ci_high"]))
    # longer or stronger pulses never raise the FP write error rate
    assert np.all(np.diff(d["wer"], axis=-1) <= 0) and np.all(np.diff(d["wer"], axis=-2) <= 0)
    dev = cfg.device
    assert t.device_value("delta") == dev.delta and t.device_value("r_p") == dev.r_p
    from llg.retention import retention

    assert t.device_value("retention_time") == pytest.approx(retention(dev).retention_time,
                                                             rel=1e-12)
    assert t.attrs["device_toml"] == (data_dir() / "devices" / "low-delta-fast.toml").read_text()
    assert t.attrs["trials"] == 64 and t.attrs["seed"] == 11 and t.attrs["dt"] == 2e-12


def test_two_workers_give_the_identical_table(reference, tmp_path):
    cfg_path, ref = reference
    out = tmp_path / "two.h5"
    summary = build_table(load_config(cfg_path), out, workers=2, progress=False)
    assert summary["workers"] == 2
    assert_identical(ref, out)


def test_dask_local_cluster_gives_the_identical_table(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    cfg_path, ref = reference
    out = tmp_path / "dask.h5"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        # the address string, as --scheduler tcp://host:port passes it for a real cluster
        summary = build_table(load_config(cfg_path), out, scheduler=cluster.scheduler_address,
                              progress=False)
    assert summary["scheduler"] == cluster.scheduler_address
    assert_identical(ref, out)


def test_killed_build_resumes_computing_only_the_missing_points(tmp_path):
    cfg_path = write_config(tmp_path, trials=256,
                            currents=tuple(np.linspace(6e-6, 22e-6, 12).tolist()))
    cfg = load_config(cfg_path)
    out = tmp_path / "killed.h5"
    ck = checkpoint_path(out)
    proc = subprocess.Popen([sys.executable, "-m", "cramsim", "table", "build", "--config",
                             str(cfg_path), "--out", str(out), "--workers", "1", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            if ck.exists() and len(ck.read_text().splitlines()) >= 6:  # header + 5 points
                break
            assert proc.poll() is None, "the build ended before it could be killed"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # nothing half-written
    opened = Checkpoint.resume(ck, cfg)
    done = len(opened.done)
    opened.close()
    assert 5 <= done < cfg.n_points
    p = subprocess.run([sys.executable, "-m", "cramsim", "table", "build", "--config",
                        str(cfg_path), "--out", str(out), "--resume", "--json"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["reused"] == done and summary["computed"] == cfg.n_points - done
    assert not ck.exists()
    whole = tmp_path / "whole.h5"
    build_table(cfg, whole, workers=1, progress=False)
    assert_identical(out, whole)


def test_resume_refuses_a_changed_device_file_and_keeps_the_checkpoint(tmp_path):
    dev_path = tmp_path / "dev.toml"
    text = (data_dir() / "devices" / "low-delta-fast.toml").read_text()
    dev_path.write_text(text)
    cfg_path = write_config(tmp_path, device="dev.toml", currents=(8e-6, 12e-6))
    cfg = load_config(cfg_path)
    out = tmp_path / "t.h5"
    ck = Checkpoint.create(checkpoint_path(out), cfg)
    ck.add(0, build_mod.compute_point(cfg, 0))
    ck.close()
    before = checkpoint_path(out).read_bytes()
    dev_path.write_text(text.replace("alpha = 0.01", "alpha = 0.012"))
    with pytest.raises(ParameterError, match="device file .*dev.toml changed since checkpoint"):
        build_table(load_config(cfg_path), out, resume=True, progress=False)
    assert checkpoint_path(out).read_bytes() == before
    # a changed grid is refused too
    dev_path.write_text(text)
    cfg3 = write_config(tmp_path, device="dev.toml", currents=(8e-6, 13e-6))
    os.replace(cfg3, cfg_path)
    with pytest.raises(ParameterError, match="table config changed"):
        build_table(load_config(cfg_path), out, resume=True, progress=False)
    assert checkpoint_path(out).read_bytes() == before


def test_existing_table_and_checkpoint_are_never_clobbered(reference, tmp_path, monkeypatch):
    cfg_path, ref = reference
    cfg = load_config(cfg_path)
    out = tmp_path / "t.h5"
    out.write_bytes(ref.read_bytes())
    old = out.read_bytes()
    with pytest.raises(ParameterError, match="already exists; pass --overwrite"):
        build_table(cfg, out, progress=False)
    real = build_mod.compute_point

    def failing(c, i, *a):
        if i == 5:
            raise RuntimeError("simulated crash at point 5")
        return real(c, i, *a)

    monkeypatch.setattr(build_mod, "compute_point", failing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_table(cfg, out, overwrite=True, progress=False)
    assert out.read_bytes() == old  # the old table survives a failed rebuild
    ck = checkpoint_path(out)
    opened = Checkpoint.resume(ck, cfg)
    assert len(opened.done) == 5
    opened.close()
    ck_bytes = ck.read_bytes()
    with pytest.raises(ParameterError, match="checkpoint .* already exists; pass --resume"):
        build_table(cfg, out, overwrite=True, progress=False)
    assert ck.read_bytes() == ck_bytes
    monkeypatch.setattr(build_mod, "compute_point", real)
    summary = build_table(cfg, out, overwrite=True, resume=True, progress=False)
    assert summary["reused"] == 5 and summary["computed"] == 11
    assert_identical(out, ref)


def test_a_cut_last_checkpoint_line_is_dropped(reference, tmp_path):
    cfg_path, ref = reference
    cfg = load_config(cfg_path)
    out = tmp_path / "t.h5"
    ck = Checkpoint.create(checkpoint_path(out), cfg)
    for i in (0, 3):
        ck.add(i, build_mod.compute_point(cfg, i))
    ck.close()
    with open(checkpoint_path(out), "a") as fh:
        fh.write('{"i": 4, "v": {"p_switch": 0.')  # a write cut by a kill
    summary = build_table(cfg, out, resume=True, progress=False)
    assert summary["reused"] == 2 and summary["computed"] == 14
    assert_identical(out, ref)
    # garbage in the middle is not silently dropped: counted, and its point recomputed
    ck = Checkpoint.create(checkpoint_path(out), cfg)
    ck.add(0, build_mod.compute_point(cfg, 0))
    ck.close()
    lines = checkpoint_path(out).read_text().splitlines()
    checkpoint_path(out).write_text("\n".join([lines[0], "garbage", lines[1]]) + "\n")
    opened = Checkpoint.resume(checkpoint_path(out), cfg)
    assert opened.rejected == 1 and list(opened.done) == [0]
    opened.close()


def test_variation_table_pools_devices_and_reports_their_spread(tmp_path):
    sigma = {"Ms": 0.02, "Hk_eff": 0.02, "diameter": 0.02, "free_layer_thickness": 0.02}
    extra = ("\n[variation]\nn_devices = 4\nsigma_rel = { " +
             ", ".join(f"{k} = {v}" for k, v in sigma.items()) +
             " }\n\n[axes.variation]\nvalues = [0.0, 1.0]\n")
    cfg = load_config(write_config(tmp_path, trials=32, currents=(10e-6, 16e-6), extra=extra))
    assert cfg.dims == ("direction", "temperature", "variation", "pulse_width", "current")
    out = tmp_path / "var.h5"
    summary = build_table(cfg, out, progress=False)
    assert summary["wer_solver"] == "monte-carlo"
    t = open_table(out)
    d = t.data
    assert np.all(d["wer_method"] == 0) and np.allclose(d["wer"], 1 - d["p_switch"])
    assert np.all(d["effective_trials"] <= d["trials"]) and np.all(d["effective_trials"] >= 1)
    assert np.all(d["p_switch_ci_low"] <= d["p_switch"])
    assert np.all(d["p_switch"] <= d["p_switch_ci_high"])
    dev = cfg.device
    assert t.device_value("delta_std", variation=0.0) == pytest.approx(0.0, abs=1e-12 * dev.delta)
    assert t.device_value("delta", variation=0.0) == pytest.approx(dev.delta)
    # first-order propagation: Delta ~ Ms Hk d^2 t, so sigma_rel(Delta)^2 = sum of the
    # squared relative sigmas (d counts twice), times the truncated-normal variance
    var_t = 0.97334  # 1 - 6 phi(3) / (2 Phi(3) - 1)
    expect = math.sqrt(var_t * (0.02 ** 2 * 3 + (2 * 0.02) ** 2))
    got = t.device_value("delta_std", variation=1.0) / dev.delta
    n = build_mod.DEVICE_STATS_SAMPLES
    assert got == pytest.approx(expect, rel=5 / math.sqrt(2 * n) + 0.02)
    # interpolation along the variation scale is linear
    # (at a current node, where the amplitude interpolation returns the node value)
    mid = t.query("p_switch", current=-16e-6, pulse_width=1.5e-9, variation=0.5)
    lo = t.query("p_switch", current=-16e-6, pulse_width=1.5e-9, variation=0.0)
    hi = t.query("p_switch", current=-16e-6, pulse_width=1.5e-9, variation=1.0)
    assert mid == pytest.approx(0.5 * (lo + hi), abs=1e-12)


def test_cli_rejects_workers_with_scheduler(reference, tmp_path):
    cfg_path, _ = reference
    p = subprocess.run([sys.executable, "-m", "cramsim", "table", "build", "--config",
                        str(cfg_path), "--out", str(tmp_path / "x.h5"), "--workers", "2",
                        "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True)
    assert p.returncode == 2 and "not both" in p.stderr and "Traceback" not in p.stderr


def test_voltage_drive_and_temperature_axis(tmp_path):
    text = """
[table]
device = "low-delta-fast"
drive = "voltage"
directions = ["AP-P"]
trials = 32
seed = 5
dt = 2e-12
series_resistance = 1000.0

[axes.voltage]
values = [0.15, 0.3]

[axes.pulse_width]
values = [2e-9]

[axes.temperature]
values = [280.0, 320.0]
"""
    path = tmp_path / "volt.toml"
    path.write_text(text)
    cfg = load_config(path)
    assert cfg.dims == ("direction", "temperature", "pulse_width", "voltage")
    out = tmp_path / "volt.h5"
    assert build_table(cfg, out, progress=False)["wer_solver"] == "monte-carlo"
    t = open_table(out)
    assert t.amplitude == "voltage" and t.axes["direction"].values == ("AP-P",)
    dev = cfg.device
    assert t.device_value("delta", temperature=[280.0, 320.0]) == pytest.approx(
        [dev.at_temperature(280.0).delta, dev.at_temperature(320.0).delta])
    assert 0 <= t.query("p_switch", voltage=0.2, pulse_width=2e-9, temperature=300.0) <= 1
    with pytest.raises(ParameterError, match="direction P-AP .* is not in this table"):
        t.query("p_switch", voltage=-0.2, pulse_width=2e-9, temperature=300.0)
