"""The EULAR/ACR 2017 classification criteria for idiopathic inflammatory myopathies (IIM).

Source: Lundberg IE, Tjärnlund A, Bottai M, et al. 2017 European League Against
Rheumatism/American College of Rheumatology classification criteria for adult
and juvenile idiopathic inflammatory myopathies and their major subgroups.  Ann
Rheum Dis 2017;76(12):1955-1964 (doi:10.1136/annrheumdis-2017-211468), published
simultaneously in Arthritis Rheumatol 2017;69(12):2271-2282
(doi:10.1002/art.40320), as summarised in the project's reference file
``eular-acr-2017.md``.

The rules are data:

* :data:`ITEMS` is Table 1 of the paper: one row per item, keyed by the
  :class:`IIMFindings` (or :class:`BiopsyFeatures`) field it reads, with its
  weight in both columns (without and with muscle biopsy data) in integer
  tenths, its group, source and caveat.
* :data:`CUTOFFS` are the published score cut-offs of the categories.
* :data:`CALCULATOR_RULE` is the official calculator's rule about skin rash and
  biopsy features.
* :data:`NOTES` say how IMNM relates to the criteria.

:func:`assess` evaluates them; :func:`rules_data` returns them as plain JSON
values for other tools (a browser form, for example).

Scores are exact: weights are held as integer tenths and summed as integers,
and exposed as :class:`decimal.Decimal` (``1.3 + 3.3 + 0.7`` is exactly
``Decimal("5.3")``, "possible").  No float is ever compared with a cut-off.

**Unknown items.**  Every field may be unknown.  :func:`assess` reports the
score range over every way of filling in the unknown items (an unknown item
adds 0 to :attr:`IIMAssessment.score_low` and its weight to
:attr:`IIMAssessment.score_high`; an unknown age adds 0 to the low end and the
largest age weight to the high end).  The category is the one every filling
gives; when fillings differ, it is ``insufficient_data``, and the next steps
name each unknown item that could move it and to where.

**The calculator's rule and unknown skin items.**  The rule ("if heliotrope
rash, Gottron's papules or Gottron's sign are not present, then muscle biopsy
features should be present to classify a patient as an IIM case") applies to
a filling in which no skin item is present and whose score reaches "possible"
or higher.  Such a filling is not classified as IIM when a biopsy shows none
of the four biopsy features, and needs a biopsy (``insufficient_data``) when
there are no biopsy data.  So an unknown skin item matters beyond its weight:
findings whose whole score range lies at or above "possible" are still
``insufficient_data`` while no skin item is known to be present, because the
filling in which every unknown skin item is absent falls under the rule.  The
evaluation splits the fillings by whether a skin item (and a biopsy feature)
is present, takes the score range within each part, and applies the rule to
each part; the tests check it against a brute force over every filling.

Subgroups (dermatomyositis, inclusion body myositis, polymyositis, ...) are
not encoded: the paper's classification tree was not seen in a primary source
by the project.  The probability of IIM is not computed either: the formula
the project holds is unconfirmed; the categories come from the published
score cut-offs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from . import _validators as v
from ._lookup import by_id
from .errors import InvalidFindings, InvalidValue
from .findings import Presence, Serology, presence_field
from .model import OntologyTerm, Reference
from .ruleset import DISCLAIMER, IIM_RULESET, RuleSet

__all__ = [
    "AGE_LIMIT",
    "CALCULATOR_RULE",
    "CUTOFFS",
    "ITEMS",
    "LUNDBERG_2017",
    "LUNDBERG_2017_ARTHRITIS_RHEUMATOL",
    "NOTES",
    "BiopsyFeatures",
    "CalculatorRule",
    "Cutoff",
    "IIMAssessment",
    "IIMCategory",
    "IIMFindings",
    "IIMNote",
    "Item",
    "ItemGroup",
    "ItemResult",
    "ItemStatus",
    "assess",
    "assess_many",
    "get_item",
    "get_note",
    "rules_data",
]

# --- Sources -----------------------------------------------------------------------

LUNDBERG_2017 = Reference(
    id="lundberg-2017",
    authors=("Lundberg IE", "Tjärnlund A", "Bottai M"),
    more_authors=True,
    title=(
        "2017 European League Against Rheumatism/American College of Rheumatology "
        "classification criteria for adult and juvenile idiopathic inflammatory myopathies "
        "and their major subgroups"
    ),
    journal="Ann Rheum Dis",
    year=2017,
    volume="76",
    issue="12",
    pages="1955-1964",
    doi="10.1136/annrheumdis-2017-211468",
)
"""The EULAR/ACR 2017 criteria paper (Ann Rheum Dis), source of every weight and cut-off."""
LUNDBERG_2017_ARTHRITIS_RHEUMATOL = attrs.evolve(
    LUNDBERG_2017,
    id="lundberg-2017-arthritis-rheumatol",
    journal="Arthritis Rheumatol",
    volume="69",
    issue="12",
    pages="2271-2282",
    doi="10.1002/art.40320",
    note="The same paper, published simultaneously in Arthritis Rheumatol.",
)
"""The same paper's simultaneous publication in Arthritis Rheumatol."""
_PAPER = (LUNDBERG_2017, LUNDBERG_2017_ARTHRITIS_RHEUMATOL)
_TABLE_1 = "Lundberg 2017, Table 1"

AGE_LIMIT = 130
"""The largest age at onset :class:`IIMFindings` accepts, in years (input validation only)."""

