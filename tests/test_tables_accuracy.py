"""The shipped default table: up to date with its config and device file, and its queries
agree with direct computations at off-grid points (the validation cases, quick mode)."""
import h5py
import numpy as np

from llg.paths import data_dir
from llg.tables import load_config, open_table
from validation.cases_tables import (table_mc_vs_fp_consistency, table_query_vs_direct_fp,
                                     table_query_vs_direct_mc)


def test_shipped_table_matches_its_config_and_device_file():
    cfg = load_config("default")
    t = open_table("default")
    assert t.attrs["config_fingerprint"] == cfg.fingerprint(), \
        "data/tables/default.h5 is stale: rebuild it with cramsim table build"
    assert t.attrs["device_sha256"] == cfg.device_sha256
    assert t.shape == cfg.shape and t.dims == cfg.dims
    assert np.all(t.data["trials"] == cfg.trials)
    assert (data_dir() / "tables" / "default.h5").stat().st_size < 5e6  # a few MB at most
    with h5py.File(data_dir() / "tables" / "default.h5", "r") as f:
        assert f.attrs["wer_solver"] == "fokker-planck"


def test_query_matches_direct_monte_carlo_off_grid():
    res = table_query_vs_direct_mc(True, None)
    assert res.passed, res.details


def test_query_matches_direct_fokker_planck_off_grid():
    res = table_query_vs_direct_fp(True, None)
    assert res.passed, res.details


def test_monte_carlo_and_fokker_planck_columns_agree():
    res = table_mc_vs_fp_consistency(True, None)
    assert res.passed, res.details
