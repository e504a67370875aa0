"""Side by side: the ENMC 2016 classification and the EULAR/ACR 2017 assessment of one patient.

A clinician asks first whether the findings reach the EULAR/ACR 2017 criteria for
an idiopathic inflammatory myopathy (:mod:`imnm.iim`), then which form of IMNM
they point to by the ENMC 2016 criteria (:func:`imnm.classify`).
:func:`side_by_side` answers both from the two sets of findings, entering each
shared fact once, and says where the answers diverge.

**Shared facts** (:data:`IMPLICATIONS`).  A finding of one set fills in an
*unknown* finding of the other only where it truly implies it:

* ENMC ``elevated_ck`` present implies EULAR/ACR ``elevated_muscle_enzymes``
  present (an elevated CK is one of "CK or LDH or AST or ALT" above the upper
  limit of normal).  An absent elevated CK implies nothing: LDH, AST or ALT may
  still be elevated.
* EULAR/ACR ``proximal_upper_weakness`` or ``proximal_lower_weakness`` present
  implies ENMC ``proximal_weakness`` present.  The converse does not hold: ENMC
  "proximal weakness" does not say whether the arms or the legs are weak (nor
  whether symmetric), so it fills in neither EULAR/ACR item, and absent
  weakness is not carried over either way.
* EULAR/ACR ``anti_jo1`` positive implies ENMC ``other_msa`` positive (anti-Jo-1,
  an anti-synthetase antibody, is one of the "other myositis-specific
  autoantibodies").  A negative ``other_msa`` is not carried over: which
  antibodies a panel held is not recorded.

Nothing else is shared: the ENMC biopsy pattern (necrotizing or not) says
nothing about the four EULAR/ACR biopsy features, and neither set's unknowns
are filled in from the other's absences.  A known value that contradicts an
implication (for example elevated CK present but elevated muscle enzymes
absent) is refused with :class:`~imnm.InvalidFindings`.
"""

from __future__ import annotations

import enum
from typing import Any, Literal

import attrs

from . import _validators as v
from .classifier import Classification, CriteriaStatus, classify
from .errors import InvalidFindings
from .findings import Biopsy, Findings, Presence, Serology
from .iim import IIMAssessment, IIMCategory, IIMFindings, assess

__all__ = ["IMPLICATIONS", "Implication", "SideBySide", "divergences", "side_by_side"]


@attrs.frozen(kw_only=True)
class Implication:
    """One shared fact: a value in one set of findings that implies a value in the other.

    Attributes:
        source: Which findings the fact is read from: ``"enmc"`` (:class:`~imnm.Findings`)
            or ``"iim"`` (:class:`~imnm.iim.IIMFindings`).
        field: The field it is read from.
        value: The value that implies the other.
        target_field: The field of the other findings it fills in when unknown.
        target_value: The value it fills in.
        reason: Why the one implies the other.
        not_implied: What the mapping does not imply.
    """

    source: Literal["enmc", "iim"]
    field: str
    value: enum.Enum
    target_field: str
    target_value: enum.Enum
    reason: str
    not_implied: str


_WEAKNESS_NOT_IMPLIED = (
    "ENMC proximal weakness does not say upper or lower limbs, so it fills in neither "
    "EULAR/ACR weakness item; absent weakness is not carried over."
)

IMPLICATIONS: tuple[Implication, ...] = (
    Implication(
        source="enmc",
        field="elevated_ck",
        value=Presence.PRESENT,
        target_field="elevated_muscle_enzymes",
        target_value=Presence.PRESENT,
        reason=(
            "An elevated serum CK is one of 'CK or LDH or AST or ALT' above the upper limit "
            "of normal."
        ),
        not_implied="A CK that is not elevated does not make LDH, AST or ALT normal.",
    ),
    Implication(
        source="iim",
        field="proximal_upper_weakness",
        value=Presence.PRESENT,
        target_field="proximal_weakness",
        target_value=Presence.PRESENT,
        reason="Weakness of the proximal upper extremities is proximal muscle weakness.",
        not_implied=_WEAKNESS_NOT_IMPLIED,
    ),
    Implication(
        source="iim",
        field="proximal_lower_weakness",
        value=Presence.PRESENT,
        target_field="proximal_weakness",
        target_value=Presence.PRESENT,
        reason="Weakness of the proximal lower extremities is proximal muscle weakness.",
        not_implied=_WEAKNESS_NOT_IMPLIED,
    ),
    Implication(
        source="iim",
        field="anti_jo1",
        value=Serology.POSITIVE,
        target_field="other_msa",
        target_value=Serology.POSITIVE,
        reason=(
            "Anti-Jo-1 (anti-histidyl-tRNA synthetase) is an anti-synthetase antibody, one of "
            "the other myositis-specific autoantibodies."
        ),
        not_implied=(
            "A negative test for other myositis-specific autoantibodies is not carried over: "
            "which antibodies the panel held is not recorded."
        ),
    ),
)
"""Every shared fact, in the order they are applied."""

_UNKNOWN = (Presence.UNKNOWN, Serology.NOT_TESTED)


@attrs.frozen(kw_only=True)
class SideBySide:
    """The ENMC 2016 classification and the EULAR/ACR 2017 assessment of one patient.

    Attributes:
        classification: The ENMC 2016 classification (its findings with the
            shared facts filled in).
        assessment: The EULAR/ACR 2017 assessment (its findings with the
            shared facts filled in).
        derived: Each shared fact that filled in an unknown finding, in words.
        divergences: Where the two answers differ or one cannot see what the
            other does, in words.
    """

    classification: Classification = attrs.field(
        validator=v.instance_of(Classification, "a Classification")
    )
    assessment: IIMAssessment = attrs.field(
        validator=v.instance_of(IIMAssessment, "an IIMAssessment")
    )
    derived: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a string"))
    divergences: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a string"))

    @property
    def summary(self) -> str:
        """Both answers on one line."""
        return f"ENMC 2016: {self.classification.summary}. {self.assessment.summary}"


