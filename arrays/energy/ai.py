"""The AI workloads the paper targets: LLM-decode GEMV / batched GEMM (``gemv8_<N>x<K>``,
``gemv8_<N>x<K>_b<B>``) as :class:`~arrays.energy.workloads.Workload` objects.

One item is one array row: a chunk of ``k`` terms of one output's dot product for one token
(:mod:`arrays.sim.gemv`). A token is ``N K / k`` items; a batch of B tokens ``B N K / k``.

Why the full-size cost is exact from a sample: every row runs the same ``mac8x<k>`` program,
so the gate evaluations, preset writes, cycles and line swings per row are identical for
any N, K and B, and the ledger scales them by the row count; the activation writes, partial
read-outs, reduction adds and host transfers are counted from N, K, B. The one quantity
estimated from the sample is the input-pattern mix of the gate energies (each pattern
draws a different current): the simulated rows carry uniformly random int8 data.

CRAM items beyond the array program (booked by :func:`gemv_extra`):

* activations written into every row holding a chunk of the token (N K 8 bits per token:
  the weights stay, the activation chunk is copied next to each weight chunk), at the
  peripherals card's write energy per bit;
* the token's activations over the host interface once (8 K bits);
* the partial sums read out of the rows (sense amplifiers), at the card's read energy;
* the near-array digital reduction: one 32-bit add per row (K/k - 1 partial additions and
  the zero-point correction per output), at Horowitz's 45 nm 32-bit add (cpu_ddr4_45nm
  card, the node of the CRAM periphery);
* latency: two write cycles (a 0 pass and a 1 pass) per activation column and round.
"""
from __future__ import annotations

import math
import re

import numpy as np

from llg.errors import ParameterError

from .baseline import BaselineWork
from ..sim import gemv as G

GEMV_PATTERN = re.compile(r"gemv8_(\d+)x(\d+)(?:_b(\d+))?")
#: Default array columns the row program must fit (the peripherals card's cols).
DEFAULT_COLS = 1024
REDUCTION_CARD = "cpu_ddr4_45nm"
#: Outputs of a large GEMV simulated bit-accurately per evaluation (x K / k rows each).
SAMPLE_OUTPUTS = 4
#: Most error draws one mlp8 error run may simulate (memory ~32 B and time per draw).
ERROR_RUN_BUDGET = 5e6
#: Fewest held-out images an mlp8 error run scores.
MIN_ERROR_IMAGES = 20
#: Images per mlp8_digits workload (a stream of 2^20, as the other workloads' items).
DEFAULT_IMAGES = 1 << 20


def gemv_name(n: int, k: int, batch: int = 1) -> str:
    return f"gemv8_{n}x{k}" + (f"_b{batch}" if batch > 1 else "")


def parse_gemv(name: str):
    """(N, K, B) of a ``gemv8_<N>x<K>[_b<B>]`` name, or None."""
    m = GEMV_PATTERN.fullmatch(str(name).strip().lower())
    if not m:
        return None
    n, k, b = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    G.check_shape(n, k, b)
    return n, k, b


def _baseline_work(n, k, batch, terms) -> BaselineWork:
    """One row item (``terms`` MACs of one output, one token) on a processor or GPU."""
    return BaselineWork(
        ops={("mult", 8): terms, ("add", 32): terms},
        instructions=2 * terms + 1, vectorizable=True,
        dram_bits=8 * terms / batch + 8 * terms / n + 32 * terms / k,
        l1_bits=16 * terms, tensor_macs=terms,
        description=f"int8 GEMV {n}x{k}, batch {batch}: weights read once per batch",
        assumptions=[f"baseline {gemv_name(n, k, batch)}: weights (N K bytes) read from "
                     f"memory once per batch of {batch}, activations (K bytes) and int32 "
                     "results (4 N bytes) once per token; a processor: one multiply and one "
                     "32-bit add per MAC, 2 instructions per MAC over 8 SIMD lanes"])


def gemv_extra(n, k, batch, terms, partial_bits):
    """The ledger hook booking the GEMV items outside the row program (module docstring)."""
    return rows_extra(terms, partial_bits, n * k // terms, 8 * k,
                      what=f"{gemv_name(n, k, batch)}: mac8x{terms} rows per token")


