"""The bit-level CRAM simulator: cells, gates, programs and their execution on an array.

Imports nothing else from :mod:`arrays` (the energy model, the study and the crossbar build
on it, never the reverse; ``tests/test_arrays_layout.py`` checks it).

    gates      the gate library as the array sees it (fan-in, preset, switching threshold)
    state      ArrayState: rows x columns of cells, bit-packed in uint64 words by column
    program    Program / ProgramBuilder (gates with presets, column constants), schedule()
    kernels    the numba kernel: a whole program over all rows, per-pattern counts, errors
    executor   run(program, state, errors=ErrorModel | None, seed) -> RunResult
    programs   full adder (MAJ), ripple add, multiply, MAC, popcount, XNOR; build("add32")
    bnn        a binary network on sklearn's digits, trained here, run image-per-row
"""
