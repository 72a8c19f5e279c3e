"""Macrospin Landau-Lifshitz-Gilbert-Slonczewski solver with thermal noise (SI units).

Public API::

    from llg import load_device, simulate, current_pulse, voltage_pulse
    from llg import switching_probability, switching_curve      # Monte Carlo P_sw with CIs
    from llg import write_error_rate, pulse_width_for_wer       # Fokker-Planck WER
    from llg.retention import retention                         # Delta(T), Neel-Brown time
"""
from .lazy import lazy_exports

# imported on first use, so that light commands do not load numba and scipy
__getattr__, __dir__ = lazy_exports(__name__, {
    ".device": ["Device", "available_devices", "load_device", "parameter_table"],
    ".errors": ["ParameterError"],
    ".fokker_planck": ["pulse_width_for_wer", "write_error_rate"],
    ".solver": ["EnsembleResult", "SolverDivergence", "max_stable_dt", "simulate"],
    ".switching": ["switching_curve", "switching_probability"],
    ".terms": ["Model"],
    ".waveform": ["Pulse", "current_pulse", "voltage_pulse"],
})

__all__ = ["Device", "EnsembleResult", "Model", "ParameterError", "Pulse", "SolverDivergence",
           "available_devices", "current_pulse", "load_device", "max_stable_dt",
           "parameter_table", "pulse_width_for_wer", "simulate",
           "switching_curve", "switching_probability", "voltage_pulse", "write_error_rate"]