def rows_extra(terms, partial_bits, rows_per_unit, io_bits_per_unit, digital_ops=None,
               what=""):
    """Hook booking what GEMV rows need beyond their program (module docstring):
    activation writes, input over the host interface (``io_bits_per_unit`` per token or
    image), partial-sum read-out, one near-array 32-bit add per row and ``digital_ops``
    ({"add"|"mult": count per unit}, e.g. requantization) at the 45 nm card's energies."""
    def book(led, setup, scenario, n_items):
        from .baseline import load_baseline, op_energy

        per = setup.periphery
        units = n_items / rows_per_unit
        w, r = per["periphery.write_energy_per_bit"], per["periphery.read_energy_per_bit"]
        io = per["interface.io_energy_per_bit"]
        bits = 8 * terms * n_items
        led.add("activation_writes", "activations written next to every weight chunk",
                "data movement", bits * w, bits, w,
                per.item("periphery.write_energy_per_bit").source)
        bits_io = io_bits_per_unit * units
        led.add("activation_io", "inputs over the host interface (once per token/image)",
                "data movement", bits_io * io, bits_io, io,
                per.item("interface.io_energy_per_bit").source)
        bits_p = partial_bits * n_items
        led.add("partial_readout", "partial sums read out of the rows (sense amplifiers)",
                "data movement", bits_p * r, bits_p, r,
                per.item("periphery.read_energy_per_bit").source)
        card = load_baseline(REDUCTION_CARD)
        ops = {"add": float(n_items)}
        for kind, c in (digital_ops or {}).items():
            ops[kind] = ops.get(kind, 0.0) + c * units
        e = sum(c * op_energy(card, kind, 32) for kind, c in ops.items())
        led.add("reduction_adds", "near-array 32-bit digital ops (partial sums, zero-point "
                "correction" + (", requantization, argmax" if digital_ops else "") + ")",
                "compute", e, sum(ops.values()), e / sum(ops.values()),
                card.item("ops.int_add32").source)
        costs = setup.costs
        rounds = led.structure.get("rounds", 0)
        if costs.writes:
            t_w = max(c.latency for c in costs.writes.values()) + \
                per["periphery.cycle_setup_time"]
            led.add_latency("activation_write_cycles", f"2 x {8 * terms} activation write "
                            f"cycles x {rounds} rounds", 2 * 8 * terms * t_w * rounds,
                            costs.writes[next(iter(costs.writes))].source)
        else:
            led.pending.append("activation write latency: write pulse widths from circuits")
        led.notes.append(f"{what}: {rows_per_unit} rows per unit, {units:g} units; "
                         "activations written into every row (weights resident); partial "
                         "sums reduced near the array")
    return book