# --- Findings ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BiopsyFeatures:
    """What a muscle biopsy shows, item by item; every field defaults to unknown.

    Attributes:
        endomysial_infiltrate: Endomysial infiltration of mononuclear cells
            surrounding, but not invading, myofibres.
        perimysial_infiltrate: Perimysial and/or perivascular infiltration of
            mononuclear cells.
        perifascicular_atrophy: Perifascicular atrophy.
        rimmed_vacuoles: Rimmed vacuoles.
    """

    endomysial_infiltrate: Presence = presence_field()
    perimysial_infiltrate: Presence = presence_field()
    perifascicular_atrophy: Presence = presence_field()
    rimmed_vacuoles: Presence = presence_field()


def _age(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= AGE_LIMIT:
        raise InvalidValue(
            attribute.name, value, f"must be a whole number of years from 0 to {AGE_LIMIT}"
        )


v.with_schema(_age, minimum=0, maximum=AGE_LIMIT)


# cache_hash: assess() looks findings up in a memo, so the hash is paid once.
@attrs.frozen(kw_only=True, cache_hash=True)
class IIMFindings:
    """What is known about one patient, for the EULAR/ACR 2017 criteria.

    Every field defaults to unknown (``None``, ``unknown``, ``not_tested``).

    Attributes:
        age_at_onset: Age in years at the first symptom assumed to be related
            to the disease; None when unknown.
        proximal_upper_weakness: Objective symmetric weakness, usually
            progressive, of the proximal upper extremities.
        proximal_lower_weakness: Objective symmetric weakness, usually
            progressive, of the proximal lower extremities.
        neck_flexors_weaker: Neck flexors are relatively weaker than neck extensors.
        legs_proximal_weaker: In the legs, proximal muscles are relatively
            weaker than distal muscles.
        heliotrope_rash: Heliotrope rash.
        gottron_papules: Gottron's papules.
        gottron_sign: Gottron's sign.
        dysphagia: Dysphagia or oesophageal dysmotility.
        elevated_muscle_enzymes: Elevated serum CK or LDH or AST or ALT (above
            the upper limit of normal).
        anti_jo1: Anti-Jo-1 (anti-histidyl-tRNA synthetase) autoantibody test.
        biopsy: The muscle biopsy's features; None when there are no biopsy data.
    """

    age_at_onset: int | None = attrs.field(default=None, validator=attrs.validators.optional(_age))
    proximal_upper_weakness: Presence = presence_field()
    proximal_lower_weakness: Presence = presence_field()
    neck_flexors_weaker: Presence = presence_field()
    legs_proximal_weaker: Presence = presence_field()
    heliotrope_rash: Presence = presence_field()
    gottron_papules: Presence = presence_field()
    gottron_sign: Presence = presence_field()
    dysphagia: Presence = presence_field()
    elevated_muscle_enzymes: Presence = presence_field()
    anti_jo1: Serology = v.enum_field(Serology.NOT_TESTED)
    biopsy: BiopsyFeatures | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(v.instance_of(BiopsyFeatures, "a BiopsyFeatures")),
    )


# --- The rules as data -------------------------------------------------------------


class ItemGroup(enum.Enum):
    """The groups of Table 1."""

    AGE = "age"
    """Age of onset of the first symptom assumed to be related to the disease."""
    MUSCLE_WEAKNESS = "muscle_weakness"
    SKIN = "skin"
    """Skin manifestations."""
    OTHER_CLINICAL = "other_clinical"
    """Other clinical manifestations."""
    LABORATORY = "laboratory"
    """Laboratory measurements."""
    MUSCLE_BIOPSY = "muscle_biopsy"
    """Muscle biopsy features (scored only with biopsy data)."""


@attrs.frozen(kw_only=True)
class Item:
    """One item of the criteria (one row of Table 1), with its weight in both columns.

    Attributes:
        id: Stable wire id, e.g. ``"heliotrope-rash"``.
        field: The field it reads: of :class:`IIMFindings`, or of
            :class:`BiopsyFeatures` for a biopsy item.  The two age rows share
            the field ``age_at_onset``.
        group: Its group in Table 1.
        label: The item as the table words it.
        tenths_without_biopsy: Its weight in tenths without biopsy data, or
            None for a biopsy item (scored only with biopsy data).
        tenths_with_biopsy: Its weight in tenths with biopsy data.
        ages: For an age row, the onset ages it scores: ``(from, below)`` in
            years, ``below`` None for no upper limit; None for other items.
        source: Where in the source the row is.
        references: The published sources.
        caveat: What the project could not confirm about the row, if anything.
        term: The HPO term for the item present, or None where no HPO term
            says exactly what the item says.
    """

    id: str
    field: str
    group: ItemGroup
    label: str
    tenths_without_biopsy: int | None
    tenths_with_biopsy: int
    ages: tuple[int, int | None] | None = None
    source: str = _TABLE_1
    references: tuple[Reference, ...] = _PAPER
    caveat: str | None = None
    term: OntologyTerm | None = None

    def tenths(self, *, with_biopsy: bool) -> int | None:
        """The weight in tenths in one column; None when the item is not in it."""
        return self.tenths_with_biopsy if with_biopsy else self.tenths_without_biopsy

    def weight(self, *, with_biopsy: bool) -> Decimal | None:
        """The weight in one column as an exact decimal; None when the item is not in it."""
        tenths = self.tenths(with_biopsy=with_biopsy)
        return None if tenths is None else _decimal(tenths)


_AGE_CAVEAT = (
    "The age rows' weights were seen on a secondary copy of Table 1 (rheumatologytt.com, 2025), "
    "which matches the paper's cut-offs; the journal's table copy had them cut off.  "
    "Age under 18 scores 0 (the juvenile criteria use the same table)."
)

