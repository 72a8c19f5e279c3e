"""The macrospin validation cases pass in quick mode, with sharper checks where they help.

Each case compares the solver with an independent reference (validation/references_llg.py,
itself checked in test_references_llg.py). Seeds are fixed inside the cases; statistical
tolerances are 4.5 standard errors.
"""
import pytest

from validation import cases_llg
from validation.registry import load_cases


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("validation_llg")


def _run(func, out_dir):
    res = func(True, out_dir)
    assert res.passed, res.details
    assert res.plot is not None and (out_dir / f"{res.name}.png").stat().st_size > 5000
    return res


def test_critical_current_brackets_ic0():
    res = cases_llg.critical_current(True, None)
    assert res.passed, res.details


def test_critical_current_threshold_by_bisection(out_dir):
    res = _run(cases_llg.critical_current_threshold, out_dir)
    # RK4 has no numerical anti-damping: the threshold is Ic0 cos(theta0)-close
    assert abs(res.extra["rk4"] - 1) < 1e-3
    assert abs(res.extra["heun"] - 1) < 0.01


def test_damped_precession_convergence_orders(out_dir):
    res = _run(cases_llg.damped_precession, out_dir)
    # isotropic field: clean asymptotic orders (the uniaxial case is pre-asymptotic at T/25)
    assert res.extra["heun_orders"][0] == pytest.approx(2.0, abs=0.05)
    assert res.extra["rk4_orders"][0] == pytest.approx(4.0, abs=0.1)
    assert all(abs(o - 4) < 0.1 for o in res.extra["rk4_orders"])


def test_energy_is_conserved_as_alpha_vanishes(out_dir):
    res = _run(cases_llg.energy_conservation, out_dir)
    assert res.value < 2e-4  # Heun at T/100 over 50 periods, in units of the barrier
    assert res.extra["orders"]["rk4"] > 3.7


def test_switching_time_matches_exact_quadrature_and_sun(out_dir):
    res = _run(cases_llg.switching_time, out_dir)
    ex = res.extra
    for t_rk4, t_exact in zip(ex["times"]["rk4"], ex["exact"]):
        assert t_rk4 == pytest.approx(t_exact, rel=1e-6)
    # Sun's formula is an asymptote: the solver differs from it by its known error, and the
    # error is largest close to threshold
    assert abs(ex["sun_deviation"][0]) > 0.05
    assert all(abs(d) < 0.12 for d in ex["sun_deviation"])


def test_boltzmann_equilibrium(out_dir):
    res = _run(cases_llg.boltzmann_equilibrium, out_dir)
    assert res.value <= 4.5


def test_heun_bias_extrapolates_to_boltzmann(out_dir):
    res = _run(cases_llg.boltzmann_dt_convergence, out_dir)
    assert abs(res.value - res.reference) <= res.tolerance


def test_ito_reading_is_inconsistent(out_dir):
    res = _run(cases_llg.ito_reading_fails, out_dir)
    ex = res.extra
    assert min(ex["excess"]) > 0.1           # |m|^2 - 1 stays O(1/Delta) as dt -> 0
    assert abs(ex["z_ito"]) > 10 and abs(ex["z_heun"]) <= 4.5


def test_escape_time_matches_mean_first_passage_and_brown(out_dir):
    res = _run(cases_llg.escape_time, out_dir)
    for s in res.extra["study"]:
        assert abs(s["mean"] - s["exact"]) <= s["tol"]
        # Brown's asymptote underestimates the passage time deep into the other well
        assert s["mean"] / s["brown"] - 1 == pytest.approx(s["exact"] / s["brown"] - 1,
                                                           abs=0.1)
        assert 1.0 / s["delta"] < s["exact"] / s["brown"] - 1 < 2.0 / s["delta"]


def test_a_failing_case_fails_the_command_and_the_report(tmp_path, monkeypatch):
    """`cramsim validate` exits 1 and the report marks the case when a reference is missed."""
    import typer
    from typer.testing import CliRunner

    from validation import registry

    load_cases()
    monkeypatch.setitem(registry.CASES, "always_off", registry.Case(
        "always_off", lambda quick, out: registry.CaseResult("always_off", False, 2.0, 1.0, 0.1),
        "a case that misses its reference", "none"))
    app = typer.Typer()
    app.command()(registry.validate_command)
    res = CliRunner().invoke(app, ["--case", "always_off", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "FAIL  always_off" in res.output
    assert "| always_off | **NO** | 2 | 1 | 0.1 |" in (tmp_path / "validation.md").read_text()
