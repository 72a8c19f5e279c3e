"""Read disturb: the chance that a read current switches a cell within the read pulse.

The switching table (:mod:`llg.tables`) gives P_sw(I, t_pulse) from the stochastic LLG
(Monte Carlo, with a 95 % Wilson interval) and the write error rate WER = 1 - P_sw from the
Fokker-Planck solver, which resolves probabilities far below the Monte Carlo floor of
1/trials. The read disturb probability of a cell is therefore taken as ``1 - WER`` (FP)
at its read current, next to the Monte Carlo value and its upper bound.

Direction: the row drivers push current from the row line through the cell into the
column, the MTJ's positive (AP -> P) stack sense, so AP cells can be disturbed towards P and
P cells are only stabilised. Below the table's lowest current the edge value is held
(P_sw grows with |I|, so that is an upper bound) and the result is flagged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ReadDisturb:
    """Per-read disturb probability of an AP cell at a read current (SI)."""

    current: float                 # A, worst (largest) AP-cell read current
    pulse_width: float             # s
    p_fp: float                    # 1 - WER (Fokker-Planck)
    p_mc: float                    # Monte Carlo P_sw
    p_mc_high: float               # its 95 % upper bound
    below_grid: bool               # the current lies below the table: values are bounds

    def as_dict(self) -> dict:
        return {"current_A": self.current, "pulse_width_s": self.pulse_width,
                "p_disturb_fp": self.p_fp, "p_disturb_mc": self.p_mc,
                "p_disturb_mc_ci_high": self.p_mc_high, "upper_bound_only": self.below_grid}


def read_disturb(table, current: float, pulse_width: float) -> ReadDisturb:
    """Disturb probability of an AP cell read at ``current`` (A) for ``pulse_width`` (s)."""
    lo = float(table.axes["current"].values[0])
    q = table.query(["wer", "p_switch", "p_switch_ci_high"], current=abs(current),
                    pulse_width=pulse_width, extrapolate=True)
    p_fp = float(np.clip(1.0 - q["wer"], 0.0, 1.0))
    return ReadDisturb(abs(current), pulse_width, p_fp, float(q["p_switch"]),
                       float(q["p_switch_ci_high"]), abs(current) < lo)
