"""The "Try it" page for the EULAR/ACR 2017 criteria: the library's tables, exported and checked.

The page's script (``docs/assets/try-it/try-it-iim.js``) adds up the weights
of the items and reads the category off the cut-offs, applying the official
calculator's rule, all from one data asset that :func:`iim_data` makes at
build time from :func:`imnm.iim.rules_data` and from :func:`imnm.iim.assess`
itself (how each value of a finding counts, the summary's wording, the rule's
next steps).  :func:`check_iim` proves that the asset holds exactly the
library's item table, cut-offs and calculator rule (as ``rules_data`` gives
them and as :data:`imnm.iim.ITEMS`, :data:`imnm.iim.CUTOFFS` and
:data:`imnm.iim.CALCULATOR_RULE` hold them); the build fails otherwise.  The
browser tests compare what the page shows with :func:`imnm.iim.assess`.

The form is generated from :class:`imnm.iim.IIMFindings`,
:class:`imnm.iim.BiopsyFeatures` and the rules, with the helpers of
:mod:`try_it` that the ENMC page uses.  This module is build tooling beside
``imnm_pages.py``; it is not a page.
"""

from __future__ import annotations

import enum
import functools
import html
import itertools
import json
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, cast

import attrs
import try_it

from imnm import iim

__all__ = [
    "AGE",
    "ASSET",
    "BIOPSY",
    "SCRIPT",
    "biopsy_field",
    "check_iim",
    "disclaimer",
    "iim_data",
    "iim_form",
    "summary",
]

ASSET = "assets/try-it/eular-acr.json"
"""Where the built site serves the EULAR/ACR data, relative to the site root."""
SCRIPT = "assets/try-it/try-it-iim.js"
"""The page's script (hand-written, static, in ``docs/``)."""
AGE = "age_at_onset"
"""The field of the age at onset (a whole number of years, or unknown)."""
BIOPSY = "biopsy"
"""The field of the biopsy's features (None: no biopsy data)."""

Json = Any


def disclaimer() -> str:
    """The sentence that closes every result: the one every assessment carries."""
    return iim.assess(iim.IIMFindings()).disclaimer


def biopsy_field() -> try_it.Field:
    """Whether there are biopsy data, as a question: ``no`` (None) or ``yes`` (features)."""
    return try_it.Field(
        name=BIOPSY,
        label="Muscle biopsy data",
        choices=(
            try_it.Choice(value="no", label="none", hint="Scored without the biopsy column."),
            try_it.Choice(
                value="yes",
                label="a muscle biopsy was done",
                hint="Scored with the biopsy column: the biopsy features below count.",
            ),
        ),
        default="no",
    )


def _findings(name: str, value: str) -> iim.IIMFindings:
    """Findings with one field (of IIMFindings, or of the biopsy) set from its wire value."""
    clinical = attrs.fields_dict(iim.IIMFindings)
    if name in clinical:
        given: dict[str, Any] = {name: _enum(clinical[name])(value)}
        return iim.IIMFindings(**given)
    feature = attrs.fields_dict(iim.BiopsyFeatures)[name]
    features: dict[str, Any] = {name: _enum(feature)(value)}
    return iim.IIMFindings(biopsy=iim.BiopsyFeatures(**features))


def _enum(attribute: attrs.Attribute[Any]) -> type[enum.Enum]:
    return cast("type[enum.Enum]", type(attribute.default))


def _statuses(fields: tuple[try_it.Field, ...]) -> dict[str, dict[str, str]]:
    """How each value of each field counts (scored, not scored, unknown), as assess says."""
    result: dict[str, dict[str, str]] = {}
    for field in fields:
        result[field.name] = {}
        for choice in field.choices:
            assessment = iim.assess(_findings(field.name, choice.value))
            (status,) = {r.status for r in assessment.items if r.item.field == field.name}
            result[field.name][choice.value] = status.value
    return result


