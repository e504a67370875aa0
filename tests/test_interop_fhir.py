from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import attrs
import pytest
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation

import cases
from imnm import (
    CriteriaStatus,
    Findings,
    InvalidFindings,
    InvalidValue,
    Presence,
    Serology,
    catalog,
    classify,
)
from imnm.interop.fhir import (
    HPO_SYSTEM,
    OBSERVATION_STATUS,
    VERIFICATION_STATUS,
    to_fhir_condition,
    to_fhir_observation,
)
from imnm.interop.phenopacket import to_phenopacket

# "refuted", or "confirmed" other than in "unconfirmed" and "not confirmed".
CLAIMS = re.compile(r"\brefuted\b|(?<!not )\bconfirmed\b", re.IGNORECASE)
CREATED = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
MET = cases.ANTI_SRP_MET
INSUFFICIENT = cases.ANTI_HMGCR_ONLY
NOT_MET = cases.SERONEGATIVE_NON_NECROTIZING


def export(findings: Findings) -> dict[str, Any]:
    return to_fhir_condition(findings, classify(findings), patient_reference="Patient/123")


def observe(findings: Findings) -> dict[str, Any]:
    return to_fhir_observation(findings, classify(findings), patient_reference="Patient/123")


def exportable(all_findings: tuple[Findings, ...]) -> list[Findings]:
    """The findings a Condition is written for: the criteria are met or open."""
    return [f for f in all_findings if classify(f).criteria is not CriteriaStatus.NOT_MET]


def empty_parts(value: object, path: str = "$") -> list[str]:
    """Paths of empty objects, arrays and strings: FHIR JSON allows none."""
    found = [path] if value in ({}, [], "") else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += empty_parts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += empty_parts(item, f"{path}[{index}]")
    return found


