"""The report's new sections: scenarios, technologies, training, crossbar (guarded)."""
import sys

import pytest

from arrays.energy.evaluate import make_setup
from arrays.study.report import build_report


@pytest.fixture(scope="module")
def payload(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep")
    saved = sys.modules.get("arrays.crossbar.report", "absent")
    sys.modules["arrays.crossbar.report"] = None          # import fails -> guarded section
    try:
        p = build_report(make_setup(), ["add32", "popcount64"], out, error_sweep=False,
                         scenarios=("mature",), memtech=True, crossbar=True)
    finally:
        if saved == "absent":
            del sys.modules["arrays.crossbar.report"]
        else:
            sys.modules["arrays.crossbar.report"] = saved
    p["_md"] = (out / "report.md").read_text()
    p["_out"] = out
    return p


def test_scenario_section(payload):
    st = payload["scenarios"]
    assert [m["name"] for m in st["scenarios"]] == ["mature"]
    rows = [r for r in st["rows"] if r["scenario"] == "mature"]
    assert {r["workload"] for r in rows} == {"add32", "popcount64"}
    shipped = {r["workload"]: r for r in st["rows"] if r["scenario"] == "as shipped"}
    assert set(shipped) == {"add32", "popcount64"}
    for r in rows:
        # a claim holds only where the array also computes correctly
        assert r["holds"] == bool(r["in_band"] and r["computes_correctly"])
        if r["energy_ratio"] is not None:
            lo, hi = st["verdicts"][0]["band"]
            assert r["in_band"] == (lo <= r["energy_ratio"] <= hi)
    v = st["verdicts"][0]
    assert v["claim"] == "mature_50x" and v["verdict"]
    assert "## Maturity scenarios" in payload["_md"]
    assert (payload["_out"] / "scenarios.png").stat().st_size > 1000


def test_memtech_and_training_sections(payload):
    mt = payload["memtech"]
    assert list(mt["cards"]) == ["mram", "sram_cim", "reram", "pcm"]
    techs = {(r["workload"], r["technology"]) for r in mt["logic"]}
    if mt["logic"]:
        assert ("add32", "pcm") in techs
    for r in mt["training"]:
        # the step's items sum to its total; the write item is writes x per-write energy
        items = {i["key"]: i for i in r["items"]}
        assert r["step_energy"] == pytest.approx(sum(i["energy"] for i in r["items"]),
                                                 rel=1e-12)
        w = items["weight_writes"]
        assert w["energy"] == pytest.approx(w["count"] * w["unit_energy"], rel=1e-12)
        assert w["unit_energy"] == mt["cards"][r["technology"]]["cell.write_energy"]["value"]
        assert r["gap"] > 1.0          # training costs more per sample than inference
    assert "## Inference vs training" in payload["_md"]
    assert "## Other memories, same workloads" in payload["_md"]


def test_crossbar_guard(payload):
    assert "pending" in payload["crossbar"]
    assert "arrays.crossbar.report" in payload["crossbar"]["pending"]
    assert "## Analog MRAM crossbar" in payload["_md"]
