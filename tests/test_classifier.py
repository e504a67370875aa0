"""The classifier against the contract (classifier-contract.md), over the whole input space."""

from __future__ import annotations

import itertools
import threading

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cases
import strategies
from imnm import (
    Biopsy,
    Classification,
    CriteriaStatus,
    Findings,
    InvalidFindings,
    Outcome,
    Presence,
    Serology,
    catalog,
    classify,
    classify_many,
)
from imnm.findings import COMBINATIONS

POS, NEG, NT = Serology.POSITIVE, Serology.NEGATIVE, Serology.NOT_TESTED
PRESENT, ABSENT, UNKNOWN = Presence.PRESENT, Presence.ABSENT, Presence.UNKNOWN
FIELDS = [field.name for field in attrs.fields(Findings)]
UNKNOWN_VALUES = {Serology.NOT_TESTED, Presence.UNKNOWN, Biopsy.NOT_DONE}


# The oracle: the contract's rules written out plainly and independently of
# imnm.criteria, so a slip in the tables or the classifier shows up as a mismatch.
def expected_subtype_id(f: Findings) -> str | None:
    positives = [f.anti_srp, f.anti_hmgcr, f.other_msa].count(POS)
    if f.anti_srp is POS and f.anti_hmgcr is not POS and f.other_msa is not POS:
        return "anti-srp"
    if f.anti_hmgcr is POS and f.anti_srp is not POS and f.other_msa is not POS:
        return "anti-hmgcr"
    if f.anti_srp is NEG and f.anti_hmgcr is NEG and f.other_msa is not POS:
        return "autoantibody-negative"
    assert positives >= 2 or f.other_msa is POS or NT in (f.anti_srp, f.anti_hmgcr)
    return None


def expected_status(f: Findings) -> CriteriaStatus:
    subtype = expected_subtype_id(f)
    only_other_msa = f.other_msa is POS and f.anti_srp is not POS and f.anti_hmgcr is not POS
    if (
        f.elevated_ck is ABSENT
        or f.proximal_weakness is ABSENT
        or (subtype == "autoantibody-negative" and f.muscle_biopsy is Biopsy.NON_NECROTIZING)
        or only_other_msa
    ):
        return CriteriaStatus.NOT_MET
    if (
        subtype is not None
        and f.elevated_ck is PRESENT
        and f.proximal_weakness is PRESENT
        and (subtype != "autoantibody-negative" or f.muscle_biopsy is Biopsy.NECROTIZING)
    ):
        return CriteriaStatus.MET
    return CriteriaStatus.INSUFFICIENT_DATA


def subtype_id(result: Classification) -> str | None:
    return None if result.subtype is None else result.subtype.id


