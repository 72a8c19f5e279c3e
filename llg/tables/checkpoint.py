"""Checkpoint of a table build: finished grid points, one JSON line each, append-only.

Line 1 is a header (format, schema version, config fingerprint, device file hash and text,
line-check scheme); every further line is ``{"i": point index, "v": {quantity: value},
"h": check}`` where ``check`` is the first 32 hex digits of SHA-256 over the config
fingerprint and the line's canonical JSON (:func:`line_check`). Python's ``json`` writes
floats with ``repr``, which round-trips every float64 exactly (NaN included), so a resumed
build reproduces the uninterrupted table bit for bit.

Why the check: a line edited by hand or by a faulty disk (another number, a string, a
duplicated index with other values) would otherwise enter the table silently. On resume every
line is verified; a line that fails (bad JSON, wrong keys or types, index out of range, check
mismatch, or a duplicate index with different values) is dropped and its point recomputed,
and the count is reported (``Checkpoint.rejected``). The check is for integrity, not
security: the fingerprint is in the header.

Why append-only: a killed build can at worst leave a partial last line, which loading drops;
finished lines are never rewritten in place. The only rewrite (dropping a partial tail or
rejected lines) is atomic (temporary file, then ``os.replace``). A checkpoint whose header
does not match the current config or device file is refused with an error and left untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..errors import ParameterError
from .schema import CHECKPOINT_FORMAT, POINT_QUANTITIES, SCHEMA_VERSION, atomic_output

#: The per-line check scheme recorded in the header (older checkpoints have none).
LINE_CHECK = "sha256(config_fingerprint + newline + canonical line JSON)[:32]"
_NAMES = tuple(q.name for q in POINT_QUANTITIES)


def checkpoint_path(out: Path) -> Path:
    """Where the build of ``out`` keeps its checkpoint: ``out`` + ``.checkpoint``."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def _header(cfg) -> dict:
    return {"format": CHECKPOINT_FORMAT, "schema_version": SCHEMA_VERSION,
            "config_fingerprint": cfg.fingerprint(), "n_points": cfg.n_points,
            "device_file": cfg.device_path, "device_sha256": cfg.device_sha256,
            "device_toml": cfg.device_text, "line_check": LINE_CHECK}


def _canonical(index: int, values: dict) -> str:
    return json.dumps({"i": int(index), "v": values}, sort_keys=True)


