"""The Newell-Williams-Dunlop cell-averaged demagnetizing tensor (dimensionless).

For two rectangular cells of size ``dx x dy x dz`` whose centres are displaced by
``(X, Y, Z)``, the cell-averaged field of the source cell at the target cell is
``H = -N(X, Y, Z) M`` exactly (no point-dipole approximation). Newell, Williams & Dunlop,
J. Geophys. Res. 98, 9551 (1993), eqs. (27)-(28) and (30)-(32), write N as a sixth-order
finite difference of two scalar functions: with the 1-D operator
``D_h u(s) = 2 u(s) - u(s + h) - u(s - h)`` (the double box average),

    N_xx(X, Y, Z) = D_dx D_dy D_dz f(X, Y, Z) / (4 pi dx dy dz)
    N_xy(X, Y, Z) = D_dx D_dy D_dz g(X, Y, Z) / (4 pi dx dy dz)

and the other components by permuting axes. The differences cancel ~(d/R)^6 of f, so far
from the source (R > FAR_CELLS cell edges) the tensor is the point-dipole tensor averaged
over the triangular (box * box) distribution of displacements, by Gauss-Legendre quadrature:
its error there is ~(d/R)^4 relative, below the rounding error of the exact formula.
"""
from __future__ import annotations

import math

import numpy as np

#: Beyond this distance, in largest cell edges, use the averaged dipole instead of Newell.
FAR_CELLS = 16.0


def _asinh_ratio(a, b2):
    """asinh(a / sqrt(b2)), 0 where b2 = 0 (the terms it multiplies vanish there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.arcsinh(a / np.sqrt(b2))
    return np.where(b2 > 0, out, 0.0)


def _atan_ratio(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.arctan(num / den)
    return np.where(den != 0, out, 0.0)


def newell_f(x, y, z):
    """Newell's f(x, y, z) (a length cubed); even in every argument."""
    x, y, z = np.abs(x), np.abs(y), np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    R = np.sqrt(x2 + y2 + z2)
    return (0.5 * y * (z2 - x2) * _asinh_ratio(y, x2 + z2)
            + 0.5 * z * (y2 - x2) * _asinh_ratio(z, x2 + y2)
            - x * y * z * _atan_ratio(y * z, x * R)
            + (2 * x2 - y2 - z2) * R / 6.0)


def newell_g(x, y, z):
    """Newell's g(x, y, z): odd in x and y, even in z."""
    z = np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    R = np.sqrt(x2 + y2 + z2)
    return (x * y * z * _asinh_ratio(z, x2 + y2)
            + y / 6.0 * (3 * z2 - y2) * _asinh_ratio(x, y2 + z2)
            + x / 6.0 * (3 * z2 - x2) * _asinh_ratio(y, x2 + z2)
            - z2 * z / 6.0 * _atan_ratio(x * y, z * R)
            - z * y2 / 2.0 * _atan_ratio(x * z, y * R)
            - z * x2 / 2.0 * _atan_ratio(y * z, x * R)
            - x * y * R / 3.0)


_W = {-1: -1.0, 0: 2.0, 1: -1.0}


def _difference(fun, X, Y, Z, dx, dy, dz):
    acc = 0.0
    for i in (-1, 0, 1):
        for j in (-1, 0, 1):
            for k in (-1, 0, 1):
                acc = acc + _W[i] * _W[j] * _W[k] * fun(X + i * dx, Y + j * dy, Z + k * dz)
    return acc / (4.0 * math.pi * dx * dy * dz)


def newell_nxx(X, Y, Z, dx, dy, dz):
    """Exact cell-averaged N_xx for displacement (X, Y, Z) m and cell (dx, dy, dz) m."""
    return _difference(newell_f, X, Y, Z, dx, dy, dz)


def newell_nxy(X, Y, Z, dx, dy, dz):
    """Exact cell-averaged N_xy for displacement (X, Y, Z) m and cell (dx, dy, dz) m."""
    return _difference(newell_g, X, Y, Z, dx, dy, dz)


def _tent_nodes(h, n=3):
    """Nodes and weights integrating over the triangle density (h - |s|)/h^2 on [-h, h]."""
    t, w = np.polynomial.legendre.leggauss(n)
    s = 0.5 * h * (t + 1.0)  # nodes on [0, h]
    ws = 0.5 * h * w * (h - s) / h ** 2
    return np.concatenate([-s[::-1], s]), np.concatenate([ws[::-1], ws])


