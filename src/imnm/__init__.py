"""imnm: the clinical knowledge about immune-mediated necrotizing myopathy, as code.

This library informs; it does not diagnose.  Its classifier applies published
classification criteria to findings a clinician supplies; it is no substitute
for a clinician's judgement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import catalog, criteria
from .classifier import Classification, CriteriaStatus, RuleResult, classify, classify_many
from .criteria import Criterion, Outcome
from .errors import (
    ImnmError,
    InvalidFindings,
    InvalidPayload,
    InvalidValue,
    UnknownId,
    UnsupportedType,
)
from .findings import Biopsy, Findings, Presence, Serology
from .model import (
    Autoantibody,
    Complication,
    Disease,
    OntologyTerm,
    Reference,
    Statement,
    Subtype,
    Therapy,
)

if TYPE_CHECKING:
    __version__: str
    """The installed version of imnm, e.g. ``"1.2.3"``."""
else:

    def __getattr__(name: str) -> str:
        # importlib.metadata costs more to import than the rest of imnm together,
        # so the version is read when first asked for (as attrs does), then kept.
        if name != "__version__":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("imnm")
        except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found


__all__ = [
    "Autoantibody",
    "Biopsy",
    "Classification",
    "Complication",
    "CriteriaStatus",
    "Criterion",
    "Disease",
    "Findings",
    "ImnmError",
    "InvalidFindings",
    "InvalidPayload",
    "InvalidValue",
    "OntologyTerm",
    "Outcome",
    "Presence",
    "Reference",
    "RuleResult",
    "Serology",
    "Statement",
    "Subtype",
    "Therapy",
    "UnknownId",
    "UnsupportedType",
    "__version__",
    "catalog",
    "classify",
    "classify_many",
    "criteria",
]
