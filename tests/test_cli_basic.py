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
