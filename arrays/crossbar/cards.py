"""Sourced numbers of the analog crossbar: ADC/driver cards (data/adc) and the crossbar
operating-point card (data/crossbar), loaded with the project's card loader
(:mod:`arrays.energy.techdata`: every number ``{value, unit, source}``, a bare or unsourced number is
refused, naming file and key).

ADC energy per conversion at ``B`` bits (J)::

    E(B) = max(FOM_W 2^B, E_th(B)),      E_th(B) = 10^((SNDR(B) - FOM_S) / 10) / 2,
    SNDR(B) = 6.02 B + 1.76 dB

FOM_W is Walden's figure of merit (J per conversion step, E = P / (f_s 2^ENOB)); FOM_S is
Schreier's (dB, FOM_S = SNDR + 10 log10(f_s / (2 P)) at Nyquist), whose envelope is the
thermal-noise wall where E grows 4x per bit (Murmann, ADC Performance Survey 1997-2024).
"""
from __future__ import annotations

from llg.errors import ParameterError, check_range

from ..energy.techdata import DataCard, load_card

ADC_DECLARED = {
    ("adc", "walden_fom"): ("J", 1e-18, 1e-11, "Walden FOM, energy per conversion step"),
    ("adc", "schreier_fom"): ("dB", 120.0, 200.0, "Schreier FOM (SNDR-based)"),
    ("adc", "conversion_time"): ("s", 1e-12, 1e-3, "time of one conversion"),
    ("adc", "min_bits"): ("1", 1, 16, "lowest resolution the model accepts"),
    ("adc", "max_bits"): ("1", 1, 24, "highest resolution the model accepts"),
    ("driver", "efficiency"): ("1", 0.01, 1.0, "row-driver efficiency (C V^2 / energy drawn)"),
}

CROSSBAR_DECLARED = {
    ("read", "voltage"): ("V", 1e-3, 1.0, "read voltage on an active row line"),
    ("read", "pulse_width"): ("s", 1e-11, 1e-5, "duration of the read (current held)"),
    ("variation", "sigma_ra_rel"): ("1", 0.0, 0.25, "relative sigma of RA, cell to cell"),
    ("variation", "sigma_diameter_rel"): ("1", 0.0, 0.25,
                                          "relative sigma of the MTJ diameter, cell to cell"),
    ("movement", "digital_distance"): ("m", 0.0, 1e-2,
                                       "wire length a bit travels to/from a tile's edge"),
}


def load_adc(name_or_path="sar_survey") -> DataCard:
    """An ADC/driver card from data/adc (name or TOML path)."""
    card = load_card("adc", name_or_path, ADC_DECLARED)
    if card["adc.min_bits"] > card["adc.max_bits"]:
        raise ParameterError(f"adc card {card.name!r}: min_bits > max_bits")
    return card


def load_crossbar_card(name_or_path="mram_45nm") -> DataCard:
    """A crossbar operating-point card from data/crossbar (name or TOML path)."""
    return load_card("crossbar", name_or_path, CROSSBAR_DECLARED)


def check_adc_bits(card: DataCard, bits) -> int:
    """Validate an ADC resolution against the card's range; returns it as int."""
    lo, hi = int(card["adc.min_bits"]), int(card["adc.max_bits"])
    b = check_range("adc_bits", bits, "bits", lo, hi, what="ADC resolution")
    if b != int(b):
        raise ParameterError(f"adc_bits = {bits!r} bits must be an integer in {lo}..{hi}")
    return int(b)


def adc_energy(card: DataCard, bits) -> float:
    """Energy of one conversion at ``bits`` resolution, J (module docstring)."""
    b = check_adc_bits(card, bits)
    walden = card["adc.walden_fom"] * 2.0 ** b
    sndr = 6.02 * b + 1.76
    thermal = 0.5 * 10.0 ** ((sndr - card["adc.schreier_fom"]) / 10.0)
    return max(walden, thermal)


def schreier_to_energy(card: DataCard, bits: int) -> float:
    """The thermal-limit term alone, J (for plots and tests)."""
    return 0.5 * 10.0 ** ((6.02 * bits + 1.76 - card["adc.schreier_fom"]) / 10.0)


__all__ = ["ADC_DECLARED", "CROSSBAR_DECLARED", "load_adc", "load_crossbar_card",
           "check_adc_bits", "adc_energy", "schreier_to_energy"]