def line_check(fingerprint: str, index: int, values: dict) -> str:
    """The integrity check of one checkpoint line (see module doc)."""
    text = fingerprint + "\n" + _canonical(index, values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _valid_values(values) -> bool:
    if not isinstance(values, dict) or set(values) != set(_NAMES):
        return False
    for q in POINT_QUANTITIES:
        v = values[q.name]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        if str(q.dtype).startswith("i") and not isinstance(v, int):
            return False
    return True


class Checkpoint:
    """An open checkpoint file: ``done`` maps point index -> values; :meth:`add` appends.

    ``rejected``: lines dropped on resume because they failed their check (their points are
    recomputed); ``partial``: whether a cut last line was dropped.
    """

    def __init__(self, path: Path, done: dict, fingerprint: str, rejected: int = 0,
                 partial: bool = False):
        self.path = Path(path)
        self.done = done
        self.fingerprint = fingerprint
        self.rejected = rejected
        self.partial = partial
        self._fh = open(self.path, "a", encoding="utf-8")

    @classmethod
    def create(cls, path: Path, cfg) -> "Checkpoint":
        """A new checkpoint with only the header (refuses to replace an existing one)."""
        path = Path(path)
        if path.exists():
            raise ParameterError(f"checkpoint {path} already exists; pass --resume to "
                                 "continue that build, or delete it to start over")
        with atomic_output(path) as tmp:
            tmp.write_text(json.dumps(_header(cfg)) + "\n", encoding="utf-8")
        return cls(path, {}, cfg.fingerprint())

    @classmethod
    def resume(cls, path: Path, cfg) -> "Checkpoint":
        """Open an existing checkpoint for ``cfg``; clear errors if it does not belong to it,
        bad lines dropped and counted."""
        path = Path(path)
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError(f"checkpoint {path} cannot be read ({exc}); delete it to "
                                 "start over") from None
        lines = raw.split("\n")
        head = _check_header(path, lines[0], cfg)
        fingerprint = cfg.fingerprint()
        done, rejected, partial = _read_lines(lines[1:], raw.endswith("\n"), fingerprint,
                                              cfg.n_points, cls.valid_values)
        if partial or rejected or not raw.endswith("\n"):
            # rewrite with only the good lines, so that appends start on a fresh line
            keep = [_line(fingerprint, i, v) for i, v in sorted(done.items())]
            with atomic_output(path) as tmp:
                tmp.write_text("\n".join([json.dumps(head)] + keep) + "\n", encoding="utf-8")
        return cls(path, done, fingerprint, rejected, partial)

    @classmethod
    def valid_values(cls, values) -> bool:
        """True if a line's values are a complete point (subclasses: other drivers' records,
        e.g. :class:`arrays.explore.store.SweepCheckpoint`)."""
        return _valid_values(values)

    def add(self, index: int, values: dict) -> None:
        """Record a finished point: one checked line, flushed and synced before returning."""
        self._fh.write(_line(self.fingerprint, index, values) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.done[int(index)] = values

    def close(self) -> None:
        self._fh.close()

    def remove(self) -> None:
        """Delete the checkpoint (after the table was written)."""
        self.close()
        self.path.unlink(missing_ok=True)


def _line(fingerprint: str, index: int, values: dict) -> str:
    return json.dumps({"i": int(index), "v": values,
                       "h": line_check(fingerprint, index, values)})


def _check_header(path: Path, line: str, cfg) -> dict:
    try:
        head = json.loads(line)
        if not isinstance(head, dict) or head.get("format") != CHECKPOINT_FORMAT:
            raise ValueError
    except ValueError:
        raise ParameterError(f"checkpoint {path} is damaged or not a cramsim checkpoint "
                             "(bad header line); delete it to start over") from None
    if head.get("schema_version") != SCHEMA_VERSION:
        raise ParameterError(f"checkpoint {path} has schema version "
                             f"{head.get('schema_version')}, this cramsim writes "
                             f"{SCHEMA_VERSION}; delete it to start over")
    if head.get("line_check") != LINE_CHECK:
        raise ParameterError(f"checkpoint {path} was written by an older cramsim without "
                             "line checks; delete it to start over")
    if head.get("device_sha256") != cfg.device_sha256:
        raise ParameterError(
            f"the device file {cfg.device_path} changed since checkpoint {path} was "
            f"written (sha256 {str(head.get('device_sha256'))[:12]}... then, "
            f"{cfg.device_sha256[:12]}... now); restore the file, or delete the "
            "checkpoint to build from scratch")
    if head.get("config_fingerprint") != cfg.fingerprint():
        raise ParameterError(
            f"the table config changed since checkpoint {path} was written (grids, "
            "trials, seed, dt or device values differ); restore it, or delete the "
            "checkpoint to build from scratch")
    return head


def _read_lines(body: list, complete: bool, fingerprint: str, n_points: int,
                valid=_valid_values):
    """(done, rejected, partial) from the point lines; see the module doc."""
    done, bad_index, rejected, partial = {}, set(), 0, False
    last = len(body) - 1
    for k, line in enumerate(body):
        if k == last and (not line or not complete):
            partial = bool(line)  # "" after the final newline; else a write cut by a kill
            continue
        try:
            rec = json.loads(line)
            i, values = rec["i"], rec["v"]
            ok = (isinstance(rec, dict) and set(rec) == {"i", "v", "h"}
                  and isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n_points
                  and valid(values)
                  and rec["h"] == line_check(fingerprint, i, values))
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            rejected += 1
        elif i in done and _canonical(i, done[i]) != _canonical(i, values):
            bad_index.add(i)  # two checked lines disagree: trust neither
            rejected += 1
        else:
            rejected += i in done  # an exact duplicate: harmless, but not a clean file
            done[i] = values
    for i in bad_index:
        done.pop(i, None)
        rejected += 1
    return done, rejected, partial
