"""A binary neural network on scikit-learn's handwritten digits, run on the simulated array.

Data: ``sklearn.datasets.load_digits`` (1797 8x8 images, 16 grey levels; ships with
scikit-learn, no download), pixels binarized at ``pixel >= 6``; a stratified 75/25 split
(random_state 0) gives 450 test images.

Model (Courbariaux et al., "Binarized neural networks", NeurIPS 2016; XNOR-popcount form of
Rastegari et al., ECCV 2016): 64 binary inputs -> H binary hidden units -> 10 class scores,
weights and activations in {-1, +1} stored as bits b = (v + 1) / 2. For +-1 vectors,
``x . w = 2 popcount(XNOR(x, w)) - n``, so

* hidden unit j fires iff ``x . w_j + 8 b_j >= 0``  <=>  ``popcount(XNOR(x, w_j)) >= T_j``
  with ``T_j = ceil(32 - 4 b_j)`` (b_j the trained bias, scaled by sqrt(64) = 8);
* the class is ``argmax_c popcount(XNOR(h, v_c))`` (ties: lowest class, as numpy's argmax).

Training: straight-through estimator (hard-tanh gradient for the sign), latent real weights
clipped to [-1, 1], Adam; numpy only, BLAS limited to one thread so the result is identical
on every machine and thread count.

On the array: one row per test image. The weights are known when the program is compiled,
and XNOR with a known bit is the input itself (w = 1) or its complement (w = 0): every input
is complemented once (64 NOTs), and each hidden unit's popcount tree reads, per input, the
column or its complement -- no gate and no weight write per multiply-accumulate. The
threshold test x >= T_j is the carry out of x + (128 - T_j) with the constant folded in at
compile time (a constant-0 bit makes the carry stage an AND2, a constant-1 bit an OR2, and a
carry that is still constant folds away). The output layer does the same with the H hidden
bits and their complements; an in-array argmax (a scan of comparisons and selects, ties to
the lowest class) leaves the 4-bit label, which is all the host reads.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from llg.errors import ParameterError

from .executor import ErrorModel, run
from .program import Program
from .programs import Builder, argmax, popcount
from .state import ArrayState

PIXEL_THRESHOLD = 6
N_IN = 64
N_CLASSES = 10


@dataclass
class BNN:
    """A trained binary network: weights as bits, hidden thresholds as popcount counts."""

    w1: np.ndarray          # (H, 64) uint8 bits, +1 -> 1
    thresholds: np.ndarray  # (H,) int: hidden unit fires iff popcount >= T
    w2: np.ndarray          # (10, H) uint8 bits
    train_accuracy: float
    test_accuracy: float    # numpy reference (integer XNOR-popcount) on the test set

    @property
    def hidden(self) -> int:
        return self.w1.shape[0]

    def hidden_bits(self, x: np.ndarray) -> np.ndarray:
        """(n, H) hidden bits of input bits x (n, 64), by integer XNOR-popcount."""
        pc = (x[:, None, :] == self.w1[None, :, :]).sum(axis=2)
        return (pc >= self.thresholds[None, :]).astype(np.uint8)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """(n, 10) output popcounts."""
        h = self.hidden_bits(x)
        return (h[:, None, :] == self.w2[None, :, :]).sum(axis=2)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.argmax(self.scores(x), axis=1)


def load_data():
    """(x_train, x_test, y_train, y_test): binarized digits, stratified 75/25 split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    xb = (X >= PIXEL_THRESHOLD).astype(np.uint8)
    return train_test_split(xb, y, test_size=0.25, random_state=0, stratify=y)


def train(hidden: int = 128, epochs: int = 200, seed: int = 0, lr: float = 0.01) -> BNN:
    """Train the BNN (see module docstring); deterministic for a given seed."""
    if not 1 <= int(hidden) <= 512:
        raise ParameterError(f"hidden = {hidden!r} units is invalid; valid range: 1..512")
    from threadpoolctl import threadpool_limits

    x_tr, x_te, y_tr, y_te = load_data()
    H, D = int(hidden), N_IN
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(-0.1, 0.1, (H, D))
    b1 = np.zeros(H)
    W2 = rng.uniform(-0.1, 0.1, (N_CLASSES, H))
    params = [W1, b1, W2]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    xs = 2.0 * x_tr - 1.0
    out_scale = 4.0 / math.sqrt(H)      # softmax temperature for +-H scores
    step = 0
    with threadpool_limits(1):
        for _ in range(epochs):
            perm = rng.permutation(len(y_tr))
            for i in range(0, len(y_tr), 64):
                idx = perm[i:i + 64]
                xb, yb = xs[idx], y_tr[idx]
                w1b, w2b = np.where(W1 >= 0, 1.0, -1.0), np.where(W2 >= 0, 1.0, -1.0)
                a1 = xb @ w1b.T / math.sqrt(D) + b1
                h = np.where(a1 >= 0, 1.0, -1.0)
                s = h @ w2b.T * out_scale
                s -= s.max(axis=1, keepdims=True)
                p = np.exp(s)
                p /= p.sum(axis=1, keepdims=True)
                p[np.arange(len(yb)), yb] -= 1.0
                gs = p * out_scale / len(yb)
                g_w2 = gs.T @ h
                ga1 = (gs @ w2b) * (np.abs(a1) <= 1.0)      # straight-through hard-tanh
                grads = [ga1.T @ xb / math.sqrt(D), ga1.sum(axis=0), g_w2]
                step += 1
                for k, (prm, g) in enumerate(zip(params, grads)):
                    m1[k] = 0.9 * m1[k] + 0.1 * g
                    m2[k] = 0.999 * m2[k] + 0.001 * g * g
                    prm -= lr * (m1[k] / (1 - 0.9 ** step)) / (
                        np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)
                np.clip(W1, -1, 1, out=W1)
                np.clip(W2, -1, 1, out=W2)
    w1 = (W1 >= 0).astype(np.uint8)
    w2 = (W2 >= 0).astype(np.uint8)
    # x.w + sqrt(D) b >= 0 with x.w = 2 pc - D  <=>  pc >= D/2 - sqrt(D) b / 2
    thresholds = np.ceil(D / 2 - math.sqrt(D) * b1 / 2 - 1e-9).astype(np.int64)
    model = BNN(w1, thresholds, w2, 0.0, 0.0)
    model.train_accuracy = float(np.mean(model.predict(x_tr) == y_tr))
    model.test_accuracy = float(np.mean(model.predict(x_te) == y_te))
    return model