def side_by_side(findings: Findings, iim_findings: IIMFindings) -> SideBySide:
    """Classify by ENMC 2016 and assess by EULAR/ACR 2017, sharing the facts both hold.

    Args:
        findings: The ENMC findings (:class:`~imnm.Findings`).
        iim_findings: The EULAR/ACR findings (:class:`~imnm.iim.IIMFindings`).

    Returns:
        Both results, the shared facts filled in, and the divergences.

    Raises:
        InvalidFindings: Either argument is not valid findings, or a known
            value contradicts a shared fact.

    Examples:
        >>> from imnm import Findings, Presence, Serology
        >>> from imnm.combined import side_by_side
        >>> from imnm.iim import IIMFindings
        >>> both = side_by_side(
        ...     Findings(anti_hmgcr=Serology.POSITIVE, anti_srp=Serology.NEGATIVE,
        ...              elevated_ck=Presence.PRESENT),
        ...     IIMFindings(proximal_lower_weakness=Presence.PRESENT))
        >>> both.classification.summary
        'Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy'
        >>> both.assessment.findings.elevated_muscle_enzymes.value
        'present'
    """
    if not isinstance(findings, Findings):
        raise InvalidFindings(
            f"side_by_side() takes a Findings first; got {type(findings).__name__}"
        )
    if not isinstance(iim_findings, IIMFindings):
        raise InvalidFindings(
            f"side_by_side() takes an IIMFindings second; got {type(iim_findings).__name__}"
        )
    sets: dict[str, Any] = {"enmc": findings, "iim": iim_findings}
    derived = []
    for implication in IMPLICATIONS:
        source = sets[implication.source]
        if getattr(source, implication.field) is not implication.value:
            continue
        target_name = "iim" if implication.source == "enmc" else "enmc"
        target = sets[target_name]
        current = getattr(target, implication.target_field)
        if current is implication.target_value:
            continue
        if current not in _UNKNOWN:
            raise InvalidFindings(
                f"{implication.source} {implication.field} is {implication.value.value}, but "
                f"{target_name} {implication.target_field} is {current.value}: "
                f"{implication.reason}"
            )
        sets[target_name] = attrs.evolve(
            target, **{implication.target_field: implication.target_value}
        )
        derived.append(
            f"{target_name} {implication.target_field} set to {implication.target_value.value} "
            f"from {implication.source} {implication.field}: {implication.reason}"
        )
    classification = classify(sets["enmc"])
    assessment = assess(sets["iim"])
    return SideBySide(
        classification=classification,
        assessment=assessment,
        derived=tuple(derived),
        divergences=divergences(classification, assessment),
    )


_IIM = (IIMCategory.PROBABLE, IIMCategory.DEFINITE)


def divergences(classification: Classification, assessment: IIMAssessment) -> tuple[str, ...]:
    """Where the two answers differ, or one cannot see what the other does, in words.

    What :func:`side_by_side` gives as :attr:`SideBySide.divergences`; reading a
    side-by-side document checks its divergences with it.
    """
    notes = []
    met = classification.criteria is CriteriaStatus.MET
    subtype = classification.subtype
    category = assessment.category
    if met and subtype is not None:
        if category is IIMCategory.NOT_IIM:
            notes.append(
                f"The ENMC 2016 criteria for {subtype.name} are met, but the findings do not "
                "reach the EULAR/ACR 2017 cut-off for possible IIM."
            )
        elif category is IIMCategory.POSSIBLE:
            notes.append(
                f"The ENMC 2016 criteria for {subtype.name} are met, but EULAR/ACR 2017 gives "
                "only possible IIM, below the recommended minimum (probable) to classify a "
                "patient as IIM."
            )
        elif category is IIMCategory.INSUFFICIENT_DATA:
            notes.append(
                f"The ENMC 2016 criteria for {subtype.name} are met; the findings given do not "
                "decide the EULAR/ACR 2017 category (see its next steps)."
            )
    if category in _IIM and not met:
        notes.append(
            f"The findings reach {category.value} IIM by EULAR/ACR 2017, but the ENMC 2016 "
            "criteria for a form of IMNM are "
            f"{classification.criteria.value.replace('_', ' ')}: EULAR/ACR 2017 classifies "
            "idiopathic inflammatory myopathy as a whole, not its IMNM forms."
        )
    findings = classification.findings
    positive = [
        name
        for name, value in (("anti-SRP", findings.anti_srp), ("anti-HMGCR", findings.anti_hmgcr))
        if value is Serology.POSITIVE
    ]
    if positive:
        notes.append(
            f"The positive {' and '.join(positive)} result counts for nothing in the EULAR/ACR "
            "2017 score: the criteria have no anti-SRP, anti-HMGCR or necrosis item."
        )
    if findings.muscle_biopsy is Biopsy.NECROTIZING:
        notes.append(
            "A necrotizing biopsy counts for nothing in the EULAR/ACR 2017 score (no necrosis "
            "item); only its four biopsy features do"
            + (
                ", which the EULAR/ACR findings do not give (the column without biopsy data "
                "was used)."
                if not assessment.with_biopsy
                else "."
            )
        )
    return tuple(notes)
