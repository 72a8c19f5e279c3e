"""Voltage windows of CRAM gates: the analytic inequality, the network, trends, the literature.

A gate with n inputs, threshold k and a preset output works (at T = 0, in the critical-current
picture) iff the output current reaches the critical current ``I_c`` exactly for the patterns
with ``m >= k`` low-resistance inputs. With ideal lines and switches and a fixed TMR:

    I_c (R_in(n, k) + R_out) <= V < I_c (R_in(n, k - 1) + R_out),
    R_in(n, m) = 1 / (m / R_P + (n - m) / R_AP),   R_out = R(preset state),

(Chowdhury et al. (CRAM gates, 2017-2018; venue details unverified); Zabihi et al., IEEE
Trans. Comput. 68, 1159 (2019)).
``I_c`` is the critical current of the output's switching direction,
:func:`llg.switching.critical_current` (the two directions differ for the tunnel spin-torque
model). The relative window is ``(V_max - V_min) / V_mid`` with ``V_mid = (V_max + V_min)/2``;
with that definition, R_AP/R_P = 2.33 (TMR 133 %) and equal I_c gives 24.1 % (NAND2),
12.5 % (NOR2), 4.5 % (MAJ3), 1.7 % (MAJ5) - the published numbers.

:func:`gate_window` finds the same edges from the nodal network instead: bias-dependent TMR,
access transistors, line resistance, and for ``rows > 1`` the IR drop of a row-parallel step.
The lower edge is set by the switching patterns with m = k in the far row while every other row
draws the most current (inputs all 0, output P); the upper edge by the non-switching patterns
with m = k - 1 in the near row while the others draw the least (inputs all 1, output preset).

Where our numbers differ from the published ones (default device, :func:`compare_published`):
the inequality at TMR 133 % reproduces them (24.1 / 12.5 / 4.5 / 1.7 %). Our device has
TMR0 = 150 %, which widens them (27.0 / 13.3 / 4.7 / 1.8 %). Its TMR falls with bias
(V_half = 0.5 V): for preset-P gates (NAND2, NOR2) the inputs' R_AP drops at the operating
bias and the window narrows (25.8 / 13.2 %); for preset-AP gates (MAJ3, MAJ5) the series
output R_AP, which dilutes the input contrast, drops as well, and the window widens
(4.9 / 1.9 %). Access transistors of R_on ~ R_P (45 nm, 3.1 kOhm) in series with every cell
dilute the resistance contrast and roughly halve the windows (13.1 / 8.6 / 3.7 / 1.5 %), and
row-parallel IR drop closes them beyond a few tens of rows (windows_vs_rows).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from llg.device import Device, load_device
from llg.errors import ParameterError, check_range
from llg.switching import critical_current

from .elements import MTJElement
from .gates import GATES, Gate, get_gate, threshold_gate
from .network import build_gate_network

#: Published relative windows at TMR ~ 133 % (order of magnitude; ../shared/README.md).
PUBLISHED_TMR = 1.33
PUBLISHED_WINDOWS = {"NAND2": 0.24, "NOR2": 0.125, "MAJ3": 0.045, "MAJ5": 0.017}
PUBLISHED_SOURCE = ("Chowdhury et al. (CRAM gates, 2017-2018; venue details unverified); "
                    "Zabihi et al., IEEE Trans. Comput. 68, 1159 (2019): relative windows at "
                    "TMR ~ 133 %")
_EDGE_RTOL = 1e-11
_EDGE_ITER = 60
#: Largest gate voltage an edge search explores, V: far above any MTJ's breakdown (~1.5 V),
#: so an edge beyond it means "unreachable" (the window is closed), not a number.
V_SEARCH_MAX = 10.0


@dataclass(frozen=True)
class Window:
    """A gate's voltage window (V): the output switches iff V_min <= V < V_max."""

    gate: str
    v_min: float
    v_max: float
    critical_current: float
    direction: str

    @property
    def width(self) -> float:
        return self.v_max - self.v_min

    @property
    def v_mid(self) -> float:
        return 0.5 * (self.v_max + self.v_min)

    @property
    def relative(self) -> float:
        """(V_max - V_min) / V_mid; negative when the window is closed."""
        return self.width / self.v_mid

    @property
    def is_open(self) -> bool:
        return self.v_max > self.v_min

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(width=self.width, v_mid=self.v_mid, relative=self.relative,
                 is_open=self.is_open)
        return d


def input_resistance(n: int, m: int, r_p: float, r_ap: float) -> float:
    """R_in(n, m) of n parallel inputs, m of them P, ohm."""
    return 1.0 / (m / r_p + (n - m) / r_ap)


