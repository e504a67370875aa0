"""The classification rules as data: what each form of IMNM requires, and why.

Source of every rule: the 224th ENMC International Workshop classification of
immune-mediated necrotizing myopathies (Allenbach et al., Neuromuscul Disord
2018;28:87-99), as summarised in the project's reference file, and the
classifier contract built on it.  :func:`imnm.classify` reads these tables; it
holds no medical rule of its own.

Four tables:

* :data:`ANTIBODIES` are the autoantibody tests the classifier reads, one row
  each: the :class:`~imnm.Findings` field, the form the antibody defines, its
  HPO term, what to do when it is untested.  The serology rules, the untested
  next steps, the explanation's serology detail, the HPO mapping of the
  FHIR and Phenopacket exports and the documentation are derived from it.
* :data:`SEROLOGY_RULES` decide the subtype from the antibody results.
  Exactly one rule matches any combination of results.
* :data:`REQUIREMENTS` are the clinical items a classification needs
  (elevated CK, proximal weakness, and for the seronegative form a necrotizing
  biopsy).
* :data:`NOTE_RULES` attach catalog statements for findings that inform but
  never change the classification (statin exposure, extra-muscular features).

Every rule names the :class:`~imnm.Findings` fields it reads through
``attrs.fields(Findings)``, so a misspelt field fails at import.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping

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
    MYOSITIS_SPECIFIC_AUTOANTIBODY,
    PROXIMAL_MUSCLE_WEAKNESS,
    STATIN_ASSOCIATION,
)
from .errors import InvalidValue
from .findings import Biopsy, Findings, Presence, Serology
from .model import SUBTYPE_IDS, Autoantibody, OntologyTerm, Reference, Statement, Subtype

__all__ = [
    "ANTIBODIES",
    "CRITERIA",
    "NOTE_RULES",
    "REQUIREMENTS",
    "SEROLOGY_RULES",
    "UNTESTED_SEROLOGY_STEPS",
    "Antibody",
    "AnyOf",
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


_POS = frozenset({Serology.POSITIVE})
_NEG = frozenset({Serology.NEGATIVE})
_UNTESTED = frozenset({Serology.NOT_TESTED})

#: Allowed results by :class:`~imnm.Findings` field; a field a pattern does not
#: name may have any result.
SerologyPattern = Mapping[str, frozenset[Serology]]

_ANY_RESULTS: SerologyPattern = types.MappingProxyType({})


@attrs.frozen(kw_only=True)
class SerologyRule:
    """A rule deciding the subtype from the antibody results.

    Attributes:
        criterion: The rule in words, with its source.
        subtype: The subtype it assigns, or None.
        outcome: How the serology criterion fares when this rule fires.
        antibodies: The :class:`~imnm.Findings` fields of the antibody tests it reads.
        positives: How many of those tests are positive when it fires, e.g.
            ``range(2, 4)`` for two or more of three.
        patterns: The results it matches, keyed by field; it fires when the
            number of positive tests is in ``positives`` and any pattern matches.
        next_step: What to do next when this rule fires, if anything.
    """

    criterion: Criterion
    subtype: Subtype | None
    outcome: Outcome
    antibodies: tuple[str, ...]
    positives: range
    patterns: tuple[SerologyPattern, ...] = (_ANY_RESULTS,)
    next_step: str | None = None

    def matches(self, findings: Findings) -> bool:
        """Whether this rule fires for *findings*."""
        results = {field: getattr(findings, field) for field in self.antibodies}
        positive = sum(result is Serology.POSITIVE for result in results.values())
        return positive in self.positives and any(
            all(results[field] in allowed for field, allowed in pattern.items())
            for pattern in self.patterns
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
class AnyOf:
    """A condition on findings: at least one of some fields has one of some values.

    Attributes:
        fields: The :class:`~imnm.Findings` fields it reads.
        values: The values that satisfy it.
    """

    fields: tuple[str, ...]
    values: frozenset[enum.Enum]

    def holds(self, findings: Findings) -> bool:
        """Whether any of :attr:`fields` has one of :attr:`values` in *findings*."""
        return any(getattr(findings, name) in self.values for name in self.fields)


@attrs.frozen(kw_only=True)
class NoteRule:
    """A finding that adds a catalog statement to the result, never changing it.

    Attributes:
        field: The :class:`~imnm.Findings` field it reads.
        values: The values that trigger it.
        subtypes: The subtype ids (None for no subtype) it applies to.
        statement: The catalog statement it adds.
        also: Further conditions, every one of which must hold too.
    """

    field: str
    values: frozenset[enum.Enum]
    subtypes: frozenset[str | None]
    statement: Statement
    also: tuple[AnyOf, ...] = ()

    def applies(self, findings: Findings, subtype: Subtype | None) -> bool:
        """Whether the note belongs on the result for *findings*."""
        subtype_id = None if subtype is None else subtype.id
        return (
            getattr(findings, self.field) in self.values
            and subtype_id in self.subtypes
            and all(condition.holds(findings) for condition in self.also)
        )


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


_F = attrs.fields(Findings)


@attrs.frozen(kw_only=True)
class Antibody:
    """An autoantibody test the classifier reads: one row of :data:`ANTIBODIES`.

    Attributes:
        field: The :class:`~imnm.Findings` field that holds the test's result.
        subtype: The form of IMNM the antibody defines, or None when it
            defines none.  The antibody of a form must test negative for
            autoantibody-negative IMNM, and leaves the subtype open while
            untested.  One that defines no form, alone positive, does not
            satisfy the serology criterion.
        criterion: The serology rule that fires when this antibody alone is positive.
        name: The antibody in words, as an explanation names it; by default
            the name of the subtype's autoantibody.
        term: The HPO term for a positive test; by default the positivity
            term of the subtype's autoantibody.
        next_step_if_positive: What to do next when this antibody alone is
            positive, if anything.
        next_step_if_untested: What to do when the test has not been done.
    """

    field: str
    subtype: Subtype | None
    criterion: Criterion
    name: str = attrs.field()
    term: OntologyTerm = attrs.field()
    next_step_if_positive: str | None = None
    next_step_if_untested: str

    @name.default
    def _name(self) -> str:
        return _autoantibody(self).name

    @term.default
    def _term(self) -> OntologyTerm:
        return _autoantibody(self).positivity_term


def _autoantibody(antibody: Antibody) -> Autoantibody:
    if antibody.subtype is None or antibody.subtype.autoantibody is None:
        raise InvalidValue(
            "subtype",
            antibody.subtype,
            "must have an autoantibody, or the name and term must be given",
        )
    return antibody.subtype.autoantibody


ANTIBODIES: tuple[Antibody, ...] = (
    Antibody(
        field=_F.anti_srp.name,
        subtype=ANTI_SRP,
        criterion=_serology_criterion(
            "anti-srp-serology",
            "Anti-SRP positive",
            "Anti-SRP positive, with anti-HMGCR and other myositis-specific autoantibodies not "
            "positive: the serology of anti-SRP myopathy.",
            _ANTI_SRP_CAVEAT,
        ),
        next_step_if_untested="Consider testing for anti-SRP autoantibodies.",
    ),
    Antibody(
        field=_F.anti_hmgcr.name,
        subtype=ANTI_HMGCR,
        criterion=_serology_criterion(
            "anti-hmgcr-serology",
            "Anti-HMGCR positive",
            "Anti-HMGCR positive, with anti-SRP and other myositis-specific autoantibodies not "
            "positive: the serology of anti-HMGCR myopathy.",
            _ANTI_HMGCR_CAVEAT,
        ),
        next_step_if_untested="Consider testing for anti-HMGCR autoantibodies.",
    ),
    Antibody(
        field=_F.other_msa.name,
        subtype=None,
        criterion=_serology_criterion(
            "other-msa-serology",
            "Another myositis-specific autoantibody positive",
            "Only a myositis-specific autoantibody other than anti-SRP and anti-HMGCR is "
            "positive: this suggests another type of idiopathic inflammatory myopathy.",
            _OTHER_MSA_CAVEAT,
        ),
        name="other myositis-specific autoantibodies",
        term=MYOSITIS_SPECIFIC_AUTOANTIBODY,
        next_step_if_positive="Consider another type of idiopathic inflammatory myopathy.",
        next_step_if_untested="Consider testing for other myositis-specific autoantibodies.",
    ),
)
"""The autoantibody tests the classifier reads, in the order an explanation names them.