def summary(phrase: str, low: Decimal, high: Decimal, *, with_biopsy: bool) -> str:
    """A result's summary line from its category's phrase, as the page's script writes it."""
    score = f"score {low}" if low == high else f"score {low} to {high}"
    return f"{phrase} ({score}, {'with' if with_biopsy else 'without'} biopsy data)"


def _phrases() -> dict[str, str]:
    """Each category's words in :attr:`imnm.iim.IIMAssessment.summary`."""
    items = iim.assess(iim.IIMFindings()).items
    phrases = {}
    for category in iim.IIMCategory:
        line = iim.IIMAssessment(
            findings=iim.IIMFindings(),
            with_biopsy=False,
            score_low=Decimal("0.0"),
            score_high=Decimal("0.0"),
            category=category,
            items=items,
        ).summary
        phrases[category.value] = line.removesuffix(" (score 0.0, without biopsy data)")
    return phrases


def _complete(with_biopsy: bool, statuses: Mapping[str, Mapping[str, str]]) -> Iterator[Json]:
    """Every complete findings (no unknown) of one column, as wire values; ages by band."""
    ages = sorted({0, *(item.ages[0] for item in iim.ITEMS if item.ages is not None)})
    known = {
        name: [value for value, status in values.items() if status != "unknown"]
        for name, values in statuses.items()
    }
    biopsy = {name for name in known if name in attrs.fields_dict(iim.BiopsyFeatures)}
    names = [name for name in known if with_biopsy or name not in biopsy]
    for age, *values in itertools.product(ages, *(known[name] for name in names)):
        chosen = dict(zip(names, values, strict=True))
        document = {key: value for key, value in chosen.items() if key not in biopsy}
        features = {key: value for key, value in chosen.items() if key in biopsy}
        yield {AGE: age, **document, BIOPSY: features if with_biopsy else None}