def test_every_condition_of_the_input_space_validates_with_fhir_resources(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in exportable(all_findings):
        condition = export(findings)
        Condition.model_validate(condition)
        assert empty_parts(condition) == []


def test_fhir_resources_reads_every_element_of_the_condition(
    all_findings: tuple[Findings, ...],
) -> None:
    # A sample: dumping is slow, and the shape varies little between neighbours.
    for findings in exportable(all_findings)[::11]:
        condition = export(findings)
        model = Condition.model_validate(condition)
        assert json.loads(model.model_dump_json(exclude_none=True)) == condition


def test_the_condition_is_coded_in_icd_10_cm_and_orphanet() -> None:
    coding = export(MET)["code"]["coding"]
    assert {(c["system"], c["code"]) for c in coding} == {
        ("http://hl7.org/fhir/sid/icd-10-cm", "G72.49"),
        ("https://www.orpha.net", "206569"),
    }


@pytest.mark.parametrize(
    ("findings", "status", "verification"),
    [
        (MET, CriteriaStatus.MET, "provisional"),
        (INSUFFICIENT, CriteriaStatus.INSUFFICIENT_DATA, "unconfirmed"),
    ],
)
def test_verification_status_follows_the_criteria_status(
    findings: Findings, status: CriteriaStatus, verification: str
) -> None:
    assert classify(findings).criteria is status
    (coding,) = export(findings)["verificationStatus"]["coding"]
    assert coding == {
        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        "code": verification,
    }


def test_the_subtype_is_named_in_the_code_text_only_where_the_criteria_are_met() -> None:
    # 0.1.0 also wrote "Subtype: <name>." as a note for any status; a subtype is
    # now named only where the criteria for it are met.
    condition = export(MET)
    assert condition["code"]["text"] == "Anti-SRP myopathy"
    assert condition["note"][0]["text"].startswith(
        "Anti-SRP positive; ENMC 2016 criteria met for anti-SRP myopathy"
    )
    open_case = export(INSUFFICIENT)
    assert open_case["code"]["text"] == "Immune-mediated necrotizing myopathy"
    assert "Anti-HMGCR myopathy" not in json.dumps(open_case)


def test_without_a_subtype_the_code_text_names_the_disease() -> None:
    condition = export(Findings())
    assert condition["code"]["text"] == "Immune-mediated necrotizing myopathy"
    assert condition["verificationStatus"]["coding"][0]["code"] == "unconfirmed"


def test_no_condition_is_written_when_the_criteria_are_not_met() -> None:
    # 0.1.0 wrote it as refuted: criteria never rule a disease out.
    with pytest.raises(InvalidValue) as raised:
        export(NOT_MET)
    assert raised.value.field == "classification.criteria"
    assert raised.value.value == "not_met"
    assert "to_fhir_observation" in str(raised.value)


def test_verification_status_is_never_refuted_nor_confirmed() -> None:
    assert set(VERIFICATION_STATUS.values()) <= {"provisional", "unconfirmed"}
    assert CriteriaStatus.NOT_MET not in VERIFICATION_STATUS


def test_every_observation_of_the_input_space_validates_and_never_claims_a_diagnosis(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in all_findings:
        observation = observe(findings)
        Observation.model_validate(observation)
        assert empty_parts(observation) == []
        assert CLAIMS.search(json.dumps(observation)) is None


def test_the_observation_records_the_evaluation_of_every_status() -> None:
    for findings, status in [
        (MET, "met"),
        (INSUFFICIENT, "insufficient data"),
        (NOT_MET, "not met"),
    ]:
        observation = observe(findings)
        assert observation["status"] == OBSERVATION_STATUS == "preliminary"
        assert observation["valueCodeableConcept"] == {"text": f"ENMC 2016 criteria: {status}"}
        assert observation["subject"] == {"reference": "Patient/123"}
        assert catalog.ALLENBACH_2018.doi in observation["method"]["text"]
        titles = [c["code"]["text"] for c in observation["component"]]
        assert titles == [r.criterion.title for r in classify(findings).explanation]
        notes = " ".join(note["text"] for note in observation["note"])
        assert "not a diagnosis" in notes


def test_the_observation_shows_each_caveat_of_the_rules_it_evaluated() -> None:
    result = classify(NOT_MET)
    observation = observe(NOT_MET)
    caveats = [r.criterion.caveat for r in result.explanation if r.criterion.caveat]
    assert caveats
    for caveat in caveats:
        assert any(caveat in c["valueString"] for c in observation["component"])


def test_the_observation_is_pure_and_checks_its_inputs() -> None:
    assert observe(NOT_MET) == observe(NOT_MET)
    with pytest.raises(InvalidValue, match="patient_reference"):
        to_fhir_observation(MET, classify(MET), patient_reference="")
    with pytest.raises(InvalidFindings):
        to_fhir_observation(MET, classify(NOT_MET), patient_reference="Patient/1")


def test_evidence_is_exactly_the_observed_features_of_the_phenopacket(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in exportable(all_findings)[::5]:
        condition = export(findings)
        evidence = {
            (coding["code"], coding["display"])
            for item in condition.get("evidence", [])
            for concept in item["code"]
            for coding in concept["coding"]
            if coding["system"] == HPO_SYSTEM
        }
        packet = to_phenopacket(findings, classify(findings), subject_id="p", created=CREATED)
        observed = {
            (f["type"]["id"], f["type"]["label"])
            for f in packet.get("phenotypicFeatures", [])
            if not f.get("excluded", False)
        }
        assert evidence == observed


def test_absent_findings_are_stated_in_the_notes_not_the_evidence() -> None:
    # 0.1.0 used an absent CK here; that case is now not met, so no Condition.
    findings = Findings(anti_hmgcr=Serology.POSITIVE, anti_srp=Serology.NEGATIVE)
    condition = export(findings)
    evidence_codes = [
        c["code"] for e in condition["evidence"] for cc in e["code"] for c in cc["coding"]
    ]
    assert catalog.ANTI_SRP_ANTIBODY.positivity_term.id not in evidence_codes
    notes = " ".join(note["text"] for note in condition["note"])
    assert "anti-SRP negative" in notes
    observation = observe(attrs.evolve(findings, elevated_ck=Presence.ABSENT))
    components = " ".join(c["valueString"] for c in observation["component"])
    assert "Elevated serum creatine kinase: absent." in components


def test_the_notes_say_the_result_is_not_a_diagnosis_and_cite_the_criteria() -> None:
    notes = " ".join(note["text"] for note in export(MET)["note"])
    assert classify(MET).disclaimer in notes
    assert "not a diagnosis" in notes
    assert catalog.ALLENBACH_2018.doi in notes


def test_the_subject_is_the_patient_reference_given() -> None:
    assert export(MET)["subject"] == {"reference": "Patient/123"}


def test_the_same_arguments_give_an_equal_condition() -> None:
    assert export(MET) == export(MET)


@pytest.mark.parametrize("reference", ["", "  ", None, 123])
def test_patient_reference_must_be_a_non_empty_string(reference: object) -> None:
    with pytest.raises(InvalidValue, match="patient_reference"):
        to_fhir_condition(MET, classify(MET), patient_reference=reference)  # type: ignore[arg-type]


def test_the_classification_must_be_of_the_findings_given() -> None:
    with pytest.raises(InvalidFindings):
        to_fhir_condition(MET, classify(NOT_MET), patient_reference="Patient/1")
