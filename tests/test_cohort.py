import csv
import io
from typing import Any

from imnm import Biopsy, CriteriaStatus, Findings, Presence, Serology, catalog, classify
from imnm.cli._output import open_writer
from imnm.cohort import TABLE_COLUMNS, decision_table
from imnm.findings import COMBINATIONS

ENUMS: dict[str, Any] = {
    "anti_srp": Serology,
    "anti_hmgcr": Serology,
    "other_msa": Serology,
    "elevated_ck": Presence,
    "proximal_weakness": Presence,
    "statin_exposure": Presence,
    "extramuscular_features": Presence,
    "muscle_biopsy": Biopsy,
}


def table_as_csv() -> list[dict[str, str]]:
    stream = io.StringIO()
    writer = open_writer(stream, "csv", TABLE_COLUMNS)
    for row in decision_table():
        writer.write(row)
    writer.close()
    return list(csv.DictReader(io.StringIO(stream.getvalue())))


def test_the_table_agrees_with_classify_on_every_combination() -> None:
    rows = table_as_csv()
    assert len(rows) == COMBINATIONS
    seen = set()
    for row in rows:
        findings = Findings(**{name: enum(row[name]) for name, enum in ENUMS.items()})
        seen.add(findings)
        result = classify(findings)
        subtype = catalog.get_subtype(row["subtype"]) if row["subtype"] else None
        assert (subtype, CriteriaStatus(row["criteria"])) == (result.subtype, result.criteria)
    assert len(seen) == COMBINATIONS


def test_the_table_columns_are_the_fields_then_the_result() -> None:
    assert (
        *ENUMS,
        "subtype",
        "criteria",
        "classified_subtype",
        "ruleset",
        "ruleset_version",
        "disclaimer",
    ) == TABLE_COLUMNS


def test_the_order_is_the_product_of_the_fields_first_field_slowest() -> None:
    rows = list(decision_table())
    assert rows[0][:8] == (
        "positive",
        "positive",
        "positive",
        "present",
        "present",
        "present",
        "present",
        "necrotizing",
    )
    assert rows[1][7] == "non_necrotizing"
    assert {row[0] for row in rows[: 3**7]} == {"positive"}
    assert rows[-1][:8] == ("not_tested",) * 3 + ("unknown",) * 4 + ("not_done",)