def _rule_steps(statuses: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The next steps the calculator's rule gives, as :func:`imnm.iim.assess` words them.

    ``needs_biopsy``: no skin item and no biopsy data; ``not_classified``: no
    skin item and a biopsy without any biopsy feature.
    """
    steps: dict[str, str] = {}
    for with_biopsy, key in ((False, "needs_biopsy"), (True, "not_classified")):
        for document in _complete(with_biopsy, statuses):
            result = _assess(document)
            if result.next_steps:
                steps[key] = result.next_steps[0]
                break
    return steps


def _assess(document: Mapping[str, Json]) -> iim.IIMAssessment:
    from imnm import serialize

    header = try_it.document_header(iim.IIMFindings)
    return iim.assess(serialize.loads(json.dumps({**header, **document}), iim.IIMFindings))


@functools.cache
def _data() -> str:
    clinical = try_it.enum_fields(iim.IIMFindings)
    biopsy = try_it.enum_fields(iim.BiopsyFeatures)
    statuses = _statuses(clinical + biopsy)
    groups = {choice.value: choice for choice in try_it.choices(iim.ItemGroup)}
    phrases = _phrases()
    # The criteria's name, before every phrase: "EULAR/ACR 2017: ".
    prefix = os.path.commonprefix(list(phrases.values()))  # noqa: RUF071 - characters are meant
    note = iim.get_note("subgroups-not-encoded")
    data = {
        "findings_document": try_it.document_header(iim.IIMFindings),
        "rules": iim.rules_data(),
        "age": {"name": AGE},
        "fields": [attrs.asdict(field) for field in clinical],
        "biopsy": attrs.asdict(biopsy_field()),
        "biopsy_fields": [attrs.asdict(field) for field in biopsy],
        "statuses": statuses,
        "item_statuses": {c.value: c.label for c in try_it.choices(iim.ItemStatus)},
        "groups": {
            value: (choice.label.capitalize() if choice.hint is None else choice.hint).removesuffix(
                "."
            )
            for value, choice in groups.items()
        },
        "categories": {
            choice.value: {
                "label": phrases[choice.value].removeprefix(prefix),
                "text": choice.hint,
                "summary": phrases[choice.value],
            }
            for choice in try_it.choices(iim.IIMCategory)
        },
        "insufficient": iim.IIMCategory.INSUFFICIENT_DATA.value,
        "rule_steps": _rule_steps(statuses),
        "subgroups": {"text": note.text, "caveat": note.caveat},
        "deciding": (
            "Unknown items leave the category open: imnm assess names each one that could "
            "change it, and to what (Copy as JSON gives the findings it reads)."
        ),
    }
    return json.dumps(data, separators=(",", ":"))


def iim_data() -> dict[str, Json]:
    """The asset: the library's rules, and the words the page shows them in."""
    found: dict[str, Json] = json.loads(_data())
    return found


def check_iim(data: Mapping[str, Json]) -> int:
    """Prove that *data* holds the library's item table, cut-offs and calculator rule.

    Returns:
        The number of items and cut-offs checked.

    Raises:
        ValueError: The asset differs from what :func:`iim_data` makes, from
            :func:`imnm.iim.rules_data`, or :func:`imnm.iim.rules_data`
            differs from :data:`imnm.iim.ITEMS`, :data:`imnm.iim.CUTOFFS` or
            :data:`imnm.iim.CALCULATOR_RULE`, or a summary line the script
            would write differs from the library's.
    """
    rules = data["rules"]
    if rules != iim.rules_data():
        raise ValueError("the EULAR/ACR asset's rules are not imnm.iim.rules_data()")

    def tenths(column: Json) -> int | None:
        if column is None:
            return None
        if str(Decimal(column["tenths"]).scaleb(-1)) != column["score"]:
            raise ValueError(f"the EULAR/ACR asset's score {column} is not its tenths")
        return int(column["tenths"])

    items = [
        (
            item["id"],
            item["field"],
            item["group"],
            item["biopsy_feature"],
            tenths(item["without_biopsy"]),
            tenths(item["with_biopsy"]),
            None if item["ages"] is None else tuple(item["ages"]),
        )
        for item in rules["items"]
    ]
    expected_items = [
        (
            item.id,
            item.field,
            item.group.value,
            item.group is iim.ItemGroup.MUSCLE_BIOPSY,
            item.tenths_without_biopsy,
            item.tenths_with_biopsy,
            item.ages,
        )
        for item in iim.ITEMS
    ]
    if items != expected_items:
        raise ValueError("the EULAR/ACR asset's items are not imnm.iim.ITEMS")
    cutoffs = [
        (cutoff["category"], tenths(cutoff["without_biopsy"]), tenths(cutoff["with_biopsy"]))
        for cutoff in rules["cutoffs"]
    ]
    expected_cutoffs = [
        (cutoff.category.value, cutoff.tenths_without_biopsy, cutoff.tenths_with_biopsy)
        for cutoff in iim.CUTOFFS
    ]
    if cutoffs != expected_cutoffs:
        raise ValueError("the EULAR/ACR asset's cut-offs are not imnm.iim.CUTOFFS")
    rule = iim.CALCULATOR_RULE
    expected_rule = ([item.id for item in rule.skin], rule.applies_from.value)
    found_rule = (rules["calculator_rule"]["skin_items"], rules["calculator_rule"]["applies_from"])
    if found_rule != expected_rule:
        raise ValueError("the EULAR/ACR asset's calculator rule is not imnm.iim.CALCULATOR_RULE")
    if dict(data) != iim_data():
        raise ValueError("the EULAR/ACR asset is not what imnm.iim gives today")
    _check_summaries(data)
    return len(items) + len(cutoffs)


def _check_summaries(data: Mapping[str, Json]) -> None:
    items = iim.assess(iim.IIMFindings()).items
    for category, with_biopsy, (low, high) in itertools.product(
        iim.IIMCategory,
        (False, True),
        ((Decimal("5.3"), Decimal("5.3")), (Decimal("0.0"), Decimal("31.8"))),
    ):
        expected = iim.IIMAssessment(
            findings=iim.IIMFindings(),
            with_biopsy=with_biopsy,
            score_low=low,
            score_high=high,
            category=category,
            items=items,
        ).summary
        phrase = data["categories"][category.value]["summary"]
        if summary(phrase, low, high, with_biopsy=with_biopsy) != expected:
            raise ValueError(f"the EULAR/ACR asset's summary for {category.value} differs")


# --- the form -------------------------------------------------------------------


def _weight(item_id: str) -> str:
    # The script writes the weight of the column in use.
    return f' <span class="imnm-try-it__weight" data-item="{html.escape(item_id)}"></span>'


def iim_form(links: dict[str, str], closing: str) -> str:
    """The page's HTML: the items as a form, and the (empty) result the script fills.

    Args:
        links: Relative URLs from the page: ``asset``, ``common``, ``script``,
            ``stylesheet`` and ``criteria`` (the EULAR/ACR page).
        closing: The sentence that closes every result (the disclaimer).
    """
    data = iim_data()
    rules = data["rules"]
    fields = {
        field["name"]: try_it.Field(
            name=field["name"],
            label=field["label"],
            choices=tuple(try_it.Choice(**choice) for choice in field["choices"]),
            default=field["default"],
        )
        for field in data["fields"] + data["biopsy_fields"]
    }
    groups: dict[str, list[str]] = {}
    ages: list[str] = []
    for item in rules["items"]:
        if item["ages"] is not None:
            ages.append(f"<li>{html.escape(item['label'])}{_weight(item['id'])}</li>")
            continue
        field = attrs.evolve(fields[item["field"]], label=item["label"])
        groups.setdefault(item["group"], []).append(try_it.fieldset(field, _weight(item["id"])))
    age_id = "imnm-try-it-iim-age"
    age_group = rules["items"][0]["group"]
    parts = [
        f'<fieldset class="imnm-try-it__group" data-group="{age_group}">'
        f"<legend>{html.escape(data['groups'][age_group])}</legend>"
        f'<label class="imnm-try-it__age" for="{age_id}">Age at onset in years '
        f"(empty: unknown) <code>{AGE}</code></label>"
        f'<input type="number" id="{age_id}" name="{AGE}" min="0" max="{rules["age_limit"]}" '
        f'step="1" inputmode="numeric">'
        f'<ul class="imnm-try-it__ages">{"".join(ages)}</ul></fieldset>'
    ]
    biopsy_group = iim.ItemGroup.MUSCLE_BIOPSY.value
    for group, fieldsets in groups.items():
        if group == biopsy_group:
            continue
        parts.append(
            f'<fieldset class="imnm-try-it__group" data-group="{group}">'
            f"<legend>{html.escape(data['groups'][group])}</legend>{''.join(fieldsets)}</fieldset>"
        )
    parts.append(
        f'<fieldset class="imnm-try-it__group" data-group="{biopsy_group}">'
        f"<legend>{html.escape(data['groups'][biopsy_group])}</legend>"
        + try_it.fieldset(biopsy_field())
        + '<fieldset class="imnm-try-it__biopsy-features" disabled>'
        "<legend>Biopsy features (with biopsy data only)</legend>"
        + "".join(groups[biopsy_group])
        + "</fieldset></fieldset>"
    )
    result = "".join(
        (
            '<dl class="imnm-try-it__status">',
            '<dt>Score</dt><dd class="imnm-try-it__score"></dd>',
            '<dt>Category</dt><dd class="imnm-try-it__category"></dd>',
            '<dt>Subgroup</dt><dd class="imnm-try-it__subgroup"></dd>',
            "</dl>",
            "<h3>Cut-offs</h3>",
            '<ul class="imnm-try-it__cutoffs"></ul>',
            "<h3>Items</h3>",
            '<ol class="imnm-try-it__items"></ol>',
        )
    )
    return try_it.widget(
        name="imnm-try-it-iim",
        links=links,
        criteria="EULAR/ACR 2017",
        form="".join(parts),
        result=result,
        disclaimer=closing,
        command="imnm assess -",
    )
