"""Generated SQL that classifies a cohort inside DuckDB or Apache Spark, as ``classify`` does.

Nothing here is written by hand: the decision table comes from
:func:`imnm.cohort.decision_table` (``classify`` run over every combination of
findings), the columns and their wire values from :class:`~imnm.Findings`.
A cohort is classified by a left join on that table, keyed by the findings
columns after each cell is read as ``imnm batch`` reads a CSV cell
(:func:`imnm.cohort.fold`: ASCII whitespace stripped, ASCII letters lower-cased;
``NULL`` or blank means unknown; see :mod:`imnm.cohort`).

The result has every column and every row of the cohort, in any number (duplicate
ids stay), and the result columns (:data:`OUTPUT_COLUMNS`): those of
:data:`imnm.cohort.RESULT_COLUMNS` (``subtype``, ``criteria``,
``classified_subtype``, ``ruleset``, ``ruleset_version``, ``disclaimer``;
filter on ``classified_subtype`` for "meets the criteria") and ``error``.  A row
with a value that is none of its field's wire values is not dropped: its
result columns are ``NULL`` and ``error`` names the first such
field, in the words of ``imnm batch``'s error report (``"<field>: <message>"``);
``error`` is ``NULL`` on every other row.

Two dialects, :data:`DIALECTS`: ``"duckdb"`` and ``"spark"`` (Spark SQL).  The
engines are optional: :func:`classify_duckdb` takes a DuckDB connection
(``pip install "imnm[duckdb]"``), :func:`classify_spark` a PySpark DataFrame
(``pip install "imnm[spark]"``); neither calls Python per row.

Examples:
    >>> from imnm import sql
    >>> print(sql.classify_query("cohort", "duckdb").splitlines()[0][:60])
    SELECT c.*, t.subtype, t.criteria, t.classified_subtype, t.r
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

import attrs

from .cohort import COLUMNS, RESULT_COLUMNS, TABLE_COLUMNS, WHITESPACE, Column, decision_table

if TYPE_CHECKING:
    import duckdb
    import pyspark.sql

__all__ = [
    "DECISION_TABLE",
    "DIALECTS",
    "OUTPUT_COLUMNS",
    "classify_duckdb",
    "classify_query",
    "classify_spark",
    "script",
    "setup_statements",
]

DIALECTS: tuple[str, ...] = ("duckdb", "spark")
"""The SQL dialects the generator writes."""

DECISION_TABLE = "imnm_decision_table"
"""The name of the decision table in the session: a temporary table (DuckDB) or view (Spark)."""

OUTPUT_COLUMNS: tuple[str, ...] = (*RESULT_COLUMNS, "error")
"""The columns that :func:`classify_query` adds to the cohort's own."""

# The DuckDB macro that folds one cell (a macro is expanded where it is used).
_CELL_MACRO = "imnm_cell"
# The decision table's extra column in a session: one integer per combination, the join key.
_KEY = "imnm_key"


def _spark_string(text: str) -> str:
    # Spark SQL reads backslash escapes in string literals ('' is not a quote).
    escaped = "".join(
        "\\" + char
        if char in "'\\"
        else char
        if (char.isprintable() and not char.isspace()) or char == " "
        else f"\\u{ord(char):04X}"
        for char in text
    )
    return f"'{escaped}'"


def _duckdb_string(text: str) -> str:
    # DuckDB reads no escapes in literals: a character that does not print
    # (a tab, a line feed) is spelt chr(<code point>), joined by ||.
    parts = []
    for printable, run in itertools.groupby(text, str.isprintable):
        chars = "".join(run)
        if printable:
            parts.append("'" + chars.replace("'", "''") + "'")
        else:
            parts.append(" || ".join(f"chr({ord(char)})" for char in chars))
    return " || ".join(parts) or "''"


@attrs.frozen(kw_only=True)
class _Syntax:
    string: Callable[[str], str]  # a string literal
    text: str  # the text type, for CAST
    trim: str  # trim(<text> FROM <characters>) in the dialect, as a format string
    octets: str  # the functions that count bytes and characters
    characters: str
    hint: str  # what follows SELECT in the classifying query
    table: str  # what CREATE makes of the decision table
    macro: bool  # whether setup defines the cell macro (else cells are inlined)
    values: Callable[[str], str]  # rows of VALUES -> a relation with the table's columns


