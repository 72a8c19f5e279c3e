"""ADC quantizer: a uniform mid-tread converter over a symmetric full scale +-FS (A).

B >= 2 bits: the 2^B - 1 odd-symmetric levels ``k LSB``, ``|k| <= 2^(B-1) - 1``,
``LSB = FS / (2^(B-1) - 1)`` (one code is left unused, the price of an exact zero level, so a
balanced differential pair reads 0). Inside +-FS the error is at most LSB/2; outside it
saturates at +-FS. B = 1 is a comparator (sense amplifier): +-FS/2 by sign.
"""
from __future__ import annotations

import numpy as np

from llg.errors import ParameterError


def quantize(current, full_scale: float, bits: int) -> np.ndarray:
    """Quantized currents (A) of ``current`` (A) for a ``bits``-bit ADC spanning +-full_scale.

    bits >= 2: mid-tread, ``2^bits - 1`` levels ``k LSB``, ``LSB = 2 FS / (2^bits - 2)``,
    ``|k| <= 2^(bits-1) - 1`` (the code 2^bits - 1 is unused, the usual price of a zero level).
    bits == 1: a comparator, output +-FS/2 by sign (zero maps to +FS/2).
    """
    i = np.asarray(current, dtype=float)
    if not (full_scale > 0 and np.isfinite(full_scale)):
        raise ParameterError(f"ADC full scale = {full_scale!r} A must be > 0")
    if int(bits) != bits or not 1 <= bits <= 24:
        raise ParameterError(f"adc_bits = {bits!r} bits must be an integer in 1..24")
    if bits == 1:
        return np.where(i >= 0, 0.5, -0.5) * full_scale
    kmax = 2 ** (bits - 1) - 1
    lsb = full_scale / kmax
    return np.clip(np.rint(i / lsb), -kmax, kmax) * lsb


def lsb(full_scale: float, bits: int) -> float:
    """The quantization step (A) of :func:`quantize` (bits >= 2)."""
    return full_scale / (2 ** (bits - 1) - 1) if bits >= 2 else full_scale
