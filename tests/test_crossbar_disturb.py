"""Read disturb of crossbar cells from the switching table, and its injection."""
import pytest

from arrays.crossbar import run_crossbar
from arrays.crossbar.disturb import read_disturb
from llg.tables import open_table


@pytest.fixture(scope="module")
def table():
    return open_table("default")


def test_disturb_grows_with_read_current_and_pulse_width(table):
    """Sub-critical switching is thermally activated: the probability rises with |I| and
    with the time the current is applied (Koch, Katine & Sun, PRL 92, 088302 (2004))."""
    by_i = [read_disturb(table, i, 10e-9).p_fp for i in (14e-6, 20e-6, 27e-6)]
    by_t = [read_disturb(table, 20e-6, t).p_fp for t in (2e-9, 5e-9, 20e-9)]
    assert all(b > a for a, b in zip(by_i, by_i[1:])), by_i
    assert all(b > a for a, b in zip(by_t, by_t[1:])), by_t
    assert all(0.0 <= p < 1.0 for p in by_i + by_t)


def test_below_the_table_the_edge_value_is_an_upper_bound(table):
    lo = float(table.axes["current"].values[0])
    low = read_disturb(table, 0.5 * lo, 10e-9)
    edge = read_disturb(table, lo, 10e-9)
    assert low.below_grid and not edge.below_grid
    assert low.p_fp == pytest.approx(edge.p_fp)


def test_injected_flips_follow_the_per_read_probability():
    base = dict(rows=32, adc_bits=None, variation=False, ir_drop=False, read_noise=False)
    r = run_crossbar(disturb_reads=10 ** 6, **base)
    p = r.read_disturb["p_disturb_fp"]
    assert r.read_disturb["injected_flip_probability"] == pytest.approx(1 - (1 - p) ** 10 ** 6)
    # after 50/p reads (flip probability 1 - e^-50) every AP cell is P: both cells of a pair
    # conduct alike, every pair signal vanishes and the network gives a constant output
    dead = run_crossbar(disturb_reads=int(50 / p), **base)
    assert dead.read_disturb["injected_flip_probability"] > 1 - 1e-12
    assert dead.accuracy < 0.2
