"""Table files and queries on synthetic tables (no simulation): layout, xarray, interpolation
exactness, monotonicity, range errors, damaged or foreign files."""
import json
import subprocess
import sys

import h5py
import numpy as np
import pytest
from scipy.interpolate import PchipInterpolator

from llg import ParameterError
from llg.tables import load_xarray, open_table
from llg.tables.build import device_statistics, provenance
from llg.tables.config import config_from_dict
from llg.tables.interp import isotonic_rows, pchip_rows
from llg.tables.schema import POINT_QUANTITIES, SCHEMA_VERSION, write_table

I0, I1 = 10e-6, 50e-6
W0, W1 = 1e-9, 16e-9
T0, T1 = 250.0, 350.0


def _config(tmp_path):
    return config_from_dict({
        "table": {"device": "low-delta-fast", "trials": 100, "seed": 3, "dt": 2e-12,
                  "directions": ["P-AP", "AP-P"]},
        "axes": {"current": {"start": I0, "stop": I1, "num": 5},
                 "pulse_width": {"start": W0, "stop": W1, "num": 5, "spacing": "log"},
                 "temperature": {"values": [T0, 300.0, T1]}}}, tmp_path)


def _fields(cfg):
    """Analytic fields on the grid: trilinear in (I, T, ln w) (exact for the interpolant)."""
    grids = np.meshgrid(*[np.arange(len(cfg.axes[d])) for d in cfg.dims], indexing="ij")
    d = np.asarray(cfg.axes["direction"])[grids[0]]
    T = np.asarray(cfg.axes["temperature"])[grids[1]]
    w = np.asarray(cfg.axes["pulse_width"])[grids[2]]
    current = np.asarray(cfg.axes["current"])[grids[3]]
    return d, T, w, current


def p_model(current, T, w, sign=1.0):
    x = (current - I0) / (I1 - I0)
    return 0.1 + x * (0.3 + 0.1 * (T - T0) / (T1 - T0) +
                      0.15 * np.log(w / W0) / np.log(W1 / W0)) * np.where(sign > 0, 1.0, 0.9)


def log10_wer_model(current, T, w):
    x = (current - I0) / (I1 - I0)
    return -0.5 - x * (4.0 + 2.0 * np.log(w / W0) / np.log(W1 / W0)) * (1 + (T - T0) / 500)


def energy_model(current, T, w):
    return 1e-14 * (1.0 + 3 * (current - I0) / (I1 - I0) + 0.5 * np.log(w / W0)
                    + 0.2 * (T - T0) / 100 * np.log(w / W0))


def write_synthetic(tmp_path, name="syn.h5", mutate=None):
    cfg = _config(tmp_path)
    d, T, w, current = _fields(cfg)
    sign = np.where(d == "AP-P", 1.0, -1.0)
    p = p_model(current, T, w, sign)
    wer = 10.0 ** log10_wer_model(current, T, w)
    data = {"p_switch": p, "p_switch_ci_low": p - 0.05, "p_switch_ci_high": p + 0.05,
            "mean_switching_time": 1e-9 * (1 + 0 * p), "trials": np.full(p.shape, 100),
            "switched": np.rint(100 * p), "effective_trials": np.full(p.shape, 100.0),
            "wer": wer, "wer_ci_low": wer / 2, "wer_ci_high": wer * 2,
            "wer_method": np.ones(p.shape), "write_energy": energy_model(current, T, w),
            "write_energy_std": 1e-15 * (1 + 0 * p)}
    if mutate:
        mutate(data)
    path = tmp_path / name
    write_table(path, cfg, data, device_statistics(cfg), provenance(cfg, {"seconds": 0.0}))
    return path, cfg, data


@pytest.fixture(scope="module")
def syn(tmp_path_factory):
    path, cfg, data = write_synthetic(tmp_path_factory.mktemp("syn"))
    return path, cfg, data


# -- interpolation kernels against independent references ---------------------------------
def test_pchip_rows_matches_scipy():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 10, 9))
    y = rng.normal(size=(40, 9))
    y[:10] = np.cumsum(np.abs(y[:10]), axis=1)  # some monotone rows
    y[10:15, 3:6] = 1.0                          # flat stretches
    xq = rng.uniform(x[0], x[-1], 40)
    ref = np.array([PchipInterpolator(x, row)(q) for row, q in zip(y, xq)])
    assert np.allclose(pchip_rows(x, y, xq), ref, rtol=1e-12, atol=1e-12)
    # two nodes: linear
    assert pchip_rows(x[:2], y[:3, :2], np.full(3, x[0]))[0] == pytest.approx(y[0, 0])


