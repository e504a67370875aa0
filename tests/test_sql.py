"""The generated SQL classifies inside DuckDB and Spark exactly as classify() and imnm batch do."""

from __future__ import annotations

import collections
import pickle
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imnm import Findings, InvalidValue, classify, cohort, sql
from imnm.cli._fields import findings_from_cells
from imnm.errors import MissingExtra

NAMES = [column.name for column in cohort.COLUMNS]
#: What a path gives for one row: the result cells, then the error.
Result = tuple[object, ...]
WIDTH = len(sql.OUTPUT_COLUMNS)


def expected(cells: Sequence[object]) -> Result:
    """What every path must give for a row of cells: imnm batch's reading, then classify."""
    try:
        findings = findings_from_cells(tuple(cast(Sequence[str | None], cells)))
    except InvalidValue as error:
        (column,) = [column for column in cohort.COLUMNS if column.name == error.field]
        return (*[None] * len(cohort.RESULT_COLUMNS), column.error)
    result = classify(findings)
    subtype, classified = result.subtype, result.classified_subtype
    return (
        None if subtype is None else subtype.id,
        result.criteria.value,
        None if classified is None else classified.id,
        "enmc-2016",
        "2",
        result.disclaimer,
        None,
    )


def combinations(all_findings: Iterable[Findings]) -> list[tuple[object, ...]]:
    return [
        (number, f"c{number}", *(getattr(findings, name).value for name in NAMES))
        for number, findings in enumerate(all_findings)
    ]


def arrow(rows: Sequence[Sequence[object]], names: Sequence[str] = NAMES) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    arrays = {"row": pa.array(columns[0], pa.int64()), "id": pa.array(columns[1], pa.string())}
    for name, values in zip(names, columns[2:], strict=True):
        arrays[name] = pa.array(values, pa.string())
    return pa.table(arrays)


def check(rows_in: Sequence[Sequence[object]], rows_out: Sequence[Sequence[object]]) -> None:
    """Rows in = rows out, every input cell kept, each result as batch and classify give it."""
    assert len(rows_out) == len(rows_in)
    by_row = {row[0]: row for row in rows_out}
    assert len(by_row) == len(rows_in)
    width = len(rows_in[0])
    for row in rows_in:
        out = by_row[row[0]]
        assert tuple(out[:width]) == tuple(row)
        assert tuple(out[width:]) == expected(row[2:]), row
    ids_in = collections.Counter(row[1] for row in rows_in)
    assert collections.Counter(row[1] for row in rows_out) == ids_in


def test_the_messy_cohort_has_what_it_promises(messy_cohort: Sequence[Sequence[object]]) -> None:
    results = [expected(row[2:]) for row in messy_cohort]
    errors = collections.Counter(result[-1] for result in results)
    assert 0.1 < 1 - errors[None] / len(results) < 0.5
    assert len(errors) > 5  # most columns are at fault somewhere
    assert any(None in row for row in messy_cohort)
    assert any(
        isinstance(cell, str) and cell.strip() != cell for row in messy_cohort for cell in row
    )
    assert max(collections.Counter(row[1] for row in messy_cohort).values()) > 1


# --- DuckDB ------------------------------------------------------------------


def test_duckdb_classifies_every_combination_as_classify_does(
    all_findings: tuple[Findings, ...],
) -> None:
    rows = combinations(all_findings)
    connection = duckdb.connect()
    connection.register("combinations", arrow(rows))
    check(rows, sql.classify_duckdb(connection, "combinations").fetchall())


def test_duckdb_flags_bad_rows_keeps_every_row_and_reads_a_parquet_cohort_in_one_query(
    messy_cohort: Sequence[Sequence[object]], tmp_path: Path
) -> None:
    path = tmp_path / "cohort.parquet"
    pq.write_table(arrow(messy_cohort), path)
    connection = duckdb.connect()
    check(messy_cohort, sql.classify_duckdb(connection, f"read_parquet('{path}')").fetchall())


@pytest.mark.parametrize("names", [("ANTI_SRP", "Anti_Hmgcr"), ("anti_SRP", "ANTI_HMGCR")])
def test_duckdb_reads_findings_columns_whatever_the_case_of_their_names(
    names: tuple[str, str], tmp_path: Path
) -> None:
    # As imnm batch reads a header (case does not matter), and as DuckDB resolves
    # c.anti_srp: an upper-case column (a SAS or Oracle export) is never lost.
    path = tmp_path / "cohort.parquet"
    pq.write_table(arrow([(1, "a", "positive", "negative")], names), path)
    connection = duckdb.connect()
    (row,) = sql.classify_duckdb(connection, f"read_parquet('{path}')").fetchall()
    assert tuple(row[-WIDTH:]) == expected(["positive", "negative", *([None] * 6)])
    assert row[-WIDTH] == "anti-srp"


