"""What a benchmark figure depends on, printed with it: CPU model and vector extensions, cores,
numba's threading layer and target CPU, the vector width LLVM actually uses, and the load.

Figures from different machines are compared as ratios against a baseline measured in the
same run; these fields say why two machines differ.
"""
from __future__ import annotations

import os
import platform
import re
from pathlib import Path

#: CPU flags that change what the compiler may emit for the kernel.
VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl")


def _cpuinfo_field(name: str) -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    """/proc/cpuinfo model name (Linux), else what platform knows."""
    return _cpuinfo_field("model name") or platform.processor() or "unknown"


def cpu_flags() -> list[str]:
    """The VECTOR_FLAGS this CPU has."""
    flags = set((_cpuinfo_field("flags") or "").split())
    return [f for f in VECTOR_FLAGS if f in flags]


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load_average() -> float | None:
    """1-minute load average (runnable processes, all users); None where unknown."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def vector_bits() -> int:
    """Width (bits) of the FP64 vectors LLVM emits for a simple numba loop on this machine.

    LLVM's tuning differs by CPU: on Intel server cores with AVX-512 (Skylake-SP to Sapphire
    Rapids) it prefers 256-bit vectors, on AMD Zen 4/5 512-bit ones; without AVX 128-bit.
    """
    import numba
    import numpy as np

    @numba.njit(fastmath=True)
    def axpy(x, y, a):  # pragma: no cover - compiled
        for i in range(x.shape[0]):
            y[i] += a * x[i]

    x = np.ones(64)
    axpy(x, x.copy(), 2.0)
    asm = "\n".join(axpy.inspect_asm().values())
    for reg, bits in (("zmm", 512), ("ymm", 256), ("xmm", 128)):
        if re.search(rf"v(fmadd\w*|mulpd|addpd)\s+[^\n]*%{reg}", asm):
            return bits
    return 64


def numba_info() -> dict:
    """numba's threading layer (after a parallel call), thread count and target CPU."""
    import llvmlite.binding as ll
    import numba
    import numpy as np

    @numba.njit(parallel=True)
    def touch(x):  # pragma: no cover - compiled
        for i in numba.prange(x.shape[0]):
            x[i] += 1.0

    touch(np.zeros(16))
    try:
        layer = numba.threading_layer()
    except ValueError:
        layer = "unknown"
    return {"threading_layer": layer, "threads": numba.get_num_threads(),
            "numba_cpu": os.environ.get("NUMBA_CPU_NAME") or ll.get_host_cpu_name(),
            "numba_version": numba.__version__}


def describe() -> dict:
    """Every field above, for a benchmark's JSON."""
    return {"cpu": cpu_model(), "cpu_flags": cpu_flags(), "cores": cores(),
            "vector_bits": vector_bits(), **numba_info(),
            "python": platform.python_version(), "load_average_1min": load_average()}


def one_line(d: dict) -> str:
    """A one-line summary of :func:`describe` for the text reports."""
    return (f"{d['cpu']} ({', '.join(d['cpu_flags'])}; LLVM target {d['numba_cpu']}, "
            f"{d['vector_bits']}-bit vectors), {d['cores']} cores, numba {d['numba_version']} "
            f"{d['threading_layer']} x {d['threads']} threads, load {d['load_average_1min']}")
