"""Shared fixtures: the documentation site, built once per test session."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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
