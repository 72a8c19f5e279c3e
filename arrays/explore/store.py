"""The sweep's result dataset (HDF5, xarray-openable) and its per-design checkpoint.

Layout: one coordinate dataset per swept axis (a dimension scale with ``units`` and
``long_name``), then one dataset per quantity with dims = the axes in config order
(``units``, ``long_name``, ``DIMENSION_LIST``): the per-design scalars, ``<q>__<gate>`` and
``<q>__<workload>`` (:mod:`.chain`), ``feasible`` (int8) with ``reason`` (text) next to it and
``design_hash``. Root attributes: title, config text and fingerprint, target error,
retention constraint, workloads, gates, cramsim version and git revision. Build statistics
(seconds, workers, reused designs) sit in the ``build`` group's attributes, the only part
that depends on how the sweep was run. Written atomically (temporary file, then rename).

The checkpoint is the table build's (:class:`llg.tables.checkpoint.Checkpoint`: one JSON line
per finished design, floats written with ``repr`` so a resumed sweep reproduces the data bit for
bit); :class:`SweepCheckpoint` only changes what a complete line holds.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from llg.tables.checkpoint import Checkpoint
from llg.tables.schema import atomic_output

FORMAT = "cramsim-explore"
FORMAT_VERSION = 1


class SweepCheckpoint(Checkpoint):
    """A checkpoint whose lines are design records (floats, ``reason`` and ``hash``)."""

    @classmethod
    def valid_values(cls, values) -> bool:
        return isinstance(values, dict) and "reason" in values and "hash" in values


def _h5_attrs(obj, attrs: dict) -> None:
    for k, v in attrs.items():
        obj.attrs[k] = v if isinstance(v, (int, float, str)) else json.dumps(v)


def write_result(out: Path, cfg, gates: tuple, records: list, quantities: dict,
                 provenance: dict, build: dict) -> None:
    """Write the dataset of ``records`` (in design order) to ``out`` atomically."""
    import h5py

    shape = cfg.shape
    with atomic_output(Path(out)) as tmp, h5py.File(tmp, "w", track_order=True) as f:
        _h5_attrs(f, {"title": f"cramsim explore: {cfg.name}", "format": FORMAT,
                      "format_version": FORMAT_VERSION, "dims": list(cfg.dims),
                      "gates": list(gates), **provenance})
        scales = []
        for axis, values in cfg.axes.items():
            d = f.create_dataset(axis, data=np.asarray(values, dtype=float), track_times=False)
            d.attrs["units"], d.attrs["long_name"] = cfg.unit(axis), cfg.long_name(axis)
            d.make_scale(axis)
            scales.append(d)
        for q, (unit, long_name) in quantities.items():
            data = np.array([r[q] for r in records], dtype=float).reshape(shape)
            if q in ("feasible", "meets_retention", "meets_area"):
                data = data.astype(np.int8)
            _quantity(f, q, data, unit, long_name, scales)
        for q, long_name in (("reason", "why a design is infeasible or not evaluated"),
                             ("design_hash", "sha256 of the design's device and settings")):
            key = "hash" if q == "design_hash" else q
            data = np.array([r[key] for r in records], dtype=object).reshape(shape)
            _quantity(f, q, data, "", long_name, scales, text=True)
        g = f.create_group("build")
        _h5_attrs(g, build)


def _quantity(f, name, data, unit, long_name, scales, text=False) -> None:
    import h5py

    kw = {"dtype": h5py.string_dtype()} if text else {}
    d = f.create_dataset(name, data=data, track_times=False, **kw)
    d.attrs["units"], d.attrs["long_name"] = unit, long_name
    for k, s in enumerate(scales):
        d.dims[k].attach_scale(s)


def read_result(path: Path) -> dict:
    """The dataset as plain arrays: {"attrs", "axes": {name: (values, unit)}, "data":
    {name: array}, "units": {name: unit}, "dims"}; a missing, damaged, foreign or too-new
    file gets one ParameterError (:func:`llg.tables.schema.open_hdf5`)."""
    import h5py

    from llg.tables.schema import open_hdf5

    with open_hdf5(Path(path), what="result file", kind="cramsim explore result",
                   fmt=FORMAT, version_attr="format_version",
                   max_version=FORMAT_VERSION) as f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        dims = json.loads(attrs["dims"])
        axes = {a: (f[a][()], f[a].attrs["units"]) for a in dims}
        data, units = {}, {}
        for k in f:
            if k in dims or k == "build":
                continue
            ds = f[k]
            data[k] = ds.asstr()[()] if h5py.check_string_dtype(ds.dtype) else ds[()]
            units[k] = f[k].attrs["units"]
    return {"attrs": attrs, "axes": axes, "data": data, "units": units, "dims": dims}


def workload_error(res: dict, workload: str) -> np.ndarray:
    """Max gate error over the gates ``workload`` uses, from :func:`read_result`'s dict (NaN
    where any of them is NaN)."""
    gates = json.loads(res["attrs"]["workload_gates"])[workload]
    return np.max([res["data"][f"max_gate_error__{g}"] for g in gates], axis=0)
