"""Workloads the report compares: what one item is, its CRAM program and its baseline cost.

A workload couples (i) a CRAM program run row-parallel on an array, with inputs and an
independent numpy reference that scores the result, (ii) the bits an item moves between host
and memory and (iii) what the same item costs a conventional processor
(:class:`~arrays.energy.baseline.BaselineWork`, counted per item as a compiler would emit it).

Registered workloads (``WORKLOADS``): ``add32``, ``mul16``, ``mac8x16``, ``popcount64`` and
``bnn_digits``. New technologies (an analog crossbar, other memories) reuse the same
workloads and baseline; they bring their own engine for the in-memory side.
"""
from __future__ import annotations

import difflib

import numpy as np

from llg.errors import ParameterError

from .baseline import BaselineWork
from ..sim.programs import build
from ..sim.state import ArrayState

from .workload_types import DEFAULT_ITEMS, Instance, Workload  # noqa: F401  (re-exported)


def _kernel_instance(name: str):
    def make(rows: int, cols: int, seed: int) -> Instance:
        k = build(name)
        k.program.check_fits(cols)
        state = ArrayState(rows, cols)
        rng = np.random.default_rng(seed)
        inputs = k.make_inputs(rng, rows)
        for op, c in k.program.operands.items():
            state.write_uint(c, inputs[op])
        ref = k.reference(inputs)

        def score(st: ArrayState) -> float:
            ok = np.ones(rows, dtype=bool)
            for r, want in ref.items():
                ok &= st.read_uint(k.program.results[r]) == want
            return float(ok.mean())

        return Instance(k.program, state, score, lambda st: score(st) == 1.0,
                        "numpy integer arithmetic on the same inputs")
    return make


_BNN_CACHE: dict = {}


def bnn_model(hidden: int = 128, seed: int = 0):
    """The trained digits BNN and its CRAM program (trained once per process)."""
    key = (hidden, seed)
    if key not in _BNN_CACHE:
        from ..sim import bnn
        model = bnn.train(hidden=hidden, seed=seed)
        _BNN_CACHE[key] = (model, bnn.build_program(model))
    return _BNN_CACHE[key]


def _bnn_instance(rows: int, cols: int, seed: int) -> Instance:
    from ..sim import bnn
    model, program = bnn_model()
    _, x_te, _, y_te = bnn.load_data()
    x, y = x_te, y_te           # always the whole test set, one image per row
    n = len(y)
    program.check_fits(cols)
    state = ArrayState(n, cols)
    for k, c in enumerate(program.operands["x"]):
        state.write_column(c, x[:, k])

    def predict(st: ArrayState) -> np.ndarray:
        return st.read_uint(program.results["label"]).astype(np.int64)

    want = model.predict(x)
    return Instance(program, state, lambda st: float(np.mean(predict(st) == y)),
                    lambda st: bool(np.array_equal(predict(st), want)),
                    "test-set labels (accuracy); numpy XNOR-popcount predictions (check)")


#: AVX2 instructions of one 256-bit popcount of four 64-bit lanes: AVX2 has no vector
#: popcount (VPOPCNTQ is AVX-512 VPOPCNTDQ), so the nibble-lookup method of Mula, Kurz &
#: Lemire, "Faster population counts using AVX2 instructions", Comput. J. 61(1), 111 (2018):
#: vpand, vpsrlw, vpand (the two nibbles), vpshufb x 2 (table lookups), vpaddb, vpsadbw
#: (byte sums into the 64-bit lanes).
AVX2_POPCOUNT_4X64 = 7


