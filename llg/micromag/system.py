"""A micromagnetic system: grid, material, terms; its effective field and energy (SI)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..constants import GAMMA_E, MU0
from ..errors import check_range
from . import kernels as K
from .convolution import DemagField
from .grid import Grid
from .terms import Exchange, Slonczewski, ThermalField, UniaxialAnisotropy, Zeeman


@dataclass
class System:
    """Grid + Ms (A/m) + alpha + the terms; ``demag=False`` drops the magnetostatic field."""

    grid: Grid
    Ms: float
    alpha: float
    exchange: Exchange | None = None
    anisotropy: UniaxialAnisotropy | None = None
    zeeman: Zeeman = field(default_factory=Zeeman)
    stt: Slonczewski = field(default_factory=Slonczewski)
    thermal: ThermalField = field(default_factory=ThermalField)
    demag: bool = True
    workers: int = 1

    def __post_init__(self):
        check_range("Ms", self.Ms, "A/m", 1e3, 1e7, what="saturation magnetization")
        check_range("alpha", self.alpha, "1", 0.0, 10.0, what="Gilbert damping")
        self.grid.check_memory()
        self._demag = DemagField(self.grid, self.Ms, self.workers) if self.demag else None
        self._zero = np.zeros((3,) + self.grid.shape)

    def with_(self, **changes) -> "System":
        """A copy with some terms changed, sharing the (expensive) demag operator."""
        new = object.__new__(System)
        new.__dict__.update(self.__dict__)
        for k, v in changes.items():
            setattr(new, k, v)
        return new

    def pack(self, precess: bool = True) -> np.ndarray:
        """The kernel parameter vector for the current terms."""
        P = np.zeros(K.N_PARAMS)
        P[K.P_U + 2] = 1.0
        P[K.P_P + 2] = 1.0
        for term in (self.exchange, self.anisotropy, self.zeeman, self.stt):
            if term is not None:
                term.pack(P, self.Ms, self.grid)
        P[K.P_ALPHA] = self.alpha
        P[K.P_GAMMA] = GAMMA_E * MU0 / (1.0 + self.alpha ** 2)
        P[K.P_PRECESS] = 1.0 if precess else 0.0
        return P

    def demag_field(self, m) -> np.ndarray:
        """H_d (3, nz, ny, nx), A/m (zero if demag is off)."""
        return self._demag.field(m) if self._demag is not None else self._zero

    def field(self, m, P=None, hth=None) -> np.ndarray:
        """Total effective field (3, nz, ny, nx), A/m (thermal field hth added if given)."""
        P = self.pack() if P is None else P
        H = np.empty_like(m)
        K.effective_field(m, self.demag_field(m), self._zero if hth is None else hth,
                          self.grid.mask, P, H)
        return H

    def energy_terms(self, m) -> dict:
        """Energy of each conservative term, J (numpy reference implementation)."""
        g = self.grid
        out = {}
        if self.exchange is not None:
            out["exchange"] = self.exchange.energy(m, g, self.Ms)
        if self.anisotropy is not None:
            out["anisotropy"] = self.anisotropy.energy(m, g, self.Ms)
        out["zeeman"] = self.zeeman.energy(m, g, self.Ms)
        if self._demag is not None:
            hd = self._demag.field(m)
            out["demag"] = -0.5 * MU0 * self.Ms * g.cell_volume * (m * hd).sum(axis=0)[g.mask].sum()
        return out

    def energy(self, m) -> float:
        """Total energy, J."""
        return float(sum(self.energy_terms(m).values()))

    def uniform(self, direction) -> np.ndarray:
        """A uniform state along ``direction`` (zero off the mask)."""
        d = np.asarray(direction, float)
        m = np.zeros((3,) + self.grid.shape)
        for c in range(3):
            m[c][self.grid.mask] = d[c] / np.linalg.norm(d)
        return m

    def average(self, m) -> np.ndarray:
        """Volume-averaged magnetization <m> over the magnetic cells (3,)."""
        return np.array([m[c][self.grid.mask].mean() for c in range(3)])
