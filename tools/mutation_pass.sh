#!/usr/bin/env bash
# The sampled mutation pass over llg/ and circuits/ (tools/mutate.py), module by module with
# the test files that cover each. Usage: nice -n 19 tools/mutation_pass.sh [SAMPLE] [OUT.jsonl]
# Skipped: llg/fokker_planck.py, llg/kernels.py and llg/rng.py (numba), circuits/operating_point.py.
set -u
cd "$(dirname "$0")/.."
N=${1:-8}
OUT=${2:-mutants.jsonl}
run() { python tools/mutate.py "$1" --sample "$N" --seed 1 --timeout 240 --out "$OUT" --tests "${@:2}"; }
run llg/device.py tests/test_device.py tests/test_absolute_references.py tests/test_retention.py
run llg/equilibrium.py tests/test_solver.py tests/test_numpy_reference.py
run llg/retention.py tests/test_retention.py
run llg/statistics.py tests/test_switching.py
run llg/switching.py tests/test_switching.py
run llg/terms.py tests/test_solver.py tests/test_absolute_references.py
run llg/waveform.py tests/test_solver.py
run llg/solver.py tests/test_solver.py
run llg/wer_analytic.py tests/test_fokker_planck.py tests/test_retention.py
run llg/tables/interp.py tests/test_tables_query.py
run llg/tables/query.py tests/test_tables_query.py
run llg/tables/variation.py tests/test_tables_build.py
run circuits/elements.py tests/test_circuits_network.py
run circuits/network.py tests/test_circuits_network.py
run circuits/gates.py tests/test_circuits_gates.py
run circuits/windows.py tests/test_circuits_windows.py
run circuits/gatemodel.py tests/test_circuits_operating_point.py
run circuits/technology.py tests/test_circuits_network.py tests/test_circuits_operating_point.py
run circuits/write.py tests/test_circuits_operating_point.py
run circuits/tablesource.py tests/test_circuits_operating_point.py
