"""Deterministic seed derivation.

``SeedSequence.spawn`` advances a counter inside the object, so spawning twice from the same
object gives different children: passing one SeedSequence to two calls would then give two
different results. :func:`child` derives a child from the seed and an explicit key instead,
without touching the parent, so a call's result depends only on its arguments.
"""
from __future__ import annotations

import numpy as np


def as_seed_sequence(seed) -> np.random.SeedSequence:
    """``seed`` (int, None is refused, or SeedSequence) as a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    from .errors import ParameterError

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed = {seed!r} must be a non-negative integer or a "
                             "numpy SeedSequence")
    return np.random.SeedSequence(int(seed))


def child(seed, *keys: int) -> np.random.SeedSequence:
    """The child of ``seed`` at spawn key ``keys`` (pure: the parent is not modified)."""
    base = as_seed_sequence(seed)
    return np.random.SeedSequence(base.entropy, spawn_key=tuple(base.spawn_key) + keys,
                                  pool_size=base.pool_size)
