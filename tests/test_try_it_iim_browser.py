"""The EULAR/ACR 2017 "Try it" page in a browser: it shows what :func:`imnm.iim.assess` says.

Headless Chromium (Debian's, see conftest) loads the built page.  The page's
script is compared with the library twice: directly (its scoring function on
every findings without biopsy data at one age of each age band, and on a
random sample with biopsy data), and through the form as a reader uses it
(random findings, and findings just below, at and just above each cut-off).
Every request that would leave the site is blocked and recorded, and so is
every console error.
"""

from __future__ import annotations

import enum
import importlib.util
import itertools
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import strategies
import try_it_pages
from imnm import Presence, Serology, serialize
from imnm.iim import (
    AGE_LIMIT,
    CUTOFFS,
    ITEMS,
    BiopsyFeatures,
    IIMAssessment,
    IIMCategory,
    IIMFindings,
    ItemGroup,
    assess,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from conftest import Tab

pytestmark = [pytest.mark.docs_site, pytest.mark.browser, pytest.mark.source_tree]

PAGE = "try-it-iim/"
WIDGET = "[data-imnm-try-it-iim]"
RESULT = ".imnm-try-it__result"
CLINICAL = tuple(
    a.name for a in attrs.fields(IIMFindings) if a.name not in {"age_at_onset", "biopsy"}
)
FEATURES = tuple(a.name for a in attrs.fields(BiopsyFeatures))
# The form asks in the table's order (anti-Jo-1 before the muscle enzymes).
ASKED = tuple(
    dict.fromkeys(
        item.field
        for item in ITEMS
        if item.ages is None and item.group is not ItemGroup.MUSCLE_BIOPSY
    )
)
SKIN = tuple(item.field for item in ITEMS if item.group is ItemGroup.SKIN)

# What the page shows, read from its DOM as a reader sees it (innerText: only
# what is rendered).  The page's own markers (classes) only say where to look.
_SHOWN = """
(root) => {
  const text = (selector, scope = root) => scope.querySelector(selector).innerText.trim();
  const items = (selector) => [...root.querySelectorAll(selector + " > li")]
    .filter((li) => !li.matches(".imnm-try-it__none"));
  return {
    visible: root.querySelector(".imnm-try-it__result").checkVisibility(),
    summary: text(".imnm-try-it__summary"),
    score: text(".imnm-try-it__score"),
    category: root.querySelector(".imnm-try-it__category").dataset.category,
    current: items(".imnm-try-it__cutoffs")
      .filter((li) => li.getAttribute("aria-current") === "true")
      .map((li) => li.dataset.category),
    items: items(".imnm-try-it__items").map((li) => ({
      id: li.dataset.item,
      label: text(".imnm-try-it__item-label", li),
      weight: text(".imnm-try-it__item-weight", li),
      status: text(".imnm-try-it__outcome", li),
      source: text(".imnm-try-it__sources", li),
    })),
    next_steps: items(".imnm-try-it__next-steps").map((li) => li.innerText.trim()),
    notes: items(".imnm-try-it__notes").map((li) => text(".imnm-try-it__note-text", li)),
    caveats: items(".imnm-try-it__caveats").map((li) => li.innerText.trim()),
    disclaimer: text(".imnm-try-it__disclaimer"),
    json: root.querySelector(".imnm-try-it__json").textContent,
  };
}
"""

# Set the form from within the page (one browser call): the age, then every radio group.
_TAP = """
([age, values]) => {
  const input = document.querySelector('input[name="age_at_onset"]');
  input.value = age;
  input.dispatchEvent(new Event("input", {bubbles: true}));
  for (const [name, value] of values) {
    document.querySelector(`input[name="${name}"][value="${value}"]`).click();
  }
}
"""


def _deciding(result: IIMAssessment) -> int:
    """How many of *result*'s next steps name an unknown item that could move the category."""
    return sum(": unknown. If " in step for step in result.next_steps)


def _score(result: IIMAssessment) -> str:
    if result.score_low == result.score_high:
        return str(result.score_low)
    return f"{result.score_low} to {result.score_high}"


def _text(text: str) -> str:
    """*text* as a browser renders it: each run of white space one space."""
    return " ".join(text.split())


def _expected(result: IIMAssessment) -> dict[str, Any]:
    """What the page must show for *result*, from the library's objects."""
    column = "with" if result.with_biopsy else "without"
    caveats: list[str] = []
    for entry in result.items:
        if entry.item.caveat is not None and entry.item.caveat not in caveats:
            caveats.append(entry.item.caveat)
    caveats += [note.caveat for note in result.notes if note.caveat is not None]
    return {
        "summary": result.summary,
        "score": f"{_score(result)} ({column} biopsy data)",
        "category": result.category.value,
        "current": [result.category.value] if result.category.value != "insufficient_data" else [],
        "items": [
            {
                "id": entry.item.id,
                "label": entry.item.label,
                "weight": str(entry.weight),
                "status": entry.status.value.replace("_", " "),
                "source": f"Source: {entry.item.source}",
            }
            for entry in result.items
        ],
        # Every next step, in the library's words and order: the calculator's rule, then
        # each unknown item that could move the category and to what.
        "next_steps": [_text(step) for step in result.next_steps],
        "notes": [_text(note.text) for note in result.notes],
        "caveats": [_text(caveat) for caveat in caveats],
    }


def _radios(findings: IIMFindings) -> list[tuple[str, str]]:
    """The radio groups' values for *findings*, the biopsy choice before its features."""
    values = [(name, getattr(findings, name).value) for name in CLINICAL]
    values.append(("biopsy", "no" if findings.biopsy is None else "yes"))
    if findings.biopsy is not None:
        values += [(name, getattr(findings.biopsy, name).value) for name in FEATURES]
    return values


def _age(findings: IIMFindings) -> str:
    return "" if findings.age_at_onset is None else str(findings.age_at_onset)


def _query(findings: IIMFindings) -> str:
    pairs = [("age_at_onset", _age(findings))] if findings.age_at_onset is not None else []
    return "?" + urlencode(pairs + _radios(findings))


def _from_query(url: str) -> IIMFindings:
    """The findings a page address holds (its parameters, as the page writes them)."""
    query = dict(parse_qsl(urlsplit(url).query))
    age = query.pop("age_at_onset", None)
    biopsy = query.pop("biopsy", "no") == "yes"
    features = {name: query.pop(name) for name in FEATURES if name in query}
    document = {
        **query,
        "age_at_onset": None if age is None else int(age),
        "biopsy": features if biopsy else None,
    }
    return serialize.loads(json.dumps(document), IIMFindings)


def _check_page_shows(page: Page, findings: IIMFindings) -> None:
    shown: dict[str, Any] = page.locator(WIDGET).evaluate(_SHOWN)
    assert shown.pop("visible") is True
    document = shown.pop("json")
    disclaimer = shown.pop("disclaimer")
    result = assess(findings)
    assert shown == _expected(result), findings
    assert disclaimer == result.disclaimer
    assert "not a diagnosis" in disclaimer
    # "Copy as JSON" gives an iim_findings document that reads back as these findings.
    assert serialize.loads(document, IIMFindings) == findings
    assert _from_query(page.url) == findings


def _open(page: Page, site_url: str, query: str = "") -> None:
    page.goto(site_url + PAGE + query)
    shown = f"{RESULT}:not([hidden]), .imnm-try-it__problem:not([hidden])"
    page.locator(shown).first.wait_for(timeout=30_000)


def _tap(page: Page, findings: IIMFindings) -> None:
    page.evaluate(_TAP, [_age(findings), _radios(findings)])


def _click(page: Page, findings: IIMFindings) -> None:
    """Set *findings* as a reader does: type the age, click the labels."""
    age = page.locator('input[name="age_at_onset"]')
    age.fill(_age(findings))
    for name, value in _radios(findings):
        radio = page.locator(f'input[name="{name}"][value="{value}"]')
        if not radio.is_checked():
            radio.locator("xpath=..").click()  # the label, as a reader clicks it


# --- the script's scoring, directly -----------------------------------------------

_ASSESS_MANY = """
(states) => {
  const root = document.querySelector("[data-imnm-try-it-iim]");
  return states.map(([age, values, biopsy, features]) => {
    const found = root.imnmAssess({age: age, values: values, biopsy: biopsy, features: features});
    return [found.low, found.high, found.category,
            found.items.map((item) => item.id + ":" + item.status).join(","),
            found.steps.join("|")].join(";");
  });
}
"""


def _state(findings: IIMFindings) -> list[Any]:
    biopsy = findings.biopsy or BiopsyFeatures()
    return [
        findings.age_at_onset,
        {name: getattr(findings, name).value for name in CLINICAL},
        findings.biopsy is not None,
        {name: getattr(biopsy, name).value for name in FEATURES},
    ]


def _key(result: IIMAssessment) -> str:
    tenths = [int(score * 10) for score in (result.score_low, result.score_high)]
    items = ",".join(f"{entry.item.id}:{entry.status.value}" for entry in result.items)
    steps = "|".join(result.next_steps)
    return f"{tenths[0]};{tenths[1]};{result.category.value};{items};{steps}"


def _members(attribute: attrs.Attribute[Any]) -> list[Any]:
    return list(cast("type[enum.Enum]", type(attribute.default)))


def _random_findings(chooser: random.Random, *, with_biopsy: bool) -> IIMFindings:
    """Findings with every value drawn alike; the age at a band's edge or anywhere."""
    clinical = attrs.fields_dict(IIMFindings)
    features = attrs.fields_dict(BiopsyFeatures)
    edges = [None, 0, 17, 18, 39, 40, AGE_LIMIT]
    biopsy = BiopsyFeatures(**{n: chooser.choice(_members(features[n])) for n in FEATURES})
    return IIMFindings(
        age_at_onset=chooser.choice([*edges, chooser.randint(0, AGE_LIMIT)]),
        biopsy=biopsy if with_biopsy else None,
        **{name: chooser.choice(_members(clinical[name])) for name in CLINICAL},
    )


def _compare(page: Page, many: list[IIMFindings]) -> None:
    for start in range(0, len(many), 20_000):
        chunk = many[start : start + 20_000]
        found = page.evaluate(_ASSESS_MANY, [_state(findings) for findings in chunk])
        for findings, key in zip(chunk, found, strict=True):
            assert key == _key(assess(findings)), findings


def test_script_agrees_with_assess_everywhere_without_biopsy_and_on_a_sample_with(
    site_url: str, tab: Tab
) -> None:
    """Score, category, statuses and every next step, in the library's words and order."""
    page = tab.page
    _open(page, site_url)
    fields = attrs.fields_dict(IIMFindings)
    domains = [_members(fields[name]) for name in CLINICAL]
    # One age of each band (and either side of the first edge), unknown included.
    everything = [
        IIMFindings(age_at_onset=age, **dict(zip(CLINICAL, values, strict=True)))
        for age in (None, 17, 18, 40)
        for values in itertools.product(*domains)
    ]
    assert len(everything) == 4 * 3 ** len(CLINICAL)
    _compare(page, everything)
    # A seeded random sample, with biopsy data and without, ages at every edge and anywhere.
    chooser = random.Random(2017)
    sample = [_random_findings(chooser, with_biopsy=index % 5 != 0) for index in range(6_000)]
    _compare(page, sample)
    categories = {assess(findings).category for findings in everything + sample}
    assert len(categories) == 5  # every category, insufficient data included
    # The deciding items' steps were compared often, in both columns, and in numbers.
    assert sum(_deciding(assess(findings)) > 0 for findings in everything) >= 10_000
    for with_biopsy in (False, True):
        named = [
            findings
            for findings in sample
            if (findings.biopsy is not None) is with_biopsy and _deciding(assess(findings))
        ]
        assert len(named) >= 200
        assert max(_deciding(assess(findings)) for findings in named) >= 3
    assert tab.problems == []


# --- the form, as a reader uses it ---------------------------------------------


def test_page_shows_assess_answer_for_random_findings(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)
    _check_page_shows(page, IIMFindings())
    seen: set[IIMFindings] = set()

    # Every category among the examples, whatever the random draw: a possible and a probable
    # one given outright (the others come often).
    absent: dict[str, Any] = {
        name: Serology.NEGATIVE if name == "anti_jo1" else Presence.ABSENT for name in CLINICAL
    }
    possible = IIMFindings(age_at_onset=45, **{**absent, "gottron_sign": Presence.PRESENT})
    probable = IIMFindings(
        age_at_onset=45,
        **{
            **absent,
            "proximal_upper_weakness": Presence.PRESENT,
            "heliotrope_rash": Presence.PRESENT,
            "elevated_muscle_enzymes": Presence.PRESENT,
        },
    )

    @settings(max_examples=260, deadline=None, derandomize=True, database=None)
    @given(findings=strategies.iim_findings, how=st.sampled_from(["mouse"] + 9 * ["tap"]))
    @example(findings=possible, how="tap")
    @example(findings=probable, how="mouse")
    def shows(findings: IIMFindings, how: str) -> None:
        if how == "mouse":
            _click(page, findings)
        else:
            _tap(page, findings)
        _check_page_shows(page, findings)
        seen.add(findings)

    shows()
    assert len(seen) >= 200
    assert {assess(possible).category, assess(probable).category} == {
        IIMCategory.POSSIBLE,
        IIMCategory.PROBABLE,
    }
    assert len({assess(findings).category for findings in seen}) >= 4  # varied results
    assert tab.problems == []


def test_page_shows_the_library_next_steps_for_unknown_items(site_url: str, tab: Tab) -> None:
    """Through the form: findings whose next steps name unknown items, with and without biopsy."""
    page = tab.page
    _open(page, site_url)
    chooser = random.Random(16)
    cases: list[IIMFindings] = []
    while len(cases) < 30:
        findings = _random_findings(chooser, with_biopsy=len(cases) % 2 == 1)
        if _deciding(assess(findings)) and findings not in cases:
            cases.append(findings)
    assert max(_deciding(assess(findings)) for findings in cases) >= 2
    for index, findings in enumerate(cases):
        if index % 6 == 0:
            _click(page, findings)
        else:
            _tap(page, findings)
        _check_page_shows(page, findings)
    assert tab.problems == []


def _complete(with_biopsy: bool) -> dict[int, list[IIMFindings]]:
    """Complete findings (nothing unknown) by their score in tenths, from the table's weights."""
    by_score: dict[int, list[IIMFindings]] = {}
    names = CLINICAL + (FEATURES if with_biopsy else ())
    for age, *present in itertools.product((10, 30, 50), *([False, True] for _ in names)):
        chosen = dict(zip(names, present, strict=True))
        values: dict[str, Any] = {
            name: (Serology.POSITIVE if chosen[name] else Serology.NEGATIVE)
            if name == "anti_jo1"
            else (Presence.PRESENT if chosen[name] else Presence.ABSENT)
            for name in CLINICAL
        }
        biopsy = (
            BiopsyFeatures(
                **{n: Presence.PRESENT if chosen[n] else Presence.ABSENT for n in FEATURES}
            )
            if with_biopsy
            else None
        )
        findings = IIMFindings(age_at_onset=age, biopsy=biopsy, **values)
        tenths = sum(
            item.tenths(with_biopsy=with_biopsy) or 0
            for item in ITEMS
            if (item.ages is not None and item.ages[0] <= age < (item.ages[1] or AGE_LIMIT + 1))
            or (item.ages is None and chosen.get(item.field, False))
        )
        by_score.setdefault(tenths, []).append(findings)
    return by_score


def _boundary_cases() -> list[IIMFindings]:
    """For each cut-off of each column: findings just below, at and just above it.

    Each with a skin item present and without one (the calculator's rule), and
    with biopsy data, with a biopsy feature present and without one.
    """
    cases: list[IIMFindings] = []
    for with_biopsy in (False, True):
        by_score = _complete(with_biopsy)
        for cutoff in CUTOFFS:
            line = cutoff.tenths(with_biopsy=with_biopsy)
            below = max(score for score in by_score if score < line)
            above = min(score for score in by_score if score > line)
            # Reachable to the tenth on both sides.
            assert below == line - 1
            assert above == line + 1
            for score in (below, line, above):
                kinds: set[tuple[bool, bool]] = set()
                for findings in by_score[score]:
                    skin = any(getattr(findings, name) is Presence.PRESENT for name in SKIN)
                    feature = findings.biopsy is not None and Presence.PRESENT in attrs.astuple(
                        findings.biopsy
                    )
                    if (skin, feature) not in kinds:
                        kinds.add((skin, feature))
                        cases.append(findings)
                assert len(kinds) == (4 if with_biopsy else 2), (score, kinds)
    return cases


def test_page_shows_assess_answer_just_below_at_and_above_every_cut_off(
    site_url: str, tab: Tab
) -> None:
    page = tab.page
    _open(page, site_url)
    cases = _boundary_cases()
    # 5.3/5.5/7.5 without and 6.5/6.7/8.7 with biopsy data, each -0.1, 0, +0.1.
    lines = {str(c.score(with_biopsy=b)) for c in CUTOFFS for b in (False, True)}
    assert lines == {"5.3", "5.5", "7.5", "6.5", "6.7", "8.7"}
    scores = {(f.biopsy is not None, assess(f).score_low) for f in cases}
    for cutoff in CUTOFFS:
        for with_biopsy in (False, True):
            line = cutoff.score(with_biopsy=with_biopsy)
            for step in (Decimal("-0.1"), Decimal("0.0"), Decimal("0.1")):
                assert (with_biopsy, line + step) in scores
    for findings in cases:
        _tap(page, findings)
        _check_page_shows(page, findings)
    # Unknown items at the same places: a range, and a category only where it is decided.
    for findings in cases[:: max(1, len(cases) // 12)]:
        unknown = attrs.evolve(findings, dysphagia=Presence.UNKNOWN, anti_jo1=Serology.NOT_TESTED)
        _tap(page, unknown)
        _check_page_shows(page, unknown)
    assert len({assess(f).category for f in cases}) == 5
    assert tab.problems == []


def test_unknown_items_give_a_score_range(site_url: str, tab: Tab) -> None:
    page = tab.page
    cases = [
        IIMFindings(),
        IIMFindings(biopsy=BiopsyFeatures()),
        IIMFindings(age_at_onset=30, gottron_sign=Presence.PRESENT),
        IIMFindings(age_at_onset=50, anti_jo1=Serology.POSITIVE, heliotrope_rash=Presence.PRESENT),
    ]
    for findings in cases:
        _open(page, site_url, _query(findings))
        _check_page_shows(page, findings)
        result = assess(findings)
        if result.score_low != result.score_high:
            assert " to " in page.locator(".imnm-try-it__score").inner_text()
    assert tab.problems == []


def test_a_link_with_findings_opens_with_the_form_filled(site_url: str, tab: Tab) -> None:
    page = tab.page
    everything_known = IIMFindings(
        age_at_onset=AGE_LIMIT,
        biopsy=BiopsyFeatures(
            endomysial_infiltrate=Presence.ABSENT,
            perimysial_infiltrate=Presence.PRESENT,
            perifascicular_atrophy=Presence.ABSENT,
            rimmed_vacuoles=Presence.ABSENT,
        ),
        **{name: Presence.ABSENT for name in CLINICAL if name != "anti_jo1"},
        anti_jo1=Serology.NEGATIVE,
    )
    for findings in (everything_known, IIMFindings(age_at_onset=0, dysphagia=Presence.PRESENT)):
        _open(page, site_url, _query(findings))
        assert page.locator('input[name="age_at_onset"]').input_value() == _age(findings)
        for name, value in _radios(findings):
            checked = page.locator(f'input[name="{name}"]:checked')
            assert checked.get_attribute("value") == value
        assert page.locator(".imnm-try-it__problem").is_hidden()
        _check_page_shows(page, findings)
    assert tab.problems == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?age_at_onset=abc", 'age_at_onset="abc"'),
        ("?age_at_onset=131", 'age_at_onset="131"'),
        ("?age_at_onset=-1", 'age_at_onset="-1"'),
        ("?age_at_onset=40.5", 'age_at_onset="40.5"'),
        ("?dysphagia=yes", 'dysphagia="yes"'),
        ("?anti_jo1=present", 'anti_jo1="present"'),
        ("?biopsy=true", 'biopsy="true"'),
        ("?rimmed_vacuoles=present", '"rimmed_vacuoles" is a biopsy feature'),
        ("?anti-jo1=positive", '"anti-jo1" is not a finding'),
        ("?dysphagia=present&dysphagia=absent", '"dysphagia" is given more than once'),
        ("?kind=iim_findings", '"kind" is not a finding'),
    ],
)
def test_a_malformed_link_shows_a_message_and_an_empty_form(
    site_url: str, tab: Tab, query: str, named: str
) -> None:
    page = tab.page
    _open(page, site_url, query)
    try_it_pages.shows_no_result(page, named)
    problem = page.locator(".imnm-try-it__problem")
    assert page.locator('input[name="age_at_onset"]').input_value() == ""
    # Each item's weight (without biopsy data) still shows beside it.
    for item in ITEMS:
        weight = page.locator(f'.imnm-try-it__weight[data-item="{item.id}"]').inner_text()
        tenths = item.weight(with_biopsy=False)
        assert weight == ("" if tenths is None else f"(+{tenths})")
    for name, value in _radios(IIMFindings()):
        assert page.locator(f'input[name="{name}"]:checked').get_attribute("value") == value
    # The reader starts again: the message goes, a result for what they chose comes.
    findings = IIMFindings(age_at_onset=45, anti_jo1=Serology.POSITIVE)
    _click(page, findings)
    assert problem.is_hidden()
    _check_page_shows(page, findings)
    assert tab.problems == []


def test_an_age_the_page_cannot_read_shows_a_message_not_a_result(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)
    age = page.locator('input[name="age_at_onset"]')
    for typed in ("131", "40.5", "-2"):
        age.fill(typed)
        try_it_pages.shows_no_result(page, f'age_at_onset="{typed}"')
    age.fill("40")
    _check_page_shows(page, IIMFindings(age_at_onset=40))
    assert tab.problems == []


def test_copy_as_json_gives_a_document_imnm_assess_reads(
    site_url: str, tab: Tab, require: Any
) -> None:
    require(importlib.util.find_spec("click") is not None, "the cli extra is not installed")
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _open(page, site_url)
    for findings in (
        IIMFindings(
            age_at_onset=52, neck_flexors_weaker=Presence.PRESENT, gottron_sign=Presence.ABSENT
        ),
        IIMFindings(
            age_at_onset=30,
            heliotrope_rash=Presence.PRESENT,
            biopsy=BiopsyFeatures(perifascicular_atrophy=Presence.PRESENT),
        ),
    ):
        _click(page, findings)
        document = try_it_pages.copy(page, "Copy as JSON", "the findings as JSON")
        assert json.loads(document)["kind"] == "iim_findings"
        assert serialize.loads(document, IIMFindings) == findings
        output = try_it_pages.imnm("assess", "--json", "-", stdin=document)
        assert serialize.loads(output, IIMAssessment) == assess(findings)
    assert try_it_pages.copy(page, "Copy link", "the link") == page.url
    assert tab.problems == []


def test_keyboard_reaches_every_question_and_button_in_order(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)

    def stops() -> list[str]:
        return try_it_pages.tab_stops(page, WIDGET)

    buttons = ["clear", "copy-link", "copy-json"]
    assert set(ASKED) == set(CLINICAL)
    # Without biopsy data, its features are disabled and out of the way.
    assert stops() == ["age_at_onset", *ASKED, "biopsy", *buttons]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back on the biopsy choice
    page.keyboard.press("ArrowRight")
    _check_page_shows(page, IIMFindings(biopsy=BiopsyFeatures()))
    assert stops() == ["age_at_onset", *ASKED, "biopsy", *FEATURES, *buttons]
    # The age by typing, a radio group by the arrow keys; the result follows.
    page.locator('input[name="age_at_onset"]').focus()
    page.keyboard.type("41")
    page.locator('input[name="anti_jo1"]:checked').focus()
    page.keyboard.press("ArrowLeft")  # not tested -> negative
    expected = IIMFindings(age_at_onset=41, anti_jo1=Serology.NEGATIVE, biopsy=BiopsyFeatures())
    _check_page_shows(page, expected)
    page.get_by_role("button", name="Clear all findings").focus()
    page.keyboard.press("Enter")
    _check_page_shows(page, IIMFindings())
    assert tab.problems == []


def test_the_two_try_it_pages_link_to_each_other(site_url: str, tab: Tab) -> None:
    page = tab.page
    _open(page, site_url)
    page.get_by_role("link", name="their own page").click()
    page.locator(".imnm-try-it__result:not([hidden])").wait_for()
    assert urlsplit(page.url).path.endswith("/try-it/")
    page.get_by_role("link", name="their own page").click()
    page.locator(f"{WIDGET} {RESULT}:not([hidden])").wait_for()
    assert urlsplit(page.url).path.endswith("/" + PAGE)
    assert tab.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_accessibility_violation(
    site_url: str, tab: Tab, scheme: str, width: int, tmp_path: Path
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    # Findings that fill every part of the result: scored, unscored and unknown items,
    # a score range, the calculator's rule among the next steps.
    findings = IIMFindings(
        age_at_onset=45,
        proximal_upper_weakness=Presence.PRESENT,
        proximal_lower_weakness=Presence.PRESENT,
        neck_flexors_weaker=Presence.PRESENT,
        heliotrope_rash=Presence.ABSENT,
        gottron_papules=Presence.ABSENT,
        anti_jo1=Serology.NEGATIVE,
        elevated_muscle_enzymes=Presence.PRESENT,
    )
    _open(page, site_url, _query(findings))
    expected_scheme = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected_scheme
    _check_page_shows(page, findings)
    # The calculator's rule, and each unknown item that could move the category.
    steps = page.locator(".imnm-try-it__next-steps > .imnm-try-it__next-step").count()
    assert steps == len(assess(findings).next_steps) == 1 + _deciding(assess(findings))
    assert steps > 1
    # Nothing scrolls sideways on a narrow screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"try-it-iim-{width}-{scheme}.png"), full_page=True)
    report = try_it_pages.axe(page, WIDGET)
    assert report["violations"] == []
    assert report["passes"] > 10
    assert tab.problems == []
