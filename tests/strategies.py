"""Hypothesis strategies for imnm's objects, shared by the tests (as attrs' tests do).

Each strategy draws valid objects; the Findings strategy is derived from the
model (one ``sampled_from`` per field, read off ``attrs.fields``), so a new
field is exercised without a change here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from imnm import (
    Autoantibody,
    Classification,
    Complication,
    Criterion,
    Disease,
    Findings,
    OntologyTerm,
    Outcome,
    Reference,
    RuleResult,
    Statement,
    Subtype,
    Therapy,
    catalog,
    classify,
    criteria,
)
from imnm.classifier import CriteriaStatus
from imnm.combined import SideBySide, divergences, side_by_side
from imnm.errors import ImnmError
from imnm.iim import (
    AGE_LIMIT,
    ITEMS,
    NOTES,
    BiopsyFeatures,
    IIMAssessment,
    IIMCategory,
    IIMFindings,
    ItemResult,
    ItemStatus,
    assess,
)
from imnm.model import SUBTYPE_IDS
from imnm.ruleset import DISCLAIMER, IIM_RULESET, RULESET, RULESET_V1, RuleSet

texts = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).filter(str.strip)
slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
curies = st.from_regex(
    r"HP:[0-9]{7}|ORPHA:[1-9][0-9]{0,5}|ICD10:[A-Z][0-9]{2}(\.[0-9])?|UMLS:C[0-9]{7}|MONDO:[0-9]{7}",
    fullmatch=True,
)


def small_tuples(elements: st.SearchStrategy[Any], min_size: int = 0) -> st.SearchStrategy[Any]:
    return st.lists(elements, min_size=min_size, max_size=3).map(tuple)


def optional(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | elements


def enum_fields(cls: type) -> dict[str, st.SearchStrategy[Any]]:
    """One strategy per field of *cls*, each drawing from the field's enum."""
    attrs.resolve_types(cls)
    return {field.name: st.sampled_from(field.type) for field in attrs.fields(cls)}


references = st.builds(
    Reference,
    id=slugs,
    authors=small_tuples(texts, min_size=1),
    more_authors=st.booleans(),
    title=texts,
    journal=texts,
    year=st.integers(1, 10**6),
    volume=optional(texts),
    issue=optional(texts),
    pages=optional(st.from_regex(r"[A-Za-z]?[0-9]{1,4}(-[0-9]{1,4})?", fullmatch=True)),
    doi=st.from_regex(r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]{1,12}", fullmatch=True),
    note=optional(texts),
)
ontology_terms = st.builds(OntologyTerm, id=curies, label=texts)
statements = st.builds(Statement, text=texts, references=small_tuples(references))
autoantibodies = st.builds(
    Autoantibody, id=slugs, name=texts, target_antigen=texts, positivity_term=ontology_terms
)
therapies = st.builds(
    Therapy,
    id=slugs,
    name=texts,
    recommendation=texts,
    references=small_tuples(references),
    caveat=optional(texts),
)
complications = st.builds(
    Complication,
    id=slugs,
    name=texts,
    description=texts,
    terms=small_tuples(ontology_terms, min_size=1),
    reported_for=st.frozensets(st.sampled_from(sorted(SUBTYPE_IDS))),
)
subtypes = st.builds(
    Subtype,
    id=st.sampled_from(sorted(SUBTYPE_IDS)),
    name=texts,
    autoantibody=optional(autoantibodies),
    serum_finding=texts,
    presentation=small_tuples(statements, min_size=1),
    therapies=small_tuples(therapies),
    conditions_to_rule_out=small_tuples(texts),
    complications=small_tuples(complications),
)
criteria_ = st.builds(
    Criterion,
    id=texts,
    title=texts,
    description=texts,
    references=small_tuples(references, min_size=1),
    caveat=optional(texts),
)
diseases = st.builds(
    Disease,
    name=texts,
    abbreviation=texts,
    codes=small_tuples(ontology_terms),
    hallmark=ontology_terms,
    facts=small_tuples(statements),
    subtypes=small_tuples(subtypes, min_size=1),
    complications=small_tuples(complications),
    complications_statement=texts,
    references=small_tuples(references),
) | st.just(catalog.IMNM)
findings = st.builds(Findings, **enum_fields(Findings))
"""Every Findings: each field drawn from its enum."""
# A classification names catalog entities by id, so it may hold only the catalog's own.
catalog_statements = st.builds(
    Statement, text=texts, references=small_tuples(st.sampled_from(catalog.REFERENCES))
)