def test_isotonic_rows_matches_scipy():
    from scipy.optimize import isotonic_regression

    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(0.1, 1.0, size=(30, 12)), axis=1)
    w = rng.uniform(0.5, 3.0, size=(30, 12))
    got = isotonic_rows(y, w, increasing=True)
    ref = np.array([isotonic_regression(r, weights=wr).x for r, wr in zip(y, w)])
    assert np.allclose(got, ref, rtol=1e-12, atol=1e-12)
    got_dec = isotonic_rows(y, w, increasing=False)
    ref_dec = np.array([isotonic_regression(r, weights=wr, increasing=False).x
                        for r, wr in zip(y, w)])
    assert np.allclose(got_dec, ref_dec, rtol=1e-12, atol=1e-12)
    mono = np.sort(y, axis=1)
    assert np.array_equal(isotonic_rows(mono, w), mono)


# -- queries ------------------------------------------------------------------------------
def test_query_reproduces_trilinear_fields_exactly(syn):
    path, cfg, _ = syn
    t = open_table(path)
    rng = np.random.default_rng(2)
    n = 200
    current = rng.uniform(I0, I1, n)
    w = np.exp(rng.uniform(np.log(W0), np.log(W1), n))
    T = rng.uniform(T0, T1, n)
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    got = t.query(["p_switch", "wer", "write_energy"], current=sign * current,
                  pulse_width=w, temperature=T)
    assert np.allclose(got["p_switch"], p_model(current, T, w, sign), rtol=1e-12, atol=1e-13)
    assert np.allclose(np.log10(got["wer"]), log10_wer_model(current, T, w), atol=1e-12)
    assert np.allclose(got["write_energy"], energy_model(current, T, w), rtol=1e-12)
    assert got["p_switch"].shape == (n,)


def test_grid_points_return_stored_values_and_shapes_broadcast(syn):
    path, cfg, data = syn
    t = open_table(path)
    I = np.asarray(cfg.axes["current"])
    got = t.query("p_switch", current=-I[:, None], pulse_width=np.asarray(
        cfg.axes["pulse_width"])[None, :], temperature=300.0)
    assert got.shape == (5, 5)
    assert np.array_equal(got, data["p_switch"][0, 1].T)
    scalar = t.query("wer", current=I[2], pulse_width=W0, temperature=T1)
    assert np.ndim(scalar) == 0 and float(scalar) == pytest.approx(data["wer"][1, 2, 0, 2],
                                                                        rel=1e-9)


def test_monotone_in_current_even_with_noisy_data(tmp_path):
    rng = np.random.default_rng(4)

    def noisy(data):
        data["p_switch"] = np.clip(data["p_switch"] + rng.normal(0, 0.08, data["p_switch"].shape),
                                   0, 1)
        data["wer"] = np.clip(data["wer"] * rng.lognormal(0, 0.8, data["wer"].shape), 1e-12, 1)

    path, cfg, data = write_synthetic(tmp_path, mutate=noisy)
    stored = data["p_switch"][0, 1, 2]
    assert np.any(np.diff(stored) < 0)  # the noise broke monotonicity on the grid
    t = open_table(path)
    I = np.linspace(I0, I1, 801)
    for T, w in [(300.0, 4e-9), (271.3, 2.7e-9), (T1, W1)]:
        p = t.query("p_switch", current=-I, pulse_width=w, temperature=T)
        wer = t.query("wer", current=-I, pulse_width=w, temperature=T)
        assert np.all(np.diff(p) >= -1e-15) and np.all(np.diff(wer) <= 1e-15 * wer[:-1])
    raw = t.query("p_switch", current=-I, pulse_width=4e-9, temperature=300.0,
                  monotone=False)
    assert np.any(np.diff(raw) < 0)


def test_monte_carlo_wer_zero_reads_as_half_a_count(tmp_path):
    def mc(data):
        data["wer_method"][:] = 0
        data["wer"][..., -1] = 0.0

    path, cfg, data = write_synthetic(tmp_path, mutate=mc)
    t = open_table(path)
    got = t.query("wer", current=-I1, pulse_width=W0, temperature=300.0)
    assert got == pytest.approx(0.5 / 100)


