"""imnm.iim against the reference file eular-acr-2017.md, and against an independent oracle.

Every number below is copied from the reference file (Table 1 of Lundberg 2017
and the abstract's cut-offs), not from imnm.iim.  The oracle scores complete
fillings with these numbers as Decimals and applies the calculator's rule in
the reference file's words; for findings with unknown items it tries every
filling.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from imnm import InvalidFindings, InvalidValue, Presence, Serology, UnknownId
from imnm.iim import (
    CALCULATOR_RULE,
    CUTOFFS,
    ITEMS,
    NOTES,
    BiopsyFeatures,
    IIMAssessment,
    IIMCategory,
    IIMFindings,
    ItemStatus,
    assess,
    assess_many,
    get_item,
    get_note,
    rules_data,
)
from strategies import iim_findings

# --- The reference file, written out --------------------------------------------

# field: (without biopsy, with biopsy); None = not in the column.
TABLE_1: dict[str, tuple[str | None, str]] = {
    "proximal_upper_weakness": ("0.7", "0.7"),
    "proximal_lower_weakness": ("0.8", "0.5"),
    "neck_flexors_weaker": ("1.9", "1.6"),
    "legs_proximal_weaker": ("0.9", "1.2"),
    "heliotrope_rash": ("3.1", "3.2"),
    "gottron_papules": ("2.1", "2.7"),
    "gottron_sign": ("3.3", "3.7"),
    "dysphagia": ("0.7", "0.6"),
    "anti_jo1": ("3.9", "3.8"),
    "elevated_muscle_enzymes": ("1.3", "1.4"),
    "endomysial_infiltrate": (None, "1.7"),
    "perimysial_infiltrate": (None, "1.2"),
    "perifascicular_atrophy": (None, "1.9"),
    "rimmed_vacuoles": (None, "3.1"),
}
AGE_18_TO_39 = ("1.3", "1.5")
AGE_40_OR_OVER = ("2.1", "2.2")
# (possible, probable, definite) least scores, without and with biopsy data.
CUT_OFFS = {False: ("5.3", "5.5", "7.5"), True: ("6.5", "6.7", "8.7")}
SKIN = ("heliotrope_rash", "gottron_papules", "gottron_sign")
BIOPSY = (
    "endomysial_infiltrate",
    "perimysial_infiltrate",
    "perifascicular_atrophy",
    "rimmed_vacuoles",
)
CLINICAL = tuple(field for field in TABLE_1 if field not in BIOPSY)
AGES = (10, 30, 50)  # one age per band: under 18, 18 to 39, 40 or over


def oracle_score(findings: IIMFindings) -> Decimal:
    """The total score of complete findings, from the reference file's numbers."""
    column = 1 if findings.biopsy is not None else 0
    score = Decimal(0)
    for field, weights in TABLE_1.items():
        source = findings.biopsy if field in BIOPSY else findings
        if getattr(source, field, None) in (Presence.PRESENT, Serology.POSITIVE):
            weight = weights[column]
            assert weight is not None
            score += Decimal(weight)
    age = findings.age_at_onset
    assert age is not None
    if 18 <= age < 40:
        score += Decimal(AGE_18_TO_39[column])
    elif age >= 40:
        score += Decimal(AGE_40_OR_OVER[column])
    return score


def oracle_category(findings: IIMFindings) -> str:
    """The category of complete findings: the cut-offs, then the calculator's rule."""
    score = oracle_score(findings)
    possible, probable, definite = (Decimal(c) for c in CUT_OFFS[findings.biopsy is not None])
    if score >= definite:
        category = "definite"
    elif score >= probable:
        category = "probable"
    elif score >= possible:
        category = "possible"
    else:
        return "not_iim"
    # "If heliotrope rash, Gottron's papules or Gottron's sign are not present, then
    # muscle biopsy features should be present to classify a patient as an IIM case."
    if any(getattr(findings, field) is Presence.PRESENT for field in SKIN):
        return category
    if findings.biopsy is None:
        return "insufficient_data"  # a muscle biopsy is needed
    if any(getattr(findings.biopsy, field) is Presence.PRESENT for field in BIOPSY):
        return category
    return "not_iim"


