"""`imnm batch` with Parquet in and out: the same rows, results and error report as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imnm import cohort
from imnm.cli import _batch, _output

from .conftest import Invoke

NAMES = [column.name for column in cohort.COLUMNS]


def write_parquet(path: Path, rows: Sequence[Sequence[object]]) -> None:
    columns = list(zip(*rows, strict=True))
    arrays = {"id": pa.array(columns[1], pa.string())}
    for name, values in zip(NAMES, columns[2:], strict=True):
        arrays[name] = pa.array(values, pa.string())
    pq.write_table(pa.table(arrays), path)


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", *NAMES])
        writer.writerows(row[1:] for row in rows)


def outcomes(
    results: list[dict[str, object]], errors: list[dict[str, object]]
) -> list[tuple[object, ...]]:
    """One outcome per input row, in input order: a result or an error, without the line."""
    merged: list[tuple[int, tuple[object, ...]]] = [
        (int(str(r["line"])), ("result", r["id"], r["subtype"] or None, r["criteria"]))
        for r in results
    ]
    merged += [
        (int(str(e["line"])), ("error", e["id"], e["field"], e["value"], e["message"]))
        for e in errors
    ]
    return [outcome for _, outcome in sorted(merged, key=lambda item: item[0])]


def read_csv_rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [dict(row) for row in csv.DictReader(stream)]


def test_parquet_and_csv_give_the_same_results_and_report_row_for_row(
    invoke: Invoke, tmp_path: Path, messy_cohort: Sequence[Sequence[object]]
) -> None:
    write_parquet(tmp_path / "in.parquet", messy_cohort)
    write_csv(tmp_path / "in.csv", messy_cohort)
    parquet = invoke(
        [
            "batch",
            str(tmp_path / "in.parquet"),
            str(tmp_path / "out.parquet"),
            "--errors",
            str(tmp_path / "errors.parquet"),
        ]
    )
    text = invoke(
        [
            "batch",
            str(tmp_path / "in.csv"),
            str(tmp_path / "out.csv"),
            "--errors",
            str(tmp_path / "errors.csv"),
        ]
    )
    assert parquet.exit_code == text.exit_code == 1  # some rows are bad
    results = pq.read_table(tmp_path / "out.parquet").to_pylist()
    errors = pq.read_table(tmp_path / "errors.parquet").to_pylist()
    assert len(results) + len(errors) == len(messy_cohort)  # rows in = rows out + errors
    assert [row["line"] for row in results + errors] != []
    assert sorted(r["line"] for r in results + errors) == list(range(1, len(messy_cohort) + 1))
    assert pq.read_schema(tmp_path / "out.parquet").field("line").type == pa.int64()
    from_parquet = outcomes(results, errors)
    assert from_parquet == outcomes(
        read_csv_rows(tmp_path / "out.csv"), read_csv_rows(tmp_path / "errors.csv")
    )
    # And the same rows as the engines flag, naming the same field (see tests/test_sql.py).
    for row, outcome in zip(messy_cohort, from_parquet, strict=True):
        assert outcome[1] == row[1]
        if outcome[0] == "error":
            (column,) = [c for c in cohort.COLUMNS if c.name == outcome[2]]
            assert f"{outcome[2]}: {outcome[4]}".startswith(column.error)


def test_parquet_streams_in_record_batches(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_output, "PARQUET_BATCH_ROWS", 7)
    monkeypatch.setattr(_batch, "PARQUET_BATCH_ROWS", 7)
    rows = [(n, f"p{n}", *(column.values[n % 3] for column in cohort.COLUMNS)) for n in range(50)]
    write_parquet(tmp_path / "in.parquet", rows)
    result = invoke(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet")])
    assert result.exit_code == 0, result.output
    metadata = pq.ParquetFile(tmp_path / "out.parquet").metadata
    assert (metadata.num_rows, metadata.num_row_groups) == (50, 8)
    assert pq.read_table(tmp_path / "out.parquet").column("id").to_pylist() == [
        f"p{n}" for n in range(50)
    ]


def test_parquet_columns_of_other_types_are_read_as_text(invoke: Invoke, tmp_path: Path) -> None:
    table = pa.table(
        {"id": pa.array([7, 8], pa.int64()), "anti_srp": pa.array([1, None], pa.int64())}
    )
    pq.write_table(table, tmp_path / "in.parquet")
    result = invoke(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert (
        "line 1 (id 7): anti_srp: must be one of 'positive', 'negative', 'not_tested'"
        in result.output
    )
    assert "got '1'" in result.output
    (row,) = read_csv_rows(tmp_path / "out.csv")
    assert (row["line"], row["id"], row["criteria"]) == ("2", "8", "insufficient_data")


def test_a_parquet_column_that_cannot_be_text_is_refused_before_any_row(
    invoke: Invoke, tmp_path: Path
) -> None:
    table = pa.table({"anti_srp": pa.array([["positive"]], pa.list_(pa.string()))})
    pq.write_table(table, tmp_path / "in.parquet")
    result = invoke(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert (
        "column 'anti_srp' holds list<element: string>, which cannot be read as text"
        in result.output
    )


def test_parquet_input_is_refused_from_a_pipe_and_when_unreadable(
    invoke: Invoke, tmp_path: Path
) -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    with pytest.raises(_batch.InputError, match="Parquet input must be a file"):
        _batch.read_parquet(Pipe(b"PAR1"))
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    bad = invoke(["batch", str(tmp_path / "bad.parquet"), str(tmp_path / "out.csv")])
    assert bad.exit_code == 1
    assert "unreadable Parquet file" in bad.output


def test_an_empty_parquet_cohort_gives_an_empty_parquet_result(
    invoke: Invoke, tmp_path: Path
) -> None:
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), tmp_path / "in.parquet")
    result = invoke(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet")])
    assert result.exit_code == 0, result.output
    out = pq.read_table(tmp_path / "out.parquet")
    assert (out.num_rows, out.column_names) == (0, ["line", "id", *cohort.RESULT_COLUMNS])


def test_parquet_column_names_are_folded_and_unknown_ones_refused(
    invoke: Invoke, tmp_path: Path
) -> None:
    pq.write_table(pa.table({" Anti_SRP ": ["Positive"], "ID": ["x"]}), tmp_path / "in.parquet")
    result = invoke(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    (row,) = read_csv_rows(tmp_path / "out.csv")
    assert (row["id"], row["subtype"]) == ("x", "anti-srp")
    pq.write_table(pa.table({"anti_srpp": ["positive"]}), tmp_path / "odd.parquet")
    odd = invoke(["batch", str(tmp_path / "odd.parquet"), str(tmp_path / "out.csv")])
    assert odd.exit_code == 1
    assert "unknown column 'anti_srpp'" in odd.output
