"""An exclusive lock on a table build's output, so two builds never share a checkpoint.

``OUT.lock`` is locked with ``flock`` (POSIX; released by the kernel when the holder dies,
however it dies, so a killed build never leaves a stale lock). A second build of the same
OUT fails at once with a clear error instead of waiting. The lock file records the holder's
pid for that message; it is removed on release, and a lock taken on a file that was removed
or replaced meanwhile is retried, so removal cannot let two builds in. Where ``fcntl`` is
missing (Windows), the lock is the exclusive creation of the file.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import ParameterError


def lock_path(out: Path) -> Path:
    """``out`` + ``.lock``."""
    out = Path(out)
    return out.with_name(out.name + ".lock")


class BuildLock:
    """Context manager holding the exclusive lock of ``out``'s build."""

    def __init__(self, out: Path):
        self.path = lock_path(out)
        self._fd = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self._enter_excl()
        for _ in range(10):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_pid(fd)
                os.close(fd)
                raise self._busy(holder) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
                return self
            os.close(fd)  # removed by the previous holder between open and flock: retry
        raise ParameterError(f"cannot take the build lock {self.path} (it keeps changing)")

    def _enter_excl(self) -> "BuildLock":  # pragma: no cover - not POSIX
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            raise self._busy(self.path.read_text().strip()) from None
        os.write(self._fd, f"{os.getpid()}\n".encode())
        return self

    def _busy(self, holder) -> ParameterError:
        who = f" (pid {holder})" if holder else ""
        out = self.path.with_name(self.path.name[:-len(".lock")])
        return ParameterError(f"another build of {out} is running{who}: it holds "
                              f"{self.path}; wait for it to finish, or stop it and --resume")

    def __exit__(self, *exc) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still locked: see module doc
        finally:
            os.close(self._fd)  # releases the flock
            self._fd = None


def _read_pid(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode(errors="replace").strip()
    except OSError:
        return ""
