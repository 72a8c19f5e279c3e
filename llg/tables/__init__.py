"""Switching lookup tables: build them from the solver, ship them as HDF5, query them.

The circuit and array layers never run the LLG solver; they read these tables::

    from llg.tables import open_table, load_xarray
    table = open_table("default")                     # data/tables/default.h5
    table.query("wer", current=-60e-6, pulse_width=5e-9)
    ds = load_xarray("data/tables/default.h5", "switching")   # an xarray.Dataset

Modules: :mod:`.config` (TOML table config), :mod:`.schema` (HDF5 layout),
:mod:`.build` (grid -> points, process pool or Dask, checkpoint and resume),
:mod:`.query` (interpolation), :mod:`.variation` (process-variation sampling).
"""
from ..lazy import lazy_exports

# imported on first use (h5py, xarray, the solver)
__getattr__, __dir__ = lazy_exports(__name__, {
    ".build": ["build_table", "compute_point"],
    ".config": ["TableConfig", "load_config"],
    ".query": ["Axis", "Table", "load_xarray", "open_table"],
    ".schema": ["SCHEMA_VERSION"],
})

__all__ = ["Axis", "SCHEMA_VERSION", "Table", "TableConfig", "build_table", "compute_point",
           "load_config", "load_xarray", "open_table"]
