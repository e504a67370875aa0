"""HL7 FHIR R4: export a classification as an ``Observation`` or a ``Condition``.

Both functions return the resource as a plain ``dict`` in FHIR's JSON form,
ready for :func:`json.dumps`.

* :func:`to_fhir_observation` records the *evaluation*: which ENMC 2016
  classification criteria the findings meet, fail or leave open, for every
  criteria status.  It asserts no condition, so it is the export to use for a
  result whose criteria are not met.
* :func:`to_fhir_condition` writes the condition IMNM, coded in ICD-10-CM and
  Orphanet, for a result whose criteria are met (``provisional``) or open
  (``unconfirmed``); see :data:`VERIFICATION_STATUS`.  It never writes
  ``confirmed`` (a clinician's to set) nor ``refuted``: classification criteria
  never rule a disease out, and a finding missing today (weakness) can appear
  tomorrow.  For a result whose criteria are not met it exports nothing and
  raises :class:`~imnm.InvalidValue` instead of writing a Condition that a
  problem list would show.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

from .. import catalog
from ..classifier import Classification, CriteriaStatus
from ..errors import InvalidValue
from ..findings import Findings
from ..model import OntologyTerm
from ._codes import (
    HPO_SYSTEM,
    ICD10_SYSTEM,
    ICD10CM_SYSTEM,
    ORPHANET_SYSTEM,
    ORPHANET_SYSTEM_HTTP,
)
from ._features import check_inputs, written

__all__ = [
    "CONDITION_VER_STATUS_SYSTEM",
    "HPO_SYSTEM",
    "ICD10CM_SYSTEM",
    "ICD10_SYSTEM",
    "OBSERVATION_STATUS",
    "ORPHANET_SYSTEM",
    "ORPHANET_SYSTEM_HTTP",
    "VERIFICATION_STATUS",
    "to_fhir_condition",
    "to_fhir_observation",
]

#: The code system of ``Condition.verificationStatus``, to which FHIR R4 binds
#: the element (required binding, hl7.org/fhir/R4/valueset-condition-ver-status.html).
CONDITION_VER_STATUS_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

#: ``Condition.verificationStatus`` for each criteria status a Condition is written for.
#:
#: * met -> ``provisional``: the findings meet the ENMC 2016 *classification*
#:   criteria, which is not a diagnosis; ``confirmed`` is a clinician's to set.
#: * insufficient data -> ``unconfirmed``: FHIR's own definition, "there is not
#:   sufficient diagnostic and/or clinical evidence".
#:
#: Not met has no entry: no Condition is written for it (:func:`to_fhir_condition`
#: refuses; :func:`to_fhir_observation` records the evaluation).  FHIR's
#: ``refuted`` means "ruled out", and classification criteria never rule a
#: disease out.
VERIFICATION_STATUS: Mapping[CriteriaStatus, str] = types.MappingProxyType(
    {
        CriteriaStatus.MET: "provisional",
        CriteriaStatus.INSUFFICIENT_DATA: "unconfirmed",
    }
)

#: ``Observation.status`` of every evaluation :func:`to_fhir_observation`
#: writes: ``preliminary`` ("data may be incomplete or unverified"), because
#: software computed it from the findings it was given and no clinician has
#: verified it.
OBSERVATION_STATUS = "preliminary"

_EVALUATION = (
    "Evaluation of the findings against the ENMC 2016 classification criteria for "
    f"{catalog.IMNM.name.lower()} ({catalog.IMNM.abbreviation})"
)

_METHOD = (
    "The ENMC 2016 classification criteria for IMNM as encoded by the imnm library: "
    + catalog.ALLENBACH_2018.citation
)


def to_fhir_condition(
    findings: Findings, classification: Classification, *, patient_reference: str
) -> dict[str, Any]:
    """Write a classification whose criteria are met or open as a FHIR R4 ``Condition``.

    The code is IMNM (ICD-10-CM ``G72.49``, Orphanet ``206569``) and the
    criteria status sets ``verificationStatus`` (:data:`VERIFICATION_STATUS`):
    ``provisional`` when the criteria are met, ``unconfirmed`` when the data
    are insufficient; never ``confirmed``, never ``refuted``.  ``code.text``
    names the subtype only when the criteria are met.  ``evidence`` lists the
    findings that are present, positive or necrotizing, HPO-coded; absent and
    negative findings would read as present in ``evidence``, so they are stated
    in the notes, with every rule's outcome, its caveat, the notes, the rule
    set and the sources.  ``clinicalStatus`` is left out: the findings do not
    say whether the condition is active.

    Pure: the same arguments give an equal dict.

    Args:
        findings: What is known about the patient.
        classification: ``classify(findings)``.
        patient_reference: The FHIR reference of the patient, e.g. ``"Patient/123"``.

    Returns:
        The Condition as JSON-ready dicts, lists and strings.

    Raises:
        InvalidFindings: *findings* is not a Findings, or *classification* is
            not their classification.
        InvalidValue: *patient_reference* is not a non-empty string, or the
            criteria are not met (field ``"classification.criteria"``): no
            Condition is written then; :func:`to_fhir_observation` records
            the evaluation instead.

    Examples:
        >>> from imnm import Findings, Presence, Serology, classify
        >>> findings = Findings(anti_hmgcr=Serology.POSITIVE, anti_srp=Serology.NEGATIVE,
        ...     elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT)
        >>> condition = to_fhir_condition(findings, classify(findings),
        ...     patient_reference="Patient/123")
        >>> condition["verificationStatus"]["coding"][0]["code"], condition["code"]["text"]
        ('provisional', 'Anti-HMGCR myopathy')
        >>> [c["code"] for c in condition["code"]["coding"]]
        ['G72.49', '206569']
    """
    check_inputs(findings, classification, patient_reference=patient_reference)
    status = VERIFICATION_STATUS.get(classification.criteria)
    if status is None:
        raise InvalidValue(
            "classification.criteria",
            classification.criteria.value,
            "no Condition is written when the ENMC 2016 criteria are not met (criteria "
            "never rule a disease out, so the FHIR status refuted would claim too much); "
            "to_fhir_observation records the evaluation",
        )
    subtype = classification.classified_subtype
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "verificationStatus": {"coding": [{"system": CONDITION_VER_STATUS_SYSTEM, "code": status}]},
        "code": {
            "coding": [
                _coding(ICD10CM_SYSTEM, catalog.IMNM.code("ICD10CM")),
                _coding(ORPHANET_SYSTEM, catalog.IMNM.code("ORPHA")),
            ],
            "text": catalog.IMNM.name if subtype is None else subtype.name,
        },
        "subject": {"reference": patient_reference},
    }
    manifestations = [
        {"coding": [{"system": HPO_SYSTEM, "code": term.id, "display": term.label}]}
        for term, excluded in written(findings)
        if not excluded
    ]
    if manifestations:
        condition["evidence"] = [{"code": manifestations}]
    first = f"{classification.summary}; verification status {status}."
    condition["note"] = [{"text": text} for text in _notes(classification, first)]
    return condition


def to_fhir_observation(
    findings: Findings, classification: Classification, *, patient_reference: str
) -> dict[str, Any]:
    """Write a classification, whatever its status, as a FHIR R4 ``Observation``.

    The Observation records an evaluation, not a condition: ``code`` says what
    was evaluated (the ENMC 2016 classification criteria), ``method`` names the
    rule set and its source, ``valueCodeableConcept`` the criteria status in
    words, and one ``component`` per rule its outcome, the findings it read and
    its caveat.  ``status`` is :data:`OBSERVATION_STATUS`.  The notes hold the
    summary with the disclaimer, the notes of the classification and the
    sources.  No code of a terminology is written: the project's sources
    confirm none for "criteria evaluation", and imnm invents none.

    Pure: the same arguments give an equal dict.

    Args:
        findings: What is known about the patient.
        classification: ``classify(findings)``.
        patient_reference: The FHIR reference of the patient, e.g. ``"Patient/123"``.

    Returns:
        The Observation as JSON-ready dicts, lists and strings.

    Raises:
        InvalidFindings: *findings* is not a Findings, or *classification* is
            not their classification.
        InvalidValue: *patient_reference* is not a non-empty string.

    Examples:
        >>> from imnm import Findings, Presence, Serology, classify
        >>> findings = Findings(anti_hmgcr=Serology.POSITIVE, elevated_ck=Presence.PRESENT,
        ...     proximal_weakness=Presence.ABSENT)
        >>> observation = to_fhir_observation(findings, classify(findings),
        ...     patient_reference="Patient/123")
        >>> observation["resourceType"], observation["status"]
        ('Observation', 'preliminary')
        >>> observation["valueCodeableConcept"]["text"]
        'ENMC 2016 criteria: not met'
    """
    check_inputs(findings, classification, patient_reference=patient_reference)
    components = []
    for result in classification.explanation:
        criterion = result.criterion
        text = f"{_words(result.outcome.value)}. {result.detail}"
        if criterion.caveat is not None:
            text += f" Caveat: {criterion.caveat}"
        components.append({"code": {"text": criterion.title}, "valueString": text})
    return {
        "resourceType": "Observation",
        "status": OBSERVATION_STATUS,
        "code": {"text": _EVALUATION},
        "subject": {"reference": patient_reference},
        "method": {"text": f"{_METHOD}. Rule set: {classification.ruleset.label}."},
        "valueCodeableConcept": {
            "text": f"ENMC 2016 criteria: {_words(classification.criteria.value)}"
        },
        "note": [{"text": text} for text in _notes(classification, f"{classification.summary}.")],
        "component": components,
    }


def _coding(system: str, term: OntologyTerm) -> dict[str, str]:
    return {"system": system, "code": term.local_id, "display": term.label}


def _words(value: str) -> str:
    return value.replace("_", " ")


def _notes(classification: Classification, first: str) -> list[str]:
    ruleset = classification.ruleset
    digest = "" if ruleset.digest is None else f" (digest {ruleset.digest})"
    lines = [f"{first} {classification.disclaimer}", f"Rule set: {ruleset.label}{digest}."]
    for result in classification.explanation:
        criterion = result.criterion
        line = f"{criterion.title}: {_words(result.outcome.value)}. {result.detail}"
        if criterion.caveat is not None:
            line += f" Caveat: {criterion.caveat}"
        lines.append(line)
    lines += [note.text for note in classification.notes]
    lines.append("Sources: " + " ".join(ref.citation for ref in classification.references))
    return lines
