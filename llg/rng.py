"""Counter-free, per-trajectory random streams for numba kernels.

Each trajectory owns a xoshiro256** generator (Blackman & Vigna, "Scrambled linear pseudorandom
number generators", ACM TOMS 47, 36 (2021)), four uint64 words of state seeded from one
``numpy.random.SeedSequence``. Because a trajectory never touches another's stream, an ensemble
gives bit-identical results for any number of threads.

Normal deviates come from the Marsaglia-Tsang ziggurat (J. Stat. Softw. 5(8), 2000) with 1024
layers (see ZIG_LAYERS); the layer index and the 32-bit value are taken from disjoint bits of
one 64-bit output (Doornik 2005's remedy for the correlation of the original ``hz & 127``
index).

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


#: Number of ziggurat layers. 1024 instead of Marsaglia & Tsang's 128: the fast path then takes
#: 99.57 % of the draws instead of 97.24 %, which matters once the fast path is vectorized
#: across trajectories and the rare rejections are handled one lane at a time. Tables: 24 KiB.
ZIG_LAYERS = 1024


def _ziggurat_tables(n=ZIG_LAYERS):
    """Marsaglia & Tsang (2000) tables for the standard normal with ``n`` equal-area layers.

    The base-strip edge r solves "the n-th layer closes exactly at f = 1" (bisection); for
    n = 128 this reproduces Marsaglia & Tsang's r = 3.442619855899 and v = 9.91256303526217e-3.
    """
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731

    def layers(r):
        v = r * f(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
        x = [r]
        for _ in range(n - 2):
            y = v / x[-1] + f(x[-1])
            if y >= 1.0:
                return None, v
            x.append(math.sqrt(-2.0 * math.log(y)))
        return x, v

    lo, hi = 2.0, 8.0
    for _ in range(200):
        r = 0.5 * (lo + hi)
        x, v = layers(r)
        if x is None or x[-1] * (1.0 - f(x[-1])) <= v:
            lo = r
        else:
            hi = r
    r = 0.5 * (lo + hi)
    x, v = layers(r)
    m1 = 2147483648.0
    kn = np.zeros(n)
    wn = np.zeros(n)
    fn = np.zeros(n)
    edge = np.zeros(n)  # right edge of layer i; layer n-1 sits on the base strip
    edge[n - 1] = r
    for i in range(n - 2, 0, -1):
        edge[i] = x[n - 1 - i]
    q = v / f(r)
    kn[0] = math.floor((r / q) * m1)
    wn[0] = q / m1
    fn[0] = 1.0
    for i in range(1, n):
        wn[i] = edge[i] / m1
        fn[i] = f(edge[i])
    for i in range(2, n):
        kn[i] = math.floor((edge[i - 1] / edge[i]) * m1)
    return kn, wn, fn, r


_KN, _WN, _FN, _ZIG_R = _ziggurat_tables()
_LAYER_MASK = np.uint64(ZIG_LAYERS - 1)


@nb.njit(inline="always")
def _signed32(r):
    hz = np.int64(r >> _U32)
    if hz >= 2147483648:
        hz -= 4294967296
    return hz


@nb.njit
def _normal_slow(hz, iz, s0, s1, s2, s3):
    # Rejection branch of the ziggurat: the base strip's tail or a wedge (0.43 % of calls).
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
        iz = np.int64(r & _LAYER_MASK)
        if abs(hz) < _KN[iz]:
            return hz * _WN[iz], s0, s1, s2, s3


@nb.njit(inline="always")
def next_normal(s0, s1, s2, s3):
    """Standard normal deviate: returns (x, s0, s1, s2, s3)."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    hz = _signed32(r)
    iz = np.int64(r & _LAYER_MASK)
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


@nb.njit(inline="always")
def normals_block(S, X, HZ, IZ, OK, n):
    """One standard normal per lane j < n into X[j], from stream S[:, j] (advanced in place).

    Exactly the stream of :func:`next_normal`: the ziggurat's fast path for all lanes in one
    branch-free loop (vectorized across lanes), then the rare rejections lane by lane.
    """
    for j in range(n):
        r, s0, s1, s2, s3 = next_u64(S[0, j], S[1, j], S[2, j], S[3, j])
        S[0, j] = s0
        S[1, j] = s1
        S[2, j] = s2
        S[3, j] = s3
        # the signed 32-bit value through int32 -> double, which AVX2 converts in vectors
        # (int64 -> double needs AVX-512DQ); the same value as _signed32 exactly
        hz = np.int32(r >> _U32)
        hf = np.float64(hz)
        iz = np.int64(r & _LAYER_MASK)
        X[j] = hf * _WN[iz]
        HZ[j] = hz
        IZ[j] = iz
        OK[j] = abs(hf) < _KN[iz]
    n_ok = 0
    for j in range(n):
        n_ok += OK[j]
    if n_ok < n:
        for j in range(n):
            if not OK[j]:
                X[j], S[0, j], S[1, j], S[2, j], S[3, j] = _normal_slow(
                    HZ[j], IZ[j], S[0, j], S[1, j], S[2, j], S[3, j])
