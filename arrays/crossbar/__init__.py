"""Analog MTJ crossbar multiply-accumulate (issue 7, first section).

Modules, one job each: :mod:`.cards` (sourced ADC/driver and crossbar cards), :mod:`.cells`
(cell chord conductance, variation, differential weights), :mod:`.lines` (IR drop: effective
conductance matrix by nodal analysis, closed-form ladder), :mod:`.adc` (quantizer),
:mod:`.disturb` (read disturb from the switching table), :mod:`.analog` (the digits network
on tiles, accuracy and energy per inference), :mod:`.report` (its section of ``cramsim
report``), :mod:`.cli` (``cramsim crossbar``). Uses :mod:`arrays.energy` cards and the
:mod:`arrays.sim` BNN; never imports :mod:`arrays.study`.

>>> from arrays.crossbar import run_crossbar                           # doctest: +SKIP
>>> r = run_crossbar(rows=64, adc_bits=6)                              # doctest: +SKIP
>>> r.accuracy, r.energy_total                                         # doctest: +SKIP
"""
from llg.lazy import lazy_exports

# imported on first use (scipy, the tables, the numba kernels)
__getattr__, __dir__ = lazy_exports(__name__, {
    ".analog": ["CrossbarConfig", "CrossbarResult", "run_crossbar"],
})

__all__ = ["CrossbarConfig", "CrossbarResult", "run_crossbar"]
