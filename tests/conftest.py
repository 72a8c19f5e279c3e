import os

import pytest

from llg import load_device


@pytest.fixture(scope="session")
def default_device():
    return load_device("default")


if os.environ.get("CRAMSIM_STRICT_APPROX"):
    # pytest.approx adds abs = 1e-12 by default, which swamps SI values below ~1e-6 (J, s, A,
    # m^3): such a comparison cannot fail. Strict mode drops that default (rel stays 1e-6 unless
    # given) to find them: CRAMSIM_STRICT_APPROX=1 pytest tests/test_solver.py
    _approx = pytest.approx

    def _strict_approx(expected, rel=None, abs=None, nan_ok=False):
        if abs is not None:
            return _approx(expected, rel=rel, abs=abs, nan_ok=nan_ok)
        return _approx(expected, rel=1e-6 if rel is None else rel, abs=0.0, nan_ok=nan_ok)

    pytest.approx = _strict_approx
