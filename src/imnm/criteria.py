"""The classification rules as data: what each form of IMNM requires, and why.

Source of every rule: the 224th ENMC International Workshop classification of
immune-mediated necrotizing myopathies (Allenbach et al., Neuromuscul Disord
2018;28:87-99), as summarised in the project's reference file, and the
classifier contract built on it.  :func:`imnm.classify` reads these tables; it
holds no medical rule of its own.

Three tables:

* :data:`SEROLOGY_RULES` decide the subtype from the three antibody results.
  Exactly one rule matches any combination of results.
* :data:`REQUIREMENTS` are the clinical items a classification needs
  (elevated CK, proximal weakness, and for the seronegative form a necrotizing
  biopsy).
* :data:`NOTE_RULES` attach catalog statements for findings that inform but
  never change the classification (statin exposure, extra-muscular features).
"""

from __future__ import annotations

import enum

import attrs

from . import _validators as v
from ._lookup import by_id
from .catalog import (
    ALLENBACH_2018,
    ANTI_HMGCR,
    ANTI_SRP,
    AUTOANTIBODY_NEGATIVE,
    ELEVATED_CK,
    EXTRAMUSCULAR_COMMON_IN_ANTI_SRP,
    EXTRAMUSCULAR_SUGGESTS_OTHER_IIM,
    MUSCLE_FIBER_NECROSIS,
    PROXIMAL_MUSCLE_WEAKNESS,
    STATIN_ASSOCIATION,
)
from .findings import Biopsy, Findings, Presence, Serology
from .model import SUBTYPE_IDS, OntologyTerm, Reference, Statement, Subtype

__all__ = [
    "CRITERIA",
    "NOTE_RULES",
    "REQUIREMENTS",
    "SEROLOGY_RULES",
    "UNTESTED_SEROLOGY_STEPS",
    "Criterion",
    "NoteRule",
    "Outcome",
    "Requirement",
    "SerologyRule",
    "get_criterion",
]


class Outcome(enum.Enum):
    """How one criterion fared against a patient's findings."""

    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class Criterion:
    """One rule of the classification, in words a clinician reads.

    Attributes:
        id: Stable wire id, e.g. ``"elevated-ck"``.
        title: Short name of the rule.
        description: What the rule says.
        references: The published sources it comes from.
        caveat: What the project could not confirm about the rule, if anything.
    """

    id: str = attrs.field(validator=v.text)
    title: str = attrs.field(validator=v.text)
    description: str = attrs.field(validator=v.text)
    references: tuple[Reference, ...] = attrs.field(
        validator=v.tuple_of(Reference, "a Reference", non_empty=True)
    )
    caveat: str | None = attrs.field(default=None, validator=v.optional_text)


_ANY = frozenset(Serology)
_POS = frozenset({Serology.POSITIVE})
_NEG = frozenset({Serology.NEGATIVE})
_UNTESTED = frozenset({Serology.NOT_TESTED})
_NOT_POS = frozenset({Serology.NEGATIVE, Serology.NOT_TESTED})

#: One allowed-value set per antibody, in the order anti-SRP, anti-HMGCR, other MSA.
SerologyPattern = tuple[frozenset[Serology], frozenset[Serology], frozenset[Serology]]


@attrs.frozen(kw_only=True)
class SerologyRule:
    """A rule deciding the subtype from the three antibody results.

    Attributes:
        criterion: The rule in words, with its source.
        subtype: The subtype it assigns, or None.
        outcome: How the serology criterion fares when this rule fires.
        patterns: The results it matches; it fires when any pattern matches.
        next_step: What to do next when this rule fires, if anything.
    """

    criterion: Criterion
    subtype: Subtype | None
    outcome: Outcome
    patterns: tuple[SerologyPattern, ...]
    next_step: str | None = None

    def matches(self, findings: Findings) -> bool:
        """Whether this rule fires for *findings*."""
        results = (findings.anti_srp, findings.anti_hmgcr, findings.other_msa)
        return any(
            all(r in allowed for r, allowed in zip(results, p, strict=True)) for p in self.patterns
        )


