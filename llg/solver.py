"""Run ensembles of macrospin trajectories: the public entry point of the LLGS solver.

>>> from llg import load_device, simulate, current_pulse
>>> dev = load_device("default")
>>> res = simulate(dev, drive=current_pulse(2 * dev.ic0, 5e-9), duration=10e-9, dt=1e-12,
...                n_trajectories=64, seed=1, initial="P", thermal_initial=True)
>>> 0.0 <= res.p_switch <= 1.0
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import kernels as K
from .device import Device
from .equilibrium import sample_directions
from .errors import ParameterError, check_int, check_range
from .rng import seed_states
from .seeding import child
from .terms import Model
from .waveform import NO_DRIVE, Pulse

SCHEMES = {"heun": 0, "rk4": 1, "euler-ito": 2}
#: dt must resolve the fastest precession by this many steps per period.
STEPS_PER_PERIOD = 20
#: Largest accepted artificial anti-damping of the Heun step, relative to alpha.
HEUN_ANTIDAMPING = 0.01


class SolverDivergence(ParameterError):
    """The integration produced a non-finite magnetization (always a too-large dt here)."""


@dataclass
class EnsembleResult:
    """What :func:`simulate` returns (SI units).

    Attributes
    ----------
    m_final : (N, 3) final unit vectors.
    m_initial : (N, 3) initial unit vectors.
    switch_time : (N,) s, first time ``target * (m . easy_axis)`` crossed ``switch_level``
        (linearly interpolated within the step); ``inf`` if it never did.
    energy : (N,) J, energy drawn from the source over the run (None unless requested).
    times : (S,) s, sample times of ``trajectories``.
    trajectories : (R, S, 3) recorded m of the first R trajectories (None if R = 0).
    stop_time : (N,) s, when each trajectory stopped (``duration`` unless ``stop_on_switch``
        ended it at the commit level).
    target : +1 or -1, the well counted as "switched" (along +/- easy axis).
    """

    m_final: np.ndarray
    m_initial: np.ndarray
    switch_time: np.ndarray
    energy: np.ndarray | None
    times: np.ndarray
    trajectories: np.ndarray | None
    target: int
    easy_axis: np.ndarray
    stop_time: np.ndarray
    dt: float
    n_steps: int

    @property
    def n(self) -> int:
        """Number of trajectories."""
        return self.m_final.shape[0]

    @property
    def projection(self) -> np.ndarray:
        """Final m . easy_axis, (N,)."""
        return self.m_final @ self.easy_axis

    @property
    def switched(self) -> np.ndarray:
        """(N,) True where the trajectory ended in the target well."""
        return self.target * self.projection > 0.0

    @property
    def p_switch(self) -> float:
        """Fraction of trajectories that ended in the target well."""
        return float(np.mean(self.switched))


def _initial_state(device: Device, initial, n: int, angle: float, thermal: bool,
                   rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Initial unit vectors (n, 3) and the sign of the starting well."""
    u = np.asarray(device.easy_axis)
    if isinstance(initial, str):
        key = initial.upper()
        if key not in ("P", "AP"):
            raise ParameterError(f"initial = {initial!r} is invalid; use 'P', 'AP' or an "
                                 "array of unit vectors")
        sign = 1 if key == "P" else -1
        if thermal:
            if device.temperature == 0.0:
                raise ParameterError("thermal_initial=True needs temperature > 0 K")
            h_axial = float(np.dot(device.applied_field, u)) / device.anisotropy_field_total
            m = sample_directions(n, device.delta, u, sign, rng, h_axial)
        else:
            check_range("initial_angle", angle, "rad", 0.0, math.pi / 2)
            perp = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
            m0 = sign * math.cos(angle) * u + math.sin(angle) * perp
            m = np.tile(m0, (n, 1))
        return m, sign
    m = np.array(initial, dtype=float)
    if m.shape == (3,):
        m = np.tile(m, (n, 1))
    if m.shape != (n, 3) or not np.all(np.isfinite(m)):
        raise ParameterError(f"initial array has shape {m.shape}; expected (3,) or ({n}, 3) "
                             "finite values")
    norms = np.linalg.norm(m, axis=1)
    if np.any(norms == 0):
        raise ParameterError("initial contains a zero vector; m must be a unit vector")
    m = m / norms[:, None]
    sign = 1 if np.mean(m @ u) >= 0 else -1
    return m, sign


def _energy_after_stop(P, stop_time, t_end, dt, target) -> np.ndarray:
    """Source energy (J) from each stop time to t_end with m frozen in the target state."""
    t0 = float(stop_time.min())
    n = max(2, int(math.ceil((t_end - t0) / dt)) + 1)
    grid = np.linspace(t0, t_end, n)
    power = K.source_power(grid, float(target), P)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (power[1:] + power[:-1]) * np.diff(grid))])
    return cum[-1] - np.interp(stop_time, grid, cum)


