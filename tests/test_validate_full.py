"""The full validation suite (``cramsim validate`` without --quick) passes.

Every case compares with an independent reference; the quick mode is exercised case by case in
the other test files, the full mode (tighter statistics, finer steps) here, once. Fixed seeds:
the outcome is deterministic.
"""
import pytest

from validation.registry import run_cases


@pytest.mark.slow
def test_full_validation_suite_passes():
    results = run_cases(quick=False)
    failed = [(r.name, r.value, r.reference, r.tolerance, r.details) for r in results
              if not r.passed]
    assert len(results) >= 30
    assert not failed, failed
