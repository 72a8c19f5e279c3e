"""The program library: arithmetic and logic built from CRAM gates, row-parallel.

Every routine takes a :class:`~arrays.sim.program.ProgramBuilder`, emits gates (each with its
output preset) and returns the result columns, LSB first. Each row computes on its own
operands; the same gate sequence runs in all rows at once.

* Full adder (MAJ-based; the majority identities used by Navi et al., Microelectronics J.
  41, 820 (2010) for 5-input-majority adders and adopted for spintronic CRAM by Chowdhury et
  al. (2017-2018; venue details unverified) and Zabihi et al., IEEE Trans. Computers 68, 1159
  (2019)):
  ``Cout = MAJ3(A, B, C)``, ``S = MAJ5(A, B, C, not Cout, not Cout)``. One cell can feed a
  gate only once, so the inverted carry is made twice: 1 MAJ3 + 2 NOT + 1 MAJ5 = 4 gates.
* n-bit ripple-carry add: n full adders, the carry column of bit i feeding bit i+1.
* n-bit multiply: n^2 AND2 partial products, accumulated with n-1 ripple adds (array
  multiplier, shift-and-add).
* popcount: a counter tree of full adders (three bits of one weight -> one bit of the same
  weight and one of the next), half adders (full adder with a constant-0 column) for pairs.
* XNOR: ``OR2(AND2(x, y), NOR2(x, y))``, 3 gates.
* dot product / MAC: per row, sum over k of a_k * b_k with a multiply and an add per term.
* comparison x >= y (NOT + MAJ3 carry chain of x - y), bitwise select (AND2/AND2/OR2) and
  argmax (a sequential scan of comparisons and selects; ties to the lowest index).

:func:`build` returns a :class:`Kernel`: the program, an input generator and a numpy
reference, for ``fa, add<n>, mul<n>, mac<n>x<k>, popcount<n>, xnor<n>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from llg.errors import ParameterError

from .program import Program, ProgramBuilder


class Builder(ProgramBuilder):
    """ProgramBuilder with a shared constant-0 column (for half adders and padding)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._zero = None

    def zero(self) -> int:
        if self._zero is None:
            (self._zero,) = self.alloc(1)
            self.constant([self._zero], 0)
        return self._zero

    def one(self) -> int:
        """A shared constant-1 column."""
        if getattr(self, "_one", None) is None:
            (self._one,) = self.alloc(1)
            self.constant([self._one], 1)
        return self._one

    def is_const(self, c: int) -> bool:
        return c in (self._zero, getattr(self, "_one", None))


def full_adder(b: Builder, x: int, y: int, c: int) -> tuple[int, int]:
    """MAJ-based full adder; returns (sum column, carry column). 4 gates."""
    cout = b.gate("MAJ3", [x, y, c])
    n1 = b.gate("NOT", [cout])
    n2 = b.gate("NOT", [cout])
    s = b.gate("MAJ5", [x, y, c, n1, n2])
    b.free([n1, n2])
    return s, cout


def ripple_add(b: Builder, xs, ys, carry_in: int | None = None) -> list[int]:
    """Sum of two unsigned numbers (LSB first); returns max(len)+1 columns.

    The shorter operand is padded with the constant-0 column.
    """
    n = max(len(xs), len(ys))
    xs = list(xs) + [b.zero()] * (n - len(xs))
    ys = list(ys) + [b.zero()] * (n - len(ys))
    carry = b.zero() if carry_in is None else carry_in
    out = []
    for i in range(n):
        s, c_next = full_adder(b, xs[i], ys[i], carry)
        if i > 0:  # carries made here are dead once consumed
            b.free([carry])
        out.append(s)
        carry = c_next
    out.append(carry)
    return out


def multiply(b: Builder, xs, ys) -> list[int]:
    """Unsigned product (len(xs) + len(ys) bits) by shift-and-add of AND2 partial products."""
    n, m = len(xs), len(ys)
    pp = [b.gate("AND2", [x, ys[0]]) for x in xs]
    result = [pp[0]]
    running = pp[1:]                     # weights 1 .. n-1
    for j in range(1, m):
        pp = [b.gate("AND2", [x, ys[j]]) for x in xs]   # weights j .. j+n-1
        s = ripple_add(b, running, pp)                  # weights j .. j+n
        b.free(running + pp)
        result.append(s[0])
        running = s[1:]
    result += running
    # with m == 1 the product has n bits; pad to n + m with the zero column
    return (result + [b.zero()] * (n + m))[:n + m]