def test_a_column_name_outside_ascii_is_not_folded_into_a_findings_column() -> None:
    # The Kelvin sign lowers to "k" in Python; no engine reads it as "elevated_ck".
    query = sql.classify_query("cohort", "duckdb", columns=["id", "elevated_c\u212a"])
    assert "c.elevated_ck" not in query


def test_duckdb_reads_a_missing_findings_column_as_unknown(
    messy_cohort: Sequence[Sequence[object]],
) -> None:
    kept = [name for name in NAMES if name not in {"statin_exposure", "muscle_biopsy"}]
    rows = [
        (row[0], row[1], *(row[2 + NAMES.index(name)] for name in kept)) for row in messy_cohort
    ]
    connection = duckdb.connect()
    connection.register("cohort", arrow(rows, kept))
    out = sql.classify_duckdb(connection, "cohort").fetchall()
    assert [tuple(row[-WIDTH:]) for row in sorted(out)] == [
        expected([row[2 + kept.index(name)] if name in kept else None for name in NAMES])
        for row in rows
    ]


def test_the_duckdb_script_runs_as_it_is_printed(
    messy_cohort: Sequence[Sequence[object]],
) -> None:
    connection = duckdb.connect()
    connection.register("registry", arrow(messy_cohort))
    relation = connection.sql(sql.script("duckdb", "registry"))
    check(messy_cohort, relation.fetchall())
    plan = connection.sql("EXPLAIN " + sql.classify_query("registry", "duckdb")).fetchall()
    assert re.search("hash.?join", str(plan), re.IGNORECASE)


def test_the_duckdb_decision_table_is_the_decision_table_keyed_by_row_number() -> None:
    connection = duckdb.connect()
    for statement in sql.setup_statements("duckdb"):
        connection.execute(statement)
    rows = connection.sql(f"SELECT * FROM {sql.DECISION_TABLE} ORDER BY imnm_key").fetchall()
    assert [row[:-1] for row in rows] == list(cohort.decision_table())
    assert [row[-1] for row in rows] == list(range(len(rows)))


def test_duckdb_result_columns_are_enums_that_read_compare_and_sort_as_text(
    messy_cohort: Sequence[Sequence[object]], tmp_path: Path
) -> None:
    connection = duckdb.connect()
    connection.register("cohort", arrow(messy_cohort))
    relation = sql.classify_duckdb(connection, "cohort")
    kinds = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert all(kinds[name].startswith("ENUM(") for name in cohort.RESULT_COLUMNS)
    relation.create_view("classified")
    ((count,),) = connection.sql(
        "SELECT count(*) FROM classified WHERE criteria = 'met'"
    ).fetchall()
    assert count == sum(expected(row[2:])[1] == "met" for row in messy_cohort)
    ordered = connection.sql(
        "SELECT DISTINCT subtype FROM classified WHERE subtype IS NOT NULL ORDER BY subtype"
    ).fetchall()
    assert len(ordered) > 1
    assert [value for (value,) in ordered] == sorted(value for (value,) in ordered)
    relation.write_parquet(str(tmp_path / "out.parquet"))
    schema = pq.read_schema(tmp_path / "out.parquet")
    assert {schema.field(name).type for name in cohort.RESULT_COLUMNS} == {pa.string()}


def test_cells_of_other_types_are_read_as_their_text() -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE numbers AS SELECT 1 AS row, 'x' AS id, 42 AS anti_srp")
    (row,) = sql.classify_duckdb(connection, "numbers").fetchall()
    assert row[-WIDTH:] == expected(["42", *([None] * 7)])


# --- Spark -------------------------------------------------------------------


def rows_of(frame: Any) -> list[tuple[object, ...]]:
    """A Spark DataFrame's rows, fetched as Arrow (much faster than Row objects)."""
    table = frame.toArrow()
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def test_spark_classifies_every_combination_as_classify_does(
    spark: Any, all_findings: tuple[Findings, ...]
) -> None:
    rows = combinations(all_findings)
    result = sql.classify_spark(spark.createDataFrame(arrow(rows)))
    check(rows, rows_of(result))