def fillings(findings: IIMFindings) -> Iterator[IIMFindings]:
    """Every complete findings that agrees with *findings* on what is known."""
    choices: list[list[tuple[str, Any]]] = []
    ages = AGES if findings.age_at_onset is None else (findings.age_at_onset,)
    choices.append([("age_at_onset", age) for age in ages])
    for field in CLINICAL:
        value = getattr(findings, field)
        if value is Presence.UNKNOWN:
            choices.append([(field, Presence.PRESENT), (field, Presence.ABSENT)])
        elif value is Serology.NOT_TESTED:
            choices.append([(field, Serology.POSITIVE), (field, Serology.NEGATIVE)])
    biopsy_choices: list[list[tuple[str, Presence]]] = []
    if findings.biopsy is not None:
        for field in BIOPSY:
            if getattr(findings.biopsy, field) is Presence.UNKNOWN:
                biopsy_choices.append([(field, Presence.PRESENT), (field, Presence.ABSENT)])
    for clinical in itertools.product(*choices):
        filled = attrs.evolve(findings, **dict(clinical))
        for biopsy in itertools.product(*biopsy_choices):
            if findings.biopsy is None:
                yield filled
            else:
                yield attrs.evolve(filled, biopsy=attrs.evolve(findings.biopsy, **dict(biopsy)))


def oracle(findings: IIMFindings) -> tuple[Decimal, Decimal, str, frozenset[str]]:
    """(least score, greatest score, category, every outcome) over every filling."""
    scores = []
    outcomes = set()
    for filled in fillings(findings):
        scores.append(oracle_score(filled))
        outcomes.add(oracle_category(filled))
    category = next(iter(outcomes)) if len(outcomes) == 1 else "insufficient_data"
    return min(scores), max(scores), category, frozenset(outcomes)


def unknown_fields(findings: IIMFindings) -> list[str]:
    fields = [
        f for f in CLINICAL if getattr(findings, f) in (Presence.UNKNOWN, Serology.NOT_TESTED)
    ]
    if findings.age_at_onset is None:
        fields.insert(0, "age_at_onset")
    if findings.biopsy is not None:
        fields += [f for f in BIOPSY if getattr(findings.biopsy, f) is Presence.UNKNOWN]
    return fields


def complete(*present: str, age: int = 10, biopsy: tuple[str, ...] | None = None) -> IIMFindings:
    """Complete findings: the named items present, every other item absent or negative."""
    values: dict[str, Any] = {
        field: (
            (Serology.POSITIVE if field in present else Serology.NEGATIVE)
            if field == "anti_jo1"
            else (Presence.PRESENT if field in present else Presence.ABSENT)
        )
        for field in CLINICAL
    }
    features = None
    if biopsy is not None:
        features = BiopsyFeatures(
            **{f: Presence.PRESENT if f in biopsy else Presence.ABSENT for f in BIOPSY}
        )
    return IIMFindings(age_at_onset=age, biopsy=features, **values)


# --- Table 1, one test per cell ------------------------------------------------------


CELLS = [
    pytest.param(field, with_biopsy, weights[with_biopsy], id=f"{field}-{column}")
    for field, weights in TABLE_1.items()
    for with_biopsy, column in ((False, "without-biopsy"), (True, "with-biopsy"))
]


@pytest.mark.parametrize(("field", "with_biopsy", "expected"), CELLS)
def test_each_item_weighs_what_table_1_says(
    field: str, with_biopsy: bool, expected: str | None
) -> None:
    (item,) = [item for item in ITEMS if item.field == field]
    weight = item.weight(with_biopsy=with_biopsy)
    assert weight == (None if expected is None else Decimal(expected))
    if expected is None:
        return
    # And assessing the item alone (age under 18 scores 0) scores exactly that.
    biopsy = () if with_biopsy else None
    alone = complete(age=10, biopsy=(field,)) if field in BIOPSY else complete(field, biopsy=biopsy)
    result = assess(alone)
    assert result.score_low == result.score_high == Decimal(expected)
    assert [r.item for r in result.scored] == [item]
    assert result.scored[0].weight == Decimal(expected)


