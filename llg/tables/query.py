"""Read a switching table and query it anywhere inside its grid.

>>> from llg.tables import open_table                                  # doctest: +SKIP
>>> t = open_table("data/tables/default.h5")                           # doctest: +SKIP
>>> t.query("p_switch", current=-60e-6, pulse_width=7e-9)              # doctest: +SKIP
>>> t.query(["wer", "write_energy"], current=[-4e-5, 5e-5], pulse_width=1e-8)  # doctest: +SKIP
>>> t.query("p_switch", current=-1.0, pulse_width=1e-8)                # doctest: +SKIP
Traceback (most recent call last):
llg.errors.ParameterError: current = 1 A is outside the table's current axis: ...

Interpolation (why each choice):

* amplitude (current or voltage, the last axis): PCHIP, monotone piecewise cubic. P_sw is
  non-decreasing and WER non-increasing in |I| physically; Monte Carlo noise can break that
  by a fraction of an interval, so before interpolating these families are made monotone by
  weighted isotonic regression (weights = trials; the maximum-likelihood monotone estimate).
  Where the stored values are already monotone they are returned unchanged at grid points.
* pulse width: linear in log(width) (tables span decades of width); temperature and the
  variation scale: linear. Linear weights are a convex combination, so monotonicity in the
  amplitude survives them; the amplitude interpolation is done last.
* WER, its interval and the switching time are interpolated in log10 space (they span many
  decades). A Monte Carlo WER of exactly 0 (no failure among n trials) enters as half a
  count, 0.5 / n: the table cannot resolve smaller error rates there (``wer_ci_high`` is the
  honest bound).
* The direction is not interpolated: the sign of ``current`` (or ``voltage``) selects it,
  negative = P-AP, positive = AP-P (the solver's convention).

Outside the grid a query raises :class:`~llg.errors.ParameterError` naming the axis, the
value and the range; ``extrapolate=True`` instead holds the edge value (constant
extrapolation, the only choice that keeps probabilities in [0, 1] and monotone).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..switching import DIRECTIONS
from .config import AXES
from .interp import bracket, isotonic_rows, pchip_rows
from .schema import POINT_GROUPS, POINT_QUANTITIES, QUANTITIES, open_checked

#: Relative slack when checking that a query lies on the grid (float round-off).
_EDGE_RTOL = 1e-9
#: Floor of a log-space value that is exactly zero and has no trial count (FP underflow).
_TINY = np.finfo(float).tiny


@dataclass(frozen=True)
class Axis:
    """One table axis: name, unit, long name and its grid values."""

    name: str
    unit: str
    long_name: str
    values: tuple

    def describe(self) -> dict:
        if self.name == "direction":
            return {"name": self.name, "unit": self.unit, "long_name": self.long_name,
                    "values": list(self.values), "n": len(self.values)}
        return {"name": self.name, "unit": self.unit, "long_name": self.long_name,
                "min": float(self.values[0]), "max": float(self.values[-1]),
                "n": len(self.values)}


def _decode(v):
    return v.decode() if isinstance(v, bytes) else v


def _attr_value(v):
    v = _decode(v)
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


class Table:
    """An open switching table, held in memory (tables are small). See the module doc."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with open_checked(self.path) as f:
            try:
                self.schema_version = int(f.attrs["schema_version"])
                self.attrs = {k: _attr_value(v) for k, v in f.attrs.items()}
                g = f["switching"]
                ref = g["p_switch"]
                self.dims = tuple(ref.dims[i][0].name.split("/")[-1] for i in range(ref.ndim))
                self.axes = {d: self._read_axis(g[d]) for d in self.dims}
                self.data = {}
                for q in POINT_QUANTITIES:
                    ds = f[q.group][q.name]
                    if ds.shape != self.shape:
                        raise ParameterError(f"table file {self.path}: {q.group}/{q.name} has "
                                             f"shape {ds.shape}, expected {self.shape}")
                    self.data[q.name] = ds[()]
                    _check_probabilities(self.path, q, self.data[q.name])
                dg = f["device"]
                self.device_axes = {k: self._read_axis(dg[k]) for k in dg if dg[k].is_scale}
                self.device = {}
                for name in dg:
                    if name in self.device_axes:
                        continue
                    ds = dg[name]
                    dims = tuple(ds.dims[i][0].name.split("/")[-1] for i in range(ds.ndim))
                    self.device[name] = (dims, ds[()], _decode(ds.attrs.get("units", "")))
            except ParameterError:
                raise
            except (KeyError, OSError, IndexError, ValueError, TypeError) as exc:
                raise ParameterError(f"table file {self.path} is damaged or incomplete "
                                     f"({type(exc).__name__}: {exc})") from None
        self.amplitude = self.dims[-1]
        if self.amplitude not in ("current", "voltage") or "direction" not in self.dims:
            raise ParameterError(f"table file {self.path}: unexpected dimensions {self.dims}")
        self._prepared = {}

    @staticmethod
    def _read_axis(ds) -> Axis:
        name = ds.name.split("/")[-1]
        raw = ds[()]
        values = tuple(_decode(v) for v in raw) if name == "direction" else \
            tuple(float(v) for v in raw)
        unit, long_name, _ = AXES.get(name, ("", "", None))
        return Axis(name, _decode(ds.attrs.get("units", unit)),
                    _decode(ds.attrs.get("long_name", long_name)), values)

    # -- description -----------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return tuple(len(self.axes[d].values) for d in self.dims)

    @property
    def quantities(self) -> list[str]:
        """Point quantities that :meth:`query` interpolates."""
        return [q.name for q in POINT_QUANTITIES if q.space is not None]

    def info(self) -> dict:
        """Axes, quantities, schema version and provenance (what ``table info`` prints)."""
        prov = {k: v for k, v in self.attrs.items() if k not in ("format", "schema_version")}
        return {
            "path": str(self.path), "format": self.attrs.get("format"),
            "schema_version": self.schema_version,
            "axes": [self.axes[d].describe() for d in self.dims],
            "quantities": [{"name": q.name, "group": q.group, "unit": q.unit,
                            "long_name": q.long_name, "dims": list(self.dims),
                            "interpolation": q.space or "none"} for q in POINT_QUANTITIES],
            "device_quantities": [{"name": k, "group": "device", "unit": u, "dims": list(d)}
                                  for k, (d, _, u) in self.device.items()],
            "device_axes": [a.describe() for a in self.device_axes.values()],
            "provenance": prov,
        }

    # -- querying --------------------------------------------------------------------------
    def _prepared_values(self, name: str, monotone: bool) -> np.ndarray:
        """The array that is interpolated: monotone (if asked) and in its space."""
        key = (name, monotone)
        if key in self._prepared:
            return self._prepared[key]
        q = QUANTITIES[name]
        y = self.data[name].astype(float)
        if monotone and q.monotone:
            y = isotonic_rows(y, self.data["trials"].astype(float), increasing=q.monotone > 0)
        if q.space == "log":
            floor = np.full(y.shape, _TINY)
            if q.group == "wer":  # Monte Carlo zeros: half a count
                mc = self.data["wer_method"] == 0
                floor = np.where(mc, 0.5 / self.data["trials"], floor)
            with np.errstate(invalid="ignore"):
                # NaN (no switched trajectory: no switching time) stays NaN
                y = np.where(np.isnan(y), np.nan, np.log10(np.where(y > 0, y, floor)))
        self._prepared[key] = y
        return y

    def _check_axis(self, name: str, x: np.ndarray, extrapolate: bool,
                    signed: np.ndarray | None = None) -> np.ndarray:
        ax = self.axes[name]
        lo, hi = ax.values[0], ax.values[-1]
        if not np.all(np.isfinite(x)):
            raise ParameterError(f"{name} contains a non-finite value")
        slack = _EDGE_RTOL * max(abs(lo), abs(hi))
        outside = (x < lo - slack) | (x > hi + slack)
        if outside.any() and not extrapolate:
            k = int(np.argmax(outside))
            unit = f" {ax.unit}" if ax.unit and ax.unit != "1" else ""
            rng = f"[{lo:g}, {hi:g}]{unit}" if len(ax.values) > 1 else f"{lo:g}{unit} only"
            shown = f"{float(x[k]):g}{unit}" if signed is None else \
                f"{float(signed[k]):g}{unit} (magnitude {float(x[k]):g}{unit})"
            what = "" if signed is None else " (magnitudes)"
            raise ParameterError(
                f"{name} = {shown} is outside the table's {name} axis{what}: {rng} "
                f"({len(ax.values)} points); extrapolate=True (`cramsim table query "
                "--extrapolate`) holds the edge value instead")
        return np.clip(x, lo, hi)

    def _inputs(self, current, voltage, pulse_width, temperature, variation, direction,
                extrapolate):
        amp_name = self.amplitude
        amp = current if amp_name == "current" else voltage
        other = voltage if amp_name == "current" else current
        if other is not None:
            wrong = "voltage" if amp_name == "current" else "current"
            raise ParameterError(f"this table's amplitude axis is {amp_name}; query with "
                                 f"{amp_name}=..., not {wrong}")
        if amp is None:
            raise ParameterError(f"{amp_name} is required ({AXES[amp_name][0]}, signed: "
                                 "negative for P-AP, positive for AP-P)")
        if pulse_width is None:
            raise ParameterError("pulse_width is required (s)")
        given = {"temperature": temperature, "variation": variation}
        for name, v in given.items():
            if v is not None and name not in self.dims:
                raise ParameterError(f"this table has no {name} axis (axes: "
                                     f"{', '.join(self.dims)})")
        arrays = {amp_name: amp, "pulse_width": pulse_width,
                  **{k: v for k, v in given.items() if k in self.dims}}
        for name in list(arrays):
            if arrays[name] is None:
                ax = self.axes[name]
                if len(ax.values) > 1:
                    raise ParameterError(
                        f"{name} is required: the table has {len(ax.values)} values in "
                        f"[{ax.values[0]:g}, {ax.values[-1]:g}] {ax.unit}")
                arrays[name] = ax.values[0]
        try:
            arrays = dict(zip(arrays, np.broadcast_arrays(
                *[np.asarray(v, dtype=float) for v in arrays.values()])))
        except ValueError:
            raise ParameterError("query inputs have shapes that do not broadcast: " + ", ".join(
                f"{k} {np.shape(v)}" for k, v in arrays.items())) from None
        shape = arrays[amp_name].shape
        flat = {k: v.ravel() for k, v in arrays.items()}
        signed = flat[amp_name]
        if not np.all(np.isfinite(signed)):
            raise ParameterError(f"{amp_name} contains a non-finite value")
        if np.any(signed == 0):
            raise ParameterError(f"{amp_name} = 0 is invalid: give a signed value (negative "
                                 "drives P -> AP, positive AP -> P)")
        dirs_needed = np.where(signed < 0, "P-AP", "AP-P")
        if direction is not None:
            if direction not in DIRECTIONS:
                raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                                     f"{', '.join(DIRECTIONS)}")
            if np.any(dirs_needed != direction):
                need = "negative" if DIRECTIONS[direction][1] < 0 else "positive"
                raise ParameterError(f"direction {direction} needs a {need} {amp_name} "
                                     "(positive drives AP -> P); got the opposite sign")
        table_dirs = self.axes["direction"].values
        missing = sorted(set(dirs_needed.tolist()) - set(table_dirs))
        if missing:
            raise ParameterError(
                f"direction {missing[0]} (the sign of {amp_name}) is not in this table, which "
                f"has {', '.join(table_dirs)}; negative {amp_name} means P-AP, positive AP-P")
        d_idx = np.array([table_dirs.index(d) for d in dirs_needed], dtype=np.intp) \
            if len(table_dirs) > 1 else np.zeros(signed.size, dtype=np.intp)
        flat[amp_name] = np.abs(signed)
        for name in flat:
            flat[name] = self._check_axis(name, flat[name], extrapolate,
                                          signed if name == amp_name else None)
        return shape, d_idx, flat

    def _interpolate(self, y: np.ndarray, d_idx, flat) -> np.ndarray:
        """Linear in (temperature, variation, log pulse width), then PCHIP in amplitude."""
        lin_dims = [d for d in self.dims[1:-1]]
        brackets = []
        for d in lin_dims:
            grid = np.asarray(self.axes[d].values)
            xq = flat[d]
            if d == "pulse_width":
                grid, xq = np.log(grid), np.log(xq)
            j, t = bracket(grid, xq)
            j1 = np.minimum(j + 1, grid.size - 1)
            brackets.append((j, j1, t))
        q = d_idx.size
        lines = np.zeros((q, y.shape[-1]))
        for corner in range(2 ** len(lin_dims)):
            idx, w = [d_idx], np.ones(q)
            for k, (j, j1, t) in enumerate(brackets):
                upper = (corner >> k) & 1
                idx.append(j1 if upper else j)
                w = w * (t if upper else 1.0 - t)
            contrib = y[tuple(idx)]
            # a zero weight must not turn a NaN corner into NaN
            lines += np.where(w[:, None] > 0, w[:, None] * contrib, 0.0)
        grid = np.asarray(self.axes[self.amplitude].values)
        return pchip_rows(grid, lines, flat[self.amplitude])

    def query(self, quantity=None, *, current=None, voltage=None, pulse_width=None,
              temperature=None, variation=None, direction=None, extrapolate: bool = False,
              monotone: bool = True):
        """Interpolate point quantities at arbitrary (arrays of) points, SI units.

        quantity : a name (returns an array), a list of names or None for all (returns a
            dict). Names: p_switch(_ci_low/_ci_high), mean_switching_time, wer(_ci_low,
            _ci_high), write_energy(_std).
        current / voltage : signed amplitude (A / V), per the table's drive; negative =
            P-AP. pulse_width : s. temperature : K, variation : scale (only if the table has
            more than one value on that axis). Inputs broadcast against each other.
        extrapolate : hold the edge value outside the grid instead of raising.
        monotone : enforce the physical monotonicity in |amplitude| first (default).
        """
        names = self.quantities if quantity is None else \
            [quantity] if isinstance(quantity, str) else list(quantity)
        for n in names:
            if n not in QUANTITIES or QUANTITIES[n].space is None:
                raise ParameterError(f"quantity {n!r} cannot be interpolated; choose from "
                                     f"{', '.join(self.quantities)}")
        shape, d_idx, flat = self._inputs(current, voltage, pulse_width, temperature,
                                          variation, direction, extrapolate)
        out = {}
        for n in names:
            vals = self._interpolate(self._prepared_values(n, monotone), d_idx, flat)
            if QUANTITIES[n].space == "log":
                vals = 10.0 ** vals
            if QUANTITIES[n].unit == "1" and n.startswith(("p_switch", "wer")):
                vals = np.clip(vals, 0.0, 1.0)
            out[n] = vals.reshape(shape)
        return out[names[0]] if isinstance(quantity, str) else out

    def device_value(self, name: str, *, temperature=None, variation=None,
                     bias_voltage=None, direction=None, extrapolate: bool = False):
        """A device scalar (group ``device``), linear in temperature / variation / bias."""
        if name not in self.device:
            raise ParameterError(f"device quantity {name!r} is not in this table; choose "
                                 f"from {', '.join(self.device)}")
        dims, arr, _ = self.device[name]
        given = {"temperature": temperature, "variation": variation,
                 "bias_voltage": bias_voltage}
        vals, idx_dir = {}, None
        for d in dims:
            ax = self.device_axes[d]
            if d == "direction":
                if direction is None:
                    if len(ax.values) > 1:
                        raise ParameterError(f"direction is required for {name}: one of "
                                             f"{', '.join(ax.values)}")
                    direction = ax.values[0]
                if direction not in ax.values:
                    raise ParameterError(f"direction = {direction!r} is not in this table "
                                         f"({', '.join(ax.values)})")
                idx_dir = ax.values.index(direction)
                continue
            v = given[d]
            if v is None:
                if len(ax.values) > 1:
                    raise ParameterError(f"{d} is required for {name}: the table has "
                                         f"{len(ax.values)} values in [{ax.values[0]:g}, "
                                         f"{ax.values[-1]:g}] {ax.unit}")
                v = ax.values[0]
            vals[d] = v
        res = arr[idx_dir] if idx_dir is not None else arr
        rest = [d for d in dims if d != "direction"]
        arrays = np.broadcast_arrays(*[np.asarray(vals[d], dtype=float) for d in rest]) \
            if rest else []
        shape = arrays[0].shape if rest else ()
        flat = [a.ravel() for a in arrays]
        q = flat[0].size if rest else 1
        brackets = []
        for d, x in zip(rest, flat):
            ax = self.device_axes[d]
            lo, hi = ax.values[0], ax.values[-1]
            slack = _EDGE_RTOL * max(abs(lo), abs(hi))
            if np.any((x < lo - slack) | (x > hi + slack)) and not extrapolate:
                bad = float(x[np.argmax((x < lo - slack) | (x > hi + slack))])
                raise ParameterError(f"{d} = {bad:g} {ax.unit} is outside the table's {d} "
                                     f"axis: [{lo:g}, {hi:g}] {ax.unit}")
            j, t = bracket(np.asarray(ax.values), np.clip(x, lo, hi))
            brackets.append((j, np.minimum(j + 1, len(ax.values) - 1), t))
        total = np.zeros(q)
        for corner in range(2 ** len(brackets)):
            idx, w = [], np.ones(q)
            for k, (j, j1, t) in enumerate(brackets):
                upper = (corner >> k) & 1
                idx.append(j1 if upper else j)
                w = w * (t if upper else 1.0 - t)
            total += w * (res[tuple(idx)] if idx else res)
        return total.reshape(shape) if shape else float(total[0])

    def to_xarray(self, group: str = "switching"):
        """The group as an ``xarray.Dataset`` (see :func:`load_xarray`)."""
        return load_xarray(self.path, group)