ITEMS: tuple[Item, ...] = (
    Item(
        id="age-18-to-39",
        field="age_at_onset",
        group=ItemGroup.AGE,
        label="Age of onset of first symptom >= 18 and < 40 years",
        tenths_without_biopsy=13,
        tenths_with_biopsy=15,
        ages=(18, 40),
        caveat=_AGE_CAVEAT,
    ),
    Item(
        id="age-40-or-over",
        field="age_at_onset",
        group=ItemGroup.AGE,
        label="Age of onset of first symptom >= 40 years",
        tenths_without_biopsy=21,
        tenths_with_biopsy=22,
        ages=(40, None),
        caveat=_AGE_CAVEAT,
    ),
    Item(
        id="proximal-upper-weakness",
        field="proximal_upper_weakness",
        group=ItemGroup.MUSCLE_WEAKNESS,
        label=(
            "Objective symmetric weakness, usually progressive, of the proximal upper extremities"
        ),
        tenths_without_biopsy=7,
        tenths_with_biopsy=7,
        term=OntologyTerm(id="HP:0008997", label="Proximal muscle weakness in upper limbs"),
    ),
    Item(
        id="proximal-lower-weakness",
        field="proximal_lower_weakness",
        group=ItemGroup.MUSCLE_WEAKNESS,
        label=(
            "Objective symmetric weakness, usually progressive, of the proximal lower extremities"
        ),
        tenths_without_biopsy=8,
        tenths_with_biopsy=5,
        term=OntologyTerm(id="HP:0008994", label="Proximal muscle weakness in lower limbs"),
    ),
    Item(
        id="neck-flexors-weaker",
        field="neck_flexors_weaker",
        group=ItemGroup.MUSCLE_WEAKNESS,
        label="Neck flexors are relatively weaker than neck extensors",
        tenths_without_biopsy=19,
        tenths_with_biopsy=16,
    ),
    Item(
        id="legs-proximal-weaker",
        field="legs_proximal_weaker",
        group=ItemGroup.MUSCLE_WEAKNESS,
        label="In the legs, proximal muscles are relatively weaker than distal muscles",
        tenths_without_biopsy=9,
        tenths_with_biopsy=12,
    ),
    Item(
        id="heliotrope-rash",
        field="heliotrope_rash",
        group=ItemGroup.SKIN,
        label="Heliotrope rash",
        tenths_without_biopsy=31,
        tenths_with_biopsy=32,
        term=OntologyTerm(id="HP:0040324", label="Heliotrope rash"),
    ),
    Item(
        id="gottron-papules",
        field="gottron_papules",
        group=ItemGroup.SKIN,
        label="Gottron's papules",
        tenths_without_biopsy=21,
        tenths_with_biopsy=27,
        term=OntologyTerm(id="HP:0025508", label="Gottron's papules"),
    ),
    Item(
        id="gottron-sign",
        field="gottron_sign",
        group=ItemGroup.SKIN,
        label="Gottron's sign",
        tenths_without_biopsy=33,
        tenths_with_biopsy=37,
        term=OntologyTerm(id="HP:0430033", label="Gottron sign"),
    ),
    Item(
        id="dysphagia",
        field="dysphagia",
        group=ItemGroup.OTHER_CLINICAL,
        label="Dysphagia or oesophageal dysmotility",
        tenths_without_biopsy=7,
        tenths_with_biopsy=6,
    ),
    Item(
        id="anti-jo1",
        field="anti_jo1",
        group=ItemGroup.LABORATORY,
        label="Anti-Jo-1 (anti-histidyl-tRNA synthetase) autoantibody positivity",
        tenths_without_biopsy=39,
        tenths_with_biopsy=38,
        term=OntologyTerm(
            id="HP:0034152", label="Anti-histidyl tRNA synthetase antibody positivity"
        ),
    ),
    Item(
        id="elevated-muscle-enzymes",
        field="elevated_muscle_enzymes",
        group=ItemGroup.LABORATORY,
        label="Elevated serum CK or LDH or AST or ALT (above the upper limit of normal)",
        tenths_without_biopsy=13,
        tenths_with_biopsy=14,
    ),
    Item(
        id="endomysial-infiltrate",
        field="endomysial_infiltrate",
        group=ItemGroup.MUSCLE_BIOPSY,
        label=(
            "Endomysial infiltration of mononuclear cells surrounding, but not invading, myofibres"
        ),
        tenths_without_biopsy=None,
        tenths_with_biopsy=17,
    ),
    Item(
        id="perimysial-infiltrate",
        field="perimysial_infiltrate",
        group=ItemGroup.MUSCLE_BIOPSY,
        label="Perimysial and/or perivascular infiltration of mononuclear cells",
        tenths_without_biopsy=None,
        tenths_with_biopsy=12,
    ),
    Item(
        id="perifascicular-atrophy",
        field="perifascicular_atrophy",
        group=ItemGroup.MUSCLE_BIOPSY,
        label="Perifascicular atrophy",
        tenths_without_biopsy=None,
        tenths_with_biopsy=19,
        term=OntologyTerm(id="HP:0100296", label="Perifascicular muscle fiber atrophy"),
    ),
    Item(
        id="rimmed-vacuoles",
        field="rimmed_vacuoles",
        group=ItemGroup.MUSCLE_BIOPSY,
        label="Rimmed vacuoles",
        tenths_without_biopsy=None,
        tenths_with_biopsy=31,
        term=OntologyTerm(id="HP:0003805", label="Rimmed vacuoles"),
    ),
)
"""Table 1 of the paper: every item, in the table's order, with both weights in tenths.

Used "when no better explanation for the symptoms or signs exists".
"""

get_item = by_id("item", ITEMS)
"""``get_item(id)``: the item with this id; raises :class:`~imnm.UnknownId`."""


