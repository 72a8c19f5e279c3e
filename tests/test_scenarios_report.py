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
    # one switching model for every row: the scenario's device on its own FP source, pulses
    # up to the scenario's 10 ns speed target; the as-shipped gates and writes on FP too
    sw = st["scenarios"][0]["switching"]
    assert "gates: Fokker-Planck" in sw and "writes: Fokker-Planck" in sw and "-1e-08 s" in sw
    shipped_sw = payload["setup"]["costs"]["parameters"]["switching"]
    assert shipped_sw["gates"]["source"] == shipped_sw["writes"]["source"] == "fp"
    assert shipped_sw["writes"]["pulse_range"] == [1e-9, 1e-6]
    assert "## Maturity scenarios" in payload["_md"]
    assert (payload["_out"] / "scenarios.png").stat().st_size > 1000


def test_pulse_cap_sensitivity(payload):
    """Lifting mature's 10 ns cap widens the FP pulse grid to a superset of the capped one,
    so the least achievable gate error cannot rise; the gates must not meet the target only
    because of the cap being lifted silently: the rows say capped and uncapped side by side."""
    caps = payload["scenarios"]["pulse_cap"]
    assert {c["workload"] for c in caps} == {"add32", "popcount64"}
    for c in caps:
        assert c["scenario"] == "mature" and c["pulse_cap"] == pytest.approx(1e-8, rel=1e-12)
        assert c["max_gate_error_uncapped"] <= c["max_gate_error_capped"] * (1 + 1e-6)
        assert c["energy_ratio_uncapped"] is not None and c["speedup_uncapped"] > 0
    assert "Pulse-cap sensitivity" in payload["_md"]


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


def test_json_verdict_claims_and_workload_keys(payload):
    """What issue 13 requires of `cramsim report --json`."""
    assert isinstance(payload["verdict"], str) and payload["verdict"]
    keys = {"claim", "wording", "source", "kind", "holds", "why"}
    for c in payload["claims"]:
        assert keys <= set(c)
        assert c["kind"] in ("measured", "simulated", "projected")
        assert c["holds"] in ("yes", "no", "exceeds")
    lv = next(c for c in payload["claims"] if c["claim"] == "lv_energy_2500x")
    assert lv["baseline"] == "near_memory_16nm" and "16nm" in lv["wording"]
    for w in payload["workloads"]:
        assert isinstance(w["gates_meet_target"], bool)
        assert w["parallel_arrays"] >= 1
        assert w["parallel_arrays_source"] in ("die capacity", "power budget")
        items = w["ledger"]["items"]
        assert all(i["category"] for i in items)
        assert {"supply_conversion", "column_drivers", "control"} <= {i["key"] for i in items}
    # the verdict comes first in the report
    md = payload["_md"]
    assert md.index("## Verdict") < md.index("## Status of the physics inputs")


def test_parallelism_follows_the_rule(payload):
    from arrays.energy.system import load_system
    s = load_system()
    for name, d in payload["parallelism"].items():
        p = d["parallelism"]
        by_cap = int(s["die.capacity"]) // (16 * 1024)
        assert p["by_capacity"] == by_cap
        want = min(by_cap, int(s["die.power_budget"] / p["array_power"] * (1 + 1e-9)))
        assert p["count"] == max(1, want)
        w = next(x for x in payload["workloads"] if x["name"] == name)
        assert w["parallel_arrays"] == p["count"]


def test_every_row_pays_the_same_boundary(payload):
    """Memtech logic rows and training rows list the CRAM ledger's boundary items."""
    mt = payload["memtech"]
    cram = {w["name"]: {i["key"]: i["energy"] / w["n_items"] for i in w["ledger"]["items"]
                        if i["category"] in ("data movement", "control")}
            for w in payload["workloads"]}
    for r in mt["logic"]:
        assert r["boundary"] == pytest.approx(cram[r["workload"]], rel=1e-9)
        assert "control" in r["boundary"]
    boundaries = [r["boundary"] for r in mt["training"]]
    assert boundaries and all(b == boundaries[0] for b in boundaries)
