"""Device model: derived quantities against hand-computed formulas, and bad input."""
import math

import pytest

from llg import ParameterError, load_device
from llg.constants import E_CHARGE, HBAR, K_B, MU0
from llg.device import Device, available_devices, device_from_dict, parameter_table


def test_shipped_devices_load_and_cite_sources():
    names = available_devices()
    assert {"default", "low-delta-fast", "high-retention"} <= set(names)
    for n in names:
        d = load_device(n)
        assert len(d.source) > 40, f"{n} needs a literature source"


def test_derived_quantities_match_closed_forms(default_device):
    d = default_device
    area = math.pi * 45e-9 ** 2 / 4
    vol = area * 1.1e-9
    assert d.volume == pytest.approx(vol, rel=1e-12)
    delta = MU0 * 1.1e6 * 2.2e5 * vol / (2 * K_B * 300)
    assert d.delta == pytest.approx(delta, rel=1e-12)
    # Ic0 = 2 e alpha mu0 Ms Hk V / (hbar eta) = 4 e alpha kT Delta / (hbar eta)
    ic0 = 2 * E_CHARGE * 0.01 * MU0 * 1.1e6 * 2.2e5 * vol / (HBAR * 0.6)
    assert d.ic0 == pytest.approx(ic0, rel=1e-12)
    assert d.ic0 == pytest.approx(4 * E_CHARGE * 0.01 * K_B * 300 * delta / (HBAR * 0.6),
                                  rel=1e-12)
    assert d.jc0 == pytest.approx(ic0 / area, rel=1e-12)
    assert d.r_p == pytest.approx(5e-12 / area, rel=1e-12)
    assert d.r_ap == pytest.approx(2.5 * 5e-12 / area, rel=1e-12)
    assert d.tmr(0.5) == pytest.approx(0.75)


def test_in_plane_critical_current_includes_half_demag(default_device):
    # Classic in-plane result (Sun 2000): Ic0 ~ alpha (Hk + Ms/2) for a thin film (Nz = 1).
    d = default_device.with_(geometry="in-plane", Hk_eff=2e4, demag_factors=(0.0, 0.0, 1.0))
    assert d.ic0 * d.stt_field_per_ampere == pytest.approx(0.01 * (2e4 + 1.1e6 / 2), rel=1e-12)
    assert d.anisotropy_field_total == pytest.approx(2e4)


def test_temperature_scaling_is_identity_at_file_temperature(default_device):
    d = default_device.at_temperature(300.0)
    assert d.Ms == pytest.approx(default_device.Ms) and d.Hk_eff == pytest.approx(2.2e5)
    hot = default_device.at_temperature(400.0)
    assert hot.delta < default_device.delta * 300 / 400  # Ms and Hk both fall


@pytest.mark.parametrize("key,value,fragment", [
    ("alpha", -0.1, "alpha = -0.1"),
    ("alpha", 0.0, "0 < alpha"),
    ("diameter", 0.0, "diameter = 0.0 m"),
    ("temperature", -1.0, "temperature = -1.0 K"),
    ("Ms", "big", "expected a number in A/m"),
    ("geometry", "diagonal", "perpendicular"),
])
def test_bad_values_name_parameter_value_unit_range(default_device, key, value, fragment):
    with pytest.raises(ParameterError) as exc:
        default_device.with_(**{key: value})
    assert fragment in str(exc.value)


def test_misspelled_and_missing_keys(default_device):
    values = default_device.to_dict()
    values["alhpa"] = values.pop("alpha")
    with pytest.raises(ParameterError, match="did you mean 'alpha'"):
        device_from_dict(values)
    values.pop("alhpa")
    with pytest.raises(ParameterError, match="missing required parameter.*alpha"):
        device_from_dict(values)


def test_bad_toml_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("name = 'x'\ndiameter = \n")
    with pytest.raises(ParameterError, match="not valid TOML"):
        load_device(p)


def test_parameter_table_declares_every_field():
    rows = parameter_table()
    names = {r["name"] for r in rows}
    assert {"diameter", "Ms", "Hk_eff", "alpha", "RA", "TMR0", "V_half"} <= names
    assert all(r["description"] for r in rows)
    assert len(rows) == len(Device.__dataclass_fields__)
