from imnm import Findings, Presence, Serology, catalog, classify, criteria
from imnm.cli import _render
from imnm.cli._app import EXAMPLE


def test_a_classification_shows_its_summary_rules_steps_notes_and_sources() -> None:
    result = classify(Findings(anti_srp=Serology.POSITIVE, statin_exposure=Presence.PRESENT))
    text = _render.classification_markdown(result)
    assert text.startswith(f"# {result.summary}\n")
    for rule in result.explanation:
        assert rule.criterion.title in text
        assert rule.detail in text
    assert result.next_steps
    for step in result.next_steps:
        assert f"- {step}" in text
    for note in result.notes:
        assert note.text in text
    for reference in result.references:
        assert reference.doi in text
    assert f"*{result.disclaimer}*" in text


def test_a_classification_shows_every_finding_value() -> None:
    text = _render.classification_markdown(classify(Findings(anti_hmgcr=Serology.POSITIVE)))
    assert "| `anti_hmgcr` | positive |" in text
    assert "| `muscle_biopsy` | not_done |" in text


def test_caveats_of_the_rules_are_shown() -> None:
    text = _render.classification_markdown(classify(Findings(anti_srp=Serology.POSITIVE)))
    caveat = criteria.get_criterion("anti-srp-serology").caveat
    assert caveat is not None
    assert caveat in text


def test_references_are_numbered_locally_in_the_order_first_cited() -> None:
    # 0.1.0 kept the source page's numbers, so a lone ENMC citation read "[4]".
    assert catalog.REFERENCES.index(catalog.ALLENBACH_2018) == 3
    text = _render.classification_markdown(classify(EXAMPLE))
    assert "| [1] |" in text
    assert f"- [1] {catalog.ALLENBACH_2018.citation}" in text
    assert "[4]" not in text
    subtype_text = _render.subtype_markdown(catalog.ANTI_HMGCR)
    assert "[1, 2]" in subtype_text
    assert f"- [2] {catalog.MAMMEN_2015.citation}" in subtype_text
    assert "- [3]" not in subtype_text


def test_the_disease_page_holds_every_code_form_complication_rule_and_reference() -> None:
    text = _render.disease_markdown()
    for term in catalog.IMNM.codes:
        assert f"| {term.id} | {term.label} |" in text
    for subtype in catalog.SUBTYPES:
        assert f"### {subtype.name} (`{subtype.id}`)" in text
    for complication in catalog.COMPLICATIONS:
        assert f"### {complication.name}" in text
    assert "### Difficulties with swallowing (dysphagia)\n" in text  # not "(`dysphagia`)" too
    assert "### Increased risk of cancer (malignancies) (`malignancy`)\n" in text
    for criterion in criteria.CRITERIA:
        assert f"(`{criterion.id}`)" in text
    for number, reference in enumerate(catalog.REFERENCES, 1):
        assert f"- [{number}] {reference.citation}" in text
    assert text.rstrip().endswith(_render.DISCLAIMER)


def test_a_subtype_page_shows_therapies_caveats_and_what_to_rule_out() -> None:
    srp = _render.subtype_markdown(catalog.ANTI_SRP, level=2)
    assert srp.startswith("## Anti-SRP myopathy (`anti-srp`)")
    for therapy in catalog.ANTI_SRP.therapies:
        assert therapy.recommendation in srp
        if therapy.caveat is not None:
            assert therapy.caveat in srp
    assert catalog.ANTI_SRP_ANTIBODY.positivity_term.id in srp
    seronegative = _render.subtype_markdown(catalog.AUTOANTIBODY_NEGATIVE)
    for condition in catalog.AUTOANTIBODY_NEGATIVE.conditions_to_rule_out:
        assert f"- {condition}" in seronegative
    for complication in catalog.AUTOANTIBODY_NEGATIVE.complications:
        assert f"- {complication.name}\n" in seronegative
    assert "References" not in seronegative


def test_forms_not_named_for_complications_do_not_read_as_having_none() -> None:
    # 0.1.0 showed "Complications reported" under the seronegative form only.
    for subtype in (catalog.ANTI_SRP, catalog.ANTI_HMGCR):
        text = _render.subtype_markdown(subtype)
        assert "## Complications" in text
        assert "does not mean this form has none" in text
        for complication in catalog.COMPLICATIONS:
            assert complication.name.lower() in text.lower()
    assert "Complications reported" not in _render.disease_markdown()


def test_the_complications_page_gives_each_hpo_term() -> None:
    text = _render.complications_markdown()
    assert catalog.IMNM.complications_statement in text
    for complication in catalog.COMPLICATIONS:
        for term in complication.terms:
            assert f"{term.id} {term.label}" in text


def test_the_criteria_page_gives_each_rule_its_source_and_caveat() -> None:
    text = _render.criteria_markdown(level=2)
    assert text.startswith("## Classification criteria")
    for criterion in criteria.CRITERIA:
        assert criterion.description in text
        if criterion.caveat is not None:
            assert criterion.caveat in text
    assert f"- [1] {catalog.ALLENBACH_2018.citation}" in text


def test_the_references_page_lists_each_reference_with_its_note() -> None:
    text = _render.references_markdown(catalog.REFERENCES)
    for reference in catalog.REFERENCES:
        assert reference.url in text
    assert catalog.ALLENBACH_2015.note is not None
    assert catalog.ALLENBACH_2015.note in text
