"""System model: parallelism from die capacity and power budget, regulator and driver
energy, the claims card and its verdicts. Every expected number is computed here by hand
from the card values (the formulas of the module docstrings), never taken from the code."""
import math

import pytest

from arrays.energy.drivers import (driver_energy_per_pulse, efficiency, load_drivers,
                                   regulator_loss)
from arrays.energy.system import latency, load_system, parallel_arrays, speed_grid
from arrays.study.claims import Claim, assess, judge, load_claims
from arrays.energy.techdata import card_from_dict
from llg.errors import ParameterError


# -- parallelism ------------------------------------------------------------------------
def test_parallelism_capacity_limited_by_hand():
    s = load_system()
    cap = s["die.capacity"]
    rows, cols = 16, 1024
    par = parallel_arrays(s, rows, cols, array_power=1e-9)      # power no limit here
    assert par.count == int(cap) // (rows * cols) == 65536
    assert par.source == "die capacity"


def test_parallelism_power_limited_by_hand():
    s = load_system()
    budget = s["die.power_budget"]
    p_array = 3.1e-4                                            # W per array
    par = parallel_arrays(s, 16, 1024, p_array)
    assert par.count == math.floor(budget / p_array) == 6451
    assert par.source == "power budget" and par.by_capacity == 65536
    # round-off must not lose an array: 2 W / 1 mW is 2000 arrays
    assert parallel_arrays(s, 16, 1024, 1e-3, power_budget=2.0).count == 2000


def test_parallelism_one_array_over_budget_uses_one():
    par = parallel_arrays(load_system(), 16, 1024, array_power=10.0, power_budget=2.0)
    assert par.count == 1 and par.by_power == 0 and "exceeds the budget" in par.describe()


def test_latency_and_speed_grid():
    # 1000 passes on 64 arrays: ceil(1000/64) = 16 rounds of 1 us, plus 5 us of I/O
    assert latency(1000, 64, 1e-6, 5e-6) == pytest.approx(16e-6 + 5e-6, rel=1e-9)
    s = load_system()
    g = speed_grid(s, 16, 1024, 1e-3, passes=65536, t_pass=1e-6, t_io=0.0,
                   baseline_latency=1.0)
    # the smallest budget, 0.25 W, feeds 250 arrays: ceil(65536/250) = 263 rounds
    first = g["power_budget"][0]
    assert first["parallel_arrays"] == 250 and first["source"] == "power budget"
    assert first["speedup"] == pytest.approx(1.0 / (263 * 1e-6), rel=1e-9)
    # at the card's 2 W budget: 16 Mb holds 1024 arrays (capacity-limited), larger dies are
    # power-limited to 2 W / 1 mW = 2000 arrays
    cap = g["capacity"]
    assert cap[0]["capacity"] == 2 ** 24 and cap[0]["parallel_arrays"] == 2 ** 24 // 2 ** 14
    assert cap[0]["source"] == "die capacity"
    assert {r["parallel_arrays"] for r in cap[1:]} == {2000}


@pytest.mark.parametrize("entry,value", [("capacity", 0), ("capacity", -1.0),
                                         ("power_budget", 0.0), ("power_budget", -2.0)])
def test_non_positive_capacity_or_budget_is_refused(entry, value):
    data = {"name": "bad", "die": {"capacity": {"value": 2.0 ** 30, "unit": "bit",
                                                "source": "test"},
                                   "power_budget": {"value": 2.0, "unit": "W",
                                                    "source": "test"}},
            "control": {"energy_per_command": {"value": 7e-11, "unit": "J", "source": "t"}}}
    data["die"][entry]["value"] = value
    from arrays.energy.system import SYSTEM_DECLARED
    with pytest.raises(ParameterError, match=entry) as exc:
        card_from_dict("system", data, SYSTEM_DECLARED, "bad.toml")
    assert "\n" not in str(exc.value)
    with pytest.raises(ParameterError, match="must be > 0"):
        parallel_arrays(load_system(), 16, 1024, 1e-3, **{entry: value})


def test_system_card_without_source_is_refused():
    from arrays.energy.system import SYSTEM_DECLARED
    data = {"name": "bad", "die": {"capacity": {"value": 1.0, "unit": "bit"},
                                   "power_budget": {"value": 2.0, "unit": "W", "source": "t"}},
            "control": {"energy_per_command": {"value": 7e-11, "unit": "J", "source": "t"}}}
    with pytest.raises(ParameterError, match="die.capacity has no source"):
        card_from_dict("system", data, SYSTEM_DECLARED, "bad.toml")


# -- regulator and drivers --------------------------------------------------------------
def test_linear_regulator_loss_by_hand():
    card = load_drivers()
    lin = card.__class__(card.kind, card.name, card.description, card.values, card.path,
                         {**card.meta, "topology": "linear"})
    v_dd, v, e = 1.0, 0.3, 2e-13
    loss, rows = regulator_loss(lin, {v: e}, v_dd)
    assert loss == pytest.approx(e * (v_dd / v - 1.0), rel=1e-12)
    assert rows[0]["topology"] == "linear"
    with pytest.raises(ParameterError, match="cannot make"):
        efficiency(lin, 1.6, v_dd)                   # a linear regulator cannot step up


