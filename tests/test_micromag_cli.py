"""``cramsim micromag``: JSON keys as in issue 15's Interface section; bad input exits 2."""
import json
import subprocess
import sys

import pytest


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cramsim", "micromag", *args],
                          capture_output=True, text=True)


def shipped_default_text() -> str:
    from llg.paths import resolve_data_file

    return resolve_data_file("devices", "default", "device").read_text()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The default device shrunk to a 16 nm disk, with A_ex (J/m)."""
    from llg import load_device

    d = load_device("default").to_dict()
    d.update(name="tiny", diameter=16e-9, A_ex=2e-11)
    path = tmp_path_factory.mktemp("dev") / "tiny.toml"
    lines = [f"{k} = {json.dumps(v)}" for k, v in d.items()]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_barrier_json_keys(tiny):
    p = run_cli("barrier", "--device", tiny, "--cell", "2e-9", "--images", "8", "--json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    for key in ("delta_macrospin", "delta_micromagnetic", "mechanism", "saddle_energy",
                "path", "cell", "images"):
        assert key in r
    assert set(r["path"][0]) == {"s", "energy"} and len(r["path"]) == 8
    assert r["mechanism"] == "coherent" and r["cell"] == 2e-9 and r["images"] == 8
    # the 16 nm disk's barrier is the macrospin one on its 8 x 8 staircase (2 %)
    assert abs(r["delta_micromagnetic"] / r["delta_macrospin_grid"] - 1) < 0.02


def test_trajectory_json(tiny):
    p = run_cli("trajectory", "--device", tiny, "--current", "-1e-4", "--duration", "2e-11",
                "--cell", "4e-9", "--json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert {"times", "m", "switch_time", "switched", "grid", "cell"} <= set(r)
    assert len(r["times"]) == len(r["m"]) and r["grid"] == [4, 4, 1]


@pytest.mark.parametrize("args, fragment", [
    (("barrier", "--device", "NO_AEX"), "A_ex is missing"),
    (("barrier", "--device", "high-retention", "--cell", "9e-9"), "exchange length"),
    (("barrier", "--device", "high-retention", "--cell", "1e-10"), "GiB"),
    (("sp4", "--field", "3"), "field = 3"),
])
def test_bad_input_is_one_line_exit_2(args, fragment, tmp_path):
    # a device file without the optional exchange stiffness (the shipped ones all carry it)
    no_aex = tmp_path / "no_aex.toml"
    no_aex.write_text("".join(line for line in shipped_default_text().splitlines(True)
                              if not line.startswith("A_ex")))
    p = run_cli(*(str(no_aex) if a == "NO_AEX" else a for a in args))
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert fragment in p.stderr
    assert len([ln for ln in p.stderr.splitlines() if ln.startswith("error:")]) == 1
