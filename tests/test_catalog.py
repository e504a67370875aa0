"""The catalog against the source page and the reference file.

Expected words and ids are copied here from the MDA IMNM page (last update Feb
2023) and from the project's reference file (imnm-facts.md), never from the
catalog: a test fails when the catalog drifts from its sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import attrs
import pytest

from imnm import ImnmError, OntologyTerm, Reference, Subtype, UnknownId, catalog
from imnm.catalog import ANTI_HMGCR, ANTI_SRP, AUTOANTIBODY_NEGATIVE, IMNM


def walk(obj: object) -> Iterator[Any]:
    """Every attrs instance reachable from *obj*, *obj* included."""
    if attrs.has(type(obj)):
        yield obj
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(obj))):
            yield from walk(getattr(obj, field.name))
    elif isinstance(obj, tuple | frozenset):
        for item in obj:
            yield from walk(item)


def texts(subtype: Subtype) -> list[str]:
    return [s.text for s in subtype.presentation]


def therapy(subtype: Subtype, therapy_id: str) -> Any:
    return next(t for t in subtype.therapies if t.id == therapy_id)


class TestThePageIntroduction:
    def test_the_hallmark_is_proximal_muscle_weakness_coded_hp_0003701(self) -> None:
        # Page: "The hallmark feature ... is the presence of proximal muscle weakness."
        assert IMNM.hallmark == OntologyTerm(id="HP:0003701", label="Proximal muscle weakness")
        assert "hallmark feature of IMNM is the presence of proximal muscle weakness" in (
            IMNM.facts[0].text
        )

    def test_extra_muscular_symptoms_suggest_another_iim(self) -> None:
        # Page: "the presence of other (extra-muscular) symptoms, such as skin or lung
        # manifestations, suggests that they may have another type of IIM rather than IMNM."
        text = catalog.EXTRAMUSCULAR_SUGGESTS_OTHER_IIM.text
        assert "skin or lung manifestations" in text
        assert "another type of idiopathic inflammatory myopathy (IIM) rather than IMNM" in text
        assert catalog.EXTRAMUSCULAR_SUGGESTS_OTHER_IIM in IMNM.facts

    def test_autoantibody_tests_help_diagnosis_and_prognosis(self) -> None:
        # Page: "Myositis autoantibody tests are important blood tests that can be helpful
        # for diagnosis and prognosis."
        assert any("helpful for diagnosis and prognosis" in f.text for f in IMNM.facts)

    def test_both_imnm_msas_go_with_biopsies_showing_significant_necrosis(self) -> None:
        # Page: "two MSAs, anti-HMGCR and anti-SRP that are associated with muscle biopsies
        # that show significant necrosis (cell death)".
        assert any("significant necrosis (cell death)" in f.text for f in IMNM.facts)

    def test_three_forms_are_described_in_the_page_order(self) -> None:
        # Page: "Three forms of IMNM with different autoantibody associations have been described"
        assert [s.id for s in catalog.SUBTYPES] == [
            "anti-srp",
            "anti-hmgcr",
            "autoantibody-negative",
        ]
        assert IMNM.subtypes == catalog.SUBTYPES


class TestAntiSrp:
    def test_serum_shows_autoantibodies_to_signal_recognition_particle(self) -> None:
        assert ANTI_SRP.serum_finding == (
            "Presence of autoantibodies to signal recognition particle (SRP) in serum."
        )
        assert ANTI_SRP.autoantibody is catalog.ANTI_SRP_ANTIBODY
        assert catalog.ANTI_SRP_ANTIBODY.positivity_term.id == "HP:0033713"

    def test_presentation_is_severe_with_common_extra_muscular_features(self) -> None:
        assert texts(ANTI_SRP) == [
            "Severe muscle involvement.",
            "Extra-muscular features are common in anti-SRP myopathy.",
        ]

    def test_therapy_is_early_intense_immunosuppression_and_ivig_as_placed_on_the_page(
        self,
    ) -> None:
        assert therapy(ANTI_SRP, "immunosuppression").recommendation == (
            "Intense and early immunosuppressant therapy recommended."
        )
        ivig = therapy(ANTI_SRP, "ivig")
        # No reference confirms IVIG's row: it carries the page's placement only,
        # said for a clinician (0.1.0 said "flattened"; that is provenance, in the docs).
        assert ivig.references == ()
        assert ivig.recommendation == "Listed by the source page for anti-SRP myopathy."
        assert ivig.caveat == "No reference cited by the source page confirms it for this form."

    def test_rituximab_is_backed_by_pinal_fernandez_2018(self) -> None:
        # imnm-facts.md section 1: anti-SRP patients "may respond best to immunosuppressive
        # regimens that include rituximab" (Pinal-Fernandez 2018).
        rituximab = therapy(ANTI_SRP, "rituximab")
        assert "regimens that include rituximab" in rituximab.recommendation
        assert rituximab.references == (catalog.PINAL_FERNANDEZ_2018,)


class TestAntiHmgcr:
    def test_serum_shows_autoantibodies_to_hmgcr_with_the_enzymes_full_name(self) -> None:
        # The page writes "hydroxy-3-methylglutaryl-CoA reductase"; imnm-facts.md gives the
        # enzyme's name 3-hydroxy-3-methylglutaryl-CoA reductase.
        assert "3-hydroxy-3-methylglutaryl-CoA reductase (HMGCR)" in ANTI_HMGCR.serum_finding
        assert catalog.ANTI_HMGCR_ANTIBODY.positivity_term.id == "HP:0033708"

    def test_statin_exposure_is_often_associated_but_not_required(self) -> None:
        assert texts(ANTI_HMGCR) == [
            "Anti-HMGCR myopathy is often associated with statin exposure, "
            "but exposure is not required."
        ]

    def test_ivig_may_be_effective_backed_by_pinal_fernandez_and_mammen(self) -> None:
        ivig = therapy(ANTI_HMGCR, "ivig")
        assert "may be an effective treatment" in ivig.recommendation
        assert set(ivig.references) == {catalog.PINAL_FERNANDEZ_2018, catalog.MAMMEN_2015}

    def test_rituximab_stays_where_the_page_puts_it_with_a_caveat_and_no_support(self) -> None:
        rituximab = therapy(ANTI_HMGCR, "rituximab")
        assert rituximab.references == ()
        assert rituximab.caveat is not None
        # 0.1.0's recommendation "Rituximab." stuttered after the name.
        assert rituximab.recommendation == "Listed by the source page for anti-HMGCR myopathy."

    def test_immunosuppression_is_recommended_as_for_anti_srp(self) -> None:
        assert therapy(ANTI_HMGCR, "immunosuppression") == therapy(ANTI_SRP, "immunosuppression")


class TestAutoantibodyNegative:
    def test_no_known_autoantibodies_and_poorly_described(self) -> None:
        assert AUTOANTIBODY_NEGATIVE.autoantibody is None
        assert AUTOANTIBODY_NEGATIVE.serum_finding == "No known autoantibodies in serum."
        assert texts(AUTOANTIBODY_NEGATIVE) == ["Remains poorly described."]

    def test_muscular_dystrophies_and_associated_connective_tissue_diseases_are_ruled_out(
        self,
    ) -> None:
        rule_out = " ".join(AUTOANTIBODY_NEGATIVE.conditions_to_rule_out)
        for condition in (
            "muscular dystrophies",
            "systemic lupus erythematosus",
            "systemic sclerosis",
        ):
            assert condition in rule_out

    def test_the_page_gives_no_therapy_for_it(self) -> None:
        assert AUTOANTIBODY_NEGATIVE.therapies == ()

    def test_it_carries_the_four_complications(self) -> None:
        assert AUTOANTIBODY_NEGATIVE.complications == catalog.COMPLICATIONS


class TestComplications:
    @pytest.mark.parametrize(
        ("complication_id", "hpo_ids", "page_words"),
        [
            ("dysphagia", ["HP:0002015"], "swallowing (dysphagia)"),
            ("breathing-problems", ["HP:0006515", "HP:0002093"], "respiratory insufficiency"),
            ("myocarditis", ["HP:0012819"], "heart (myocarditis)"),
            ("malignancy", ["HP:0002664"], "cancer (malignancies)"),
        ],
    )
    def test_each_complication_of_the_page_has_its_hpo_terms(
        self, complication_id: str, hpo_ids: list[str], page_words: str
    ) -> None:
        complication = catalog.get_complication(complication_id)
        assert [t.id for t in complication.terms] == hpo_ids
        assert page_words in complication.name + complication.description

    def test_complications_are_reported_for_autoantibody_negative_imnm_in_particular(self) -> None:
        # Page: "People with autoantibody-negative IMNM, in particular, may experience: ..."
        for complication in catalog.COMPLICATIONS:
            assert complication.reported_for == {"autoantibody-negative"}
        assert "Rarely in IMNM, complications can occur." in IMNM.complications_statement


class TestReferences:
    @pytest.mark.parametrize(
        ("number", "first_author", "journal", "year", "doi"),
        [
            (1, "Dalakas MC", "N Engl J Med", 2015, "10.1056/NEJMra1402225"),
            (2, "Pinal-Fernandez I", "Curr Rheumatol Rep", 2018, "10.1007/s11926-018-0732-6"),
            (3, "Allenbach Y", "PLoS One", 2015, "10.1371/journal.pone.0133702"),
            (4, "Allenbach Y", "Neuromuscul Disord", 2018, "10.1016/j.nmd.2017.09.016"),
            (5, "Mammen AL", "N Engl J Med", 2015, "10.1056/NEJMc1506163"),
        ],
    )
    def test_the_five_references_in_page_order_with_checked_dois(
        self, number: int, first_author: str, journal: str, year: int, doi: str
    ) -> None:
        ref = catalog.REFERENCES[number - 1]
        assert (ref.authors[0], ref.journal, ref.year, ref.doi) == (
            first_author,
            journal,
            year,
            doi,
        )

    def test_the_first_reference_cites_in_ama_style(self) -> None:
        assert catalog.DALAKAS_2015.citation == (
            "Dalakas MC. Inflammatory Muscle Diseases. N Engl J Med. 2015;372(18):1734-1747. "
            "doi:10.1056/NEJMra1402225"
        )

    def test_the_rituximab_trial_is_flagged_as_about_another_myopathy_and_never_cited(
        self,
    ) -> None:
        # 0.1.0 said "not IMNM"; the library never writes that phrase (issue 18).
        assert catalog.ALLENBACH_2015.note is not None
        assert "anti-synthetase myopathy, another inflammatory myopathy" in (
            catalog.ALLENBACH_2015.note
        )
        assert "not IMNM" not in catalog.ALLENBACH_2015.note
        cited = {ref for obj in walk(IMNM) if obj is not IMNM for ref in _refs(obj)}
        assert catalog.ALLENBACH_2015 not in cited

    def test_the_disease_lists_exactly_the_five_references(self) -> None:
        assert IMNM.references == catalog.REFERENCES
        assert len({r.id for r in catalog.REFERENCES}) == 5


def _refs(obj: object) -> tuple[Reference, ...]:
    return tuple(getattr(obj, "references", ()))


class TestCodes:
    @pytest.mark.parametrize(
        ("curie", "label"),
        [
            ("ORPHA:206569", "Immune-mediated necrotizing myopathy"),
            ("ICD10:G72.4", "Inflammatory myopathy, not elsewhere classified"),
            (
                "ICD10CM:G72.49",
                "Other inflammatory and immune myopathies, not elsewhere classified",
            ),
        ],
    )
    def test_disease_codes_match_the_reference_file(self, curie: str, label: str) -> None:
        assert IMNM.code(curie.partition(":")[0]) == OntologyTerm(id=curie, label=label)

    def test_umls_concept_is_c3267047(self) -> None:
        assert IMNM.code("UMLS").id == "UMLS:C3267047"

    def test_no_unconfirmed_terminology_is_used(self) -> None:
        # imnm-facts.md: MONDO, ICD-11, SNOMED CT and OMIM ids for IMNM are not confirmed.
        prefixes = {t.prefix for t in walk(IMNM) if isinstance(t, OntologyTerm)}
        assert prefixes == {"ORPHA", "ICD10", "ICD10CM", "UMLS", "HP"}

    def test_every_hpo_term_in_the_catalog_matches_the_reference_file(self) -> None:
        expected = {
            "HP:0003701": "Proximal muscle weakness",
            "HP:0003236": "Elevated circulating creatine kinase concentration",
            "HP:0002015": "Dysphagia",
            "HP:0002093": "Respiratory insufficiency",
            "HP:0006515": "Interstitial pneumonitis",
            "HP:0012819": "Myocarditis",
            "HP:0002664": "Neoplasm",
            "HP:0003713": "Muscle fiber necrosis",
            "HP:0033713": "Anti-signal recognition particle antibody positivity",
            "HP:0033708": "Anti-3-hydroxy- 3-methylglutaryl-coA reductase antibody positivity",
            "HP:6000678": "Myositis-specific autoantibody positivity",
        }
        terms = {
            t
            for root in (IMNM, catalog.ELEVATED_CK, catalog.MUSCLE_FIBER_NECROSIS)
            for t in walk(root)
            if isinstance(t, OntologyTerm) and t.prefix == "HP"
        }
        terms.add(catalog.MYOSITIS_SPECIFIC_AUTOANTIBODY)
        assert {t.id: t.label for t in terms} == expected

    def test_every_hpo_term_exists_in_the_bundled_hpo_with_the_same_label(self, hpo: Any) -> None:
        terms = {
            t
            for root in (
                IMNM,
                catalog.ELEVATED_CK,
                catalog.MUSCLE_FIBER_NECROSIS,
                catalog.MYOSITIS_SPECIFIC_AUTOANTIBODY,
            )
            for t in walk(root)
            if isinstance(t, OntologyTerm) and t.prefix == "HP"
        }
        for term in terms:
            assert hpo.get_hpo_object(term.id).name == term.label, term.id


class TestLookups:
    @pytest.mark.parametrize("subtype_id", ["anti-srp", "anti-hmgcr", "autoantibody-negative"])
    def test_get_subtype_finds_each_contract_id(self, subtype_id: str) -> None:
        assert catalog.get_subtype(subtype_id).id == subtype_id

    @pytest.mark.parametrize(
        ("lookup", "items"),
        [
            (catalog.get_subtype, catalog.SUBTYPES),
            (catalog.get_complication, catalog.COMPLICATIONS),
            (catalog.get_reference, catalog.REFERENCES),
            (catalog.get_autoantibody, catalog.AUTOANTIBODIES),
        ],
    )
    def test_every_item_is_found_by_its_id(self, lookup: Any, items: tuple[Any, ...]) -> None:
        for item in items:
            assert lookup(item.id) is item

    def test_an_unknown_id_raises_an_error_listing_the_valid_ids(self) -> None:
        with pytest.raises(UnknownId) as caught:
            catalog.get_subtype("anti-jo1")
        assert str(caught.value) == (
            "unknown subtype id 'anti-jo1'; "
            "valid ids: 'anti-hmgcr', 'anti-srp', 'autoantibody-negative'"
        )
        assert caught.value.valid == ("anti-hmgcr", "anti-srp", "autoantibody-negative")

    def test_unknown_id_is_both_a_key_error_and_an_imnm_error(self) -> None:
        with pytest.raises(KeyError):
            catalog.get_reference("nobody-1999")
        with pytest.raises(ImnmError):
            catalog.get_reference("nobody-1999")

    def test_an_unhashable_id_is_an_unknown_id_not_a_type_error(self) -> None:
        with pytest.raises(UnknownId):
            catalog.get_complication(["dysphagia"])  # type: ignore[arg-type]

    def test_look_up_functions_are_named_for_their_kind(self) -> None:
        assert catalog.get_subtype.__name__ == "get_subtype"
        assert "UnknownId" in (catalog.get_subtype.__doc__ or "")
