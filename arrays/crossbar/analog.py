"""The digits BNN (:mod:`arrays.sim.bnn`) run as an analog matrix-vector network on MTJ crossbars.

Mapping (see :mod:`arrays.crossbar.cells` for the cell and :mod:`arrays.crossbar.lines` for
the lines):

* inputs as voltages: a 1 bit drives its row line at ``V_read``, a 0 bit leaves it at 0 V
  (binary inputs need no multi-level DAC; pulse-width inputs would be the same for bits);
* signed binary weights on differential column pairs, so a tile's pair current is
  ``dI_j = V_read sum_i x_i (G+_ij - G-_ij)``; with ideal devices ``= V_read dG s_j``,
  ``s_j = sum_i x_i w_ij`` (x in {0, 1}, w in {-1, +1});
* tiling: a layer of n_in inputs and n_out outputs is cut into tiles of ``rows`` rows by
  ``rows`` columns (``rows / 2`` weight pairs); partially filled tiles hold only their used
  cells (unused cells' access transistors stay off); every tile has one ADC conversion per
  pair, partial sums from the tiles of a column are added digitally;
* readout: ``s_hat = Q(dI) / (V_read dG_nom)`` with the design (nominal-device) dG, then the
  +-1 form of the BNN ``x.w = 2 s - sum_i w_i``; a hidden unit fires iff ``x.w >= 2 T - 64 - 1``
  (midway between the two integer values of x.w that the threshold separates: x.w has the
  parity of n_in), the class is ``argmax_c h.v_c``. With ideal devices, lines and ADC this
  reproduces :meth:`arrays.sim.bnn.BNN.predict` exactly (a test);
* optional digital gain trim per pair (``gain_trim``): a least-squares gain against the
  training images' known products, which removes the mean IR-drop attenuation;
* ADC full scale per tile: ``calibrated`` = the 99.9 % quantile of |dI| over the training
  images (what an on-chip calibration would set), or ``max`` = the largest possible
  |dI| = rows_used V_read dG (never saturates, coarser LSB).

Non-idealities, each switchable: read noise (Johnson + shot, :func:`read_noise_sigma`), TMR (the device's TMR0, optionally overridden; bias
dependence through V_half), IR drop (technology card's wires and driver), device-to-device
variation (crossbar card's RA and diameter sigmas), read disturb (table; reported, or
injected as AP -> P flips after ``disturb_reads`` reads), ADC quantization.

Energy per inference (J), itemized: ``array`` (Joule heat in cells and lines, V^T Y V
t_read per tile activation), ``adc`` (conversions x E(B) of the ADC card), ``drivers``
(row lines charged to V_read, C V^2 / efficiency, and word lines/gates of all cells of an
active tile charged to V_DD, C V_DD^2), ``data_movement`` (input bits and ADC codes over
the card's wire distance, C_wire V_DD^2 per bit) and ``digital`` (partial-sum adds, threshold
compares and the argmax, Horowitz's 45 nm add energies from the baseline card). Host I/O
is excluded: it is the same for any accelerator holding the model.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field, replace
from typing import Optional

import numpy as np

from llg.errors import ParameterError, check_range

from . import adc as adc_mod
from .cards import adc_energy, check_adc_bits, load_adc, load_crossbar_card
from .cells import COS_AP, chord_conductance, differential_states, sample_g_p
from .disturb import read_disturb
from .lines import effective_conductance

WORKLOADS = ("digits",)
CALIBRATION_QUANTILE = 0.999
FULL_SCALE_MODES = ("calibrated", "max")


@dataclass(frozen=True)
class CrossbarConfig:
    """One crossbar experiment (SI units). ``None`` keeps the card/device value."""

    workload: str = "digits"
    rows: int = 64                     # tile size: rows x rows cells
    adc_bits: Optional[int] = 8        # None: ideal readout (no quantization, no ADC energy)
    tmr: Optional[float] = None        # TMR0 override (1 = 100 %)
    read_voltage: Optional[float] = None
    ir_drop: bool = True
    variation: bool = True
    bias_dependent: bool = True
    full_scale: str = "calibrated"
    gain_trim: bool = False            # per-pair digital gain from the training images
    read_noise: bool = True            # Johnson + shot noise of the column currents
    disturb_reads: int = 0             # >0: inject read-disturb flips after this many reads
    ideal_devices: bool = False        # ideal access switch, no lines (exact G^T V)
    seed: int = 0
    device: str = "default"
    technology: str = "45nm"
    crossbar_card: str = "mram_45nm"
    adc_card: str = "sar_survey"
    table: Optional[str] = None        # switching table (default: data/tables/<device>.h5)
    baseline_card: str = "cpu_ddr4_45nm"

    def validated(self) -> "CrossbarConfig":
        if self.workload not in WORKLOADS:
            raise ParameterError(f"workload = {self.workload!r} is unknown; choose one of "
                                 f"{', '.join(WORKLOADS)}")
        r = check_range("rows", self.rows, "cells", 2, 1024, what="crossbar tile size")
        if r != int(r) or int(r) % 2:
            raise ParameterError(f"rows = {self.rows!r} cells must be an even integer in "
                                 "2..1024 (columns hold differential pairs)")
        if self.tmr is not None:
            check_range("tmr", self.tmr, "(ratio)", 0.0, 20.0, lo_open=True)
        if self.read_voltage is not None:
            check_range("read_voltage", self.read_voltage, "V", 0.0, 1.0, lo_open=True)
        if self.full_scale not in FULL_SCALE_MODES:
            raise ParameterError(f"full_scale = {self.full_scale!r}; choose one of "
                                 f"{', '.join(FULL_SCALE_MODES)}")
        if int(self.disturb_reads) != self.disturb_reads or self.disturb_reads < 0:
            raise ParameterError(f"disturb_reads = {self.disturb_reads!r} must be an "
                                 "integer >= 0")
        if self.adc_bits is not None:
            check_adc_bits(load_adc(self.adc_card), self.adc_bits)
        return replace(self, rows=int(r))


@dataclass
class Tile:
    """One crossbar tile: cell conductances and their IR-dropped effective matrix (S)."""

    g: np.ndarray          # (r, 2p) chord conductances
    d_geff: np.ndarray     # (r, p) G_eff(+) - G_eff(-)
    Y: np.ndarray          # (r, r) input admittance
    cos: np.ndarray        # (r, 2p) cell states
    row_slice: slice
    col_slice: slice       # weight (output) indices
    ir_loss: float = 0.0   # worst column: 1 - I_col / I_col(ideal lines), all rows at V_read
    full_scale: float = 1.0
    gain: np.ndarray = None  # (p,) digital gain trim (1 = none)


@dataclass
class Context:
    """Cards, device elements and the trained model (built once per set of names)."""

    config: CrossbarConfig
    adc: object
    card: object
    tech: object
    element: object
    transistor: object
    g_p0: float
    v_read: float
    dg_nom: float
    baseline: object
    temperature: float = 300.0
    noise_rng: Optional[np.random.Generator] = None


def _context(cfg: CrossbarConfig) -> Context:
    from circuits.elements import MTJElement, TransistorElement
    from circuits.technology import load_technology
    from llg.device import load_device

    from ..energy.baseline import load_baseline

    dev = load_device(cfg.device)
    if cfg.tmr is not None:
        dev = dev.with_(TMR0=float(cfg.tmr))
    element = MTJElement.from_device(dev, bias_dependent=cfg.bias_dependent)
    tech = load_technology("ideal" if cfg.ideal_devices else cfg.technology)
    tr = TransistorElement.from_technology(tech)
    card = load_crossbar_card(cfg.crossbar_card)
    v = float(cfg.read_voltage if cfg.read_voltage is not None else card["read.voltage"])
    g_p0 = 1.0 / dev.r_p
    gp, gap = chord_conductance(np.array([g_p0, g_p0]), [1.0, -1.0], v, element, tr)
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x401])) \
        if cfg.read_noise and not cfg.ideal_devices else None
    return Context(cfg, load_adc(cfg.adc_card), card, tech, element, tr, g_p0, v,
                   float(gp - gap), load_baseline(cfg.baseline_card), dev.temperature, rng)


@functools.lru_cache(maxsize=4)
def trained_model(hidden: int = 128, seed: int = 0):
    """The digits BNN of :mod:`arrays.sim.bnn` (trained once per process)."""
    from ..sim.bnn import train

    return train(hidden=hidden, seed=seed)


@functools.lru_cache(maxsize=1)
def digits_data():
    from ..sim.bnn import load_data

    return load_data()


def _build_tiles(ctx: Context, w_sign: np.ndarray, rng: np.random.Generator,
                 flip_prob: float) -> list[Tile]:
    """Tiles of a (n_in, n_out) +-1 weight matrix (module doc)."""
    cfg = ctx.config
    n_in, n_out = w_sign.shape
    pairs = cfg.rows // 2
    tiles = []
    for r0 in range(0, n_in, cfg.rows):
        for c0 in range(0, n_out, pairs):
            rs, cs = slice(r0, min(r0 + cfg.rows, n_in)), slice(c0, min(c0 + pairs, n_out))
            cos = differential_states(w_sign[rs, cs])
            if flip_prob > 0:                 # read disturb: AP -> P
                cos = np.where((cos == COS_AP) & (rng.random(cos.shape) < flip_prob),
                               1.0, cos)
            if cfg.variation and not cfg.ideal_devices:
                g_p = sample_g_p(ctx.g_p0, cos.shape, ctx.card["variation.sigma_ra_rel"],
                                 ctx.card["variation.sigma_diameter_rel"], rng)
            else:
                g_p = np.full(cos.shape, ctx.g_p0)
            g = chord_conductance(g_p, cos, ctx.v_read, ctx.element, ctx.transistor)
            if cfg.ir_drop and not cfg.ideal_devices:
                t = ctx.tech
                g_eff, Y = effective_conductance(g, t.r_ll_cell, t.r_bsl_cell,
                                                 t.driver_resistance)
            else:
                g_eff, Y = effective_conductance(g, 0.0, 0.0, 0.0)
            loss = float(np.max(1.0 - g_eff.sum(axis=0) / g.sum(axis=0)))
            tiles.append(Tile(g, g_eff[:, 0::2] - g_eff[:, 1::2], Y, cos, rs, cs, loss,
                              gain=np.ones(cos.shape[1] // 2)))
    return tiles


def _layer_currents(ctx: Context, tiles: list[Tile], x: np.ndarray) -> list[np.ndarray]:
    """Per tile, the pair currents dI (n, p) in A for input bits x (n, n_in), with read noise
    when ``ctx.noise_rng`` is set (:func:`read_noise_sigma`)."""
    out = []
    for t in tiles:
        xt = x[:, t.row_slice].astype(float)
        di = ctx.v_read * xt @ t.d_geff
        if ctx.noise_rng is not None:
            sig = read_noise_sigma(xt @ t.g, ctx.v_read, ctx.card["read.pulse_width"],
                                   ctx.temperature)                  # (n, 2p) per column
            # the pair difference of two independent column noises
            sd = np.sqrt(sig[:, 0::2] ** 2 + sig[:, 1::2] ** 2)
            di = di + sd * ctx.noise_rng.standard_normal(di.shape)
        out.append(di)
    return out


def read_noise_sigma(g_col, v_read: float, t_read: float, temperature: float):
    """RMS noise current (A) of a column of total conductance ``g_col`` (S) read at ``v_read``
    (V), integrated over ``t_read`` (s): Johnson plus shot noise,
    ``sigma^2 = (4 k_B T G + 2 q I) df`` with ``I = G V`` and the noise bandwidth of an
    integrator ``df = 1 / (2 t_read)`` (Johnson, Phys. Rev. 32, 97 (1928); Schottky, Ann.
    Phys. 362, 541 (1918)). Shot noise of a tunnel junction is taken at its full Poisson
    value (Fano factor 1): an upper bound for MgO barriers."""
    from llg.constants import E_CHARGE, K_B

    g = np.asarray(g_col, dtype=float)
    return np.sqrt((4 * K_B * temperature * g + 2 * E_CHARGE * g * v_read) / (2 * t_read))


def _calibrate(ctx: Context, tiles, x_train) -> None:
    """ADC full scale per tile and, with ``gain_trim``, a least-squares gain per pair
    ``a_j = <dI_j s_j> / (V dG <s_j^2>)`` against the known products s = x @ w of the
    training images (the designer knows both); it removes the mean IR-drop attenuation."""
    for t, di in zip(tiles, _layer_currents(ctx, tiles, x_train)):
        t.gain = np.ones(di.shape[1])
        if ctx.config.gain_trim:
            w = np.sign(t.cos[:, 0::2])                       # +1 where the '+' cell is P
            s = x_train[:, t.row_slice].astype(float) @ w
            den = np.sum(s * s, axis=0)
            ok = den > 0
            t.gain[ok] = np.sum(di * s, axis=0)[ok] / (ctx.v_read * ctx.dg_nom * den[ok])
        if ctx.config.full_scale == "max":
            t.full_scale = (t.row_slice.stop - t.row_slice.start) * ctx.v_read * ctx.dg_nom
        else:
            t.full_scale = max(float(np.quantile(np.abs(di), CALIBRATION_QUANTILE)),
                               ctx.v_read * ctx.dg_nom)   # at least one cell's signal


def _layer_forward(ctx: Context, tiles, x, n_out) -> np.ndarray:
    """Digital estimate of s = x @ w (n, n_out) after the ADCs."""
    s = np.zeros((x.shape[0], n_out))
    for t, di in zip(tiles, _layer_currents(ctx, tiles, x)):
        if ctx.config.adc_bits is not None:
            di = adc_mod.quantize(di, t.full_scale, ctx.config.adc_bits)
        s[:, t.col_slice] += di / (ctx.v_read * ctx.dg_nom * t.gain)
    # the ideal readout is exact arithmetic up to float round-off; rounding that away keeps
    # ties (equal integer scores) resolved as the digital BNN does (lowest class)
    return np.round(s, 9) if ctx.config.adc_bits is None else s


@dataclass
class CrossbarResult:
    """Accuracy, energy per inference (J, itemized) and diagnostics of one experiment."""

    config: dict
    accuracy: float
    reference_accuracy: float        # the digital BNN on the same test images
    agreement: float                 # fraction of test images where analog == digital label
    n_test: int
    energy: dict                     # item -> J per inference
    energy_total: float
    latency: float                   # s per inference (layers in sequence, tiles parallel)
    tiles: dict                      # layer -> count
    conversions: int                 # ADC conversions per inference
    ir_drop: dict                    # worst relative signal loss per layer
    read_disturb: dict
    operating_point: dict
    notes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _device_table(device: str):
    """The shipped table of a device name or TOML path (never the TOML itself)."""
    from pathlib import Path

    from circuits.tablesource import default_table_path

    path = default_table_path(Path(str(device)).stem)
    if not path.is_file():
        raise ParameterError(f"no switching table for device {device!r} (read disturb needs "
                             f"one): {path} does not exist; pass --table F.h5 built for it")
    return path


def _worst_read_disturb(ctx, cfg):
    """Read disturb at the worst AP-cell current (no line loss, +3 sigma conductance)."""
    from llg.tables import open_table
    table = open_table(cfg.table or _device_table(cfg.device))
    g_ap_hi = chord_conductance(ctx.g_p0 * (1 + 3 * ctx.card["variation.sigma_diameter_rel"]) ** 2
                                / (1 - 3 * ctx.card["variation.sigma_ra_rel"]), COS_AP,
                                ctx.v_read, ctx.element, ctx.transistor) \
        if cfg.variation else chord_conductance(ctx.g_p0, COS_AP, ctx.v_read, ctx.element,
                                                ctx.transistor)
    return read_disturb(table, float(g_ap_hi) * ctx.v_read, ctx.card["read.pulse_width"])


def _operating_point(ctx, cfg) -> dict:
    """The read operating point: voltage (V), chord conductances (S), resistances (ohm),
    TMR0 (1), ADC energy per conversion (J)."""
    g_ap = float(chord_conductance(ctx.g_p0, COS_AP, ctx.v_read, ctx.element, ctx.transistor))
    return {"read_voltage_V": ctx.v_read, "g_p_chord_S": ctx.dg_nom + g_ap,
            "g_ap_chord_S": g_ap, "delta_g_S": ctx.dg_nom, "r_p_ohm": 1.0 / ctx.g_p0,
            "tmr0": ctx.element.tmr0, "transistor_r_on_ohm": ctx.transistor.r_on,
            "r_row_per_cell_ohm": ctx.tech.r_ll_cell, "r_col_per_cell_ohm": ctx.tech.r_bsl_cell,
            "adc_energy_per_conversion_J": adc_energy(ctx.adc, cfg.adc_bits)
            if cfg.adc_bits is not None else 0.0}


def run_crossbar(config: CrossbarConfig | None = None, **changes) -> CrossbarResult:
    """Run the digits network on crossbars for ``config`` (see module doc)."""
    cfg = replace(config or CrossbarConfig(), **changes).validated()
    ctx = _context(cfg)
    model = trained_model()
    x_tr, x_te, y_tr, y_te = digits_data()
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0xC0B]))

    rd = _worst_read_disturb(ctx, cfg)
    flip = 1.0 - (1.0 - rd.p_fp) ** cfg.disturb_reads if cfg.disturb_reads else 0.0

    w1 = (2.0 * model.w1.astype(float) - 1.0).T          # (64, H)
    w2 = (2.0 * model.w2.astype(float) - 1.0).T          # (H, 10)
    H = w1.shape[1]
    t1 = _build_tiles(ctx, w1, rng, flip)
    t2 = _build_tiles(ctx, w2, rng, flip)
    thr = 2.0 * model.thresholds - w1.shape[0] - 1.0     # x.w >= 2T - n_in - 1

    def hidden(x):
        s = _layer_forward(ctx, t1, x, H)
        return (2.0 * s - w1.sum(axis=0) >= thr).astype(np.uint8)

    _calibrate(ctx, t1, x_tr)
    h_tr = hidden(x_tr)
    _calibrate(ctx, t2, h_tr)
    h_te = hidden(x_te)
    scores = 2.0 * _layer_forward(ctx, t2, h_te, w2.shape[1]) - w2.sum(axis=0)
    pred = np.argmax(scores, axis=1)
    ref = model.predict(x_te)

    energy, conversions = _energy(ctx, [(t1, x_te), (t2, h_te)], H)
    ir = {"layer1": max(t.ir_loss for t in t1), "layer2": max(t.ir_loss for t in t2)}
    notes = []
    if rd.below_grid:
        notes.append("read current below the switching table: read-disturb values are upper "
                     "bounds (edge value held)")
    return CrossbarResult(
        config=asdict(cfg), accuracy=float(np.mean(pred == y_te)),
        reference_accuracy=float(np.mean(ref == y_te)),
        agreement=float(np.mean(pred == ref)), n_test=int(len(y_te)),
        energy=energy, energy_total=float(sum(energy.values())),
        latency=2 * ctx.card["read.pulse_width"], tiles={"layer1": len(t1), "layer2": len(t2)},
        conversions=conversions, ir_drop=ir,
        read_disturb={**rd.as_dict(),
                      "expected_flips_per_inference": rd.p_fp * _ap_reads(t1, x_te, t2, h_te),
                      "injected_flip_probability": flip},
        operating_point=_operating_point(ctx, cfg),
        notes=notes)


def _ap_reads(t1, x1, t2, x2) -> float:
    """Mean number of AP cells on active rows per inference (cells exposed to disturb)."""
    n = 0.0
    for tiles, x in ((t1, x1), (t2, x2)):
        for t in tiles:
            ap_per_row = (t.cos == COS_AP).sum(axis=1)
            n += float(np.mean(x[:, t.row_slice] @ ap_per_row))
    return n


def _energy(ctx: Context, layers, n_hidden: int) -> tuple[dict, int]:
    """Energy per inference (J) by item (module doc) and the ADC conversion count."""
    from ..energy.baseline import op_energy

    cfg, tech = ctx.config, ctx.tech
    t_read = ctx.card["read.pulse_width"]
    c_len = tech.get("wire", "capacitance_per_length")
    col_pitch = tech.get("cell", "column_pitch")
    vdd = tech.get("transistor", "v_dd") if tech.transistor_model != "ideal" else 1.0
    gate_c = tech.transistor_gate_capacitance
    bits = cfg.adc_bits
    e_conv = adc_energy(ctx.adc, bits) if bits is not None else 0.0
    e_bit = c_len * ctx.card["movement.digital_distance"] * vdd ** 2
    out_bits = (bits or 8) + 4
    e = {"array": 0.0, "adc": 0.0, "drivers": 0.0, "data_movement": 0.0, "digital": 0.0}
    conversions = 0
    for tiles, x in layers:
        xf = x.astype(float)
        n_row_tiles = len({t.row_slice.start for t in tiles})
        for t in tiles:
            xt = xf[:, t.row_slice] * ctx.v_read
            e["array"] += float(np.mean(np.einsum("ni,ij,nj->n", xt, t.Y, xt))) * t_read
            r, c2 = t.g.shape
            pairs = c2 // 2
            conversions += pairs
            e["adc"] += pairs * e_conv
            active = float(np.mean(x[:, t.row_slice].sum(axis=1)))
            c_row = c2 * c_len * col_pitch                     # one row line
            e["drivers"] += active * c_row * ctx.v_read ** 2 / ctx.adc["driver.efficiency"]
            e["drivers"] += r * c2 * (c_len * col_pitch + gate_c) * vdd ** 2   # word lines
            e["data_movement"] += (r + pairs * (bits or 8)) * e_bit
        n_out = max(t.col_slice.stop for t in tiles)
        e["digital"] += (n_row_tiles - 1) * n_out * op_energy(ctx.baseline, "add", out_bits)
    e["digital"] += n_hidden * op_energy(ctx.baseline, "add", out_bits)   # thresholds
    e["digital"] += 9 * op_energy(ctx.baseline, "add", out_bits)        # argmax of 10
    return e, conversions
