"""A patient's findings: the classifier's input (classifier contract)."""

from __future__ import annotations

import enum
import math
from typing import Final, cast

import attrs

from . import _validators as v

__all__ = ["COMBINATIONS", "Biopsy", "Findings", "Presence", "Serology"]


class Serology(enum.Enum):
    """The result of an autoantibody test."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NOT_TESTED = "not_tested"


class Presence(enum.Enum):
    """Whether a clinical feature is present."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Biopsy(enum.Enum):
    """The pattern a muscle biopsy shows."""

    NECROTIZING = "necrotizing"
    """Necrosis predominant, with sparse inflammation."""
    NON_NECROTIZING = "non_necrotizing"
    """Another pattern."""
    NOT_DONE = "not_done"


def _serology() -> Serology:
    return v.enum_field(Serology.NOT_TESTED)


def presence_field() -> Presence:
    """An attrs field holding a :class:`Presence`, unknown when not given.

    For the findings models of every criteria set (:class:`Findings` here,
    those of :mod:`imnm.iim`).
    """
    return v.enum_field(Presence.UNKNOWN)


# cache_hash: classify() looks findings up in a memo, so the hash is paid once.
@attrs.frozen(kw_only=True, cache_hash=True)
class Findings:
    """What is known about one patient; every field defaults to "unknown".

    Attributes:
        anti_srp: Anti-SRP autoantibody test.
        anti_hmgcr: Anti-HMGCR autoantibody test.
        other_msa: Any other myositis-specific autoantibody (anti-synthetase,
            anti-Mi-2, anti-MDA5, anti-TIF1-gamma, anti-NXP2, anti-SAE, ...).
        elevated_ck: Elevated serum creatine kinase.
        proximal_weakness: Proximal muscle weakness.
        statin_exposure: Exposure to statins.
        extramuscular_features: Skin or lung manifestations.
        muscle_biopsy: The muscle biopsy's pattern, if one was done.
    """

    anti_srp: Serology = _serology()
    anti_hmgcr: Serology = _serology()
    other_msa: Serology = _serology()
    elevated_ck: Presence = presence_field()
    proximal_weakness: Presence = presence_field()
    statin_exposure: Presence = presence_field()
    extramuscular_features: Presence = presence_field()
    muscle_biopsy: Biopsy = attrs.field(default=Biopsy.NOT_DONE, validator=v.member_of(Biopsy))


COMBINATIONS: Final[int] = math.prod(
    len(cast("type[enum.Enum]", field.type))
    for field in attrs.fields(attrs.resolve_types(Findings))
)
"""How many different :class:`Findings` there are: the product of the sizes of its fields' enums.

The classifier's whole input space, counted from the model (each field
added multiplies it by the size of its enum).
"""
