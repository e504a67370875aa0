from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imnm import (
    Autoantibody,
    Complication,
    ImnmError,
    InvalidValue,
    OntologyTerm,
    Reference,
    Statement,
    Subtype,
    UnknownId,
)
from imnm.catalog import IMNM


def make_reference(**overrides: object) -> Reference:
    fields: dict[str, object] = {
        "id": "doe-2020",
        "authors": ("Doe J", "Roe R"),
        "title": "A study",
        "journal": "J Test",
        "year": 2020,
        "volume": "12",
        "issue": "3",
        "pages": "45-67",
        "doi": "10.1000/test.123",
    }
    fields.update(overrides)
    return Reference(**fields)  # type: ignore[arg-type]


class TestReference:
    def test_citation_follows_ama_order_of_authors_title_journal_locator_doi(self) -> None:
        assert make_reference().citation == (
            "Doe J, Roe R. A study. J Test. 2020;12(3):45-67. doi:10.1000/test.123"
        )

    def test_citation_without_issue_or_pages_leaves_them_out(self) -> None:
        ref = make_reference(issue=None, pages=None)
        assert ref.citation == "Doe J, Roe R. A study. J Test. 2020;12. doi:10.1000/test.123"

    def test_citation_keeps_a_title_that_already_ends_in_punctuation(self) -> None:
        assert "Why? J Test." in make_reference(title="Why?").citation

    def test_citation_abbreviates_more_than_six_authors_to_three_and_et_al(self) -> None:
        ref = make_reference(authors=tuple(f"Author{n} A" for n in range(7)))
        assert ref.citation.startswith("Author0 A, Author1 A, Author2 A, et al. A study.")

    def test_citation_says_et_al_when_the_author_list_is_known_to_be_partial(self) -> None:
        ref = make_reference(authors=("A A", "B B", "C C", "D D"), more_authors=True)
        assert ref.citation.startswith("A A, B B, C C, et al. ")

    def test_url_resolves_the_doi_through_doi_org(self) -> None:
        assert make_reference().url == "https://doi.org/10.1000/test.123"

    @pytest.mark.parametrize(
        "doi",
        ["", "doi:10.1000/x", "https://doi.org/10.1000/x", "10.12/x", "10.1000/", "11.1000/x"],
    )
    def test_a_malformed_doi_is_refused_naming_the_field(self, doi: str) -> None:
        with pytest.raises(InvalidValue, match=r"^doi: must be a DOI") as caught:
            make_reference(doi=doi)
        assert caught.value.field == "doi"
        assert caught.value.value == doi

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", ""),
            ("title", "   "),
            ("journal", 3),
            ("year", 0),
            ("year", True),
            ("year", "2020"),
            ("authors", ()),
            ("authors", ["Doe J"]),
            ("id", "Not An Id"),
            ("pages", "forty"),
            ("more_authors", "yes"),
        ],
    )
    def test_a_bad_value_is_refused_with_the_field_named(self, field: str, value: object) -> None:
        with pytest.raises(InvalidValue) as caught:
            make_reference(**{field: value})
        assert caught.value.field == field
        assert str(caught.value).startswith(f"{field}: ")

    def test_an_empty_author_inside_the_tuple_is_refused_with_its_index(self) -> None:
        with pytest.raises(InvalidValue, match=r"^authors\[1\]: must be a non-empty string"):
            make_reference(authors=("Doe J", " "))

    def test_invalid_value_is_an_imnm_error_and_a_value_error(self) -> None:
        with pytest.raises(ImnmError):
            make_reference(title="")
        with pytest.raises(ValueError, match="title"):
            make_reference(title="")

    @given(
        registrant=st.from_regex(r"\A[0-9]{4,9}\Z"),
        suffix=st.from_regex(r"\A[-._;()/:A-Za-z0-9]{1,30}\Z"),
    )
    def test_every_well_formed_doi_builds(self, registrant: str, suffix: str) -> None:
        doi = f"10.{registrant}/{suffix}"
        assert make_reference(doi=doi).url == f"https://doi.org/{doi}"

    @given(
        st.text(max_size=40).filter(
            lambda s: not re.fullmatch(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+", s)
        )
    )
    def test_every_string_that_is_not_a_doi_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidValue):
            make_reference(doi=text)