def test_missing_switching_time_stays_missing(tmp_path):
    def none_switched(data):
        data["mean_switching_time"][..., 0] = np.nan  # lowest current: nothing switched

    path, cfg, data = write_synthetic(tmp_path, mutate=none_switched)
    t = open_table(path)
    got = t.query("mean_switching_time", current=-np.array([I0, I1]), pulse_width=2e-9,
                  temperature=300.0)
    assert np.isnan(got[0]) and got[1] == pytest.approx(1e-9, rel=1e-12)


def test_out_of_range_errors_name_axis_value_and_range(syn):
    t = open_table(syn[0])
    cases = [
        (dict(current=-60e-6, pulse_width=2e-9, temperature=300.0),
         ["current = -6e-05 A", "[1e-05, 5e-05] A"]),
        (dict(current=5e-6, pulse_width=2e-9, temperature=300.0), ["current = 5e-06 A"]),
        (dict(current=-2e-5, pulse_width=0.5e-9, temperature=300.0),
         ["pulse_width = 5e-10 s", "[1e-09, 1.6e-08] s"]),
        (dict(current=-2e-5, pulse_width=2e-9, temperature=400.0),
         ["temperature = 400 K", "[250, 350] K"]),
    ]
    for kw, parts in cases:
        with pytest.raises(ParameterError) as exc:
            t.query("p_switch", **kw)
        for part in parts:
            assert part in str(exc.value)
        assert "extrapolate" in str(exc.value)
    edge = t.query("p_switch", current=-I1, pulse_width=2e-9, temperature=300.0)
    held = t.query("p_switch", current=-60e-6, pulse_width=2e-9, temperature=300.0,
                   extrapolate=True)
    assert held == edge


def test_bad_query_inputs_are_clear_errors(syn):
    t = open_table(syn[0])
    with pytest.raises(ParameterError, match="temperature is required"):
        t.query("p_switch", current=-2e-5, pulse_width=2e-9)
    with pytest.raises(ParameterError, match="direction P-AP needs a negative current"):
        t.query("p_switch", current=2e-5, pulse_width=2e-9, temperature=300.0,
                direction="P-AP")
    with pytest.raises(ParameterError, match="query with current"):
        t.query("p_switch", voltage=0.3, pulse_width=2e-9, temperature=300.0)
    with pytest.raises(ParameterError, match="current = 0 is invalid"):
        t.query("p_switch", current=0.0, pulse_width=2e-9, temperature=300.0)
    with pytest.raises(ParameterError, match="cannot be interpolated"):
        t.query("trials", current=-2e-5, pulse_width=2e-9, temperature=300.0)
    with pytest.raises(ParameterError, match="do not broadcast"):
        t.query("p_switch", current=[-2e-5, -3e-5], pulse_width=[1e-9, 2e-9, 3e-9],
                temperature=300.0)
    with pytest.raises(ParameterError, match="no variation axis"):
        t.query("p_switch", current=-2e-5, pulse_width=2e-9, temperature=300.0, variation=1)


def test_device_values(syn):
    path, cfg, _ = syn
    t = open_table(path)
    dev = cfg.device
    assert t.device_value("r_p") == pytest.approx(dev.r_p, rel=1e-14)
    assert t.device_value("r_ap", bias_voltage=0.25) == pytest.approx(
        dev.r_p * (1 + dev.tmr(0.25)), rel=1e-3)  # linear between 0.2 and 0.3 V
    assert t.device_value("delta", temperature=300.0) == pytest.approx(dev.delta)
    d250, d350 = dev.at_temperature(T0).delta, dev.at_temperature(T1).delta
    assert t.device_value("delta", temperature=[T0, T1]) == pytest.approx([d250, d350])
    assert t.device_value("critical_current", temperature=300.0, direction="AP-P") == \
        pytest.approx(dev.ic0, rel=1e-9)


# -- layout and readers --------------------------------------------------------------------
def test_every_dataset_has_units_long_name_and_dimension_scales(syn):
    path, cfg, _ = syn
    with h5py.File(path, "r") as f:
        assert f.attrs["schema_version"] == SCHEMA_VERSION
        for key in ("cramsim_version", "git_revision", "created", "config_toml", "device_toml",
                    "device_sha256", "seed", "seed_scheme", "solver", "dt", "trials",
                    "wer_solver", "retention_solver"):
            assert key in f.attrs, key
        seen = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                seen.append(name)
                assert "units" in obj.attrs and "long_name" in obj.attrs, name
                if not obj.is_scale:
                    for i in range(obj.ndim):
                        assert len(obj.dims[i]) == 1, (name, i)

        f.visititems(visit)
        assert {f"{q.group}/{q.name}" for q in POINT_QUANTITIES} <= set(seen)
        ds = f["switching/p_switch"]
        assert [ds.dims[i][0].name.split("/")[-1] for i in range(ds.ndim)] == list(cfg.dims)


