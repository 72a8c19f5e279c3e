"""The content-hash disk cache (llg.tables.cache) and the compact table's identity."""
import threading
import time

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

from llg import load_device
from llg.device import device_from_dict
from llg.errors import ParameterError
from llg.tables.cache import DiskCache, cache_dir, code_stamp, content_key
from llg.tables.compact import CompactGrid, compact_key, device_toml

GRID = CompactGrid(50, (1e-9, 1e-8), (0.5, 2.0), 3, 0)


def _writer(calls):
    def build(path):
        calls.append(path)
        time.sleep(0.05)            # long enough for a second caller to arrive
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"switching data " * 100)
    return build


def test_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMSIM_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CRAMSIM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cramsim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "cramsim"
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("CRAMSIM_CACHE_DIR", str(tmp_path / "file"))
    with pytest.raises(ParameterError, match="CRAMSIM_CACHE_DIR") as exc:
        cache_dir()
    assert "\n" not in str(exc.value)


def test_hit_after_miss_and_corrupt_entry_is_rebuilt(tmp_path):
    cache, calls = DiskCache("t", tmp_path, ".bin"), []
    key = content_key("t", {"a": 1.0})
    p, status = cache.get_or_build(key, _writer(calls))
    assert status == "miss" and len(calls) == 1 and p.read_bytes().startswith(b"switching")
    assert cache.get_or_build(key, _writer(calls)) == (p, "hit") and len(calls) == 1
    # truncated entry: detected by its checksum, dropped, rebuilt
    p.write_bytes(p.read_bytes()[:40])
    assert cache.lookup(key) is None
    assert cache.get_or_build(key, _writer(calls))[1] == "miss" and len(calls) == 2
    assert cache.dropped == 1 and cache.lookup(key) == p
    # same size, one byte changed
    data = bytearray(p.read_bytes())
    data[3] ^= 1
    p.write_bytes(bytes(data))
    assert cache.lookup(key) is None
    # an entry without its checksum record (a build killed between the two writes)
    p.with_name(p.name + ".sha256").unlink()
    assert cache.get_or_build(key, _writer(calls))[1] == "miss" and len(calls) == 3


def test_two_workers_on_one_key_build_it_once(tmp_path):
    """flock locks belong to open file descriptions, so two threads contend like two
    processes; the second waits and reads the first one's entry."""
    cache, calls, out = DiskCache("t", tmp_path, ".bin"), [], []
    key = content_key("t", {"a": 2.0})
    go = threading.Barrier(2)

    def worker():
        go.wait()
        out.append(DiskCache("t", tmp_path, ".bin").get_or_build(key, _writer(calls)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert sorted(s for _, s in out) == ["hit", "miss"]
    assert cache.lookup(key) is not None


def test_keys_follow_switching_physics_not_resistance():
    dev = load_device("default")
    k = compact_key(dev, GRID)
    assert len(k) == 64 and k == compact_key(dev, GRID)
    # resistances and names do not change current-driven switching: one entry
    assert compact_key(dev.with_(TMR0=6.0, RA=1e-11, V_half=0.3, name="x"), GRID) == k
    for other in (dev.with_(alpha=0.02), dev.with_(stt_model="tunnel"),
                  dev.with_(temperature=350.0)):
        assert compact_key(other, GRID) != k
    for grid in (CompactGrid(51, GRID.pulse_widths, GRID.current_range, 3),
                 CompactGrid(50, GRID.pulse_widths, GRID.current_range, 3, 1),
                 CompactGrid(50, GRID.pulse_widths, (0.5, 2.5), 3),
                 CompactGrid(50, GRID.pulse_widths, GRID.current_range, 4)):
        assert compact_key(dev, grid) != k
    assert len(code_stamp()) == 64 and code_stamp() == code_stamp()


def test_device_toml_round_trip():
    dev = load_device("default").with_(stt_model="tunnel", applied_field=(1e3, 0.0, -2.5e3),
                                       demag_factors=(0.1, 0.2, 0.7), description='a "q" \\ b')
    assert device_from_dict(tomllib.loads(device_toml(dev))) == dev


def test_compact_table_agrees_with_fokker_planck():
    """The compact MC build, on a device where FP applies, against FP (validation case)."""
    from validation.cases_tables import compact_mc_vs_fp

    res = compact_mc_vs_fp(True, None)
    assert res.passed, res.details
