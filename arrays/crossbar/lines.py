"""IR drop on the crossbar's lines: the effective conductance matrix of a resistive crossbar.

Network (Kirchhoff's current law at every node, as in :mod:`circuits.network`): row line i is
driven at its column-0 end by the input voltage V_i through ``r_driver + r_row``; along the
row, segments of ``r_row`` (one column pitch) join its nodes r(i, j); along column j,
segments of ``r_col`` (one row pitch) join the nodes c(i, j), and the sense amplifier holds
the far end (past row R-1) at virtual ground through one more ``r_col``; cell (i, j) joins
r(i, j) and c(i, j) with its chord conductance ``g[i, j]`` (:mod:`arrays.crossbar.cells`).

The network is linear, so the column currents are ``I = G_eff^T V`` for an effective
(R, C) matrix that equals ``g`` with ideal lines. One sparse LU factorisation of the
2RC x 2RC nodal matrix (scipy SuperLU) and R right-hand sides (unit voltage on one row)
give ``G_eff`` and the input admittance ``Y`` (R, R; row source currents ``I_src = Y V``,
so the power drawn is ``V^T Y V``). Why not :func:`circuits.network.solve`: it solves a
block-diagonal batch afresh on every Newton step; here the factorisation is shared by all R
excitations and all later inputs. The tests check this solver against
:func:`circuits.network.solve` (non-linear MTJ and transistor) and against the closed-form
ladder below.

Closed form (one row, ideal column lines, N equal cells g, segment r, driver segment r):
``V_{k+1} - (2 + r g) V_k + V_{k-1} = 0`` with ``V_N = V_{N-1}`` (open end) and ``V_{-1} =
V_s`` gives ``V_k = V_s cosh(lam (k - N + 1/2)) / cosh(lam (N + 1/2))``, ``cosh lam = 1 +
r g / 2``, and a total current ``I = (V_s / r) (1 - cosh(lam (N - 1/2)) / cosh(lam (N +
1/2)))``.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from circuits.elements import check_resistance
from llg.errors import ParameterError


def effective_conductance(g, r_row: float, r_col: float, r_driver: float = 0.0):
    """(G_eff (R, C), Y (R, R)) in S for cell conductances ``g`` (R, C) (module doc).

    r_row, r_col : line resistance per cell segment (ohm); r_driver : row-driver output
    resistance (ohm). All zero: ideal lines, ``G_eff = g`` and ``Y = diag(g.sum(1))``.
    """
    g = np.asarray(g, dtype=float)
    if g.ndim != 2 or g.size == 0:
        raise ParameterError(f"cell conductances must be a non-empty (rows, cols) array; got "
                             f"shape {g.shape}")
    if not np.all(np.isfinite(g)) or np.any(g < 0):
        raise ParameterError(f"cell conductance {float(g[~(np.isfinite(g) & (g >= 0))][0])!r} "
                             "S is invalid; valid range: 0 <= g < inf S (a negative "
                             "conductance is not physical)")
    r_row = check_resistance("r_row", r_row)
    r_col = check_resistance("r_col", r_col)
    r_driver = check_resistance("r_driver", r_driver)
    R, C = g.shape
    if r_row == 0.0 and r_col == 0.0 and r_driver == 0.0:
        return g.copy(), np.diag(g.sum(axis=1))
    if r_row + r_driver == 0.0 or r_col == 0.0:
        raise ParameterError("IR drop needs r_col > 0 and r_row + r_driver > 0 (or all zero "
                             "for ideal lines)")
    if r_row == 0.0:
        r_row = 1e-9 * r_col            # a short along the row; keeps the matrix regular
    n = R * C
    rid = np.arange(n).reshape(R, C)          # row-line nodes
    cid = n + rid                             # column-line nodes
    ia, ib, gv = [], [], []

    def branch(a, b, gg):
        ia.append(a.ravel()); ib.append(b.ravel())
        gv.append(np.broadcast_to(gg, a.shape).ravel())

    branch(rid[:, :-1], rid[:, 1:], 1.0 / r_row)
    branch(cid[:-1, :], cid[1:, :], 1.0 / r_col)
    branch(rid, cid, g)
    a, b, gg = np.concatenate(ia), np.concatenate(ib), np.concatenate(gv)
    diag = np.zeros(2 * n)
    np.add.at(diag, a, gg)
    np.add.at(diag, b, gg)
    g_drv = 1.0 / (r_driver + r_row)
    g_sense = 1.0 / r_col
    diag[rid[:, 0]] += g_drv                  # to the driver (a fixed source)
    diag[cid[-1, :]] += g_sense               # to virtual ground
    K = sp.coo_matrix((np.concatenate([-gg, -gg, diag]),
                       (np.concatenate([a, b, np.arange(2 * n)]),
                        np.concatenate([b, a, np.arange(2 * n)]))),
                      shape=(2 * n, 2 * n)).tocsc()
    rhs = np.zeros((2 * n, R))
    rhs[rid[:, 0], np.arange(R)] = g_drv      # unit voltage on row k, one column per k
    v = spla.splu(K).solve(rhs)               # (2n, R)
    g_eff = (v[cid[-1, :], :] * g_sense).T    # (R, C): column currents per unit row voltage
    Y = g_drv * (np.eye(R) - v[rid[:, 0], :])  # source currents (R, R)
    return g_eff, Y


def ladder_current(n: int, g: float, r: float, v_s: float = 1.0) -> float:
    """Closed-form current (A) drawn by a line of ``n`` equal shunts ``g`` (S) with segments
    ``r`` (ohm) and a driver segment ``r``, driven at ``v_s`` (V) (module doc)."""
    if r == 0.0:
        return n * g * v_s
    lam = math.acosh(1.0 + r * g / 2.0)
    return v_s / r * (1.0 - math.cosh(lam * (n - 0.5)) / math.cosh(lam * (n + 0.5)))


def reference_netlist(mtj, transistor, rows: int, cols: int, r_row: float, r_col: float):
    """The crossbar as a :mod:`circuits.network` netlist, for checking the fast solver.

    Source ``V{i}`` drives row i through ``r_row`` per cell; each cell is ``transistor`` then
    ``mtj`` from its row node to its column node; columns run through ``r_col`` per cell to
    ground. MTJs are added row by row (so per-MTJ states are ``cos.ravel()``). Returns the
    circuit and the node of each column's last cell (its current is ``V_node / r_col``).
    """
    from circuits.network import Circuit

    c = Circuit()
    gnd = c.node("gnd")
    c.ground(gnd)
    row_nodes = [[c.node() for _ in range(cols)] for _ in range(rows)]
    col_nodes = [[c.node() for _ in range(cols)] for _ in range(rows)]
    for i in range(rows):
        src = c.node(f"V{i}")
        c.source(src, f"V{i}")
        c.resistor(src, row_nodes[i][0], r_row)
        for j in range(cols - 1):
            c.resistor(row_nodes[i][j], row_nodes[i][j + 1], r_row)
    for j in range(cols):
        for i in range(rows - 1):
            c.resistor(col_nodes[i][j], col_nodes[i + 1][j], r_col)
        c.resistor(col_nodes[rows - 1][j], gnd, r_col)
    for i in range(rows):
        for j in range(cols):
            mid = c.node()
            c.transistor(row_nodes[i][j], mid, transistor)
            c.mtj(mid, col_nodes[i][j], mtj)
    return c, [col_nodes[rows - 1][j] for j in range(cols)]
