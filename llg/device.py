"""The MTJ device: parameters declared once, loaded from TOML, validated, with derived physics.

Every parameter is declared exactly once below, as a dataclass field whose metadata carries its
unit, valid range and description. Validation, ``cramsim device show``, HDF5 provenance and the
docs all read these declarations; nothing repeats them.

Conventions (SI throughout):

* the free layer is a cylinder of diameter ``diameter`` and thickness ``free_layer_thickness``;
* ``Hk_eff`` is the *effective* anisotropy field, demagnetization already included for a
  perpendicular device, so the energy is ``E = -(mu0 Ms Hk_eff V / 2) (m . u)^2``;
* the reference layer is fixed along the easy axis ``u`` (``+z`` for perpendicular devices);
  P means ``m = +u``, AP means ``m = -u``; a positive current drives ``m`` toward ``+u``
  (AP -> P), a negative one toward ``-u`` (P -> AP).

Example
-------
>>> from llg.device import load_device
>>> dev = load_device("default")
>>> round(dev.delta)
64
>>> dev.with_(alpha=-0.1)
Traceback (most recent call last):
...
llg.errors.ParameterError: alpha = -0.1 is invalid (Gilbert damping); valid range: 0 < alpha <= 1
"""
from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

from .constants import E_CHARGE, GAMMA_E, HBAR, K_B, MU0
from .errors import ParameterError, check_range
from .paths import read_toml, resolve_data_file, shipped