def gemv_workload(n: int, k: int, batch: int = 1, cols: int = DEFAULT_COLS):
    """The ``gemv8_<N>x<K>[_b<B>]`` workload (module docstring)."""
    from .workload_types import Instance, Workload

    G.check_shape(n, k, batch)
    terms = G.terms_per_row(k, cols)
    chunks = k // terms
    partial_bits = len(G.build(f"mac8x{terms}").program.results["dot"])

    def make(rows: int, cols_: int, seed: int) -> Instance:
        # a sample of whole outputs: enough rows for the gate-pattern mix (>= 10^5 gate
        # evaluations per gate type), few enough that the error run stays cheap
        outputs = max(1, min(n, rows // chunks, SAMPLE_OUTPUTS))
        rng = np.random.default_rng(seed)
        w, x = G.random_int8(rng, (outputs, k)), G.random_int8(rng, k)
        inst = G.GemvInstance(w, x, cols_, terms)
        want = G.reference(w, x)
        score = lambda st: float(np.mean(inst.outputs(st) == want))  # noqa: E731
        return Instance(inst.program, inst.state, score, lambda st: score(st) == 1.0,
                        f"numpy int64 W @ x on {outputs} sampled outputs of {n}")

    return Workload(
        gemv_name(n, k, batch),
        f"int8 x int8 -> int32 matrix-vector product {n}x{k} (one LLM projection), "
        f"batch {batch}: weights resident, activations streamed; mac8x{terms} per row, "
        f"{chunks} rows per output",
        make, _baseline_work(n, k, batch, terms), in_bits=8 * terms,
        out_bits=32 * terms / k, host_bits=32 * terms / k,
        n_items=batch * n * chunks, extra=gemv_extra(n, k, batch, terms, partial_bits),
        unit="token", items_per_unit=n * chunks, link_bits_per_unit=8 * k + 32 * n,
        notes=[f"full-size counts are exact: the same mac8x{terms} program per row; the "
               "gate energies' input-pattern mix comes from the sampled rows (random int8)"])


def dies_needed(n: int, k: int, setup) -> dict:
    """Resident weights need N K / k rows; how many arrays and dies that is."""
    terms = G.terms_per_row(k, setup.cols)
    rows = n * k // terms
    arrays = math.ceil(rows / setup.rows)
    bits = arrays * setup.rows * setup.cols
    cap = setup.system["die.capacity"] if setup.system is not None else math.nan
    return {"rows": rows, "arrays": arrays, "array_bits": bits,
            "dies": math.ceil(bits / cap) if cap == cap else None,
            "weight_bits": 8 * n * k}


def check_batch(batch) -> int:
    if not isinstance(batch, (int, np.integer)) or not 1 <= batch <= 1 << 16:
        raise ParameterError(f"batch = {batch!r} tokens is invalid; valid range: 1 <= batch "
                             f"<= {1 << 16}")
    return int(batch)


def mlp8_workload(n_images: int = DEFAULT_IMAGES, cols: int = DEFAULT_COLS):
    """``mlp8_digits``: the int8 MLP of :mod:`arrays.sim.mlp8` on CRAM GEMV rows."""
    from ..sim import mlp8 as M
    from ..sim.executor import run
    from .workload_types import Instance, Workload

    terms = G.terms_per_row(M.HIDDEN, cols)
    rows = 64 // G.terms_per_row(64, cols) * M.HIDDEN + M.HIDDEN // terms * 10
    partial_bits = len(G.build(f"mac8x{terms}").program.results["dot"])

    def make(rows_: int, cols_: int, seed: int) -> Instance:
        model = M.train()
        _, x, _, y = M.load_data()
        g1 = G.GemvInstance(model.w1, x, cols_)

        def finish(st1, run_fn):
            h = model.hidden(g1.outputs(st1))
            g2 = G.GemvInstance(model.w2, h, cols_)
            st2 = g2.state.copy()
            run_fn(g2.program, st2)
            return np.argmax(g2.outputs(st2).astype(np.int64) + model.b2, axis=1)

        perfect = lambda p, s: run(p, s)  # noqa: E731
        want = model.predict(x)

        def score_errors(em, seed_):
            # every error is drawn and simulated; where the gates fail so often that the
            # whole test set would need > ERROR_RUN_BUDGET draws, a leading subset of the
            # held-out images is run instead (accuracy then has a standard error of
            # sqrt(a (1 - a) / m), m >= MIN_ERROR_IMAGES; it is near chance there anyway)
            steps = len(g1.program.steps)
            m = int(ERROR_RUN_BUDGET // max(em.max_rate() * steps * rows, 1e-300))
            m = min(len(y), max(MIN_ERROR_IMAGES, m))
            sub = g1 if m == len(y) else G.GemvInstance(model.w1, x[:m], cols_)
            fn = lambda p, s: run(p, s, errors=em, seed=seed_)  # noqa: E731
            st1 = sub.state.copy()
            fn(sub.program, st1)
            h = model.hidden(sub.outputs(st1))
            g2 = G.GemvInstance(model.w2, h, cols_)
            st2 = g2.state.copy()
            fn(g2.program, st2)
            lab = np.argmax(g2.outputs(st2).astype(np.int64) + model.b2, axis=1)
            return float(np.mean(lab == y[:m]))

        inst = Instance(g1.program, g1.state,
                        lambda st: float(np.mean(finish(st, perfect) == y)),
                        lambda st: bool(np.array_equal(finish(st, perfect), want)),
                        "held-out digits labels (accuracy); numpy integer MLP (check)")
        inst.score_errors = score_errors
        return inst

    per_row = BaselineWork(
        ops={("mult", 8): terms, ("add", 32): terms}, instructions=2 * terms + 1,
        dram_bits=(64 * 8 + 8) / rows, l1_bits=16 * terms, tensor_macs=terms,
        description="int8 MLP 64-32-10 per image: 74 rows of 32 MACs",
        assumptions=["baseline mlp8_digits: the 2.4 kB of weights stay on chip (L1 / GPU "
                     "L2); only the 64-byte image comes from memory and a label goes back"])
    return Workload(
        "mlp8_digits", f"int8 MLP 64-{M.HIDDEN}-10 trained on sklearn digits, both layers "
        f"as GEMV rows of mac8x{terms} ({rows} rows per image), held-out images",
        make, per_row, in_bits=8 * terms, out_bits=4 / rows, host_bits=4 / rows,
        n_items=n_images * rows,
        extra=rows_extra(terms, partial_bits, rows, 64 * 8,
                         {"mult": M.HIDDEN, "add": M.HIDDEN + 9}, "mlp8_digits"),
        unit="image", items_per_unit=rows, link_bits_per_unit=64 * 8 + 4,
        notes=["mlp8_digits: the gate-energy pattern mix is that of the first layer's rows; "
               "requantization (32 multiplies), bias adds and the argmax are near-array "
               "digital ops",
               f"mlp8_digits: an error run simulates at most {ERROR_RUN_BUDGET:g} error "
               f"draws; where the gates fail that often it scores a leading subset of at "
               f"least {MIN_ERROR_IMAGES} held-out images (accuracy near chance there)"])
