"""The "Try it" page in a real browser: what it shows is what :func:`imnm.classify` says.

Headless Chromium (Debian's, see conftest) loads the built page, the tests set
the findings as a reader does (clicks, and the keyboard alone), and compare the
text on the page with the library's classification.  Every request that would
leave the site is blocked and recorded, and so is every console error.
"""

from __future__ import annotations

import enum
import importlib.util
import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cases as cases_
import strategies
import try_it_pages
from imnm import Biopsy, Classification, Findings, Presence, Serology, classify, serialize
from imnm.classifier import CriteriaStatus

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from conftest import Tab

pytestmark = [pytest.mark.docs_site, pytest.mark.browser, pytest.mark.source_tree]

FIELDS: tuple[attrs.Attribute[Any], ...] = attrs.fields(attrs.resolve_types(Findings))
PAGE = "try-it/"
RESULT = ".imnm-try-it__result"

# What the page shows, read from its DOM as a reader sees it (innerText: only
# what is rendered).  The page's own markers (classes) only say where to look.
_SHOWN = """
(root) => {
  const text = (selector, scope = root) => scope.querySelector(selector).innerText.trim();
  const items = (selector) => [...root.querySelectorAll(selector + " > li")]
    .filter((li) => !li.matches(".imnm-try-it__none"));
  const sources = (li) =>
    [...li.querySelectorAll(".imnm-try-it__sources a")].map((a) => new URL(a.href).hash.slice(1));
  return {
    visible: root.querySelector(".imnm-try-it__result").checkVisibility(),
    summary: text(".imnm-try-it__summary"),
    subtype: text(".imnm-try-it__subtype"),
    criteria: text(".imnm-try-it__criteria"),
    rules: items(".imnm-try-it__rules").map((li) => ({
      title: text(".imnm-try-it__rule-title", li),
      outcome: text(".imnm-try-it__outcome", li),
      detail: text(".imnm-try-it__detail", li),
      sources: sources(li),
    })),
    next_steps: items(".imnm-try-it__next-steps").map((li) => li.innerText.trim()),
    notes: items(".imnm-try-it__notes").map((li) => ({
      text: text(".imnm-try-it__note-text", li),
      sources: sources(li),
    })),
    caveats: items(".imnm-try-it__caveats").map((li) => li.innerText.trim()),
    disclaimer: text(".imnm-try-it__disclaimer"),
    json: root.querySelector(".imnm-try-it__json").textContent,
  };
}
"""


def _words(value: enum.Enum) -> str:
    return str(value.value).replace("_", " ")


def _expected(result: Classification) -> dict[str, Any]:
    """What the page must show for *result*, from the library's objects."""
    return {
        "summary": result.summary,
        "subtype": "none" if result.subtype is None else result.subtype.name,
        "criteria": _words(result.criteria),
        "rules": [
            {
                "title": rule.criterion.title,
                "outcome": _words(rule.outcome),
                "detail": rule.detail,
                "sources": [reference.id for reference in rule.criterion.references],
            }
            for rule in result.explanation
        ],
        "next_steps": list(result.next_steps),
        "notes": [
            {"text": note.text, "sources": [reference.id for reference in note.references]}
            for note in result.notes
        ],
        "caveats": [
            f"{rule.criterion.title}: {rule.criterion.caveat}"
            for rule in result.explanation
            if rule.criterion.caveat is not None
        ],
    }


def _shown(page: Page) -> dict[str, Any]:
    shown: dict[str, Any] = page.locator("[data-imnm-try-it]").evaluate(_SHOWN)
    assert shown.pop("visible") is True
    return shown


def _check_page_shows(page: Page, findings: Findings) -> None:
    shown = _shown(page)
    document = shown.pop("json")
    result = classify(findings)
    # The library's disclaimer where a result carries one; the page's own otherwise.
    disclaimer = shown.pop("disclaimer")
    assert disclaimer == getattr(result, "disclaimer", disclaimer)
    assert "diagnos" in disclaimer
    assert shown == _expected(result), findings
    # "Copy as JSON" gives a findings document that reads back as these findings.
    assert serialize.loads(document, Findings) == findings
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert serialize.loads(json.dumps(query), Findings) == findings


