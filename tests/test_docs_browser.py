"""The built site works in a real browser, offline.

Serves the built site on 127.0.0.1 and opens it in headless Chromium (Debian's
``chromium``, driven by Playwright; no browser is downloaded).  Every request
that would leave the machine is blocked and recorded, so a page that needs a
CDN fails here as it would on a hospital intranet.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import pytest

from imnm import criteria

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page, Route

pytestmark = [pytest.mark.docs_site, pytest.mark.browser, pytest.mark.source_tree]

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


def _shadow_svgs(page: Page) -> list[str]:
    """The SVGs inside the page's shadow roots, as HTML.

    mkdocs-material draws each Mermaid diagram into a closed shadow root, which page
    scripts cannot enter; the DevTools protocol can.
    """
    cdp: CDPSession = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    svgs: list[str] = []

    def walk(node: dict[str, Any], in_shadow: bool) -> None:
        if in_shadow and node.get("localName") == "svg":
            svgs.append(cdp.send("DOM.getOuterHTML", {"nodeId": node["nodeId"]})["outerHTML"])
            return
        for child in node.get("children", []):
            walk(child, in_shadow)
        for shadow in node.get("shadowRoots", []):
            walk(shadow, in_shadow=True)

    walk(root, in_shadow=False)
    return svgs


def test_classifier_flowchart_renders_as_svg_without_a_cdn(site_url: str, tab: Tab) -> None:
    page = tab.page
    page.goto(site_url + "concepts/classifier/")
    # Material replaces the <pre class="mermaid"> source only once Mermaid has drawn it.
    page.wait_for_selector("div.mermaid", state="attached", timeout=30_000)
    assert page.locator("pre.mermaid").count() == 0
    svgs = _shadow_svgs(page)
    assert len(svgs) == 1
    assert "Syntax error" not in svgs[0]
    for rule in criteria.SEROLOGY_RULES:
        assert rule.criterion.title in svgs[0]
    assert tab.problems == []


def test_search_finds_hmgcr(site_url: str, tab: Tab) -> None:
    page = tab.page
    page.goto(site_url + "concepts/classifier/")
    from playwright.sync_api import expect

    search = page.locator("input.md-search__input")
    search.click()
    # The index loads in a web worker; a query typed before it is ready is lost.
    expect(page.locator(".md-search-result__meta")).to_have_text(
        "Type to start searching", timeout=30_000
    )
    # Material searches on key events, which fill() does not send.
    search.press_sequentially("HMGCR")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30_000)
    assert results.count() > 0
    assert "hmgcr" in results.first.inner_text().lower()
    assert tab.problems == []


@pytest.mark.parametrize("width", [1280, 800])
def test_code_ids_in_the_rule_tables_never_wrap_mid_word(
    site_url: str, tab: Tab, width: int
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + "concepts/classifier/")
    # Each code span in a table cell, with the number of lines it takes.
    spans = page.eval_on_selector_all(
        ".md-typeset table td code",
        "codes => codes.map(c => [c.textContent, c.getClientRects().length])",
    )
    ids = {text for text, _ in spans}
    assert {"statin_exposure", "extramuscular_features", "anti-srp-serology"} <= ids
    assert [text for text, lines in spans if lines != 1] == []
    assert tab.problems == []
