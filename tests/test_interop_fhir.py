from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fhir.resources.R4B.condition import Condition

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
from imnm.interop.fhir import HPO_SYSTEM, to_fhir_condition
from imnm.interop.phenopacket import to_phenopacket

CREATED = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
MET = cases.ANTI_SRP_MET
INSUFFICIENT = cases.ANTI_HMGCR_ONLY
NOT_MET = cases.SERONEGATIVE_NON_NECROTIZING


def export(findings: Findings) -> dict[str, Any]:
    return to_fhir_condition(findings, classify(findings), patient_reference="Patient/123")


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
    for findings in all_findings:
        condition = export(findings)
        Condition.model_validate(condition)
        assert empty_parts(condition) == []


def test_fhir_resources_reads_every_element_of_the_condition(
    all_findings: tuple[Findings, ...],
) -> None:
    # A sample: dumping is slow, and the shape varies little between neighbours.
    for findings in all_findings[::11]:
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
        (NOT_MET, CriteriaStatus.NOT_MET, "refuted"),
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


def test_the_subtype_is_named_in_the_code_text_and_a_note() -> None:
    condition = export(MET)
    assert condition["code"]["text"] == "Anti-SRP myopathy"
    assert {"text": "Subtype: Anti-SRP myopathy."} in condition["note"]


def test_without_a_subtype_the_code_text_names_the_disease() -> None:
    condition = export(Findings())
    assert condition["code"]["text"] == "Immune-mediated necrotizing myopathy"
    assert {"text": "Subtype: none assigned."} in condition["note"]


def test_evidence_is_exactly_the_observed_features_of_the_phenopacket(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in all_findings[::5]:
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
    findings = Findings(anti_hmgcr=Serology.POSITIVE, elevated_ck=Presence.ABSENT)
    condition = export(findings)
    evidence_codes = [
        c["code"] for e in condition["evidence"] for cc in e["code"] for c in cc["coding"]
    ]
    assert catalog.ELEVATED_CK.id not in evidence_codes
    notes = " ".join(note["text"] for note in condition["note"])
    assert "Elevated serum creatine kinase: absent." in notes


def test_the_notes_say_the_library_does_not_diagnose_and_cite_the_criteria() -> None:
    notes = " ".join(note["text"] for note in export(MET)["note"])
    assert "does not diagnose" in notes
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