AGE_CELLS = [
    pytest.param(age, with_biopsy, expected, id=f"age-{age}-{'with' if with_biopsy else 'without'}")
    for with_biopsy in (False, True)
    for age, expected in (
        (0, "0"),
        (17, "0"),
        (18, AGE_18_TO_39[with_biopsy]),
        (39, AGE_18_TO_39[with_biopsy]),
        (40, AGE_40_OR_OVER[with_biopsy]),
        (90, AGE_40_OR_OVER[with_biopsy]),
    )
]


@pytest.mark.parametrize(("age", "with_biopsy", "expected"), AGE_CELLS)
def test_the_age_item_scores_by_band(age: int, with_biopsy: bool, expected: str) -> None:
    result = assess(complete(age=age, biopsy=() if with_biopsy else None))
    assert result.score_low == result.score_high == Decimal(expected)


def test_the_age_rows_carry_the_reference_files_caveat_and_bands() -> None:
    rows = [item for item in ITEMS if item.field == "age_at_onset"]
    assert [(r.ages, r.weight(with_biopsy=False), r.weight(with_biopsy=True)) for r in rows] == [
        ((18, 40), Decimal("1.3"), Decimal("1.5")),
        ((40, None), Decimal("2.1"), Decimal("2.2")),
    ]
    for row in rows:
        assert row.caveat is not None
        assert "secondary copy" in row.caveat


def test_every_item_cites_both_publications_of_the_paper() -> None:
    dois = {"10.1136/annrheumdis-2017-211468", "10.1002/art.40320"}
    for item in ITEMS:
        assert {ref.doi for ref in item.references} == dois, item.id
        assert item.source == "Lundberg 2017, Table 1"
    for cutoff in CUTOFFS:
        assert {ref.doi for ref in cutoff.references} == dois


def test_the_cut_offs_are_the_published_ones() -> None:
    assert [
        (c.category.value, c.score(with_biopsy=False), c.score(with_biopsy=True), c.probability)
        for c in CUTOFFS
    ] == [
        ("definite", Decimal("7.5"), Decimal("8.7"), ">= 90%"),
        ("probable", Decimal("5.5"), Decimal("6.7"), ">= 55%"),
        ("possible", Decimal("5.3"), Decimal("6.5"), ">= 50% and < 55%"),
    ]


def test_item_and_note_look_ups() -> None:
    for item in ITEMS:
        assert get_item(item.id) is item
    for note in NOTES:
        assert get_note(note.id) is note
    with pytest.raises(UnknownId, match="unknown item id 'x'"):
        get_item("x")


def test_the_calculator_rule_names_the_three_skin_items_and_its_source() -> None:
    assert [item.field for item in CALCULATOR_RULE.skin] == list(SKIN)
    assert "imm.ki.se/biostatistics/calculators/iim" in CALCULATOR_RULE.source
    assert CALCULATOR_RULE.applies_from is IIMCategory.POSSIBLE


def test_the_notes_say_the_criteria_have_no_imnm_item_and_the_derivation_cohort_figure() -> None:
    texts = {note.id: note for note in NOTES}
    assert "no anti-SRP, anti-HMGCR or necrosis item" in texts["no-imnm-item"].text
    assert "100% of IMNM cases" in texts["imnm-in-derivation-cohort"].text
    assert "PMC5736307" in texts["imnm-in-derivation-cohort"].source
    assert texts["subgroups-not-encoded"].caveat is not None


# --- Scores are exact; boundaries -------------------------------------------------


def test_the_issues_example_is_exactly_possible() -> None:
    # 1.3 (age 18-39) + 3.3 (Gottron's sign) + 0.7 (proximal upper weakness) = 5.3
    result = assess(complete("gottron_sign", "proximal_upper_weakness", age=30))
    assert result.score_low == result.score_high == Decimal("5.3")
    assert result.category is IIMCategory.POSSIBLE
    assert isinstance(result.score_low, Decimal)