def popcount(b: Builder, bits) -> list[int]:
    """Number of ones among ``bits`` (ceil(log2(len+1)) columns), counter tree of adders.

    The input columns are not modified or freed.
    """
    owned: set = set()
    level = {0: list(bits)}
    out = []
    w = 0
    while w in level:
        cols = level[w]
        while len(cols) >= 2:
            if len(cols) >= 3:
                x, y, z = cols.pop(0), cols.pop(0), cols.pop(0)
            else:
                x, y, z = cols.pop(0), cols.pop(0), b.zero()
            s, c = full_adder(b, x, y, z)
            dead = [q for q in (x, y, z) if q in owned]
            b.free(dead)
            owned.difference_update(dead)
            owned.update((s, c))
            cols.append(s)
            level.setdefault(w + 1, []).append(c)
        out.append(cols[0] if cols else b.zero())
        w += 1
    width = max(1, int(len(bits)).bit_length())
    return (out + [b.zero()] * width)[:width]


def xnor(b: Builder, x: int, y: int) -> int:
    """XNOR = OR2(AND2(x, y), NOR2(x, y)); 3 gates."""
    a = b.gate("AND2", [x, y])
    n = b.gate("NOR2", [x, y])
    out = b.gate("OR2", [a, n])
    b.free([a, n])
    return out


def at_least(b: Builder, xs, const_cols) -> int:
    """Column holding [x >= T] where ``const_cols`` hold K = 2^len(xs) - T (LSB first).

    x >= T  <=>  x + K >= 2^len(xs): the carry out of the sum, a chain of MAJ3 only.
    """
    carry = b.zero()
    for x, k in zip(xs, const_cols):
        new = b.gate("MAJ3", [x, k, carry])
        if carry != b.zero():
            b.free([carry])
        carry = new
    return carry


def greater_equal(b: Builder, xs, ys) -> int:
    """Column holding [x >= y] for unsigned x, y of equal width (LSB first).

    x - y = x + not(y) + 1 carries out iff x >= y: NOT per bit of y, then a MAJ3 carry chain
    starting from the constant-1 column. 2 gates per bit.
    """
    if len(xs) != len(ys):
        raise ValueError("greater_equal needs equal widths")
    carry = b.one()
    for x, y in zip(xs, ys):
        ny = b.gate("NOT", [y])
        new = b.gate("MAJ3", [x, ny, carry])
        b.free([ny] + ([] if b.is_const(carry) else [carry]))
        carry = new
    return carry


def select(b: Builder, sel: int, if_one, if_zero) -> list[int]:
    """Per bit ``sel ? a : b`` = OR2(AND2(sel, a), AND2(not sel, b)); 3 gates per bit + 1."""
    nsel = b.gate("NOT", [sel])
    out = []
    for a, z in zip(if_one, if_zero):
        p = b.gate("AND2", [sel, a])
        q = b.gate("AND2", [nsel, z])
        out.append(b.gate("OR2", [p, q]))
        b.free([p, q])
    b.free([nsel])
    return out


def argmax(b: Builder, values) -> list[int]:
    """Index (LSB first) of the largest of ``values`` (lists of columns, equal widths); ties
    go to the lowest index, as numpy's argmax. A sequential scan: keep the running best
    while best >= candidate."""
    width = max(1, (len(values) - 1).bit_length())
    best = list(values[0])
    owned_best = False
    idx = [b.zero()] * width
    for i in range(1, len(values)):
        keep = greater_equal(b, best, values[i])
        new_best = select(b, keep, best, values[i]) if i < len(values) - 1 else None
        consts = [b.one() if (i >> k) & 1 else b.zero() for k in range(width)]
        new_idx = select(b, keep, idx, consts)
        b.free([c for c in idx if not b.is_const(c)] + [keep] +
               (best if owned_best else []))
        idx = new_idx
        if new_best is not None:
            best, owned_best = new_best, True
    return idx


# -- named kernels with references --------------------------------------------------------
@dataclass
class Kernel:
    """A program with an input generator and an independent numpy reference."""

    program: Program
    make_inputs: Callable        # (rng, rows) -> {operand: uint64 array}
    reference: Callable          # (inputs) -> {result: uint64 array}
    description: str = ""


MAX_WIDTH = 64


def _width(name: str, n: int, hi: int = MAX_WIDTH) -> int:
    if not 1 <= n <= hi:
        raise ParameterError(f"operand width in program {name!r} = {n} bits is invalid; valid "
                             f"range: 1 <= width <= {hi}")
    return n


def _rand(rng, rows, bits):
    return rng.integers(0, 1 << bits, size=rows, dtype=np.uint64) if bits < 64 else \
        rng.integers(0, np.iinfo(np.uint64).max, size=rows, dtype=np.uint64, endpoint=True)


def _fa() -> Kernel:
    b = Builder("fa", "one MAJ-based full adder per row")
    x, y, c = b.operand("a", 1), b.operand("b", 1), b.operand("cin", 1)
    s, co = full_adder(b, x[0], y[0], c[0])
    b.result("sum", [s, co])
    return Kernel(b.build(), lambda rng, r: {k: _rand(rng, r, 1) for k in ("a", "b", "cin")},
                  lambda i: {"sum": i["a"] + i["b"] + i["cin"]}, "1-bit full adder")