def check_dt(device: Device, drive: Pulse, dt: float, allow_coarse: bool = False) -> float:
    """``dt`` (s) if it resolves the precession of ``device`` under ``drive``, else a
    ParameterError stating the limit (see :func:`max_stable_dt`)."""
    dt = check_range("dt", dt, "s", 0.0, 1e-9, lo_open=True)
    limit = max_stable_dt(device, drive, accuracy=not allow_coarse)
    if dt > limit * (1.0 + 1e-9):  # dt = period / 20 exactly must pass despite rounding
        raise ParameterError(
            f"dt = {dt:g} s is too large for this device and drive: it must be <= "
            f"{limit:.3g} s (at most 1/{STEPS_PER_PERIOD} of the shortest precession period, "
            f"and small enough that Heun's artificial anti-damping stays below "
            f"{HEUN_ANTIDAMPING:.0%} of alpha = {device.alpha:g})")
    return dt


def max_stable_dt(device: Device, drive: Pulse, *, accuracy: bool = True) -> float:
    """Largest dt (s) accepted for ``device`` under ``drive``.

    Two limits, in terms of the angle ``x = gamma' H dt`` turned per step about the largest
    field H (anisotropy, shape and applied fields, and the spin-torque field at the peak
    current; voltage drives: amplitude / (R_P + R_series)):

    * resolution: ``x <= 2 pi / STEPS_PER_PERIOD`` (20 steps per precession period);
    * accuracy (``accuracy=True``): each Heun step lengthens the precessing component by
      ``sqrt(1 + x^4/4)``, an artificial anti-damping of relative size ``x^3 / (8 alpha)``
      against the Gilbert damping; it must stay below ``HEUN_ANTIDAMPING`` (1 %), i.e.
      ``x <= (8 alpha 0.01)^(1/3)``. Low-damping devices therefore need finer steps.
    """
    from .constants import GAMMA_E, MU0

    h = abs(device.anisotropy_field_total) + device.Ms * max(device.demag_factors)
    h += float(np.linalg.norm(device.applied_field))
    i_peak = abs(drive.amplitude)
    if drive.kind == "voltage":
        i_peak = i_peak / (device.r_p + drive.series_resistance)
    h += device.stt_field_per_ampere * i_peak * (1.0 + abs(device.field_like_ratio))
    x_max = 2.0 * math.pi / STEPS_PER_PERIOD
    if accuracy:
        x_max = min(x_max, (8.0 * device.alpha * HEUN_ANTIDAMPING) ** (1.0 / 3.0))
    return x_max / (GAMMA_E * MU0 / (1.0 + device.alpha ** 2) * h)