@attrs.frozen(kw_only=True)
class Requirement:
    """A clinical item that a classification needs.

    Attributes:
        criterion: The item in words, with its source.
        field: The :class:`~imnm.Findings` field it reads.
        satisfied_by: The value that satisfies it.
        refuted_by: The value that shows it is missing.
        subtypes: Ids of the subtypes it applies to; None for all (and for no subtype).
        finding: The finding it reads, as a clinician names it.
        term: The HPO term of the finding.
        next_step: What to do when the value is unknown.
    """

    criterion: Criterion
    field: str
    satisfied_by: enum.Enum
    refuted_by: enum.Enum
    subtypes: frozenset[str] | None
    finding: str
    term: OntologyTerm
    next_step: str

    def applies_to(self, subtype: Subtype | None) -> bool:
        """Whether the requirement counts for *subtype*."""
        return self.subtypes is None or (subtype is not None and subtype.id in self.subtypes)

    def evaluate(self, findings: Findings) -> Outcome:
        """How *findings* fare against the requirement."""
        value = getattr(findings, self.field)
        if value is self.satisfied_by:
            return Outcome.SATISFIED
        if value is self.refuted_by:
            return Outcome.NOT_SATISFIED
        return Outcome.UNKNOWN


@attrs.frozen(kw_only=True)
class NoteRule:
    """A finding that adds a catalog statement to the result, never changing it.

    Attributes:
        field: The :class:`~imnm.Findings` field it reads.
        values: The values that trigger it.
        subtypes: The subtype ids (None for no subtype) it applies to.
        statement: The catalog statement it adds.
    """

    field: str
    values: frozenset[enum.Enum]
    subtypes: frozenset[str | None]
    statement: Statement

    def applies(self, findings: Findings, subtype: Subtype | None) -> bool:
        """Whether the note belongs on the result for *findings*."""
        subtype_id = None if subtype is None else subtype.id
        return getattr(findings, self.field) in self.values and subtype_id in self.subtypes


_ENMC = (ALLENBACH_2018,)
# Caveats, written for the clinician who reads a result: what is uncertain and
# why.  Each is a point imnm-facts.md section 2 marks UNCONFIRMED (widely cited
# from the ENMC report, or not stated in the project's sources at all); how the
# project checked its sources is on the documentation's provenance page.
_BIOPSY_NOT_MANDATORY = (
    "that a muscle biopsy is not required for this form is widely cited from the ENMC "
    "report but not confirmed from its full text"
)
_ANTI_SRP_CAVEAT = (
    "Unconfirmed: that anti-SRP myopathy requires elevated CK, proximal weakness and the "
    f"antibody, as anti-HMGCR myopathy does, and {_BIOPSY_NOT_MANDATORY}."
)
_ANTI_HMGCR_CAVEAT = f"Unconfirmed: {_BIOPSY_NOT_MANDATORY}."
_OTHER_MSA_CAVEAT = (
    "Unconfirmed: how the ENMC report handles a positive myositis-specific autoantibody "
    "other than anti-SRP and anti-HMGCR. The source page says such a finding suggests "
    "another type of idiopathic inflammatory myopathy; the criteria count as not met, "
    "which does not rule IMNM out."
)
_CONFLICTING_CAVEAT = (
    "Unconfirmed: how the ENMC report treats patients positive for more than one "
    "myositis-specific autoantibody. Such results are unusual: most patients with an "
    "autoimmune myopathy have a single one (J Neuromuscul Dis 2018)."
)
_INCOMPLETE_CAVEAT = (
    "Unconfirmed: how the ENMC report treats incomplete serology. No subtype is assigned "
    "until anti-SRP and anti-HMGCR are both known."
)
_HYPERCKEMIA_CAVEAT = (
    "Unconfirmed: how the ENMC report classifies antibody-positive patients with an "
    "elevated CK but no weakness (hyperCKemia). Absent weakness counts as not met, which "
    "does not rule IMNM out: weakness can appear later."
)
_NECROTIZING_CAVEAT = (
    "Unconfirmed: the biopsy requirement for autoantibody-negative IMNM is widely cited "
    "from the ENMC report but not confirmed from its full text."
)


