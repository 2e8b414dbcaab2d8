"""Shared test settings: hypothesis profiles and where the red wine data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import autograd

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pytest_configure(config: pytest.Config) -> None:
    """`--hypothesis-profile=ci` (what CI runs) wins; otherwise $HYPOTHESIS_PROFILE, else the quick `dev` one."""
    settings.load_profile(config.getoption("hypothesis_profile", None) or os.environ.get("HYPOTHESIS_PROFILE", "dev"))


REPO = Path(__file__).resolve().parent.parent


def wine_csv_path() -> Path:
    """The red wine quality CSV: $TINYAUTOGRAD_WINE_CSV, else ../shared/data next to the repository."""
    env = os.environ.get("TINYAUTOGRAD_WINE_CSV")
    return Path(env) if env else REPO.parent / "shared" / "data" / "winequality-red.csv"


@pytest.fixture
def wine_csv() -> Path:
    """The wine data file; the test is skipped (with the reason) where it is absent."""
    path = wine_csv_path()
    if not path.is_file():
        pytest.skip(f"the red wine quality data is not at {path} (set TINYAUTOGRAD_WINE_CSV to its path)")
    return path


@pytest.fixture(autouse=True)
def _restore_engine_state():
    """Each test starts with grad mode on, anomaly detection off, float32 default, seed 0."""
    autograd.manual_seed(0)
    yield
    autograd.set_grad_enabled(True)
    autograd.set_detect_anomaly(False)
    autograd.set_default_dtype(autograd.float32)
