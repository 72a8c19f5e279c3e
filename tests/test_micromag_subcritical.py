"""The micromagnetic sub-critical law (llg/micromag/subcritical.py, subcritical_card.py) and
its use by the gate layer (``--subcritical micromag``). SI units."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from llg import load_device
from llg.errors import ParameterError
from llg.micromag import subcritical as SC
from llg.micromag.subcritical_card import card_path, load_card, render_card, subcritical_inputs


def test_fit_recovers_a_known_law():
    """Exact times tau0 exp(Delta (1 - i)^b) give back b and tau0 (the fit, not physics)."""
    delta, b, tau0 = 13.0, 1.7, 3e-10
    i = np.array([0.65, 0.6, 0.55, 0.5, 0.45])
    tau = tau0 * np.exp(delta * (1 - i) ** b)
    r = SC.fit_law(i, tau, 0.1 * tau, delta)
    assert r["exponent"] == pytest.approx(b, rel=1e-6)
    assert math.exp(r["ln_tau0"]) == pytest.approx(tau0, rel=1e-6)
    assert r["chi2"] == pytest.approx(0.0, abs=1e-8) and r["dof"] == 3
    assert 0 < r["exponent_se"] < 1


def test_censored_mean_of_exponential_samples():
    """Exponential times of mean 3 censored at 4: sum / escapes within 4.5 standard errors;
    uncensored: the sample mean and its standard error."""
    rng = np.random.default_rng(5)
    t = rng.exponential(3.0, 400)
    r = SC.mean_escape_time(np.minimum(t, 4.0), t < 4.0)
    assert abs(r["tau"] - 3.0) < 4.5 * r["tau_se"] and r["escapes"] == int((t < 4).sum())
    u = SC.mean_escape_time(t, np.ones_like(t, bool))
    assert u["tau"] == pytest.approx(t.mean()) and u["tau_se"] == pytest.approx(
        t.std(ddof=1) / 20)
    with pytest.raises(ParameterError, match="t_max"):
        SC.mean_escape_time([1.0, 1.0], [False, False])


def test_escape_times_in_the_macrospin_limit_match_fokker_planck():
    """One-cell disk (the model's macrospin limit), Delta 13.6, Delta (1 - i)^2 = 1.5: the
    mean escape time of 16 micromagnetic trajectories lies within 4.5 standard errors of
    the exact 1-D FP mean first-passage time (fixed seed)."""
    red = SC.reduced_device(load_device("default"))
    r = SC.macrospin_limit(red, 4e-9, 16, 3, 400.0, targets=(1.5,))
    assert r["cells"] == 1
    assert abs(r["z"][0]) < SC.N_SIGMA, r
    assert r["tau_se"][0] < 0.5 * r["tau"][0]


def test_shipped_card_inputs_for_the_default_device():
    """45 nm < crossover (~58 nm): coherent regime; Delta_eff below the macrospin Delta and
    equal to a fresh string-method barrier at the same cells; tau0 scales with tau_D."""
    from llg.micromag.barriers import device_barrier

    dev = load_device("default")
    mm = subcritical_inputs(dev)
    assert mm["regime"] == "coherent" and not mm["extrapolated"]
    assert mm["crossover_diameter"] > dev.diameter
    fresh = device_barrier(dev, cell=load_card(card_path("default"))["delta_eff_curve"]["cell"],
                           images=16)
    assert mm["delta_eff"] == pytest.approx(fresh["delta_micromagnetic"], rel=1e-6)
    assert mm["delta_eff"] < mm["delta_macrospin"]
    slow = subcritical_inputs(dev.with_(alpha=0.02))
    assert slow["attempt_time"] / mm["attempt_time"] == pytest.approx(
        dev.with_(alpha=0.02).tau_d / dev.tau_d)
    assert 0.5 <= mm["exponent"] <= 6 and mm["exponent_se"] > 0


def test_domain_wall_regime_lowers_delta_eff():
    """Above the crossover diameter the string method finds a barrier below the macrospin
    Delta (fresh, 4 nm cells) and the card's inputs say 'domain wall' (law extrapolated)."""
    from llg.micromag.barriers import device_barrier

    dev = load_device("default").with_(diameter=90e-9)
    fresh = device_barrier(dev, cell=4e-9, images=12)
    assert fresh["delta_micromagnetic"] < 0.7 * fresh["delta_macrospin"]
    assert dev.diameter > fresh["crossover_diameter"]
    mm = subcritical_inputs(dev)
    assert mm["regime"] == "domain wall" and mm["extrapolated"]
    assert mm["delta_eff"] < 0.7 * mm["delta_macrospin"]


def test_card_refuses_another_material_or_diameter(tmp_path):
    dev = load_device("default")
    with pytest.raises(ParameterError, match=r"^Ms = .* differs from the micromag card"):
        subcritical_inputs(dev.with_(Ms=1.0e6))
    with pytest.raises(ParameterError, match="diameter = .* outside"):
        subcritical_inputs(dev.with_(diameter=5e-9))
    with pytest.raises(ParameterError, match="not found"):
        subcritical_inputs(dev, tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text(render_card({"kind": "other"}, {}))
    with pytest.raises(ParameterError, match="not a micromag-subcritical card"):
        subcritical_inputs(dev, bad)


def test_gate_source_uses_the_card_law():
    """P_sw of a holding current under --subcritical micromag is 1 - exp(-t / tau) with the
    card's b, tau0 and Delta_eff (computed here by hand)."""
    from circuits.fpsource import FPSwitching

    dev = load_device("default")
    src = FPSwitching(dev, (5e-8, 1e-7), "micromag")
    mm = subcritical_inputs(dev)
    t, i = 1e-7, 0.6
    p, _ = src.p_switch("P-AP", np.array([i * src.i_c]), t)
    tau = mm["attempt_time"] * math.exp(mm["delta_eff"] * (1 - i) ** mm["exponent"])
    assert float(p[0]) == pytest.approx(-math.expm1(-t / tau), rel=1e-9)


@pytest.mark.parametrize("args, word", [
    (["gate", "--gate", "NOT", "--device", "low-delta-fast", "--subcritical", "micromag"],
     "card"),
    (["gate", "--gate", "NOT", "--subcritical", "bogus"], "subcritical"),
    (["micromag", "subcritical", "--diameter", "1e-9"], "--diameter"),
    (["micromag", "subcritical", "--trials", "2"], "--trials"),
    (["micromag", "subcritical", "--diameter", "8e-9"], "delta"),
    (["micromag", "subcritical", "--cell", "8e-9"], "cell"),
])
def test_bad_input_is_one_line_exit_2(args, word):
    p = subprocess.run([sys.executable, "-m", "cramsim", *args], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    lines = [x for x in p.stderr.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and word in lines[0], p.stderr


def test_card_text_round_trips(tmp_path):
    from llg.paths import read_toml
    from llg.micromag.subcritical_card import write_card

    card = {"kind": "micromag-subcritical", "command": 'a "quoted"\nline', "seed": 3,
            "law": {"exponent": 1.25, "ok": True, "mechanism": ["coherent", "domain wall"]}}
    path = write_card(card, {"law.exponent": "1"}, tmp_path / "c.toml")
    assert read_toml(path, "card") == card
    assert json.loads(json.dumps(read_toml(path, "card")))["law"]["exponent"] == 1.25


def test_report_section_names_the_regime():
    from arrays.study.sections.subcritical import micromag_inputs, regime_lines

    text = " ".join(regime_lines(micromag_inputs("default")))
    assert "**coherent** regime" in text and "Delta_eff" in text
    assert "no micromagnetic" in " ".join(regime_lines(micromag_inputs("low-delta-fast")))
