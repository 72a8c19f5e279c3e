"""The permanent guard of issue 12: every command, every numeric, file and output option,
driven with bad values, ends with exit status 2 and one stderr line naming the option.

Commands and options are enumerated from the typer app itself, so a new command or option is
covered (or, if it declares no type, flagged) automatically. Every command body is replaced by
a tripwire: bad input must be refused while the command line is parsed (llg/cli_params), so
each example costs milliseconds and no computation ever starts. Run just this guard with
``pytest tests/test_cli_guard.py -q``.
"""
from __future__ import annotations

import functools
import math
import typing
from pathlib import Path

import h5py
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cramsim
from llg import cli_params as cp
from llg.paths import data_dir

#: String options that are names or choices checked in the command body (not numbers, not
#: files); anything else typed str, Path, int or float must declare a cli_params type.
NAME_OPTIONS = {"--initial", "--direction", "--gate", "--program", "--errors", "--workload",
                "--full-scale", "--case", "--quantity", "--scheduler"}
SPECIAL = ["nan", "NaN", "inf", "+inf", "-inf", "0", "-0", "-1", "1e300", "-1e300",
           str(2**64), str(-2**64), "1e-400", "abc", "", " ", "1,5", "0x10", "1e", "--"]


class BodyRan(AssertionError):
    """A command body ran although the command line was invalid."""


