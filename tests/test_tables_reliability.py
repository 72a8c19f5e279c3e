"""Table builds under abuse: tampered checkpoint lines, two builds racing for one output,
a --scheduler build without Dask, and workers whose parent is killed (issue 12)."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from llg import ParameterError
from llg.tables import build_table, load_config
from llg.tables import build as build_mod
from llg.tables.checkpoint import Checkpoint, checkpoint_path, line_check
from llg.tables.lock import BuildLock, lock_path

from test_tables_build import assert_identical, write_config


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A 2-point config (1 current x 2 widths, one direction) and its uninterrupted table."""
    folder = tmp_path_factory.mktemp("rel")
    path = folder / "small.toml"
    path.write_text(write_config(folder, trials=32, currents=(12e-6,)).read_text()
                    .replace('directions = ["P-AP", "AP-P"]', 'directions = ["P-AP"]'))
    cfg = load_config(path)
    ref = folder / "ref.h5"
    build_table(cfg, ref, workers=1, progress=False)
    return path, cfg, ref


def _checkpoint_with_both_points(cfg, out):
    ck = Checkpoint.create(checkpoint_path(out), cfg)
    for i in range(cfg.n_points):
        ck.add(i, build_mod.compute_point(cfg, i))
    ck.close()
    return checkpoint_path(out).read_text().splitlines()


def test_every_line_carries_a_check_of_content_and_config(small, tmp_path):
    _, cfg, _ = small
    lines = _checkpoint_with_both_points(cfg, tmp_path / "t.h5")
    for line in lines[1:]:
        rec = json.loads(line)
        assert rec["h"] == line_check(cfg.fingerprint(), rec["i"], rec["v"])
    # the check depends on the config: the same line under another fingerprint differs
    rec = json.loads(lines[1])
    assert line_check("other", rec["i"], rec["v"]) != rec["h"]


@pytest.mark.parametrize("tamper", ["other number", "string value", "conflicting duplicate",
                                    "foreign check"])
def test_a_tampered_line_is_recomputed_counted_and_the_table_unchanged(small, tmp_path,
                                                                        tamper):
    _, cfg, ref = small
    out = tmp_path / "t.h5"
    lines = _checkpoint_with_both_points(cfg, out)
    rec = json.loads(lines[1])
    if tamper == "other number":
        rec["v"]["p_switch"] = 0.5 if rec["v"]["p_switch"] != 0.5 else 0.25
        lines[1] = json.dumps(rec)
    elif tamper == "string value":
        rec["v"]["p_switch"] = "0.5"
        lines[1] = json.dumps(rec)
    elif tamper == "conflicting duplicate":
        # a well-checked line for index 1 carrying index 0's values: two lines disagree on 1
        other = json.loads(lines[2])
        fake = {"i": 1, "v": rec["v"], "h": line_check(cfg.fingerprint(), 1, rec["v"])}
        assert other["v"] != rec["v"]
        lines.append(json.dumps(fake))
    else:
        rec["h"] = "0" * 32
        lines[1] = json.dumps(rec)
    checkpoint_path(out).write_text("\n".join(lines) + "\n")
    summary = build_table(cfg, out, resume=True, progress=False)
    # a conflicting duplicate rejects both lines of index 1; every case recomputes one point
    rejected = 2 if tamper == "conflicting duplicate" else 1
    assert summary["checkpoint_lines_rejected"] == rejected
    assert summary["computed"] == 1 and summary["reused"] == cfg.n_points - 1
    assert_identical(out, ref)


def test_a_second_build_of_the_same_output_is_refused_while_the_first_holds_it(small,
                                                                              tmp_path):
    _, cfg, _ = small
    out = tmp_path / "t.h5"
    with BuildLock(out):
        assert lock_path(out).read_text().strip() == str(os.getpid())
        with pytest.raises(ParameterError, match=f"another build of .*t.h5 is running "
                                                 f"\\(pid {os.getpid()}\\)"):
            build_table(cfg, out, resume=True, progress=False)
        assert not checkpoint_path(out).exists()  # the refused build touched nothing
    assert not lock_path(out).exists()
    build_table(cfg, out, workers=1, progress=False)  # free again once released
    assert not lock_path(out).exists()


def test_two_concurrent_resume_processes_race_and_one_is_refused(small, tmp_path):
    cfg_path, cfg, ref = small
    out = tmp_path / "race.h5"
    _checkpoint_with_both_points(cfg, out)
    code = ("import sys, time\nfrom llg.tables.lock import BuildLock\n"
            f"with BuildLock({str(out)!r}):\n    print('held', flush=True)\n"
            "    time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        p = subprocess.run([sys.executable, "-m", "cramsim", "table", "build", "--config",
                            str(cfg_path), "--out", str(out), "--resume", "--workers", "1"],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        assert f"another build of {out} is running (pid {holder.pid})" in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
    # the kernel released the dead holder's lock: the resume now goes through
    build_table(cfg, out, resume=True, progress=False)
    assert_identical(out, ref)


def test_scheduler_without_dask_fails_before_writing_a_checkpoint(small, tmp_path,
                                                                  monkeypatch):
    _, cfg, _ = small
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kw):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    out = tmp_path / "t.h5"
    with pytest.raises(ParameterError, match="--scheduler needs dask distributed"):
        build_table(cfg, out, scheduler="tcp://127.0.0.1:1", progress=False)
    assert not checkpoint_path(out).exists() and not lock_path(out).exists()


def test_a_bad_scheduler_address_is_refused_before_any_work(small, tmp_path):
    _, cfg, _ = small
    out = tmp_path / "t.h5"
    for address in ("abc", "tcp://host", "http://x:1", ""):
        with pytest.raises(ParameterError, match="is not a Dask scheduler address"):
            build_table(cfg, out, scheduler=address, progress=False)
    assert not checkpoint_path(out).exists() and not lock_path(out).exists()


def test_a_build_that_fails_before_its_first_point_leaves_no_checkpoint(small, tmp_path,
                                                                       monkeypatch):
    _, cfg, _ = small

    def failing(*a, **k):
        raise RuntimeError("cannot reach the workers")

    monkeypatch.setattr(build_mod, "_run_local", failing)
    out = tmp_path / "t.h5"
    with pytest.raises(RuntimeError):
        build_table(cfg, out, workers=2, progress=False)
    assert not checkpoint_path(out).exists()
    monkeypatch.undo()
    build_table(cfg, out, workers=1, progress=False)  # a plain build is not blocked


def _children(pid: int) -> set:
    """Pids whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(d))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_build_process_is_killed(tmp_path, sig):
    cfg_path = write_config(tmp_path, trials=4000,
                            currents=tuple(np.linspace(6e-6, 22e-6, 8).tolist()))
    out = tmp_path / "orphans.h5"
    proc = subprocess.Popen([sys.executable, "-m", "cramsim", "table", "build", "--config",
                             str(cfg_path), "--out", str(out), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        workers = set()
        while time.time() < deadline and len(workers) < 3:  # 2 workers + resource tracker
            workers = _children(proc.pid)
            assert proc.poll() is None, "the build ended before it could be killed"
            time.sleep(0.1)
        assert len(workers) >= 2
        time.sleep(1.0)  # let the workers finish their initializer
        os.kill(proc.pid, sig)  # the main process only, not its group
        proc.wait(timeout=30)
        deadline = time.time() + 20
        while time.time() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
    finally:
        for w in _children(proc.pid) | workers:
            try:
                os.kill(w, signal.SIGKILL)
            except OSError:
                pass
    assert not left, f"processes {left} outlived the killed build"
