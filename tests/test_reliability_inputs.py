"""The one input-validation path (issue 12): file reading, output checks, atomic writes with
normal modes, number parsing, memory limits, damaged tables, and the messages of class 6/7."""
import json
import math
import os
import shutil

import h5py
import numpy as np
import pytest

import cramsim
from llg import cli_params as cp
from llg.device import load_device
from llg.errors import ParameterError, check_int, check_memory, check_range
from llg.outputs import atomic_output, check_output, normal_mode, save_figure, write_text_atomic
from llg.paths import data_dir, read_toml


def run_main(argv, capsys):
    capsys.readouterr()
    try:
        cramsim.main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("content, words", [
    (bytes(range(256)), ["binary"]),
    ("name = 'caf\xe9'\n".encode("latin-1"), ["not UTF-8", "byte 11"]),
    (b"name = 'x'\nMs = [1, 2", ["not valid TOML"]),
])
def test_read_toml_turns_undecodable_files_into_one_clean_error(tmp_path, content, words):
    f = tmp_path / "d.toml"
    f.write_bytes(content)
    with pytest.raises(ParameterError) as exc:
        read_toml(f, "device file")
    for w in ["device file", str(f), *words]:
        assert w in str(exc.value)
    with pytest.raises(ParameterError, match="cannot be read"):
        read_toml(tmp_path, "device file")  # a folder


def test_check_output_refuses_what_cannot_be_written(tmp_path):
    regular = tmp_path / "file"
    regular.write_text("x")
    with pytest.raises(ParameterError, match="--plot = .*/file' is a file, not a folder"):
        check_output(regular / "deeper" / "a.png", "--plot")
    with pytest.raises(ParameterError, match="--plot .* existing folder"):
        check_output(tmp_path, "--plot")
    with pytest.raises(ParameterError, match="--out .* exists and is not a folder"):
        check_output(regular, "--out", kind="dir")
    with pytest.raises(ParameterError, match=r"must end in \.png"):
        check_output(tmp_path / "a.jpg", "--plot", suffixes=(".png",))
    # a folder that does not exist yet is fine (created at write time), and nothing is made
    assert check_output(tmp_path / "new" / "a.png", "--plot") == tmp_path / "new" / "a.png"
    assert not (tmp_path / "new").exists()