BOUNDARIES = [
    # without biopsy data: 5.3, 5.5, 7.5 exactly and just below
    (complete("gottron_sign", "proximal_upper_weakness", age=30), "5.3", "possible"),
    (complete("neck_flexors_weaker", "gottron_sign"), "5.2", "not_iim"),
    (
        complete("legs_proximal_weaker", "gottron_sign", "elevated_muscle_enzymes"),
        "5.5",
        "probable",
    ),
    (complete("gottron_papules", "gottron_sign"), "5.4", "possible"),
    (
        complete(
            "proximal_upper_weakness", "proximal_lower_weakness", "gottron_papules", "anti_jo1"
        ),
        "7.5",
        "definite",
    ),
    (
        complete(
            "proximal_upper_weakness", "gottron_papules", "gottron_sign", "elevated_muscle_enzymes"
        ),
        "7.4",
        "probable",
    ),
    # with biopsy data: 6.5, 6.7, 8.7 exactly and just below
    (complete("gottron_papules", "anti_jo1", biopsy=()), "6.5", "possible"),
    (complete("gottron_papules", "gottron_sign", biopsy=()), "6.4", "not_iim"),
    (
        complete("neck_flexors_weaker", "heliotrope_rash", biopsy=("perifascicular_atrophy",)),
        "6.7",
        "probable",
    ),
    (
        complete("proximal_upper_weakness", "heliotrope_rash", "gottron_papules", biopsy=()),
        "6.6",
        "possible",
    ),
    (complete("legs_proximal_weaker", "gottron_sign", "anti_jo1", biopsy=()), "8.7", "definite"),
    (complete("neck_flexors_weaker", "heliotrope_rash", "anti_jo1", biopsy=()), "8.6", "probable"),
]


@pytest.mark.parametrize(("findings", "score", "category"), BOUNDARIES)
def test_scores_at_and_just_below_each_cut_off(
    findings: IIMFindings, score: str, category: str
) -> None:
    assert oracle_score(findings) == Decimal(score)  # the case is what it claims
    result = assess(findings)
    assert result.score_low == result.score_high == Decimal(score)
    assert result.category.value == category
    assert str(result.score_low) == score


# --- The calculator's rule ----------------------------------------------------------

# Without skin items: 2.1 (age 40+) + 0.7 + 0.8 + 1.9 + 1.3 = 6.8, "probable" by score alone.
NO_SKIN = (
    "proximal_upper_weakness",
    "proximal_lower_weakness",
    "neck_flexors_weaker",
    "elevated_muscle_enzymes",
)


def test_without_skin_items_and_without_biopsy_data_a_biopsy_is_needed() -> None:
    result = assess(complete(*NO_SKIN, age=50))
    assert result.score_low == Decimal("6.8")
    assert result.category is IIMCategory.INSUFFICIENT_DATA
    assert result.next_steps[0].startswith("A muscle biopsy is needed")


def test_without_skin_items_a_biopsy_showing_none_of_the_features_is_not_iim() -> None:
    # 2.2 + 0.7 + 0.5 + 1.6 + 1.4 + 3.8 (anti-Jo-1), with biopsy data
    result = assess(complete(*NO_SKIN, "anti_jo1", age=50, biopsy=()))
    assert result.score_low == Decimal("10.2")
    assert result.category is IIMCategory.NOT_IIM
    assert "not classified as IIM" in result.next_steps[0]


def test_without_skin_items_a_biopsy_feature_lets_the_score_decide() -> None:
    result = assess(complete(*NO_SKIN, "anti_jo1", age=50, biopsy=("rimmed_vacuoles",)))
    assert result.category is IIMCategory.DEFINITE
    assert result.next_steps == ()


def test_a_score_below_possible_stays_not_iim_whatever_the_biopsy() -> None:
    for biopsy in (None, ()):
        result = assess(complete("dysphagia", age=50, biopsy=biopsy))
        assert result.category is IIMCategory.NOT_IIM
        assert result.next_steps == ()


