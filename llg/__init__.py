"""Macrospin Landau-Lifshitz-Gilbert-Slonczewski solver with thermal noise (SI units).

Public API::

    from llg import load_device, simulate, current_pulse, voltage_pulse
"""
from .device import Device, available_devices, load_device, parameter_table
from .errors import ParameterError
from .solver import EnsembleResult, SolverDivergence, max_stable_dt, simulate
from .terms import Model
from .waveform import Pulse, current_pulse, voltage_pulse

__all__ = ["Device", "EnsembleResult", "Model", "ParameterError", "Pulse", "SolverDivergence",
           "available_devices", "current_pulse", "load_device", "max_stable_dt",
           "parameter_table", "simulate", "voltage_pulse"]
