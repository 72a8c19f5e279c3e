import json
import subprocess
import sys


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", *args], capture_output=True,
                          text=True)


def test_device_show_json_has_required_keys():
    p = run_cli("device", "show", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    for key in ("delta", "ic0", "jc0", "volume", "r_p", "r_ap", "tau_d", "alpha", "Ms"):
        assert key in data
    assert 60 < data["delta"] < 70


def test_unknown_device_is_exit_2_without_traceback():
    p = run_cli("device", "show", "--device", "nope")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "nope" in p.stderr and "default" in p.stderr


def test_trajectory_json_and_plot(tmp_path):
    png = tmp_path / "m.png"
    p = run_cli("trajectory", "--current", "-6e-5", "--duration", "5e-9", "--seed", "3",
                "--plot", str(png), "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["switched"] is True and 0 < d["switch_time"] < 5e-9
    assert len(d["times"]) == len(d["m"]) and abs(sum(x * x for x in d["m"][-1]) - 1) < 1e-9
    assert png.stat().st_size > 1000


def test_switch_json_accepts_space_separated_currents():
    p = run_cli("switch", "--device", "low-delta-fast", "--current", "-8e-6", "-1.6e-5",
                "--pulse-width", "2e-9", "--trials", "64", "--dt", "2e-12", "--json")
    assert p.returncode == 0, p.stderr
    pts = json.loads(p.stdout)["points"]
    assert [q["current"] for q in pts] == [-8e-6, -1.6e-5]
    for q in pts:
        for key in ("pulse_width", "p_switch", "ci_low", "ci_high", "trials",
                    "mean_switching_time", "write_energy"):
            assert key in q
        assert q["ci_low"] <= q["p_switch"] <= q["ci_high"] and q["trials"] == 64


def test_bad_dt_is_exit_2_naming_the_parameter():
    p = run_cli("trajectory", "--current", "-6e-5", "--duration", "1e-9", "--dt", "1e-10")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "dt = 1e-10 s is too large" in p.stderr
