"""The preset write on either switching source (circuits.write_operating_point).

The Fokker-Planck source (the gates' default, pulses 1 ns - 1 us) and the shipped table
(pulses 1-30 ns; its WER from the full-resolution FP solver with its discretization interval,
its switching times from 2000 Monte Carlo trajectories per point) are independent
computations; where the table covers the pulse width they must give the same write.
"""
import numpy as np
import pytest

from llg.tables import open_table

SIGN = {"AP-P": 1.0, "P-AP": -1.0}
TRIALS = 16


@pytest.mark.parametrize("value", [0, 1])
def test_fp_and_table_writes_agree_where_the_table_covers_the_pulse(value):
    from circuits import write_operating_point

    table = open_table("default")
    t = float(table.axes["pulse_width"].values[13])          # ~10 ns, a table grid point
    kw = dict(pulse_widths=[t], rows=16, target_error=1e-6, n_voltages=61)
    fp = write_operating_point(value, switching="fp", **kw)
    tab = write_operating_point(value, switching="table", **kw)
    assert fp.switching_source == "fp" and tab.switching_source == "table"
    assert fp.feasible and tab.feasible and fp.pulse_width == tab.pulse_width == t
    # the FP write's WER at its far-row current lies in the table's interval there
    q = table.query(["wer_ci_low", "wer_ci_high"], current=SIGN[fp.direction] *
                    fp.details["current"], pulse_width=t, direction=fp.direction)
    assert q["wer_ci_low"] <= fp.error_rate <= q["wer_ci_high"]
    # the voltages meeting the target then agree to the table's interpolation (~1e-4)
    assert fp.voltage == pytest.approx(tab.voltage, rel=5e-4)
    # energy: the table's mean switching time is a 2000-trajectory mean (SE ~1 % of t_sw,
    # t_sw well below t here); the rest is the same network
    assert fp.energy == pytest.approx(tab.energy, rel=1e-2)


def _mc_table(tmp_path):
    """A small Monte Carlo table of the default device: a 0.1 ns rise time takes it outside
    the FP equation (rectangular pulses only), so its WER is counted, floor 0.5 / trials."""
    from llg.tables import build_table, load_config

    cfg = tmp_path / "mc.toml"
    cfg.write_text('[table]\nname = "mc"\ndevice = "default"\ndirections = ["P-AP"]\n'
                   f'trials = {TRIALS}\nseed = 3\ndt = 1e-12\nrise = 1e-10\n'
                   '[axes.current]\nvalues = [60e-6, 100e-6]\n'
                   '[axes.pulse_width]\nvalues = [5e-9, 10e-9]\n')
    out = tmp_path / "mc.h5"
    summary = build_table(load_config(cfg), out, workers=1, progress=False)
    assert summary["wer_solver"] == "monte-carlo"
    return out


def test_fp_write_reaches_rare_event_wer_a_monte_carlo_table_cannot(tmp_path):
    from circuits import write_operating_point

    kw = dict(value=1, rows=16, n_voltages=41)
    mc = write_operating_point(table=_mc_table(tmp_path), target_error=1e-6, **kw)
    assert not mc.feasible and mc.error_rate >= 0.5 / TRIALS * (1 - 1e-9)
    fp = write_operating_point(switching="fp", target_error=1e-20, **kw)
    assert fp.feasible and 0 < fp.error_rate <= 1e-20
    # the FP source's pulses reach past the table's 30 ns: the least-energy 1e-20 write
    # uses a longer pulse at a lower current than any the shipped table can offer
    tab = write_operating_point(switching="table", target_error=1e-20, **kw)
    assert fp.pulse_width > open_table("default").axes["pulse_width"].values[-1]
    assert fp.energy < tab.energy


def test_write_takes_the_gates_source_options():
    """Circuit-side what-ifs and the transistor width reach the write, and bad choices are
    refused with one line."""
    from circuits import write_operating_point
    from llg.errors import ParameterError

    kw = dict(value=0, rows=16, n_voltages=41, pulse_widths=[1e-8])
    base = write_operating_point(**kw)
    assert base.switching_source == "fp" and base.details["pulse_range"] == [1e-9, 1e-6]
    wide = write_operating_point(transistor_width=4 * 180e-9, **kw)
    assert wide.voltage < base.voltage          # a wider transistor drops less voltage
    ra = write_operating_point(circuit_overrides={"RA": 1e-11}, **kw)
    assert ra.voltage > base.voltage            # a larger MTJ resistance needs more voltage
    with pytest.raises(ParameterError, match="circuit_overrides"):
        write_operating_point(circuit_overrides={"alpha": 0.02}, **kw)
    with pytest.raises(ParameterError, match="switching"):
        write_operating_point(switching="llg", **kw)
    with pytest.raises(ParameterError, match="pulse_range"):
        write_operating_point(0, switching="table", pulse_range=(1e-9, 1e-6))
    assert np.isfinite(base.energy)
