"""An int8 multilayer perceptron 64-32-10 on sklearn's 8x8 digits, run on CRAM GEMV rows.

Training: scikit-learn's ``MLPClassifier`` (ReLU, Adam, fixed seed) on the pixels / 16, on
the same stratified 75/25 split as the BNN (:func:`arrays.sim.bnn.load_data`, raw pixels).

Integer-only inference (the scheme of Jacob et al., CVPR 2018): the pixels (0-16) are the
int8 inputs (scale 1/16 folded into the first layer); each layer's weights are quantized
symmetrically to int8 with one scale per layer (``s = max|W| / 127``), biases to int32 at
the accumulator's scale; the hidden ReLU output is requantized to int8 [0, 127] by a
fixed-point multiply (``(acc * M) >> 16``, M from the scale ratio, calibrated on the
training set); the class is the argmax of the int32 logits.

On CRAM both layers are GEMVs (:mod:`arrays.sim.gemv`): the 32x64 layer as 2 rows of
``mac8x32`` per hidden unit, the 10x32 layer as 1 row per class: 74 rows of the same
program per image. Bias adds, requantization and the argmax are near-array digital work.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gemv import GemvInstance

HIDDEN = 32
SHIFT = 16


@dataclass
class Mlp8:
    w1: np.ndarray      # (H, 64) int8
    b1: np.ndarray      # (H,) int32
    m1: int             # requantization multiplier (Q16)
    w2: np.ndarray      # (10, H) int8
    b2: np.ndarray      # (10,) int32
    float_test_accuracy: float

    def hidden(self, acc1: np.ndarray) -> np.ndarray:
        """ReLU and requantization to int8 [0, 127] (integer arithmetic)."""
        return np.clip((np.maximum(acc1.astype(np.int64) + self.b1, 0) * self.m1) >> SHIFT,
                       0, 127)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Independent integer reference (numpy int64 matmuls)."""
        h = self.hidden(x.astype(np.int64) @ self.w1.T)
        return np.argmax(h @ self.w2.T + self.b2, axis=1)


def load_data():
    """(x_train, x_test, y_train, y_test): raw digits pixels 0-16, the BNN's split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X.astype(np.int64), y, test_size=0.25, random_state=0,
                            stratify=y)


_CACHE: dict = {}


def train(hidden: int = HIDDEN, seed: int = 0) -> Mlp8:
    """Train and quantize (module docstring); deterministic, cached per process."""
    if (hidden, seed) in _CACHE:
        return _CACHE[(hidden, seed)]
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    x_tr, x_te, y_tr, y_te = load_data()
    clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", max_iter=300,
                        random_state=seed, alpha=1e-3)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x_tr / 16.0, y_tr)
    W1, W2 = clf.coefs_[0].T / 16.0, clf.coefs_[1].T          # pixels in 0..16
    c1, c2 = clf.intercepts_
    s1 = np.abs(W1).max() / 127
    w1 = np.round(W1 / s1).astype(np.int64)
    b1 = np.round(c1 / s1).astype(np.int64)
    h_tr = np.maximum(x_tr @ w1.T + b1, 0) * s1                 # float hidden, train set
    s_h = max(h_tr.max(), 1e-12) / 127
    m1 = int(round(s1 / s_h * (1 << SHIFT)))
    s2 = np.abs(W2).max() / 127
    w2 = np.round(W2 / s2).astype(np.int64)
    b2 = np.round(c2 / (s2 * s_h)).astype(np.int64)
    model = Mlp8(w1, b1, m1, w2, b2, float(clf.score(x_te / 16.0, y_te)))
    _CACHE[(hidden, seed)] = model
    return model


def cram_predict(model: Mlp8, x: np.ndarray, cols: int, run_fn) -> tuple:
    """Labels from both layers on CRAM rows; ``run_fn(program, state)`` runs a program
    (perfect or with errors). Returns (labels, rows per image)."""
    g1 = GemvInstance(model.w1, x, cols)
    st1 = g1.state.copy()
    run_fn(g1.program, st1)
    h = model.hidden(g1.outputs(st1))
    g2 = GemvInstance(model.w2, h, cols)
    st2 = g2.state.copy()
    run_fn(g2.program, st2)
    logits = g2.outputs(st2).astype(np.int64) + model.b2
    rows = g1.n * g1.chunks + g2.n * g2.chunks
    return np.argmax(logits, axis=1), rows