def _open(page: Page, site_url: str, query: str = "") -> None:
    page.goto(site_url + PAGE + query)
    # The script has looked the data up once the result (or a problem) shows.
    shown = f"{RESULT}:not([hidden]), .imnm-try-it__problem:not([hidden])"
    page.locator(shown).first.wait_for(timeout=30_000)


def _click(page: Page, findings: Findings, before: Findings | None = None) -> None:
    """Click the labels of *findings* that differ from *before* (or from what is checked)."""
    for field in FIELDS:
        value = getattr(findings, field.name)
        radio = page.locator(f'input[name="{field.name}"][value="{value.value}"]')
        if value is getattr(before, field.name) if before else radio.is_checked():
            continue
        radio.locator("xpath=..").click()  # the label, as a reader clicks it


def _tap(page: Page, findings: Findings) -> None:
    """Click the radio buttons of *findings* from within the page (fast: one call)."""
    page.evaluate(
        """(values) => { for (const [name, value] of Object.entries(values)) {
             document.querySelector(`input[name="${name}"][value="${value}"]`).click(); } }""",
        {field.name: getattr(findings, field.name).value for field in FIELDS},
    )


def _type(page: Page, findings: Findings, before: Findings) -> None:
    """Change *before* to *findings* with the keyboard alone: arrow keys in each radio group."""
    for field in FIELDS:
        values = list(cast("type[enum.Enum]", field.type))
        current = values.index(getattr(before, field.name))
        target = values.index(getattr(findings, field.name))
        if current == target:
            continue
        page.locator(f'input[name="{field.name}"]:checked').focus()
        key = "ArrowRight" if target > current else "ArrowLeft"
        for _ in range(abs(target - current)):
            page.keyboard.press(key)


def _checked(page: Page) -> Findings:
    """The findings the form shows checked."""
    values: dict[str, str] = page.evaluate(
        "() => Object.fromEntries(new FormData(document.querySelector('.imnm-try-it__form')))"
    )
    return serialize.loads(json.dumps(values), Findings)


def test_page_shows_classify_answer_for_random_findings(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)
    _check_page_shows(page, Findings())
    seen: set[Findings] = set()

    # One page load; each example changes the form from where the last one left it.
    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(findings=strategies.findings, how=st.sampled_from(["mouse", "keyboard"] + 8 * ["tap"]))
    def shows(findings: Findings, how: str) -> None:
        # A tenth by the mouse, a tenth by the keyboard alone, the rest by clicks the
        # page's own script sends (one browser call each, so the test stays quick).
        before = _checked(page)
        if how == "mouse":
            _click(page, findings, before)
        elif how == "keyboard":
            _type(page, findings, before)
        else:
            _tap(page, findings)
        _check_page_shows(page, findings)
        seen.add(findings)

    shows()
    assert len(seen) >= 200
    assert len({classify(findings).summary for findings in seen}) > 5  # varied results
    assert tab.problems == []


def test_keyboard_reaches_every_group_and_button_in_order(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)
    stops = try_it_pages.tab_stops(page, "[data-imnm-try-it]")
    assert stops == [field.name for field in FIELDS] + ["clear", "copy-link", "copy-json"]
    # A radio group changes with the arrow keys; the result follows.
    page.locator('input[name="anti_hmgcr"]:checked').focus()
    page.keyboard.press("ArrowLeft")
    _check_page_shows(page, Findings(anti_hmgcr=Serology.NEGATIVE))
    page.keyboard.press("ArrowLeft")
    _check_page_shows(page, Findings(anti_hmgcr=Serology.POSITIVE))
    # The buttons work from the keyboard too.
    page.get_by_role("button", name="Clear all findings").focus()
    page.keyboard.press("Enter")
    _check_page_shows(page, Findings())
    assert tab.problems == []


