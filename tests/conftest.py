"""Shared configuration and fixtures of the realpolitik tests.

Hypothesis runs a modest number of examples without deadlines (the first call of a loader reads
a Parquet file) and keeps no example database, so the suite writes nothing into the repository.
Set ``HYPOTHESIS_PROFILE=thorough`` for a longer search.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from realpolitik.units import dyad_years

settings.register_profile(
    "realpolitik",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", parent=settings.get_profile("realpolitik"), max_examples=500
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "realpolitik"))


@pytest.fixture(scope="session")
def universe() -> pd.DataFrame:
    """The full directed dyad-year universe 1816–2024 (built once; do not modify)."""
    return dyad_years()
