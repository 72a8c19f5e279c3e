"""Maturity scenarios: files load, each changes the intended parameters, exactly."""
import math

import numpy as np
import pytest

from arrays.energy.system import load_system
from arrays.study.scaled_switching import ScaledSwitching, scenario_source
from arrays.study.scenarios import SCENARIOS, load_scenario, scenario_setup
from circuits.tablesource import resolve_source
from llg.device import load_device
from llg.errors import ParameterError
from llg.paths import data_dir


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_loads_with_sources_and_claim(name):
    from arrays.study.claims import claims_by_key
    CLAIMS = claims_by_key()
    sc = load_scenario(name)
    assert sc.name == name and sc.claim in CLAIMS and sc.rationale
    keys = {s["key"] for s in sc.sources()}
    assert {"device.TMR0", "device.polarization", "device.max_pulse_width"} <= keys
    assert all(s["source"].strip() for s in sc.sources())


def test_scenarios_order_devices_by_maturity():
    tmr = [dict(load_scenario(n).device_changes)["TMR0"] for n in SCENARIOS]
    eta = [dict(load_scenario(n).device_changes)["polarization"] for n in SCENARIOS]
    base = load_system()
    cap = [load_scenario(n).system_changes.get("die__capacity", base["die.capacity"])
           for n in SCENARIOS]
    pw = [load_scenario(n).system_changes.get("die__power_budget", base["die.power_budget"])
          for n in SCENARIOS]
    assert tmr == sorted(tmr) and eta == sorted(eta) and cap == sorted(cap) and pw == sorted(pw)


@pytest.mark.parametrize("name", SCENARIOS)
def test_polarization_follows_julliere(name):
    """The files' eta = 0.6 P(TMR) / P(1.5), P = sqrt(TMR / (2 + TMR)) (Julliere 1975)."""
    d = dict(load_scenario(name).device_changes)
    P = lambda t: math.sqrt(t / (2.0 + t))  # noqa: E731
    assert d["polarization"] == pytest.approx(0.6 * P(d["TMR0"]) / P(1.5), abs=6e-4)


def test_scaled_source_is_exact_current_rescaling():
    """eta' = eta / s: Ic0' = s Ic0 and P'(I, t) = P(I / s, t) at every table point."""
    base, dev0 = resolve_source("default", None)
    src, dev = scenario_source("default", (("TMR0", 3.0), ("polarization", 0.75)), 10e-9)
    s = 0.6 / 0.75
    assert isinstance(src, ScaledSwitching) and src.scale == pytest.approx(s, rel=1e-9)
    assert dev.TMR0 == 3.0 and dev.polarization == 0.75
    assert dev.ic0 / dev0.ic0 == pytest.approx(s, rel=1e-12)       # Ic0 ~ 1 / eta
    lo, hi = base.current_range
    assert src.current_range == pytest.approx((lo * s, hi * s), rel=1e-9)
    assert src.pulse_width_range[1] <= 10e-9 * (1 + 1e-12)
    i = np.geomspace(lo * 1.01, hi * 0.99, 7)
    for d in ("P-AP", "AP-P"):
        for t in src.pulse_widths[::4]:
            p0, _ = base.p_switch(d, i, t)
            p1, _ = src.p_switch(d, i * s, t)
            np.testing.assert_array_equal(p0, p1)
    assert scenario_source("default", (("TMR0", 3.0), ("polarization", 0.75)), 10e-9)[0] is src


def test_switching_parameters_other_than_eta_refused():
    with pytest.raises(ParameterError, match="may change only"):
        scenario_source("default", (("alpha", 0.005),))
    with pytest.raises(ParameterError, match="below the table's shortest pulse"):
        scenario_source("default", (("TMR0", 2.0),), 1e-12)


