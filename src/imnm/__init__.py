"""imnm: the clinical knowledge about immune-mediated necrotizing myopathy, as code.

This library informs; it does not diagnose.  Its classifier applies published
classification criteria to findings a clinician supplies; it is no substitute
for a clinician's judgement.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import catalog, criteria
from .classifier import Classification, CriteriaStatus, RuleResult, classify, classify_many
from .criteria import Criterion, Outcome
from .errors import ImnmError, InvalidFindings, InvalidPayload, InvalidValue, UnknownId
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

try:
    __version__ = version("imnm")
    """The installed version of imnm, e.g. ``"0.1.0"``."""
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

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
    "__version__",
    "catalog",
    "classify",
    "classify_many",
    "criteria",
]
