"""Physical constants used throughout cramsim, SI units, one declaration each.

Values are CODATA 2018 (exact where the 2019 SI redefinition fixes them). The electron
gyromagnetic ratio is taken positive: |gamma_e| = 1.76086e11 rad/(s T), so a field B makes the
moment precess at angular frequency gamma * B (field in tesla) = gamma * mu0 * H (H in A/m).
"""
from __future__ import annotations

import math

#: Electron gyromagnetic ratio magnitude, rad/(s T). CODATA 2018: 1.76085963023e11.
GAMMA_E = 1.76085963023e11
#: Vacuum permeability, T m / A (H/m). CODATA 2018: 1.25663706212e-6.
MU0 = 1.25663706212e-6
#: Elementary charge, C (exact).
E_CHARGE = 1.602176634e-19
#: Reduced Planck constant, J s (exact h / 2 pi).
HBAR = 6.62607015e-34 / (2.0 * math.pi)
#: Boltzmann constant, J/K (exact).
K_B = 1.380649e-23
