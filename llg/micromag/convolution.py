"""Demagnetizing field by FFT convolution with the Newell tensor on a zero-padded grid.

``H_d(r_i) = -Ms sum_j N(r_i - r_j) m_j`` (A/m) over the magnetic cells. The tensor is tabulated
for every displacement of the grid, stored with wrap-around on a grid of twice the size along
each axis with more than one cell (so the cyclic convolution equals the linear one), and
transformed once; each field evaluation is then 3 forward and 3 inverse real FFTs
(scipy.fft) and a 3 x 3 complex product per frequency.
"""
from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from . import demag
from .grid import Grid


def _offsets(n: int, d: float, padded: int) -> np.ndarray:
    """Displacement (m) stored at each index of a padded axis (wrap-around, n-1 each side)."""
    idx = np.arange(padded)
    off = np.where(idx < n, idx, idx - padded).astype(float)
    off[(idx >= n) & (idx <= padded - n)] = np.nan  # unused middle (never multiplies m)
    return off * d


class DemagField:
    """The demag operator of one grid: ``field(m) -> H_d`` in A/m for Ms in A/m."""

    def __init__(self, grid: Grid, Ms: float, workers: int = 1):
        self.grid = grid
        self.Ms = Ms
        self.workers = workers
        nz, ny, nx = grid.shape
        self.padded = tuple(2 * n if n > 1 else 1 for n in (nz, ny, nx))
        pz, py, px = self.padded
        Z, Y, X = np.meshgrid(_offsets(nz, grid.dz, pz), _offsets(ny, grid.dy, py),
                              _offsets(nx, grid.dx, px), indexing="ij")
        used = ~(np.isnan(X) | np.isnan(Y) | np.isnan(Z))
        spectra = {}
        for comp in demag.COMPONENTS:
            k = np.zeros(self.padded)
            k[used] = demag.tensor_component(comp, X[used], Y[used], Z[used],
                                             grid.dx, grid.dy, grid.dz)
            spectra[comp] = sfft.rfftn(k, workers=workers)
        self._k = spectra
        self._mask = grid.mask.astype(float)

    def field(self, m: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """H_d (..., 3, nz, ny, nx), A/m, for unit vectors m (..., 3, nz, ny, nx) (zero off
        the mask); leading axes are an ensemble of independent systems, transformed at once."""
        nz, ny, nx = self.grid.shape
        # one batched transform of the three components over the spatial axes
        axes = (-2, -1) if nz == 1 else (-3, -2, -1)
        s = self.padded[-len(axes):]
        mf = sfft.rfftn(m * self._mask, s=s, axes=axes, workers=self.workers)
        k = self._k
        h = np.empty_like(mf)
        x, y, z = (mf[..., c, :, :, :] for c in range(3))  # the component axis is -4
        h[..., 0, :, :, :] = k["xx"] * x + k["xy"] * y + k["xz"] * z
        h[..., 1, :, :, :] = k["xy"] * x + k["yy"] * y + k["yz"] * z
        h[..., 2, :, :, :] = k["xz"] * x + k["yz"] * y + k["zz"] * z
        full = sfft.irfftn(h, s=s, axes=axes, workers=self.workers)
        if out is None:
            out = np.empty(m.shape)
        np.multiply(full[..., :nz, :ny, :nx] if nz > 1 else full[..., :ny, :nx],
                    -self.Ms * self._mask, out=out)
        return out

    def average_factors(self) -> np.ndarray:
        """Volume-averaged demagnetizing factors (Nxx, Nyy, Nzz) of the whole masked body."""
        out = np.empty(3)
        for c in range(3):
            m = np.zeros((3,) + self.grid.shape)
            m[c] = 1.0
            h = self.field(m)
            out[c] = -h[c][self.grid.mask].mean() / self.Ms
        return out