class TestWholeInputSpace:
    def test_the_input_space_has_as_many_distinct_findings_as_the_model_counts(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        assert len(set(all_findings)) == COMBINATIONS

    def test_property_1_every_combination_classifies_to_an_equal_result_each_time(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            # A fresh, equal Findings must give an equal result: purity, not identity.
            assert classify(findings) == classify(attrs.evolve(findings))

    def test_property_2_subtype_and_status_agree_with_the_contract_oracle(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        mismatches = [
            (f, subtype_id(r), r.criteria)
            for f in all_findings
            if (subtype_id(r := classify(f)), r.criteria)
            != (expected_subtype_id(f), expected_status(f))
        ]
        assert mismatches == []

    def test_property_2_met_never_comes_without_a_subtype(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            result = classify(findings)
            assert result.criteria is not CriteriaStatus.MET or result.subtype is not None

    def test_property_2_the_subtype_is_the_catalogs_own_instance(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            subtype = classify(findings).subtype
            assert subtype is None or subtype is catalog.get_subtype(subtype.id)

    def test_property_3_statin_and_extramuscular_findings_never_change_the_result(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            base = classify(
                attrs.evolve(findings, statin_exposure=UNKNOWN, extramuscular_features=UNKNOWN)
            )
            result = classify(findings)
            assert (result.subtype, result.criteria) == (base.subtype, base.criteria)
            assert result.explanation == base.explanation

    def test_property_4_learning_more_never_turns_one_subtype_into_another(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            before = subtype_id(classify(findings))
            for field in FIELDS:
                if getattr(findings, field) not in UNKNOWN_VALUES:
                    continue
                for known in type(getattr(findings, field)):
                    after = subtype_id(classify(attrs.evolve(findings, **{field: known})))
                    assert before is None or after in (before, None), (findings, field, known)

    def test_property_5_every_explanation_cites_a_catalog_reference(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            result = classify(findings)
            assert result.references
            assert set(result.references) <= set(catalog.REFERENCES)
            for rule in result.explanation:
                assert rule.criterion.references

    def test_every_result_explains_the_serology_rule_first(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        serology_ids = {
            "anti-srp-serology",
            "anti-hmgcr-serology",
            "seronegative-serology",
            "other-msa-serology",
            "conflicting-serology",
            "incomplete-serology",
        }
        for findings in all_findings:
            assert classify(findings).explanation[0].criterion.id in serology_ids

    def test_a_met_result_has_every_rule_satisfied_and_a_not_met_one_names_the_failure(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            result = classify(findings)
            outcomes = {rule.outcome for rule in result.explanation}
            if result.criteria is CriteriaStatus.MET:
                assert outcomes == {Outcome.SATISFIED}
            if result.criteria is CriteriaStatus.NOT_MET:
                assert Outcome.NOT_SATISFIED in outcomes

    def test_insufficient_data_always_comes_with_a_next_step(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        for findings in all_findings:
            result = classify(findings)
            if result.criteria is CriteriaStatus.INSUFFICIENT_DATA:
                assert result.next_steps, findings


class TestPropertiesWithHypothesis:
    @given(strategies.findings)
    def test_subtype_and_status_follow_the_contract(self, findings: Findings) -> None:
        result = classify(findings)
        assert (subtype_id(result), result.criteria) == (
            expected_subtype_id(findings),
            expected_status(findings),
        )

    @given(st.builds(Findings))  # each field inferred from its annotation
    def test_findings_built_from_their_own_defaults_classify(self, findings: Findings) -> None:
        assert isinstance(classify(findings), Classification)

    @given(strategies.findings, st.sampled_from(Presence), st.sampled_from(Presence))
    def test_statin_and_extramuscular_features_only_add_notes(
        self, findings: Findings, statin: Presence, extramuscular: Presence
    ) -> None:
        changed = classify(
            attrs.evolve(findings, statin_exposure=statin, extramuscular_features=extramuscular)
        )
        result = classify(findings)
        assert (changed.subtype, changed.criteria, changed.next_steps) == (
            result.subtype,
            result.criteria,
            result.next_steps,
        )

    @given(strategies.findings, st.data())
    def test_learning_more_keeps_the_subtype_or_reveals_a_conflict(
        self, findings: Findings, data: st.DataObject
    ) -> None:
        unknown_fields = [f for f in FIELDS if getattr(findings, f) in UNKNOWN_VALUES]
        if not unknown_fields:
            return
        field = data.draw(st.sampled_from(unknown_fields))
        value = data.draw(st.sampled_from(type(getattr(findings, field))))
        before = classify(findings).subtype
        after = classify(attrs.evolve(findings, **{field: value})).subtype
        assert before is None or after is None or after is before


class TestWorkedCases:
    def test_statin_exposed_anti_hmgcr_patient_with_weakness_and_high_ck(self) -> None:
        # Mammen AL, Tiniakou E. N Engl J Med 2015;373:1680-2: statin-exposed patients with
        # anti-HMGCR myopathy (proximal weakness, elevated CK) treated with IVIG.
        result = classify(
            attrs.evolve(cases.ANTI_HMGCR_MET, other_msa=NEG, statin_exposure=PRESENT)
        )
        assert result.subtype is catalog.ANTI_HMGCR
        assert result.criteria is CriteriaStatus.MET
        assert catalog.STATIN_ASSOCIATION in result.notes
        assert (
            catalog.MAMMEN_2015
            in next(t for t in result.subtype.therapies if t.id == "ivig").references
        )
        assert result.summary == "Anti-HMGCR myopathy: criteria met"

    def test_anti_srp_patient_with_interstitial_lung_disease(self) -> None:
        # Source page: in anti-SRP myopathy "extra-muscular features are common"; lung
        # manifestations are extra-muscular features (classifier contract).
        result = classify(
            attrs.evolve(cases.ANTI_SRP_MET, other_msa=NEG, extramuscular_features=PRESENT)
        )
        assert result.subtype is catalog.ANTI_SRP
        assert result.criteria is CriteriaStatus.MET
        assert result.notes == (catalog.EXTRAMUSCULAR_COMMON_IN_ANTI_SRP,)

    def test_seronegative_patient_with_a_necrotizing_biopsy(self) -> None:
        # ENMC 2016 (Allenbach 2018): antibody-negative IMNM needs elevated CK, proximal
        # weakness and a biopsy showing a necrotizing myopathy.
        result = classify(cases.SERONEGATIVE_MET)
        assert result.subtype is catalog.AUTOANTIBODY_NEGATIVE
        assert result.criteria is CriteriaStatus.MET
        assert result.next_steps == (
            "Rule out muscular dystrophies.",
            "Rule out connective tissue diseases associated with IMNM, such as systemic lupus "
            "erythematosus or systemic sclerosis.",
        )

    def test_seronegative_patient_without_a_biopsy_is_told_a_biopsy_is_required(self) -> None:
        result = classify(
            Findings(anti_srp=NEG, anti_hmgcr=NEG, elevated_ck=PRESENT, proximal_weakness=PRESENT)
        )
        assert result.criteria is CriteriaStatus.INSUFFICIENT_DATA
        assert any("muscle biopsy" in step for step in result.next_steps)

    def test_anti_jo1_positive_patient_is_no_imnm_subtype(self) -> None:
        # Anti-Jo-1 is an anti-synthetase antibody: an "other MSA" in the contract, which
        # suggests another idiopathic inflammatory myopathy.
        result = classify(cases.OTHER_MSA_ONLY)
        assert result.subtype is None
        assert result.criteria is CriteriaStatus.NOT_MET
        assert result.explanation[0].criterion.id == "other-msa-serology"
        assert "another type of idiopathic inflammatory myopathy" in " ".join(result.next_steps)

    def test_double_positive_serology_asks_for_the_tests_to_be_repeated(self) -> None:
        result = classify(Findings(anti_srp=POS, anti_hmgcr=POS, elevated_ck=PRESENT))
        assert result.subtype is None
        assert result.criteria is CriteriaStatus.INSUFFICIENT_DATA
        assert any(step.startswith("Repeat or confirm") for step in result.next_steps)

    def test_nothing_known_asks_for_every_test(self) -> None:
        steps = classify(Findings()).next_steps
        assert steps == (
            "Test for anti-SRP autoantibodies.",
            "Test for anti-HMGCR autoantibodies.",
            "Test for other myositis-specific autoantibodies.",
            "Measure serum creatine kinase (CK).",
            "Examine for proximal muscle weakness.",
        )

    def test_the_biopsy_is_explained_as_the_pattern_it_showed(self) -> None:
        result = classify(
            Findings(anti_srp=NEG, anti_hmgcr=NEG, muscle_biopsy=Biopsy.NON_NECROTIZING)
        )
        assert result.explanation[-1].detail == "Muscle biopsy: non-necrotizing."

    def test_the_explanation_reads_the_findings_in_words(self) -> None:
        result = classify(Findings(anti_srp=POS, elevated_ck=ABSENT))
        details = [rule.detail for rule in result.explanation]
        assert details[0] == (
            "anti-SRP positive; anti-HMGCR not tested; "
            "other myositis-specific autoantibodies not tested."
        )
        assert "Elevated serum creatine kinase: absent." in details
        assert result.summary == "Anti-SRP myopathy: criteria not met"


class TestBadInput:
    @pytest.mark.parametrize("not_findings", [None, {"anti_srp": "positive"}, "findings", 3, []])
    def test_anything_but_findings_raises_invalid_findings(self, not_findings: object) -> None:
        with pytest.raises(InvalidFindings, match="classify\\(\\) takes a Findings; got "):
            classify(not_findings)  # type: ignore[arg-type]

    def test_invalid_findings_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            classify("findings")  # type: ignore[arg-type]

    def test_findings_built_with_validators_switched_off_are_still_refused(self) -> None:
        with attrs.validators.disabled():
            broken = Findings(anti_srp="positive")  # type: ignore[arg-type]
        with pytest.raises(InvalidFindings, match="anti_srp: must be one of Serology"):
            classify(broken)

    def test_classify_many_raises_when_it_reaches_a_bad_item(self) -> None:
        results = classify_many([Findings(), "bad"])  # type: ignore[list-item]
        assert next(results).subtype is None
        with pytest.raises(InvalidFindings):
            next(results)


class TestClassifyMany:
    def test_results_come_in_input_order_equal_to_classify(
        self, all_findings: tuple[Findings, ...]
    ) -> None:
        sample = all_findings[::97]
        assert list(classify_many(sample)) == [classify(f) for f in sample]

    def test_it_streams_from_an_endless_iterator(self, all_findings: tuple[Findings, ...]) -> None:
        endless = itertools.cycle(all_findings[:3])
        results = classify_many(endless)
        assert [next(results).findings for _ in range(6)] == [*all_findings[:3]] * 2


def test_concurrent_callers_all_get_the_same_results(all_findings: tuple[Findings, ...]) -> None:
    sample = all_findings[::13]
    expected = [classify(f) for f in sample]
    seen: list[list[Classification]] = []

    def work() -> None:
        seen.append([classify(attrs.evolve(f)) for f in sample])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [expected] * 8
