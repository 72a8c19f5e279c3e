"""HDF5 layout of a switching table: groups, datasets, attributes, schema version.

Layout (schema version 1), readable by a stranger with h5py or xarray::

    /                       attrs: format = "cramsim-switching-table", schema_version,
                            provenance (cramsim_version, git_revision, created, config_toml,
                            device_toml, device_sha256, seed, seed_scheme, solver, dt,
                            trials, n_devices, sigma_rel, wer_solver, retention_solver, ...)
    /switching              p_switch, p_switch_ci_low, p_switch_ci_high,
                            mean_switching_time, trials, switched, effective_trials
    /wer                    wer, wer_ci_low, wer_ci_high, wer_method
    /energy                 write_energy, write_energy_std
    /device                 delta, ic0, critical_current, tau_d, retention_time, r_p,
                            r_ap (over bias_voltage); with process variation each has a
                            ``_std`` companion (spread over sampled devices)

Every point dataset has dimensions ``(direction, temperature, [variation], pulse_width,
current | voltage)``. Each group holds its own copies of the axes as HDF5 dimension scales
(h5py ``make_scale``), so every group opens on its own as a complete, self-describing
dataset: ``xarray.open_dataset(path, engine="h5netcdf", group="switching")``. Every dataset
(axes included) carries ``units`` and ``long_name``.

Quantities are declared once below (unit, long name, interpolation space, monotonicity);
the writer, the reader, ``table info`` and the docs use these declarations.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..outputs import atomic_output  # noqa: F401  (the one atomic writer; re-exported)

FORMAT = "cramsim-switching-table"
SCHEMA_VERSION = 1
CHECKPOINT_FORMAT = "cramsim-table-checkpoint"


@dataclass(frozen=True)
class Quantity:
    """One stored quantity.

    space: interpolation space, "linear" or "log" (log10 of the value); None: not
    interpolated (counts, method flags). monotone: +1 non-decreasing / -1 non-increasing in
    the amplitude axis (enforced before interpolation), 0 none.
    """

    name: str
    group: str
    unit: str
    long_name: str
    space: str | None = "linear"
    monotone: int = 0
    dtype: str = "f8"


_P = "switching probability: fraction of trajectories ending in the target well"
POINT_QUANTITIES = (
    Quantity("p_switch", "switching", "1", _P, "linear", +1),
    Quantity("p_switch_ci_low", "switching", "1", "lower end of the 95 % Wilson interval "
             "of p_switch", "linear", +1),
    Quantity("p_switch_ci_high", "switching", "1", "upper end of the 95 % Wilson interval "
             "of p_switch", "linear", +1),
    Quantity("mean_switching_time", "switching", "s", "mean first equator-crossing time of "
             "the switched trajectories, from the pulse start (NaN where none switched)",
             "log", 0),
    Quantity("trials", "switching", "1", "trajectories simulated", None, 0, "i8"),
    Quantity("switched", "switching", "1", "trajectories that switched", None, 0, "i8"),
    Quantity("effective_trials", "switching", "1", "binomial-equivalent sample size behind "
             "the interval (= trials without process variation)", None, 0),
    Quantity("wer", "wer", "1", "write error rate: probability that the pulse did not "
             "switch the free layer", "log", -1),
    Quantity("wer_ci_low", "wer", "1", "lower bound of wer: 95 % Wilson interval (Monte "
             "Carlo) or discretization-error bound (Fokker-Planck)", "log", -1),
    Quantity("wer_ci_high", "wer", "1", "upper bound of wer: 95 % Wilson interval (Monte "
             "Carlo) or discretization-error bound (Fokker-Planck)", "log", -1),
    Quantity("wer_method", "wer", "1", "0: Monte Carlo, wer = 1 - p_switch with the Wilson "
             "interval; 1: Fokker-Planck solution (deterministic)", None, 0, "i1"),
    Quantity("write_energy", "energy", "J", "mean energy drawn from the source over the "
             "pulse", "linear", 0),
    Quantity("write_energy_std", "energy", "J", "standard deviation of the write energy "
             "over trajectories (and sampled devices)", "linear", 0),
)
QUANTITIES = {q.name: q for q in POINT_QUANTITIES}
POINT_GROUPS = ("switching", "wer", "energy")

#: Device scalars: name -> (unit, long_name, extra dims besides temperature/variation).
DEVICE_QUANTITIES = {
    "delta": ("1", "thermal stability factor E_b / (k_B T)", ("temperature",)),
    "ic0": ("A", "zero-temperature critical current of the constant-efficiency model",
            ("temperature",)),
    "critical_current": ("A", "zero-temperature critical current for the switching "
                         "direction (tunnel efficiency: Ic0 (1 -+ eta^2))",
                         ("direction", "temperature")),
    "tau_d": ("s", "characteristic time (1 + alpha^2) / (alpha gamma mu0 H_K)",
              ("temperature",)),
    "retention_time": ("s", "mean thermal escape time from one well at zero current",
                       ("temperature",)),
    "r_p": ("ohm", "parallel-state resistance at zero bias", ()),
    "r_ap": ("ohm", "antiparallel-state resistance at bias V: R_P (1 + TMR(V))",
             ("bias_voltage",)),
}

_COMPRESS = dict(compression="gzip", compression_opts=4, shuffle=True)


def _axis_attrs(name: str) -> dict:
    from .config import AXES

    unit, long_name, _ = AXES[name]
    return {"units": unit, "long_name": long_name}


def _write_axes(group, axes: dict) -> dict:
    scales = {}
    for name, values in axes.items():
        if name == "direction":
            data = np.array(values, dtype=object)
            ds = group.create_dataset(name, data=data, dtype=_str_dtype())
        else:
            ds = group.create_dataset(name, data=np.asarray(values, dtype=float))
        for k, v in _axis_attrs(name).items():
            ds.attrs[k] = v
        ds.make_scale(name)
        scales[name] = ds
    return scales


def _str_dtype():
    import h5py

    return h5py.string_dtype()


def _write_var(group, scales, name, dims, data, unit, long_name, dtype="f8", extra=None):
    data = np.asarray(data, dtype=dtype)
    kw = _COMPRESS if data.size >= 64 else {}
    ds = group.create_dataset(name, data=data, **kw)
    ds.attrs["units"] = unit
    ds.attrs["long_name"] = long_name
    for k, v in (extra or {}).items():
        ds.attrs[k] = v
    for i, d in enumerate(dims):
        ds.dims[i].attach_scale(scales[d])
    return ds


def write_table(path: Path, cfg, point_data: dict, device_data: dict, attrs: dict) -> None:
    """Write the table to ``path`` atomically (temporary file in the same folder, then
    ``os.replace``): a reader sees the old file or the new one, never a partial one."""
    import h5py

    dims = cfg.dims
    point_axes = {d: cfg.axes[d] for d in dims}
    with atomic_output(path) as tmp:
        with h5py.File(tmp, "w", track_order=True) as f:
            f.attrs["format"] = FORMAT
            f.attrs["schema_version"] = SCHEMA_VERSION
            for k, v in attrs.items():
                f.attrs[k] = v
            for gname in POINT_GROUPS:
                g = f.create_group(gname, track_order=True)
                g.attrs["long_name"] = {"switching": "switching probability and time",
                                        "wer": "write error rate",
                                        "energy": "write energy"}[gname]
                scales = _write_axes(g, point_axes)
                for q in POINT_QUANTITIES:
                    if q.group == gname:
                        extra = {"interpolation": q.space or "none",
                                 "monotone_in_amplitude": q.monotone}
                        _write_var(g, scales, q.name, dims, point_data[q.name], q.unit,
                                   q.long_name, q.dtype, extra)
            g = f.create_group("device", track_order=True)
            g.attrs["long_name"] = "per-device scalars"
            dev_axes = {"direction": cfg.axes["direction"],
                        "temperature": cfg.axes["temperature"]}
            if cfg.has_variation:
                dev_axes["variation"] = cfg.axes["variation"]
            dev_axes["bias_voltage"] = cfg.bias_voltage
            scales = _write_axes(g, dev_axes)
            for name, (unit, long_name, extra_dims) in DEVICE_QUANTITIES.items():
                ddims = device_dims(extra_dims, cfg.has_variation)
                _write_var(g, scales, name, ddims, device_data[name], unit, long_name)
                if cfg.has_variation:
                    _write_var(g, scales, name + "_std", ddims, device_data[name + "_std"],
                               unit, f"standard deviation of {name} over sampled devices")


def device_dims(extra_dims: tuple, has_variation: bool) -> tuple:
    """Dimensions of a device dataset: its own, with ``variation`` after ``temperature``."""
    dims = []
    for d in extra_dims:
        dims.append(d)
        if d == "temperature" and has_variation:
            dims.append("variation")
    if has_variation and "temperature" not in extra_dims:
        dims.insert(0, "variation")
    return tuple(dims)


def open_hdf5(path: Path, *, what: str = "table file", kind: str = "cramsim table",
              fmt: str = FORMAT, version_attr: str = "schema_version",
              max_version: int = SCHEMA_VERSION):
    """Open ``path`` read-only (h5py.File) as a cramsim HDF5 file whose root attribute
    ``format`` is ``fmt`` and whose ``version_attr`` is an integer in 1..``max_version``, with
    one clear ParameterError for a missing, truncated, foreign or too-new file. Shared by the
    tables and the explore results (arrays.explore.store)."""
    import h5py

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{what} {str(path)!r} not found")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise ParameterError(f"{what} {path} is not a readable HDF5 file (truncated, "
                             f"damaged or not HDF5): {exc}") from None
    try:
        found = f.attrs.get("format")
        if isinstance(found, bytes):
            found = found.decode()
        if found != fmt:
            raise ParameterError(f"{what} {path} is HDF5 but not a {kind}: root "
                                 f"attribute 'format' is {found!r}, expected {fmt!r}")
        version = f.attrs.get(version_attr)
        if version is None or not np.issubdtype(np.asarray(version).dtype, np.integer):
            raise ParameterError(f"{what} {path}: missing or invalid {version_attr!r}")
        version = int(version)
        if version > max_version:
            raise ParameterError(
                f"{what} {path} has {version_attr.replace('_', ' ')} {version}, newer than "
                f"this cramsim reads (up to {max_version}); upgrade cramsim to read it")
        if version < 1:
            raise ParameterError(f"{what} {path}: {version_attr} = {version} is invalid "
                                 "(versions start at 1)")
    except BaseException:
        f.close()
        raise
    return f


def open_checked(path: Path):
    """Open ``path`` read-only as a cramsim table (h5py.File), with clear errors for a
    missing, truncated or foreign file or a schema version from the future."""
    f = open_hdf5(path)
    try:
        for g in POINT_GROUPS + ("device",):
            if g not in f:
                raise ParameterError(f"table file {path}: group '/{g}' is missing (damaged "
                                     "or foreign table)")
    except BaseException:
        f.close()
        raise
    return f
