"""Table configs: validation with clear errors; process-variation sampling statistics."""
import math

import numpy as np
import pytest
from scipy import stats

from llg import ParameterError, load_device
from llg.seeding import child
from llg.tables.config import config_from_dict, load_config, parse_grid
from llg.tables.variation import pooled_interval, pooled_mean_std, sample_devices


def _cfg(**over):
    data = {"table": {"device": "low-delta-fast", "trials": 8, "seed": 1, "dt": 2e-12,
                      "directions": ["P-AP", "AP-P"]},
            "axes": {"current": {"values": [1e-5, 2e-5, 3e-5]},
                     "pulse_width": {"start": 1e-9, "stop": 4e-9, "num": 3, "spacing": "log"}}}
    for key, value in over.items():
        section, _, name = key.partition("__")
        if value is None:
            data[section].pop(name)
        elif name:
            data[section][name] = value
        else:
            data[section] = value
    return data


def _load(tmp_path, **over):
    return config_from_dict(_cfg(**over), tmp_path)


def test_valid_config_dims_points_and_fingerprint(tmp_path):
    cfg = _load(tmp_path)
    assert cfg.dims == ("direction", "temperature", "pulse_width", "current")
    assert cfg.shape == (2, 1, 3, 3) and cfg.n_points == 18
    assert cfg.axes["temperature"] == (300.0,)  # the device file's temperature
    assert cfg.axes["pulse_width"] == pytest.approx((1e-9, 2e-9, 4e-9), rel=1e-9)
    # C order: the amplitude varies fastest, the direction slowest
    assert cfg.point(0) == {"direction": "P-AP", "temperature": 300.0,
                            "pulse_width": 1e-9, "current": 1e-5}
    assert cfg.point(1)["current"] == 2e-5 and cfg.point(9)["direction"] == "AP-P"
    assert cfg.fingerprint() == _load(tmp_path).fingerprint()
    assert cfg.fingerprint() != _load(tmp_path, table__seed=2).fingerprint()


def test_shipped_default_config_loads():
    cfg = load_config("default")
    assert cfg.device.name == "default" and cfg.n_points == 1000


@pytest.mark.parametrize("axes, message", [
    ({"current": {"values": []}}, "grid is empty"),
    ({"current": {"start": 1e-5, "stop": 2e-5, "num": 0}}, "grid is empty"),
    ({"current": {"values": [1e-5, 3e-5, 2e-5]}}, "strictly increasing"),
    ({"current": {"values": [1e-5, 1e-5]}}, "strictly increasing"),
    ({"current": {"values": [-1e-5, 1e-5]}}, "current[0] = -1e-05"),
    ({"pulse_width": {"values": [2e-9, 1e-9]}}, "pulse_width[0] = 2e-09 s is followed"),
    ({"pulse_width": {"start": 0.0, "stop": 1e-9, "num": 3, "spacing": "log"}},
     "log spacing needs start > 0"),
    ({"current": {"values": [1e-5], "num": 3}}, "either 'values' or start/stop"),
    ({"current": {"valus": [1e-5]}}, "did you mean 'values'"),
])
def test_bad_grids_are_clear_errors(tmp_path, axes, message):
    data = _cfg()
    data["axes"].update(axes)
    with pytest.raises(ParameterError) as exc:
        config_from_dict(data, tmp_path)
    assert message in str(exc.value)


@pytest.mark.parametrize("over, message", [
    ({"table__trials": 0}, "trials = 0"),
    ({"table__seed": -1}, "seed = -1"),
    ({"table__dt": 5e-11}, "dt = 5e-11 s is too large"),
    ({"table__directions": ["P-AP", "sideways"]}, "'sideways' is invalid"),
    ({"table__drive": "voltage"}, "[axes.current] given but [table] drive = 'voltage'"),
    ({"table__device": "nope"}, "'nope'"),
    ({"table__trails": 3}, "did you mean 'trials'"),
    ({"table__seed": None}, "missing required key 'seed'"),
    ({"variation": {"n_devices": 3, "sigma_rel": {"Ms": 0.02}}},
     "must be a multiple of [variation] n_devices = 3"),
    ({"variation": {"n_devices": 4, "sigma_rel": {"Ms": 0.5}}}, "sigma_rel.Ms = 0.5"),
    ({"variation": {"n_devices": 4, "sigma_rel": {"name": 0.1}}}, "unknown key(s) 'name'"),
])
def test_bad_table_settings_are_clear_errors(tmp_path, over, message):
    with pytest.raises(ParameterError) as exc:
        _load(tmp_path, **over)
    assert message in str(exc.value)


