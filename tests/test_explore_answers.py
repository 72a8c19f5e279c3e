"""cramsim explore answers: interpolated frontier, Pareto front, plots, area constraint,
NaN reasons, the run lock and bad input, on synthetic result files whose answers are known
exactly (no physics is run here except where a test says so)."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from arrays.explore.config import config_from_dict
from llg.errors import ParameterError

TMR = [1.0, 2.0, 4.0]
WIDTH = [9e-8, 1.8e-7]
GATES = ("MAJ3", "NOT")


def _raw(**constraints):
    return {"base_device": "default", "workloads": ["add32"], "target_error": 1e-6,
            "axes": {"TMR0": TMR, "transistor_width": WIDTH},
            "constraints": {"retention_years": 10, "retention_temperature": 358.0,
                            **constraints}}


def _record(t, w, area_max):
    """log10 err_NOT = -2 - 2 (t - 1); log10 err_MAJ3 = -1 - s (t - 1), s = 1 (narrow) or
    3 (wide); ratio = 4 t (narrow) or 8 t (wide); speedup 1 / t; area 1e-14 + 1e-7 w m^2."""
    wide = w > 1e-7
    area = 1e-14 + 1e-7 * w
    rec = {"delta": 60.0, "ic0": 5e-5, "delta_retention": 50.0, "retention_time": 1e10,
           "meets_retention": 1.0, "cell_area": area,
           "meets_area": float(area_max is None or area <= area_max), "write_error": 1e-9,
           "switching_mc": 0.0, "error_floor": 0.0,
           "max_gate_error__NOT": 10.0 ** (-2 - 2 * (t - 1)),
           "max_gate_error__MAJ3": 10.0 ** (-1 - (3 if wide else 1) * (t - 1)),
           "gate_energy__NOT": 1e-13, "gate_energy__MAJ3": 2e-13,
           "gate_latency__NOT": 1e-8, "gate_latency__MAJ3": 1e-8,
           "energy_ratio__add32": (8.0 if wide else 4.0) * t, "speedup__add32": 1.0 / t,
           "accuracy__add32": 1.0}
    rec["feasible"] = 0.0
    rec["reason"] = "synthetic design"
    rec["hash"] = f"{t}-{w}"
    return rec


def synthetic(path, area_max=None, edit=None):
    """Write a result file with the exact answers of :func:`_record` (``edit(i, rec)`` may
    change a record) through the real writer; return the path."""
    from arrays.explore.chain import quantity_names
    from arrays.explore.store import write_result

    raw = _raw(**({} if area_max is None else {"cell_area_max": area_max}))
    cfg = config_from_dict(raw, "synthetic")
    records = []
    for i in range(cfg.n_points):
        p = cfg.design(i)
        rec = _record(p["TMR0"], p["transistor_width"], area_max)
        if edit:
            edit(i, rec)
        records.append(rec)
    prov = {"workload_gates": {"add32": list(GATES)}, "workloads": ["add32"],
            "target_error": 1e-6, "retention_years": 10.0, "retention_temperature": 358.0,
            "cell_area_max": area_max, "base_device": cfg.base_device.to_dict(),
            "settings": cfg.settings}
    write_result(path, cfg, GATES, records, quantity_names(cfg, GATES), prov,
                 {"seconds": 0.0})
    return path


@pytest.fixture()
def res(tmp_path):
    from arrays.explore.store import read_result

    return read_result(synthetic(tmp_path / "syn.h5"))


def _line(fr, crit, axis, **fixed):
    lines = fr["workloads"]["add32"]["axes"][axis][crit]
    return next(ln for ln in lines if all(ln["fixed"][k] == v for k, v in fixed.items()))


def test_segments_interpolate_and_stop_at_nan():
    from arrays.explore.frontier import segments

    x = [0.0, 1.0, 2.0, 3.0]
    assert segments(x, [[1.0, -1.0, -1.0, 1.0]]) == [[0.5, 2.5]]
    assert segments(x, [[1.0, math.nan, -1.0, -1.0]]) == [[2.0, 3.0]]
    assert segments(x, [[-1.0, math.nan, 1.0, 1.0]]) == [[0.0, 0.0]]
    # two functions: the set where both hold is the intersection
    assert segments(x, [[1.0, -1.0, -1.0, -1.0], [-3.0, -1.0, 1.0, 1.0]]) == [[0.5, 1.5]]
    assert segments(x, [[1.0, 1.0, 1.0, 1.0]]) == []


def test_frontier_crossings_are_exact(res):
    from arrays.explore.frontier import frontier

    fr = frontier(res)
    wide, narrow = {"transistor_width": 1.8e-7}, {"transistor_width": 9e-8}
    g = _line(fr, "gates_work", "TMR0", **wide)
    # NOT crosses 1e-6 at TMR0 = 3, MAJ3 at 2 + 2/3: all gates from 3
    assert g["smallest"] == pytest.approx(3.0, rel=1e-12)
    assert g["segments"] == [[pytest.approx(3.0, rel=1e-12), 4.0]]
    assert g["boundaries"] == [{"value": pytest.approx(3.0, rel=1e-12), "holds": "above"}]
    assert g["smallest_on_grid"] == 4.0 and g["text"].startswith("holds from 3")
    n = _line(fr, "gates_work", "TMR0", **narrow)            # MAJ3 stops at 1e-4
    assert n["smallest"] is None and n["segments"] == []
    assert n["best"] == {"value": pytest.approx(1e-4, rel=1e-12), "at": 4.0}
    assert n["text"] == ("not reached in the swept range (1..4); best max gate error 0.0001 "
                         "at 4")
    r10 = _line(fr, "ratio_10x", "TMR0", **narrow)           # 4 t = 10
    assert r10["smallest"] == pytest.approx(2.5, rel=1e-12)
    assert _line(fr, "ratio_10x", "TMR0", **wide)["smallest"] == pytest.approx(1.25)
    r50 = _line(fr, "ratio_50x", "TMR0", **wide)              # 8 t <= 32
    assert r50["smallest"] is None and r50["best"] == {"value": 32.0, "at": 4.0}
    both = _line(fr, "ratio_10x_feasible", "TMR0", **wide)
    assert both["smallest"] == pytest.approx(3.0, rel=1e-12)
    assert _line(fr, "ratio_10x_feasible", "TMR0", **narrow)["best"] is None
    e = fr["workloads"]["add32"]
    assert e["reachable"] == {"10x": True, "10x_ignoring_gate_errors": True,
                              "50x": False, "50x_ignoring_gate_errors": False}
    assert e["least_max_error"] == pytest.approx(1e-8)    # max(NOT 1e-8, MAJ3 1e-10), t = 4
    assert fr["gates"]["NOT"]["axes"]["TMR0"][0]["smallest"] == pytest.approx(3.0)


def test_frontier_along_the_other_axis_and_at(res):
    from arrays.explore.frontier import frontier

    fr = frontier(res, at={"TMR0": 4.0}, axes=["transistor_width"])
    assert list(fr["workloads"]["add32"]["axes"]) == ["transistor_width"]
    lines = fr["workloads"]["add32"]["axes"]["transistor_width"]["gates_work"]
    assert [ln["fixed"] for ln in lines] == [{"TMR0": 4.0}]
    # at t = 4, log10 err_MAJ3 = -4 (narrow) .. -10 (wide): -6 at 1/3 of the way
    assert lines[0]["smallest"] == pytest.approx(9e-8 + 9e-8 / 3, rel=1e-12)
    with pytest.raises(ParameterError, match=r"--at TMR0=3 1 is not on the swept grid; "
                                             r"valid: 1, 2, 4"):
        frontier(res, at={"TMR0": 3.0})
    with pytest.raises(ParameterError, match="'diameter' is not swept"):
        frontier(res, axes=["diameter"])


def test_area_constraint_in_frontier_and_pareto(tmp_path):
    from arrays.explore.frontier import frontier
    from arrays.explore.store import read_result

    res = read_result(synthetic(tmp_path / "a.h5", area_max=2e-14))
    fr = frontier(res)
    assert fr["constraints"]["cell_area_max"] == 2e-14
    area = fr["workloads"]["add32"]["axes"]["transistor_width"]["area"][0]
    assert area["segments"] == [[9e-8, pytest.approx(1e-7, rel=1e-12)]]   # 1e-14 + 1e-7 w
    assert area["boundaries"] == [{"value": pytest.approx(1e-7), "holds": "below"}]
    # the wide designs fail the area: the front is the narrow ones, least error first
    front = fr["workloads"]["add32"]["pareto"]
    assert [p["params"] for p in front] == [{"TMR0": t, "transistor_width": 9e-8}
                                            for t in (4.0, 2.0, 1.0)]
    free = frontier(read_result(synthetic(tmp_path / "b.h5")))["workloads"]["add32"]
    assert [p["params"]["transistor_width"] for p in free["pareto"]] == [1.8e-7] * 3
    assert "area" not in free["axes"]["TMR0"]


def test_non_dominated_by_hand():
    from arrays.explore.pareto import non_dominated

    pts = np.array([[1, 5], [2, 2], [3, 1], [3, 3], [1, 5], [np.nan, 0.0]])
    assert non_dominated(pts).tolist() == [True, True, True, False, True, False]


def test_area_constraint_in_config_and_chain():
    from arrays.explore.chain import _area

    cfg = config_from_dict(_raw(cell_area_max=3e-14))
    assert cfg.cell_area_max == 3e-14
    assert config_from_dict(_raw()).fingerprint() != cfg.fingerprint()
    for bad, words in ((0.0, "valid range"), (1.0, "valid range"), ("big", "expected a number")):
        with pytest.raises(ParameterError, match=words) as exc:
            config_from_dict(_raw(cell_area_max=bad))
        assert "constraints.cell_area_max" in str(exc.value) and "m^2" in str(exc.value)
    from circuits.technology import load_technology

    tech = load_technology("45nm").with_transistor_width(1.8e-7)
    rec, reasons = {}, []
    _area(cfg, {"technology": tech}, rec, reasons)
    pitch = tech.get("cell", "row_pitch") * tech.get("cell", "column_pitch")
    assert rec["cell_area"] == pytest.approx(pitch, rel=1e-12)
    assert rec["meets_area"] == float(pitch <= 3e-14)
    assert bool(reasons) == (pitch > 3e-14)
    small = config_from_dict(_raw(cell_area_max=pitch * 0.5))
    rec, reasons = {}, []
    _area(small, {"technology": tech}, rec, reasons)
    assert rec["meets_area"] == 0.0 and "cell_area_max" in reasons[0] and "m^2" in reasons[0]


def test_nan_reasons_scan(tmp_path):
    from arrays.explore.reasons import NO_REASON, complete, scan
    from arrays.explore.store import read_result

    def no_reason(i, rec):
        if i == 1:
            rec["energy_ratio__add32"] = math.nan         # a NaN the reason does not explain

    bad = read_result(synthetic(tmp_path / "bad.h5", edit=no_reason))
    assert scan(bad) == [(1, "energy_ratio__add32")]

    def explained(i, rec):
        if i == 1:
            rec["max_gate_error__NOT"] = math.nan
            rec["energy_ratio__add32"] = math.nan
            rec["reason"] = "NOT: window closed; add32: no energy ratio (NOT missing)"
    assert scan(read_result(synthetic(tmp_path / "ok.h5", edit=explained))) == []
    rec = {"delta": 1.0, "retention_time": math.nan, "feasible": 1.0, "reason": ""}
    complete(rec, GATES, ["add32"])
    assert rec["feasible"] == 0.0 and rec["reason"] == f"retention_time: {NO_REASON}"
    assert scan(read_result("data/explore/default.h5")) == []           # the shipped sweep


def test_design_not_evaluated_explains_every_nan():
    from arrays.explore.chain import evaluate_design
    from arrays.explore.reasons import explained

    raw = _raw()
    raw["axes"] = {"temperature": [1200.0]}                 # above T_Curie: chain stops
    cfg = config_from_dict(raw)
    rec = evaluate_design(cfg, 0, ("NOT",))
    nans = [q for q, v in rec.items() if isinstance(v, float) and math.isnan(v)]
    assert nans and all(explained(q, rec["reason"], ("NOT",), ["add32"]) for q in nans)


def test_plots_pareto_and_heatmaps(res, tmp_path):
    from arrays.explore.plots import heatmaps, pareto_plots, reduce2

    paths = pareto_plots(res, tmp_path) + heatmaps(res, tmp_path) + \
        heatmaps(res, tmp_path, "transistor_width", "TMR0", best=True)
    assert [p.name for p in paths] == ["pareto_add32.png",
                                       "heatmap_add32_TMR0_transistor_width_fixed.png",
                                       "heatmap_add32_transistor_width_TMR0_best.png"]
    assert all(p.stat().st_size > 5000 for p in paths)
    ratio = res["data"]["energy_ratio__add32"]                 # (TMR0, width)
    assert np.array_equal(reduce2(res, ratio, "TMR0", "transistor_width", {}, None), ratio.T)
    with pytest.raises(ParameterError, match="both name 'TMR0'"):
        heatmaps(res, tmp_path, "TMR0", "TMR0")
    with pytest.raises(ParameterError, match="drawn"):
        heatmaps(res, tmp_path, "TMR0", "transistor_width", at={"TMR0": 1.0})


def test_reduce2_fixed_and_best():
    from arrays.explore.plots import reduce2

    a = np.arange(24, dtype=float).reshape(2, 3, 4)            # dims (p, q, r)
    a[1, 0, 0] = np.nan
    res = {"dims": ["p", "q", "r"], "axes": {"p": ([1.0, 2.0], ""), "q": ([1.0, 2.0, 3.0], ""),
                                            "r": ([1.0, 2.0, 3.0, 4.0], "")}}
    fixed = reduce2(res, a, "r", "q", {"p": 2.0}, None)         # rows q, columns r
    assert np.array_equal(fixed, a[1], equal_nan=True)
    want = a[1].copy()
    want[0, 0] = 0.0                                           # NaN at p = 2: p = 1 is best
    assert np.array_equal(reduce2(res, a, "r", "q", {}, "max"), want)
    assert np.array_equal(reduce2(res, a, "q", "r", {}, "min"), a[0].T)   # rows r


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", "explore", *args],
                          capture_output=True, text=True)


def test_cli_frontier_json_and_bad_at(res, tmp_path):
    path = synthetic(tmp_path / "cli.h5")
    p = _cli("frontier", str(path), "--json", "--at", "transistor_width=1.8e-7")
    assert p.returncode == 0, p.stderr
    fr = json.loads(p.stdout)
    g = fr["workloads"]["add32"]["axes"]["TMR0"]["gates_work"]
    assert len(g) == 1 and g[0]["smallest"] == pytest.approx(3.0, rel=1e-12)
    p = _cli("frontier", str(path))
    assert p.returncode == 0 and "not reached in the swept range" in p.stdout
    for args, words in ((("--at", "TMR0=3"), ["--at TMR0=3", "not on the swept grid",
                                               "valid: 1, 2, 4"]),
                        (("--at", "TMRO=1"), ["did you mean 'TMR0'"]),
                        (("--at", "TMR0"), ["AXIS=VALUE"]),
                        (("--axis", "diameter"), ["'diameter' is not swept"])):
        p = _cli("frontier", str(path), *args)
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        assert p.returncode == 2 and len(lines) == 1, p.stderr
        assert "Traceback" not in p.stderr and all(w in lines[0] for w in words), lines
    p = _cli("plot", str(path), "--out", str(tmp_path / "png"), "--best", "--json")
    assert p.returncode == 0, p.stderr
    assert [f.rsplit("/", 1)[1] for f in json.loads(p.stdout)["files"]] == \
        ["pareto_add32.png", "heatmap_add32_TMR0_transistor_width_best.png"]


FAILS_FAST = ('base_device = "default"\nworkloads = ["add32"]\n[axes]\n'
              'temperature = [1200.0]\n')                 # above T_Curie: not evaluated


def test_cli_run_json_keeps_progress_on_stderr(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(FAILS_FAST)
    out = tmp_path / "r.h5"
    p = _cli("run", "--config", str(cfg), "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)                           # stdout: pure JSON
    assert summary["designs"] == 1 and "not evaluated" in summary["points"][0]["reason"]
    assert "1/1" in p.stderr and "design" in p.stderr         # the progress bar
    p = _cli("run", "--config", str(cfg), "--out", str(out), "--json", "--overwrite",
             "--no-progress")
    assert p.returncode == 0 and p.stderr == "" and json.loads(p.stdout)["designs"] == 1


def test_second_run_on_the_same_out_is_refused(tmp_path):
    from arrays.explore.run import run_sweep
    from llg.tables.lock import BuildLock

    cfg = tmp_path / "c.toml"
    cfg.write_text(FAILS_FAST)
    out = tmp_path / "r.h5"
    with BuildLock(out):
        with pytest.raises(ParameterError, match=r"another build of .*r\.h5 is running"):
            run_sweep(config_from_dict(json.loads(json.dumps(
                {"workloads": ["add32"], "axes": {"temperature": [1200.0]}}))), out,
                progress=False)
        p = _cli("run", "--config", str(cfg), "--out", str(out))
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        assert p.returncode == 2 and len(lines) == 1 and "r.h5.lock" in lines[0], p.stderr
    assert not out.exists()


@pytest.mark.parametrize("axes, words", [
    ({"TMR0": {"start": 2.0, "stop": 2.0, "num": 3}}, ["inverted or empty"]),
    ({"TMR0": {"start": 1.0, "stop": 2.0, "num": 0}}, ["axes.TMR0.num", "1..1000"]),
    ({"TMR0": {}}, ["needs start, stop and num"]),
    ({"diameter": [45e-9, 45e-9]}, ["repeats a value"]),
    ({"diameter": [1.0]}, ["axes.diameter = 1.0", "m", "valid range"]),
    ({"rows": [8192]}, ["axes.rows = 8192", "valid range", "4096"]),
    ({"pulse_max": [1.0]}, ["axes.pulse_max", "s", "valid range"]),
    ({"trasistor_width": [1e-7]}, ["did you mean 'transistor_width'"]),
])
def test_more_config_errors_name_the_key(axes, words):
    raw = _raw()
    raw["axes"] = axes
    with pytest.raises(ParameterError) as exc:
        config_from_dict(raw)
    msg = str(exc.value)
    assert "\n" not in msg and all(w in msg for w in words), msg


def test_report_section_reads_the_frontier(tmp_path):
    from arrays.explore.report import markdown, stale, study
    from arrays.explore.store import read_result

    path = synthetic(tmp_path / "rep.h5")
    st = study(path)
    assert st["axis"] == "TMR0" and st["stale"] == []          # only the shipped file is checked
    wide = [ln for ln in st["workloads"]["add32"]["gates_work"]
            if ln["fixed"] == {"transistor_width": 1.8e-7}][0]
    assert wide["smallest"] == pytest.approx(3.0, rel=1e-12)
    assert st["gates"]["NOT"]["smallest"] == pytest.approx(3.0, rel=1e-12)
    md = "\n".join(markdown(st))
    assert "transistor_width = 1.8e-07: holds from 3 (1/2 settings)" in md
    assert "| add32 | True (1e-08) |" in md and "| True | False | 32 | 3 |" in md
    diff = stale(read_result(path))                             # same base device, other axes
    assert "axes" in diff and not any(d.startswith("device key") for d in diff)
    assert "older writer" not in " ".join(diff)


@pytest.mark.parametrize("axes, words", [
    ('TMRO = [1.0]', ["unknown key 'TMRO'", "did you mean 'TMR0'"]),
    ('diameter = { start = 60e-9, stop = 30e-9, num = 4 }', ["inverted or empty", " m "]),
    ('TMR0 = []', ["axes.TMR0", "empty"]),
    ('diameter = [1e-3]', ["axes.diameter = 0.001", "m", "valid range"]),
])
def test_cli_config_errors_exit_2_in_one_line(tmp_path, axes, words):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'workloads = ["add32"]\n[axes]\n{axes}\n')
    p = _cli("run", "--config", str(bad), "--out", str(tmp_path / "x.h5"))
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert not list(tmp_path.glob("x.h5*"))                  # no output, no lock, no checkpoint


def test_frontier_summary_over_slices(res):
    from arrays.explore.frontier import frontier

    fr = frontier(res)
    s = fr["workloads"]["add32"]["summary"]["TMR0"]
    assert s["gates_work"] == {"smallest": pytest.approx(3.0, rel=1e-12),
                               "at": {"transistor_width": 1.8e-7}, "slices_reached": 1,
                               "slices": 2}
    assert s["ratio_10x"]["smallest"] == pytest.approx(1.25)           # wide: 8 t = 10
    assert s["ratio_50x"] == {"smallest": None, "at": None, "slices_reached": 0, "slices": 2}
    # MAJ3 alone at t = 4 along the width: -4 .. -10, so -6 at one third
    g = fr["gates"]["MAJ3"]["summary"]["transistor_width"]
    assert g["smallest"] == pytest.approx(1.2e-7, rel=1e-12) and g["at"] == {"TMR0": 4.0}
