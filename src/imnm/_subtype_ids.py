"""The wire ids of the forms of IMNM, in one home below their two users.

:mod:`imnm.model` validates a subtype id against :data:`SUBTYPE_IDS`;
:mod:`imnm.catalog` names each of its subtypes with one of these constants.
A new form is one constant here and its entry in the catalog.  The ids are the
classifier contract's.
"""

from __future__ import annotations

from typing import Final

ANTI_SRP: Final = "anti-srp"
ANTI_HMGCR: Final = "anti-hmgcr"
AUTOANTIBODY_NEGATIVE: Final = "autoantibody-negative"

SUBTYPE_IDS: frozenset[str] = frozenset({ANTI_SRP, ANTI_HMGCR, AUTOANTIBODY_NEGATIVE})
"""The wire id of every form of IMNM."""