def bnn_instruction_counts(hidden: int = 128) -> dict:
    """AVX2 instructions per image of the bit-packed BNN, four images per 256-bit register
    (one 64-bit lane per image; the weights, broadcast from L1, are shared by the four).

    Layer 1, per hidden unit and 4 images: vpxor (x with the broadcast weight word), the
    popcount (:data:`AVX2_POPCOUNT_4X64`), vpcmpgtq (against the threshold), vpand + vpor
    (put the unit's bit into the packed hidden word): 11. Layer 2, per class and 4 images,
    over the ceil(H / 64) hidden words: vpxor and the popcount per word (byte counts summed
    with vpaddb before one vpsadbw), then vpcmpgtq + 2 vpblendvb for the running argmax.
    Plus one load of the 4 images and one store of their labels. A scalar mapping (xor,
    popcnt, cmp, adc per unit: 4 per unit and image) costs more; the cheaper one is used.
    """
    words = -(-hidden // 64)
    layer1 = hidden * (1 + AVX2_POPCOUNT_4X64 + 1 + 2)
    layer2 = N_CLASSES_BNN * (words * (1 + AVX2_POPCOUNT_4X64 - 1) + (words - 1) + 1 + 3)
    vector = (layer1 + layer2 + 2) / 4.0
    scalar = 4.0 * hidden + N_CLASSES_BNN * (4 * words + 3) + 2
    return {"layer1_per_4_images": layer1, "layer2_per_4_images": layer2,
            "vector_per_image": vector, "scalar_per_image": scalar,
            "used_per_image": min(vector, scalar)}


N_CLASSES_BNN = 10


def _bnn_baseline(hidden: int = 128) -> BaselineWork:
    H, words = hidden, -(-hidden // 64)
    counts = bnn_instruction_counts(hidden)
    xor_pop = H + N_CLASSES_BNN * words            # 64-bit XORs and popcounts per image
    return BaselineWork(
        ops={("add", 64): 2 * xor_pop, ("add", 8): H + N_CLASSES_BNN},
        instructions=counts["used_per_image"], vectorizable=False,
        # weight words are loaded once per 4 images (broadcast), the image once
        dram_bits=64 + 8, l1_bits=(64 * H + H * N_CLASSES_BNN) / 4 + 64,
        description=f"bit-packed XNOR-popcount inference, AVX2 with 4 images per register: "
                    f"{counts['used_per_image']:.4g} instructions per image (scalar "
                    f"{counts['scalar_per_image']:.4g})",
        assumptions=["baseline BNN: bitwise XOR and each 64-bit popcount charged as a 64-bit "
                     "integer add (Horowitz lists no logic-op energy; both are simpler than "
                     "an add); instruction counts per arrays.energy.workloads."
                     "bnn_instruction_counts (AVX2 has no vector popcount: nibble lookup, "
                     "7 instructions per four 64-bit lanes, Mula, Kurz & Lemire 2018)",
                     "baseline BNN: weights (1.2 kB) stay in the L1 cache, only the 64-bit "
                     "image comes from DRAM and an 8-bit label goes back"])


WORKLOADS: dict = {w.name: w for w in (
    Workload("add32", "32-bit unsigned add of two vectors (33-bit results)",
             _kernel_instance("add32"),
             BaselineWork({("add", 32): 1}, 4, 64 + 33, 64 + 33,
                          description="2 loads, 1 add, 1 store per element",
                          assumptions=["baseline add32: the 33-bit result is stored as 33 bits "
                                       "of traffic (no rounding to words)"]),
             in_bits=64, out_bits=33),
    Workload("mul16", "16 x 16-bit unsigned multiply (32-bit products)",
             _kernel_instance("mul16"),
             BaselineWork({("mult", 16): 1}, 4, 32 + 32, 32 + 32,
                          description="2 loads, 1 multiply, 1 store per element"),
             in_bits=32, out_bits=32),
    Workload("mac8x16", "dot products of 16 pairs of 8-bit numbers (20-bit results)",
             _kernel_instance("mac8x16"),
             BaselineWork({("mult", 8): 16, ("add", 20): 15}, 32 + 16 + 15 + 1,
                          256 + 20, 256 + 20,
                          description="32 loads, 16 multiplies, 15 adds, 1 store per dot "
                                      "product"),
             in_bits=256, out_bits=20),
    Workload("popcount64", "population count of 64-bit words (7-bit counts)",
             _kernel_instance("popcount64"),
             BaselineWork({("add", 64): 1}, (2 + AVX2_POPCOUNT_4X64) / 4, 64 + 7, 64 + 7,
                          vectorizable=False,
                          description="AVX2, four words per register: load, nibble-lookup "
                                      "popcount (7 instructions), store: 9 per 4 words",
                          assumptions=["baseline popcount64: each 64-bit popcount charged as "
                                       "one 64-bit integer add; AVX2 has no vector popcount, "
                                       "so 7 instructions per four words (Mula, Kurz & "
                                       "Lemire, Comput. J. 61(1), 2018), not 1 per 8 lanes"]),
             in_bits=64, out_bits=7),
    Workload("bnn_digits", "binary neural network 64-128-10 on sklearn digits, one image per "
             "row, argmax in the array; the host reads the 4-bit label",
             _bnn_instance, _bnn_baseline(), in_bits=64, out_bits=4, host_bits=4),
)}


def _register_ai() -> None:
    """The paper's AI workloads (:mod:`arrays.energy.ai`): one 4096-wide LLM projection per
    token and the int8 MLP. Batches (``gemv8_4096x4096_b<B>``) are built by name; the
    report's AI section sweeps the batch from the same ledgers (CRAM's cost per token does
    not depend on it, the GPU's roofline does)."""
    from .ai import gemv_workload, mlp8_workload

    for w in (gemv_workload(4096, 4096), mlp8_workload()):
        WORKLOADS[w.name] = w


_register_ai()


def get_workload(name: str, batch: int | None = None) -> Workload:
    """A registered workload, or a ``gemv8_<N>x<K>[_b<B>]`` of any size (``batch`` overrides
    B); an unknown name gets the list of known ones."""
    from .ai import check_batch, gemv_workload, parse_gemv

    shape = parse_gemv(name)
    if shape is not None:
        n, k, b = shape
        return gemv_workload(n, k, check_batch(batch) if batch is not None else b)
    if name not in WORKLOADS:
        close = difflib.get_close_matches(str(name), list(WORKLOADS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"workload = {name!r} is unknown{hint}; known workloads: "
                             f"{', '.join(WORKLOADS)}, gemv8_<N>x<K>[_b<B>]")
    return WORKLOADS[name]