def test_missing_axis_and_bad_toml_files(tmp_path):
    data = _cfg()
    del data["axes"]["pulse_width"]
    with pytest.raises(ParameterError, match=r"missing the \[axes.pulse_width\] grid"):
        config_from_dict(data, tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[table\n")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ParameterError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_device_path_is_relative_to_the_config(tmp_path):
    src = load_device("low-delta-fast")
    from llg.paths import data_dir

    text = (data_dir() / "devices" / "low-delta-fast.toml").read_text()
    (tmp_path / "dev.toml").write_text(text)
    cfg = _load(tmp_path, table__device="dev.toml")
    assert cfg.device == src and cfg.device_text == text


def test_log_grid_endpoints_are_exact():
    g = parse_grid("pulse_width", {"start": 1e-9, "stop": 5e-8, "num": 20, "spacing": "log"})
    assert len(g) == 20 and g[0] == 1e-9 and g[-1] == pytest.approx(5e-8, rel=1e-15)
    assert np.allclose(np.diff(np.log(g)), math.log(50) / 19)


def test_sampled_devices_follow_the_truncated_normal():
    dev = load_device("default")
    sigma = {"Ms": 0.03, "diameter": 0.02}
    n = 4000
    devs = sample_devices(dev, sigma, 1.0, n, child(5, 0))
    assert devs == sample_devices(dev, sigma, 1.0, n, child(5, 0))  # reproducible
    # standard normal truncated at |z| <= 3: variance 1 - 6 phi(3) / (2 Phi(3) - 1)
    var_t = 1 - 6 * stats.norm.pdf(3) / (2 * stats.norm.cdf(3) - 1)
    for name, s in sigma.items():
        x = np.array([getattr(d, name) for d in devs]) / getattr(dev, name) - 1.0
        assert abs(x.mean()) < 5 * s * math.sqrt(var_t / n)
        # sample variance of n draws: relative standard error sqrt(2/n) (kurtosis ~3)
        assert x.var(ddof=1) / (s * s * var_t) == pytest.approx(1.0, abs=5 * math.sqrt(2 / n))
        assert np.all(np.abs(x) <= 3 * s + 1e-12)
    assert all(d.alpha == dev.alpha for d in devs)  # only the listed parameters vary
    zero = sample_devices(dev, sigma, 0.0, 5, child(5, 0))
    assert all(d == dev for d in zero)


def test_pooled_interval_uses_the_cluster_variance():
    # identical per-device fractions: no excess variance -> n_eff capped at all trials
    p, lo, hi, n_eff = pooled_interval([5, 5, 5, 5], [10, 10, 10, 10])
    assert p == 0.5 and n_eff == 40
    # all-or-nothing devices: the spread is entirely device-to-device
    p, lo, hi, n_eff = pooled_interval([10, 0, 10, 0], [10, 10, 10, 10])
    var = np.var([1, 0, 1, 0], ddof=1) / 4
    assert n_eff == pytest.approx(0.25 / var) and lo < 0.5 < hi
    assert hi - lo > 2 * (pooled_interval([5, 5, 5, 5], [10, 10, 10, 10])[2] - 0.5)
    # law of total variance for the energy of equal-size groups
    m, s = pooled_mean_std([1.0, 3.0], [1.0, 1.0])
    assert m == 2.0 and s == pytest.approx(math.sqrt(1.0 + 1.0))