def test_atomic_writes_get_the_mode_of_a_plain_open_and_never_leave_partial_files(tmp_path):
    old = os.umask(0o022)
    try:
        want = normal_mode()
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
        assert want == (plain.stat().st_mode & 0o777) == 0o644
        md = write_text_atomic(tmp_path / "sub" / "validation.md", "hello\n")
        assert md.read_text() == "hello\n" and md.stat().st_mode & 0o777 == want
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot([0, 1])
        png = save_figure(fig, tmp_path / "f.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_mode & 0o777 == want
        with pytest.raises(RuntimeError):
            with atomic_output(md) as tmp:
                tmp.write_text("half")
                raise RuntimeError("killed mid-write")
        assert md.read_text() == "hello\n"
        assert sorted(p.name for p in md.parent.iterdir()) == ["validation.md"]
    finally:
        os.umask(old)


@pytest.mark.parametrize("text, fragment", [
    ("nan", "not a finite number"), ("inf", "not a finite number"), ("abc", "not a number"),
    ("2", "valid range: 0 < --duration <= 1 s"), ("0", "valid range")])
def test_number_option_messages_name_flag_value_unit_and_range(text, fragment):
    p = cp.Number("--duration", "s", 0.0, 1.0, lo_open=True)
    with pytest.raises(ParameterError) as exc:
        p(text)
    msg = str(exc.value)
    assert msg.startswith("--duration = ") and fragment in msg and "np.float64" not in msg


def test_integer_options_accept_exact_integers_only_and_state_the_range():
    p = cp.Number("--seed", "", 0, cp.MAX_SEED, integer=True)
    assert p("12") == 12 and p("1e3") == 1000 and p("2.0") == 2
    with pytest.raises(ParameterError, match="must be an integer"):
        p("1.5")
    with pytest.raises(ParameterError, match="must be an integer"):
        p("1e-400")  # underflows to 0.0 as a float, but is not an integer
    with pytest.raises(ParameterError) as exc:
        p(str(2**70))
    assert "must be an integer" not in str(exc.value)
    assert f"0 <= --seed <= {2**63 - 1}" in str(exc.value)
    with pytest.raises(ParameterError) as exc:
        check_int("rows", 70000, "", 1, 65536)
    assert "must be an integer" not in str(exc.value) and "1 <= rows <= 65536" in str(exc.value)


def test_check_range_shows_plain_values_for_numpy_scalars():
    with pytest.raises(ParameterError) as exc:
        check_range("current", np.float64("nan"), "A", -1.0, 1.0)
    assert "current = nan A" in str(exc.value) and "np.float64" not in str(exc.value)


def test_memory_estimates_are_refused_with_the_estimate_and_the_limit(monkeypatch, capsys):
    monkeypatch.setenv("CRAMSIM_MEMORY_LIMIT", str(2**30))
    with pytest.raises(ParameterError, match=r"about 2 GiB of memory, more than the limit of "
                                             r"1 GiB; use fewer"):
        check_memory("--cells 5e6", 2 * 2**30, "use fewer --cells")
    code, _, err = run_main(["array", "run", "--program", "add8", "--rows", "65536", "--cols",
                             "1048576", "--no-ledger"], capsys)
    assert code == 2 and "--rows 65536 x --cols 1048576 would need about 16 GiB" in err
    code, _, err = run_main(["wer", "--current", "-6e-5", "--pulse-width", "1e-8", "--cells",
                             "10000000"], capsys)
    assert code == 2 and "--cells = 10000000 would need about" in err


def test_temperature_beyond_the_device_range_names_the_temperature(capsys):
    dev = load_device("default")
    with pytest.raises(ParameterError) as exc:
        dev.at_temperature(1099.0)
    msg = str(exc.value)
    assert msg.startswith("temperature = 1099 K is invalid") and "Ms" in msg
    t_max = float(msg.rsplit("<= ", 1)[1].split()[0])
    dev.at_temperature(t_max)  # the stated limit itself is valid
    assert t_max < 1099.0


def test_a_table_holding_nan_is_refused_not_turned_into_nan_gate_errors(tmp_path, capsys):
    bad = tmp_path / "nan.h5"
    shutil.copy(data_dir() / "tables" / "default.h5", bad)
    with h5py.File(bad, "r+") as f:
        a = f["wer/wer"][()]
        a.flat[7] = np.nan
        f["wer/wer"][...] = a
    code, out, err = run_main(["gate", "--gate", "NAND2", "--table", str(bad), "--json"],
                              capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: --table: table file") and "wer/wer holds 1 value" in err


def test_retention_says_when_neel_brown_does_not_apply(capsys):
    code, out, err = run_main(["retention", "--temperature", "1050", "--json"], capsys)
    assert code == 0
    r = json.loads(out)
    assert r["delta"] < 5 and r["neel_brown_valid"] is False and "retention_time_fp" in r["note"]
    code, out, _ = run_main(["retention", "--json"], capsys)
    assert json.loads(out)["neel_brown_valid"] is True and "note" not in json.loads(out)


def test_trajectory_refuses_an_initial_angle_it_would_ignore(capsys):
    code, _, err = run_main(["trajectory", "--current", "-6e-5", "--duration", "1e-9",
                             "--initial-angle", "0.3"], capsys)
    assert code == 2 and "--initial-angle = 0.3 rad is used only at T = 0" in err
    code, _, err = run_main(["trajectory", "--current", "-6e-5", "--duration", "1e-300"],
                            capsys)
    assert code == 2 and "--duration = 1e-300 s is shorter than one time step" in err


def test_crossbar_device_toml_is_not_opened_as_a_table():
    from arrays.crossbar.analog import _device_table

    with pytest.raises(ParameterError, match="no switching table for device 'my.toml'.*--table"):
        _device_table("my.toml")
    assert _device_table(str(data_dir() / "devices" / "default.toml")).suffix == ".h5"


def test_switching_library_states_a_finite_current_range():
    from llg.switching import switching_probability

    with pytest.raises(ParameterError) as exc:
        switching_probability(load_device("default"), current=math.inf, pulse_width=1e-9,
                              trials=1)
    assert "-1 <= current <= 1 A" in str(exc.value) and "inf <=" not in str(exc.value)