def _serology_criterion(
    criterion_id: str, title: str, description: str, caveat: str | None = None
) -> Criterion:
    return Criterion(
        id=criterion_id, title=title, description=description, references=_ENMC, caveat=caveat
    )


SEROLOGY_RULES: tuple[SerologyRule, ...] = (
    SerologyRule(
        criterion=_serology_criterion(
            "anti-srp-serology",
            "Anti-SRP positive",
            "Anti-SRP positive, with anti-HMGCR and other myositis-specific autoantibodies not "
            "positive: the serology of anti-SRP myopathy.",
            _ANTI_SRP_CAVEAT,
        ),
        subtype=ANTI_SRP,
        outcome=Outcome.SATISFIED,
        patterns=((_POS, _NOT_POS, _NOT_POS),),
    ),
    SerologyRule(
        criterion=_serology_criterion(
            "anti-hmgcr-serology",
            "Anti-HMGCR positive",
            "Anti-HMGCR positive, with anti-SRP and other myositis-specific autoantibodies not "
            "positive: the serology of anti-HMGCR myopathy.",
            _ANTI_HMGCR_CAVEAT,
        ),
        subtype=ANTI_HMGCR,
        outcome=Outcome.SATISFIED,
        patterns=((_NOT_POS, _POS, _NOT_POS),),
    ),
    SerologyRule(
        criterion=_serology_criterion(
            "seronegative-serology",
            "Anti-SRP and anti-HMGCR negative",
            "Anti-SRP and anti-HMGCR both tested negative, and no other myositis-specific "
            "autoantibody positive: the serology of autoantibody-negative IMNM.",
        ),
        subtype=AUTOANTIBODY_NEGATIVE,
        outcome=Outcome.SATISFIED,
        patterns=((_NEG, _NEG, _NOT_POS),),
    ),
    SerologyRule(
        criterion=_serology_criterion(
            "other-msa-serology",
            "Another myositis-specific autoantibody positive",
            "Only a myositis-specific autoantibody other than anti-SRP and anti-HMGCR is "
            "positive: this suggests another type of idiopathic inflammatory myopathy.",
            _OTHER_MSA_CAVEAT,
        ),
        subtype=None,
        outcome=Outcome.NOT_SATISFIED,
        patterns=((_NOT_POS, _NOT_POS, _POS),),
        next_step="Consider another type of idiopathic inflammatory myopathy.",
    ),
    SerologyRule(
        criterion=_serology_criterion(
            "conflicting-serology",
            "Two or more myositis-specific autoantibodies positive",
            "Two or more myositis-specific autoantibodies are positive: the subtype cannot be "
            "assigned.",
            _CONFLICTING_CAVEAT,
        ),
        subtype=None,
        outcome=Outcome.UNKNOWN,
        patterns=((_POS, _POS, _ANY), (_POS, _ANY, _POS), (_ANY, _POS, _POS)),
        next_step="Repeat or confirm the autoantibody tests: two or more are positive.",
    ),
    SerologyRule(
        criterion=_serology_criterion(
            "incomplete-serology",
            "Anti-SRP or anti-HMGCR not tested",
            "No antibody is positive, but anti-SRP or anti-HMGCR has not been tested: the "
            "subtype cannot be assigned yet.",
            _INCOMPLETE_CAVEAT,
        ),
        subtype=None,
        outcome=Outcome.UNKNOWN,
        patterns=((_UNTESTED, _NOT_POS, _NOT_POS), (_NOT_POS, _UNTESTED, _NOT_POS)),
    ),
)
"""The rules that decide the subtype; exactly one matches any findings."""

