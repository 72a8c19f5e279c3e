"""Where the shipped data lives, and how a data file is found and read.

The repository's top-level ``data/`` folder, next to the packages; the environment variable
``CRAMSIM_DATA`` points elsewhere when set (for an installed copy or a user's own collection).
Every loader of a data card (devices, technologies, peripherals, scenarios, ...) resolves a
shipped name or a path with :func:`resolve_data_file` and parses it with :func:`read_toml`, so
"not found" and "not valid TOML" read the same everywhere.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .errors import ParameterError


def data_dir() -> Path:
    """The data folder: ``$CRAMSIM_DATA`` if set, else ``<repo>/data``."""
    env = os.environ.get("CRAMSIM_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def shipped(kind: str, suffix: str = ".toml") -> list[str]:
    """Names of the shipped files in ``data/<kind>`` (without the suffix)."""
    return sorted(p.stem for p in (data_dir() / kind).glob(f"*{suffix}"))


def resolve_data_file(kind: str, name_or_path, what: str, suffix: str = ".toml") -> Path:
    """The file for ``name_or_path``: an existing path, or the shipped ``data/<kind>/NAME``.

    Raises :class:`ParameterError` naming the shipped files (with a close match, if any).
    """
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = data_dir() / kind / f"{name_or_path}{suffix}"
    if path.is_file():
        return path
    known = shipped(kind, suffix)
    close = difflib.get_close_matches(str(name_or_path), known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(f"{what} {str(name_or_path)!r} not found{hint}; shipped: "
                         f"{', '.join(known)} (or give a path to a {suffix} file)")


def read_text(path: Path, what: str) -> str:
    """The text of the data file ``path``; unreadable, a folder, binary or not UTF-8 becomes
    one ParameterError line naming ``what`` and the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"{what} {path} cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise ParameterError(f"{what} {path} is a binary file, not a TOML text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{what} {path} is not UTF-8 text (byte {exc.start}: "
                             f"{exc.reason}); a TOML file must be UTF-8") from None


def read_toml(path: Path, what: str) -> dict:
    """Parse the TOML file ``path`` (read with :func:`read_text`); a syntax error (a
    truncated file, a wrong format) becomes a ParameterError naming ``what``."""
    return parse_toml(read_text(path, what), f"{what} {path}")


def parse_toml(text: str, where: str) -> dict:
    """Parse TOML ``text``; a syntax error becomes a ParameterError naming ``where``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{where}: not valid TOML ({exc})") from None
