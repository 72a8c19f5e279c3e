"""Technology cards (data/memtech): every number sourced; MRAM's taken from our layers."""
import math

import pytest

from arrays.study.memtech import (MEMTECH_DECLARED, TECHNOLOGIES, MramContext, load_all,
                                  load_memtech, overlap_error)
from llg.errors import ParameterError
from llg.paths import data_dir


@pytest.fixture(scope="module")
def cards():
    return load_all()


def _card_text(name):
    return (data_dir() / "memtech" / f"{name}.toml").read_text()


def _drop_source(text, key):
    """The card text with ``source = "..."`` removed from entry ``key``."""
    import re
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"{key} = "))
    lines[i], n = re.subn(r',? *source = "[^"]*"', "", lines[i])
    assert n == 1 and "source" not in lines[i], "test setup: no source to remove"
    return "\n".join(lines)


def test_card_with_missing_source_is_refused(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(_drop_source(_card_text("reram"), "endurance"))
    with pytest.raises(ParameterError, match="endurance has no source"):
        load_memtech(p)


def test_reference_with_missing_source_is_refused(tmp_path):
    """A 'from' reference to our own layers still needs its source."""
    p = tmp_path / "bad_mram.toml"
    p.write_text(_drop_source(_card_text("mram"), "write_energy"))
    with pytest.raises(ParameterError, match="write_energy has no source"):
        load_memtech(p)


def test_unknown_reference_and_missing_entry_refused(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text(_card_text("mram").replace('from = "device.retention"', 'from = "device.nope"'))
    with pytest.raises(ParameterError, match="not a known reference"):
        load_memtech(p)
    lines = [ln for ln in _card_text("pcm").splitlines() if not ln.startswith("variation")]
    p.write_text("\n".join(lines))
    with pytest.raises(ParameterError, match="missing entries"):
        load_memtech(p)


def test_every_card_complete_and_sourced(cards):
    assert list(cards) == list(TECHNOLOGIES)
    for name, c in cards.items():
        keys = {(s["key"].split(".")[0], s["key"].split(".")[1]) for s in c.sources()}
        assert keys == set(MEMTECH_DECLARED), name
        for s in c.sources():
            assert s["source"].strip(), (name, s["key"])
            assert math.isfinite(s["value"])


def test_mram_numbers_come_from_our_layers(cards):
    """on/off = R_AP/R_P = 1 + TMR0 of the device card; retention = tau_0 exp(Delta);
    writes = the circuits write operating points (not numbers copied into the card)."""
    from llg.device import load_device
    from llg.retention import attempt_time

    m = cards["mram"]
    dev = load_device("default")
    assert m["cell.on_off_ratio"] == pytest.approx(1.0 + dev.TMR0, rel=1e-12)
    assert m["cell.retention"] == pytest.approx(
        attempt_time(dev.delta, dev.tau_d) * math.exp(dev.delta), rel=1e-12)
    ctx = MramContext()
    w = ctx.resolved_costs().writes
    assert m["cell.write_energy"] == pytest.approx(0.5 * (w[0].energy + w[1].energy), rel=1e-9)
    assert m["cell.write_error"] == pytest.approx(max(w[0].error, w[1].error), rel=1e-9)
    assert "value taken from circuits.write_energy" in m.item("cell.write_energy").note
    # a what-if device changes the referenced on/off ratio, as a reference must
    m3 = load_memtech("mram", MramContext(device=dev.with_(TMR0=3.0), costs=ctx.costs))
    assert m3["cell.on_off_ratio"] == pytest.approx(4.0, rel=1e-9)


def test_overlap_error_formula_and_cards(cards):
    # Phi(-2) = 0.02275 (standard normal table): r = e^2 -> ln r / 2 = 1 with sigma = 0.5
    assert overlap_error(math.exp(2.0), 0.5) == pytest.approx(0.0227501319, rel=1e-8)
    for name in ("reram", "pcm"):
        c = cards[name]
        want = overlap_error(c["cell.on_off_ratio"], c["cell.variation"])
        assert c["cell.write_error"] == pytest.approx(want, rel=0.01), name


def test_unknown_card_name_lists_shipped():
    with pytest.raises(ParameterError, match="shipped: .*reram"):
        load_memtech("rerram")
