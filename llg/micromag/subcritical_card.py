"""The micromagnetic sub-critical card: written by ``cramsim micromag subcritical``, read by
the gate layer's ``--subcritical micromag`` (SI units).

``data/micromag/subcritical_<device>.toml`` holds the fitted law (:mod:`.subcritical`) with
its inputs, uncertainties, seed, cramsim version and command, and Delta_eff(diameter) of the
device's material by the string method. :func:`subcritical_inputs` turns it into the
activation model's inputs for a device of that material: the exponent b, the attempt time
(the fitted tau0 / tau_D times the device's own tau_D), Delta_eff at the device's diameter
(the string-method saddle energy interpolated in log-log, over k_B T), the mechanism and the
regime (below / above the crossover diameter).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ..constants import K_B
from ..device import Device
from ..errors import ParameterError

#: Material keys a device must share with the card (relative tolerance below).
MATERIAL_KEYS = ("Ms", "Hk_eff", "A_ex", "free_layer_thickness", "polarization")
_MATERIAL_RTOL = 1e-9
KIND = "micromag-subcritical"


def card_path(device_name: str) -> Path:
    """The shipped card of a device: data/micromag/subcritical_<name>.toml."""
    from ..paths import data_dir

    return data_dir() / "micromag" / f"subcritical_{device_name}.toml"


def load_card(path) -> dict:
    """Read a card (ParameterError naming the file if missing, malformed or of another kind)."""
    from ..paths import read_toml

    path = Path(path)
    if not path.is_file():
        name = path.stem.removeprefix("subcritical_")
        raise ParameterError(f"micromag sub-critical card {str(path)!r} not found; write it "
                             f"with cramsim micromag subcritical --device {name} --out {path}")
    card = read_toml(path, "micromag sub-critical card")
    missing = [k for k in ("kind", "material", "law", "delta_eff_curve", "reduced_device",
                           "ensembles", "macrospin_limit")
               if k not in card]
    if card.get("kind") != KIND or missing:
        raise ParameterError(f"micromag sub-critical card {path}: not a {KIND} card "
                             f"(missing {', '.join(missing) or 'kind'})")
    return card


def check_material(device: Device, card: dict, where: str) -> None:
    """The device must be of the card's material (MATERIAL_KEYS) at its temperature."""
    mat = card["material"]
    for key in MATERIAL_KEYS + ("temperature",):
        v, ref = getattr(device, key), mat[key]
        if v is None or not math.isclose(v, ref, rel_tol=_MATERIAL_RTOL):
            raise ParameterError(f"{key} = {v} of device {device.name!r} differs from the "
                                 f"micromag card {where} ({ref:g}): the card's law and "
                                 "Delta_eff(diameter) hold for its own material only")


def delta_eff_at(card: dict, diameter: float, temperature: float) -> tuple:
    """(Delta_eff, mechanism) at ``diameter`` (m) from the card's string-method curve."""
    c = card["delta_eff_curve"]
    d, e = np.asarray(c["diameter"], float), np.asarray(c["energy"], float)
    if not d[0] * (1 - 1e-9) <= diameter <= d[-1] * (1 + 1e-9):
        raise ParameterError(f"diameter = {diameter:g} m is outside the micromag card's "
                             f"Delta_eff curve [{d[0]:g}, {d[-1]:g}] m")
    energy = float(np.exp(np.interp(math.log(diameter), np.log(d), np.log(e))))
    mech = c["mechanism"][int(np.abs(np.log(d / diameter)).argmin())]
    return energy / (K_B * temperature), mech


def subcritical_inputs(device: Device, card=None) -> dict:
    """The activation model's inputs for ``device`` from a micromag card (a path or a loaded
    dict; default: the shipped ``data/micromag/subcritical_<device>.toml``).

    Returns exponent (b), exponent_se, attempt_time (s), ln_attempt_time_se, delta_eff,
    delta_macrospin, mechanism, regime ("coherent" below the crossover diameter, "domain
    wall" above), crossover_diameter (m), law_diameter (m, the disk the law was fitted on),
    extrapolated (True when the device is in another regime than that disk), fp_exponent and
    fp_attempt_time (s; the same fit to the macrospin Fokker-Planck times),
    escape_ratio_to_fp (measured / FP escape time at each ensemble current), limit_max_abs_z
    (the one-cell check's largest deviation, sigma), source.
    """
    if isinstance(card, dict):
        where = card.get("path", "(in memory)")
    else:
        where = str(card_path(device.name) if card is None else card)
        card = load_card(where)
    check_material(device, card, where)
    law, curve = card["law"], card["delta_eff_curve"]
    delta_eff, mech = delta_eff_at(card, device.diameter, device.temperature)
    d_c = float(curve["crossover_diameter"])
    regime = "domain wall" if device.diameter > d_c else "coherent"
    law_d = float(card["reduced_device"]["diameter"])
    return {"exponent": law["exponent"], "exponent_se": law["exponent_se"],
            "attempt_time": law["attempt_time_over_tau_d"] * device.tau_d,
            "ln_attempt_time_se": law["ln_attempt_time_se"],
            "delta_eff": delta_eff, "delta_macrospin": device.delta, "mechanism": mech,
            "regime": regime, "crossover_diameter": d_c, "law_diameter": law_d,
            "extrapolated": regime != ("domain wall" if law_d > d_c else "coherent"),
            "fp_exponent": law["fp_exponent"],
            "escape_ratio_to_fp": [t / f for t, f in zip(card["ensembles"]["tau"],
                                                         card["ensembles"]["fp_tau"])],
            "limit_max_abs_z": card["macrospin_limit"]["max_abs_z"],
            "fp_attempt_time": law["fp_attempt_time_over_tau_d"] * device.tau_d,
            "source": f"micromagnetic Monte Carlo fit, {where} ({card.get('command', '')})"}


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string (same escapes)
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


def render_card(card: dict, units: dict) -> str:
    """TOML text of a card: top-level scalars, then one table per dict; ``units`` maps
    "table.key" (or "key") to the unit written as a trailing comment."""
    lines = ["# Micromagnetic sub-critical switching law (llg/micromag/subcritical.py).",
             "# Written by `cramsim micromag subcritical`; regenerate, do not edit. SI units.",
             ""]

    def emit(prefix, d):
        for k, v in d.items():
            if not isinstance(v, dict):
                u = units.get(f"{prefix}{k}", "")
                lines.append(f"{k} = {_toml_value(v)}" + (f"  # {u}" if u else ""))

    emit("", card)
    for name, table in card.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]"]
            emit(f"{name}.", table)
    return "\n".join(lines) + "\n"


def write_card(card: dict, units: dict, path) -> Path:
    """Write the card atomically, after checking that its text parses."""
    from ..outputs import write_text_atomic
    from ..paths import parse_toml

    text = render_card(card, units)
    parse_toml(text, f"card {path}")  # fail before writing anything
    return write_text_atomic(path, text)
