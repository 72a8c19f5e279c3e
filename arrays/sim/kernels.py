"""The numba kernel that executes a compiled CRAM program on a bit-packed array state.

For each gate entry and each 64-row word it builds the 2^k input-pattern masks of the k
input columns (a binary tree of ANDs with the column or its complement, input 0 as the most
significant pattern bit), counts the rows of each pattern (for the pattern-dependent energy)
and ORs together the masks of the patterns that switch the output. The output cell then
switches away from its preset, exactly as the physical gate does: a gate whose output was
not preset computes what the hardware would, not the textbook function.

Errors are injected by thinning (exact for per-row independent Bernoulli failures): the
caller draws candidate (entry, row) pairs at the largest failure probability ``e_max``
over the whole program, each with a uniform ``v`` in [0, e_max); a candidate on a gate
fails when ``v < e(pattern of that row)``, so every row fails with exactly its pattern's
probability, independently. A failed gate flips its output; a failed preset leaves the
cell in its previous state.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_ONE = np.uint64(1)
_ZERO = np.uint64(0)
_S1, _S2, _S4, _S56 = np.uint64(1), np.uint64(2), np.uint64(4), np.uint64(56)


@nb.njit(cache=True, inline="always")
def popcount64(x):
    """Number of set bits of a uint64 (SWAR)."""
    x = x - ((x >> _S1) & _M1)
    x = (x & _M2) + ((x >> _S2) & _M2)
    x = (x + (x >> _S4)) & _M4
    return np.int64((x * _H01) >> _S56)


@nb.njit(cache=True)
def execute(bits, active, kind, gate_id, value, fan_in, inputs, output, switch_table,
            count_patterns, pattern_counts, cand_ptr, cand_row, cand_v, err_gate, err_preset,
            flips):
    """Run every entry of a compiled program in order, in place on ``bits`` (cols, words).

    pattern_counts (n, 32) int64 and flips (n,) int64 are accumulated. For presets,
    ``flips`` counts failed writes that left a wrong value (old state != preset value).
    """
    n = kind.shape[0]
    n_words = bits.shape[1]
    masks = np.empty(32, dtype=np.uint64)
    tmp = np.empty(32, dtype=np.uint64)
    scratch = np.empty(n_words, dtype=np.uint64)
    for s in range(n):
        out = output[s]
        if kind[s] == 1:  # preset / constant write
            fill = _ZERO
            if value[s] == 1:
                fill = ~_ZERO
            for w in range(n_words):
                scratch[w] = bits[out, w]
                bits[out, w] = (scratch[w] & ~active[w]) | (fill & active[w])
            e = err_preset[value[s]]
            for j in range(cand_ptr[s], cand_ptr[s + 1]):
                r = cand_row[j]
                w = r >> 6
                b = np.uint64(r & 63)
                if ((active[w] >> b) & _ONE) == _ZERO or cand_v[j] >= e:
                    continue
                old = (scratch[w] >> b) & _ONE
                if old != np.uint64(value[s]):
                    bits[out, w] = (bits[out, w] & ~(_ONE << b)) | (old << b)
                    flips[s] += 1
            continue
        k = fan_in[s]
        g = gate_id[s]
        npat = 1 << k
        for w in range(n_words):
            masks[0] = active[w]
            size = 1
            for i in range(k):
                x = bits[inputs[s, i], w]
                for p in range(size):
                    tmp[2 * p] = masks[p] & ~x
                    tmp[2 * p + 1] = masks[p] & x
                size *= 2
                for p in range(size):
                    masks[p] = tmp[p]
            cond = _ZERO
            for p in range(npat):
                m = masks[p]
                if count_patterns:
                    pattern_counts[s, p] += popcount64(m)
                if switch_table[g, p]:
                    cond |= m
            old = bits[out, w]
            if value[s] == 1:
                bits[out, w] = old | cond
            else:
                bits[out, w] = old & ~cond
        for j in range(cand_ptr[s], cand_ptr[s + 1]):
            r = cand_row[j]
            w = r >> 6
            b = np.uint64(r & 63)
            if ((active[w] >> b) & _ONE) == _ZERO:
                continue
            p = 0
            for i in range(k):
                p = (p << 1) | np.int64((bits[inputs[s, i], w] >> b) & _ONE)
            if cand_v[j] < err_gate[g, p]:
                bits[out, w] ^= _ONE << b
                flips[s] += 1
