"""The array layer's commands and their bad-input errors (one line on stderr, exit 2)."""
import json
import subprocess
import sys

import pytest

from arrays.energy.evaluate import make_setup
from arrays.energy.workloads import WORKLOADS, get_workload
from llg.errors import ParameterError
from llg.paths import data_dir


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", *args], capture_output=True,
                          text=True)


def assert_one_line_error(p, *words):
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_array_run_json():
    p = run_cli("array", "run", "--program", "add8", "--rows", "200", "--no-ledger", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["check"]["matches_reference"] is True
    assert d["gates"] == 32 and d["gate_counts"] == {"MAJ3": 8, "NOT": 16, "MAJ5": 8}
    assert d["rows"] == 200 and d["errors"]["on"] is False


def test_gemv_run_refused_by_the_memory_limit():
    """A whole GEMV's simulation above CRAMSIM_MEMORY_LIMIT: one line with the estimate."""
    import os

    env = {**os.environ, "CRAMSIM_MEMORY_LIMIT": "1000000"}
    p = subprocess.run([sys.executable, "-m", "cramsim", "array", "run", "--program",
                        "gemv8_256x256", "--no-ledger"], capture_output=True, text=True,
                       env=env)
    assert_one_line_error(p, "gemv8_256x256", "GiB", "limit")


def test_operand_too_wide_for_the_array():
    assert_one_line_error(run_cli("array", "run", "--program", "mul32", "--cols", "64",
                            "--no-ledger"), "does not exist", "64 columns")
    assert_one_line_error(run_cli("array", "run", "--program", "add99", "--no-ledger"),
                    "add99", "valid range")


def test_unknown_program_and_option_values():
    assert_one_line_error(run_cli("array", "run", "--program", "divide8", "--no-ledger"),
                    "known programs")
    assert_one_line_error(run_cli("array", "run", "--program", "add8", "--errors", "maybe",
                            "--no-ledger"), "--errors")


def test_unknown_workload_lists_known_ones():
    with pytest.raises(ParameterError) as exc:
        get_workload("fft1024")
    for name in WORKLOADS:
        assert name in str(exc.value)
    assert_one_line_error(run_cli("report", "--workload", "fft1024"), "fft1024", "add32",
                    "bnn_digits")


def test_table_for_another_device_is_refused():
    with pytest.raises(ParameterError, match="does not match"):
        make_setup("high-retention", str(data_dir() / "tables" / "default.h5"))


def test_bad_setup_values():
    with pytest.raises(ParameterError, match="target_error"):
        make_setup(target_error=0.9)
    with pytest.raises(ParameterError, match="not found"):
        make_setup(periphery="nowhere")


def test_array_size_without_operating_point_names_rows_and_largest(monkeypatch):
    """A size where circuits has no operating point is an error naming --rows and the
    largest power-of-two size that works (stub cost models: no circuits run)."""
    from arrays import cli
    from arrays.energy import costs as costs_mod
    from arrays.energy.costs import CostModel

    def stub(device, table, rows, target_error, technology, gates):
        m = CostModel("stub", device, "test stub")
        if rows > 32:
            m.infeasible = {"MAJ5": "IR drop starves the far row"}
        else:
            m.gates = {g: object() for g in gates}
        return m

    monkeypatch.setattr(costs_mod, "circuit_costs", stub)
    used = ("MAJ3", "MAJ5", "NOT")
    with pytest.raises(ParameterError) as exc:
        cli._require_operating_points(stub("default", None, 100, 1e-6, None, used), used, 100,
                                      "add8", "default", None, 1e-6)
    msg = str(exc.value)
    assert "--rows = 100" in msg and "--rows 32" in msg and "MAJ5" in msg
    assert "\n" not in msg
    cli._require_operating_points(stub("default", None, 16, 1e-6, None, used), used, 16,
                                  "add8", "default", None, 1e-6)     # works: no error


def test_array_run_defaults_to_the_report_rows():
    from arrays.energy.ledger import load_peripherals
    p = run_cli("array", "run", "--program", "add8", "--no-ledger", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["rows"] == int(load_peripherals()["array.rows"])


@pytest.mark.parametrize("entry,value,word", [("power_budget", 0.0, "power_budget"),
                                              ("capacity", -1.0, "capacity")])
def test_bad_system_card_is_one_line_exit_2(tmp_path, entry, value, word):
    text = (data_dir() / "system" / "cram_die_45nm.toml").read_text()
    import re
    text = re.sub(rf"^{entry} = {{ value = [^,]+,", f"{entry} = {{ value = {value},", text,
                  flags=re.M)
    p = tmp_path / "bad.toml"
    p.write_text(text)
    assert_one_line_error(run_cli("report", "--system", str(p), "--no-scenarios",
                                  "--no-memtech", "--no-crossbar"), word, "valid range")


def test_system_card_without_source_and_unknown_baseline(tmp_path):
    text = (data_dir() / "system" / "cram_die_45nm.toml").read_text()
    import re
    text = re.sub(r'(power_budget = \{ value = [^,]+, unit = "W"), source = "[^"]*"', r"\1",
                  text)
    p = tmp_path / "nosrc.toml"
    p.write_text(text)
    assert_one_line_error(run_cli("report", "--system", str(p), "--no-scenarios"),
                          "power_budget", "source")
    assert_one_line_error(run_cli("report", "--baseline", "cpu_zz9", "--no-scenarios"),
                          "cpu_zz9")
