"""Preset writes of a swept device from the Fokker-Planck source (SI units).

``circuits.write_operating_point`` reads its switching statistics from a switching table
(``data/tables/<device>.h5``), which a swept device does not have. This module runs the same
write model (:class:`circuits.write._WriteModel`: worst-case far row, the others in P; energy
per cell from the source power over the mean switching time) against the FP source of the
gates (:func:`circuits.fpsource.fp_source`): per pulse width of the FP grid, the voltages on a
grid from the source's smallest to its largest current; the point of least energy per cell
with WER <= target, else the point of least WER (``feasible`` False).
"""
from __future__ import annotations

import numpy as np

from arrays.energy.costs import WriteCost


def fp_write_cost(value: int, device, technology, rows: int, target_error: float, src,
                  n_voltages: int = 81):
    """(WriteCost, feasible, reason) of a preset to ``value`` (0: P, 1: AP) with FP source
    ``src``; ``technology`` a :class:`circuits.technology.Technology` (width applied)."""
    from circuits.write import _electrical, _terms, _WriteModel

    m = _WriteModel(value, device, technology, rows)
    i_lo, i_hi = src.current_range
    v_lo, v_hi = m.voltage_for_current(i_lo), m.voltage_for_current(i_hi)
    if not np.isfinite(v_lo):
        return None, False, f"write {value}: the far row stays below {i_lo:g} A (IR drop)"
    v_hi = v_hi if np.isfinite(v_hi) else 10.0
    el = _electrical(m, np.linspace(v_lo, v_hi, n_voltages))
    best, closest = None, None
    for t in src.pulse_widths:
        terms = _terms(m, src, el, float(t))
        err = np.where(terms["supported"], terms["wer"], np.inf)
        j = int(np.argmin(err))
        if closest is None or err[j] < closest[0]:
            closest = (float(err[j]), float(t), j, float(terms["energy"][j]))
        ok = np.nonzero(err <= target_error)[0]
        if ok.size:
            k = int(ok[np.argmin(terms["energy"][ok])])
            if best is None or terms["energy"][k] < best[3]:
                best = (float(err[k]), float(t), k, float(terms["energy"][k]))
    feasible = best is not None
    err, t, j, energy = best if feasible else closest
    reason = (f"write {value}: least energy with WER <= {target_error:g}" if feasible else
              f"write {value}: no (V, t) reaches WER <= {target_error:g}; best {err:.3g}")
    cost = WriteCost(int(value), energy, err, t + m.settle_time(), float(el["v"][j]),
                     f"arrays.explore.writes.fp_write_cost (FP source, {rows} rows)")
    return cost, feasible, reason
