"""Counter-free, per-trajectory random streams for numba kernels.

Each trajectory owns a xoshiro256** generator (Blackman & Vigna, "Scrambled linear pseudorandom
number generators", ACM TOMS 47, 36 (2021)), four uint64 words of state seeded from one
``numpy.random.SeedSequence``. Because a trajectory never touches another's stream, an ensemble
gives bit-identical results for any number of threads.

Normal deviates come from the Marsaglia-Tsang ziggurat (J. Stat. Softw. 5(8), 2000) with 128
layers; the layer index and the 32-bit value are taken from disjoint bits of one 64-bit output
(Doornik 2005's remedy for the correlation of the original ``hz & 127`` index).

All functions take and return the state as four scalars so that numba keeps it in registers.
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U5 = np.uint64(5)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U11 = np.uint64(11)
_U32 = np.uint64(32)
_U64 = np.uint64(64)
_MASK7 = np.uint64(127)
_TWO_M53 = 1.0 / 9007199254740992.0


def seed_states(seed_sequence: np.random.SeedSequence, n: int) -> np.ndarray:
    """``n`` independent xoshiro256** states (n, 4) uint64 from one SeedSequence.

    SeedSequence's hash output is designed to seed bit generators (it is how NumPy seeds its
    own); the chance that two 256-bit states of one run overlap within a simulation is nil.
    """
    state = seed_sequence.generate_state(4 * n, np.uint64).reshape(n, 4)
    state[np.all(state == 0, axis=1), 0] = np.uint64(1)  # the all-zero state is a fixed point
    return state


@nb.njit(inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@nb.njit(inline="always")
def next_u64(s0, s1, s2, s3):
    """One xoshiro256** step: returns (output, s0, s1, s2, s3)."""
    result = _rotl(s1 * _U5, _U7) * _U9
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _U45)
    return result, s0, s1, s2, s3


@nb.njit(inline="always")
def next_uniform(s0, s1, s2, s3):
    """Uniform double in the open interval (0, 1): returns (u, s0, s1, s2, s3)."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    return ((r >> _U11) + 0.5) * _TWO_M53, s0, s1, s2, s3


def _ziggurat_tables():
    """Marsaglia & Tsang (2000) 128-layer tables for the standard normal."""
    m1 = 2147483648.0
    dn = 3.442619855899
    tn = dn
    vn = 9.91256303526217e-3
    kn = np.zeros(128)
    wn = np.zeros(128)
    fn = np.zeros(128)
    q = vn / math.exp(-0.5 * dn * dn)
    kn[0] = (dn / q) * m1
    kn[1] = 0.0
    wn[0] = q / m1
    wn[127] = dn / m1
    fn[0] = 1.0
    fn[127] = math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = (dn / tn) * m1
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return np.floor(kn), wn, fn


_KN, _WN, _FN = _ziggurat_tables()
_ZIG_R = 3.442619855899


@nb.njit(inline="always")
def _signed32(r):
    hz = np.int64(r >> _U32)
    if hz >= 2147483648:
        hz -= 4294967296
    return hz


@nb.njit
def _normal_slow(hz, iz, s0, s1, s2, s3):
    # Rejection branch of the ziggurat: the base strip's tail or a wedge (about 1 % of calls).
    while True:
        x = hz * _WN[iz]
        if iz == 0:
            while True:
                u1, s0, s1, s2, s3 = next_uniform(s0, s1, s2, s3)
                u2, s0, s1, s2, s3 = next_uniform(s0, s1, s2, s3)
                x = -math.log(u1) / _ZIG_R
                y = -math.log(u2)
                if y + y >= x * x:
                    break
            return (_ZIG_R + x if hz > 0 else -_ZIG_R - x), s0, s1, s2, s3
        u, s0, s1, s2, s3 = next_uniform(s0, s1, s2, s3)
        if _FN[iz] + u * (_FN[iz - 1] - _FN[iz]) < math.exp(-0.5 * x * x):
            return x, s0, s1, s2, s3
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        hz = _signed32(r)
        iz = np.int64(r & _MASK7)
        if abs(hz) < _KN[iz]:
            return hz * _WN[iz], s0, s1, s2, s3


@nb.njit(inline="always")
def next_normal(s0, s1, s2, s3):
    """Standard normal deviate: returns (x, s0, s1, s2, s3)."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    hz = _signed32(r)
    iz = np.int64(r & _MASK7)
    if abs(hz) < _KN[iz]:
        return hz * _WN[iz], s0, s1, s2, s3
    return _normal_slow(hz, iz, s0, s1, s2, s3)


@nb.njit(parallel=True)
def normal_samples(state, n_per_stream):
    """``n_per_stream`` normals from each stream (rows of ``state``, advanced in place)."""
    n = state.shape[0]
    out = np.empty((n, n_per_stream))
    for i in nb.prange(n):
        s0, s1, s2, s3 = state[i, 0], state[i, 1], state[i, 2], state[i, 3]
        for j in range(n_per_stream):
            out[i, j], s0, s1, s2, s3 = next_normal(s0, s1, s2, s3)
        state[i, 0], state[i, 1], state[i, 2], state[i, 3] = s0, s1, s2, s3
    return out


@nb.njit
def u64_samples(state, n):
    """``n`` raw outputs of the first stream (for testing against the reference algorithm)."""
    out = np.empty(n, dtype=np.uint64)
    s0, s1, s2, s3 = state[0, 0], state[0, 1], state[0, 2], state[0, 3]
    for j in range(n):
        out[j], s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    state[0, 0], state[0, 1], state[0, 2], state[0, 3] = s0, s1, s2, s3
    return out
