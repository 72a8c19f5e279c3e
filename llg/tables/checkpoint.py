"""Checkpoint of a table build: finished grid points, one JSON line each, append-only.

Line 1 is a header (format, schema version, config fingerprint, device file hash and text);
every further line is ``{"i": point index, "v": {quantity: value}}``. Python's ``json``
writes floats with ``repr``, which round-trips every float64 exactly (NaN included), so a
resumed build reproduces the uninterrupted table bit for bit.

Why append-only: a killed build can at worst leave a partial last line, which loading drops;
finished lines are never rewritten in place. The only rewrite (dropping that partial tail) is
atomic (temporary file, then ``os.replace``). A checkpoint whose header does not match the
current config or device file is refused with an error and left untouched.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import ParameterError
from .schema import CHECKPOINT_FORMAT, POINT_QUANTITIES, SCHEMA_VERSION, atomic_output

_NAMES = tuple(q.name for q in POINT_QUANTITIES)


def checkpoint_path(out: Path) -> Path:
    """Where the build of ``out`` keeps its checkpoint: ``out`` + ``.checkpoint``."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def _header(cfg) -> dict:
    return {"format": CHECKPOINT_FORMAT, "schema_version": SCHEMA_VERSION,
            "config_fingerprint": cfg.fingerprint(), "n_points": cfg.n_points,
            "device_file": cfg.device_path, "device_sha256": cfg.device_sha256,
            "device_toml": cfg.device_text}


class Checkpoint:
    """An open checkpoint file: ``done`` maps point index -> values; :meth:`add` appends."""

    def __init__(self, path: Path, done: dict):
        self.path = Path(path)
        self.done = done
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
        return cls(path, {})

    @classmethod
    def resume(cls, path: Path, cfg) -> "Checkpoint":
        """Open an existing checkpoint for ``cfg``; clear errors if it does not belong to it."""
        path = Path(path)
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError(f"checkpoint {path} cannot be read ({exc}); delete it to "
                                 "start over") from None
        lines = raw.split("\n")
        try:
            head = json.loads(lines[0])
            if not isinstance(head, dict) or head.get("format") != CHECKPOINT_FORMAT:
                raise ValueError
        except ValueError:
            raise ParameterError(f"checkpoint {path} is damaged or not a cramsim checkpoint "
                                 "(bad header line); delete it to start over") from None
        if head.get("schema_version") != SCHEMA_VERSION:
            raise ParameterError(f"checkpoint {path} has schema version "
                                 f"{head.get('schema_version')}, this cramsim writes "
                                 f"{SCHEMA_VERSION}; delete it to start over")
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
        done, partial = {}, False
        body = lines[1:]
        # a complete file ends with "\n", so the final element is "" unless a write was cut
        for k, line in enumerate(body):
            if not line:
                if k != len(body) - 1:
                    raise ParameterError(f"checkpoint {path} is damaged (empty line "
                                         f"{k + 2}); delete it to start over")
                continue
            try:
                rec = json.loads(line)
                i, values = int(rec["i"]), rec["v"]
                if not 0 <= i < cfg.n_points or set(values) != set(_NAMES):
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                if k == len(body) - 1:  # the partial last line of a killed build
                    partial = True
                    continue
                raise ParameterError(f"checkpoint {path} is damaged (line {k + 2}); delete "
                                     "it to start over") from None
            done[i] = values
        if partial or not raw.endswith("\n"):
            # rewrite without the cut line, so that appends start on a fresh line
            keep = [json.dumps({"i": i, "v": v}) for i, v in done.items()]
            with atomic_output(path) as tmp:
                tmp.write_text("\n".join([lines[0]] + keep) + "\n", encoding="utf-8")
        return cls(path, done)

    def add(self, index: int, values: dict) -> None:
        """Record a finished point: one line, flushed and synced before returning."""
        self._fh.write(json.dumps({"i": int(index), "v": values}) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.done[int(index)] = values

    def close(self) -> None:
        self._fh.close()

    def remove(self) -> None:
        """Delete the checkpoint (after the table was written)."""
        self.close()
        self.path.unlink(missing_ok=True)