class IIMCategory(enum.Enum):
    """The category the score gives, or ``insufficient_data``."""

    DEFINITE = "definite"
    """Definite IIM: probability >= 90%."""
    PROBABLE = "probable"
    """Probable IIM: probability >= 55%, the recommended minimum to classify a patient as IIM."""
    POSSIBLE = "possible"
    """Possible IIM: probability >= 50% and < 55%."""
    NOT_IIM = "not_iim"
    """The published name for a score below the cut-off for possible IIM (probability < 50%)."""
    INSUFFICIENT_DATA = "insufficient_data"
    """The known findings do not decide the category (see the next steps)."""


@attrs.frozen(kw_only=True)
class Cutoff:
    """The least score of one category, in both columns.

    Attributes:
        category: The category the cut-off opens.
        tenths_without_biopsy: The least score without biopsy data, in tenths.
        tenths_with_biopsy: The least score with biopsy data, in tenths.
        probability: The probability of IIM the paper gives for the category.
        source: Where in the source the cut-off is.
        references: The published sources.
    """

    category: IIMCategory
    tenths_without_biopsy: int
    tenths_with_biopsy: int
    probability: str
    source: str = "Lundberg 2017, abstract"
    references: tuple[Reference, ...] = _PAPER

    def tenths(self, *, with_biopsy: bool) -> int:
        """The least score in one column, in tenths."""
        return self.tenths_with_biopsy if with_biopsy else self.tenths_without_biopsy

    def score(self, *, with_biopsy: bool) -> Decimal:
        """The least score in one column, as an exact decimal."""
        return _decimal(self.tenths(with_biopsy=with_biopsy))


CUTOFFS: tuple[Cutoff, ...] = (
    Cutoff(
        category=IIMCategory.DEFINITE,
        tenths_without_biopsy=75,
        tenths_with_biopsy=87,
        probability=">= 90%",
    ),
    Cutoff(
        category=IIMCategory.PROBABLE,
        tenths_without_biopsy=55,
        tenths_with_biopsy=67,
        probability=">= 55%",
    ),
    Cutoff(
        category=IIMCategory.POSSIBLE,
        tenths_without_biopsy=53,
        tenths_with_biopsy=65,
        probability=">= 50% and < 55%",
    ),
)
"""The published score cut-offs, highest first; a lower score is ``not_iim`` (probability < 50%).

"Probable" (>= 55%) is the recommended minimum to classify a patient as IIM
(sensitivity/specificity 87%/82% without biopsies, 93%/88% with biopsies).
"""


@attrs.frozen(kw_only=True)
class CalculatorRule:
    """The official calculator's rule about skin rash and muscle biopsy features.

    Attributes:
        text: The rule, as the calculator states it.
        skin: The skin items: the rule applies when none of them is present.
        applies_from: The least category the score alone must reach for the rule to apply.
        source: Where the rule is stated.
        supporting: A second statement of the rule, with its source.
    """

    text: str
    skin: tuple[Item, ...]
    applies_from: IIMCategory
    source: str
    supporting: str


CALCULATOR_RULE = CalculatorRule(
    text=(
        "If heliotrope rash, Gottron's papules or Gottron's sign are not present, then muscle "
        "biopsy features should be present to classify a patient as an IIM case."
    ),
    skin=tuple(item for item in ITEMS if item.group is ItemGroup.SKIN),
    applies_from=IIMCategory.POSSIBLE,
    source=(
        "Karolinska Institutet's official EULAR/ACR calculator, "
        "imm.ki.se/biostatistics/calculators/iim"
    ),
    supporting=(
        '"If no skin rash is present a muscle biopsy is mandatory." (a 2014 progress report of '
        "the same project)"
    ),
)
"""The calculator's rule, applied where the score alone reaches "possible" or higher.

Then, with no skin item present: no biopsy data gives ``insufficient_data``
(a muscle biopsy is needed); a biopsy showing none of the four features gives
``not_iim``.
"""


@attrs.frozen(kw_only=True)
class IIMNote:
    """A fact about the criteria that a reader of a result should know.

    Attributes:
        id: Stable wire id.
        text: The fact, as a sentence.
        source: Where the fact comes from.
        caveat: What the project could not confirm, if anything.
    """

    id: str
    text: str
    source: str
    caveat: str | None = None


NOTES: tuple[IIMNote, ...] = (
    IIMNote(
        id="no-better-explanation",
        text=("The criteria are used when no better explanation for the symptoms or signs exists."),
        source=_TABLE_1,
    ),
    IIMNote(
        id="no-imnm-item",
        text=(
            "The criteria contain no anti-SRP, anti-HMGCR or necrosis item; anti-Jo-1 is the only "
            "autoantibody item."
        ),
        source=_TABLE_1,
    ),
    IIMNote(
        id="imnm-in-derivation-cohort",
        text=(
            "In the derivation cohort, 100% of IMNM cases were classified as IIM at the 55% "
            "cut-off, with and without biopsy."
        ),
        source="Lundberg 2017, Table 4 of the PMC author manuscript PMC5736307",
    ),
    IIMNote(
        id="subgroups-not-encoded",
        text=(
            "The criteria sub-classify patients who meet them into major subgroups with a "
            "classification tree; imnm does not encode the subgroups."
        ),
        source="Lundberg 2017, abstract",
        caveat="The tree's exact branches were not seen in a primary source by the project.",
    ),
)
"""Facts about the criteria that every assessment carries."""

get_note = by_id("note", NOTES)
"""``get_note(id)``: the note with this id; raises :class:`~imnm.UnknownId`."""