def _add(n: int) -> Kernel:
    b = Builder(f"add{n}", f"{n}-bit ripple-carry add per row")
    x, y = b.operand("a", n), b.operand("b", n)
    b.result("sum", ripple_add(b, x, y))
    return Kernel(b.build(), lambda rng, r: {"a": _rand(rng, r, n), "b": _rand(rng, r, n)},
                  lambda i: {"sum": i["a"] + i["b"]}, f"{n}-bit unsigned add (n+1-bit sum)")


def _mul(n: int) -> Kernel:
    b = Builder(f"mul{n}", f"{n} x {n}-bit unsigned multiply per row")
    x, y = b.operand("a", n), b.operand("b", n)
    b.result("product", multiply(b, x, y))
    return Kernel(b.build(), lambda rng, r: {"a": _rand(rng, r, n), "b": _rand(rng, r, n)},
                  lambda i: {"product": i["a"] * i["b"]}, f"{n}-bit unsigned multiply")


def _mac(n: int, k: int) -> Kernel:
    b = Builder(f"mac{n}x{k}", f"dot product of {k} pairs of {n}-bit numbers per row")
    xs = [b.operand(f"a{j}", n) for j in range(k)]
    ys = [b.operand(f"b{j}", n) for j in range(k)]
    width = 2 * n + max(1, (k - 1).bit_length())
    acc = multiply(b, xs[0], ys[0])
    for j in range(1, k):
        prod = multiply(b, xs[j], ys[j])
        new = ripple_add(b, acc, prod)
        b.free([c for c in acc + prod if c != b.zero()])
        acc = new[:width]
        b.free([c for c in new[width:] if c != b.zero()])
    b.result("dot", acc[:width])

    def make(rng, r):
        d = {f"a{j}": _rand(rng, r, n) for j in range(k)}
        d.update({f"b{j}": _rand(rng, r, n) for j in range(k)})
        return d

    def ref(i):
        return {"dot": sum(i[f"a{j}"] * i[f"b{j}"] for j in range(k))}

    return Kernel(b.build(), make, ref, f"{k}-term dot product of {n}-bit numbers")


def _popcount(n: int) -> Kernel:
    b = Builder(f"popcount{n}", f"number of ones in an {n}-bit word per row")
    x = b.operand("x", n)
    b.result("count", popcount(b, x))

    def ref(i):
        v, c = i["x"].copy(), np.zeros_like(i["x"])
        for _ in range(n):
            c += v & np.uint64(1)
            v >>= np.uint64(1)
        return {"count": c}

    return Kernel(b.build(), lambda rng, r: {"x": _rand(rng, r, n)}, ref,
                  f"{n}-bit population count")


def _xnor(n: int) -> Kernel:
    b = Builder(f"xnor{n}", f"bitwise XNOR of two {n}-bit words per row")
    x, y = b.operand("a", n), b.operand("b", n)
    b.result("xnor", [xnor(b, p, q) for p, q in zip(x, y)])
    mask = np.uint64((1 << n) - 1) if n < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
    return Kernel(b.build(), lambda rng, r: {"a": _rand(rng, r, n), "b": _rand(rng, r, n)},
                  lambda i: {"xnor": ~(i["a"] ^ i["b"]) & mask}, f"{n}-bit bitwise XNOR")


_PATTERNS = [
    (r"fa", lambda m: _fa()),
    (r"add(\d+)", lambda m: _add(_width(m.group(0), int(m.group(1)), 63))),
    (r"mul(\d+)", lambda m: _mul(_width(m.group(0), int(m.group(1)), 32))),
    (r"mac(\d+)x(\d+)", lambda m: _mac(_width(m.group(0), int(m.group(1)), 16),
                                       _terms(m.group(0), int(m.group(2))))),
    (r"popcount(\d+)", lambda m: _popcount(_width(m.group(0), int(m.group(1)), 64))),
    (r"xnor(\d+)", lambda m: _xnor(_width(m.group(0), int(m.group(1))))),
]
KNOWN = "fa, add<n> (n <= 63), mul<n> (n <= 32), mac<n>x<k> (n <= 16, k <= 64), " \
        "popcount<n> (n <= 64), xnor<n> (n <= 64)"


def _terms(name, k):
    if not 1 <= k <= 64:
        raise ParameterError(f"number of terms in program {name!r} = {k} is invalid; valid "
                             "range: 1 <= terms <= 64")
    return k


def build(name: str) -> Kernel:
    """The named kernel (e.g. ``add32``); an unknown name gets the list of known forms."""
    key = str(name).strip().lower()
    for pat, make in _PATTERNS:
        m = re.fullmatch(pat, key)
        if m:
            return make(m)
    raise ParameterError(f"program = {name!r} is unknown; known programs: {KNOWN}")
