"""Nodal analysis of MTJ/transistor/wire networks with scipy.sparse, batched.

Kirchhoff's current law at every free node, ``sum_branches i_branch(V_a - V_b) = 0``, with
the node voltages of sources and ground fixed. Non-linear elements (bias-dependent MTJ,
saturating transistor) are handled by Newton's method on the whole batch: one sparse
block-diagonal Jacobian per iteration, solved with SuperLU (``scipy.sparse.linalg.spsolve``).
Every branch law is monotone (current increases with voltage), so the solution is unique;
the first Newton step from V = 0 is the linear (zero-bias) solution and steps after it are
limited to 0.25 V per node so the saturating transistor cannot throw the iterate far.

Batches: the topology is fixed; the MTJ states (cos theta) and source voltages vary per batch
member, so one call solves a network for many input patterns and voltages at once.

Two builders on top:

* :class:`Circuit` - a general netlist (resistors, MTJs, transistors, sources, ground); a
  zero resistance merges its two nodes, a negative one is refused.
* :func:`build_gate_network` - a CRAM gate, or a row-parallel step of ``rows`` gates: in
  every row the n input cells and the output cell are joined by that row's logic line (LL);
  the bit-select lines (BSL) of the input columns are driven to V at row 0, the output
  column's BSL is grounded there, and every row hangs off those shared column lines, so the
  far rows see the IR drop of all the current drawn nearer the drivers (Zabihi et al., IEEE
  JXCDC 6, 71 (2020): the drop grows about quadratically with the row count).

Cell: ``BSL -- MTJ -- access transistor -- LL``. MTJ branch currents are reported in the
cell's stack sense, BSL -> transistor: inputs carry positive current, the output negative
(the current leaves the output into its grounded BSL), which is why the gate current pushes
the inputs the opposite way to the output (see :mod:`circuits.gates`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from llg.errors import ParameterError, check_int

from .elements import MTJElement, TransistorElement, check_resistance
from .gates import COS_OF_STATE, Gate, get_gate

#: Most rows a gate's network is solved for (the sparse solve's size stays bounded).
MAX_ROWS = 65536

_MAX_STEP = 0.25     # V, Newton step limit after the first (linear) step
_MAX_ITER = 60
_TOL_V = 1e-12       # V, absolute convergence on the node voltages


class Circuit:
    """A netlist of two-terminal branches between integer nodes (see module doc)."""

    def __init__(self):
        self._parent: list[int] = []
        self.names: list[str] = []
        self.resistors: list[tuple] = []     # (a, b, R)
        self.mtjs: list[tuple] = []          # (a, b, MTJElement)
        self.transistors: list[tuple] = []   # (a, b, TransistorElement)
        self.source_names: list[str] = []
        self._fixed: dict[int, int] = {}     # node -> source index, -1 = ground

    # -- building -----------------------------------------------------------------------
    def node(self, name: str = "") -> int:
        self._parent.append(len(self._parent))
        self.names.append(name or f"n{len(self._parent) - 1}")
        return len(self._parent) - 1

    def _root(self, n: int) -> int:
        while self._parent[n] != n:
            self._parent[n] = self._parent[self._parent[n]]
            n = self._parent[n]
        return n

    def short(self, a: int, b: int) -> None:
        """Join two nodes (an ideal wire)."""
        ra, rb = self._root(a), self._root(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def resistor(self, a: int, b: int, resistance, name: str = "resistance") -> None:
        """A linear resistor (ohm); zero merges the nodes, negative is refused."""
        r = check_resistance(name, resistance)
        if r == 0.0:
            self.short(a, b)
        else:
            self.resistors.append((a, b, r))

    def mtj(self, a: int, b: int, element: MTJElement) -> int:
        """An MTJ from a to b (stack sense); its state is given per solve. Returns its index."""
        self.mtjs.append((a, b, element))
        return len(self.mtjs) - 1

    def transistor(self, a: int, b: int, element: TransistorElement) -> None:
        if element.is_short:
            self.short(a, b)
        else:
            self.transistors.append((a, b, element))

    def source(self, node: int, name: str) -> int:
        """Hold ``node`` at the voltage of a new source; returns the source index."""
        self.source_names.append(name)
        self._fixed[node] = len(self.source_names) - 1
        return len(self.source_names) - 1

    def ground(self, node: int) -> None:
        self._fixed[node] = -1

    # -- compiled view --------------------------------------------------------------------
    def _compile(self):
        n = len(self._parent)
        roots = np.array([self._root(i) for i in range(n)], dtype=np.intp)
        fixed_root: dict[int, int] = {}
        for node, s in self._fixed.items():
            r = int(roots[node])
            if r in fixed_root and fixed_root[r] != s:
                a = "ground" if s < 0 else self.source_names[s]
                b = "ground" if fixed_root[r] < 0 else self.source_names[fixed_root[r]]
                raise ParameterError(f"the network shorts {a} to {b} through zero "
                                     "resistance; give the path a positive resistance")
            fixed_root[r] = s
        uniq = sorted(set(roots.tolist()))
        free = [r for r in uniq if r not in fixed_root]
        free_index = np.full(n, -1, dtype=np.intp)
        for k, r in enumerate(free):
            free_index[r] = k
        return roots, fixed_root, free_index, len(free)


@dataclass
class Solution:
    """Node voltages (V) and branch currents (A) of a batch of solved networks."""

    node_voltage: np.ndarray      # (B, n_nodes), V
    mtj_current: np.ndarray       # (B, n_mtj), A, a -> b (stack sense)
    mtj_voltage: np.ndarray       # (B, n_mtj), V
    transistor_current: np.ndarray
    resistor_current: np.ndarray
    transistor_voltage: np.ndarray
    resistor_voltage: np.ndarray
    source_current: np.ndarray    # (B, n_sources), A delivered into the network
    source_voltage: np.ndarray    # (B, n_sources), V
    iterations: int = 0

    @property
    def power(self) -> np.ndarray:
        """Power delivered by the sources, W: sum_s V_s I_s."""
        return np.sum(self.source_voltage * self.source_current, axis=-1)

    def dissipation(self) -> np.ndarray:
        """Power dissipated per element class, W, (B, 3): MTJs, transistors, resistors.

        Their sum equals :attr:`power` (Tellegen's theorem).
        """
        return np.stack([np.sum(self.mtj_voltage * self.mtj_current, axis=-1),
                         np.sum(self.transistor_voltage * self.transistor_current, axis=-1),
                         np.sum(self.resistor_voltage * self.resistor_current, axis=-1)],
                        axis=-1)


def _as_batch(x, width: int, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != width:
        raise ParameterError(f"{name} must have shape (batch, {width}); got {np.shape(x)}")
    if not np.all(np.isfinite(a)):
        raise ParameterError(f"{name} contains a non-finite value")
    return a


class _Structure:
    """The compiled topology of a circuit, reused by every solve of it (see :func:`solve`):
    root nodes, branch terminals, element groups, the KCL incidence, the Jacobian's sparsity
    and a bandwidth-reducing order of the free nodes (reverse Cuthill-McKee)."""

    def __init__(self, circuit: Circuit):
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        self.roots, self.fixed_root, self.free_index, self.U = circuit._compile()
        roots = self.roots

        def ends(lst):
            if not lst:
                return np.zeros(0, np.intp), np.zeros(0, np.intp)
            return roots[np.array([b[0] for b in lst])], roots[np.array([b[1] for b in lst])]

        ra, rb = ends(circuit.resistors)
        ma, mb = ends(circuit.mtjs)
        ta, tb = ends(circuit.transistors)
        self.nr, self.nm = ra.size, ma.size
        self.g_res = np.array([1.0 / b[2] for b in circuit.resistors])
        self.a_all, self.b_all = np.concatenate([ra, ma, ta]), np.concatenate([rb, mb, tb])
        fa, fb = self.free_index[self.a_all], self.free_index[self.b_all]
        self.fa, self.fb = fa, fb
        # MTJ elements may differ per branch: grouped for vectorized evaluation
        groups: dict = {}
        for k, (_, _, el) in enumerate(circuit.mtjs):
            groups.setdefault(el, []).append(k)
        self.mtj_groups = [(el, np.asarray(idx), self.nr + np.asarray(idx))
                           for el, idx in groups.items()]
        groups = {}
        for k, (_, _, el) in enumerate(circuit.transistors):
            groups.setdefault(el, []).append(k)
        self.tr_groups = [(el, self.nr + self.nm + np.asarray(idx)) for el, idx in groups.items()]
        self.free_roots = np.nonzero(self.free_index >= 0)[0]
        nb, U = self.a_all.size, self.U
        # KCL residual F = i_br @ incidence: +1 at a branch's a end, -1 at its b end
        inc_r = np.concatenate([np.nonzero(fa >= 0)[0], np.nonzero(fb >= 0)[0]])
        inc_c = np.concatenate([fa[fa >= 0], fb[fb >= 0]])
        inc_v = np.concatenate([np.ones((fa >= 0).sum()), -np.ones((fb >= 0).sum())])
        self.incidence_t = sp.csr_matrix((inc_v, (inc_c, inc_r)), shape=(max(U, 1), nb))
        # Jacobian entries of one network: (row, col, sign, branch), up to 4 per branch
        rows_l, cols_l, sign_l, br_l = [], [], [], []
        for (p, q, s) in ((fa, fa, 1.0), (fb, fb, 1.0), (fa, fb, -1.0), (fb, fa, -1.0)):
            ok = (p >= 0) & (q >= 0)
            rows_l.append(p[ok]); cols_l.append(q[ok])
            sign_l.append(np.full(ok.sum(), s)); br_l.append(np.nonzero(ok)[0])
        self.jr, self.jc = np.concatenate(rows_l), np.concatenate(cols_l)
        self.js, self.jb = np.concatenate(sign_l), np.concatenate(br_l)
        # symmetric (conductances): the lower band is all Cholesky needs, in the order of
        # smaller bandwidth: reverse Cuthill-McKee or the order the nodes were created in
        # (row by row in a gate network: the band is one row's nodes)
        best = None
        for order in (np.arange(U), self._rcm(U, reverse_cuthill_mckee)):
            pos = np.empty(U, np.intp)
            pos[order] = np.arange(U)
            band = int(np.max(np.abs(pos[self.jr] - pos[self.jc]))) if U else 0
            if best is None or band < best[0]:
                best = (band, order, pos)
        self.band, self.order, pos = best
        pr, pc = pos[self.jr], pos[self.jc]
        low = pr >= pc
        self.low_diag, self.low_col = (pr - pc)[low], pc[low]
        self.floating = self._floating_nodes(U)
        self.low_sign, self.low_branch = self.js[low], self.jb[low]

    def _floating_nodes(self, U: int) -> bool:
        """True if some free node has no branch path to a source or ground (a singular
        Jacobian whatever the element values)."""
        from scipy.sparse.csgraph import connected_components

        if not U:
            return False
        a = np.where(self.fa >= 0, self.fa, U)      # U: every fixed node, merged
        b = np.where(self.fb >= 0, self.fb, U)
        g = sp.csr_matrix((np.ones(a.size), (a, b)), shape=(U + 1, U + 1))
        _, label = connected_components(g, directed=False)
        return bool(np.any(label[:U] != label[U]))

    def _rcm(self, U: int, rcm) -> np.ndarray:
        if not U:
            return np.zeros(0, np.intp)
        adj = sp.csr_matrix((np.ones(self.jr.size), (self.jr, self.jc)), shape=(U, U))
        return np.asarray(rcm(adj, symmetric_mode=True), np.intp)

    def band_index(self, nb: int) -> np.ndarray:
        """Flat indices into the (band + 1, nb U) lower band array of nb networks."""
        memo = self.__dict__.setdefault("_band_index", {})
        if nb not in memo:
            U = self.U
            memo[nb] = (self.low_diag[None, :] * (nb * U) + (np.arange(nb) * U)[:, None]
                        + self.low_col[None, :]).ravel()
        return memo[nb]

    @classmethod
    def of(cls, circuit: Circuit) -> "_Structure":
        """The cached structure, rebuilt when the netlist has grown since."""
        stamp = (len(circuit._parent), len(circuit.resistors), len(circuit.mtjs),
                 len(circuit.transistors), len(circuit._fixed), len(circuit.source_names))
        cached = circuit.__dict__.get("_structure")
        if cached is None or cached[0] != stamp:
            cached = (stamp, cls(circuit))
            circuit.__dict__["_structure"] = cached
        return cached[1]

    def branch_laws(self, v_br, cos):
        i = np.empty_like(v_br)
        g = np.empty_like(v_br)
        nr = self.nr
        i[:, :nr] = v_br[:, :nr] * self.g_res
        g[:, :nr] = self.g_res
        for el, idx, cols in self.mtj_groups:
            i[:, cols], g[:, cols] = el.current_and_slope(cos[:, idx], v_br[:, cols])
        for el, cols in self.tr_groups:
            i[:, cols], g[:, cols] = el.current_and_slope(v_br[:, cols])
        return i, g


#: Linear solver of the Newton steps: "banded" (Cholesky of the symmetric positive definite
#: Jacobian in a bandwidth-reducing order, LAPACK dpbsv via scipy.linalg.lapack, all
#: networks of a batch in one band) or "superlu" (the general sparse LU of
#: scipy.sparse.linalg.spsolve; the reference, and the fallback where Cholesky fails).
LINEAR_SOLVERS = ("banded", "superlu")
LINEAR_SOLVER = "banded"
#: Largest band array of one banded solve, bytes; bigger batches are solved in chunks.
_BAND_BYTES = 32 * 2 ** 20


def _floating() -> ParameterError:
    return ParameterError("the network has a floating node (no resistive path to a source or "
                          "ground); check the netlist")


def _step_superlu(st: _Structure, g_br, F):
    B, U = F.shape
    offs = (np.arange(B) * U)[:, None]
    J = sp.csc_matrix(((g_br[:, st.jb] * st.js[None, :]).ravel(),
                       ((offs + st.jr[None, :]).ravel(), (offs + st.jc[None, :]).ravel())),
                      shape=(B * U, B * U))
    with warnings.catch_warnings():
        warnings.simplefilter("error", spla.MatrixRankWarning)
        try:
            dx = spla.spsolve(J, -F.ravel())
        except (spla.MatrixRankWarning, RuntimeError):
            raise _floating() from None
    return dx.reshape(B, U)


def _step_banded(st: _Structure, g_br, F):
    """Newton step of every network of the batch: one banded Cholesky (LAPACK dpbsv) per
    chunk of networks (block-diagonal, so the blocks stay independent inside one band)."""
    from scipy.linalg.lapack import dpbsv

    B, U = F.shape
    w = st.band + 1
    chunk = max(1, _BAND_BYTES // (8 * w * U))
    vals = g_br[:, st.low_branch] * st.low_sign[None, :]          # (B, entries)
    rhs = -F[:, st.order]
    dx = np.empty((B, U))
    for s0 in range(0, B, chunk):
        nb = min(chunk, B - s0)
        ab = np.bincount(st.band_index(nb), weights=vals[s0:s0 + nb].ravel(),
                         minlength=w * nb * U).reshape(w, nb * U)
        _, y, info = dpbsv(ab, rhs[s0:s0 + nb].ravel(), lower=1, overwrite_ab=1,
                           overwrite_b=1)
        if info != 0:
            return _step_superlu(st, g_br, F)     # not positive definite: the general LU
        dx[s0:s0 + nb, st.order] = y.reshape(nb, U)
    return dx


def solve(circuit: Circuit, source_voltages, mtj_cos=None, *,
          linear_solver: str | None = None, start=None) -> Solution:
    """Solve a batch of networks: ``source_voltages`` (B, S) in V, ``mtj_cos`` (B, M).

    linear_solver : one of LINEAR_SOLVERS (default LINEAR_SOLVER); both give the same node
    voltages to rounding (the Newton iteration and its convergence test are the same).
    start : node voltages (B, n_nodes) V to start Newton from (a nearby solution's
    ``node_voltage``), else the zero-bias (linear) solution; the root is unique, so the
    start changes only the iteration count (and the last bits).
    """
    method = LINEAR_SOLVER if linear_solver is None else linear_solver
    if method not in LINEAR_SOLVERS:
        raise ParameterError(f"linear_solver = {method!r}; choose one of "
                             f"{', '.join(LINEAR_SOLVERS)}")
    step = _step_banded if method == "banded" else _step_superlu
    S, M = len(circuit.source_names), len(circuit.mtjs)
    vs = _as_batch(source_voltages, S, "source_voltages") if S else np.zeros((1, 0))
    cos = _as_batch(mtj_cos, M, "mtj_cos") if M else np.zeros((vs.shape[0], 0))
    if S and cos.shape[0] != vs.shape[0]:
        if vs.shape[0] == 1:
            vs = np.repeat(vs, cos.shape[0], axis=0)
        elif cos.shape[0] == 1:
            cos = np.repeat(cos, vs.shape[0], axis=0)
        else:
            raise ParameterError(f"batch sizes differ: source_voltages {vs.shape[0]}, "
                                 f"mtj_cos {cos.shape[0]}")
    B = max(vs.shape[0], cos.shape[0])
    if vs.shape[0] != B:
        vs = np.repeat(vs, B, axis=0)
    st = _Structure.of(circuit)
    if st.floating:
        raise _floating()
    U, free_roots, a_all, b_all = st.U, st.free_roots, st.a_all, st.b_all

    # Fixed node voltages per batch.
    v_nodes = np.zeros((B, len(st.roots)))
    for r, s in st.fixed_root.items():
        if s >= 0:
            v_nodes[:, r] = vs[:, s]

    warm = start is not None and U > 0
    x = np.array(np.broadcast_to(np.asarray(start, float)[:, free_roots], (B, U))) if warm \
        else np.zeros((B, U))
    it = 0
    for it in range(1, _MAX_ITER + 1):
        if U:
            v_nodes[:, free_roots] = x[:, st.free_index[free_roots]]
        v_br = v_nodes[:, a_all] - v_nodes[:, b_all]
        i_br, g_br = st.branch_laws(v_br, cos)
        if U == 0:
            break
        F = (st.incidence_t @ i_br.T).T
        dx = step(st, g_br, F)
        if not np.all(np.isfinite(dx)):
            raise _floating()
        if it > 1 or warm:
            big = np.max(np.abs(dx), axis=1, keepdims=True)
            dx = dx * np.minimum(1.0, _MAX_STEP / np.maximum(big, 1e-300))
        x = x + dx
        if np.max(np.abs(dx)) < _TOL_V + 1e-12 * np.max(np.abs(x)):
            v_nodes[:, free_roots] = x[:, st.free_index[free_roots]]
            v_br = v_nodes[:, a_all] - v_nodes[:, b_all]
            i_br, g_br = st.branch_laws(v_br, cos)
            break
    else:
        raise ParameterError(f"nodal analysis did not converge in {_MAX_ITER} Newton "
                             "iterations (last step "
                             f"{np.max(np.abs(dx)):.3g} V); check for extreme element values")

    # Source currents: current leaving each fixed node into its branches.
    src = np.zeros((B, max(S, 1)))
    for term, sgn in ((a_all, 1.0), (b_all, -1.0)):
        for r, s in st.fixed_root.items():
            if s < 0:
                continue
            hit = term == r
            if hit.any():
                src[:, s] += sgn * i_br[:, hit].sum(axis=1)
    nr, nm = st.nr, st.nm
    return Solution(node_voltage=v_nodes[:, st.roots], mtj_current=i_br[:, nr:nr + nm],
                    mtj_voltage=v_br[:, nr:nr + nm], transistor_current=i_br[:, nr + nm:],
                    resistor_current=i_br[:, :nr], transistor_voltage=v_br[:, nr + nm:],
                    resistor_voltage=v_br[:, :nr], source_current=src[:, :S],
                    source_voltage=vs, iterations=it)


# ------------------------------------------------------------------------------------------
# CRAM gate networks
# ------------------------------------------------------------------------------------------
@dataclass
class GateNetwork:
    """A gate (rows = 1) or a row-parallel step of ``rows`` identical gates."""

    gate: Gate
    rows: int
    circuit: Circuit
    mtj_index: np.ndarray          # (rows, n_inputs + 1): circuit MTJ index, output last
    bsl_nodes: np.ndarray          # (n_inputs + 1, rows)
    element: MTJElement
    transistor: TransistorElement
    technology: object = None
    meta: dict = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        return self.gate.n_inputs + 1

    def mtj_cos(self, row_bits: np.ndarray, output_logic: np.ndarray) -> np.ndarray:
        """cos(theta) of every MTJ: row_bits (B, rows, n) logic inputs, output_logic (B, rows)."""
        B = row_bits.shape[0]
        cos = np.empty((B, len(self.circuit.mtjs)))
        in_cos = np.where(row_bits == 0, COS_OF_STATE["P"], COS_OF_STATE["AP"])
        out_cos = np.where(output_logic == 0, COS_OF_STATE["P"], COS_OF_STATE["AP"])
        cos[:, self.mtj_index[:, :-1].ravel()] = in_cos.reshape(B, -1)
        cos[:, self.mtj_index[:, -1]] = out_cos
        return cos

    def solve(self, voltage, row_bits, output_logic=None, start=None) -> "GateSolution":
        """Solve for gate voltages ``voltage`` (B,) >= 0 V and inputs ``row_bits`` (B, rows, n).

        ``output_logic`` (B, rows): the output's logic value (default: the preset).
        ``start``: node voltages to start from (:func:`solve`).
        """
        v = np.atleast_1d(np.asarray(voltage, dtype=float))
        bits = np.asarray(row_bits, dtype=int)
        if bits.ndim == 2:
            bits = bits[None]
        if bits.shape[1:] != (self.rows, self.gate.n_inputs):
            raise ParameterError(f"row_bits must have shape (batch, {self.rows}, "
                                 f"{self.gate.n_inputs}); got {bits.shape}")
        B = max(v.size, bits.shape[0])
        v = np.broadcast_to(v, (B,)).copy()
        bits = np.broadcast_to(bits, (B,) + bits.shape[1:])
        if np.any(v < 0) or not np.all(np.isfinite(v)):
            raise ParameterError("gate voltage must be finite and >= 0 V (its polarity is set "
                                 "by the gate's switching direction)")
        out = np.full((B, self.rows), self.gate.preset) if output_logic is None else \
            np.broadcast_to(np.asarray(output_logic, dtype=int), (B, self.rows))
        sol = solve(self.circuit, v[:, None], self.mtj_cos(bits, out), start=start)
        i = sol.mtj_current[:, self.mtj_index.ravel()].reshape(B, self.rows, self.n_cells)
        vm = sol.mtj_voltage[:, self.mtj_index.ravel()].reshape(B, self.rows, self.n_cells)
        return GateSolution(voltage=v, input_current=i[:, :, :-1], output_current=-i[:, :, -1],
                            input_bias=vm[:, :, :-1], output_bias=-vm[:, :, -1],
                            source_current=sol.source_current[:, 0], power=sol.power,
                            dissipation=sol.dissipation(),
                            bsl_voltage=sol.node_voltage[:, self.bsl_nodes.ravel()].reshape(
                                B, self.n_cells, self.rows), iterations=sol.iterations,
                            node_voltage=sol.node_voltage)


@dataclass
class GateSolution:
    """Currents (A, magnitudes in the gate's drive sense) and voltages (V) of a gate batch."""

    voltage: np.ndarray          # (B,) applied gate voltage
    input_current: np.ndarray    # (B, rows, n): current into each input MTJ from its BSL
    output_current: np.ndarray   # (B, rows): current through the output MTJ
    input_bias: np.ndarray       # (B, rows, n): voltage across each input MTJ
    output_bias: np.ndarray      # (B, rows)
    source_current: np.ndarray   # (B,): current drawn from the gate-voltage source
    power: np.ndarray            # (B,): V * I_source, W
    dissipation: np.ndarray      # (B, 3): W in MTJs, access transistors, line resistance
    bsl_voltage: np.ndarray = None   # (B, n + 1, rows): BSL voltages
    iterations: int = 0
    node_voltage: np.ndarray = None  # (B, n_nodes): every node, V (a warm start)


def build_gate_network(gate, element: MTJElement, technology=None, rows: int = 1,
                       transistor: TransistorElement | None = None) -> GateNetwork:
    """The nodal network of ``rows`` parallel copies of ``gate`` (see module doc).

    technology : a :class:`~circuits.technology.Technology` (None: ideal lines and switches).
    """
    from .technology import load_technology

    gate = get_gate(gate)
    rows = check_int("rows", rows, "", 1, MAX_ROWS)
    tech = load_technology("ideal" if technology is None else technology)
    tr = transistor or TransistorElement.from_technology(tech)
    n = gate.n_inputs
    c = Circuit()
    src_node = c.node("V")
    c.source(src_node, "V")
    gnd = c.node("gnd")
    c.ground(gnd)
    bsl = np.empty((n + 1, rows), dtype=np.intp)
    ll = np.empty((n + 1, rows), dtype=np.intp)
    mid = np.empty((n + 1, rows), dtype=np.intp)
    mtj_index = np.empty((rows, n + 1), dtype=np.intp)
    for r in range(rows):       # nodes row by row: the Jacobian's band is about one row
        for col in range(n + 1):
            bsl[col, r] = c.node(f"bsl{col}_{r}")
            mid[col, r] = c.node(f"mid{col}_{r}")
            ll[col, r] = c.node(f"ll{col}_{r}")
    for col in range(n + 1):
        driver = src_node if col < n else gnd
        c.resistor(driver, bsl[col, 0], tech.driver_resistance + tech.r_bsl_cell,
                   "driver + line resistance")
        for r in range(rows - 1):
            c.resistor(bsl[col, r], bsl[col, r + 1], tech.r_bsl_cell, "BSL resistance")
    for r in range(rows):
        for col in range(n + 1):
            mtj_index[r, col] = c.mtj(bsl[col, r], mid[col, r], element)
            c.transistor(mid[col, r], ll[col, r], tr)
        for col in range(n):
            c.resistor(ll[col, r], ll[col + 1, r], tech.r_ll_cell, "LL resistance")
    return GateNetwork(gate=gate, rows=rows, circuit=c, mtj_index=mtj_index, bsl_nodes=bsl,
                       element=element, transistor=tr, technology=tech)


@dataclass
class WriteNetwork:
    """``rows`` cells of one column written at once (a preset): BSL driven, return line
    grounded, each row ``BSL -- MTJ -- access transistor -- return line``."""

    rows: int
    circuit: Circuit
    mtj_index: np.ndarray          # (rows,)
    element: MTJElement
    technology: object = None

    def solve(self, voltage, states) -> tuple:
        """Currents (A, BSL -> transistor, i.e. the stack sense) and source power (W).

        voltage (B,) >= 0 V; states (B, rows) of logic values (0 = P, 1 = AP).
        Returns (cell_current (B, rows), power (B,)).
        """
        v = np.atleast_1d(np.asarray(voltage, dtype=float))
        st = np.atleast_2d(np.asarray(states, dtype=int))
        B = max(v.size, st.shape[0])
        v = np.broadcast_to(v, (B,)).copy()
        st = np.broadcast_to(st, (B, self.rows))
        cos = np.where(st == 0, COS_OF_STATE["P"], COS_OF_STATE["AP"])
        full = np.empty((B, len(self.circuit.mtjs)))
        full[:, self.mtj_index] = cos
        sol = solve(self.circuit, v[:, None], full)
        return sol.mtj_current[:, self.mtj_index], sol.power


def build_write_network(element: MTJElement, technology=None, rows: int = 1) -> WriteNetwork:
    """The network of a row-parallel single-cell write (see :class:`WriteNetwork`)."""
    from .technology import load_technology

    rows = check_int("rows", rows, "", 1, MAX_ROWS)
    tech = load_technology("ideal" if technology is None else technology)
    tr = TransistorElement.from_technology(tech)
    c = Circuit()
    src = c.node("V")
    c.source(src, "V")
    gnd = c.node("gnd")
    c.ground(gnd)
    bsl = [c.node(f"bsl_{r}") for r in range(rows)]
    ret = [c.node(f"ret_{r}") for r in range(rows)]
    c.resistor(src, bsl[0], tech.driver_resistance + tech.r_bsl_cell, "driver + line")
    c.resistor(gnd, ret[0], tech.driver_resistance + tech.r_bsl_cell, "driver + line")
    for r in range(rows - 1):
        c.resistor(bsl[r], bsl[r + 1], tech.r_bsl_cell, "BSL resistance")
        c.resistor(ret[r], ret[r + 1], tech.r_bsl_cell, "return-line resistance")
    idx = np.empty(rows, dtype=np.intp)
    for r in range(rows):
        mid = c.node(f"mid_{r}")
        idx[r] = c.mtj(bsl[r], mid, element)
        c.transistor(mid, ret[r], tr)
    return WriteNetwork(rows, c, idx, element, tech)
