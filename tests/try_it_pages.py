"""What the tests of both "Try it" pages share: reading the built form, running axe-core.

Not a test module: ``tests/test_try_it*.py`` import it (as they import ``cases``).
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[1] / "docs" / "assets" / "vendor" / "axe-core" / "axe.min.js"


class Form(HTMLParser):
    """The inputs, legends, labels, groups and scripts of a "Try it" page's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}
        self.numbers: list[dict[str, str | None]] = []
        self.groups: list[str] = []
        self.legends: list[str] = []
        self.labels: list[str] = []
        self.scripts: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "radio":
            name, value = str(found["name"]), str(found["value"])
            self.radios.setdefault(name, []).append(value)
            if "checked" in found:
                self.checked[name] = value
        if tag == "input" and found.get("type") == "number":
            self.numbers.append(found)
        if tag == "fieldset" and found.get("data-group"):
            self.groups.append(str(found["data-group"]))
        if tag in {"legend", "label"}:
            self._text = []
        if tag == "script" and found.get("src"):
            self.scripts.append(str(found["src"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"legend", "label"} and self._text is not None:
            (self.legends if tag == "legend" else self.labels).append(" ".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data.strip())


def form(page_html: str) -> Form:
    """The form of a built "Try it" page, from its own block on (Material's header has radios)."""
    parsed = Form()
    parsed.feed(page_html[page_html.index('<div class="imnm-try-it"') :])
    return parsed


def axe(page: Page, selector: str) -> dict[str, Any]:
    """Run the vendored axe-core on *selector*: WCAG 2.0/2.1 A and AA, and best practice.

    Returns:
        ``passes`` (how many rules passed) and ``violations`` (id, help, the nodes' HTML).
    """
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    report: dict[str, Any] = page.evaluate(
        """async (selector) => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
          const result = await axe.run(document.querySelector(selector), {
            runOnly: {type: "tag", values: tags},
          });
          return {
            passes: result.passes.length,
            violations: result.violations.map((v) => ({
              id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html),
            })),
          };
        }""",
        selector,
    )
    return report


def copy(page: Page, button: str, what: str) -> str:
    """Click the page's copy *button*, and read the clipboard once the page says it is done.

    The clipboard is written asynchronously: the status line says when.
    """
    from playwright.sync_api import expect

    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_have_text(f"Copied {what}.")
    text: str = page.evaluate("() => navigator.clipboard.readText()")
    return text


def imnm(*args: str, stdin: str) -> str:
    """Run the command line ``imnm ARGS`` on *stdin*; its output (it must succeed)."""
    completed = subprocess.run(
        [sys.executable, "-c", "from imnm.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def shows_no_result(page: Page, named: str) -> None:
    """Check that the page shows a message naming *named* in its alert, and no result."""
    problem = page.locator(".imnm-try-it__problem")
    assert problem.is_visible()
    assert problem.get_attribute("role") == "alert"
    assert named in problem.inner_text()
    assert "no result is shown" in problem.inner_text()
    assert page.locator(".imnm-try-it__result").is_hidden()


def tab_stops(page: Page, selector: str) -> list[str]:
    """Where the Tab key stops inside *selector*, from the page's title on, in order.

    Each stop by its input's name or its button's ``data-action``.
    """
    # A click (not focus(), which a heading does not take) moves where Tab starts from.
    page.locator("h1").first.click()
    stops: list[str] = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused: str | None = page.evaluate(
            "(selector) => { const e = document.activeElement;"
            " return e.closest(selector) ? (e.name || e.dataset.action) : null; }",
            selector,
        )
        if focused is None and stops:
            break
        if focused is not None:
            stops.append(focused)
    return stops