def test_scenario_setup_applies_periphery_and_device(tmp_path):
    from arrays.energy.costs import CostModel
    from arrays.energy.evaluate import make_setup
    base = make_setup(costs=CostModel("stub", "default", "test: no circuits run"))
    sc = load_scenario("mature")
    su = scenario_setup(sc, base, costs=base.costs)
    assert su.system["die.capacity"] == 2 ** 34 and su.system["die.power_budget"] == 10.0
    assert "varied" in su.system.item("die.capacity").source
    assert base.system["die.capacity"] == 2 ** 30
    assert su.periphery["interface.io_energy_per_bit"] == pytest.approx(0.1e-12, rel=1e-9)
    assert su.periphery["periphery.cycle_setup_time"] == pytest.approx(0.25e-9, rel=1e-9)
    # entries the scenario does not set keep the card's values
    assert su.periphery["array.rows"] == base.periphery["array.rows"]
    assert su.periphery["periphery.read_energy_per_bit"] == \
        base.periphery["periphery.read_energy_per_bit"]
    assert "TMR0=3" in su.device and "polarization=0.71" in su.device


def test_bad_scenarios_refused(tmp_path):
    text = (data_dir() / "scenarios" / "early.toml").read_text()
    p = tmp_path / "s.toml"
    p.write_text(text.replace("[device]", "[device]\nalpha = { value = 0.005, unit = \"1\", "
                                          "source = \"x\" }"))
    with pytest.raises(ParameterError, match="unknown entry device.alpha"):
        load_scenario(p)
    p.write_text(text.replace('claim = "early_2_5x"', 'claim = "nope"'))
    with pytest.raises(ParameterError, match="not a known claim"):
        load_scenario(p)
    import re
    p.write_text(re.sub(r'(TMR0 = \{ value = 1.0, unit = "1"), source = "[^"]*"', r"\1", text))
    with pytest.raises(ParameterError, match="TMR0 has no source"):
        load_scenario(p)
    with pytest.raises(ParameterError, match="shipped: early"):
        load_scenario("erly")
    with pytest.raises(ParameterError, match="polarization = 1.5"):
        load_scenario_text(tmp_path, text.replace("value = 0.529", "value = 1.5"))


def load_scenario_text(tmp_path, text):
    p = tmp_path / "t.toml"
    p.write_text(text)
    return load_scenario(p)


def test_load_device_unchanged_by_scenarios():
    """Scenarios never modify the shipped device card (what-ifs are copies)."""
    scenario_source("default", (("TMR0", 1.0),), None)
    assert load_device("default").TMR0 == 1.5


def test_cli_bad_scenario_is_one_line_error():
    import subprocess
    r = subprocess.run([sys_executable(), "-m", "cramsim", "report", "--scenario", "erly"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "scenario 'erly' not found (did you mean 'early'?)" in r.stderr
    assert "Traceback" not in r.stderr


def sys_executable():
    import sys
    return sys.executable


def test_scenario_switching_is_the_changed_devices_fp_source():
    """Without a table the scenario's device gets its own FP source (the report's gates' model),
    pulses 1 ns up to the scenario's speed target; a target below 1 ns is refused."""
    from arrays.study.scaled_switching import scenario_switching

    sw = scenario_switching("default", (("TMR0", 3.0), ("polarization", 0.75)), 10e-9)
    assert sw["table"] is None and sw["pulse_range"] == (1e-9, 10e-9)
    assert sw["device"].TMR0 == 3.0 and sw["device"].polarization == 0.75
    assert sw["device"].ic0 / load_device("default").ic0 == pytest.approx(0.6 / 0.75, rel=1e-12)
    assert scenario_switching("default", (), None)["pulse_range"] == (1e-9, 1e-6)
    assert scenario_switching("default", (), 1e-3)["pulse_range"] == (1e-9, 1e-6)
    with pytest.raises(ParameterError, match="max_pulse_width"):
        scenario_switching("default", (), 0.5e-9)
    # with a table the table path (rescaled, pulses up to the target) is kept
    tab = scenario_switching("default", (("polarization", 0.75),), 10e-9,
                             str(data_dir() / "tables" / "default.h5"))
    assert isinstance(tab["table"], ScaledSwitching) and tab["pulse_range"] is None
