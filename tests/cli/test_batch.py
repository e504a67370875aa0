import io
import json

import pytest

from imnm import Findings, Presence, Serology, classify
from imnm.cli._batch import InputError, Parsed, RowError, read_csv, read_jsonl, run_batch
from imnm.cohort import result_cells

HMGCR = Findings(
    anti_hmgcr=Serology.POSITIVE, elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT
)


def csv_rows(text: str, **options: object) -> list[Parsed | RowError]:
    return list(read_csv(io.StringIO(text), **options))  # type: ignore[arg-type]


def jsonl_rows(*lines: str, **options: object) -> list[Parsed | RowError]:
    return list(read_jsonl(io.StringIO("\n".join(lines) + "\n"), **options))  # type: ignore[arg-type]


def errors(rows: list[Parsed | RowError]) -> list[RowError]:
    return [row for row in rows if isinstance(row, RowError)]


def test_csv_rows_carry_their_line_and_id_and_absent_columns_are_unknown() -> None:
    rows = csv_rows(
        "id,anti_hmgcr,elevated_ck,proximal_weakness\nA,positive,present,present\nB,,,\n"
    )
    assert rows == [(2, "A", HMGCR), (3, "B", Findings())]


def test_csv_without_an_id_column_gives_no_ids() -> None:
    assert csv_rows("anti_srp\npositive\n") == [(2, None, Findings(anti_srp=Serology.POSITIVE))]


def test_csv_id_column_can_be_renamed() -> None:
    assert csv_rows("mrn,anti_srp\n7,negative\n", id_column="mrn") == [
        (2, "7", Findings(anti_srp=Serology.NEGATIVE))
    ]


def test_csv_blank_lines_are_skipped_but_counted() -> None:
    assert csv_rows("id,anti_srp\n\nA,positive\n") == [
        (3, "A", Findings(anti_srp=Serology.POSITIVE))
    ]


def test_csv_line_numbers_follow_quoted_newlines() -> None:
    rows = csv_rows('id,anti_srp\n"two\nlines",positive\nC,negative\n')
    assert [row[0] for row in rows if not isinstance(row, RowError)] == [2, 4]


def test_a_bad_row_in_the_middle_is_reported_and_the_others_still_come() -> None:
    rows = csv_rows("id,elevated_ck\nA,present\nB,maybe\nC,absent\n")
    assert rows[0] == (2, "A", Findings(elevated_ck=Presence.PRESENT))
    error = rows[1]
    assert isinstance(error, RowError)
    assert (error.line, error.id, error.field, error.value) == (3, "B", "elevated_ck", "maybe")
    assert "'present', 'absent', 'unknown'" in error.message
    assert rows[2] == (4, "C", Findings(elevated_ck=Presence.ABSENT))


@pytest.mark.parametrize("row", ["A,present,extra", "A"])
def test_a_row_with_the_wrong_number_of_cells_is_an_error(row: str) -> None:
    (error,) = errors(csv_rows(f"id,elevated_ck\n{row}\n"))
    assert (error.line, error.id, error.field) == (2, "A", None)
    assert "the header has 2" in error.message


def test_an_unreadable_csv_row_is_reported_and_reading_goes_on() -> None:
    huge = "x" * 200_000
    rows = csv_rows(f"id,anti_srp\n{huge},positive\nB,negative\n")
    assert isinstance(rows[0], RowError)
    assert rows[0].line == 2
    assert "field limit" in rows[0].message
    assert rows[1] == (3, "B", Findings(anti_srp=Serology.NEGATIVE))


def test_an_empty_csv_input_is_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        read_csv(io.StringIO(""))


def test_an_unknown_column_is_refused_before_any_row_is_read() -> None:
    with pytest.raises(InputError, match=r"'elevated_cq'.*--ignore-extra-columns"):
        read_csv(io.StringIO("id,elevated_cq\nA,present\n"))


def test_unknown_columns_can_be_ignored() -> None:
    assert csv_rows("age,anti_srp\n40,positive\n", ignore_extra=True) == [
        (2, None, Findings(anti_srp=Serology.POSITIVE))
    ]


def test_a_repeated_column_is_refused() -> None:
    with pytest.raises(InputError, match="repeats the column"):
        read_csv(io.StringIO("anti_srp,anti_srp\npositive,negative\n"))


def test_an_unreadable_csv_header_is_refused() -> None:
    with pytest.raises(InputError, match="header"):
        read_csv(io.StringIO("x" * 200_000 + "\n"))


def test_json_lines_read_objects_keyed_by_field() -> None:
    rows = jsonl_rows(
        json.dumps(
            {
                "id": "A",
                "anti_hmgcr": "positive",
                "elevated_ck": "present",
                "proximal_weakness": "present",
            }
        ),
        "",
        json.dumps({"id": 7, "kind": "findings", "imnm_format": 1}),
    )
    assert rows == [(1, "A", HMGCR), (3, "7", Findings())]


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("{not json", None, "malformed JSON"),
        ("[1, 2]", None, "expected a JSON object"),
        ('{"anti_srp": null}', "anti_srp", "got null"),
        ('{"anti_srp": ["positive"]}', "anti_srp", "got an array"),
        ('{"anti_srp": "yes"}', "anti_srp", "'positive', 'negative', 'not_tested'"),
        ('{"anti_srb": "positive"}', "anti_srb", "unknown key"),
        ('{"kind": "subtype"}', "kind", 'expected "findings"'),
        ('{"anti_srp": 1, "elevated_ck": 2}', "anti_srp,elevated_ck", "$.elevated_ck: "),
    ],
)
def test_a_bad_json_line_is_reported_and_the_next_still_comes(
    line: str, field: str | None, message: str
) -> None:
    error, good = jsonl_rows(line, '{"anti_srp": "positive"}')
    assert isinstance(error, RowError)
    assert (error.line, error.field) == (1, field)
    assert message in error.message
    assert good == (2, None, Findings(anti_srp=Serology.POSITIVE))


def test_unknown_json_keys_can_be_ignored_but_not_bad_fields() -> None:
    rows = jsonl_rows(
        '{"age": 40, "kind": "findings"}', '{"age": 4, "anti_srp": 1}', ignore_extra=True
    )
    assert rows[0] == (1, None, Findings())
    assert isinstance(rows[1], RowError)
    assert rows[1].field == "anti_srp"


def test_run_batch_gives_each_row_one_result_or_one_error_in_order() -> None:
    rows = csv_rows("id,anti_hmgcr,elevated_ck\nA,positive,present\nB,x,\nC,,\n")
    results: list[tuple[object, ...]] = []
    failures: list[RowError] = []
    assert run_batch(rows, results.append, failures.append) == (2, 1)
    expected = classify(Findings(anti_hmgcr=Serology.POSITIVE, elevated_ck=Presence.PRESENT))
    assert expected.subtype is not None
    assert results == [
        (2, "A", *result_cells(expected)),
        (4, "C", *result_cells(classify(Findings()))),
    ]
    assert [(error.line, error.id, error.field) for error in failures] == [(3, "B", "anti_hmgcr")]


def test_row_error_reads_as_one_line_naming_line_id_field_and_value() -> None:
    error = RowError(line=5, id="P5", field="elevated_ck", value="maybe", message="must be X")
    assert str(error) == "line 5 (id P5): elevated_ck: must be X; got 'maybe'"
    assert str(RowError(line=5, id=None, field=None, value=None, message="bad")) == "line 5: bad"
    assert error.as_row() == (5, "P5", "elevated_ck", "maybe", "must be X")
