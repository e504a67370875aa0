"""Which HPO term stands for which finding: the table both exports share.

Only terms of ``imnm-facts.md`` section 3, through the catalog constants.
Statin exposure and extra-muscular features have no term there, so no export
carries them.
"""

from __future__ import annotations

import enum

import attrs

from .. import catalog, criteria
from .._shown import bounded_repr
from ..classifier import Classification
from ..errors import InvalidFindings, InvalidValue
from ..findings import Biopsy, Findings, Presence, Serology
from ..model import OntologyTerm


@attrs.frozen(kw_only=True)
class Feature:
    """How one :class:`~imnm.Findings` field maps to an HPO term.

    Attributes:
        field: The findings field.
        term: The HPO term.
        observed: The value the term, observed, stands for.
        excluded: The value the term, excluded, stands for.
        writes_excluded: Whether an export writes ``excluded`` as the term
            excluded; False when the term excluded says more than the value.
    """

    field: str
    term: OntologyTerm
    observed: enum.Enum
    excluded: enum.Enum
    writes_excluded: bool = True


def _presence(field: str, term: OntologyTerm) -> Feature:
    return Feature(field=field, term=term, observed=Presence.PRESENT, excluded=Presence.ABSENT)


def _serology(field: str, term: OntologyTerm) -> Feature:
    return Feature(field=field, term=term, observed=Serology.POSITIVE, excluded=Serology.NEGATIVE)


_F = attrs.fields(Findings)

FEATURES: tuple[Feature, ...] = (
    _presence(_F.proximal_weakness.name, catalog.PROXIMAL_MUSCLE_WEAKNESS),
    _presence(_F.elevated_ck.name, catalog.ELEVATED_CK),
    *(_serology(antibody.field, antibody.term) for antibody in criteria.ANTIBODIES),
    # A necrotizing biopsy shows necrotic fibres, so the term observed is true
    # of it.  A non-necrotizing biopsy means necrosis does not predominate, not
    # that no fibre is necrotic: writing the term excluded would claim more than
    # the finding says, so the export leaves it out.  Read back, the term
    # excluded (no necrotic fibre at all) does mean the biopsy is not
    # necrotizing.
    Feature(
        field=_F.muscle_biopsy.name,
        term=catalog.MUSCLE_FIBER_NECROSIS,
        observed=Biopsy.NECROTIZING,
        excluded=Biopsy.NON_NECROTIZING,
        writes_excluded=False,
    ),
)

#: The features by HPO id, for reading.
BY_TERM_ID: dict[str, Feature] = {feature.term.id: feature for feature in FEATURES}


def written(findings: Findings) -> tuple[tuple[OntologyTerm, bool], ...]:
    """The HPO terms an export writes for *findings*, each with ``excluded``."""
    terms = []
    for feature in FEATURES:
        value = getattr(findings, feature.field)
        if value is feature.observed:
            terms.append((feature.term, False))
        elif value is feature.excluded and feature.writes_excluded:
            terms.append((feature.term, True))
    return tuple(terms)


def check_inputs(findings: object, classification: object, **texts: object) -> None:
    """Refuse inputs an export cannot describe truthfully.

    Raises:
        InvalidFindings: *findings* is not a Findings, or *classification* is
            not a Classification of them.
        InvalidValue: One of *texts* is not a non-empty string.
    """
    if not isinstance(findings, Findings):
        raise InvalidFindings(
            f"expected a Findings; got {type(findings).__name__}: {bounded_repr(findings)}"
        )
    if not isinstance(classification, Classification):
        raise InvalidFindings(
            f"expected a Classification; got {type(classification).__name__}: "
            f"{bounded_repr(classification)}"
        )
    if classification.findings != findings:
        raise InvalidFindings("the classification is not of these findings")
    for name, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            raise InvalidValue(name, value, "must be a non-empty string")
