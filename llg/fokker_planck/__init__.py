"""Write error rate of the axially symmetric macrospin from its 1-D Fokker-Planck equation.

Monte Carlo cannot reach a WER of 1e-9 (it needs ~1e11 trajectories); the Fokker-Planck (FP)
equation for the distribution of ``u = cos(theta) = m . z`` gives it directly. One job per
module (each module's docstring carries its part of the derivation):

* :mod:`.model` -- the reduced equation ``dp/ds = d/du {D(u) [dp/du - Phi'(u) p]}`` of a
  device, and the check that the device satisfies its assumptions;
* :mod:`.discretization` -- conservative finite volumes with exact discrete equilibrium, and
  the operator's slowest decay rates (Sturm bisection);
* :mod:`.propagation` -- time stepping, exact for the semi-discrete system (uniformization);
* :mod:`.forward` -- WER after a rectangular pulse on n and 2n cells, Richardson error control;
* :mod:`.circuit` -- a voltage drive through a series resistance: state-dependent current;
* :mod:`.inverse` -- the pulse width or the current for a target WER;
* :mod:`.spectrum` -- relaxation and escape rates (Brown, Neel-Brown comparisons).

Analytic closed forms (Butler et al. 2012, Sun 2000) live in :mod:`llg.wer_analytic`.

Conventions: P = m along +z; WER = probability that, at the end (after the optional
relaxation), m is on the starting side of the equator u = 0.
"""
# the private helpers are re-exported too, so every name importable from the former
# single module still is
from .circuit import mtj_current, voltage_potential, voltage_switching
from .discretization import _GAUSS, Grid, Operator, _sturm_count, _sturm_eigenvalue
from .forward import (SwitchingResult, WERResult, _relaxation_default, _richardson_log,
                      _Solver, default_cells, resolve_direction, solve_pair,
                      switching_probabilities, wer_reduced, write_error_rate)
from .inverse import (TargetResult, _width_on_grid, check_target, current_for_wer,
                      pulse_width_for_wer)
from .model import DIRECTIONS, FLOOR, ReducedModel, check_fp_device
from .propagation import (_C_WIN, _LOG_EPS, _TAIL_DECAY, MAX_STEPS, _check_work, _diag,
                          _forward_functional, _forward_functionals, _step_adjoint,
                          _step_forward, _vector, _window, propagate_adjoint,
                          propagate_functional, propagate_functionals)
from .spectrum import escape_time_reduced, relaxation_rate

__all__ = ["DIRECTIONS", "FLOOR", "MAX_STEPS", "Grid", "Operator", "ReducedModel",
           "SwitchingResult", "TargetResult", "WERResult", "check_fp_device", "check_target",
           "current_for_wer", "default_cells", "escape_time_reduced", "mtj_current",
           "propagate_adjoint", "propagate_functional", "propagate_functionals",
           "pulse_width_for_wer", "relaxation_rate", "resolve_direction", "solve_pair",
           "switching_probabilities", "voltage_potential", "voltage_switching",
           "wer_reduced", "write_error_rate"]
