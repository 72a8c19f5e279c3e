"""Worker processes that exit when their parent dies.

A process pool's workers are children of the build's main process. If that process is killed
(SIGKILL, the out-of-memory killer), nothing tells the workers, and they keep computing for a
table nobody will write. :func:`die_with_parent` (called in a worker's initializer) arranges
two things: on Linux the kernel sends the worker SIGKILL when its parent exits
(``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread polls ``os.getppid()`` and ends the
worker when the parent it started with is gone (re-parented to init or a subreaper).
"""
from __future__ import annotations

import os
import signal
import sys
import threading

#: Seconds between two parent checks of the portable watchdog thread.
POLL_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _prctl_pdeathsig(sig: int) -> bool:
    """Ask the Linux kernel to send ``sig`` when the parent exits; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    import time

    while True:
        if os.getppid() != parent:
            os._exit(1)  # the parent is gone: no cleanup, nothing of ours to save
        time.sleep(POLL_INTERVAL)


def die_with_parent(parent: int | None = None) -> None:
    """Make this process exit when ``parent`` (default: the current parent) dies."""
    parent = os.getppid() if parent is None else parent
    _prctl_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the kernel could be told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog",
                     daemon=True).start()
