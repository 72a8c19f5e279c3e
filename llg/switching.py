"""Switching probability of an MTJ from Monte Carlo ensembles of the stochastic LLGS.

Protocol for one point (device, drive amplitude, pulse width, direction):

1. start states drawn from the Boltzmann distribution of the starting well (P or AP), so the
   initial angle spread is the thermal one, not a fixed tilt (at T = 0: a 0.01 rad tilt);
2. apply the pulse (trapezoid, FWHM ``pulse_width``), then ``relax_time`` with the current off;
3. count a trajectory as switched if it ends in the target well (sign of m . easy axis).

Why the relaxation: at the end of the pulse some trajectories sit near the saddle (the
equator); without current they commit to one well at the deterministic rate
alpha gamma' H_K |u|, so ``relax_time = 2 tau_D`` multiplies any |u| >= 0.05 by e^2 ~ 7.4, past
|u| ~ 0.4 where falling back over the re-formed barrier needs a thermal excursion of order
Delta (1 - 0.4^2) k_B T.

Speed: a trajectory that has crossed the equator and then passed ``commit_level = 0.9`` of the
target well while the pulse pushes it there is finished (returning needs a full barrier
crossing against the current); it stops, and its energy for the rest of the pulse is that of
the target state. After the pulse, a trajectory that is beyond the commit level in either well
is settled and stops too.

The mean switching time is the mean first equator-crossing time (from the pulse start) of the
trajectories that switched. Write energy is the energy drawn from the source over the pulse,
integrated along each trajectory with the instantaneous R(theta, V).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import kernels as K
from .device import Device
from .errors import ParameterError, check_int, check_range
from .seeding import child
from .solver import check_dt, max_stable_dt, simulate
from .statistics import trials_for_width, wilson_interval
from .terms import Model
from .waveform import Pulse

#: direction -> (initial state, sign of the current that drives it, target well sign)
DIRECTIONS = {"P-AP": ("P", -1, -1), "AP-P": ("AP", +1, +1)}
COMMIT_LEVEL = 0.9
MAX_TRIALS = 100_000_000


@dataclass
class SwitchPoint:
    """One switching-probability estimate (SI units)."""

    direction: str
    current: float
    voltage: float | None
    pulse_width: float
    p_switch: float
    ci_low: float
    ci_high: float
    trials: int
    switched: int
    mean_switching_time: float
    write_energy: float
    write_energy_std: float
    confidence: float
    dt: float
    relax_time: float
    trajectory_steps: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _mean_std(x: np.ndarray) -> tuple[float, float]:
    """Mean and (population) standard deviation, exactly rounded with math.fsum.

    numpy's pairwise sums depend on the array's memory alignment (SIMD peeling), so the last
    bits could differ between processes; tables must be bit-identical for any worker count.
    """
    if x.size == 0:
        return math.nan, math.nan
    mean = math.fsum(x) / x.size
    return mean, math.sqrt(math.fsum((x - mean) ** 2) / x.size)


def critical_current(device: Device, direction: str) -> float:
    """Zero-temperature critical current magnitude (A) for ``direction``.

    Constant efficiency: ``device.ic0`` both ways. Tunnel-junction efficiency
    ``eta / (1 + eta^2 cos theta)`` evaluated in the starting state: AP -> P (cos = -1) needs
    ``Ic0 (1 - eta^2)``, P -> AP (cos = +1) needs ``Ic0 (1 + eta^2)``.
    """
    _check_direction(direction)
    if device.stt_model == "constant":
        return device.ic0
    eta2 = device.polarization ** 2
    return device.ic0 * (1 - eta2 if direction == "AP-P" else 1 + eta2)


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                             f"{', '.join(DIRECTIONS)}")


def _make_pulse(current, voltage, pulse_width, rise, fall, series_resistance,
                direction) -> Pulse:
    if (current is None) == (voltage is None):
        raise ParameterError("give exactly one of current (A) or voltage (V)")
    check_range("pulse_width", pulse_width, "s", 0.0, 1e-3, lo_open=True,
                what="pulse full width at half maximum")
    sign = DIRECTIONS[direction][1]
    value, name, unit, limit = (current, "current", "A", 1.0) if current is not None else \
        (voltage, "voltage", "V", 100.0)
    check_range(name, value, unit, -limit, limit)  # the limits of llg.waveform.Pulse
    if value == 0 or math.copysign(1, value) != sign:
        need = "negative" if sign < 0 else "positive"
        raise ParameterError(
            f"{name} = {value:g} {unit} has the wrong sign for direction {direction}: "
            f"{direction} needs a {need} {name} (positive drives AP -> P)")
    kind = "current" if current is not None else "voltage"
    return Pulse(value, pulse_width, rise, fall, 0.0, kind, series_resistance)


def default_dt(device: Device, pulse: Pulse) -> float:
    """A time step of 1 ps, or 1/5 of the stability limit if that is smaller."""
    return min(1e-12, max_stable_dt(device, pulse) / 5.0)


def switching_probability(device: Device, *, pulse_width: float, current: float | None = None,
                          voltage: float | None = None, direction: str = "P-AP",
                          trials: int = 1000, seed: int | np.random.SeedSequence = 0,
                          dt: float | None = None, rise: float = 0.0, fall: float = 0.0,
                          series_resistance: float = 0.0, relax_time: float | None = None,
                          ci_width: float | None = None, confidence: float = 0.95,
                          max_trials: int = MAX_TRIALS) -> SwitchPoint:
    """Monte Carlo switching probability with a Wilson confidence interval.

    Parameters (keyword-only, SI units)
    ----------
    pulse_width : s (FWHM). current : A, or voltage : V (source behind ``series_resistance``,
        ohm); signed (negative for P -> AP). direction : "P-AP" or "AP-P".
    trials : number of trajectories; with ``ci_width`` the first batch, more are added until
        the Wilson interval is at most ``ci_width`` wide (error if that would need more than
        ``max_trials``).
    seed : the same seed gives the same result for any thread count.
    relax_time : s with the current off after the pulse (default 2 tau_D, see module doc).
    """
    if not isinstance(device, Device):
        raise ParameterError(f"device must be a llg.Device, got {type(device).__name__}")
    _check_direction(direction)
    pulse = _make_pulse(current, voltage, pulse_width, rise, fall, series_resistance,
                        direction)
    trials = check_int("trials", trials, "", 1, max_trials)
    relax = 2.0 * device.tau_d if relax_time is None else \
        check_range("relax_time", relax_time, "s", 0.0, 1e-3)
    dt = default_dt(device, pulse) if dt is None else dt
    start, _, target = DIRECTIONS[direction]
    duration = pulse.end + relax

    def batch(n, child):
        return simulate(device, drive=pulse, duration=duration, dt=dt, n_trajectories=int(n),
                        seed=child, initial=start, initial_angle=0.01,
                        thermal_initial=device.temperature > 0, target=target,
                        stop_on_switch=True, commit_level=COMMIT_LEVEL,
                        settle_time=pulse.end, compute_energy=True)

    results = [batch(trials, child(seed, 0))]
    if ci_width is not None:
        check_range("ci_width", ci_width, "1", 0.0, 1.0, lo_open=True)
        while True:
            n_done = sum(r.n for r in results)
            k = sum(int(r.switched.sum()) for r in results)
            lo, hi = wilson_interval(k, n_done, confidence)
            if hi - lo <= ci_width:
                break
            needed = trials_for_width((k + 2) / (n_done + 4), ci_width, confidence)
            if needed > max_trials:
                raise ParameterError(
                    f"ci_width = {ci_width:g} would need about {needed:.3g} trials at "
                    f"p_switch ~ {k / n_done:.3g}, more than max_trials = {max_trials:g}; "
                    "ask for a wider interval")
            more = min(max(needed - n_done, 1), 4 * n_done)
            results.append(batch(more, child(seed, len(results))))

    switched = np.concatenate([r.switched for r in results])
    t_sw = np.concatenate([r.switch_time for r in results])
    energy = np.concatenate([r.energy for r in results])
    n = switched.size
    k = int(switched.sum())
    lo, hi = wilson_interval(k, n, confidence)
    t_ok = t_sw[switched & np.isfinite(t_sw)]
    e_mean, e_std = _mean_std(energy)
    if current is None:
        current_value = _initial_current(device, pulse, start)
    else:
        current_value = float(current)
    return SwitchPoint(direction=direction, current=current_value,
                       voltage=None if voltage is None else float(voltage),
                       pulse_width=float(pulse_width), p_switch=k / n, ci_low=float(lo),
                       ci_high=float(hi), trials=n, switched=k,
                       mean_switching_time=_mean_std(t_ok)[0],
                       write_energy=e_mean, write_energy_std=e_std,
                       confidence=confidence, dt=dt, relax_time=relax,
                       trajectory_steps=int(sum(np.rint(r.stop_time / dt).sum()
                                                for r in results)))


def _initial_current(device: Device, pulse: Pulse, start: str) -> float:
    """Current (A) on the pulse's flat top with m in the starting state (voltage drives)."""
    P = Model.from_device(device).pack(pulse, 1e-12, 1)
    cos_start = 1.0 if start == "P" else -1.0
    t_flat = pulse.delay + 0.5 * pulse.rise + 0.5 * pulse.width
    return float(K.drive(t_flat, cos_start, P)[0])