def _tripwire(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        raise BodyRan(f"{func.__name__} ran: validation did not happen at parse time")
    return run


def _typer_apps(app):
    yield app
    for group in app.registered_groups:
        yield from _typer_apps(group.typer_instance)


@pytest.fixture(scope="module")
def commands():
    """{command path: click command} with every body replaced by a tripwire."""
    cramsim._register_all()
    saved = []
    for a in _typer_apps(cramsim.app):
        for info in a.registered_commands:
            saved.append((info, info.callback))
            info.callback = _tripwire(info.callback)
    out = {}

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs is None:
            out[tuple(path)] = cmd
            return
        for name, sub in subs.items():
            walk(sub, path + [name])

    cramsim._COMMAND = None  # main() rebuilds its command from the patched callbacks
    walk(cramsim.command(), [])
    yield out
    for info, cb in saved:
        info.callback = cb
    cramsim._COMMAND = None


def _parser(param):
    return getattr(param.type_descriptor.parameter_info, "parser", None)


def _base(annotation):
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (list, typing.Union) or \
            type(annotation).__name__ == "UnionType":
        return _base(args[0]) if args else annotation
    return annotation


def _valid_number(parser) -> str:
    for x in (1e-9, 1e-6, 1e-3, 0.5, 1, 2, 8, 10, 100, parser.lo, parser.hi):
        x = int(x) if parser.integer else x
        if parser.accepts(x):
            return repr(x)
    raise AssertionError(f"no valid value found for {parser.flag}")


def _valid_value(param, tmp: Path) -> str:
    p = _parser(param)
    if isinstance(p, cp.Number):
        return _valid_number(p)
    if isinstance(p, cp.Output):
        return str(tmp / ("out_dir" if p.kind == "dir" else "out" + (p.suffixes or (".x",))[0]))
    if isinstance(p, cp.DataFile):
        return str(data_dir() / "tables" / "default.h5") if p.suffix == ".h5" else "default"
    return "NAND2" if param.opts[0] == "--gate" else "add32"


def _base_argv(cmd, tmp: Path, skip: str) -> list[str]:
    argv = []
    for param in cmd.params:
        if param.required and param.name != skip:
            v = _valid_value(param, tmp)
            argv += [v] if param.param_type_name == "argument" else [f"{param.opts[0]}={v}"]
    return argv


def _options(commands, kind):
    rows = []
    for path, cmd in commands.items():
        for param in cmd.params:
            if isinstance(_parser(param), kind):
                rows.append((path, param.name))
    return rows


def _run(path, cmd, param, value, tmp, capsys):
    argv = list(path) + _base_argv(cmd, tmp, param.name)
    argv += [value] if param.param_type_name == "argument" else [f"{param.opts[0]}={value}"]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        cramsim.main(argv)
    err = capsys.readouterr().err
    return exc.value.code, err, argv


def _assert_clean(code, err, argv, name):
    lines = err.strip().splitlines()
    assert code == 2, f"{argv}: exit {code}, stderr {err!r}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{argv}: {err!r}"
    assert name in lines[0], f"{argv}: the message does not name {name}: {err!r}"
    assert "Traceback" not in err


def _flag(param) -> str:
    return "PATH" if param.param_type_name == "argument" else param.opts[0]


def test_every_option_declares_its_type(commands):
    """Numbers, files and outputs go through llg.cli_params; nothing typed is left bare."""
    bare = []
    for path, cmd in commands.items():
        for param in cmd.params:
            if param.is_flag if hasattr(param, "is_flag") else False:
                continue
            base = _base(param.type_descriptor.annotation)
            parser = _parser(param)
            if base is bool or (param.opts and param.opts[0] in NAME_OPTIONS):
                continue
            if parser is None or (base in (int, float) and not isinstance(parser, cp.Number)):
                bare.append(f"{' '.join(path)} {param.opts[0]}")
            if isinstance(parser, cp.Number):
                assert math.isfinite(parser.lo) and math.isfinite(parser.hi), param.opts
    assert not bare, f"options without a cli_params type: {bare}"


def test_cli_limits_match_the_models(commands):
    """Limits the CLI states without importing the model (start-up time) equal the model's."""
    from arrays.cli import MAX_ROWS
    from circuits.network import MAX_ROWS as NETWORK_ROWS
    from llg.cli import MAX_TRIALS
    from llg.switching import MAX_TRIALS as SOLVER_MAX

    assert MAX_TRIALS == SOLVER_MAX and MAX_ROWS == NETWORK_ROWS
    rows = {path: _parser(p).hi for path, cmd in commands.items() for p in cmd.params
            if p.opts and p.opts[0] == "--rows" and path[0] in ("gate", "array", "report")}
    assert rows and set(rows.values()) == {NETWORK_ROWS}, rows


def _expected_valid(parser, value: str) -> bool:
    """Independent of the parser: is ``value`` a number (an exact integer for an integer
    option) inside the declared range?"""
    import decimal

    try:
        d = decimal.Decimal(value.strip())
    except decimal.InvalidOperation:
        return False
    if not d.is_finite() or (parser.integer and d != d.to_integral_value()):
        return False
    return parser.accepts(int(d) if parser.integer else float(d))


def test_numeric_options_refuse_special_values(commands, tmp_path, capsys):
    for path, name in _options(commands, cp.Number):
        cmd = commands[path]
        param = next(p for p in cmd.params if p.name == name)
        parser = _parser(param)
        for value in SPECIAL:
            if _expected_valid(parser, value):
                assert parser(value) is not None
                continue
            code, err, argv = _run(path, cmd, param, value, tmp_path, capsys)
            _assert_clean(code, err, argv, _flag(param))


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-2**80, max_value=2**80).map(str),
    st.text(alphabet="0123456789.eE+-naifx ", max_size=8),
    st.sampled_from(SPECIAL))


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_numeric_options_property(commands, tmp_path, capsys, data):
    rows = _options(commands, cp.Number)
    path, name = data.draw(st.sampled_from(rows), label="option")
    cmd = commands[path]
    param = next(p for p in cmd.params if p.name == name)
    parser = _parser(param)
    value = data.draw(NUMBERS, label="value")
    try:
        parsed = parser(value)
    except cp.ParameterError as exc:
        assert _flag(param) in str(exc)
        code, err, argv = _run(path, cmd, param, value, tmp_path, capsys)
        _assert_clean(code, err, argv, _flag(param))
        return
    assert parser.accepts(parsed), f"{param.opts[0]} accepted {value!r} -> {parsed!r}"


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    """name -> (toml variant, h5 variant): missing, empty, binary, truncated, wrong type."""
    d = tmp_path_factory.mktemp("bad")
    shipped_toml = (data_dir() / "devices" / "default.toml").read_bytes()
    shipped_h5 = (data_dir() / "tables" / "default.h5").read_bytes()
    foreign = d / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f.create_dataset("x", data=[1.0])
    files = {}
    for ext in (".toml", ".h5"):
        files[("missing", ext)] = d / f"missing{ext}"
        (d / f"empty{ext}").write_bytes(b"")
        files[("empty", ext)] = d / f"empty{ext}"
        (d / f"binary{ext}").write_bytes(bytes(range(256)) * 4)
        files[("binary", ext)] = d / f"binary{ext}"
        (d / f"folder{ext}").mkdir()
        files[("folder", ext)] = d / f"folder{ext}"
    (d / "latin1.toml").write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    files[("not utf-8", ".toml")] = d / "latin1.toml"
    (d / "truncated.toml").write_bytes(shipped_toml[: len(shipped_toml) // 2])
    files[("truncated", ".toml")] = d / "truncated.toml"
    (d / "truncated.h5").write_bytes(shipped_h5[: len(shipped_h5) // 3])
    files[("truncated", ".h5")] = d / "truncated.h5"
    files[("wrong type", ".toml")] = data_dir() / "tables" / "default.h5"
    files[("wrong type", ".h5")] = data_dir() / "devices" / "default.toml"
    files[("foreign hdf5", ".h5")] = foreign
    (d / "wrong_keys.toml").write_text('name = 5\n[table]\ntrials = "many"\n')
    files[("wrong content", ".toml")] = d / "wrong_keys.toml"
    return files


def test_file_options_refuse_bad_files(commands, bad_files, tmp_path, capsys):
    rows = _options(commands, cp.DataFile)
    assert rows
    for path, name in rows:
        cmd = commands[path]
        param = next(p for p in cmd.params if p.name == name)
        ext = _parser(param).suffix
        for (label, e), f in bad_files.items():
            if e != ext:
                continue
            code, err, argv = _run(path, cmd, param, str(f), tmp_path, capsys)
            _assert_clean(code, err, argv, _flag(param))


def test_output_options_refuse_unwritable_targets(commands, tmp_path, capsys):
    regular = tmp_path / "regular_file"
    regular.write_text("x")
    folder = tmp_path / "a_folder.png"
    folder.mkdir()
    for path, name in _options(commands, cp.Output):
        cmd = commands[path]
        param = next(p for p in cmd.params if p.name == name)
        parser = _parser(param)
        targets = [regular / ("x" + (parser.suffixes or ("",))[0])]  # under a regular file
        targets.append(folder if parser.kind == "file" else regular)  # wrong kind
        if parser.suffixes:
            targets.append(tmp_path / "out.wrong_suffix")
        for target in targets:
            code, err, argv = _run(path, cmd, param, str(target), tmp_path, capsys)
            _assert_clean(code, err, argv, _flag(param))
        assert regular.read_text() == "x" and folder.is_dir()  # nothing touched


def test_read_only_folder_is_refused_before_work(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(cp.ParameterError, match="--plot .*not writable"):
            cp.Output("--plot", "file", (".png",))(str(ro / "x.png"))
    finally:
        ro.chmod(0o755)