def _fold(syntax: _Syntax, cell: str, unknown: str) -> str:
    # imnm.cohort.fold in SQL: strip ASCII whitespace, blank means unknown, and
    # lower-case only text that is all ASCII (one byte per character).
    text = f"CAST({cell} AS {syntax.text})"
    folded = syntax.trim.format(text=text, characters=syntax.string(WHITESPACE))
    return (
        f"CASE WHEN coalesce({folded}, '') = '' THEN {unknown}\n"
        f"    WHEN {syntax.octets}({folded}) = {syntax.characters}({folded}) "
        f"THEN lower({folded})\n"
        f"    ELSE {folded} END"
    )


def _position(syntax: _Syntax, column: Column, value: str, otherwise: str = "NULL") -> str:
    # The position of a wire value among the column's values, else *otherwise*.
    whens = " ".join(
        f"WHEN {syntax.string(wire)} THEN {index}" for index, wire in enumerate(column.values)
    )
    return f"CASE {value} {whens} ELSE {otherwise} END"


def _table_key(syntax: _Syntax) -> str:
    # The key of a row of the decision table, from its findings columns.
    return _key([_position(syntax, column, column.name) for column in COLUMNS])


def _key(positions: list[str]) -> str:
    # One integer per combination: the positions as digits of a mixed radix,
    # the first column the most significant (the decision table's order).
    terms = []
    weight = 1
    for column, position in reversed(list(zip(COLUMNS, positions, strict=True))):
        terms.append(position if weight == 1 else f"{weight} * ({position})")
        weight *= len(column.values)
    return "\n  + ".join(reversed(terms))


def _duckdb_values(rows: str) -> str:
    return f"(VALUES\n{rows}\n) AS t({', '.join(TABLE_COLUMNS)})"


def _spark_values(rows: str) -> str:
    return f"VALUES\n{rows}\nAS t({', '.join(TABLE_COLUMNS)})"


_SYNTAX = {
    "duckdb": _Syntax(
        string=_duckdb_string,
        text="VARCHAR",
        trim="trim({text}, {characters})",
        octets="strlen",
        characters="length",
        hint="",
        table="TEMP TABLE",
        macro=True,
        values=_duckdb_values,
    ),
    "spark": _Syntax(
        string=_spark_string,
        text="STRING",
        trim="trim(BOTH {characters} FROM {text})",
        octets="octet_length",
        characters="char_length",
        hint="/*+ BROADCAST(t) */ ",
        table="TEMPORARY VIEW",
        macro=False,
        values=_spark_values,
    ),
}


def _syntax(dialect: str) -> _Syntax:
    try:
        return _SYNTAX[dialect]
    except KeyError:
        raise ValueError(
            f"unknown SQL dialect {dialect!r}; choose one of {', '.join(DIALECTS)}"
        ) from None


def setup_statements(dialect: str, *, table: str = DECISION_TABLE) -> tuple[str, ...]:
    """The statements that prepare a session for :func:`classify_query`.

    They create (or replace) temporary objects only: the decision table as a
    temporary table (DuckDB) or view (Spark) named *table*, and for DuckDB the
    macro that normalises a cell.

    Args:
        dialect: One of :data:`DIALECTS`.
        table: The name of the decision table.

    Raises:
        ValueError: *dialect* is none of :data:`DIALECTS`.
    """
    syntax = _syntax(dialect)
    view = (
        f"CREATE OR REPLACE {syntax.table} {table} AS\n"
        f"SELECT {', '.join(TABLE_COLUMNS)},\n  {_table_key(syntax)} AS {_KEY}\n"
        f"FROM {syntax.values(_rows(dialect))}"
    )
    if not syntax.macro:
        return (view,)
    macro = (
        f"CREATE OR REPLACE TEMP MACRO {_CELL_MACRO}(cell, unknown) AS\n"
        f"  {_fold(syntax, 'cell', 'unknown')}"
    )
    return (macro, view)


@functools.cache
def _rows(dialect: str) -> str:
    # The decision table as the rows of a VALUES list (cached: it is large).
    string = _SYNTAX[dialect].string

    def literal(value: object) -> str:
        if value is None:
            return "NULL"
        return string(value) if isinstance(value, str) else str(value)

    return ",\n".join("  (" + ", ".join(map(literal, row)) + ")" for row in decision_table())


