"""The digits network on analog crossbars, the CLI and its bad-input errors."""
import json
import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from arrays.crossbar import CrossbarConfig, run_crossbar
from arrays.crossbar import analog
from arrays.crossbar.cards import load_adc
from arrays.crossbar.cells import chord_conductance
from arrays.crossbar.lines import effective_conductance
from llg.errors import ParameterError


def test_ideal_crossbar_reproduces_the_digital_bnn():
    """Ideal devices, lines and readout: the analog MVM is x @ w exactly, so every label equals
    the integer XNOR-popcount network's."""
    r = run_crossbar(ideal_devices=True, adc_bits=None, variation=False)
    assert r.agreement == 1.0
    assert r.accuracy == r.reference_accuracy


def test_layer_sums_equal_matrix_product_with_real_cells_and_no_lines():
    """Real MTJ + transistor cells (any dG) but ideal lines, no variation, no ADC: the decoded
    partial sums are the exact integer matrix product."""
    cfg = CrossbarConfig(adc_bits=None, variation=False, ir_drop=False, rows=16,
                         read_noise=False).validated()
    ctx = analog._context(cfg)
    model = analog.trained_model()
    x = analog.digits_data()[1]
    w1 = (2.0 * model.w1 - 1).T
    tiles = analog._build_tiles(ctx, w1, np.random.default_rng(0), 0.0)
    np.testing.assert_allclose(analog._layer_forward(ctx, tiles, x, w1.shape[1]), x @ w1,
                               atol=1e-9)


def test_default_run_itemized_energy_and_ir_drop_trend():
    small = run_crossbar(rows=16, adc_bits=6)
    big = run_crossbar(rows=64, adc_bits=6)
    for r in (small, big):
        assert set(r.energy) == {"array", "adc", "drivers", "data_movement", "digital"}
        assert r.energy_total == pytest.approx(sum(r.energy.values()), rel=1e-9)
        assert all(v > 0 for v in r.energy.values())
        assert 0.0 <= r.accuracy <= 1.0
    assert big.ir_drop["layer1"] > small.ir_drop["layer1"]
    # one conversion per output per row tile: 64-128-10 layers cut into 16- or 64-row tiles
    assert small.conversions == 4 * 128 + 8 * 10 and big.conversions == 1 * 128 + 2 * 10
    # ADC energy = conversions x E(6 bits)
    e6 = load_adc("sar_survey")["adc.walden_fom"] * 64
    assert big.energy["adc"] == pytest.approx(big.conversions * e6, rel=1e-9)


def test_array_energy_is_joule_heat_of_ideal_cells():
    """Without lines the array energy of one activation is sum_i V^2 x_i sum_j G_ij t."""
    cfg = CrossbarConfig(adc_bits=4, variation=False, ir_drop=False, rows=64).validated()
    ctx = analog._context(cfg)
    model = analog.trained_model()
    x = analog.digits_data()[1]
    w1 = (2.0 * model.w1 - 1).T
    tiles = analog._build_tiles(ctx, w1, np.random.default_rng(0), 0.0)
    e, _ = analog._energy(ctx, [(tiles, x)], 0)
    t = ctx.card["read.pulse_width"]
    expect = sum(np.mean(x[:, tl.row_slice] @ tl.g.sum(axis=1)) for tl in tiles) \
        * ctx.v_read ** 2 * t
    assert e["array"] == pytest.approx(expect, rel=1e-12)


@pytest.mark.parametrize("changes, words", [
    ({"workload": "mnist"}, ["workload", "mnist", "digits"]),
    ({"adc_bits": 0}, ["adc_bits", "bits", "1 <= adc_bits <= 14"]),
    ({"adc_bits": 15}, ["adc_bits", "14"]),
    ({"rows": 15}, ["rows", "even"]),
    ({"tmr": -0.5}, ["tmr"]),
    ({"full_scale": "auto"}, ["full_scale", "calibrated"]),
])
def test_bad_config_is_a_clear_parameter_error(changes, words):
    with pytest.raises(ParameterError) as exc:
        CrossbarConfig(**changes).validated()
    for w in words:
        assert w in str(exc.value)


def test_negative_conductance_is_refused():
    with pytest.raises(ParameterError, match="negative conductance"):
        effective_conductance(np.array([[1e-4, -1e-4]]), 0.7, 0.5)
    from circuits.elements import MTJElement, TransistorElement
    el = MTJElement(1e-4, 1.0, 0.5)
    with pytest.raises(ParameterError, match="g_p"):
        chord_conductance(np.array([-1e-4]), 1.0, 0.1, el, TransistorElement("ideal", 0.0))