def switching_curve(device: Device, *, pulse_widths, currents=None, voltages=None,
                    seed: int = 0, progress: bool = False, **kwargs) -> list[SwitchPoint]:
    """:func:`switching_probability` over a grid (every amplitude x every pulse width).

    Each grid point gets its own seed, the child of ``seed`` at the point's index, so
    a point's result does not depend on which other points were computed.
    """
    if (currents is None) == (voltages is None):
        raise ParameterError("give exactly one of currents (A) or voltages (V)")
    amps = list(np.atleast_1d(currents if currents is not None else voltages))
    widths = list(np.atleast_1d(pulse_widths))
    if not amps or not widths:
        raise ParameterError("currents/voltages and pulse_widths must not be empty")
    grid = [(a, w) for w in widths for a in amps]
    direction = kwargs.get("direction", "P-AP")
    _check_direction(direction)
    for a, w in grid:  # validate every point before any work starts
        pulse = _make_pulse(a if currents is not None else None,
                            a if voltages is not None else None, w, kwargs.get("rise", 0.0),
                            kwargs.get("fall", 0.0), kwargs.get("series_resistance", 0.0),
                            direction)
        if kwargs.get("dt") is not None:
            check_dt(device, pulse, kwargs["dt"])
    seeds = [child(seed, i) for i in range(len(grid))]
    iterator = range(len(grid))
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, desc="switching", unit="point")
    key = "current" if currents is not None else "voltage"
    return [switching_probability(device, pulse_width=float(grid[i][1]),
                                  **{key: float(grid[i][0])}, seed=seeds[i], **kwargs)
            for i in iterator]
