"""The digits BNN: the simulated array classifies exactly as the integer XNOR-popcount
reference does, and device errors degrade the accuracy."""
import numpy as np
import pytest

from arrays.sim import bnn
from arrays.sim.executor import ErrorModel


@pytest.fixture(scope="module")
def trained():
    model = bnn.train(hidden=32, epochs=60, seed=0)
    return model, bnn.build_program(model), bnn.load_data()


def test_training_is_deterministic_and_learns(trained):
    model, _, _ = trained
    again = bnn.train(hidden=32, epochs=60, seed=0)
    assert np.array_equal(model.w1, again.w1) and np.array_equal(model.w2, again.w2)
    assert np.array_equal(model.thresholds, again.thresholds)
    # ten classes: chance is 0.1; a 64-32-10 binary network reaches well above it
    assert model.test_accuracy > 0.7


def test_hidden_units_are_xnor_popcount_thresholds(trained):
    """The +-1 network and the bit form agree: x.w + 8 b >= 0 <=> popcount >= T."""
    model, _, (_, x_te, _, _) = trained
    xs, ws = 2.0 * x_te - 1.0, 2.0 * model.w1 - 1.0
    dot = xs @ ws.T                                     # +-1 dot products
    pc = (dot + 64) / 2                                 # matching bits
    assert np.array_equal((pc >= model.thresholds).astype(np.uint8), model.hidden_bits(x_te))


def test_array_equals_reference_in_perfect_mode(trained):
    model, program, (_, x_te, _, y_te) = trained
    pred, res = bnn.run_on_array(model, program, x_te)
    assert np.array_equal(pred, model.predict(x_te))
    assert np.mean(pred == y_te) == pytest.approx(model.test_accuracy)
    assert sum(res.injected_errors.values()) == 0


def test_errors_degrade_accuracy(trained):
    model, program, (_, x_te, _, y_te) = trained
    acc = []
    for p in (1e-5, 3e-2):
        pred, _ = bnn.run_on_array(model, program, x_te, errors=ErrorModel.uniform(p, True),
                                   seed=2)
        acc.append(np.mean(pred == y_te))
    # at 1e-5 per gate a 64-32-10 inference (~18k gates) sees ~0.2 errors per image
    assert acc[0] >= model.test_accuracy - 0.05
    # at 3 % per gate the popcounts are noise: close to chance (0.1), far below the model
    assert acc[1] < 0.5 * model.test_accuracy


@pytest.mark.parametrize("width", [1, 3, 4])
def test_carry_out_with_compile_time_constant(width):
    """[x + K >= 2^w] for every x and every constant K, against integer arithmetic."""
    from arrays.sim.bnn import carry_out_const
    from arrays.sim.programs import Builder
    from arrays.sim.executor import run as run_program
    from arrays.sim.state import ArrayState
    xs_all = np.arange(2 ** width, dtype=np.uint64)
    for K in range(2 ** width):
        b = Builder("c", "carry")
        x = b.operand("x", width)
        b.result("c", [carry_out_const(b, x, K)])
        prog = b.build()
        st = ArrayState(len(xs_all), prog.n_cols)
        st.write_uint(prog.operands["x"], xs_all)
        run_program(prog, st)
        got = st.read_uint(prog.results["c"])
        assert np.array_equal(got, (xs_all + K >= 2 ** width).astype(got.dtype)), K


def test_bnn_program_writes_no_weights(trained):
    """Weights known at compile time cost no cell writes and no XNOR: the only constants are
    the shared 0 and 1 columns, and no NOR2 (the XNOR's second gate) is left."""
    model, prog, _ = trained
    consts = [s for s in prog.steps if getattr(s, "purpose", None) == "constant"]
    assert sum(len(s.columns) for s in consts) <= 2
    assert "NOR2" not in prog.gate_counts()
    # one NOT per input and per hidden unit replaces 3 gates per multiply-accumulate
    assert prog.gate_counts()["NOT"] >= 64 + model.hidden - 2


def test_baseline_instruction_counts_by_hand():
    """AVX2, 4 images per register: layer 1 per unit vpxor + 7 (nibble popcount) + vpcmpgtq
    + vpand + vpor = 11; layer 2 per class over 2 words: 2 vpxor + 2 x 6 lookup steps +
    1 vpaddb + 1 vpsadbw + 3 (argmax) = 19; + 1 load + 1 store; all / 4 images."""
    from arrays.energy.workloads import WORKLOADS, bnn_instruction_counts
    c = bnn_instruction_counts(128)
    assert c["vector_per_image"] == (128 * 11 + 10 * 19 + 2) / 4 == 400
    assert c["scalar_per_image"] == 4 * 128 + 10 * (4 * 2 + 3) + 2
    w = WORKLOADS["bnn_digits"].baseline
    assert w.instructions == 400 and not w.vectorizable
    pc = WORKLOADS["popcount64"].baseline
    assert pc.instructions == (1 + 7 + 1) / 4 and not pc.vectorizable
