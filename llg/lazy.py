"""Lazy package exports (PEP 562): ``from pkg import name`` imports the defining module then.

A light command (``cramsim --help``, ``cramsim device show``) must not pay for numba, scipy or
h5py, which the solver, the Fokker-Planck code and the tables import; the package ``__init__``
files therefore name their public API here instead of importing it.
"""
from __future__ import annotations

import importlib
import sys
import types


class _LazyPackage(types.ModuleType):
    """A package whose exported names win over same-named submodules.

    Importing a submodule binds it as an attribute of its package; with an eager
    ``from .operating_point import operating_point`` the function was bound afterwards and
    won. Here the export must still win (``circuits.operating_point`` is the function), so
    the import system's binding of a submodule over an exported name is skipped.
    """

    _lazy_names: frozenset = frozenset()

    def __setattr__(self, name, value):
        if isinstance(value, types.ModuleType) and name in type(self)._lazy_names:
            return
        super().__setattr__(name, value)


def lazy_exports(package: str, exports: dict[str, list[str]]):
    """``(__getattr__, __dir__)`` for ``package`` exporting ``exports`` {".module": [names]}."""
    where = {name: mod for mod, names in exports.items() for name in names}
    module = sys.modules[package]
    module.__class__ = type("LazyPackage", (_LazyPackage,), {"_lazy_names": frozenset(where)})

    def __getattr__(name: str):
        try:
            mod = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(mod, package), name)
        setattr(module, name, value)  # later look-ups are direct
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | set(where))

    return __getattr__, __dir__
