"""Bit-packed state of one CRAM array: ``rows x columns`` MTJ cells holding 0 (P) or 1 (AP).

A CRAM gate acts on the same columns of every active row at once (row parallelism), so the
state is stored column-major: ``bits[c, w]`` is a ``uint64`` word whose bit ``b`` is the
cell in row ``64 w + b`` of column ``c``. A gate step over 1024 rows then touches 16 words
per column. Rows beyond ``rows`` in the last word are kept at 0 and never active.
"""
from __future__ import annotations

import numpy as np

from llg.errors import ParameterError, check_range

#: Largest array the simulator accepts (rows and columns each); big enough for any CRAM
#: subarray proposed in the literature (typically 256-1024), small enough to stay in memory.
MAX_DIM = 1 << 20


def n_words(rows: int) -> int:
    """Number of 64-bit words holding one column of ``rows`` cells."""
    return (rows + 63) // 64


def row_mask(rows: int, active: int | None = None) -> np.ndarray:
    """Word mask with bit set for each of the first ``active`` (default: all) rows."""
    active = rows if active is None else active
    words = np.zeros(n_words(rows), dtype=np.uint64)
    full, rest = divmod(active, 64)
    words[:full] = np.uint64(0xFFFFFFFFFFFFFFFF)
    if rest:
        words[full] = np.uint64((1 << rest) - 1)
    return words


class ArrayState:
    """The cells of one CRAM array (0 = P, 1 = AP), bit-packed by column.

    >>> s = ArrayState(rows=100, cols=8)
    >>> s.write_uint(range(4), np.arange(100) % 16)
    >>> int(s.read_uint(range(4))[37])
    5
    >>> ArrayState(rows=0, cols=8)
    Traceback (most recent call last):
    ...
    llg.errors.ParameterError: rows = 0 is invalid (array rows); valid range: 1 <= rows <= 1048576
    """

    def __init__(self, rows: int, cols: int, *, active_rows: int | None = None):
        self.rows = _dim("rows", rows, "array rows")
        self.cols = _dim("cols", cols, "array columns")
        active = self.rows if active_rows is None else int(check_range(
            "active_rows", active_rows, "", 1, self.rows, what="rows that take part in gates"))
        self.active_rows = active
        self.bits = np.zeros((self.cols, n_words(self.rows)), dtype=np.uint64)
        self.active = row_mask(self.rows, active)

    # -- columns ------------------------------------------------------------------------
    def _check_cols(self, cols) -> list[int]:
        cols = [int(c) for c in cols]
        bad = [c for c in cols if not 0 <= c < self.cols]
        if bad:
            raise ParameterError(f"column(s) {bad} do not exist in a {self.rows} x {self.cols} "
                                 f"array; valid columns: 0 <= column <= {self.cols - 1}")
        return cols

    def write_column(self, col: int, values) -> None:
        """Write a 0/1 vector of length ``rows`` into column ``col``."""
        (col,) = self._check_cols([col])
        v = np.asarray(values)
        if v.shape != (self.rows,):
            raise ParameterError(f"column data has shape {v.shape}; expected ({self.rows},) "
                                 "(one bit per row)")
        if v.size and (v.min() < 0 or v.max() > 1):
            raise ParameterError("column data must hold only 0 and 1")
        padded = np.zeros(n_words(self.rows) * 64, dtype=np.uint8)
        padded[:self.rows] = v
        self.bits[col] = np.packbits(padded, bitorder="little").view("<u8").astype(np.uint64)

    def read_column(self, col: int) -> np.ndarray:
        """The 0/1 bits (uint8) of column ``col``, one per row."""
        (col,) = self._check_cols([col])
        raw = self.bits[col].astype("<u8").view(np.uint8)
        return np.unpackbits(raw, bitorder="little")[:self.rows]

    def write_uint(self, cols, values) -> None:
        """Write unsigned integers, LSB in ``cols[0]``, one value per row.

        Raises ParameterError if a value does not fit in ``len(cols)`` bits.
        """
        cols = self._check_cols(cols)
        v = np.asarray(list(values) if not isinstance(values, np.ndarray) else values)
        if v.dtype.kind not in "iub":
            raise ParameterError(f"operand values must be integers, got dtype {v.dtype}")
        if v.shape != (self.rows,):
            raise ParameterError(f"operand has shape {v.shape}; expected ({self.rows},) "
                                 "(one value per row)")
        width = len(cols)
        lo = int(v.min()) if v.size else 0
        hi = int(v.max()) if v.size else 0
        if lo < 0 or hi >= (1 << width):
            raise ParameterError(
                f"operand value range [{lo}, {hi}] does not fit in {width} bit(s); valid "
                f"range: 0 <= value <= {(1 << width) - 1}")
        vu = v.astype(np.uint64)
        for i, c in enumerate(cols):
            self.write_column(c, ((vu >> np.uint64(i)) & np.uint64(1)).astype(np.uint8))

    def read_uint(self, cols) -> np.ndarray:
        """Unsigned integers (uint64) from ``cols`` (LSB first), one per row."""
        cols = self._check_cols(cols)
        if len(cols) > 64:
            raise ParameterError(f"cannot read {len(cols)} columns as one integer; at most 64")
        out = np.zeros(self.rows, dtype=np.uint64)
        for i, c in enumerate(cols):
            out |= self.read_column(c).astype(np.uint64) << np.uint64(i)
        return out

    def fill_column(self, col: int, value: int) -> None:
        """Set every row of ``col`` to ``value`` (0 or 1)."""
        (col,) = self._check_cols([col])
        self.bits[col] = row_mask(self.rows) if value else 0

    def copy(self) -> "ArrayState":
        new = ArrayState.__new__(ArrayState)
        new.rows, new.cols, new.active_rows = self.rows, self.cols, self.active_rows
        new.bits, new.active = self.bits.copy(), self.active.copy()
        return new


def _dim(name: str, value, what: str) -> int:
    v = check_range(name, value, "", 1, MAX_DIM, what=what)
    if v != int(v):
        raise ParameterError(f"{name} = {value!r} is invalid ({what}); must be a whole number")
    return int(v)
