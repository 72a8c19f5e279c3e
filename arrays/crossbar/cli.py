"""``cramsim crossbar``: the analog MTJ crossbar (arrays/crossbar) from the command line."""
from __future__ import annotations

from typing import Optional

import typer

from llg import cli_params as cp
from llg.cli_util import emit_json, emit_table


def crossbar(workload: str = typer.Option("digits", "--workload", "-w",
                                          help="Workload run as an analog MVM network: digits."),
             rows: int = cp.number(64, "--rows", unit="cells", lo=2, hi=1024, integer=True,
                                   help="Tile size: rows x rows cells (even; columns hold "
                                   "differential weight pairs)."),
             adc_bits: int = cp.number(8, "--adc-bits", unit="bits", lo=1, hi=24, integer=True,
                                       help="ADC resolution (within the ADC card's range, "
                                       "1..14 for the shipped card)."),
             tmr: Optional[float] = cp.number(None, "--tmr", unit="", lo=0.0, hi=20.0,
                                              lo_open=True, help="Override the device's "
                                              "zero-bias TMR (ratio, 1.5 = 150 %)."),
             read_voltage: Optional[float] = cp.number(None, "--read-voltage", unit="V",
                                                       lo=0.0, hi=1.0, lo_open=True,
                                                       help="Row read voltage (default: "
                                                       "card)."),
             no_ir_drop: bool = typer.Option(False, "--no-ir-drop", help="Ideal lines."),
             no_variation: bool = typer.Option(False, "--no-variation",
                                               help="No device-to-device variation."),
             full_scale: str = typer.Option("calibrated", "--full-scale",
                                            help="ADC full scale: calibrated or max."),
             no_read_noise: bool = typer.Option(False, "--no-read-noise", help="No Johnson "
                                                "and shot noise on the column currents."),
             gain_trim: bool = typer.Option(False, "--gain-trim", help="Digital gain trim "
                                            "per column pair, fitted on the training images."),
             disturb_reads: int = cp.number(0, "--disturb-reads", unit="", lo=0, hi=10**15,
                                            integer=True, help="Inject read-disturb flips "
                                            "accumulated over this many reads."),
             device: str = cp.data_file("default", "--device", "-d", kind="devices",
                                        what="device", load="llg.device:load_device",
                                        help="Shipped device name or TOML path."),
             table: Optional[str] = cp.table_file(None, "--table", help="Switching table "
                                                  "(HDF5) of the device, for read disturb "
                                                  "(default: data/tables/<device>.h5)."),
             seed: int = cp.seed("Seed of the device variation."),
             json_out: bool = typer.Option(False, "--json", help="Print the JSON result.")):
    """Run a workload on simulated MTJ crossbars: accuracy, energy per inference (itemized),
    IR drop, read disturb.

    --json prints {"accuracy", "reference_accuracy", "agreement", "energy" {item: J},
    "energy_total" (J), "latency" (s), "tiles", "conversions", "ir_drop", "read_disturb",
    "operating_point", "config", "notes"}.
    """
    from .analog import CrossbarConfig, run_crossbar

    cfg = CrossbarConfig(workload=workload, rows=rows, adc_bits=adc_bits, tmr=tmr,
                         read_voltage=read_voltage, ir_drop=not no_ir_drop,
                         variation=not no_variation, full_scale=full_scale, gain_trim=gain_trim,
                         read_noise=not no_read_noise,
                         disturb_reads=disturb_reads, device=device, table=table, seed=seed)
    res = run_crossbar(cfg)
    if json_out:
        emit_json(res.as_dict())
        return
    emit_table(f"{workload} on {rows} x {rows} MTJ crossbars, {adc_bits}-bit ADC", [
        ("accuracy (analog)", res.accuracy), ("accuracy (digital BNN)", res.reference_accuracy),
        ("labels agreeing", res.agreement), ("tiles", sum(res.tiles.values())),
        ("ADC conversions / inference", res.conversions),
        ("worst IR loss, layer 1", res.ir_drop["layer1"]),
        ("read disturb / AP read", res.read_disturb["p_disturb_fp"])])
    emit_table("energy per inference", [(k, v, "J") for k, v in res.energy.items()] +
               [("total", res.energy_total, "J"), ("latency", res.latency, "s")])
    for n in res.notes:
        typer.echo(f"note: {n}", err=True)


def register(app: typer.Typer) -> None:
    """Attach ``crossbar`` to the top-level app."""
    app.command("crossbar")(crossbar)