def rules_data() -> dict[str, Any]:
    """The items, cut-offs, calculator rule, notes and next steps' words as plain JSON values.

    For tools outside Python (a browser form, for example): every weight and
    cut-off is given both in integer tenths and as a decimal string.
    ``next_steps`` holds the words :func:`assess` uses for an unknown item
    that could move the category: each outcome's words (lowest first, a biopsy
    needed last), each field's name and known values in words (the age: each
    band's first year), and the sentence shapes (``str.format`` fields in
    braces; the joined branches start with a capital letter).

    Examples:
        >>> data = rules_data()
        >>> data["items"][0]["id"], data["items"][0]["with_biopsy"]
        ('age-18-to-39', {'tenths': 15, 'score': '1.5'})
    """

    def column(tenths: int | None) -> dict[str, Any] | None:
        return None if tenths is None else {"tenths": tenths, "score": str(_decimal(tenths))}

    return {
        "references": [{"id": ref.id, "citation": ref.citation, "url": ref.url} for ref in _PAPER],
        "items": [
            {
                "id": item.id,
                "field": item.field,
                "biopsy_feature": item.group is ItemGroup.MUSCLE_BIOPSY,
                "group": item.group.value,
                "label": item.label,
                "without_biopsy": column(item.tenths_without_biopsy),
                "with_biopsy": column(item.tenths_with_biopsy),
                "ages": None if item.ages is None else list(item.ages),
                "source": item.source,
                "caveat": item.caveat,
                "hpo": None
                if item.term is None
                else {"id": item.term.id, "label": item.term.label},
            }
            for item in ITEMS
        ],
        "cutoffs": [
            {
                "category": cutoff.category.value,
                "without_biopsy": column(cutoff.tenths_without_biopsy),
                "with_biopsy": column(cutoff.tenths_with_biopsy),
                "probability": cutoff.probability,
                "source": cutoff.source,
            }
            for cutoff in CUTOFFS
        ],
        "below_cutoffs": IIMCategory.NOT_IIM.value,
        "calculator_rule": {
            "text": CALCULATOR_RULE.text,
            "skin_items": [item.id for item in CALCULATOR_RULE.skin],
            "applies_from": CALCULATOR_RULE.applies_from.value,
            "source": CALCULATOR_RULE.source,
        },
        "age_limit": AGE_LIMIT,
        "notes": [attrs.asdict(note) for note in NOTES],
        "next_steps": _next_steps_data(),
    }


def _next_steps_data() -> dict[str, Any]:
    """How :func:`assess` words the next step of an unknown item that could move the category."""
    firsts: dict[str, Item] = {}
    for item in ITEMS:
        firsts.setdefault(item.field, item)  # a field's name comes from its first row
    return {
        "outcomes": [
            {"category": category.value, "words": _OUTCOME_PHRASES[category]} for category in _ORDER
        ],
        "fields": [
            {
                "field": field,
                "name": _step_name(item),
                "choices": [
                    {
                        "words": words,
                        "value": known.value if isinstance(known, enum.Enum) else known,
                    }
                    for words, known in _fillings(item)
                ],
            }
            for field, item in firsts.items()
        ],
        "step": _STEP,
        "branch": _BRANCH,
        "branch_separator": _BRANCH_SEPARATOR,
        "range": _RANGE,
        "alternative_separator": _ALTERNATIVE_SEPARATOR,
    }


# --- The result --------------------------------------------------------------------


def _tenths_decimal(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 <= value <= _MOST
        and value == value.quantize(_TENTH)
    ):
        raise InvalidValue(attribute.name, value, f"must be a Decimal in tenths from 0 to {_MOST}")


_TENTH = Decimal("0.1")
# Every score and weight is far below 100 (all weights together are 31.8): a bound for input
# checks, so that a score is written with at most two digits before the point.
_MOST = Decimal("99.9")
# On the wire a score is a string such as "5.3": exact in every language, unlike a JSON number.
v.with_schema(_tenths_decimal, pattern=r"^[0-9]{1,2}\.[0-9]$")


class ItemStatus(enum.Enum):
    """How one item fared against the findings."""

    SCORED = "scored"
    """Present (for an age row: the age falls in its band): its weight counts."""
    NOT_SCORED = "not_scored"
    """Absent, negative, or an age outside the row's band."""
    UNKNOWN = "unknown"
    """Not known: it counts toward the high end of the score range only."""


@attrs.frozen(kw_only=True)
class ItemResult:
    """One item of the column used, and how the findings fared against it.

    Attributes:
        item: The item, with its source.
        status: Scored, not scored, or unknown.
        weight: Its weight in the column used.
    """

    item: Item = attrs.field(validator=v.instance_of(Item, "an Item"))
    status: ItemStatus = attrs.field(validator=v.member_of(ItemStatus))
    weight: Decimal = attrs.field(validator=_tenths_decimal)


