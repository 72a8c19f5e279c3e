"""A content-hash disk cache of computed files (per-device switching data), shared by processes.

An entry is addressed by :func:`content_key`: the SHA-256 of the canonical JSON of what the
content depends on (e.g. the device's switching parameters and the build settings) and of
:func:`code_stamp`, a hash of the physics code that computes it, so a change of the solver
invalidates every entry without a manual version bump. Location: ``$CRAMSIM_CACHE_DIR``, else
``$XDG_CACHE_HOME/cramsim``, else ``~/.cache/cramsim``; entries live in
``<root>/<kind>/<key[:2]>/<key><suffix>``.

Integrity: beside each entry a small JSON record (``<entry>.sha256``) holds the entry's
SHA-256 and size, written after the entry; an entry whose bytes do not match its record (a
truncated, corrupt or half-written file) is dropped and recomputed, never read.

Concurrency: both files are written atomically (:func:`llg.outputs.atomic_output`), and the
build of a key runs under an exclusive ``flock`` on ``<entry>.lock`` (POSIX; released by the
kernel when the holder dies). Two workers asking for the same missing key: one builds, the
other waits and then reads the finished entry. Lock files are left in place (removing them
would let a waiter and a newcomer lock different files).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from ..errors import ParameterError
from ..outputs import check_output, write_text_atomic

ENV = "CRAMSIM_CACHE_DIR"
#: Physics code a switching entry depends on: every module of these packages, except the
#: command line, plots and the micromagnetic solver (over-invalidation only costs a rebuild).
STAMP_PACKAGES = ("", "fokker_planck", "tables")
STAMP_EXCLUDE = ("cli", "plots", "paths", "outputs", "parentwatch", "lazy")
_STAMP: list = []


def cache_dir() -> Path:
    """The cache root (module doc); a ParameterError if it cannot be written."""
    env = os.environ.get(ENV)
    if env:
        root, name = Path(env).expanduser(), ENV
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
        root = base / "cramsim"
        name = "cache folder $XDG_CACHE_HOME/cramsim" if xdg else "cache folder ~/.cache/cramsim"
    return check_output(root, f"{name} (set {ENV} to another folder)" if name != ENV else ENV,
                        kind="dir")


def code_stamp() -> str:
    """SHA-256 of the source of the physics modules (:data:`STAMP_PACKAGES`) and the
    package version, computed once per process."""
    if not _STAMP:
        from .build import _package_version

        llg = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(_package_version().encode())
        for sub in STAMP_PACKAGES:
            for f in sorted((llg / sub).glob("*.py")):
                if not any(f.stem.startswith(x) for x in STAMP_EXCLUDE):
                    h.update(f"{sub}/{f.name}\0".encode())
                    h.update(f.read_bytes())
        _STAMP.append(h.hexdigest())
    return _STAMP[0]


def content_key(kind: str, payload: dict) -> str:
    """SHA-256 of ``{kind, payload, code stamp}`` as canonical JSON (sorted keys; floats by
    ``repr``, so equal numbers give equal keys)."""
    text = json.dumps({"kind": kind, "payload": payload, "code": code_stamp()},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextlib.contextmanager
def _locked(path: Path):
    """Exclusive, blocking flock on ``path`` (no lock where fcntl is missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: atomic writes only
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)        # closing releases the lock


class DiskCache:
    """Entries of one ``kind`` under ``root`` (default :func:`cache_dir`); module doc."""

    def __init__(self, kind: str, root: str | Path | None = None, suffix: str = ""):
        self.root = Path(root) if root is not None else cache_dir()
        self.kind, self.suffix = kind, suffix
        self.dropped = 0      # corrupt entries found (and removed) by this object

    def path(self, key: str) -> Path:
        return self.root / self.kind / key[:2] / f"{key}{self.suffix}"

    def _record(self, key: str) -> Path:
        p = self.path(key)
        return p.with_name(p.name + ".sha256")

    def lookup(self, key: str) -> Path | None:
        """The entry's path if it is present and intact, else None."""
        p, rec = self.path(key), self._record(key)
        try:
            want = json.loads(rec.read_text())
            ok = (want["key"] == key and p.stat().st_size == want["size"]
                  and _digest(p) == want["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return p if ok else None

    def get_or_build(self, key: str, build: Callable[[Path], None]) -> tuple[Path, str]:
        """(path, "hit" | "miss"): the intact entry of ``key``, built by ``build(path)``
        (which must write ``path`` atomically) if it is missing or corrupt."""
        p = self.lookup(key)
        if p is not None:
            return p, "hit"
        lock = self.path(key).with_name(self.path(key).name + ".lock")
        with _locked(lock):
            p = self.lookup(key)          # another worker may have built it meanwhile
            if p is not None:
                return p, "hit"
            p = self.path(key)
            for stale in (self._record(key), p):
                if stale.exists():
                    self.dropped += 1 if stale == p else 0
                    stale.unlink()
            build(p)
            if not p.is_file():
                raise ParameterError(f"cache entry {p} was not written by its build")
            write_text_atomic(self._record(key), json.dumps(
                {"key": key, "sha256": _digest(p), "size": p.stat().st_size}))
        return p, "miss"
