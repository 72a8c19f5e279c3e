"""Error injection: observed failure counts against the binomial law of the requested rates.

Each check compares a count k out of n trials with n p and accepts |k - n p| <= 4.5 sigma,
sigma = sqrt(n p (1 - p)) (fixed seeds: a pass is not luck, a fail is a real bias at the
5e-6 level).
"""
import itertools

import numpy as np
import pytest

from arrays.sim.executor import ErrorModel, draw_candidates, run
from arrays.sim.gates import GATES
from arrays.sim.program import ProgramBuilder
from arrays.sim.state import ArrayState
from llg.errors import ParameterError

Z = 4.5


def _within(k, n, p):
    sigma = np.sqrt(n * p * (1 - p))
    return abs(k - n * p) <= Z * sigma + 1e-12, (k, n * p, sigma)


def _not_chain(n_gates, rows, seed=0):
    """Many independent NOT gates reading one random input column."""
    b = ProgramBuilder("nots")
    (x,) = b.operand("x", 1)
    outs = [b.gate("NOT", [x]) for _ in range(n_gates)]
    state = ArrayState(rows, n_gates + 1)
    bits = np.random.default_rng(seed).integers(0, 2, rows).astype(np.uint8)
    state.write_column(x, bits)
    return b.build(), state, bits, outs


@pytest.mark.parametrize("p", [0.01, 0.3])
def test_uniform_gate_error_rate(p):
    prog, state, bits, outs = _not_chain(200, 1000)
    res = run(prog, state, errors=ErrorModel.uniform(p), seed=11)
    wrong = sum(int(np.sum(state.read_column(o) != 1 - bits)) for o in outs)
    n = 200 * 1000
    ok, info = _within(wrong, n, p)
    assert ok, info
    assert wrong == res.injected_errors["NOT"]


def test_per_pattern_rates():
    """NAND2 with a different rate per input pattern: each pattern's failures follow it."""
    rates = {"00": 0.0, "01": 0.05, "10": 0.2, "11": 0.5}
    em = ErrorModel.from_dict({"NAND2": rates})
    b = ProgramBuilder("nand")
    x, y = b.operand("x", 1)[0], b.operand("y", 1)[0]
    outs = [b.gate("NAND2", [x, y]) for _ in range(100)]
    rows = 2000
    rng = np.random.default_rng(5)
    xa, ya = rng.integers(0, 2, rows).astype(np.uint8), rng.integers(0, 2, rows).astype(np.uint8)
    state = ArrayState(rows, 102)
    state.write_column(x, xa)
    state.write_column(y, ya)
    run(b.build(), state, errors=em, seed=3)
    want = 1 - (xa & ya)
    wrong = np.stack([state.read_column(o) != want for o in outs])   # (gates, rows)
    for pat, p in rates.items():
        sel = (xa == int(pat[0])) & (ya == int(pat[1]))
        k, n = int(wrong[:, sel].sum()), int(sel.sum()) * len(outs)
        ok, info = _within(k, n, p)
        assert ok, (pat, info)


def test_preset_failures_keep_the_old_state():
    """A failed preset leaves the previous value: visible only where it differed."""
    p = 0.1
    b = ProgramBuilder("presets")
    cols = b.alloc(50)
    b.constant(cols, 1)
    state = ArrayState(1000, 50)
    rng = np.random.default_rng(9)
    old = rng.integers(0, 2, (50, 1000)).astype(np.uint8)
    for c in cols:
        state.write_column(c, old[c])
    res = run(b.build(), state, errors=ErrorModel({}, (0.0, p)), seed=4)
    after = np.stack([state.read_column(c) for c in cols])
    assert np.all(after[old == 1] == 1)                 # already 1: nothing can go wrong
    k, n = int(np.sum(after[old == 0] == 0)), int(np.sum(old == 0))
    ok, info = _within(k, n, p)
    assert ok, info
    assert res.write_failures["constant"] == k


def test_draw_candidates_is_a_bernoulli_process():
    rng = np.random.default_rng(0)
    for n_entries, rows, p in ((500, 1000, 1e-3), (50, 64, 0.5), (3, 7, 1.0)):
        ptr, r, v = draw_candidates(rng, n_entries, rows, p)
        ok, info = _within(r.size, n_entries * rows, p)
        assert ok, info
        assert ptr[0] == 0 and ptr[-1] == r.size and np.all(np.diff(ptr) >= 0)
        assert np.all((r >= 0) & (r < rows)) and np.all((v >= 0) & (v < p))
        # no (entry, row) pair twice
        entry = np.repeat(np.arange(n_entries), np.diff(ptr))
        assert np.unique(entry * rows + r).size == r.size


def test_same_seed_same_result_and_perfect_mode():
    prog, s1, _, _ = _not_chain(50, 500)
    s2, s3, s0 = s1.copy(), s1.copy(), s1.copy()
    em = ErrorModel.uniform(0.05, presets=True)
    run(prog, s1, errors=em, seed=7)
    run(prog, s2, errors=em, seed=7)
    run(prog, s3, errors=em, seed=8)
    r0 = run(prog, s0, errors=None)
    assert np.array_equal(s1.bits, s2.bits)
    assert not np.array_equal(s1.bits, s3.bits)
    assert sum(r0.injected_errors.values()) == 0


def test_error_model_validation():
    with pytest.raises(ParameterError, match="valid range"):
        ErrorModel.uniform(1.5)
    with pytest.raises(ParameterError, match="lack pattern"):
        ErrorModel.from_dict({"NAND2": {"00": 0.1}})
    with pytest.raises(ParameterError, match="shape"):
        ErrorModel({"MAJ3": np.zeros(4)})
    with pytest.raises(ParameterError):
        ErrorModel({"MAJ3": np.full(8, -0.1)})


def test_every_gate_pattern_reaches_the_kernel():
    """Rates set on one pattern of every gate fire only on that pattern."""
    for name, spec in GATES.items():
        for target in spec.patterns:
            rates = np.zeros(2 ** spec.fan_in)
            rates[int(target, 2)] = 1.0
            em = ErrorModel({name: rates})
            b = ProgramBuilder(name)
            ins = [b.operand(f"x{i}", 1)[0] for i in range(spec.fan_in)]
            out = b.gate(name, ins)
            pats = np.array(list(itertools.product((0, 1), repeat=spec.fan_in)), np.uint8)
            state = ArrayState(len(pats), spec.fan_in + 1)
            for i, c in enumerate(ins):
                state.write_column(c, pats[:, i])
            run(b.build(), state, errors=em, seed=1)
            good = np.array([spec.output("".join(map(str, p))) for p in pats])
            flipped = state.read_column(out) != good
            assert flipped.tolist() == [("".join(map(str, p)) == target) for p in pats]