def later_rulesets(current: RuleSet) -> st.SearchStrategy[RuleSet]:
    """Rule sets of *current*'s criteria with a version this release does not have."""
    return st.builds(
        RuleSet,
        id=st.just(current.id),
        version=st.integers(current.version + 1, 99),
        digest=optional(st.text("0123456789abcdef", min_size=64, max_size=64)),
    )


# Only classify() gives a classification by the current rule set (reading one
# re-derives it); any other is a historical record of another rule set version,
# which keeps the words of its disclaimer, whatever they were.
historical_rulesets = st.just(RULESET_V1) | later_rulesets(RULESET)
disclaimers = st.just(DISCLAIMER) | texts
classifications = findings.map(classify) | st.builds(
    Classification,
    findings=findings,
    subtype=optional(st.sampled_from(catalog.SUBTYPES)),
    criteria=st.sampled_from(CriteriaStatus),
    explanation=small_tuples(
        st.builds(
            RuleResult,
            criterion=st.sampled_from(criteria.CRITERIA),
            outcome=st.sampled_from(Outcome),
            detail=texts,
        ),
        min_size=1,
    ),
    next_steps=small_tuples(texts),
    notes=small_tuples(catalog_statements),
    ruleset=historical_rulesets,
    disclaimer=disclaimers,
)

biopsy_features = st.builds(BiopsyFeatures, **enum_fields(BiopsyFeatures))
iim_findings = st.builds(
    IIMFindings,
    age_at_onset=optional(st.integers(0, AGE_LIMIT)),
    biopsy=optional(biopsy_features),
    **{
        name: value
        for name, value in enum_fields(IIMFindings).items()
        if name not in ("age_at_onset", "biopsy")
    },
)
"""Every IIMFindings: an age or None, each item from its enum, biopsy data or None."""
scores = st.integers(0, 318).map(lambda tenths: Decimal(tenths).scaleb(-1))
# An assessment names the items and notes by id, so it may hold only imnm.iim's own.
iim_assessments = iim_findings.map(assess) | st.builds(
    IIMAssessment,
    findings=iim_findings,
    with_biopsy=st.booleans(),
    score_low=scores,
    score_high=scores,
    category=st.sampled_from(IIMCategory),
    items=small_tuples(
        st.builds(
            ItemResult,
            item=st.sampled_from(ITEMS),
            status=st.sampled_from(ItemStatus),
            weight=scores,
        ),
        min_size=1,
    ),
    next_steps=small_tuples(texts),
    notes=small_tuples(st.sampled_from(NOTES)),
    ruleset=later_rulesets(IIM_RULESET),  # as above: only assess() gives a current one
    disclaimer=disclaimers,
)


def _side_by_side(pair: tuple[Findings, IIMFindings]) -> SideBySide | None:
    try:
        return side_by_side(*pair)
    except ImnmError:  # a contradiction between the two sets of findings
        return None


def _consistent(both: SideBySide) -> SideBySide:
    """*both*, with the divergences of its parts when both are current (reading checks them)."""
    if both.classification.historical or both.assessment.historical:
        return both
    return attrs.evolve(both, divergences=divergences(both.classification, both.assessment))


sides_by_side = st.tuples(findings, iim_findings).map(_side_by_side).filter(
    lambda both: both is not None
) | st.builds(
    SideBySide,
    classification=classifications,
    assessment=iim_assessments,
    derived=small_tuples(texts),
    divergences=small_tuples(texts),
).map(_consistent)

OBJECTS: dict[type, st.SearchStrategy[Any]] = {
    Autoantibody: autoantibodies,
    IIMAssessment: iim_assessments,
    IIMFindings: iim_findings,
    SideBySide: sides_by_side,
    Classification: classifications,
    Complication: complications,
    Criterion: criteria_,
    Disease: diseases,
    Findings: findings,
    OntologyTerm: ontology_terms,
    Reference: references,
    Statement: statements,
    Subtype: subtypes,
    Therapy: therapies,
}
