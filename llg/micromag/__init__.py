"""Finite-difference micromagnetics of the free layer, for where the macrospin fails.

Modules, one job each: :mod:`grid` (cells and geometry mask), :mod:`demag` (Newell tensor),
:mod:`convolution` (FFT demag field), :mod:`terms` (exchange, anisotropy, Zeeman,
Slonczewski, thermal field), :mod:`kernels` (numba over cells), :mod:`system` (field and
energy), :mod:`integrate` (stochastic Heun; RK45 at T = 0), :mod:`minimize` (energy minima),
:mod:`sp4` (mu-MAG standard problem 4), :mod:`device_model` (a device's free layer),
:mod:`checks` (macrospin limit, Boltzmann), :mod:`string_method` (minimum energy paths),
:mod:`barriers` (a device's Delta_eff), :mod:`subcritical` (the sub-critical law fitted
to escape-time ensembles), :mod:`subcritical_card` (its card and the gate layer's inputs),
:mod:`cli` (``cramsim micromag``). SI units.
"""