def test_an_unknown_skin_item_keeps_a_high_score_range_undecided() -> None:
    # The whole range is at or above "definite", but with the skin items unknown the
    # filling without any rash falls under the calculator's rule.
    known = complete(*NO_SKIN, "anti_jo1", age=50)
    findings = attrs.evolve(known, heliotrope_rash=Presence.UNKNOWN)
    result = assess(findings)
    assert result.score_low == Decimal("10.7")  # 6.8 + 3.9 (anti-Jo-1)
    assert result.category is IIMCategory.INSUFFICIENT_DATA
    assert any("Heliotrope rash: unknown. If present: definite IIM" in s for s in result.next_steps)
    assert oracle(findings)[3] == {"definite", "insufficient_data"}


# --- Unknown items and next steps ----------------------------------------------------


def test_nothing_known_is_insufficient_data_over_the_whole_range() -> None:
    result = assess(IIMFindings())
    assert (result.score_low, result.score_high) == (Decimal("0.0"), Decimal("20.8"))
    assert result.category is IIMCategory.INSUFFICIENT_DATA
    assert not result.with_biopsy
    assert all(r.status is ItemStatus.UNKNOWN for r in result.items)


def test_an_item_that_cannot_move_the_category_is_not_named() -> None:
    # Definite whatever dysphagia is (7.5 without it); it is not named as a next step.
    findings = attrs.evolve(
        complete(
            "proximal_upper_weakness", "proximal_lower_weakness", "gottron_papules", "anti_jo1"
        ),
        dysphagia=Presence.UNKNOWN,
    )
    result = assess(findings)
    assert (result.score_low, result.score_high) == (Decimal("7.5"), Decimal("8.2"))
    assert result.category is IIMCategory.DEFINITE
    assert result.next_steps == ()


def test_the_age_next_step_names_each_band() -> None:
    # 3.3 + 0.7 = 4.0; with 1.3 (18 to 39) 5.3; with 2.1 (40 or over) 6.1
    findings = attrs.evolve(complete("gottron_sign", "dysphagia"), age_at_onset=None)
    result = assess(findings)
    assert result.next_steps == (
        "Age at onset: unknown. If onset age 0 to 17: below the cut-off for possible IIM; "
        "if onset age 18 to 39: possible IIM; if onset age from 40: probable IIM.",
    )


# --- Validation ---------------------------------------------------------------------


@pytest.mark.parametrize("age", [-1, 131, True, 30.0, "30", 10**20])
def test_a_bad_age_is_refused(age: object) -> None:
    with pytest.raises(InvalidValue, match="age_at_onset: must be a whole number of years"):
        IIMFindings(age_at_onset=age)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [("heliotrope_rash", "present"), ("anti_jo1", Presence.PRESENT), ("biopsy", {})],
)
def test_a_wrong_typed_value_is_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidValue, match=f"^{field}: must be"):
        IIMFindings(**{field: value})  # type: ignore[arg-type]


def test_assess_refuses_what_is_not_iim_findings() -> None:
    with pytest.raises(InvalidFindings, match="assess\\(\\) takes an IIMFindings; got dict"):
        assess({})  # type: ignore[arg-type]
    with pytest.raises(InvalidFindings, match="got list"):
        assess([])  # type: ignore[arg-type]


def test_assess_checks_values_even_with_validators_switched_off() -> None:
    with attrs.validators.disabled():
        bad = IIMFindings(age_at_onset=-5)
        bad_biopsy = IIMFindings(biopsy=BiopsyFeatures(rimmed_vacuoles="yes"))  # type: ignore[arg-type]
    with pytest.raises(InvalidFindings, match="age_at_onset"):
        assess(bad)
    with pytest.raises(InvalidFindings, match="rimmed_vacuoles"):
        assess(bad_biopsy)


def test_assess_many_is_lazy_and_in_order() -> None:
    inputs = [complete("gottron_sign", age=age) for age in (10, 30, 50)]
    results = assess_many(iter(inputs))
    assert [r.findings for r in results] == inputs


def test_results_are_the_same_object_when_warm_and_the_memo_is_bounded() -> None:
    from imnm import iim

    findings = complete("dysphagia", age=77)
    assert assess(findings) is assess(findings)
    for age in range(iim.AGE_LIMIT + 1):
        for value in Presence:
            assess(IIMFindings(age_at_onset=age, dysphagia=value, gottron_sign=Presence.ABSENT))
    assert len(iim._memo) <= iim._MEMO_LIMIT


