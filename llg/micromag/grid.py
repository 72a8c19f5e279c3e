"""The finite-difference grid: cell sizes, cell counts and the geometry mask (SI units).

Cells are rectangular, ``dx x dy x dz`` metres, indexed ``[k, j, i]`` (z, y, x) with cell
centres at ``((i + 1/2) dx, (j + 1/2) dy, (k + 1/2) dz)``. A boolean mask marks magnetic cells;
empty cells carry no moment. Disks and ellipses take a cell as magnetic when its centre lies
inside the shape (the staircase approximation).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, check_range

#: Bytes the solver holds per padded grid cell (m, fields, FFT buffers, 6 kernel spectra,
#: Heun stages; float64 / complex128), used by :meth:`Grid.memory_estimate`.
BYTES_PER_PADDED_CELL = 8 * 40
#: Largest solver memory accepted by default, bytes (the CI machines have a few GiB).
DEFAULT_MEMORY_LIMIT = 4 * 2 ** 30


@dataclass(frozen=True)
class Grid:
    """A regular grid of ``nx x ny x nz`` cells of ``dx x dy x dz`` m with a magnetic mask."""

    nx: int
    ny: int
    nz: int
    dx: float
    dy: float
    dz: float
    mask: np.ndarray  # (nz, ny, nx) bool

    def __post_init__(self):
        for name in ("nx", "ny", "nz"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise ParameterError(f"{name} = {v!r} cells is invalid; valid range: integer >= 1")
        for name in ("dx", "dy", "dz"):
            check_range(name, getattr(self, name), "m", 1e-11, 1e-6, what="cell size")
        mask = np.ascontiguousarray(self.mask, dtype=bool)
        if mask.shape != (self.nz, self.ny, self.nx):
            raise ParameterError(f"mask shape {mask.shape} does not match the grid "
                                 f"(nz, ny, nx) = {(self.nz, self.ny, self.nx)}")
        if not mask.any():
            raise ParameterError("mask = empty: the geometry has no magnetic cell; valid: at "
                                 "least 1 cell (enlarge the shape or reduce the cell size)")
        object.__setattr__(self, "mask", mask)

    @property
    def shape(self) -> tuple:
        """(nz, ny, nx)."""
        return (self.nz, self.ny, self.nx)

    @property
    def cell_volume(self) -> float:
        """Volume of one cell, m^3."""
        return self.dx * self.dy * self.dz

    @property
    def n_cells(self) -> int:
        """Number of magnetic cells."""
        return int(self.mask.sum())

    @property
    def volume(self) -> float:
        """Magnetic volume, m^3 (cells in the mask times the cell volume)."""
        return self.n_cells * self.cell_volume

    @property
    def thickness(self) -> float:
        """Film thickness nz dz, m."""
        return self.nz * self.dz

    def memory_estimate(self) -> int:
        """Bytes the solver needs for this grid (zero-padded FFT grid dominates)."""
        padded = (2 * self.nx) * (2 * self.ny) * (2 * self.nz if self.nz > 1 else 1)
        return BYTES_PER_PADDED_CELL * padded

    def check_memory(self, limit: int = DEFAULT_MEMORY_LIMIT) -> None:
        """Refuse grids whose solver would not fit in ``limit`` bytes."""
        need = self.memory_estimate()
        if need > limit:
            raise ParameterError(
                f"grid = {self.nx} x {self.ny} x {self.nz} cells needs ~{need / 2**30:.2f} GiB "
                f"(estimate) is invalid; valid range: <= {limit / 2**30:.2f} GiB (use larger "
                f"cells or a smaller geometry)")

    def check_cells(self, exchange_length: float) -> None:
        """Refuse cells larger than the exchange length (m): the FD model would be wrong."""
        big = max(self.dx, self.dy, self.dz)
        if big > exchange_length:
            raise ParameterError(
                f"cell = {big:.3g} m is invalid (largest cell edge); valid range: <= exchange "
                f"length {exchange_length:.3g} m (sqrt(2 A_ex / (mu0 Ms^2)) or, if shorter, "
                f"the length sqrt(A_ex / K_u))")


def _counts(extent: float, cell: float, name: str) -> int:
    check_range(name, cell, "m", 1e-11, 1e-6, what="cell size")
    n = int(round(extent / cell))
    return max(n, 1)


def _planar_mask(nx, ny, nz, dx, dy, inside) -> np.ndarray:
    x = (np.arange(nx) + 0.5) * dx - nx * dx / 2
    y = (np.arange(ny) + 0.5) * dy - ny * dy / 2
    X, Y = np.meshgrid(x, y)
    return np.broadcast_to(inside(X, Y), (nz, ny, nx)).copy()


def rectangle(lx: float, ly: float, thickness: float, cell: float,
              cell_z: float | None = None) -> Grid:
    """A full rectangle ``lx x ly x thickness`` m of cells about ``cell`` m wide."""
    nx, ny = _counts(lx, cell, "cell"), _counts(ly, cell, "cell")
    nz = _counts(thickness, cell_z or thickness, "cell_z")
    return Grid(nx, ny, nz, lx / nx, ly / ny, thickness / nz, np.ones((nz, ny, nx), bool))


def ellipse(lx: float, ly: float, thickness: float, cell: float,
            cell_z: float | None = None) -> Grid:
    """An elliptical film with axes ``lx``, ``ly`` (m): cells whose centre is inside."""
    nx, ny = _counts(lx, cell, "cell"), _counts(ly, cell, "cell")
    nz = _counts(thickness, cell_z or thickness, "cell_z")
    dx, dy = lx / nx, ly / ny
    mask = _planar_mask(nx, ny, nz, dx, dy,
                        lambda X, Y: (2 * X / lx) ** 2 + (2 * Y / ly) ** 2 <= 1.0)
    return Grid(nx, ny, nz, dx, dy, thickness / nz, mask)


def disk(diameter: float, thickness: float, cell: float, cell_z: float | None = None) -> Grid:
    """A circular disk of ``diameter`` (m), one or a few cells through ``thickness`` (m)."""
    return ellipse(diameter, diameter, thickness, cell, cell_z)


def exchange_length(A_ex: float, Ms: float) -> float:
    """Magnetostatic exchange length sqrt(2 A_ex / (mu0 Ms^2)), m."""
    from ..constants import MU0

    return math.sqrt(2.0 * A_ex / (MU0 * Ms ** 2))
