"""The EULAR/ACR 2017 "Try it" page's data and form, as built: the library's tables, exactly.

``docs/hooks/try_it_iim.py`` exports :func:`imnm.iim.rules_data` (and what
:func:`imnm.iim.assess` says about each value and the calculator's rule) and
checks it at build time; these tests read the asset the built site serves and
check it again, and show that the check fails on data that disagrees.
"""

from __future__ import annotations

import copy
import enum
import json
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

import try_it_pages
from imnm import serialize
from imnm.iim import CUTOFFS, ITEMS, BiopsyFeatures, IIMFindings, assess, rules_data

pytestmark = [pytest.mark.docs_site, pytest.mark.source_tree]


def _asset(site_dir: Path) -> dict[str, Any]:
    import try_it_iim

    data: dict[str, Any] = json.loads((site_dir / try_it_iim.ASSET).read_text(encoding="utf-8"))
    return data


def test_asset_holds_the_library_item_table_cut_offs_and_rule(site_dir: Path) -> None:
    import try_it_iim

    data = _asset(site_dir)
    assert try_it_iim.check_iim(data) == len(ITEMS) + len(CUTOFFS)
    assert data["rules"] == rules_data()
    # The weights and cut-offs the script adds up and compares, spelled out.
    weights = {
        item["id"]: (item["without_biopsy"], item["with_biopsy"]["tenths"])
        for item in data["rules"]["items"]
    }
    assert weights == {
        item.id: (
            None
            if item.tenths_without_biopsy is None
            else {
                "tenths": item.tenths_without_biopsy,
                "score": str(item.weight(with_biopsy=False)),
            },
            item.tenths_with_biopsy,
        )
        for item in ITEMS
    }
    assert [
        (c["category"], c["without_biopsy"]["tenths"], c["with_biopsy"]["tenths"])
        for c in data["rules"]["cutoffs"]
    ] == [(c.category.value, c.tenths_without_biopsy, c.tenths_with_biopsy) for c in CUTOFFS]
    # The document header makes an iim_findings document the library reads.
    document = {**data["findings_document"], "age_at_onset": 40, "biopsy": None}
    assert serialize.loads(json.dumps(document), IIMFindings) == IIMFindings(age_at_onset=40)


def test_asset_says_how_each_value_counts_as_assess_does(site_dir: Path) -> None:
    data = _asset(site_dir)
    for name, values in data["statuses"].items():
        for value, status in values.items():
            in_biopsy = name in attrs.fields_dict(BiopsyFeatures)
            document = {
                **data["findings_document"],
                "biopsy": {name: value} if in_biopsy else None,
                **({} if in_biopsy else {name: value}),
            }
            result = assess(serialize.loads(json.dumps(document), IIMFindings))
            (entry,) = [e for e in result.items if e.item.field == name]
            assert entry.status.value == status


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("rules", "items", 4, "without_biopsy", "tenths"), 20, id="weight"),
        pytest.param(("rules", "items", 4, "without_biopsy", "score"), "2.0", id="weight-text"),
        pytest.param(("rules", "items", 0, "ages"), [18, 41], id="age-band"),
        pytest.param(("rules", "cutoffs", 1, "without_biopsy", "tenths"), 54, id="cut-off"),
        pytest.param(("rules", "cutoffs", 0, "category"), "probable", id="cut-off-category"),
        pytest.param(("rules", "calculator_rule", "skin_items"), [], id="rule-skin"),
        pytest.param(("rules", "calculator_rule", "applies_from"), "probable", id="rule-from"),
        pytest.param(("statuses", "dysphagia", "unknown"), "not_scored", id="status"),
        pytest.param(("categories", "probable", "summary"), "EULAR/ACR 2017: IIM", id="summary"),
        pytest.param(("rule_steps", "needs_biopsy"), "Nothing to do.", id="rule-step"),
    ],
)
def test_check_fails_on_an_asset_that_disagrees_with_the_library(
    site_dir: Path, path: tuple[Any, ...], value: Any
) -> None:
    import try_it_iim

    data = copy.deepcopy(_asset(site_dir))
    _set(data, path, value)
    with pytest.raises(ValueError, match="EULAR/ACR asset"):
        try_it_iim.check_iim(data)


def test_check_fails_on_a_summary_the_script_would_word_differently(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import try_it_iim

    data = _asset(site_dir)
    monkeypatch.setattr(
        try_it_iim, "summary", lambda phrase, low, high, *, with_biopsy: f"{phrase} ({low})"
    )
    with pytest.raises(ValueError, match="summary"):
        try_it_iim.check_iim(data)


def test_form_asks_every_item_with_every_wire_value(site_dir: Path) -> None:
    form = try_it_pages.form((site_dir / "try-it-iim" / "index.html").read_text(encoding="utf-8"))
    clinical = [a for a in attrs.fields(IIMFindings) if a.name not in {"age_at_onset", "biopsy"}]
    features = list(attrs.fields(BiopsyFeatures))
    # In the table's order, the biopsy choice before the biopsy features.
    table = [item.field for item in ITEMS if item.ages is None]
    assert set(table) == {a.name for a in clinical + features}
    in_form = [a.name for a in clinical] + [a.name for a in features]
    assert list(form.radios) == [
        *(name for name in table if name in in_form[: len(clinical)]),
        "biopsy",
        *(name for name in table if name in in_form[len(clinical) :]),
    ]
    for attribute in clinical + features:
        default = cast("enum.Enum", attribute.default)
        assert form.radios[attribute.name] == [member.value for member in type(default)]
        assert form.checked[attribute.name] == default.value
    assert form.radios["biopsy"] == ["no", "yes"]
    assert form.checked["biopsy"] == "no"
    (age,) = form.numbers
    assert (age["name"], age["min"], age["max"]) == ("age_at_onset", "0", "130")
    # Grouped as the table groups its items, in its order.
    assert form.groups == list(dict.fromkeys(item.group.value for item in ITEMS))
    assert [script for script in form.scripts if "try-it" in script] == [
        "../assets/try-it/try-it-common.js",
        "../assets/try-it/try-it-iim.js",
    ]


def test_both_try_it_pages_are_in_the_navigation_and_link_to_each_other(site_dir: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="try-it/"' in home
    assert 'href="try-it-iim/"' in home
    enmc = (site_dir / "try-it" / "index.html").read_text(encoding="utf-8")
    iim_page = (site_dir / "try-it-iim" / "index.html").read_text(encoding="utf-8")
    assert 'href="../try-it-iim/"' in enmc
    assert 'href="../try-it/"' in iim_page