#: Quantities that are probabilities at every grid point: never NaN, in [0, 1] up to the
#: solvers' round-off (the FP WER reaches 1 + 5e-12); a NaN here would flow silently into
#: gate errors and energies.
_PROBABILITIES = ("p_switch", "p_switch_ci_low", "p_switch_ci_high", "wer", "wer_ci_low",
                  "wer_ci_high")


_ROUNDOFF = 1e-9


def _check_probabilities(path, q, values) -> None:
    if q.name not in _PROBABILITIES:
        return
    v = np.asarray(values, dtype=float)
    bad = ~np.isfinite(v) | (v < -_ROUNDOFF) | (v > 1 + _ROUNDOFF)
    if bad.any():
        raise ParameterError(f"table file {path} is damaged: {q.group}/{q.name} holds "
                             f"{int(bad.sum())} value(s) that are NaN or outside [0, 1] (first: "
                             f"{float(v[bad].flat[0])!r}); rebuild the table")


def open_table(path: str | Path) -> Table:
    """Open a table file (or a shipped table by name, ``data/tables/NAME.h5``)."""
    p = Path(path)
    if not p.suffix and not p.exists():
        from ..paths import data_dir

        p = data_dir() / "tables" / f"{path}.h5"
    return Table(p)


def load_xarray(path: str | Path, group: str = "switching"):
    """One group of a table as an ``xarray.Dataset``, loaded into memory.

    The one-line equivalent is ``xarray.load_dataset(path, engine="h5netcdf", group=group)``;
    this wrapper first checks that the file is a cramsim table of a readable schema version.
    Groups: "switching", "wer", "energy", "device".
    """
    import xarray as xr

    if group not in POINT_GROUPS + ("device",):
        raise ParameterError(f"group = {group!r} is not a table group; choose one of "
                             f"{', '.join(POINT_GROUPS + ('device',))}")
    open_checked(Path(path)).close()
    return xr.load_dataset(path, engine="h5netcdf", group=group)


__all__ = ["Axis", "Table", "open_table", "load_xarray"]