def test_best_topology_picks_the_smaller_loss():
    card = load_drivers()
    eta_sc = card["converter.sc_efficiency"]
    v_dd = 1.0
    # well below V_DD the converter wins, near V_DD the linear regulator does
    lo, hi = 0.3, 0.95
    assert lo / v_dd < eta_sc < hi / v_dd
    loss, rows = regulator_loss(card, {lo: 1e-12, hi: 1e-12}, v_dd)
    assert [r["topology"] for r in rows] == ["switched_capacitor", "linear"]
    want = 1e-12 * (1 / eta_sc - 1) + 1e-12 * (v_dd / hi - 1)
    assert loss == pytest.approx(want, rel=1e-12)
    # above V_DD only the converter can produce the voltage
    assert efficiency(card, 1.6, v_dd) == (eta_sc, "switched_capacitor")


def test_conversion_loss_at_another_efficiency_by_hand():
    """The converter-efficiency sensitivity recomputes the loss per voltage with the card's
    'best' rule: at eta = 0.81 both 0.3 V and 0.5 V come from the converter; at eta = 0.4
    the 0.5 V supply switches to the linear regulator (eta = V / V_DD = 0.5)."""
    from types import SimpleNamespace

    from arrays.energy.supply import conversion_loss_at

    card = load_drivers()
    led = SimpleNamespace(structure={"supply_by_voltage": {"v_dd": 1.0,
                                                           "energy": [(0.3, 2e-9), (0.5, 1e-9)]}})
    assert conversion_loss_at(led, card, 0.81) == pytest.approx(3e-9 * (1 / 0.81 - 1),
                                                                rel=1e-12)
    assert conversion_loss_at(led, card, 0.4) == pytest.approx(
        1e-9 * (1 / 0.5 - 1) + 2e-9 * (1 / 0.4 - 1), rel=1e-12)
    assert math.isnan(conversion_loss_at(SimpleNamespace(structure={}), card, 0.8))


def test_driver_energy_by_hand():
    card = load_drivers()
    f, m = card["driver.fanout"], card["driver.current_margin"]
    i_w, c_g, v_dd = 1360.0, 1e-9, 1.0          # A/m, F/m, V (the 45 nm card's values)
    current = 16 * 100e-6                        # 16 rows x 100 uA
    width = m * current / i_w
    want = f / (f - 1) * width * c_g * v_dd ** 2
    assert driver_energy_per_pulse(card, current, i_w, c_g, v_dd) == pytest.approx(want,
                                                                                  rel=1e-12)
    assert want == pytest.approx(4 / 3 * 1.6e-3 / 1360 * 1e-9, rel=1e-12)


def test_unknown_topology_is_refused(tmp_path):
    src = (load_drivers().path)
    text = open(src).read().replace('topology = "best"', 'topology = "magic"')
    p = tmp_path / "d.toml"
    p.write_text(text)
    with pytest.raises(ParameterError, match="topology = 'magic'"):
        load_drivers(str(p))


# -- claims -----------------------------------------------------------------------------
def _claim(lo, hi, **kw):
    return Claim("k", "w", "s", "projected", "energy_ratio", lo, hi, "cpu_ddr4_45nm", **kw)


def test_judge_yes_no_exceeds():
    c = _claim(10.0, 30.0)
    assert judge(c, 9.9) == "no" and judge(c, 10.0) == "yes" and judge(c, 30.0) == "yes"
    assert judge(c, 31.0) == "exceeds"
    assert judge(_claim(1000.0, math.inf), 1e6) == "yes"


def test_assess_counts_only_correct_gates():
    c = _claim(10.0, 30.0)
    cfg = {"workload": "add32", "baseline": "cpu_ddr4_45nm", "scenario": None,
           "energy_ratio": 20.0, "speedup": 1.0, "computes_correctly": False}
    (a,) = assess([c], [cfg])
    assert a["holds"] == "no" and "gates fail" in a["why"] and "20x" in a["why"]
    (a,) = assess([c], [{**cfg, "computes_correctly": True}])
    assert a["holds"] == "yes"
    (a,) = assess([c], [{**cfg, "computes_correctly": True, "energy_ratio": 80.0}])
    assert a["holds"] == "exceeds"
    # another baseline or scenario does not count
    (a,) = assess([c], [{**cfg, "computes_correctly": True, "baseline": "x"}])
    assert a["holds"] == "no" and "not assessable" in a["why"]


def test_shipped_claims_card():
    claims = {c.key: c for c in load_claims()}
    assert claims["lv_energy_2500x"].baseline == "near_memory_16nm"
    assert claims["lv_energy_2500x"].kind == "simulated"
    assert claims["press_1000x"].hi == math.inf and claims["press_1000x"].lo == 1000
    for c in claims.values():
        assert c.source and c.wording and c.kind in ("measured", "simulated", "projected")


@pytest.mark.parametrize("field,value,words", [
    ("baseline", "no_such_baseline", "no_such_baseline"),
    ("source", "", "source"),
    ("kind", "guessed", "kind"),
])
def test_bad_claims_card(tmp_path, field, value, words):
    body = {"wording": "x", "source": "y", "kind": "projected", "metric": "energy_ratio",
            "lo": 2.0, "hi": 5.0, "baseline": "cpu_ddr4_45nm"}
    body[field] = value
    lines = ["name = \"t\"", "[claims.c]"] + [
        f"{k} = {v!r}".replace("'", '"') for k, v in body.items()]
    p = tmp_path / "c.toml"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParameterError, match=words) as exc:
        load_claims(str(p))
    assert "\n" not in str(exc.value)