@attrs.frozen(kw_only=True)
class IIMAssessment:
    """The EULAR/ACR 2017 assessment of one patient, with its explanation.

    Attributes:
        findings: The findings that were assessed.
        with_biopsy: Whether the column with muscle biopsy data was used.
        score_low: The least total score over every filling of the unknown items.
        score_high: The greatest total score over every filling of the unknown
            items; equal to score_low when nothing is unknown.
        category: The category every filling gives, or insufficient_data.
        items: Every item of the column used, in Table 1's order.
        next_steps: What would decide or complete the assessment.
        notes: Facts about the criteria that bear on the result.
        ruleset: The rule set that produced the result
            (:data:`imnm.ruleset.IIM_RULESET` for :func:`assess`); another one
            makes the result a historical record (:attr:`historical`).
        disclaimer: What the result is: criteria output, not a diagnosis
            (:data:`imnm.ruleset.DISCLAIMER` for :func:`assess`; a historical
            record keeps the words it was stored with).
    """

    findings: IIMFindings = attrs.field(validator=v.instance_of(IIMFindings, "an IIMFindings"))
    with_biopsy: bool = attrs.field(validator=v.instance_of(bool, "a bool"))
    score_low: Decimal = attrs.field(validator=_tenths_decimal)
    score_high: Decimal = attrs.field(validator=_tenths_decimal)
    category: IIMCategory = attrs.field(validator=v.member_of(IIMCategory))
    items: tuple[ItemResult, ...] = attrs.field(
        validator=v.tuple_of(ItemResult, "an ItemResult", non_empty=True)
    )
    next_steps: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a string"))
    notes: tuple[IIMNote, ...] = attrs.field(
        default=(), validator=v.tuple_of(IIMNote, "an IIMNote")
    )
    ruleset: RuleSet = attrs.field(
        default=IIM_RULESET, validator=v.instance_of(RuleSet, "a RuleSet")
    )
    disclaimer: str = attrs.field(default=DISCLAIMER, validator=v.text, repr=False)

    @property
    def historical(self) -> bool:
        """Whether another rule set than this release's made it: a record, not re-derived."""
        return not self.ruleset.current

    @property
    def scored(self) -> tuple[ItemResult, ...]:
        """The items whose weight counts, with their weights and sources."""
        return tuple(result for result in self.items if result.status is ItemStatus.SCORED)

    @property
    def summary(self) -> str:
        """One line for people, e.g. ``"EULAR/ACR 2017: probable IIM (score 6.0, ...)"``."""
        column = "with" if self.with_biopsy else "without"
        if self.score_low == self.score_high:
            score = f"score {self.score_low}"
        else:
            score = f"score {self.score_low} to {self.score_high}"
        line = f"EULAR/ACR 2017: {_PHRASES[self.category]} ({score}, {column} biopsy data)"
        if self.historical:
            line += f" (historical record: rule set {self.ruleset.label})"
        return line


_PHRASES = {
    IIMCategory.DEFINITE: "definite IIM",
    IIMCategory.PROBABLE: "probable IIM",
    IIMCategory.POSSIBLE: "possible IIM",
    IIMCategory.NOT_IIM: "does not reach the cut-off for possible IIM",
    IIMCategory.INSUFFICIENT_DATA: "insufficient data",
}
# What one complete filling leads to, in a next step; a complete filling is
# insufficient_data only when the calculator's rule asks for a biopsy.
_OUTCOME_PHRASES = {
    **_PHRASES,
    IIMCategory.NOT_IIM: "below the cut-off for possible IIM",
    IIMCategory.INSUFFICIENT_DATA: "a muscle biopsy is needed",
}
# Lowest first; a biopsy needed last.
_ORDER = (
    IIMCategory.NOT_IIM,
    IIMCategory.POSSIBLE,
    IIMCategory.PROBABLE,
    IIMCategory.DEFINITE,
    IIMCategory.INSUFFICIENT_DATA,
)


# --- Evaluation --------------------------------------------------------------------

# Ages make the input space large (131 ages times 3^10 times the biopsy
# states), so the memo is bounded: when full it starts again.  It never changes
# a result; it only saves recomputing one.
_memo: dict[IIMFindings, IIMAssessment] = {}
_MEMO_LIMIT = 16_384


def assess(findings: IIMFindings) -> IIMAssessment:
    """Assess one patient's findings against the EULAR/ACR 2017 criteria.

    Total and pure: every valid :class:`IIMFindings` gives a result, the same
    one each time.  The rules and their sources are the data of this module.

    Args:
        findings: What is known about the patient.

    Returns:
        The score range, the column used, the category, every item of the
        column with its status and weight, next steps and notes.

    Raises:
        InvalidFindings: *findings* is not an :class:`IIMFindings`, or holds a
            value of the wrong type.

    Examples:
        >>> from imnm import Presence
        >>> from imnm.iim import IIMFindings, assess
        >>> result = assess(IIMFindings(
        ...     age_at_onset=30, gottron_sign=Presence.PRESENT,
        ...     proximal_upper_weakness=Presence.PRESENT))
        >>> result.score_low, result.category.value
        (Decimal('5.3'), 'insufficient_data')
        >>> result.summary
        'EULAR/ACR 2017: insufficient data (score 5.3 to 20.0, without biopsy data)'
    """
    try:
        return _memo[findings]
    except (KeyError, TypeError):  # TypeError: unhashable, so not IIMFindings either
        pass
    if not isinstance(findings, IIMFindings):
        raise InvalidFindings(
            f"assess() takes an IIMFindings; got {type(findings).__name__}: {findings!r}"
        )
    try:
        # Validators can be switched off globally, so check again (the biopsy too).
        attrs.validate(findings)
        if findings.biopsy is not None:
            attrs.validate(findings.biopsy)
    except (ValueError, TypeError) as error:
        raise InvalidFindings(f"invalid IIMFindings: {error}") from error
    if len(_memo) >= _MEMO_LIMIT:
        _memo.clear()
    return _memo.setdefault(findings, _evaluate(findings))


def assess_many(findings: Iterable[IIMFindings]) -> Iterator[IIMAssessment]:
    """Assess a stream of findings lazily, in order, in constant memory.

    Raises:
        InvalidFindings: When the iteration reaches an item that is not valid findings.
    """
    return map(assess, findings)


def _decimal(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1)


def _read(item: Item, findings: IIMFindings) -> object:
    if item.group is ItemGroup.MUSCLE_BIOPSY:
        return getattr(findings.biopsy, item.field)
    return getattr(findings, item.field)