def analytic_window(gate, r_p: float, r_ap: float, i_c: float) -> Window:
    """The ideal-line window from the inequality in the module doc (bias-independent R)."""
    gate = get_gate(gate)
    for name, val in (("r_p", r_p), ("r_ap", r_ap)):
        check_range(name, val, "ohm", 0.0, None, lo_open=True,
                    what="MTJ resistance (negative resistances are not physical)")
    check_range("i_c", i_c, "A", 0.0, None, lo_open=True, what="critical current")
    n, k = gate.n_inputs, gate.threshold
    r_out = r_p if gate.preset == 0 else r_ap
    v_min = i_c * (input_resistance(n, k, r_p, r_ap) + r_out)
    v_max = i_c * (input_resistance(n, k - 1, r_p, r_ap) + r_out)
    return Window(gate.name, v_min, v_max, i_c, gate.direction)


def relative_window_ideal(gate, tmr: float) -> float:
    """Relative window of the ideal-line analytic model at TMR ratio ``tmr`` (R_AP/R_P - 1)."""
    check_range("tmr", tmr, "1", 0.0, None, lo_open=True, what="TMR ratio")
    return analytic_window(gate, 1.0, 1.0 + tmr, 1.0).relative


def _device(device) -> Device:
    return device if isinstance(device, Device) else load_device(device)


def _critical_patterns(gate: Gate):
    """(switching patterns with m = k, non-switching patterns with m = k - 1) as bit arrays."""
    pats = [tuple(int(c) for c in p) for p in gate.patterns()]
    sw = [p for p in pats if p.count(0) == gate.threshold]
    no = [p for p in pats if p.count(0) == gate.threshold - 1]
    return np.array(sw, dtype=int), np.array(no, dtype=int)


def edge_voltages(net, row_bits, output_logic, test_row, i_c: float, v_start) -> np.ndarray:
    """Gate voltages (V) at which the output current of ``test_row`` equals ``i_c`` (A).

    Root of ``f(x) = ln I_out(e^x) - ln I_c`` in x = ln V, for the whole batch at once: the
    current is monotone in V, so a bracket is grown from the start value (steps of ``-1.5 f``,
    the slope of ln I vs ln V being about 1) and closed by regula falsi with the Illinois
    modification (superlinear and never leaving the bracket: bias-dependent TMR can make
    ln I steeper than ln V, where a plain fixed-point iteration oscillates). An edge beyond
    ``V_SEARCH_MAX`` is unreachable and returned as inf.
    """
    from . import fastpath

    x = np.log(np.asarray(v_start, dtype=float))
    x_max = math.log(V_SEARCH_MAX)
    last = {}

    def f(xv):
        v = np.exp(xv)
        start = None
        if fastpath.FAST and last:   # the last solution scaled to v (exact if linear)
            start = last["nodes"] * (v / last["v"])[:, None]
        sol = net.solve(v, row_bits, output_logic, start=start)
        last.update(nodes=sol.node_voltage, v=v)
        i = sol.output_current[:, test_row]
        if np.any(i <= 0):
            raise ParameterError(
                f"rows = {net.rows}: a gate on {net.rows} row(s) delivers no output current "
                "(the shared lines' resistance starves the last row, or the technology has "
                "no drive); use fewer --rows, or check the technology data")
        return np.log(i) - math.log(i_c)

    fx = f(x)
    lo = np.where(fx < 0, x, -np.inf)
    flo = np.where(fx < 0, fx, np.nan)
    hi = np.where(fx >= 0, x, np.inf)
    fhi = np.where(fx >= 0, fx, np.nan)
    unreachable = np.zeros(x.shape, dtype=bool)
    for _ in range(_EDGE_ITER):          # grow the brackets
        need = ~(np.isfinite(lo) & np.isfinite(hi)) & ~unreachable
        if not need.any():
            break
        # step toward the edge; at least 1e-9 in ln V so a start on the edge still brackets
        step = np.where(fx < 0, 1.0, -1.0) * np.maximum(1.5 * np.abs(fx), 1e-9)
        x = np.where(need, np.minimum(x + step, x_max), x)
        fx = f(x)
        below = need & (fx < 0)
        above = need & (fx >= 0)
        lo, flo = np.where(below, x, lo), np.where(below, fx, flo)
        hi, fhi = np.where(above, x, hi), np.where(above, fx, fhi)
        unreachable |= below & (x >= x_max)
    else:
        raise ParameterError("the window edge search could not bracket the edge")
    side = np.zeros(x.shape, dtype=int)  # Illinois: which end was kept last (-1 lo, +1 hi)
    for _ in range(_EDGE_ITER):
        active = ~unreachable
        width = np.where(active, hi - lo, 0.0)
        if np.all(width < _EDGE_RTOL):
            break
        flo_s = np.where(active, flo, -1.0)
        fhi_s = np.where(active, fhi, 1.0)
        x = np.where(active, (lo * fhi_s - hi * flo_s) / (fhi_s - flo_s), x)
        fx = f(x)
        exact = active & (fx == 0)
        below = active & (fx < 0)
        above = active & (fx > 0)
        lo = np.where(below | exact, x, lo)
        hi = np.where(above | exact, x, hi)
        # Illinois: halve the stale end's value when the same end survives twice
        fhi = np.where(below & (side == -1), 0.5 * fhi, np.where(above, fx, fhi))
        flo = np.where(above & (side == 1), 0.5 * flo, np.where(below, fx, flo))
        side = np.where(below, -1, np.where(above, 1, side))
    else:
        raise ParameterError("the window edge search did not converge; the output current is "
                             "not monotone in the gate voltage for these parameters")
    v = np.exp(0.5 * (lo + hi))
    return np.where(unreachable, np.inf, v)


