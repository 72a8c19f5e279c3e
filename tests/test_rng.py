"""The per-trajectory generators: reference algorithm and the normal distribution."""
import numpy as np
from scipy import stats

from llg.rng import normal_samples, seed_states, u64_samples

MASK = (1 << 64) - 1


def _xoshiro_reference(s, n):
    """xoshiro256** from Blackman & Vigna's reference C code, in Python integers."""
    s = [int(x) for x in s]
    out = []

    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    for _ in range(n):
        out.append((rotl((s[1] * 5) & MASK, 7) * 9) & MASK)
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out


def test_xoshiro_matches_reference_algorithm():
    st = seed_states(np.random.SeedSequence(7), 3)
    ref = _xoshiro_reference(st[0], 50)
    assert [int(x) for x in u64_samples(st.copy(), 50)] == ref


def test_ziggurat_normals_have_normal_distribution():
    x = normal_samples(seed_states(np.random.SeedSequence(11), 200), 5000).ravel()
    n = x.size  # 1e6
    # mean and variance within 5 standard errors
    assert abs(x.mean()) < 5 / np.sqrt(n)
    assert abs(x.var() - 1) < 5 * np.sqrt(2 / n)
    assert abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / n)
    assert stats.kstest(x, "norm").pvalue > 1e-4
    # the tail beyond the ziggurat base strip (r = 3.4426) comes from a separate branch
    r = 3.442619855899
    p_tail = 2 * stats.norm.sf(r)
    k = np.sum(np.abs(x) > r)
    assert abs(k - n * p_tail) < 5 * np.sqrt(n * p_tail)


def test_streams_are_independent():
    x = normal_samples(seed_states(np.random.SeedSequence(3), 2), 100000)
    r = np.corrcoef(x[0], x[1])[0, 1]
    assert abs(r) < 5 / np.sqrt(100000)
