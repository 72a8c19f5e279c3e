"""Lazy package exports (PEP 562): ``from pkg import name`` imports the defining module then.

A light command (``cramsim --help``, ``cramsim device show``) must not pay for numba, scipy or
h5py, which the solver, the Fokker-Planck code and the tables import; the package ``__init__``
files therefore name their public API here instead of importing it.
"""
from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, list[str]]):
    """``(__getattr__, __dir__)`` for ``package`` exporting ``exports`` {".module": [names]}."""
    where = {name: mod for mod, names in exports.items() for name in names}

    def __getattr__(name: str):
        try:
            mod = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(mod, package), name)
        setattr(importlib.import_module(package), name, value)  # later look-ups are direct
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | set(where))

    return __getattr__, __dir__
