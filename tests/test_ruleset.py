"""The rule set: named on every result, pinned to the rule tables, checked on reading."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs
import pytest

from cases import ANTI_HMGCR_MET, ANTI_HMGCR_ONLY
from imnm import (
    Classification,
    CriteriaStatus,
    Findings,
    InvalidPayload,
    InvalidValue,
    Serology,
    classify,
    serialize,
)
from imnm.ruleset import (
    CURRENT,
    DISCLAIMER,
    IIM_RULESET,
    RULESET,
    RULESET_V1,
    RuleSet,
    tables_digest,
)

# The digest of the rule tables of each released rule set version, by (id, version).
# A change to the tables fails the first test: bump the rule set's version, record
# the new digest here and in imnm.ruleset (never rewrite a line of this table), and
# say so in the CHANGELOG, since it changes medical content.
RELEASED_DIGESTS = {
    ("enmc-2016", 2): "a8e18cb32598a4f6f94ebbceae3228290559be4f17ec8c646a41cb50d7c429d8",
    ("eular-acr-2017", 1): "ac9bbb0eb73ecb49f7a8f89296f42f820b32587c29d1f164c9c01968ed1ecae3",
}
# SHA-256 of the words of imnm.ruleset.DISCLAIMER.  Stored results of a current rule
# set are re-derived with them on reading, so new words need a new version of every
# current rule set (and a line here): otherwise the documents written before would
# be refused as contradicting their own rule set.
DISCLAIMER_SHA256 = "277de112b1d8083360de49120854156b592cbbeeef616a776ef019992c0a723a"


@pytest.mark.parametrize("ruleset", list(CURRENT.values()), ids=list(CURRENT))
def test_the_rule_tables_match_the_digest_of_their_version(ruleset: RuleSet) -> None:
    digest = tables_digest(ruleset.id)
    assert digest == ruleset.digest, (
        f"the rule tables of {ruleset.id} changed: bump its version in imnm.ruleset and "
        f"record the new digest {digest} there and in RELEASED_DIGESTS"
    )
    assert RELEASED_DIGESTS[ruleset.id, ruleset.version] == digest


def test_the_disclaimer_keeps_the_words_of_the_current_rule_sets() -> None:
    words = hashlib.sha256(DISCLAIMER.encode("utf-8")).hexdigest()
    assert words == DISCLAIMER_SHA256, (
        "imnm.ruleset.DISCLAIMER changed: stored results of the current rule sets carry "
        "the old words, so bump the version of every rule set in imnm.ruleset.CURRENT "
        "and pin the new words here"
    )
    assert "not a diagnosis" in DISCLAIMER


def test_the_current_rule_sets_are_the_ones_results_name() -> None:
    assert CURRENT == {"enmc-2016": RULESET, "eular-acr-2017": IIM_RULESET}
    with pytest.raises(KeyError):
        tables_digest("no-such-criteria")


def test_the_digest_changes_with_any_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from imnm import criteria

    before = tables_digest()
    reworded = attrs.evolve(criteria.REQUIREMENTS[0], next_step="Something else.")
    monkeypatch.setattr(criteria, "REQUIREMENTS", (reworded, *criteria.REQUIREMENTS[1:]))
    assert tables_digest() != before


def test_the_eular_acr_digest_covers_the_words_of_its_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from imnm import iim

    before = tables_digest(IIM_RULESET.id)
    phrases = {**iim._OUTCOME_PHRASES, iim.IIMCategory.NOT_IIM: "other words"}
    monkeypatch.setattr(iim, "_OUTCOME_PHRASES", phrases)
    assert tables_digest(IIM_RULESET.id) != before
    monkeypatch.undo()
    monkeypatch.setattr(iim, "_STEP", "{name} is not known. {branches}.")
    assert tables_digest(IIM_RULESET.id) != before


def test_every_result_names_the_current_rule_set() -> None:
    result = classify(ANTI_HMGCR_MET)
    assert result.ruleset is RULESET
    assert (RULESET.id, RULESET.version) == ("enmc-2016", 2)
    assert RULESET.label == "enmc-2016 version 2"
    assert not result.historical
    assert "historical" not in result.summary


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "ENMC"}, "id"),
        ({"version": 0}, "version"),
        ({"digest": "abc"}, "digest"),
    ],
)
def test_a_rule_set_validates_its_fields(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        attrs.evolve(RULESET, **changes)
    assert raised.value.field == field


# --- Reading: re-derived, refused, or a historical record -------------------------


def document(findings: Findings, **changes: Any) -> dict[str, Any]:
    data = serialize.to_dict(classify(findings))
    data.update(changes)
    return data


def test_a_classification_by_the_current_rule_set_is_re_derived_on_reading() -> None:
    loaded = serialize.from_dict(document(ANTI_HMGCR_MET), Classification)
    assert loaded is classify(ANTI_HMGCR_MET)


def test_a_forged_classification_is_refused_naming_each_field_that_contradicts() -> None:
    # All findings unknown, but "anti-srp" and "met": it would export as provisional.
    forged = document(Findings(), subtype="anti-srp", criteria="met")
    with pytest.raises(InvalidPayload) as raised:
        serialize.loads(json.dumps(forged), Classification)
    assert raised.value.problems == (
        "$.subtype: contradicts rule set enmc-2016 version 2 for these findings, which gives null",
        "$.criteria: contradicts rule set enmc-2016 version 2 for these findings, "
        'which gives "insufficient_data"',
    )


def test_a_forged_explanation_or_next_steps_are_refused_with_their_paths() -> None:
    forged = document(ANTI_HMGCR_ONLY, next_steps=[])
    forged["explanation"][0]["outcome"] = "not_satisfied"
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(forged, Classification)
    paths = [problem.partition(":")[0] for problem in raised.value.problems]
    assert paths == ["$.explanation[0].outcome", "$.next_steps"]


def test_a_wrong_digest_of_the_current_version_is_refused() -> None:
    forged = document(ANTI_HMGCR_MET)
    forged["ruleset"]["digest"] = "0" * 64
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(forged, Classification)
    (problem,) = raised.value.problems
    assert problem.startswith("$.ruleset.digest: contradicts rule set enmc-2016 version 2")


def test_another_rule_set_version_loads_as_a_historical_record_and_says_so() -> None:
    # What an older rule set said is kept as it was written, not re-derived.
    record = document(Findings(anti_srp=Serology.POSITIVE), criteria="not_met")
    record["ruleset"] = {"id": "enmc-2016", "version": 1, "digest": None}
    loaded = serialize.from_dict(record, Classification)
    assert loaded.historical
    assert loaded.ruleset == RULESET_V1
    assert loaded.criteria is CriteriaStatus.NOT_MET
    assert loaded.summary.endswith("(historical record: rule set enmc-2016 version 1)")
    assert serialize.to_dict(loaded) == record


def test_a_version_1_classification_is_a_record_of_the_0_1_0_rules() -> None:
    body = document(ANTI_HMGCR_MET)
    del body["ruleset"], body["disclaimer"]
    body["imnm_format"] = 1
    loaded = serialize.loads(json.dumps(body), Classification)
    assert loaded.ruleset == RULESET_V1
    assert loaded.historical
    assert attrs.evolve(loaded, ruleset=RULESET) == classify(ANTI_HMGCR_MET)


def test_a_version_1_classification_may_not_name_a_rule_set() -> None:
    body = document(ANTI_HMGCR_MET)
    del body["disclaimer"]
    body["imnm_format"] = 1
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(body, Classification)
    assert raised.value.problems == ("$.ruleset: not a key of format version 1",)


def test_a_rule_set_is_written_in_full_in_a_classification() -> None:
    written = serialize.to_dict(classify(ANTI_HMGCR_MET))
    assert written["imnm_format"] == serialize.FORMAT_VERSION == 3
    assert written["ruleset"] == {
        "id": RULESET.id,
        "version": RULESET.version,
        "digest": RULESET.digest,
    }
    assert RuleSet(id="x", version=3).digest is None


# --- Exports and tabular outputs carry the rule set ------------------------------


def test_the_fhir_exports_and_the_phenopacket_name_the_rule_set() -> None:
    import datetime as dt

    from imnm.interop.fhir import to_fhir_condition, to_fhir_observation
    from imnm.interop.phenopacket import to_phenopacket

    result = classify(ANTI_HMGCR_MET)
    words = f"Rule set: {RULESET.label} (digest {RULESET.digest})."
    observation = to_fhir_observation(ANTI_HMGCR_MET, result, patient_reference="Patient/1")
    assert observation["method"]["text"].endswith(f". Rule set: {RULESET.label}.")
    assert {"text": words} in observation["note"]
    condition = to_fhir_condition(ANTI_HMGCR_MET, result, patient_reference="Patient/1")
    assert {"text": words} in condition["note"]
    packet = to_phenopacket(
        ANTI_HMGCR_MET,
        result,
        subject_id="p1",
        created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    (interpretation,) = packet["interpretations"]
    assert f"Rule set: {RULESET.label}." in interpretation["summary"]


def test_every_tabular_row_names_the_subtype_only_where_the_criteria_are_met() -> None:
    from imnm import cohort

    index = {name: cohort.TABLE_COLUMNS.index(name) for name in cohort.RESULT_COLUMNS}
    rows = list(cohort.decision_table())
    met = 0
    for row in rows:
        subtype, criteria = row[index["subtype"]], row[index["criteria"]]
        classified = row[index["classified_subtype"]]
        assert classified == (subtype if criteria == "met" else None)
        assert (row[index["ruleset"]], row[index["ruleset_version"]]) == (RULESET.id, "2")
        met += criteria == "met"
    assert 0 < met < len(rows)
    # Pointed to by the serology without meeting the criteria: a subtype, no classification.
    assert any(row[index["subtype"]] and row[index["criteria"]] != "met" for row in rows)


# --- Format 3: every result says what it is; assessments are re-derived too ------


def test_every_result_carries_the_disclaimer_in_memory_and_on_the_wire() -> None:
    from imnm.combined import side_by_side
    from imnm.iim import IIMFindings, assess

    results: list[Any] = [classify(ANTI_HMGCR_MET), assess(IIMFindings(age_at_onset=50))]
    both = side_by_side(ANTI_HMGCR_MET, IIMFindings(age_at_onset=50))
    results += [both.classification, both.assessment]
    for result in results:
        assert result.disclaimer == DISCLAIMER
        assert serialize.to_dict(result)["disclaimer"] == DISCLAIMER
    written = serialize.to_dict(both)
    assert written["classification"]["disclaimer"] == written["assessment"]["disclaimer"]


def test_an_assessment_names_its_rule_set_and_a_later_one_is_a_historical_record() -> None:
    from imnm.iim import IIMAssessment, IIMFindings, assess

    result = assess(IIMFindings(age_at_onset=50))
    assert result.ruleset is IIM_RULESET
    assert not result.historical
    assert serialize.to_dict(result)["ruleset"] == attrs.asdict(IIM_RULESET)
    record = serialize.to_dict(result)
    record["ruleset"] = {"id": "eular-acr-2017", "version": 2, "digest": None}
    record["category"] = "definite"
    record["disclaimer"] = "Other words, as that release wrote them."
    loaded = serialize.from_dict(record, IIMAssessment)
    assert loaded.historical
    assert loaded.summary.endswith("(historical record: rule set eular-acr-2017 version 2)")
    assert loaded.disclaimer == "Other words, as that release wrote them."
    assert serialize.to_dict(loaded) == record


def test_a_forged_assessment_is_refused_naming_each_field_that_contradicts() -> None:
    from imnm.iim import IIMAssessment, IIMFindings, assess

    forged = serialize.to_dict(assess(IIMFindings()))  # nothing known
    forged.update(category="definite", score_low="9.0", disclaimer="A diagnosis.")
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(forged, IIMAssessment)
    paths = [problem.partition(":")[0] for problem in raised.value.problems]
    assert paths == ["$.score_low", "$.category", "$.disclaimer"]
    assert "contradicts rule set eular-acr-2017 version 1" in raised.value.problems[0]


def test_a_forged_classification_inside_a_side_by_side_document_is_refused() -> None:
    from imnm.combined import SideBySide, side_by_side
    from imnm.iim import IIMFindings

    both = side_by_side(Findings(), IIMFindings())
    assert serialize.loads(serialize.dumps(both), SideBySide) == both
    forged = serialize.to_dict(both)
    forged["classification"].update(subtype="anti-srp", criteria="met")
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(forged, SideBySide)
    paths = [problem.partition(":")[0] for problem in raised.value.problems]
    assert paths == ["$.classification.subtype", "$.classification.criteria"]
    # The divergences are the parts' own: they cannot be dropped or invented.
    forged = serialize.to_dict(side_by_side(ANTI_HMGCR_MET, IIMFindings()))
    assert forged["divergences"]
    forged["divergences"] = []
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(forged, SideBySide)
    assert raised.value.problems[0].startswith("$.divergences: contradicts rule set")


def test_a_version_2_result_reads_with_the_disclaimer_and_may_not_hold_one() -> None:
    from imnm.combined import SideBySide, side_by_side
    from imnm.iim import IIMAssessment, IIMFindings, assess

    def as_version_2(document: dict[str, Any]) -> dict[str, Any]:
        body = {**document, "imnm_format": 2}
        del body["disclaimer"]
        if body["kind"] == "iim_assessment":
            del body["ruleset"]
        return body

    result = classify(ANTI_HMGCR_MET)
    assert serialize.from_dict(as_version_2(serialize.to_dict(result)), Classification) is result
    assessment = assess(IIMFindings(age_at_onset=50))
    old = as_version_2(serialize.to_dict(assessment))
    assert serialize.from_dict(old, IIMAssessment) == assessment
    both = side_by_side(ANTI_HMGCR_MET, IIMFindings(age_at_onset=50))
    document = serialize.to_dict(both)
    document["imnm_format"] = 2
    for part in ("classification", "assessment"):
        document[part] = {
            key: value
            for key, value in as_version_2({"kind": "x", **document[part]}).items()
            if key not in ("kind", "imnm_format")
        }
    document["assessment"]["ruleset"] = attrs.asdict(IIM_RULESET)  # not in version 2
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict(document, SideBySide)
    assert raised.value.problems == ("$.ruleset: not a key of format version 2",)
    del document["assessment"]["ruleset"]
    assert serialize.from_dict(document, SideBySide) == both
    with pytest.raises(InvalidPayload) as raised:
        serialize.from_dict({**old, "disclaimer": DISCLAIMER}, IIMAssessment)
    assert raised.value.problems == ("$.disclaimer: not a key of format version 2",)


def test_every_tabular_row_says_what_it_is() -> None:
    from imnm import cohort

    at = cohort.TABLE_COLUMNS.index("disclaimer")
    assert {row[at] for row in cohort.decision_table()} == {DISCLAIMER}