class TestOntologyTerm:
    @pytest.mark.parametrize(
        "curie",
        ["HP:0003701", "ORPHA:206569", "ICD10:G72.4", "ICD10CM:G72.49", "UMLS:C3267047", "MONDO:1"],
    )
    def test_well_formed_curies_are_accepted(self, curie: str) -> None:
        assert OntologyTerm(id=curie, label="x").id == curie

    @pytest.mark.parametrize(
        "curie",
        [
            "",
            "HP0003701",
            "HP:",
            ":0003701",
            "HP:000370",
            "HP:00037011",
            "HP:0003701 ",
            "ORPHA:0",
            "ICD10:72.4",
            "UMLS:3267047",
            "1HP:0003701",
        ],
    )
    def test_malformed_curies_are_refused_naming_the_field(self, curie: str) -> None:
        with pytest.raises(InvalidValue, match=r"^id: "):
            OntologyTerm(id=curie, label="x")

    def test_prefix_and_local_id_split_the_curie_at_the_colon(self) -> None:
        term = OntologyTerm(id="HP:0003701", label="Proximal muscle weakness")
        assert (term.prefix, term.local_id) == ("HP", "0003701")

    @given(st.from_regex(r"\AHP:[0-9]{7}\Z"))
    def test_any_seven_digit_hpo_id_builds(self, curie: str) -> None:
        assert OntologyTerm(id=curie, label="term").prefix == "HP"

    def test_an_hpo_id_with_non_ascii_digits_is_refused(self) -> None:
        with pytest.raises(InvalidValue, match=r"^id: must be a CURIE"):
            OntologyTerm(id="HP:000000\u0660", label="term")

    @given(st.text(max_size=20).filter(lambda s: ":" not in s))
    def test_a_string_without_a_colon_is_never_a_curie(self, text: str) -> None:
        with pytest.raises(InvalidValue):
            OntologyTerm(id=text, label="term")


class TestImmutability:
    def test_assigning_to_a_field_raises(self) -> None:
        term = OntologyTerm(id="HP:0003701", label="Proximal muscle weakness")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            term.label = "changed"  # type: ignore[misc]

    def test_instances_have_no_dict_because_they_are_slotted(self) -> None:
        assert not hasattr(make_reference(), "__dict__")

    def test_equal_values_make_equal_instances_with_equal_hashes(self) -> None:
        assert make_reference() == make_reference()
        assert hash(make_reference()) == hash(make_reference())
        assert make_reference() != make_reference(year=2021)

    def test_evolve_validates_the_new_value(self) -> None:
        with pytest.raises(InvalidValue, match=r"^doi: "):
            attrs.evolve(make_reference(), doi="not a doi")

    def test_evolve_with_a_good_value_gives_a_new_equal_shaped_instance(self) -> None:
        changed = attrs.evolve(make_reference(), year=2021)
        assert changed.year == 2021
        assert make_reference().year == 2020

    def test_fields_are_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            OntologyTerm("HP:0003701", "Proximal muscle weakness")  # type: ignore[call-arg]


class TestOtherModels:
    def test_statement_requires_text_and_references_as_a_tuple(self) -> None:
        with pytest.raises(InvalidValue, match=r"^text: "):
            Statement(text="")
        with pytest.raises(InvalidValue, match=r"^references: must be a tuple"):
            Statement(text="x", references=[make_reference()])  # type: ignore[arg-type]

    def test_autoantibody_needs_an_ontology_term_for_positivity(self) -> None:
        with pytest.raises(InvalidValue, match=r"^positivity_term: must be an OntologyTerm"):
            Autoantibody(id="anti-x", name="anti-X", target_antigen="X", positivity_term="HP:1")  # type: ignore[arg-type]

    def test_complication_refuses_a_subtype_id_that_does_not_exist(self) -> None:
        with pytest.raises(
            InvalidValue, match=r"^reported_for: holds unknown subtype id \['anti-jo1'\]"
        ):
            Complication(
                id="x",
                name="X",
                description="X.",
                terms=(OntologyTerm(id="HP:0002015", label="Dysphagia"),),
                reported_for=frozenset({"anti-jo1"}),
            )

    def test_complication_refuses_a_mutable_set_of_subtypes(self) -> None:
        with pytest.raises(InvalidValue, match=r"^reported_for: must be a frozenset"):
            Complication(
                id="x",
                name="X",
                description="X.",
                terms=(OntologyTerm(id="HP:0002015", label="Dysphagia"),),
                reported_for={"anti-srp"},  # type: ignore[arg-type]
            )

    @pytest.mark.parametrize("subtype_id", ["anti-jo1", "Anti-SRP", ["anti-srp"]])
    def test_subtype_id_must_be_one_of_the_three_contract_ids(self, subtype_id: object) -> None:
        with pytest.raises(InvalidValue, match=r"^id: must be a subtype id, one of 'anti-hmgcr'"):
            Subtype(
                id=subtype_id,  # type: ignore[arg-type]
                name="X",
                autoantibody=None,
                serum_finding="X.",
                presentation=(Statement(text="X."),),
            )

    def test_disease_code_finds_a_code_by_terminology_prefix(self) -> None:
        assert IMNM.code("ORPHA").id == "ORPHA:206569"

    def test_disease_code_for_an_absent_terminology_lists_the_known_prefixes(self) -> None:
        with pytest.raises(UnknownId, match="unknown terminology id 'MONDO'; valid ids: 'ICD10'"):
            IMNM.code("MONDO")
