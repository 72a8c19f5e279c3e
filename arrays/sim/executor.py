"""Run a CRAM program on an array: perfect mode or with device errors from a seeded generator.

``run(program, state, errors=ErrorModel | None, seed=...)`` executes the gate sequence in
place on ``state`` with the numba kernel in :mod:`arrays.sim.kernels` and returns what the
ledger needs: how many rows saw each input pattern of each gate type (gate energy depends on
the pattern) and how many errors were injected.

Errors: each gate evaluation in each active row fails independently with the probability of
its input pattern (``ErrorModel.gate_rates``), each preset write with ``preset_rates[value]``.
The draw depends only on (seed, program, active rows), never on the thread count.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from llg.errors import ParameterError, check_range

from .gates import GATES, MAX_FAN_IN
from .kernels import execute
from .program import GATE_IDS, KIND_GATE, Program, compile_program
from .state import ArrayState

#: Largest number of geometric gaps drawn at once (memory bound).
_CHUNK_TRIALS = 1 << 23
#: Most error candidates drawn at once (bounds the error run's memory, ~32 B each).
_MAX_CANDIDATES = 1 << 22


@dataclass
class ErrorModel:
    """Per-pattern gate failure probabilities and preset (write) failure probabilities.

    ``gate_rates[name]`` is an array over pattern indices (``int(pattern, 2)``, input 0
    first); ``preset_rates = (p_fail writing 0, p_fail writing 1)``.
    """

    gate_rates: dict
    preset_rates: tuple = (0.0, 0.0)
    source: str = ""

    def __post_init__(self):
        rates = {}
        for name, r in self.gate_rates.items():
            spec = GATES[name]
            r = np.asarray(r, dtype=float)
            if r.shape != (2 ** spec.fan_in,):
                raise ParameterError(f"error rates for {name} have shape {r.shape}; expected "
                                     f"({2 ** spec.fan_in},) (one per input pattern)")
            for p, v in zip(spec.patterns, r):
                check_range(f"error_rate[{name}][{p}]", float(v), "", 0.0, 1.0)
            rates[name] = r
        self.gate_rates = rates
        self.preset_rates = tuple(check_range(f"preset_error_rate[{v}]", float(e), "", 0, 1)
                                  for v, e in enumerate(self.preset_rates))

    @classmethod
    def uniform(cls, p: float, presets: bool = False) -> "ErrorModel":
        """Every gate pattern fails with ``p`` (and every preset too if ``presets``)."""
        p = check_range("gate_error_rate", p, "", 0.0, 1.0)
        return cls({n: np.full(2 ** g.fan_in, p) for n, g in GATES.items()},
                   (p, p) if presets else (0.0, 0.0), source=f"uniform p = {p:g}")

    @classmethod
    def from_dict(cls, by_pattern: dict, preset_rates=(0.0, 0.0), source: str = ""):
        """From ``{gate: {pattern: p}}`` as the circuits layer reports it."""
        rates = {}
        for name, d in by_pattern.items():
            spec = GATES[name]
            missing = [p for p in spec.patterns if p not in d]
            if missing:
                raise ParameterError(f"error rates for {name} lack pattern(s) {missing}")
            rates[name] = np.array([d[p] for p in spec.patterns], dtype=float)
        return cls(rates, tuple(preset_rates), source)

    def table(self) -> np.ndarray:
        """(n_gate_types, 2**MAX_FAN_IN) rates in GATE_IDS order (missing gates: 0)."""
        t = np.zeros((len(GATE_IDS), 2 ** MAX_FAN_IN))
        for name, r in self.gate_rates.items():
            t[GATE_IDS[name], :r.size] = r
        return t

    def max_rate(self) -> float:
        vals = [float(r.max()) for r in self.gate_rates.values()] + list(self.preset_rates)
        return max(vals) if vals else 0.0


@dataclass
class RunResult:
    """What one program run did (counts per row-evaluation; SI units where they apply)."""

    program: str
    rows: int
    active_rows: int
    gate_evaluations: dict          # gate -> number of (row, gate) evaluations
    pattern_counts: dict            # gate -> array over pattern indices (row evaluations)
    injected_errors: dict           # gate -> number of flipped outputs
    write_failures: dict = field(default_factory=dict)  # purpose -> wrong cells left
    cell_writes: dict = field(default_factory=dict)     # purpose -> cells written (rows x cols)
    wall_time: float = 0.0          # s, kernel wall time
    errors_on: bool = False

    @property
    def total_gate_evaluations(self) -> int:
        return int(sum(self.gate_evaluations.values()))


def draw_candidates(rng: np.random.Generator, n_entries: int, active_rows: int,
                    e_max: float):
    """Candidate failures over ``n_entries x active_rows`` Bernoulli(e_max) trials.

    The successes of a Bernoulli process are drawn directly as geometric gaps (exact, and
    O(number of successes) in time and memory). Returns ``(ptr, rows, v)``: entry ``s`` owns
    candidates ``ptr[s]:ptr[s+1]``, sorted by entry, with ``v`` uniform in [0, e_max).
    """
    total = n_entries * active_rows
    if e_max <= 0.0 or total == 0:
        return np.zeros(n_entries + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
    parts = []
    last = -1
    while True:
        expected = (total - 1 - last) * e_max
        size = int(min(expected + 6.0 * np.sqrt(expected + 1.0) + 16, _CHUNK_TRIALS))
        pos = last + np.cumsum(rng.geometric(e_max, size=size), dtype=np.int64)
        inside = pos[pos < total]
        parts.append(inside)
        if inside.size < pos.size:
            break
        last = int(pos[-1])
    idx = np.concatenate(parts)
    v = rng.random(idx.size) * e_max
    entry, row = np.divmod(idx, active_rows)
    ptr = np.searchsorted(entry, np.arange(n_entries + 1), side="left").astype(np.int64)
    return ptr, row.astype(np.int64), v.astype(np.float64)


_WARM = False


def warm_up() -> None:
    """Call the kernel once on a one-gate program, so the numba dispatch and cache load
    (about 0.3 s, once per process) stay out of the timed runs."""
    global _WARM
    if _WARM:
        return
    from .program import ProgramBuilder

    b = ProgramBuilder("warm-up")
    b.gate("NOT", [0], 1)
    p = b.build()
    comp = compile_program(p)
    st = ArrayState(64, 2)
    n = comp.kind.size
    execute(st.bits, st.active, comp.kind, comp.gate_id, comp.value, comp.fan_in, comp.inputs,
            comp.output, comp.switch_table, True, np.zeros((n, 2 ** MAX_FAN_IN), np.int64),
            np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0),
            np.zeros((len(GATE_IDS), 2 ** MAX_FAN_IN)), np.zeros(2), np.zeros(n, np.int64))
    _WARM = True


def run(program: Program, state: ArrayState, *, errors: ErrorModel | None = None,
        seed: int = 0, count_patterns: bool = True) -> RunResult:
    """Execute ``program`` on ``state`` (in place) and return the counts the ledger needs.

    ``errors=None`` is the perfect mode. Raises ParameterError if the program references
    columns the array does not have.
    """
    program.check_fits(state.cols)
    warm_up()
    comp = compile_program(program)
    n = comp.kind.size
    A = state.active_rows
    counts = np.zeros((n, 2 ** MAX_FAN_IN), dtype=np.int64)
    flips = np.zeros(n, dtype=np.int64)
    t0 = time.perf_counter()
    if errors is not None and errors.max_rate() > 0:
        rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
        e_max = errors.max_rate()
        err_gate, err_preset = errors.table(), np.asarray(errors.preset_rates, dtype=float)
        # candidates cost ~32 B each; draw them per block of steps so memory stays bounded
        # (a 10^4-gate program on 3*10^4 rows at e ~ 0.4 would need ~4 GB at once)
        step = n if n * A * e_max <= _MAX_CANDIDATES else \
            max(1, int(_MAX_CANDIDATES // max(A * e_max, 1.0)))
        for s0 in range(0, n, step):
            s1 = min(n, s0 + step)
            ptr, rows, v = draw_candidates(rng, s1 - s0, A, e_max)
            execute(state.bits, state.active, comp.kind[s0:s1], comp.gate_id[s0:s1],
                    comp.value[s0:s1], comp.fan_in[s0:s1], comp.inputs[s0:s1],
                    comp.output[s0:s1], comp.switch_table, bool(count_patterns),
                    counts[s0:s1], ptr, rows, v, err_gate, err_preset, flips[s0:s1])
    else:
        ptr, rows, v = np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
        err_gate, err_preset = np.zeros((len(GATE_IDS), 2 ** MAX_FAN_IN)), np.zeros(2)
        execute(state.bits, state.active, comp.kind, comp.gate_id, comp.value, comp.fan_in,
                comp.inputs, comp.output, comp.switch_table, bool(count_patterns), counts,
                ptr, rows, v, err_gate, err_preset, flips)
    wall = time.perf_counter() - t0

    names = list(GATE_IDS)
    evals, pats, injected = {}, {}, {}
    is_gate = comp.kind == KIND_GATE
    for gid in np.unique(comp.gate_id[is_gate]):
        name = names[gid]
        sel = is_gate & (comp.gate_id == gid)
        k = GATES[name].fan_in
        evals[name] = int(sel.sum()) * A
        pats[name] = counts[sel, :2 ** k].sum(axis=0)
        injected[name] = int(flips[sel].sum())
    write_fail, cell_writes = {}, {}
    for purpose, code in (("preset", 1), ("constant", 2)):
        sel = comp.purpose == code
        cell_writes[purpose] = int(sel.sum()) * A
        write_fail[purpose] = int(flips[sel].sum())
    return RunResult(program.name, state.rows, A, evals, pats, injected, write_fail,
                     cell_writes, wall, errors is not None)
