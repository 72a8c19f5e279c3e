"""Every file cramsim writes: checked before the work, written atomically, with normal modes.

:func:`check_output` is called on every ``--out`` / ``--plot`` value before any computation
(the CLI option types in :mod:`llg.cli_params` do it at parse time), so an unwritable target
fails in milliseconds with one line instead of a traceback after minutes of work; nothing is
created by the check. :func:`atomic_output` is the one way a file is written: a temporary file
beside the target, synced, given the mode a plain ``open`` would give (0666 minus the umask,
not mkstemp's 0600), then moved onto the target with ``os.replace``; a reader sees the old file
or the new one, never a partial one, and a failed write leaves the target untouched.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import ParameterError


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and not p.is_symlink():
        if p.parent == p:
            break
        p = p.parent
    return p


def check_output(path, name: str, kind: str = "file", suffixes: tuple = ()) -> Path:
    """``path`` as a Path if cramsim can write it, else a ParameterError naming ``name``.

    kind "file": an existing path must be a regular file; "dir": an existing path must be a
    folder. The nearest existing ancestor must be a writable folder (missing folders are
    created at write time). ``suffixes``: allowed file name endings (e.g. (".png",)).
    """
    path = Path(path)
    if str(path) == "" or path.name in ("", ".", ".."):
        if kind == "file":
            raise ParameterError(f"{name} = {str(path)!r} is not a file name")
    if suffixes and kind == "file" and path.suffix.lower() not in suffixes:
        raise ParameterError(f"{name} = {str(path)!r}: the file name must end in "
                             f"{' or '.join(suffixes)}")
    if path.exists():
        if kind == "file" and not path.is_file():
            raise ParameterError(f"{name} = {str(path)!r} is an existing folder or special "
                                 "file, not a file that can be written")
        if kind == "dir" and not path.is_dir():
            raise ParameterError(f"{name} = {str(path)!r} exists and is not a folder")
    base = path if (kind == "dir" and path.is_dir()) else _nearest_existing(path.parent)
    if not base.is_dir():
        raise ParameterError(f"{name} = {str(path)!r} cannot be written: {str(base)!r} is a "
                             "file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise ParameterError(f"{name} = {str(path)!r} cannot be written: folder "
                             f"{str(base)!r} is not writable")
    return path


def normal_mode() -> int:
    """The mode a plain ``open(path, "w")`` gives a new file: 0666 minus the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path):
    """Yield a temporary path beside ``path``; on success move it onto ``path`` atomically
    (synced, mode as a plain ``open`` would give); on any error remove it and leave ``path``
    untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix,
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:  # make the bytes durable before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp, normal_mode())  # mkstemp's 0600 would hide a shared file
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def save_figure(fig, path, dpi: int = 120) -> Path:
    """Write a matplotlib figure to ``path`` (PNG) atomically and close it."""
    import matplotlib.pyplot as plt

    try:
        with atomic_output(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format=Path(path).suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return Path(path)