def simulate(device: Device, *, duration: float, dt: float, drive: Pulse = NO_DRIVE,
             n_trajectories: int = 1, seed: int | np.random.SeedSequence = 0,
             initial="P", initial_angle: float = 0.0, thermal_initial: bool = False,
             scheme: str = "heun", target: int | None = None, switch_level: float = 0.0,
             stop_on_switch: bool = False, commit_level: float | None = None,
             settle_time: float = math.inf,
             record: int = 0, record_every: int | None = None,
             max_record_bytes: float = 256e6, compute_energy: bool = False,
             allow_coarse_dt: bool = False) -> EnsembleResult:
    """Integrate an ensemble of macrospin trajectories for ``device`` under ``drive``.

    Parameters (keyword-only, SI units)
    ----------
    duration : s, total simulated time from t = 0.
    dt : s, time step; must resolve the precession (see :func:`max_stable_dt`).
    drive : :class:`~llg.waveform.Pulse`, current or voltage waveform (default: none).
    n_trajectories : ensemble size N.
    seed : int or SeedSequence; the same seed gives the same result for any thread count.
    initial : "P", "AP" (along +/- easy axis) or an array (3,) / (N, 3) of directions.
    initial_angle : rad, tilt from the easy axis for "P"/"AP" (needed at T = 0, where a
        perfectly aligned macrospin feels no torque).
    thermal_initial : draw "P"/"AP" initial states from the Boltzmann distribution of the well
        (anisotropy plus the applied field's component along the easy axis).
    scheme : "heun" (stochastic Heun, Stratonovich; default), "rk4" (T = 0 only), or
        "euler-ito" (Euler-Maruyama without projection; wrong on purpose, for validation).
    target : +1/-1, the well that counts as switched; default: the one opposite the start.
    switch_level : threshold on ``target * (m . easy_axis)`` for ``switch_time`` (0: equator).
    stop_on_switch : stop a trajectory once it has crossed ``switch_level`` and then passed
        ``commit_level`` (default: ``switch_level``, i.e. stop at the first crossing, for
        first-passage studies). With ``compute_energy`` the energy of the rest of the run is
        added as if m stayed exactly in the target state (its resistance is then that state's).
    settle_time : s; with ``stop_on_switch``, from this time on a trajectory also stops once
        ``|m . easy_axis| > commit_level`` in either well (its fate is settled once the drive
        is off). Must not precede the end of the drive, so no source energy is skipped.
    record : number of trajectories whose m(t) is kept; ``record_every`` steps between
        samples (default: so that at most 2001 samples are kept), increased automatically so
        that the samples fit in ``max_record_bytes``.
    compute_energy : integrate the power drawn from the source along each trajectory.
    allow_coarse_dt : accept steps up to the resolution limit even where Heun's artificial
        anti-damping exceeds 1 % of alpha (for convergence studies; see
        :func:`max_stable_dt`).
    """
    if not isinstance(device, Device):
        raise ParameterError(f"device must be a llg.Device, got {type(device).__name__}")
    if not isinstance(drive, Pulse):
        raise ParameterError(f"drive must be a llg.Pulse, got {type(drive).__name__}")
    duration = check_range("duration", duration, "s", 0.0, 1.0, lo_open=True)
    dt = check_dt(device, drive, dt, allow_coarse_dt)
    n_trajectories = check_int("n_trajectories", n_trajectories, "", 1, 100_000_000)
    if scheme not in SCHEMES:
        raise ParameterError(f"scheme = {scheme!r} is unknown; choose one of "
                             f"{', '.join(SCHEMES)}")
    if scheme == "rk4" and device.temperature > 0:
        raise ParameterError("scheme = 'rk4' is deterministic: it needs temperature = 0 K "
                             f"(got {device.temperature} K); use 'heun' for thermal runs")
    check_range("switch_level", switch_level, "1", -1.0, 1.0, lo_open=True, hi_open=True)
    if commit_level is not None:
        check_range("commit_level", commit_level, "1", switch_level, 1.0, hi_open=True,
                    what="must lie between switch_level and 1")
    n = int(n_trajectories)
    n_steps = max(1, int(round(duration / dt)))

    ss_init, ss_steps = child(seed, 0), child(seed, 1)
    m, start = _initial_state(device, initial, n, initial_angle, thermal_initial,
                              np.random.default_rng(ss_init))
    if target is None:
        target = -start
    if target not in (1, -1):
        raise ParameterError(f"target = {target!r} must be +1 or -1")

    model = Model.from_device(device)
    if settle_time < drive.end:
        raise ParameterError(f"settle_time = {settle_time:g} s must not precede the end of "
                             f"the drive ({drive.end:g} s)")
    P = model.pack(drive, dt, target, switch_level, commit_level, settle_time)

    n_rec = int(min(max(record, 0), n))
    if n_rec:
        every = record_every or max(1, -(-n_steps // 2000))
        # memory-safe decimation: keep (samples x n_rec x 3) doubles under max_record_bytes
        every = max(every, int(math.ceil(n_rec * 3 * 8 * (n_steps + 1) / max_record_bytes)))
        n_samples = n_steps // every + 1
    else:
        every, n_samples = 1, 1
    rec = np.full((n_rec, n_samples, 3), np.nan)

    m_init = m.copy()
    state = seed_states(ss_steps, n)
    switch_time = np.full(n, np.inf)
    stop_time = np.empty(n)
    energy = np.zeros(n if compute_energy else 0)
    bad = np.zeros(n, dtype=np.uint8)
    K.integrate_ensemble(m, state, P, 0.0, dt, n_steps, SCHEMES[scheme], stop_on_switch,
                         switch_time, stop_time, energy, rec, every, bad)
    if bad.any():
        raise SolverDivergence(
            f"dt = {dt:g} s: {int(bad.sum())} of {n} trajectories produced a non-finite "
            "magnetization; reduce dt")
    t_end = n_steps * dt
    if compute_energy and stop_on_switch and np.any(stop_time < t_end):
        energy += _energy_after_stop(P, stop_time, t_end, dt, target)
    return EnsembleResult(
        stop_time=stop_time, m_final=m, m_initial=m_init, switch_time=switch_time,
        energy=energy if compute_energy else None,
        times=np.arange(n_samples) * every * dt, trajectories=rec if n_rec else None,
        target=int(target), easy_axis=np.asarray(device.easy_axis, dtype=float), dt=dt,
        n_steps=n_steps)
