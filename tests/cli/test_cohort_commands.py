"""`imnm sql` and `imnm table --format parquet`: the cohort tools of the command line."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imnm import cohort, sql
from imnm.ruleset import DISCLAIMER

from .conftest import Invoke


@pytest.mark.parametrize("dialect", sql.DIALECTS)
def test_sql_prints_the_script_of_the_dialect(invoke: Invoke, dialect: str) -> None:
    result = invoke(["sql", "--dialect", dialect, "--source", "registry"])
    assert (result.exit_code, result.output) == (0, sql.script(dialect, "registry"))


def test_the_printed_duckdb_script_classifies_a_parquet_cohort(
    invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "cohort.parquet"
    cells = {column.name: [column.values[0], None] for column in cohort.COLUMNS}
    pq.write_table(pa.table({"id": ["a", "a"], **cells}), path)
    script = tmp_path / "classify.sql"
    result = invoke(
        ["sql", "--dialect", "duckdb", "--source", f"read_parquet('{path}')", "-o", str(script)]
    )
    assert (result.exit_code, result.output) == (0, "")
    rows = duckdb.connect().sql(script.read_text(encoding="utf-8")).fetchall()
    assert [row[-len(sql.OUTPUT_COLUMNS) :] for row in rows] == [
        (None, "insufficient_data", None, "enmc-2016", "2", DISCLAIMER, None)
    ] * 2


def test_sql_needs_a_dialect(invoke: Invoke) -> None:
    result = invoke(["sql"])
    assert result.exit_code == 2
    assert "Missing option '--dialect'" in result.output


@pytest.mark.parametrize(
    ("name", "options"), [("table.parquet", []), ("table.bin", ["--format", "parquet"])]
)
def test_table_writes_parquet(
    invoke: Invoke, tmp_path: Path, name: str, options: list[str]
) -> None:
    result = invoke(["table", "--output", str(tmp_path / name), *options])
    assert (result.exit_code, result.output) == (0, "")
    assert pq.read_table(tmp_path / name).equals(cohort.to_arrow())


def test_table_writes_parquet_to_standard_output(invoke: Invoke) -> None:
    result = invoke(["table", "--format", "parquet"])
    assert result.exit_code == 0
    assert pq.read_table(io.BytesIO(result.stdout_bytes)).equals(cohort.to_arrow())


def test_table_to_an_unwritable_parquet_path_is_a_one_line_error(
    invoke: Invoke, tmp_path: Path
) -> None:
    result = invoke(["table", "--output", str(tmp_path / "missing" / "t.parquet")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
