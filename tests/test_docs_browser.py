"""The built site works in a real browser, offline.

Serves the built site on 127.0.0.1 and opens it in headless Chromium (Debian's
``chromium``, driven by Playwright; no browser is downloaded).  Every request
that would leave the machine is blocked and recorded, so a page that needs a
CDN fails here as it would on a hospital intranet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from imnm import criteria

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page

    from conftest import Tab

pytestmark = [pytest.mark.docs_site, pytest.mark.browser, pytest.mark.source_tree]


class _Svg(NamedTuple):
    html: str
    scale: float  # the drawn width over the width the SVG itself declares (viewBox)


def _shadow_svgs(page: Page) -> list[_Svg]:
    """The SVGs inside the page's shadow roots, as HTML, with the scale they are drawn at.

    mkdocs-material draws each Mermaid diagram into a closed shadow root, which page
    scripts cannot enter; the DevTools protocol can.
    """
    cdp: CDPSession = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    svgs: list[_Svg] = []

    def walk(node: dict[str, Any], in_shadow: bool) -> None:
        if in_shadow and node.get("localName") == "svg":
            html = cdp.send("DOM.getOuterHTML", {"nodeId": node["nodeId"]})["outerHTML"]
            box = cdp.send("DOM.getBoxModel", {"nodeId": node["nodeId"]})["model"]
            view_box = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', html)
            assert view_box is not None, html[:300]
            svgs.append(_Svg(html, box["width"] / float(view_box[1])))
            return
        for child in node.get("children", []):
            walk(child, in_shadow)
        for shadow in node.get("shadowRoots", []):
            walk(shadow, in_shadow=True)

    walk(root, in_shadow=False)
    return svgs


@pytest.mark.parametrize("width", [1280, 375])
def test_classifier_flowchart_renders_as_svg_without_a_cdn(
    site_url: str, tab: Tab, width: int
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + "concepts/classifier/")
    # Material replaces the <pre class="mermaid"> source only once Mermaid has drawn it.
    page.wait_for_selector("div.mermaid", state="attached", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('pre.mermaid').length === 0")
    svgs = _shadow_svgs(page)
    assert len(svgs) == 2  # the serology rules, then the status
    assert not any("Syntax error" in svg.html for svg in svgs)
    for rule in criteria.SEROLOGY_RULES:
        assert rule.criterion.title in svgs[0].html
    # Readable at normal zoom: drawn at their own size, not shrunk to the page's width
    # (Mermaid's default, which made the labels tiny); a narrow screen scrolls them
    # sideways, within the diagram, not the page.
    assert [round(svg.scale, 2) for svg in svgs] == [1.0, 1.0]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
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
