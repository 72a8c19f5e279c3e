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