def _status(item: Item, findings: IIMFindings) -> ItemStatus:
    value = _read(item, findings)
    if item.ages is not None:
        if value is None:
            return ItemStatus.UNKNOWN
        start, below = item.ages
        in_band = start <= value and (below is None or value < below)  # type: ignore[operator]
        return ItemStatus.SCORED if in_band else ItemStatus.NOT_SCORED
    # Identity tests: an enum's hash is computed in Python, and this runs per item.
    if value is Presence.PRESENT or value is Serology.POSITIVE:
        return ItemStatus.SCORED
    if value is Presence.UNKNOWN or value is Serology.NOT_TESTED:
        return ItemStatus.UNKNOWN
    return ItemStatus.NOT_SCORED


def _column(with_biopsy: bool) -> tuple[Item, ...]:
    return _COLUMNS[with_biopsy]


_COLUMNS = {
    with_biopsy: tuple(item for item in ITEMS if item.tenths(with_biopsy=with_biopsy) is not None)
    for with_biopsy in (False, True)
}
# Every ItemResult there can be, made once: (column, position in it) -> status -> result.
_RESULTS = {
    with_biopsy: tuple(
        {
            status: ItemResult(item=item, status=status, weight=_decimal(item.tenths_with_biopsy))
            if with_biopsy
            else ItemResult(
                item=item, status=status, weight=_decimal(item.tenths_without_biopsy or 0)
            )
            for status in ItemStatus
        }
        for item in column
    )
    for with_biopsy, column in _COLUMNS.items()
}


def _category(tenths: int, with_biopsy: bool) -> IIMCategory:
    """The category of a score by the published cut-offs alone."""
    for cutoff in CUTOFFS:
        if tenths >= cutoff.tenths(with_biopsy=with_biopsy):
            return cutoff.category
    return IIMCategory.NOT_IIM


@attrs.frozen
class _Facet:
    """The skin items (or the biopsy features) of one findings, for the calculator's rule."""

    present: bool  # one of its items is known to be present
    unknown: tuple[int, ...]  # the weights of its unknown items

    def states(self) -> Iterator[tuple[bool, int, int]]:
        """(any item present, raise of the low end, cut of the high end), per possible state."""
        if self.present:
            yield True, 0, 0
            return
        if self.unknown:
            yield True, min(self.unknown), 0
        yield False, 0, sum(self.unknown)


@attrs.frozen
class _Reading:
    """Findings read against their column: all the outcome depends on."""

    with_biopsy: bool
    statuses: tuple[ItemStatus, ...]  # one per item of the column
    low: int  # the score range, in tenths
    high: int
    skin: _Facet
    biopsy: _Facet | None  # None without biopsy data


def _read_column(findings: IIMFindings) -> _Reading:
    with_biopsy = findings.biopsy is not None
    column = _COLUMNS[with_biopsy]
    statuses = tuple(_status(item, findings) for item in column)
    low = 0
    unknown_by_field: dict[str, int] = {}
    facets: dict[ItemGroup, tuple[bool, list[int]]] = {
        ItemGroup.SKIN: (False, []),
        ItemGroup.MUSCLE_BIOPSY: (False, []),
    }
    for item, status in zip(column, statuses, strict=True):
        tenths = item.tenths(with_biopsy=with_biopsy) or 0  # never None in its column
        if status is ItemStatus.SCORED:
            low += tenths
        elif status is ItemStatus.UNKNOWN:
            # Rows sharing a field (the age rows) exclude each other: at most one scores.
            unknown_by_field[item.field] = max(unknown_by_field.get(item.field, 0), tenths)
        if item.group in facets:
            present, unknown = facets[item.group]
            if status is ItemStatus.UNKNOWN:
                unknown.append(tenths)
            facets[item.group] = (present or status is ItemStatus.SCORED, unknown)
    skin_present, skin_unknown = facets[ItemGroup.SKIN]
    biopsy_present, biopsy_unknown = facets[ItemGroup.MUSCLE_BIOPSY]
    return _Reading(
        with_biopsy=with_biopsy,
        statuses=statuses,
        low=low,
        high=low + sum(unknown_by_field.values()),
        skin=_Facet(skin_present, tuple(skin_unknown)),
        biopsy=_Facet(biopsy_present, tuple(biopsy_unknown)) if with_biopsy else None,
    )


def _outcome(tenths: int, skin: bool, biopsy: bool | None, with_biopsy: bool) -> IIMCategory:
    """What one complete filling gives: the cut-offs, then the calculator's rule.

    *biopsy* is None without biopsy data, else whether a biopsy feature is present.
    """
    category = _category(tenths, with_biopsy)
    if category is IIMCategory.NOT_IIM or skin:
        return category
    if biopsy is None:
        return IIMCategory.INSUFFICIENT_DATA  # the rule asks for a muscle biopsy
    return category if biopsy else IIMCategory.NOT_IIM


def _outcomes(reading: _Reading) -> frozenset[IIMCategory]:
    """The outcomes of the fillings at the ends of their score ranges.

    The outcome of a complete filling depends on its score, on whether a skin
    item is present and on whether a biopsy feature is present.  The fillings
    are split by those two; within each part the outcome is monotone in the
    score, and the part's least and greatest scores are both reached.  So every
    filling gives the same outcome exactly when the ends of every part do (the
    set has one member); outcomes strictly between the ends may or may not be
    reached by some filling, and are not listed.
    """
    found = set()
    biopsy_states: Iterable[tuple[bool | None, int, int]] = (
        ((None, 0, 0),) if reading.biopsy is None else tuple(reading.biopsy.states())
    )
    for skin_present, skin_raise, skin_cut in reading.skin.states():
        for biopsy_present, biopsy_raise, biopsy_cut in biopsy_states:
            for tenths in (
                reading.low + skin_raise + biopsy_raise,
                reading.high - skin_cut - biopsy_cut,
            ):
                found.add(_outcome(tenths, skin_present, biopsy_present, reading.with_biopsy))
    return frozenset(found)


