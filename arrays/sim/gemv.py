"""Signed int8 matrix-vector products on CRAM rows: ``y = W x``, int32 accumulation.

Mapping (weights resident, activations streamed): the K-long dot product of output n is cut
into ``K / k`` chunks of ``k`` terms; each chunk is one array row running the unsigned
``mac8x<k>`` program of :mod:`arrays.sim.programs` on its k weights (resident columns) and
the token's k activations (written into the row). The row program is the same for every
row, so gate, write and cycle counts per row are exact for any N and K; only the
input-pattern mix of the gate energies depends on the data.

Signed values use the zero-point (offset) encoding of integer-only inference (Jacob et al.,
"Quantization and training of neural networks for efficient integer-arithmetic-only
inference", CVPR 2018, eq. 7): with ``w' = w + 128`` and ``x' = x + 128`` in [0, 255],

    sum_k w_k x_k = sum_k w'_k x'_k - 128 sum_k x'_k - 128 sum_k w'_k + 128^2 K.

The array computes the unsigned partial sums ``sum w' x'`` (2 x 8 + log2 k bits); the
near-array digital reduction adds the ``K / k`` partials of an output and the correction:
``sum w'`` per output is fixed with the weights (stored once), ``sum x'`` per token is
computed once for all outputs. The reduction is exact integer arithmetic (numpy int64 here).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from llg.errors import ParameterError, check_memory as _check_memory

from .programs import build as _build
from .state import ArrayState


@lru_cache(maxsize=16)
def build(name: str):
    """The named kernel, built once per process (the mac programs have ~10^4 gates)."""
    return _build(name)

#: Largest number of terms one row takes (the mac program's limit).
MAX_TERMS = 64
OFFSET = 128


def check_shape(n: int, k: int, batch: int = 1) -> None:
    """One line, exit 2, for a non-positive or absurd size."""
    for name, v, hi in (("rows N", n, 1 << 24), ("columns K", k, 1 << 24),
                        ("batch", batch, 1 << 16)):
        if not isinstance(v, (int, np.integer)) or not 1 <= v <= hi:
            raise ParameterError(f"GEMV {name} = {v!r} is invalid; valid range: 1 <= {name} "
                                 f"<= {hi} (integer)")


def terms_per_row(k: int, cols: int) -> int:
    """Largest power of two <= 64 that divides K and whose mac8x<k> fits ``cols`` columns."""
    t = MAX_TERMS
    while t > 1 and (k % t or build(f"mac8x{t}").program.n_cols > cols):
        t //= 2
    if build(f"mac8x{t}").program.n_cols > cols:
        raise ParameterError(f"array columns = {cols} are too few for the GEMV row program "
                             f"mac8x1 ({build('mac8x1').program.n_cols} columns needed)")
    return t


def sim_bytes(rows: int, cols: int) -> int:
    """Bytes of cell state of a simulated array (bit-packed, 64 rows per word)."""
    return cols * (-(-rows // 64)) * 8


def instance_bytes(n: int, k: int, cols: int) -> int:
    """Memory of a whole simulated GEMV: cell state plus the int64 matrix and its offset,
    reshaped and reference copies (about 4 x 8 bytes per weight)."""
    terms = terms_per_row(k, cols)
    return sim_bytes(n * k // terms, cols) + 32 * n * k


def check_memory(rows: int, cols: int, what: str, need: int | None = None) -> None:
    """Refuse a simulated GEMV of ``rows`` x ``cols`` cells needing ``need`` bytes (default:
    its cell state) above the one memory limit of :func:`llg.errors.memory_limit` (half the
    machine, ``CRAMSIM_MEMORY_LIMIT`` overrides), before anything is allocated."""
    need = sim_bytes(rows, cols) if need is None else need
    _check_memory(f"{what} ({rows} simulated rows x {cols} columns, cell state and "
                  "matrices)", need, "use a smaller matrix; the report simulates a sample "
                  "of rows and scales the counts")


def random_int8(rng, shape) -> np.ndarray:
    return rng.integers(-128, 128, size=shape, dtype=np.int64)


def reference(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Independent reference: numpy int64 matrix-vector product, wrapped to int32."""
    return (w.astype(np.int64) @ x.astype(np.int64)).astype(np.int32)


class GemvInstance:
    """Rows of one token's ``y = W x`` laid out on a simulated array (module docstring).

    ``w``: (n, K) int8 values (any integers in [-128, 127]), ``x``: (K,) int8 or (B, K) for
    a batch of B vectors (rows ordered token, output, chunk).
    """

    def __init__(self, w, x, cols: int, terms: int | None = None):
        w, x = np.asarray(w, dtype=np.int64), np.asarray(x, dtype=np.int64)
        self.batched = x.ndim == 2
        x2 = x if self.batched else x[None, :]
        if w.ndim != 2 or x2.ndim != 2 or x2.shape[1] != w.shape[1]:
            raise ParameterError(f"GEMV shapes W {w.shape} and x {x.shape} do not match")
        for name, a in (("weight", w), ("activation", x)):
            if a.size and (a.min() < -128 or a.max() > 127):
                raise ParameterError(f"GEMV {name} values must be int8: valid range -128 "
                                     f"<= value <= 127, got {a.min()}..{a.max()}")
        self.n, self.k = w.shape
        self.terms = terms or terms_per_row(self.k, cols)
        self.chunks = self.k // self.terms
        self.kernel = build(f"mac8x{self.terms}")
        self.program = self.kernel.program
        nb = x2.shape[0]
        rows = nb * self.n * self.chunks
        check_memory(rows, cols, f"GEMV {self.n}x{self.k}",
                     nb * instance_bytes(self.n, self.k, cols))
        self.w, self.x = w, x2
        wu = np.tile((w + OFFSET).reshape(self.n * self.chunks, self.terms), (nb, 1))
        xu = np.repeat((x2 + OFFSET).reshape(nb, self.chunks, self.terms), self.n,
                       axis=0).reshape(rows, self.terms)
        self.state = ArrayState(rows, cols)
        for j in range(self.terms):
            self.state.write_uint(self.program.operands[f"a{j}"], wu[:, j].astype(np.uint64))
            self.state.write_uint(self.program.operands[f"b{j}"], xu[:, j].astype(np.uint64))

    @property
    def partial_bits(self) -> int:
        return len(self.program.results["dot"])

    def outputs(self, state: ArrayState) -> np.ndarray:
        """y (int32) from the rows' partial sums after a run: the exact digital reduction."""
        part = state.read_uint(self.program.results["dot"]).astype(np.int64)
        s_uu = part.reshape(-1, self.n, self.chunks).sum(axis=2)
        sw = (self.w + OFFSET).sum(axis=1)[None, :]
        sx = (self.x + OFFSET).sum(axis=1)[:, None]
        y = (s_uu - OFFSET * sx - OFFSET * sw + OFFSET * OFFSET * self.k).astype(np.int32)
        return y if self.batched else y[0]
