"""Hypothesis strategies for imnm's objects, shared by the tests (as attrs' tests do).

Each strategy draws valid objects; the Findings strategy is derived from the
model (one ``sampled_from`` per field, read off ``attrs.fields``), so a new
field is exercised without a change here.
"""

from __future__ import annotations

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
from imnm.model import SUBTYPE_IDS

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
)

OBJECTS: dict[type, st.SearchStrategy[Any]] = {
    Autoantibody: autoantibodies,
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