def dipole_average(X, Y, Z, dx, dy, dz, comp: str):
    """Cell-averaged tensor component ``comp`` ('xx', 'xy', ...) from the point dipole."""
    a, b = "xyz".index(comp[0]), "xyz".index(comp[1])
    X, Y, Z = (np.asarray(v, dtype=float) for v in (X, Y, Z))
    out = np.zeros(np.broadcast(X, Y, Z).shape)
    vol = dx * dy * dz
    nodes = [_tent_nodes(h) for h in (dx, dy, dz)]
    for sx, wx in zip(*nodes[0]):
        for sy, wy in zip(*nodes[1]):
            for sz, wz in zip(*nodes[2]):
                r = (X + sx, Y + sy, Z + sz)
                r2 = r[0] ** 2 + r[1] ** 2 + r[2] ** 2
                term = 3.0 * r[a] * r[b] / r2 ** 2.5
                if a == b:
                    term = term - 1.0 / r2 ** 1.5
                out += wx * wy * wz * term
    return -vol / (4.0 * math.pi) * out


_PERM = {  # component -> (order of (X, Y, Z) and of (dx, dy, dz)), diagonal?
    "xx": ((0, 1, 2), True), "yy": ((1, 0, 2), True), "zz": ((2, 1, 0), True),
    "xy": ((0, 1, 2), False), "xz": ((0, 2, 1), False), "yz": ((1, 2, 0), False),
}
COMPONENTS = ("xx", "yy", "zz", "xy", "xz", "yz")


def tensor_component(comp: str, X, Y, Z, dx, dy, dz, far_cells: float = FAR_CELLS):
    """N_comp (dimensionless) for displacement arrays X, Y, Z (m); Newell near, dipole far."""
    X, Y, Z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (X, Y, Z)))
    order, diag = _PERM[comp]
    P = (X, Y, Z)
    D = (dx, dy, dz)
    args = [P[o] for o in order] + [D[o] for o in order]
    R = np.sqrt(X ** 2 + Y ** 2 + Z ** 2)
    far = R > far_cells * max(dx, dy, dz)
    out = np.empty(X.shape)
    near = ~far
    if near.any():
        a = [v[near] for v in args[:3]] + args[3:]
        out[near] = (newell_nxx if diag else newell_nxy)(*a)
    if far.any():
        out[far] = dipole_average(X[far], Y[far], Z[far], dx, dy, dz, comp)
    return out


def self_demag(dx: float, dy: float, dz: float) -> np.ndarray:
    """Demagnetizing factors (Nxx, Nyy, Nzz) of one rectangular cell (a uniform prism)."""
    z = np.zeros(1)
    return np.array([tensor_component(c, z, z, z, dx, dy, dz)[0] for c in ("xx", "yy", "zz")])


def aharoni_nz(a: float, b: float, c: float) -> float:
    """Aharoni's demagnetizing factor D_z of a prism with edges 2a, 2b, 2c (along x, y, z).

    A. Aharoni, J. Appl. Phys. 83, 3432 (1998), eq. (1); an independent closed form used to
    check the Newell tensor (the self term of a single cell is the prism's factor).
    """
    r = math.sqrt(a * a + b * b + c * c)
    ab, bc, ac = math.hypot(a, b), math.hypot(b, c), math.hypot(a, c)
    s = ((b * b - c * c) / (2 * b * c) * math.log((r - a) / (r + a))
         + (a * a - c * c) / (2 * a * c) * math.log((r - b) / (r + b))
         + b / (2 * c) * math.log((ab + a) / (ab - a))
         + a / (2 * c) * math.log((ab + b) / (ab - b))
         + c / (2 * a) * math.log((bc - b) / (bc + b))
         + c / (2 * b) * math.log((ac - a) / (ac + a))
         + 2 * math.atan(a * b / (c * r))
         + (a ** 3 + b ** 3 - 2 * c ** 3) / (3 * a * b * c)
         + (a * a + b * b - 2 * c * c) / (3 * a * b * c) * r
         + c / (a * b) * (ac + bc)
         - (ab ** 3 + bc ** 3 + ac ** 3) / (3 * a * b * c))
    return s / math.pi