def test_spark_flags_bad_rows_like_duckdb_by_a_broadcast_join_without_python(
    spark: Any, messy_cohort: Sequence[Sequence[object]]
) -> None:
    result = sql.classify_spark(spark.createDataFrame(arrow(messy_cohort)))
    check(messy_cohort, rows_of(result))
    plan = result._jdf.queryExecution().executedPlan().toString()
    assert "BroadcastHashJoin" in plan
    assert "Python" not in plan  # no BatchEvalPython / ArrowEvalPython: no UDF


def test_spark_reads_a_missing_findings_column_as_unknown(spark: Any) -> None:
    frame = spark.createDataFrame(
        [(1, "a", "negative", " negative ")],
        "row long, id string, anti_srp string, anti_hmgcr string",
    )
    (row,) = sql.classify_spark(frame).collect()
    assert tuple(row)[-WIDTH:] == expected(["negative", "negative", *([None] * 6)])


def test_spark_reads_findings_columns_whatever_the_case_of_their_names(spark: Any) -> None:
    frame = spark.createDataFrame(
        [(1, "a", "positive", "negative")],
        "row long, id string, ANTI_SRP string, Anti_Hmgcr string",
    )
    (row,) = sql.classify_spark(frame).collect()
    assert tuple(row)[-WIDTH:] == expected(["positive", "negative", *([None] * 6)])
    assert tuple(row)[-WIDTH] == "anti-srp"


def test_spark_parses_the_printed_script(
    spark: Any, messy_cohort: Sequence[Sequence[object]]
) -> None:
    spark.createDataFrame(arrow(messy_cohort)).createOrReplaceTempView("registry")
    statements = sql.script("spark", "registry").split(";\n")
    assert statements.pop() == ""
    for statement in statements[:-1]:
        spark.sql(statement)
    check(messy_cohort, rows_of(spark.sql(statements[-1])))


# --- the generator and the table ------------------------------------------


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(
        ValueError, match="unknown SQL dialect 'oracle'; choose one of duckdb, spark"
    ):
        sql.classify_query("cohort", "oracle")


def test_every_output_column_is_added_after_the_cohort_columns() -> None:
    for dialect in sql.DIALECTS:
        query = sql.classify_query("cohort", dialect)
        assert query.index("c.*") < query.index("t.subtype") < query.index("AS error")
    assert (*cohort.RESULT_COLUMNS, "error") == sql.OUTPUT_COLUMNS


def test_the_sql_folds_a_cell_as_the_command_line_does() -> None:
    cells = ["Positive", " NEGATIVE\t", "\u00a0positive", "\u212aNOWN", "", " \v", "posit ive"]
    connection = duckdb.connect()
    for statement in sql.setup_statements("duckdb"):
        connection.execute(statement)
    for cell in cells:
        (row,) = connection.execute("SELECT imnm_cell(?, 'unknown')", [cell]).fetchall()
        assert row == (cohort.fold(cell) or "unknown",), repr(cell)


def test_the_arrow_table_is_the_decision_table() -> None:
    table = cohort.to_arrow()
    assert table.column_names == list(cohort.TABLE_COLUMNS)
    assert {field.type for field in table.schema} == {pa.string()}
    columns = [table.column(name).to_pylist() for name in table.column_names]
    assert list(zip(*columns, strict=True)) == list(cohort.decision_table())


def test_the_parquet_file_reads_back_as_the_arrow_table(tmp_path: Path) -> None:
    cohort.write_parquet(tmp_path / "table.parquet")
    assert pq.read_table(tmp_path / "table.parquet").equals(cohort.to_arrow())


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtra) as caught:
        cohort.to_arrow()
    assert str(caught.value) == (
        'this needs pyarrow, which is not installed: pip install "imnm[parquet]"'
    )
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (type(copy), copy.module, copy.extra, str(copy)) == (
        MissingExtra,
        "pyarrow",
        "parquet",
        str(caught.value),
    )
    assert isinstance(caught.value, ImportError)


@pytest.mark.source_tree
def test_the_spark_recipe_of_the_cohorts_page_runs(spark: Any) -> None:
    page = (Path(__file__).parents[1] / "docs" / "cohorts.md").read_text(encoding="utf-8")
    (recipe,) = re.findall(r"^```py\n(.*?)^```$", page, re.MULTILINE | re.DOTALL)
    exec(compile(recipe, "docs/cohorts.md", "exec"), {"spark": spark})