def gate_window(gate, device="default", technology=None, rows: int = 1, *,
                bias_dependent: bool = True, i_c: float | None = None) -> Window:
    """The window from the nodal network (see module doc). SI units.

    technology : name/path/Technology (None: ideal). rows : gates computing in parallel.
    i_c : critical current, A (default: llg.switching.critical_current for the output's
    direction).
    """
    gate = get_gate(gate)
    dev = _device(device)
    el = MTJElement.from_device(dev, bias_dependent=bias_dependent)
    ic = critical_current(dev, gate.direction) if i_c is None else \
        check_range("i_c", i_c, "A", 0.0, None, lo_open=True, what="critical current")
    net = build_gate_network(gate, el, technology, rows)
    guess = analytic_window(gate, el.r_p, float(el.r_ap(0.0)), ic)
    sw, no = _critical_patterns(gate)
    n = gate.n_inputs
    far, near = rows - 1, 0

    def batch(pats, background_bits, background_out, row):
        bits = np.broadcast_to(np.asarray(background_bits), (len(pats), rows, n)).copy()
        out = np.full((len(pats), rows), background_out)
        bits[:, row, :] = pats
        out[:, row] = gate.preset
        return bits, out

    bits, out = batch(sw, 0, 0, far)
    v_lo = edge_voltages(net, bits, out, far, ic, np.full(len(sw), guess.v_min))
    bits, out = batch(no, 1, gate.preset, near)
    v_hi = edge_voltages(net, bits, out, near, ic, np.full(len(no), guess.v_max))
    return Window(gate.name, float(v_lo.max()), float(v_hi.min()), ic, gate.direction)


# -- trends ----------------------------------------------------------------------------------
#: Gate families for the fan-in trend: name -> (preset, threshold as a function of n).
FAMILIES = {
    "NAND": (0, lambda n: 1),
    "NOR": (0, lambda n: n),
    "AND": (1, lambda n: 1),
    "OR": (1, lambda n: n),
    "MAJ": (1, lambda n: (n + 1) // 2),
}


def family_gate(family: str, n: int) -> Gate:
    """A threshold gate of ``family`` with fan-in n (MAJ needs odd n)."""
    fam = family.upper()
    if fam not in FAMILIES:
        raise ParameterError(f"gate family {family!r} is unknown; choose one of "
                             f"{', '.join(FAMILIES)}")
    if fam == "MAJ" and n % 2 == 0:
        raise ParameterError(f"MAJ needs an odd fan-in; got {n}")
    preset, k = FAMILIES[fam]
    return threshold_gate(n, k(n), preset, f"{fam}{n}")


def window_trend(families=("NAND", "NOR", "MAJ"), fan_ins=range(1, 10),
                 tmrs=(0.5, 1.0, 1.33, 2.0, 3.0)) -> list[dict]:
    """Relative ideal windows vs fan-in and TMR: rows of {family, n, tmr, relative}."""
    rows = []
    for fam in families:
        for n in fan_ins:
            if fam.upper() == "MAJ" and n % 2 == 0:
                continue
            g = family_gate(fam, n)
            for tmr in tmrs:
                rows.append({"family": fam.upper(), "n": n, "tmr": float(tmr),
                             "relative": relative_window_ideal(g, tmr)})
    return rows


def compare_published(device="default", technology="45nm") -> list[dict]:
    """Our windows next to the published ones, with the reason for each difference.

    Columns: ``analytic_tmr133`` (ideal inequality at TMR 1.33, equal I_c: the published
    setting), ``analytic_device`` (same at the device's zero-bias TMR0), ``network_ideal``
    (ideal lines, bias-dependent TMR), ``network_technology`` (transistors + lines, 1 row).
    """
    dev = _device(device)
    out = []
    for name, pub in PUBLISHED_WINDOWS.items():
        g = GATES[name]
        out.append({
            "gate": name, "published": pub,
            "analytic_tmr133": relative_window_ideal(g, PUBLISHED_TMR),
            "analytic_device": relative_window_ideal(g, dev.TMR0),
            "network_ideal": gate_window(g, dev, None).relative,
            "network_technology": gate_window(g, dev, technology).relative,
        })
    return out


def windows_vs_rows(gate, device="default", technology="45nm",
                    rows_list=(1, 16, 64, 256)) -> list[dict]:
    """Window edges vs the number of rows computing in parallel (IR drop on shared lines)."""
    res = []
    for r in rows_list:
        w = gate_window(gate, device, technology, int(r))
        res.append({"rows": int(r), **w.to_dict()})
    return res


