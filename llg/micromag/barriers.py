"""A device's thermal barrier from the micromagnetic minimum energy path (SI units).

``device_barrier`` is what ``cramsim micromag barrier`` prints; ``delta_eff_curve`` sweeps
the diameter (the macrospin Delta grows as d^2, the domain-wall barrier sigma_w d t only
as d) and :func:`.subcritical_card.subcritical_inputs` turns the curve (shipped in the
device's micromag card) and the fitted sub-critical law into the gate layer's inputs.
"""
from __future__ import annotations

import math

from ..constants import K_B, MU0
from ..device import Device
from ..errors import check_range
from . import device_model as DM
from .string_method import barrier, crossover_diameter, wall_energy_density


def k_eff(device: Device) -> float:
    """Effective (demag-included) anisotropy energy density mu0 Ms Hk_eff / 2, J/m^3."""
    return 0.5 * MU0 * device.Ms * device.Hk_eff


def device_barrier(device: Device, cell: float = 1e-9, images: int = 24,
                   progress=None, max_iter: int = 3000) -> dict:
    """Delta_macrospin, Delta_micromagnetic, mechanism, saddle energy (J), path (J)."""
    check_range("images", images, "", 5, 400, what="number of string images")
    if device.temperature <= 0:
        check_range("temperature", device.temperature, "K", 0.0, 1500.0, lo_open=True,
                    what="Delta = E_b / k_B T needs T > 0")
    s = DM.from_device(device, cell=cell)
    A = device.require("A_ex", DM.PURPOSE)
    width = math.sqrt(A / k_eff(device))
    d_c = crossover_diameter(A, k_eff(device))
    # far above the crossover the coherent chain only relaxes (slowly) toward the wall's
    # path, and its coherent saddle K_eff V is far higher: start from the wall alone
    starts = ("domain wall",) if device.diameter > 2.0 * d_c else ("coherent", "domain wall")
    r = barrier(s, images=int(images), wall_width=width, progress=progress,
                max_iter=max_iter, starts=starts)
    kT = K_B * device.temperature
    return {"delta_macrospin": device.delta, "delta_micromagnetic": r["barrier"] / kT,
            "mechanism": r["mechanism"], "saddle_energy": r["saddle_energy"],
            "path": r["path"], "cell": cell, "images": int(images),
            # context (not part of the interface's required keys)
            "delta_macrospin_grid": DM.macrospin_delta_of_grid(device, s),
            "delta_domain_wall": wall_energy_density(A, k_eff(device)) * device.diameter
            * device.free_layer_thickness / kT,
            "crossover_diameter": d_c,
            "converged": r["converged"]}


def delta_eff_curve(device: Device, diameters, cell: float = 2e-9, images: int = 16) -> list:
    """Delta_micromagnetic and the mechanism for each diameter (m), other inputs fixed.

    The input of the gate layer's activation model: below the crossover diameter Delta_eff
    follows the macrospin (~d^2), above it the wall barrier (~d).
    """
    out = []
    for d in diameters:
        r = device_barrier(device.with_(diameter=float(d)), cell=cell, images=images)
        out.append({"diameter": float(d), "delta_macrospin": r["delta_macrospin"],
                    "delta_micromagnetic": r["delta_micromagnetic"],
                    "mechanism": r["mechanism"]})
    return out


def convergence(device: Device, cells=(3e-9, 2e-9, 1.5e-9), images=(12, 24)) -> list:
    """Delta_micromagnetic over a grid of cell sizes (m) and image counts (the study the
    issue asks for; the validation case runs a small one)."""
    return [{"cell": c, "images": n,
             "delta_micromagnetic": device_barrier(device, cell=c, images=n)[
                 "delta_micromagnetic"]} for c in cells for n in images]