def test_summary_wording_never_rules_a_disease_out() -> None:
    result = assess(complete("dysphagia", age=50))
    assert result.summary == (
        "EULAR/ACR 2017: does not reach the cut-off for possible IIM "
        "(score 2.8, without biopsy data)"
    )
    assert "not have" not in result.summary


def test_rules_data_is_plain_json_and_matches_the_tables() -> None:
    import json

    data = rules_data()
    assert json.loads(json.dumps(data)) == data
    assert [row["id"] for row in data["items"]] == [item.id for item in ITEMS]
    by_field = {row["field"]: row for row in data["items"] if row["field"] != "age_at_onset"}
    for field, (without, with_) in TABLE_1.items():
        row = by_field[field]
        assert (row["without_biopsy"] or {}).get("score") == without
        assert row["with_biopsy"]["score"] == with_
    assert [(c["category"], c["without_biopsy"]["score"]) for c in data["cutoffs"]] == [
        ("definite", "7.5"),
        ("probable", "5.5"),
        ("possible", "5.3"),
    ]
    assert {ref["url"] for ref in data["references"]} == {
        "https://doi.org/10.1136/annrheumdis-2017-211468",
        "https://doi.org/10.1002/art.40320",
    }


def test_hpo_terms_exist_in_the_bundled_hpo_with_the_same_label(hpo: Any) -> None:
    mapped = [item for item in ITEMS if item.term is not None]
    assert {item.field for item in mapped} == {
        "proximal_upper_weakness",
        "proximal_lower_weakness",
        "heliotrope_rash",
        "gottron_papules",
        "gottron_sign",
        "anti_jo1",
        "perifascicular_atrophy",
        "rimmed_vacuoles",
    }
    for item in mapped:
        assert item.term is not None
        assert hpo.get_hpo_object(item.term.id).name == item.term.label, item.id


# --- Exhaustively, over every combination without unknowns -------------------------


def every_complete(with_biopsy: bool) -> Iterator[IIMFindings]:
    start = IIMFindings(biopsy=BiopsyFeatures() if with_biopsy else None)
    yield from fillings(start)


def _key(findings: IIMFindings) -> tuple[object, ...]:
    """The values of complete findings as a tuple, items in TABLE_1's order, age last."""
    biopsy = findings.biopsy
    return (
        *(getattr(findings, f) for f in CLINICAL),
        *(getattr(biopsy, f) for f in BIOPSY if biopsy is not None),
        findings.age_at_onset,
    )


_TURNED_PRESENT = {
    Presence.ABSENT: Presence.PRESENT,
    Serology.NEGATIVE: Serology.POSITIVE,
}


@pytest.mark.parametrize("with_biopsy", [False, True], ids=["without-biopsy", "with-biopsy"])
def test_exhaustively_the_oracle_agrees_and_a_present_item_never_lowers_the_score(
    with_biopsy: bool,
) -> None:
    scores: dict[tuple[object, ...], Decimal] = {}
    for findings in every_complete(with_biopsy):
        result = assess(findings)
        assert result.score_low == result.score_high == oracle_score(findings)
        assert result.category.value == oracle_category(findings)
        assert result.with_biopsy is with_biopsy
        scores[_key(findings)] = result.score_low
    assert len(scores) == 3 * 2**10 * (2**4 if with_biopsy else 1)
    for key, score in scores.items():
        for index, value in enumerate(key[:-1]):
            if value in _TURNED_PRESENT:
                more = (*key[:index], _TURNED_PRESENT[value], *key[index + 1 :])
                assert scores[more] > score


def test_exhaustively_forgetting_one_item_widens_the_range_and_keeps_a_decided_category() -> None:
    for findings in every_complete(with_biopsy=False):
        known = assess(findings)
        for field in ["age_at_onset", *CLINICAL]:
            value = getattr(findings, field)
            forgot: Any = None if field == "age_at_onset" else _unknown(type(value))
            partial = assess(attrs.evolve(findings, **{field: forgot}))
            assert partial.score_low <= known.score_low <= partial.score_high
            if partial.category is not IIMCategory.INSUFFICIENT_DATA:
                assert partial.category is known.category


