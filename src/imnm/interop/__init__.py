"""Interoperability: imnm's findings and results in other standards' formats.

* :mod:`imnm.interop.phenopacket`: GA4GH Phenopacket v2, both ways.
* :mod:`imnm.interop.fhir`: an HL7 FHIR R4 ``Observation`` of the criteria
  evaluation (any result) and a ``Condition`` (criteria met or open).

Every export is a pure function that returns plain JSON-ready dicts, built
from the identifiers of :mod:`imnm.catalog` only.  ``import imnm`` does not
import this package; ``import imnm.interop`` does.
"""

from __future__ import annotations

from .fhir import to_fhir_condition, to_fhir_observation
from .phenopacket import PhenopacketReading, from_phenopacket, read_phenopacket, to_phenopacket

__all__ = [
    "PhenopacketReading",
    "from_phenopacket",
    "read_phenopacket",
    "to_fhir_condition",
    "to_fhir_observation",
    "to_phenopacket",
]