def _verdict(outcomes: frozenset[IIMCategory]) -> IIMCategory:
    (only,) = outcomes if len(outcomes) == 1 else (IIMCategory.INSUFFICIENT_DATA,)
    return only


def _evaluate(findings: IIMFindings) -> IIMAssessment:
    reading = _read_column(findings)
    with_biopsy = reading.with_biopsy
    outcomes = _outcomes(reading)
    category = _verdict(outcomes)
    results = _RESULTS[with_biopsy]
    items = tuple(results[index][status] for index, status in enumerate(reading.statuses))
    next_steps: list[str] = []
    if IIMCategory.INSUFFICIENT_DATA in outcomes:
        next_steps.append(
            "A muscle biopsy is needed: without heliotrope rash, Gottron's papules or Gottron's "
            "sign, muscle biopsy features must be present to classify the patient as IIM "
            f"(rule of the {CALCULATOR_RULE.source})."
        )
    elif (
        with_biopsy
        and category is IIMCategory.NOT_IIM
        and _category(reading.high, with_biopsy) is not IIMCategory.NOT_IIM
    ):
        # Every filling is below "possible" by the rule, though some score reaches it.
        next_steps.append(
            "No heliotrope rash, Gottron's papules or Gottron's sign, and the biopsy shows none "
            "of the four biopsy features: by the rule of the "
            f"{CALCULATOR_RULE.source}, the patient is not classified as IIM."
        )
    if category is IIMCategory.INSUFFICIENT_DATA:
        next_steps += _deciding_items(findings)
    return IIMAssessment(
        findings=findings,
        with_biopsy=with_biopsy,
        score_low=_decimal(reading.low),
        score_high=_decimal(reading.high),
        category=category,
        items=items,
        next_steps=tuple(next_steps),
        notes=NOTES,
    )


def _fillings(item: Item) -> tuple[tuple[str, int | enum.Enum], ...]:
    """The known values of one unknown field, each in words; for the age, each band's start."""
    if item.ages is not None:
        bands = [row.ages for row in ITEMS if row.field == item.field and row.ages is not None]
        starts = sorted({0, *(start for start, _ in bands)})
        choices: list[tuple[str, int | enum.Enum]] = []
        for start, below in zip(starts, [*starts[1:], None], strict=True):
            words = f"from {start}" if below is None else f"{start} to {below - 1}"
            choices.append((f"onset age {words}", start))
        return tuple(choices)
    return _KNOWN_VALUES[type(_read(item, IIMFindings(biopsy=BiopsyFeatures())))]


def _choices(item: Item, findings: IIMFindings) -> tuple[tuple[str, IIMFindings], ...]:
    """The ways to fill in one unknown field, each described, as findings."""
    result = []
    for words, known in _fillings(item):
        changes: dict[str, Any] = {item.field: known}
        if item.group is ItemGroup.MUSCLE_BIOPSY:
            changes = {"biopsy": attrs.evolve(findings.biopsy, **changes)}  # type: ignore[misc]
        result.append((words, attrs.evolve(findings, **changes)))
    return tuple(result)


# The known values of an unknown item, in words: the one that scores first.
_KNOWN_VALUES: dict[type, tuple[tuple[str, enum.Enum], ...]] = {
    Presence: (("present", Presence.PRESENT), ("absent", Presence.ABSENT)),
    Serology: (("positive", Serology.POSITIVE), ("negative", Serology.NEGATIVE)),
}
# How a deciding item's next step is worded (rules_data()["next_steps"] gives these to
# tools outside Python): the branches are joined, then their first letter is capitalised.
_STEP = "{name}: unknown. {branches}."
_BRANCH = "if {words}: {outcomes}"
_BRANCH_SEPARATOR = "; "
_RANGE = "anything from {lowest} to {highest}"
_ALTERNATIVE_SEPARATOR = ", or "


def _step_name(item: Item) -> str:
    """What a deciding item's next step calls it: the age rows share one name."""
    return "Age at onset" if item.ages is not None else item.label


def _deciding_items(findings: IIMFindings) -> list[str]:
    """A next step for each unknown item that could move the category, saying to where."""
    steps = []
    seen: set[str] = set()
    for item in _column(findings.biopsy is not None):
        if item.field in seen or _status(item, findings) is not ItemStatus.UNKNOWN:
            continue
        seen.add(item.field)
        branches = [
            (words, _outcomes(_read_column(filled))) for words, filled in _choices(item, findings)
        ]
        if all(found == branches[0][1] and len(found) == 1 for _, found in branches):
            continue  # the same single outcome whatever its value: it cannot move the category
        where = _BRANCH_SEPARATOR.join(
            _BRANCH.format(words=words, outcomes=_phrase(found)) for words, found in branches
        )
        steps.append(_STEP.format(name=_step_name(item), branches=where[0].upper() + where[1:]))
    return steps


def _phrase(outcomes: frozenset[IIMCategory]) -> str:
    """The outcomes at the ends of the score ranges, as a range in words."""
    ends = [c for c in _ORDER if c in outcomes and c is not IIMCategory.INSUFFICIENT_DATA]
    words = [_OUTCOME_PHRASES[c] for c in ends]
    if len(words) > 1:
        words = [_RANGE.format(lowest=words[0], highest=words[-1])]
    if IIMCategory.INSUFFICIENT_DATA in outcomes:
        words.append(_OUTCOME_PHRASES[IIMCategory.INSUFFICIENT_DATA])
    return _ALTERNATIVE_SEPARATOR.join(words)