def build_program(model: BNN) -> Program:
    """The whole inference as one CRAM program (one image per row); see the module
    docstring for the compile-time folding of the weights and thresholds."""
    H = model.hidden
    b = Builder(f"bnn{H}", f"BNN 64-{H}-10 inference (popcount of inputs or complements "
                "chosen by the weights + threshold)")
    x = b.operand("x", N_IN)
    pc_width = N_IN.bit_length()          # popcount of 64 bits: 7 bits (0..64)
    xn = [b.gate("NOT", [c]) for c in x]
    hidden = []
    for j in range(H):
        T = int(model.thresholds[j])
        if T <= 0 or T > N_IN:            # unit constant for every input
            hidden.append(b.one() if T <= 0 else b.zero())
            continue
        cols = [x[k] if model.w1[j, k] else xn[k] for k in range(N_IN)]
        hidden.append(_popcount_at_least(b, cols, (1 << pc_width) - T, pc_width))
    b.free(xn)
    hn = [b.one() if h == b.zero() else b.zero() if h == b.one() else b.gate("NOT", [h])
          for h in hidden]
    scores = []
    for c in range(N_CLASSES):
        cols = [hidden[j] if model.w2[c, j] else hn[j] for j in range(H)]
        score = popcount(b, cols)
        b.result(f"score{c}", score)
        scores.append(score)
    width = max(len(s) for s in scores)
    scores = [s + [b.zero()] * (width - len(s)) for s in scores]
    b.result("label", argmax(b, scores))
    return b.build()


def _popcount_at_least(b: Builder, cols, K: int, width: int) -> int:
    """Column holding [popcount(cols) >= 2^width - K], the popcount's columns freed."""
    pc = popcount(b, cols)
    h = carry_out_const(b, pc, K)
    keep = set(cols) | {h}
    b.free([c for c in dict.fromkeys(pc) if c not in keep and not b.is_const(c)])
    return h


def carry_out_const(b: Builder, xs, K: int) -> int:
    """Carry out of x + K (x in ``xs``, LSB first; K a compile-time constant): the column
    holding [x + K >= 2^len(xs)]. MAJ3(x, k, c) with k constant is AND2(x, c) for k = 0 and
    OR2(x, c) for k = 1; with c constant too it is k (if k == c) or x itself."""
    carry: int | None = None               # None: the carry is the constant `const`
    const = 0
    owned = False
    for i, xcol in enumerate(xs):
        k = (K >> i) & 1
        if carry is None:
            if k == const:
                continue                    # MAJ(x, k, k) = k: still a constant
            carry, owned = xcol, False      # MAJ(x, k, not k) = x
            continue
        new = b.gate("OR2" if k else "AND2", [xcol, carry])
        if owned:
            b.free([carry])
        carry, owned = new, True
    if carry is None:
        return b.one() if const else b.zero()
    return carry          # a gate output, or one of xs itself (the caller keeps it)



@functools.lru_cache(maxsize=1)
def linear_reference_accuracy() -> float:
    """Test accuracy of multinomial logistic regression (scikit-learn, default L2) on the
    same binarized split: what the binarized inputs allow a plain linear classifier, the
    yardstick for what limits the BNN (its binary weights and units, not the inputs)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    x_tr, x_te, y_tr, y_te = load_data()
    with threadpool_limits(1):
        m = LogisticRegression(max_iter=2000).fit(x_tr, y_tr)
    return float(m.score(x_te, y_te))


def run_on_array(model: BNN, program: Program, x: np.ndarray, *, cols: int = 1024,
                 errors: ErrorModel | None = None, seed: int = 0):
    """Classify images ``x`` (n, 64) bits on a simulated array; returns (labels read from
    the array, run)."""
    x = np.asarray(x, dtype=np.uint8)
    state = ArrayState(rows=x.shape[0], cols=cols)
    program.check_fits(cols)
    for k, c in enumerate(program.operands["x"]):
        state.write_column(c, x[:, k])
    res = run(program, state, errors=errors, seed=seed)
    return state.read_uint(program.results["label"]).astype(np.int64), res