UNTESTED_SEROLOGY_STEPS: tuple[tuple[str, str], ...] = (
    ("anti_srp", "Test for anti-SRP autoantibodies."),
    ("anti_hmgcr", "Test for anti-HMGCR autoantibodies."),
    ("other_msa", "Test for other myositis-specific autoantibodies."),
)
"""What to do about an untested antibody, whatever rule fired: (field, step)."""

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        criterion=Criterion(
            id="elevated-ck",
            title="Elevated serum creatine kinase",
            description="Serum creatine kinase (CK) is elevated.",
            references=_ENMC,
        ),
        field="elevated_ck",
        satisfied_by=Presence.PRESENT,
        refuted_by=Presence.ABSENT,
        subtypes=None,
        finding="Elevated serum creatine kinase",
        term=ELEVATED_CK,
        next_step="Measure serum creatine kinase (CK).",
    ),
    Requirement(
        criterion=Criterion(
            id="proximal-weakness",
            title="Proximal muscle weakness",
            description="Proximal muscle weakness is present (the hallmark feature of IMNM).",
            references=_ENMC,
            caveat=_HYPERCKEMIA_CAVEAT,
        ),
        field="proximal_weakness",
        satisfied_by=Presence.PRESENT,
        refuted_by=Presence.ABSENT,
        subtypes=None,
        finding="Proximal muscle weakness",
        term=PROXIMAL_MUSCLE_WEAKNESS,
        next_step="Examine for proximal muscle weakness.",
    ),
    Requirement(
        criterion=Criterion(
            id="necrotizing-biopsy",
            title="Necrotizing muscle biopsy",
            description=(
                "For autoantibody-negative IMNM, a muscle biopsy shows a necrotizing myopathy "
                "(necrotic fibres, sparse inflammation)."
            ),
            references=_ENMC,
            caveat=_NECROTIZING_CAVEAT,
        ),
        field="muscle_biopsy",
        satisfied_by=Biopsy.NECROTIZING,
        refuted_by=Biopsy.NON_NECROTIZING,
        subtypes=frozenset({AUTOANTIBODY_NEGATIVE.id}),
        finding="Muscle biopsy",
        term=MUSCLE_FIBER_NECROSIS,
        next_step=(
            "Obtain a muscle biopsy: autoantibody-negative IMNM requires one showing a "
            "necrotizing myopathy."
        ),
    ),
)
"""The clinical items a classification needs, each for the subtypes it names."""

_ALL_SUBTYPES: frozenset[str | None] = frozenset({*SUBTYPE_IDS, None})

NOTE_RULES: tuple[NoteRule, ...] = (
    NoteRule(
        field="statin_exposure",
        values=frozenset({Presence.PRESENT}),
        subtypes=_ALL_SUBTYPES,
        statement=STATIN_ASSOCIATION,
    ),
    NoteRule(
        field="statin_exposure",
        values=frozenset({Presence.ABSENT}),
        subtypes=frozenset({ANTI_HMGCR.id}),
        statement=STATIN_ASSOCIATION,
    ),
    NoteRule(
        field="extramuscular_features",
        values=frozenset({Presence.PRESENT}),
        subtypes=frozenset({ANTI_SRP.id}),
        statement=EXTRAMUSCULAR_COMMON_IN_ANTI_SRP,
    ),
    NoteRule(
        field="extramuscular_features",
        values=frozenset({Presence.PRESENT}),
        subtypes=_ALL_SUBTYPES - {ANTI_SRP.id},
        statement=EXTRAMUSCULAR_SUGGESTS_OTHER_IIM,
    ),
)
"""Findings that add a catalog statement to the result without changing it."""


CRITERIA: tuple[Criterion, ...] = tuple(rule.criterion for rule in SEROLOGY_RULES) + tuple(
    requirement.criterion for requirement in REQUIREMENTS
)
"""Every criterion, serology rules first."""

get_criterion = by_id("criterion", CRITERIA)
"""``get_criterion(id)``: the criterion with this id; raises :class:`~imnm.UnknownId`."""