def _unknown(enum_cls: type[enum.Enum]) -> enum.Enum:
    return Presence.UNKNOWN if enum_cls is Presence else Serology.NOT_TESTED


# --- Properties, with hypothesis --------------------------------------------------------


@given(iim_findings)
def test_the_oracle_agrees_on_findings_with_unknown_items(findings: IIMFindings) -> None:
    unknown = unknown_fields(findings)
    assume(len(unknown) <= 9)
    low, high, category, _ = oracle(findings)
    result = assess(findings)
    assert (result.score_low, result.score_high) == (low, high)
    assert result.category.value == category
    assert result.with_biopsy is (findings.biopsy is not None)
    assert all(r.item.tenths(with_biopsy=result.with_biopsy) is not None for r in result.items)
    biopsy_items = {r.item.field for r in result.items} & set(BIOPSY)
    assert biopsy_items == (set(BIOPSY) if result.with_biopsy else set())


@given(iim_findings)
def test_next_steps_name_exactly_the_items_that_could_move_the_category(
    findings: IIMFindings,
) -> None:
    unknown = unknown_fields(findings)
    assume(len(unknown) <= 6)
    result = assess(findings)
    named = {
        field
        for field in unknown
        for step in result.next_steps
        if step.startswith(_label(field) + ": unknown.")
    }
    if result.category is not IIMCategory.INSUFFICIENT_DATA:
        assert named == set()
        return
    expected = set()
    for field in unknown:
        branches = [oracle(filled)[3] for filled in _fix(findings, field)]
        if not all(b == branches[0] and len(b) == 1 for b in branches):
            expected.add(field)
    assert named == expected
    needs_biopsy = "insufficient_data" in oracle(findings)[3]
    assert result.next_steps[0].startswith("A muscle biopsy is needed") is needs_biopsy


def _label(field: str) -> str:
    if field == "age_at_onset":
        return "Age at onset"
    (item,) = [item for item in ITEMS if item.field == field]
    return item.label


def _fix(findings: IIMFindings, field: str) -> list[IIMFindings]:
    if field == "age_at_onset":
        return [attrs.evolve(findings, age_at_onset=age) for age in AGES]
    if field == "anti_jo1":
        return [attrs.evolve(findings, anti_jo1=s) for s in (Serology.POSITIVE, Serology.NEGATIVE)]
    values = (Presence.PRESENT, Presence.ABSENT)
    if findings.biopsy is not None and field in BIOPSY:
        biopsy = findings.biopsy
        return [attrs.evolve(findings, biopsy=attrs.evolve(biopsy, **{field: p})) for p in values]
    changes: list[dict[str, Any]] = [{field: p} for p in values]
    return [attrs.evolve(findings, **change) for change in changes]


@given(iim_findings, st.data())
def test_knowing_more_narrows_the_range_and_keeps_a_decided_category(
    findings: IIMFindings, data: st.DataObject
) -> None:
    unknown = unknown_fields(findings)
    assume(unknown)
    field = data.draw(st.sampled_from(unknown))
    known = data.draw(st.sampled_from(_fix(findings, field)))
    before, after = assess(findings), assess(known)
    assert before.score_low <= after.score_low <= after.score_high <= before.score_high
    if before.category is not IIMCategory.INSUFFICIENT_DATA:
        assert after.category is before.category


def test_assessment_fields_are_validated() -> None:
    result = assess(IIMFindings())
    with pytest.raises(InvalidValue, match="score_low: must be a Decimal in tenths from 0 to"):
        attrs.evolve(result, score_low=Decimal("1.25"))
    for bad in (Decimal("-0.1"), Decimal("100.0"), Decimal("NaN"), Decimal("1e40")):
        with pytest.raises(InvalidValue, match="score_low"):
            attrs.evolve(result, score_low=bad)
    with pytest.raises(InvalidValue, match="score_high"):
        attrs.evolve(result, score_high=5.3)  # type: ignore[arg-type]
    assert isinstance(result, IIMAssessment)
