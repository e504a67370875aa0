from __future__ import annotations

import itertools

import attrs
import pytest

from imnm import Findings, Serology, UnknownId, catalog
from imnm.criteria import CRITERIA, NOTE_RULES, REQUIREMENTS, SEROLOGY_RULES, get_criterion


@pytest.mark.parametrize(("srp", "hmgcr", "other"), list(itertools.product(Serology, repeat=3)))
def test_exactly_one_serology_rule_fires_for_each_of_the_27_results(
    srp: Serology, hmgcr: Serology, other: Serology
) -> None:
    findings = Findings(anti_srp=srp, anti_hmgcr=hmgcr, other_msa=other)
    assert sum(rule.matches(findings) for rule in SEROLOGY_RULES) == 1


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


def test_only_the_three_serology_rules_assign_a_subtype_one_each() -> None:
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
    deciding = {r.field for r in REQUIREMENTS} | {"anti_srp", "anti_hmgcr", "other_msa"}
    assert {rule.field for rule in NOTE_RULES}.isdisjoint(deciding)


def test_unconfirmed_rules_say_so_in_a_caveat() -> None:
    # imnm-facts.md section 2: the anti-SRP requirements and the biopsy requirement are
    # widely cited, but the full text was not confirmed.
    assert get_criterion("anti-srp-serology").caveat is not None
    assert get_criterion("necrotizing-biopsy").caveat is not None
    assert get_criterion("anti-hmgcr-serology").caveat is None