def classify_query(
    source: str,
    dialect: str,
    *,
    table: str = DECISION_TABLE,
    columns: Collection[str] | None = None,
) -> str:
    """A ``SELECT`` that classifies every row of *source*, keeping all its columns and rows.

    Run :func:`setup_statements` first, in the same session.

    Args:
        source: The cohort as a relation of the dialect: a table or view name,
            or e.g. ``read_parquet('cohort.parquet')`` in DuckDB.
        dialect: One of :data:`DIALECTS`.
        table: The name of the decision table.
        columns: The findings columns that *source* has (other columns are
            ignored); a findings column it lacks is read as unknown, as in
            ``imnm batch``.  Default: all of them.

    Raises:
        ValueError: *dialect* is none of :data:`DIALECTS`.
    """
    syntax = _syntax(dialect)
    present = [c for c in COLUMNS if columns is None or c.name in columns]

    def position(column: Column) -> str:
        # A wire value maps at once (the common case, and the cheapest); any
        # other cell is folded first, then mapped; NULL if it is still no value.
        if column not in present:
            return str(column.values.index(column.unknown))
        cell, unknown = f"c.{column.name}", syntax.string(column.unknown)
        folded = (
            f"{_CELL_MACRO}({cell}, {unknown})" if syntax.macro else _fold(syntax, cell, unknown)
        )
        slow = _position(syntax, column, f"({folded})")
        return _position(syntax, column, f"CAST({cell} AS {syntax.text})", f"({slow})")

    positions = {column.name: position(column) for column in COLUMNS}
    checks = "".join(
        f"\n    WHEN ({positions[column.name]}) IS NULL THEN {syntax.string(column.error)}"
        for column in present
    )
    return (
        f"SELECT {syntax.hint}c.*, {', '.join(f't.{name}' for name in RESULT_COLUMNS)},\n"
        f"  CASE WHEN t.criteria IS NOT NULL THEN NULL{checks}\n"
        f"  END AS error\n"
        f"FROM {source} AS c\n"
        f"LEFT JOIN {table} AS t\n"
        f"  ON t.{_KEY} = {_key(list(positions.values()))}"
    )


def script(dialect: str, source: str = "cohort") -> str:
    """The whole SQL script: :func:`setup_statements`, then :func:`classify_query` of *source*.

    Each statement ends with a semicolon and a newline.

    Raises:
        ValueError: *dialect* is none of :data:`DIALECTS`.
    """
    statements = (*setup_statements(dialect), classify_query(source, dialect))
    return "".join(f"{statement};\n" for statement in statements)


def classify_duckdb(connection: duckdb.DuckDBPyConnection, source: str) -> duckdb.DuckDBPyRelation:
    """Classify a cohort in a DuckDB connection, lazily, as a relation.

    Creates the temporary view and macro of :func:`setup_statements` in
    *connection*, then returns the relation of :func:`classify_query` (not yet
    run: write it with ``.write_parquet(...)``, fetch it, or query it further).

    Args:
        connection: A DuckDB connection.
        source: The cohort as a DuckDB relation, e.g. a table name or
            ``read_parquet('cohort.parquet')``.
    """
    for statement in setup_statements("duckdb"):
        connection.execute(statement)
    present = connection.sql(f"SELECT * FROM {source} AS c LIMIT 0").columns
    return connection.sql(classify_query(source, "duckdb", columns=present))


def classify_spark(cohort: pyspark.sql.DataFrame) -> pyspark.sql.DataFrame:
    """Classify a Spark DataFrame by a broadcast join, without a Python UDF.

    The decision table goes to Spark as a small DataFrame (no SQL to parse),
    joined by :func:`classify_query`; the result is lazy, like any DataFrame.
    """
    session = cohort.sparkSession
    rows = list(decision_table())
    kinds = ["int" if isinstance(value, int) else "string" for value in rows[0]]
    schema = ", ".join(f"{name} {kind}" for name, kind in zip(TABLE_COLUMNS, kinds, strict=True))
    table = session.createDataFrame(rows, schema).selectExpr(
        "*", f"{_table_key(_SYNTAX['spark'])} AS {_KEY}"
    )
    query = classify_query("{cohort}", "spark", table="{table}", columns=cohort.columns)
    return session.sql(query, cohort=cohort, table=table)