def test_xarray_reads_every_group(syn):
    import xarray as xr

    path, cfg, data = syn
    for group in ("switching", "wer", "energy", "device"):
        ds = xr.open_dataset(path, engine="h5netcdf", group=group)
        try:
            assert set(ds.dims) >= ({"temperature"} if group == "device" else set(cfg.dims))
        finally:
            ds.close()
    ds = load_xarray(path, "switching")
    assert list(ds["p_switch"].dims) == list(cfg.dims)
    assert ds["p_switch"].attrs["units"] == "1" and ds["pulse_width"].attrs["units"] == "s"
    assert np.array_equal(ds["p_switch"].values, data["p_switch"])
    assert list(ds["direction"].values) == ["P-AP", "AP-P"]
    sel = ds["p_switch"].sel(direction="AP-P", temperature=300.0)
    assert sel.shape == (5, 5)
    with pytest.raises(ParameterError, match="not a table group"):
        load_xarray(path, "nope")


# -- damaged, foreign and future files ------------------------------------------------------
def test_truncated_foreign_and_future_files_are_clear_errors(syn, tmp_path):
    path = syn[0]
    raw = path.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ParameterError, match="not a readable HDF5 file"):
        open_table(cut)
    text = tmp_path / "text.h5"
    text.write_text("hello")
    with pytest.raises(ParameterError, match="not a readable HDF5 file"):
        open_table(text)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(ParameterError, match="not a cramsim table"):
        open_table(foreign)
    future = tmp_path / "future.h5"
    future.write_bytes(raw)
    with h5py.File(future, "a") as f:
        f.attrs["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ParameterError, match=f"schema version {SCHEMA_VERSION + 1}, newer"):
        open_table(future)
    with pytest.raises(ParameterError, match="newer"):
        load_xarray(future)
    gutted = tmp_path / "gutted.h5"
    gutted.write_bytes(raw)
    with h5py.File(gutted, "a") as f:
        del f["wer"]
    with pytest.raises(ParameterError, match="group '/wer' is missing"):
        open_table(gutted)
    with pytest.raises(ParameterError, match="not found"):
        open_table(tmp_path / "none.h5")


def test_cli_info_query_and_bad_file(syn, tmp_path):
    path = syn[0]

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "cramsim", "table", *args],
                              capture_output=True, text=True)

    p = cli("info", str(path), "--json")
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout)
    assert info["schema_version"] == SCHEMA_VERSION
    axes = {a["name"]: a for a in info["axes"]}
    assert axes["current"] == {"name": "current", "unit": "A", "long_name": axes["current"][
        "long_name"], "min": I0, "max": I1, "n": 5}
    assert {"p_switch", "wer", "write_energy"} <= {q["name"] for q in info["quantities"]}
    assert info["provenance"]["seed"] == 3 and "device_toml" in info["provenance"]
    p = cli("query", str(path), "--current=-3e-5", "--pulse-width", "2e-9", "--temperature",
            "300", "-q", "p_switch", "-q", "wer", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["values"]["p_switch"][0] == pytest.approx(
        float(p_model(3e-5, 300.0, 2e-9, -1.0)), rel=1e-12)
    assert out["units"] == {"p_switch": "1", "wer": "1"}
    p = cli("query", str(path), "--current=-9e-5", "--pulse-width", "2e-9", "--temperature",
            "300", "--json")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "current = -9e-05 A" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    p = cli("info", str(bad), "--json")
    assert p.returncode == 2 and "not a readable HDF5 file" in p.stderr
    assert "Traceback" not in p.stderr
    p = cli("plot", str(path), "--out", str(tmp_path / "plots"), "--json")
    assert p.returncode == 0, p.stderr
    files = json.loads(p.stdout)["files"]
    assert len(files) == 6 and all((tmp_path / "plots").joinpath(f).exists() for f in files)


def test_failed_write_leaves_existing_table_untouched(syn, tmp_path):
    path, cfg, data = syn
    target = tmp_path / "keep.h5"
    target.write_bytes(path.read_bytes())
    before = target.read_bytes()
    broken = dict(data)
    del broken["wer"]
    with pytest.raises(KeyError):
        write_table(target, cfg, broken, device_statistics(cfg), {})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.h5"]  # no temp left behind
