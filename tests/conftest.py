import os

import pytest

from llg import load_device


@pytest.fixture(scope="session")
def default_device():
    return load_device("default")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Switching data cached by the tests (cramsim explore) go to a folder of this session,
    never to the user's ~/.cache/cramsim (tests that need their own set it themselves)."""
    old = os.environ.get("CRAMSIM_CACHE_DIR")
    os.environ["CRAMSIM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cramsim-cache"))
    yield
    if old is None:
        os.environ.pop("CRAMSIM_CACHE_DIR", None)
    else:
        os.environ["CRAMSIM_CACHE_DIR"] = old


if os.environ.get("CRAMSIM_STRICT_APPROX", "1") != "0":
    # pytest.approx adds abs = 1e-12 by default, which swamps SI values below ~1e-6 (J, s, A,
    # m^3): such a comparison cannot fail. Strict mode (the default) drops that default: rel
    # stays 1e-6 unless given, abs is 0 unless given (a comparison with zero must say abs=).
    # By-hand comparisons say their own rel (1e-9 to 1e-12: floating-point round-off of the
    # same formula); statistical ones derive it from the standard error.
    # CRAMSIM_STRICT_APPROX=0 restores pytest's default.
    _approx = pytest.approx

    def _strict_approx(expected, rel=None, abs=None, nan_ok=False):
        if abs is not None:
            return _approx(expected, rel=rel, abs=abs, nan_ok=nan_ok)
        return _approx(expected, rel=1e-6 if rel is None else rel, abs=0.0, nan_ok=nan_ok)

    pytest.approx = _strict_approx
