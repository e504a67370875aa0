from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import attrs
import pytest

from imnm import Findings, InvalidValue, Serology, UnknownId, catalog, criteria
from imnm.criteria import (
    ANTIBODIES,
    CRITERIA,
    NOTE_RULES,
    REQUIREMENTS,
    SEROLOGY_RULES,
    UNTESTED_SEROLOGY_STEPS,
    Antibody,
    Criterion,
    Outcome,
    SerologyRule,
    get_criterion,
)

_FIELDS = tuple(antibody.field for antibody in ANTIBODIES)


def _results(fields: Iterable[str], results: Iterable[Serology]) -> dict[str, Any]:
    """Keyword arguments of Findings: each of *fields* with its result."""
    return dict(zip(fields, results, strict=True))


@pytest.mark.parametrize("results", list(itertools.product(Serology, repeat=len(ANTIBODIES))))
def test_exactly_one_serology_rule_fires_for_each_combination_of_results(
    results: tuple[Serology, ...],
) -> None:
    findings = Findings(**_results(_FIELDS, results))
    assert sum(rule.matches(findings) for rule in SEROLOGY_RULES) == 1


def test_the_antibody_table_names_serology_fields_of_findings() -> None:
    fields = attrs.fields_dict(attrs.resolve_types(Findings))
    for antibody in ANTIBODIES:
        assert fields[antibody.field].type is Serology, antibody.field
    assert len(set(_FIELDS)) == len(_FIELDS)


def test_the_antibody_of_a_form_defaults_to_its_catalog_name_and_term() -> None:
    anti_srp = next(a for a in ANTIBODIES if a.subtype is catalog.ANTI_SRP)
    assert anti_srp.name == catalog.ANTI_SRP_ANTIBODY.name
    assert anti_srp.term == catalog.ANTI_SRP_ANTIBODY.positivity_term


def test_an_antibody_without_a_catalog_autoantibody_must_be_named() -> None:
    with pytest.raises(InvalidValue, match="subtype: must have an autoantibody"):
        Antibody(
            field="other_msa",
            subtype=None,
            criterion=get_criterion("other-msa-serology"),
            next_step_if_untested="Test.",
        )


def test_the_serology_rules_words_name_every_antibody_they_read() -> None:
    # The rules' descriptions are prose: this keeps their lists of antibodies in
    # step with the table (a new row fails here until the wording names it).
    def says(criterion: Criterion, antibodies: Iterable[Antibody]) -> None:
        for antibody in antibodies:
            assert antibody.name.lower() in criterion.description.lower(), (
                criterion.id,
                antibody.name,
            )

    defining = [a for a in ANTIBODIES if a.subtype is not None]
    for antibody in ANTIBODIES:
        says(antibody.criterion, defining if antibody.subtype is None else ANTIBODIES)
    for criterion_id in ("seronegative-serology", "incomplete-serology"):
        says(get_criterion(criterion_id), defining)


def test_the_derived_tables_iterate_the_antibody_table() -> None:
    assert tuple((a.field, a.next_step_if_untested) for a in ANTIBODIES) == UNTESTED_SEROLOGY_STEPS
    assert criteria._serology_rules(ANTIBODIES) == SEROLOGY_RULES
    assert all(rule.antibodies == _FIELDS for rule in SEROLOGY_RULES)


def test_every_rule_names_the_enmc_2016_report_as_its_source() -> None:
    for criterion in CRITERIA:
        assert catalog.ALLENBACH_2018 in criterion.references, criterion.id


def test_criterion_ids_are_unique_and_found_by_get_criterion() -> None:
    ids = [c.id for c in CRITERIA]
    assert len(ids) == len(set(ids))
    for criterion in CRITERIA:
        assert get_criterion(criterion.id) is criterion


def test_an_unknown_criterion_id_lists_the_valid_ones() -> None:
    with pytest.raises(
        UnknownId, match="unknown criterion id 'x'; valid ids: 'anti-hmgcr-serology'"
    ):
        get_criterion("x")


def test_only_one_serology_rule_per_form_assigns_a_subtype() -> None:
    assigned = [rule.subtype for rule in SEROLOGY_RULES if rule.subtype is not None]
    assert assigned == list(catalog.SUBTYPES)


def test_requirements_read_real_findings_fields() -> None:
    fields = {field.name for field in attrs.fields(Findings)}
    read = {r.field for r in REQUIREMENTS} | {r.field for r in NOTE_RULES}
    assert read <= fields


def test_the_biopsy_requirement_applies_only_to_autoantibody_negative_imnm() -> None:
    biopsy = next(r for r in REQUIREMENTS if r.field == "muscle_biopsy")
    assert [s.id for s in catalog.SUBTYPES if biopsy.applies_to(s)] == ["autoantibody-negative"]
    assert not biopsy.applies_to(None)


def test_note_rules_never_read_a_field_that_decides_the_classification() -> None:
    # A note rule may read a deciding field (the biopsy, weakness) to say something
    # about the result, but the notes never feed back into it: classify() decides
    # subtype and status before any note rule runs, and the properties test that
    # statin exposure and extra-muscular features never change them.  The fields
    # that only ever add notes are read by note rules and nothing else.
    deciding = {r.field for r in REQUIREMENTS} | set(_FIELDS)
    note_only = {rule.field for rule in NOTE_RULES} - deciding
    assert note_only == {"statin_exposure", "extramuscular_features"}


