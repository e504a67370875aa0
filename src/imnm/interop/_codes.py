"""The code system URIs of the exports: one home below the FHIR and Phenopacket modules.

The first four are those of imnm-facts.md section 3.  :mod:`imnm.interop.fhir`
publishes them.
"""

from __future__ import annotations

#: ICD-10-CM.
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
#: WHO ICD-10 (not written by the export; for callers that map G72.4).
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
#: Orphanet, as HL7 Terminology (THO) registers it; the export writes this one.
ORPHANET_SYSTEM = "https://www.orpha.net"
#: Orphanet's older URI, still in use; a receiver may need to accept both.
ORPHANET_SYSTEM_HTTP = "http://www.orpha.net"
#: The HPO: the canonical URL of HL7 Terminology's CodeSystem "HPO"
#: (terminology.hl7.org/CodeSystem-HPO.html).
HPO_SYSTEM = "http://human-phenotype-ontology.org"