def _param(unit: str, description: str, *, lo=None, hi=None, lo_open=False, hi_open=False,
           default=dataclasses.MISSING, choices=None, vector=False, text=False):
    """Declare one device parameter: unit, valid range and description in one place."""
    meta = dict(unit=unit, description=description, lo=lo, hi=hi, lo_open=lo_open,
                hi_open=hi_open, choices=choices, vector=vector, text=text)
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda d=tuple(default): d, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Device:
    """A magnetic tunnel junction: free-layer magnetics, spin torque and resistance.

    Build one with :func:`load_device` (from a TOML file) or directly with keyword arguments;
    every value is checked on construction and a bad one raises
    :class:`~llg.errors.ParameterError`.
    """

    # -- required ------------------------------------------------------------------------
    name: str = _param("", "device name", text=True)
    diameter: float = _param("m", "free-layer diameter (circular pillar)", lo=1e-9, hi=1e-6)
    free_layer_thickness: float = _param("m", "free-layer thickness", lo=1e-10, hi=5e-8)
    Ms: float = _param("A/m", "free-layer saturation magnetization", lo=1e4, hi=3e6)
    Hk_eff: float = _param("A/m", "effective anisotropy field, demagnetization included",
                           lo=0.0, hi=1e7, lo_open=True)
    alpha: float = _param("1", "Gilbert damping", lo=0.0, hi=1.0, lo_open=True)
    polarization: float = _param("1", "Slonczewski spin-torque efficiency eta", lo=0.0,
                                 hi=1.0, lo_open=True)
    field_like_ratio: float = _param("1", "field-like / damping-like torque ratio", lo=-2.0,
                                     hi=2.0)
    temperature: float = _param("K", "operating temperature", lo=0.0, hi=1500.0)
    RA: float = _param("ohm m^2", "parallel-state resistance-area product", lo=1e-14, hi=1e-8)
    TMR0: float = _param("1", "zero-bias TMR ratio (1.5 = 150 %)", lo=0.0, hi=20.0)
    V_half: float = _param("V", "bias at which the TMR ratio halves", lo=0.0, hi=10.0,
                           lo_open=True)
    # -- optional ------------------------------------------------------------------------
    source: str = _param("", "literature source of the numbers", default="", text=True)
    description: str = _param("", "free-text description", default="", text=True)
    geometry: str = _param("", "'perpendicular' (easy axis z) or 'in-plane' (easy axis x)",
                           default="perpendicular", choices=("perpendicular", "in-plane"),
                           text=True)
    stt_model: str = _param("", "spin-torque efficiency: 'constant' (eta) or 'tunnel' "
                            "(Slonczewski 2005, eta / (1 + eta^2 cos theta))",
                            default="constant", choices=("constant", "tunnel"), text=True)
    demag_factors: tuple = _param("1", "demagnetizing factors (Nx, Ny, Nz), each in [0, 1]; "
                                  "zero for perpendicular devices (folded into Hk_eff)",
                                  lo=0.0, hi=1.0, default=(0.0, 0.0, 0.0), vector=True)
    applied_field: tuple = _param("A/m", "static applied field (Hx, Hy, Hz)", lo=-1e7, hi=1e7,
                                  default=(0.0, 0.0, 0.0), vector=True)
    curie_temperature: float = _param("K", "Curie temperature for Ms(T) (Bloch law)",
                                      lo=1.0, hi=3000.0, default=1100.0)
    bloch_exponent: float = _param("1", "Ms(T) = Ms(0) (1 - (T/Tc)^b); b = 1.5 (Bloch)",
                                   lo=0.5, hi=3.0, default=1.5)
    anisotropy_ms_exponent: float = _param(
        "1", "K_eff(T) proportional to Ms(T)^n (Callen-Callen; n = 2-2.5 for CoFeB/MgO)",
        lo=1.0, hi=4.0, default=2.18)
    A_ex: float = _param("J/m", "exchange stiffness of the free layer (used by the micromagnetic "
                         "solver, `cramsim micromag`; optional elsewhere)", lo=0.0, hi=1e-9,
                         lo_open=True, default=None)
    subcritical_exponent: float = _param(
        "1", "exponent b of the thermal-activation law tau = tau0 exp(Delta (1 - I/Ic0)^b) "
        "(cramsim gate --subcritical activation); default 1, the linear law fitted to "
        "experiments (Koch, Katine & Sun, PRL 92, 088302 (2004)); the macrospin FP gives 2",
        lo=0.5, hi=3.0, default=1.0)
    attempt_time: float = _param(
        "s", "attempt time tau0 of the thermal-activation law; default 1 ns, the value "
        "Koch, Katine & Sun (PRL 92, 088302 (2004)) use", lo=1e-12, hi=1e-6, default=1e-9)
    subcritical_source: str = _param("", "source of subcritical_exponent and attempt_time",
                                     default="", text=True)

    def __post_init__(self):
        for f in dataclasses.fields(self):
            meta = f.metadata
            value = getattr(self, f.name)
            if value is None and f.default is None:
                continue  # optional parameter left out of the file
            if meta["text"]:
                if not isinstance(value, str):
                    raise ParameterError(f"{f.name} = {value!r} must be a string "
                                         f"({meta['description']})")
                if meta["choices"] and value not in meta["choices"]:
                    raise ParameterError(f"{f.name} = {value!r} is invalid; choose one of "
                                         f"{', '.join(meta['choices'])} ({meta['description']})")
            elif meta["vector"]:
                if not isinstance(value, (list, tuple)) or len(value) != 3:
                    raise ParameterError(f"{f.name} = {value!r} must be a list of 3 numbers "
                                         f"in {meta['unit']} ({meta['description']})")
                vals = tuple(check_range(f"{f.name}[{i}]", v, meta["unit"], meta["lo"],
                                         meta["hi"], what=meta["description"])
                             for i, v in enumerate(value))
                object.__setattr__(self, f.name, vals)
            else:
                object.__setattr__(self, f.name, check_range(
                    f.name, value, meta["unit"], meta["lo"], meta["hi"],
                    lo_open=meta["lo_open"], hi_open=meta["hi_open"],
                    what=meta["description"]))
        if self.temperature >= self.curie_temperature:
            raise ParameterError(
                f"temperature = {self.temperature} K must be below curie_temperature = "
                f"{self.curie_temperature} K")
        if self.geometry == "in-plane" and self.anisotropy_field_total <= 0:
            raise ParameterError(
                f"in-plane device: Hk_eff + Ms (Nz - Nx) must be > 0 A/m to have a stable "
                f"easy axis; got {self.anisotropy_field_total:g} A/m")

    # -- construction helpers --------------------------------------------------------------
    def with_(self, **changes) -> "Device":
        """A copy with some parameters changed (validated like a new device)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise _unknown_keys_error(unknown, "Device.with_")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """All inputs as plain Python values (tuples become lists), for JSON and TOML.

        Optional parameters left out of the file (None) are left out here too, so a device's
        dictionary (and the table fingerprints built from it) does not change when a new
        optional key is declared.
        """
        return {k: (list(v) if isinstance(v, tuple) else v)
                for k, v in dataclasses.asdict(self).items() if v is not None}

    def require(self, name: str, purpose: str) -> float:
        """The value of optional parameter ``name``, or a ParameterError saying it is needed."""
        value = getattr(self, name)
        if value is None:
            meta = {f.name: f.metadata for f in dataclasses.fields(self)}[name]
            raise ParameterError(
                f"{name} is missing from device '{self.name}' and is required for {purpose} "
                f"({meta['description'].split(' (')[0]}, {meta['unit']}); valid range: "
                f"{meta['lo']:g} < {name} <= {meta['hi']:g} {meta['unit']}")
        return value

    # -- geometry ----------------------------------------------------------------------------
    @property
    def area(self) -> float:
        """Free-layer (and junction) area, m^2: pi d^2 / 4."""
        return math.pi * self.diameter ** 2 / 4.0

    @property
    def volume(self) -> float:
        """Free-layer volume, m^3: area * thickness."""
        return self.area * self.free_layer_thickness

    @property
    def easy_axis(self) -> tuple:
        """Unit vector of the easy axis and of the reference-layer magnetization."""
        return (0.0, 0.0, 1.0) if self.geometry == "perpendicular" else (1.0, 0.0, 0.0)

    # -- magnetics ---------------------------------------------------------------------------
    @property
    def _axis_index(self) -> int:
        return 2 if self.geometry == "perpendicular" else 0

    @property
    def anisotropy_field_total(self) -> float:
        """Barrier-setting anisotropy field H_K, A/m.

        ``Hk_eff`` plus the shape term toward the softer of the two transverse axes:
        ``H_K = Hk_eff + Ms (min(N_transverse) - N_easy)``. For a perpendicular device with the
        demagnetization folded into ``Hk_eff`` (all N = 0) this is just ``Hk_eff``.
        """
        n = self.demag_factors
        k = self._axis_index
        others = [n[i] for i in range(3) if i != k]
        return self.Hk_eff + self.Ms * (min(others) - n[k])

    @property
    def energy_barrier(self) -> float:
        """Zero-field energy barrier E_b = mu0 Ms H_K V / 2, J."""
        return 0.5 * MU0 * self.Ms * self.anisotropy_field_total * self.volume

    @property
    def delta(self) -> float:
        """Thermal stability factor Delta = E_b / (k_B T) (inf at T = 0), dimensionless."""
        if self.temperature == 0.0:
            return math.inf
        return self.energy_barrier / (K_B * self.temperature)

    @property
    def gamma_prime(self) -> float:
        """Reduced gyromagnetic ratio for fields in A/m: gamma mu0 / (1 + alpha^2), m/(A s)."""
        return GAMMA_E * MU0 / (1.0 + self.alpha ** 2)

    @property
    def stt_field_per_ampere(self) -> float:
        """Slonczewski damping-like torque field per ampere, (A/m)/A.

        ``H_J = hbar eta I / (2 e mu0 Ms t A)``; the torque is
        ``gamma mu0 H_J m x (m x p)`` in Gilbert form.
        """
        return HBAR * self.polarization / (
            2.0 * E_CHARGE * MU0 * self.Ms * self.free_layer_thickness * self.area)

    @property
    def ic0(self) -> float:
        """Zero-temperature critical current, A.

        Linear instability of the starting state: ``H_J = alpha (H_K + H_d/2)``. For the
        perpendicular device this is ``Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta)
        = 4 e alpha k_B T Delta / (hbar eta)`` (Sun 2000). For in-plane devices the easy-plane
        demag field adds ``Ms (Nz - Nx) / 2``; in general the mean of the two transverse
        stiffness fields replaces H_K.
        """
        n = self.demag_factors
        k = self._axis_index
        h_eff = self.Hk_eff + 0.5 * self.Ms * sum(n[i] - n[k] for i in range(3) if i != k)
        return self.alpha * h_eff / self.stt_field_per_ampere

    @property
    def jc0(self) -> float:
        """Zero-temperature critical current density, A/m^2."""
        return self.ic0 / self.area

    @property
    def tau_d(self) -> float:
        """Characteristic switching time tau_D = (1 + alpha^2) / (alpha gamma mu0 H_K), s.

        The e-folding time of the small-angle cone under a current of 2 Ic0; Sun's switching
        time is ``tau_sw = tau_D ln(pi / (2 theta0)) / (I/Ic0 - 1)`` and Butler's WER uses the
        same time unit.
        """
        return 1.0 / (self.alpha * self.gamma_prime * self.anisotropy_field_total)

    @property
    def precession_period(self) -> float:
        """Period of small-angle precession about the easy axis at zero current, s.

        In the Landau-Lifshitz form the precession rate is gamma' H_K, so the period is
        ``2 pi (1 + alpha^2) / (gamma mu0 H_K)``.
        """
        return 2.0 * math.pi / (self.gamma_prime * self.anisotropy_field_total)

    # -- resistance ----------------------------------------------------------------------------
    @property
    def r_p(self) -> float:
        """Parallel-state resistance at zero bias, ohm: RA / area."""
        return self.RA / self.area

    @property
    def r_ap(self) -> float:
        """Antiparallel-state resistance at zero bias, ohm: R_P (1 + TMR0)."""
        return self.r_p * (1.0 + self.TMR0)

    def tmr(self, voltage):
        """Bias-dependent TMR ratio, TMR0 / (1 + (V / V_half)^2), dimensionless."""
        return self.TMR0 / (1.0 + (voltage / self.V_half) ** 2)

    # -- temperature scaling -----------------------------------------------------------------
    def at_temperature(self, temperature: float) -> "Device":
        """The same device at another temperature, with Ms(T) and Hk_eff(T) rescaled.

        ``Ms(T) = Ms(0) (1 - (T/Tc)^b)`` (Bloch law); ``K_eff(T) ~ Ms(T)^n`` (Callen-Callen), so
        ``Hk_eff(T) = 2 K_eff / (mu0 Ms) ~ Ms(T)^(n-1)``. Both are normalised to the values in
        the file, which hold at the file's ``temperature``.
        """
        t = check_range("temperature", temperature, "K", 0.0, self.curie_temperature,
                        hi_open=True, what="must be below the Curie temperature")
        try:
            return self._scaled(t)
        except ParameterError as exc:  # Ms(T) or Hk_eff(T) left its declared range
            why = str(exc).split(";")[0]
            raise ParameterError(
                f"temperature = {t:g} K is invalid for device {self.name} (there the "
                f"rescaled {why}); valid range: 0 <= temperature <= "
                f"{math.floor(10 * self._max_temperature()) / 10:g} K") from None

    def _scaled(self, t: float) -> "Device":
        tc, b, n = self.curie_temperature, self.bloch_exponent, self.anisotropy_ms_exponent
        ratio = (1.0 - (t / tc) ** b) / (1.0 - (self.temperature / tc) ** b)
        return dataclasses.replace(self, temperature=t, Ms=self.Ms * ratio,
                                   Hk_eff=self.Hk_eff * ratio ** (n - 1.0))

    def _max_temperature(self) -> float:
        """Highest temperature at which Ms(T) and Hk_eff(T) stay in range (bisection)."""
        lo, hi = self.temperature, self.curie_temperature
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            try:
                self._scaled(mid)
                lo = mid
            except ParameterError:
                hi = mid
        return lo

    def derived(self) -> dict:
        """Derived quantities (SI), keyed as in ``cramsim device show``."""
        return {name: getattr(self, attr) for name, (attr, _, _) in DERIVED.items()}


#: Device keys the switching tables do not depend on (the gate layer's sub-critical
#: thermal-activation model): left out of a table's config fingerprint.
NOT_IN_TABLES = ("subcritical_exponent", "attempt_time", "subcritical_source")


#: Derived quantities: key -> (attribute, unit, description). Read by ``device show``.
DERIVED = {
    "area": ("area", "m^2", "junction area"),
    "volume": ("volume", "m^3", "free-layer volume"),
    "energy_barrier": ("energy_barrier", "J", "zero-field energy barrier"),
    "delta": ("delta", "1", "thermal stability factor E_b / k_B T"),
    "ic0": ("ic0", "A", "zero-temperature critical current"),
    "jc0": ("jc0", "A/m^2", "zero-temperature critical current density"),
    "tau_d": ("tau_d", "s", "characteristic time (1+alpha^2)/(alpha gamma mu0 H_K)"),
    "precession_period": ("precession_period", "s", "small-angle precession period"),
    "stt_field_per_ampere": ("stt_field_per_ampere", "A/m/A", "spin-torque field per ampere"),
    "r_p": ("r_p", "ohm", "parallel resistance at zero bias"),
    "r_ap": ("r_ap", "ohm", "antiparallel resistance at zero bias"),
}


def parameter_table() -> list[dict]:
    """The declarations: name, unit, description, range/choices and default of every input."""
    rows = []
    for f in dataclasses.fields(Device):
        m = f.metadata
        default = None
        required = True
        if f.default is not dataclasses.MISSING:
            default, required = f.default, False
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            default, required = list(f.default_factory()), False  # type: ignore[misc]
        rows.append(dict(name=f.name, unit=m["unit"], description=m["description"],
                         lo=m["lo"], hi=m["hi"], choices=m["choices"],
                         required=required, default=default))
    return rows


def _unknown_keys_error(keys, where) -> ParameterError:
    known = [f.name for f in dataclasses.fields(Device)]
    parts = []
    for k in sorted(keys):
        close = difflib.get_close_matches(k, known, n=1)
        parts.append(f"'{k}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return ParameterError(f"{where}: unknown device parameter(s) {', '.join(parts)}; "
                          f"known parameters: {', '.join(known)}")


def device_from_dict(values: dict, where: str = "device") -> Device:
    """Build a :class:`Device` from a mapping, with clear errors for unknown or missing keys."""
    fields = {f.name: f for f in dataclasses.fields(Device)}
    unknown = set(values) - set(fields)
    if unknown:
        raise _unknown_keys_error(unknown, where)
    missing = [n for n, f in fields.items() if n not in values
               and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]  # type: ignore[misc]
    if missing:
        details = "; ".join(f"{n} ({fields[n].metadata['unit'] or 'text'}: "
                            f"{fields[n].metadata['description']})" for n in missing)
        raise ParameterError(f"{where}: missing required parameter(s): {details}")
    return Device(**values)


def available_devices() -> list[str]:
    """Names of the shipped device files in ``data/devices``."""
    return shipped("devices")


def load_device(name_or_path: str | Path = "default") -> Device:
    """Load a device by shipped name (``data/devices/NAME.toml``) or by file path."""
    path = resolve_data_file("devices", name_or_path, "device")
    return device_from_dict(read_toml(path, "device file"), where=f"device file {path}")