def test_a_link_with_findings_opens_with_the_form_filled(site_url: str, tab: Tab) -> None:
    page = tab.page
    cases = [
        cases_.ANTI_HMGCR_ONLY,
        cases_.SERONEGATIVE_NON_NECROTIZING,
        cases_.SERONEGATIVE_MET,
        # Every field away from its default.
        attrs.evolve(
            cases_.ANTI_SRP_MET,
            other_msa=Serology.NEGATIVE,
            statin_exposure=Presence.ABSENT,
            extramuscular_features=Presence.PRESENT,
            muscle_biopsy=Biopsy.NON_NECROTIZING,
        ),
    ]
    for findings in cases:
        query = {f.name: getattr(findings, f.name).value for f in FIELDS}
        _open(page, site_url, "?" + urlencode(query))
        for field in FIELDS:
            checked = page.locator(f'input[name="{field.name}"]:checked')
            assert checked.get_attribute("value") == query[field.name]
        _check_page_shows(page, findings)
        assert page.locator(".imnm-try-it__problem").is_hidden()
    assert classify(cases[-1]).criteria is CriteriaStatus.MET
    assert tab.problems == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?anti_srp=pos", 'anti_srp="pos"'),
        ("?anti_srp=POSITIVE", 'anti_srp="POSITIVE"'),
        ("?anti_srp=", 'anti_srp=""'),
        ("?anti-srp=positive", '"anti-srp" is not a finding'),
        ("?anti_srp=positive&anti_srp=negative", '"anti_srp" is given more than once'),
        ("?kind=findings&anti_srp=positive", '"kind" is not a finding'),
    ],
)
def test_a_malformed_link_shows_a_message_and_an_empty_form(
    site_url: str, tab: Tab, query: str, named: str
) -> None:
    page = tab.page
    _open(page, site_url, query)
    try_it_pages.shows_no_result(page, named)
    problem = page.locator(".imnm-try-it__problem")
    for field in FIELDS:
        checked = page.locator(f'input[name="{field.name}"]:checked')
        assert checked.get_attribute("value") == cast(enum.Enum, field.default).value
    # The reader starts again: the message goes, a result for what they chose comes.
    _click(page, Findings(anti_hmgcr=Serology.POSITIVE))
    assert problem.is_hidden()
    _check_page_shows(page, Findings(anti_hmgcr=Serology.POSITIVE))
    assert tab.problems == []


def test_copy_as_json_gives_a_document_the_command_line_classifies(
    site_url: str, tab: Tab, require: Any
) -> None:
    require(importlib.util.find_spec("click") is not None, "the cli extra is not installed")
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _open(page, site_url)
    findings = cases_.SERONEGATIVE_NON_NECROTIZING
    _click(page, findings)
    document = try_it_pages.copy(page, "Copy as JSON", "the findings as JSON")
    assert serialize.loads(document, Findings) == findings
    output = try_it_pages.imnm("classify", "--json", "-", stdin=document)
    assert serialize.loads(output, Classification) == classify(findings)
    link = try_it_pages.copy(page, "Copy link", "the link")
    assert link == page.url
    assert tab.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_accessibility_violation(
    site_url: str, tab: Tab, scheme: str, width: int
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=cast(Any, scheme))
    # Findings that fill every part of the result: rules of each outcome, notes, caveats.
    findings = attrs.evolve(
        cases_.ANTI_SRP_MET,
        elevated_ck=Presence.ABSENT,
        proximal_weakness=Presence.UNKNOWN,
        statin_exposure=Presence.PRESENT,
        extramuscular_features=Presence.PRESENT,
    )
    query = {f.name: getattr(findings, f.name).value for f in FIELDS}
    _open(page, site_url, "?" + urlencode(query))
    expected_scheme = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected_scheme
    _check_page_shows(page, findings)
    # Nothing scrolls sideways on a narrow screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    report = try_it_pages.axe(page, "[data-imnm-try-it]")
    assert report["violations"] == []
    assert report["passes"] > 10
    assert tab.problems == []