def test_unconfirmed_rules_say_so_in_a_caveat() -> None:
    # imnm-facts.md section 2: the anti-SRP requirements and the biopsy requirement are
    # widely cited, but the full text was not confirmed; "biopsy not mandatory" is
    # unconfirmed for anti-HMGCR too (0.1.0 gave anti-HMGCR no caveat); double-positive
    # serology and antibody-positive hyperCKemia without weakness are UNCONFIRMED; the
    # other-MSA and incomplete-serology handling is not in the sources (issue 18).
    unconfirmed = {
        "anti-srp-serology": "biopsy",
        "anti-hmgcr-serology": "biopsy",
        "necrotizing-biopsy": "biopsy",
        "other-msa-serology": "another type of idiopathic inflammatory myopathy",
        "conflicting-serology": "more than one",
        "incomplete-serology": "incomplete serology",
        "proximal-weakness": "no weakness (hyperCKemia)",
    }
    for criterion_id, subject in unconfirmed.items():
        caveat = get_criterion(criterion_id).caveat
        assert caveat is not None, criterion_id
        assert caveat.startswith("Unconfirmed: "), criterion_id
        assert subject in caveat, criterion_id
    assert get_criterion("elevated-ck").caveat is None
    assert get_criterion("seronegative-serology").caveat is None


# --- A new antibody is one Findings field, one catalog entry and one table row ----------
#
# The rehearsal below adds a made-up antibody, anti-XYZ, defining a made-up form, to a
# copy of the table, and checks that every derivation follows.  It is not medicine.


@attrs.frozen(kw_only=True)
class _FindingsWithXyz(Findings):
    anti_xyz: Serology = Serology.NOT_TESTED  # the new Findings field


def _with_anti_xyz() -> tuple[Antibody, ...]:
    # The catalog entry.  Its made-up id is not one of the model's subtype ids
    # (imnm/_subtype_ids.py, where a real new form adds its id), so validators are
    # off while it is built.
    with attrs.validators.disabled():
        antibody = attrs.evolve(catalog.ANTI_HMGCR_ANTIBODY, id="anti-xyz", name="anti-XYZ")
        form = attrs.evolve(
            catalog.ANTI_HMGCR, id="anti-xyz", name="Anti-XYZ myopathy", autoantibody=antibody
        )
    row = Antibody(
        field=attrs.fields(_FindingsWithXyz).anti_xyz.name,
        subtype=form,
        criterion=Criterion(
            id="anti-xyz-serology",
            title="Anti-XYZ autoantibodies",
            description="Anti-XYZ alone positive: anti-XYZ myopathy.",
            references=(catalog.ALLENBACH_2018,),
        ),
        next_step_if_untested="Consider testing for anti-XYZ autoantibodies.",
    )
    return (*ANTIBODIES, row)


def _xyz_findings(results: tuple[Serology, ...]) -> _FindingsWithXyz:
    table = _with_anti_xyz()
    return _FindingsWithXyz(**_results((a.field for a in table), results))


def _fired(rules: tuple[SerologyRule, ...], findings: Findings) -> SerologyRule:
    (rule,) = (rule for rule in rules if rule.matches(findings))
    return rule


def test_a_new_antibody_gets_serology_rules_where_exactly_one_fires() -> None:
    table = _with_anti_xyz()
    rules = criteria._serology_rules(table)
    xyz = table[-1]
    for results in itertools.product(Serology, repeat=len(table)):
        findings = _xyz_findings(results)
        rule = _fired(rules, findings)
        positive = [a.field for a, r in zip(table, results, strict=True) if r is Serology.POSITIVE]
        if positive == [xyz.field]:
            assert (rule.subtype, rule.outcome) == (xyz.subtype, Outcome.SATISFIED)
        elif len(positive) >= 2:
            assert rule.criterion.id == "conflicting-serology"
        elif not positive and findings.anti_xyz is Serology.NOT_TESTED:
            # The new form's antibody must be tested before the subtype can be assigned.
            assert rule.criterion.id == "incomplete-serology"
        elif rule.subtype is catalog.AUTOANTIBODY_NEGATIVE:
            assert findings.anti_xyz is Serology.NEGATIVE


def test_a_new_antibody_is_named_in_the_explanation() -> None:
    from imnm.classifier import _serology_detail

    table = _with_anti_xyz()
    findings = _xyz_findings((Serology.NEGATIVE,) * (len(table) - 1) + (Serology.POSITIVE,))
    results = tuple(getattr(findings, antibody.field) for antibody in table)
    assert _serology_detail(results, table) == (
        "anti-SRP negative; anti-HMGCR negative; other myositis-specific autoantibodies "
        "negative; anti-XYZ positive."
    )


@pytest.mark.parametrize("antibody", ANTIBODIES, ids=_FIELDS)
def test_every_antibody_of_the_table_is_read_by_the_classifier_and_the_exports(
    antibody: Antibody,
) -> None:
    from imnm import classify
    from imnm.interop._features import FEATURES

    negative = _results(_FIELDS, [Serology.NEGATIVE] * len(_FIELDS))
    untested = classify(Findings(**negative | {antibody.field: Serology.NOT_TESTED}))
    assert antibody.next_step_if_untested in untested.next_steps
    alone = classify(Findings(**negative | {antibody.field: Serology.POSITIVE}))
    assert alone.explanation[0].criterion is antibody.criterion
    assert f"{antibody.name} positive" in alone.explanation[0].detail
    (feature,) = (f for f in FEATURES if f.field == antibody.field)
    assert (feature.term, feature.observed) == (antibody.term, Serology.POSITIVE)
