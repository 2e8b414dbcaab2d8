"""Shared test settings: hypothesis profiles and where the red wine data lives (data/, in the repository)."""

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


WINE_CSV = REPO / "data" / "winequality-red.csv"  # ships with the repository (data/README.md)


@pytest.fixture
def wine_csv() -> Path:
    """The red wine quality data shipped in data/."""
    return WINE_CSV


@pytest.fixture(autouse=True)
def _restore_engine_state():
    """Each test starts with grad mode on, anomaly detection off, float32 default, seed 0."""
    autograd.manual_seed(0)
    yield
    autograd.set_grad_enabled(True)
    autograd.set_detect_anomaly(False)
    autograd.set_default_dtype(autograd.float32)