def test_adc_card_without_source_is_refused(tmp_path):
    body = {"walden_fom": '{ value = 5e-15, unit = "J", source = "survey" }',
            "schreier_fom": '{ value = 175.0, unit = "dB", source = "survey" }',
            "conversion_time": '{ value = 1e-8, unit = "s", source = "assumption: x" }',
            "min_bits": '{ value = 1, unit = "1", source = "assumption: x" }',
            "max_bits": '{ value = 14, unit = "1", source = "assumption: x" }'}

    def card(**override):
        b = {**body, **override}
        return ('name = "t"\n[adc]\n' + "".join(f"{k} = {v}\n" for k, v in b.items())
                + '[driver]\nefficiency = { value = 1.0, unit = "1", source = "assumption" }\n')

    p = tmp_path / "card.toml"
    p.write_text(card())
    assert load_adc(p)["adc.walden_fom"] == 5e-15
    p.write_text(card(walden_fom='{ value = 5e-15, unit = "J" }'))
    with pytest.raises(ParameterError, match="walden_fom has no source"):
        load_adc(p)
    p.write_text(card(schreier_fom="175.0"))
    with pytest.raises(ParameterError, match="bare value"):
        load_adc(p)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", "crossbar", *args],
                          capture_output=True, text=True)


def test_cli_json_and_errors():
    p = _cli("--workload", "digits", "--rows", "32", "--adc-bits", "5", "--tmr", "2", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["config"]["rows"] == 32 and out["config"]["adc_bits"] == 5
    assert out["operating_point"]["tmr0"] == 2.0
    assert out["energy_total"] == pytest.approx(sum(out["energy"].values()), rel=1e-9)
    for args, word in ((("--adc-bits", "20"), "adc_bits"), (("--workload", "cifar"), "workload"),
                       (("--rows", "7"), "rows")):
        p = _cli(*args)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and word in lines[0], p.stderr


def test_report_section_quick(tmp_path, monkeypatch):
    from arrays.crossbar import report as crossbar_report
    from arrays.crossbar.report import report_section

    runs = {}                 # the second call (no figures) reuses the first call's runs

    def cached(config=None, **kw):
        key = repr((config, sorted(kw.items())))
        if key not in runs:
            runs[key] = run_crossbar(config, **kw)
        return runs[key]

    monkeypatch.setattr(crossbar_report, "run_crossbar", cached)
    md, data = report_section(tmp_path, quick=True)
    json.dumps(data)
    for name in data["figures"].values():
        assert (tmp_path / name).stat().st_size > 0 and f"]({name})" in md
    assert "Jung et al." in md and data["jung_2022"]["hardware_accuracy"] == 0.9323
    acc = [r["accuracy"] for r in data["by_array_size"]]
    ir = [r["ir_loss_layer1"] for r in data["by_array_size"]]
    assert all(b > a for a, b in zip(ir, ir[1:]))
    assert all(0 <= a <= 1 for a in acc)
    md2, _ = report_section(None, quick=True)
    assert "![" not in md2


def test_gain_trim_reduces_ir_drop_error():
    """The least-squares gain per pair removes the mean IR-drop attenuation: the decoded sums
    of unseen (test) images move closer to the exact product x @ w."""
    model = analog.trained_model()
    x_tr, x_te = analog.digits_data()[:2]
    w1 = (2.0 * model.w1 - 1).T
    err = {}
    for trim in (False, True):
        cfg = CrossbarConfig(rows=64, adc_bits=None, variation=False,
                             gain_trim=trim).validated()
        ctx = analog._context(cfg)
        tiles = analog._build_tiles(ctx, w1, np.random.default_rng(0), 0.0)
        analog._calibrate(ctx, tiles, x_tr)
        s = analog._layer_forward(ctx, tiles, x_te, w1.shape[1])
        err[trim] = float(np.sqrt(np.mean((s - x_te @ w1) ** 2)))
    assert err[True] < 0.7 * err[False], err


def test_read_noise_matches_johnson_plus_shot():
    """Injected noise: the variance of a time-averaged white-noise current over t is
    S / t with the two-sided densities 2 k_B T G (Johnson) and q I (shot); checked to 5
    standard errors of a sample variance (sqrt(2 / n))."""
    from llg.constants import E_CHARGE, K_B

    g, v, t, T = 2e-3, 0.05, 1e-8, 300.0
    expect = math.sqrt((2 * K_B * T * g + E_CHARGE * g * v) / t)
    assert analog.read_noise_sigma(g, v, t, T) == pytest.approx(expect, rel=1e-12)
    cfg = CrossbarConfig(adc_bits=None, variation=False, ir_drop=False, rows=32,
                         read_voltage=0.01).validated()
    quiet = analog._context(replace(cfg, read_noise=False))
    noisy = analog._context(cfg)
    model = analog.trained_model()
    x = analog.digits_data()[1]
    w1 = (2.0 * model.w1 - 1).T
    tiles = analog._build_tiles(quiet, w1, np.random.default_rng(0), 0.0)
    d = analog._layer_currents(noisy, tiles, x)[0] - analog._layer_currents(quiet, tiles, x)[0]
    xt = x[:, tiles[0].row_slice].astype(float)
    sig = analog.read_noise_sigma(xt @ tiles[0].g, 0.01, quiet.card["read.pulse_width"], T)
    z = d / np.sqrt(sig[:, 0::2] ** 2 + sig[:, 1::2] ** 2)
    assert np.var(z) == pytest.approx(1.0, abs=5 * math.sqrt(2 / z.size))