A new antibody is a new :class:`~imnm.Findings` field, its catalog entry and
one row here: the serology rules, next steps, explanations, exports and
documentation follow from the table.
"""

_SERONEGATIVE = _serology_criterion(
    "seronegative-serology",
    "Anti-SRP and anti-HMGCR negative",
    "Anti-SRP and anti-HMGCR both tested negative, and no other myositis-specific "
    "autoantibody positive: the serology of autoantibody-negative IMNM.",
)
_CONFLICTING = _serology_criterion(
    "conflicting-serology",
    "Two or more myositis-specific autoantibodies positive",
    "Two or more myositis-specific autoantibodies are positive: the subtype cannot be assigned.",
    _CONFLICTING_CAVEAT,
)
_INCOMPLETE = _serology_criterion(
    "incomplete-serology",
    "Anti-SRP or anti-HMGCR not tested",
    "No antibody is positive, but anti-SRP or anti-HMGCR has not been tested: the "
    "subtype cannot be assigned yet.",
    _INCOMPLETE_CAVEAT,
)


def _serology_rules(antibodies: tuple[Antibody, ...]) -> tuple[SerologyRule, ...]:
    """The serology rules for *antibodies*; exactly one matches any results.

    One rule per antibody alone positive (the forms' antibodies first), one for
    every form's antibody negative and none positive (autoantibody-negative
    IMNM), one for two or more positive, one for a form's antibody untested and
    none positive.
    """
    fields = tuple(antibody.field for antibody in antibodies)
    defining = [antibody for antibody in antibodies if antibody.subtype is not None]

    def alone(antibody: Antibody) -> SerologyRule:
        return SerologyRule(
            criterion=antibody.criterion,
            subtype=antibody.subtype,
            outcome=Outcome.NOT_SATISFIED if antibody.subtype is None else Outcome.SATISFIED,
            antibodies=fields,
            positives=range(1, 2),
            patterns=(types.MappingProxyType({antibody.field: _POS}),),
            next_step=antibody.next_step_if_positive,
        )

    return (
        *map(alone, defining),
        SerologyRule(
            criterion=_SERONEGATIVE,
            subtype=AUTOANTIBODY_NEGATIVE,
            outcome=Outcome.SATISFIED,
            antibodies=fields,
            positives=range(1),
            patterns=(types.MappingProxyType({antibody.field: _NEG for antibody in defining}),),
        ),
        *(alone(antibody) for antibody in antibodies if antibody.subtype is None),
        SerologyRule(
            criterion=_CONFLICTING,
            subtype=None,
            outcome=Outcome.UNKNOWN,
            antibodies=fields,
            positives=range(2, len(fields) + 1),
            next_step=(
                "Consider repeating or confirming the autoantibody tests: two or more are positive."
            ),
        ),
        SerologyRule(
            criterion=_INCOMPLETE,
            subtype=None,
            outcome=Outcome.UNKNOWN,
            antibodies=fields,
            positives=range(1),
            patterns=tuple(
                types.MappingProxyType({antibody.field: _UNTESTED}) for antibody in defining
            ),
        ),
    )


SEROLOGY_RULES: tuple[SerologyRule, ...] = _serology_rules(ANTIBODIES)
"""The rules that decide the subtype, derived from :data:`ANTIBODIES`; exactly one matches."""

UNTESTED_SEROLOGY_STEPS: tuple[tuple[str, str], ...] = tuple(
    (antibody.field, antibody.next_step_if_untested) for antibody in ANTIBODIES
)
"""What to do about an untested antibody, whatever rule fired: (field, step).

Derived from :data:`ANTIBODIES`.
"""

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        criterion=Criterion(
            id="elevated-ck",
            title="Elevated serum creatine kinase",
            description="Serum creatine kinase (CK) is elevated.",
            references=_ENMC,
        ),
        field=_F.elevated_ck.name,
        satisfied_by=Presence.PRESENT,
        refuted_by=Presence.ABSENT,
        subtypes=None,
        finding="Elevated serum creatine kinase",
        term=ELEVATED_CK,
        next_step="Consider measuring serum creatine kinase (CK).",
    ),
    Requirement(
        criterion=Criterion(
            id="proximal-weakness",
            title="Proximal muscle weakness",
            description="Proximal muscle weakness is present (the hallmark feature of IMNM).",
            references=_ENMC,
            caveat=_HYPERCKEMIA_CAVEAT,
        ),
        field=_F.proximal_weakness.name,
        satisfied_by=Presence.PRESENT,
        refuted_by=Presence.ABSENT,
        subtypes=None,
        finding="Proximal muscle weakness",
        term=PROXIMAL_MUSCLE_WEAKNESS,
        next_step="Consider examining for proximal muscle weakness.",
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
        field=_F.muscle_biopsy.name,
        satisfied_by=Biopsy.NECROTIZING,
        refuted_by=Biopsy.NON_NECROTIZING,
        subtypes=frozenset({AUTOANTIBODY_NEGATIVE.id}),
        finding="Muscle biopsy",
        term=MUSCLE_FIBER_NECROSIS,
        next_step=(
            "Consider a muscle biopsy: autoantibody-negative IMNM requires one showing a "
            "necrotizing myopathy."
        ),
    ),
)
"""The clinical items a classification needs, each for the subtypes it names."""

_ALL_SUBTYPES: frozenset[str | None] = frozenset({*SUBTYPE_IDS, None})

# The antibodies that define a form of IMNM (anti-SRP, anti-HMGCR), from the table.
_DEFINING_FIELDS = tuple(a.field for a in ANTIBODIES if a.subtype is not None)
_SEROPOSITIVE = AnyOf(fields=_DEFINING_FIELDS, values=frozenset({Serology.POSITIVE}))

# Source: the MDA page (imnm-facts.md section 1): "anti-HMGCR and anti-SRP ... are
# associated with muscle biopsies that show significant necrosis"; the ENMC 2016
# report, as widely cited (UNCONFIRMED in imnm-facts.md section 2), requires no
# biopsy for the seropositive forms, so the status stays as the contract says.
_DISCORDANT_BIOPSY = Statement(
    text=(
        "The muscle biopsy shows no necrotizing myopathy, although anti-SRP and anti-HMGCR "
        "are associated with biopsies that show significant necrosis: the biopsy and the "
        "serology are discordant, and a clinician may want to review both. The criteria "
        "status does not depend on the biopsy for the seropositive forms (unconfirmed: "
        "that a biopsy is not required for them is widely cited from the ENMC report but "
        "not confirmed from its full text)."
    ),
    references=(ALLENBACH_2018,),
)
# Source: imnm-facts.md section 2 marks UNCONFIRMED how the ENMC report treats
# antibody-positive hyperCKemia without weakness.
_HYPERCKEMIA_WITHOUT_WEAKNESS = Statement(
    text=(
        "Unconfirmed: how the ENMC 2016 report treats a positive anti-SRP or anti-HMGCR "
        "antibody with elevated CK but no proximal weakness is not confirmed from its full "
        "text. imnm counts the criteria as not met because weakness is absent today; that "
        "does not rule IMNM out, and the findings may change over time."
    ),
    references=(ALLENBACH_2018,),
)

NOTE_RULES: tuple[NoteRule, ...] = (
    # Statin exposure bears on anti-HMGCR myopathy only: where anti-HMGCR is
    # positive, or not yet tested.
    NoteRule(
        field=_F.statin_exposure.name,
        values=frozenset({Presence.PRESENT}),
        subtypes=_ALL_SUBTYPES,
        statement=STATIN_ASSOCIATION,
        also=(
            AnyOf(
                fields=(_F.anti_hmgcr.name,),
                values=frozenset({Serology.POSITIVE, Serology.NOT_TESTED}),
            ),
        ),
    ),
    NoteRule(
        field=_F.statin_exposure.name,
        values=frozenset({Presence.ABSENT}),
        subtypes=frozenset({ANTI_HMGCR.id}),
        statement=STATIN_ASSOCIATION,
    ),
    NoteRule(
        field=_F.extramuscular_features.name,
        values=frozenset({Presence.PRESENT}),
        subtypes=frozenset({ANTI_SRP.id}),
        statement=EXTRAMUSCULAR_COMMON_IN_ANTI_SRP,
    ),
    NoteRule(
        field=_F.extramuscular_features.name,
        values=frozenset({Presence.PRESENT}),
        subtypes=_ALL_SUBTYPES - {ANTI_SRP.id},
        statement=EXTRAMUSCULAR_SUGGESTS_OTHER_IIM,
    ),
    NoteRule(
        field=_F.muscle_biopsy.name,
        values=frozenset({Biopsy.NON_NECROTIZING}),
        subtypes=_ALL_SUBTYPES,
        statement=_DISCORDANT_BIOPSY,
        also=(_SEROPOSITIVE,),
    ),
    NoteRule(
        field=_F.proximal_weakness.name,
        values=frozenset({Presence.ABSENT}),
        subtypes=_ALL_SUBTYPES,
        statement=_HYPERCKEMIA_WITHOUT_WEAKNESS,
        also=(
            _SEROPOSITIVE,
            AnyOf(fields=(_F.elevated_ck.name,), values=frozenset({Presence.PRESENT})),
        ),
    ),
)
"""Findings that add a catalog statement to the result without changing it."""


CRITERIA: tuple[Criterion, ...] = tuple(rule.criterion for rule in SEROLOGY_RULES) + tuple(
    requirement.criterion for requirement in REQUIREMENTS
)
"""Every criterion, serology rules first."""

get_criterion = by_id("criterion", CRITERIA)
"""``get_criterion(id)``: the criterion with this id; raises :class:`~imnm.UnknownId`."""
