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
import string
from collections.abc import Callable, Collection, Iterable
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

# The DuckDB macros (a macro is expanded where it is used): one folds a cell, the
# other gives a cell's position among its field's wire values.
_CELL_MACRO = "imnm_cell"
_POSITION_MACRO = "imnm_position"
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
    kind: str  # what CREATE makes of the decision table
    macros: bool  # whether setup defines the macros (else their SQL is inlined)
    position: Callable[[Column, str], str]  # a cell's position among the column's values, or NULL
    table: Callable[[], str]  # the SELECT that makes the decision table, with its key


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


def _case_position(column: Column, value: str) -> str:
    # Spark: the position of a wire value among the column's values, else NULL.
    whens = " ".join(
        f"WHEN {_spark_string(wire)} THEN {index}" for index, wire in enumerate(column.values)
    )
    return f"CASE {value} {whens} END"


def _spark_position(column: Column, cell: str) -> str:
    # A wire value maps at once (the common case, and the cheapest); any other
    # cell is folded first, then mapped; NULL if it is still no value.
    fast = _case_position(column, f"CAST({cell} AS STRING)")
    folded = _fold(_SYNTAX["spark"], cell, _spark_string(column.unknown))
    return f"coalesce({fast},\n    {_case_position(column, f'({folded})')})"


def _duckdb_position(column: Column, cell: str) -> str:
    unknown = _duckdb_string(column.unknown)
    return f"{_POSITION_MACRO}({cell}, {_duckdb_list(column.values)}, {unknown})"


def _duckdb_macros() -> tuple[str, ...]:
    # As _spark_position, with one look-up in a list (NULL when absent), cheaper than a CASE.
    return (
        f"CREATE OR REPLACE TEMP MACRO {_CELL_MACRO}(cell, unknown) AS\n"
        f"  {_fold(_SYNTAX['duckdb'], 'cell', 'unknown')}",
        f"CREATE OR REPLACE TEMP MACRO {_POSITION_MACRO}(cell, wire_values, unknown) AS\n"
        f"  coalesce(list_position(wire_values, CAST(cell AS VARCHAR)),\n"
        f"    list_position(wire_values, {_CELL_MACRO}(cell, unknown))) - 1",
    )


def _duckdb_list(values: Iterable[str]) -> str:
    return f"[{', '.join(map(_duckdb_string, values))}]"


def _key(positions: list[str]) -> str:
    # One integer per combination: the positions as digits of a mixed radix,
    # the first column the most significant (the decision table's order).
    terms = []
    weight = 1
    for column, position in reversed(list(zip(COLUMNS, positions, strict=True))):
        terms.append(position if weight == 1 else f"{weight} * ({position})")
        weight *= len(column.values)
    return "\n  + ".join(reversed(terms))


def _spark_table() -> str:
    # Spark: the rows of the decision table as VALUES, keyed by their findings.
    key = _key([_case_position(column, column.name) for column in COLUMNS])
    rows = ",\n".join(
        "  (" + ", ".join("NULL" if cell is None else _spark_string(cell) for cell in row) + ")"
        for row in decision_table()
    )
    return (
        f"SELECT {', '.join(TABLE_COLUMNS)},\n  {key} AS {_KEY}\n"
        f"FROM VALUES\n{rows}\nAS t({', '.join(TABLE_COLUMNS)})"
    )


# DuckDB binds a long VALUES list slowly (over a second for the decision table), so
# there the table is generated compactly: each combination's key (0, 1, ...) gives
# its findings (the key's digits), and one letter per key names its result among
# the few distinct results, listed once.
_LETTERS = string.ascii_uppercase + string.ascii_lowercase + string.digits
_RESULT = "imnm_result"


def _duckdb_table() -> str:
    rows = list(decision_table())
    width = len(COLUMNS)
    results = list(dict.fromkeys(row[width:] for row in rows))
    # (62 letters: far more than the results there are, a few subtypes by criteria status)
    letter = {result: _LETTERS[index] for index, result in enumerate(results)}
    letters = "".join(letter[row[width:]] for row in rows)
    selected = []
    weight = len(rows)
    for column in COLUMNS:
        weight //= len(column.values)
        digit = f"{_KEY} // {weight} % {len(column.values)}"
        selected.append(f"{_duckdb_list(column.values)}[1 + {digit}] AS {column.name}")
    # The result columns are ENUMs of their values, in text order: they read,
    # compare and sort as text, and cost little to carry and to write.
    for name, cells in zip(RESULT_COLUMNS, zip(*results, strict=True), strict=True):
        values = ", ".join(map(_duckdb_string, sorted(set(cells) - {None})))
        selected.append(f"CAST({_RESULT}.{name} AS ENUM({values})) AS {name}")
    listed = ",\n".join(
        "  (" + ", ".join("NULL" if cell is None else _duckdb_string(cell) for cell in row) + ")"
        for row in ((letter[result], *result) for result in results)
    )
    line = len(COLUMNS[-1].values) ** 4
    spelled = " ||\n    ".join(
        _duckdb_string(letters[start : start + line]) for start in range(0, len(letters), line)
    )
    separator = ",\n  "
    return (
        f"SELECT {separator.join(selected)},\n  {_KEY}\n"
        f"FROM range({len(rows)}) AS combination({_KEY})\n"
        f"JOIN (VALUES\n{listed}\n) AS {_RESULT}({_RESULT}, {', '.join(RESULT_COLUMNS)})\n"
        f"  ON {_RESULT}.{_RESULT} = substr(\n    {spelled},\n    {_KEY} + 1, 1)\n"
        f"ORDER BY {_KEY}"
    )


_SYNTAX = {
    "duckdb": _Syntax(
        string=_duckdb_string,
        text="VARCHAR",
        trim="trim({text}, {characters})",
        octets="strlen",
        characters="length",
        hint="",
        kind="TEMP TABLE",
        macros=True,
        position=_duckdb_position,
        table=_duckdb_table,
    ),
    "spark": _Syntax(
        string=_spark_string,
        text="STRING",
        trim="trim(BOTH {characters} FROM {text})",
        octets="octet_length",
        characters="char_length",
        hint="/*+ BROADCAST(t) */ ",
        kind="TEMPORARY VIEW",
        macros=False,
        position=_spark_position,
        table=_spark_table,
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
    macros ``imnm_cell`` (a cell read as imnm reads it: :func:`imnm.cohort.fold`,
    blank or ``NULL`` as the field's unknown value) and ``imnm_position`` (a
    cell's position among its field's wire values, ``NULL`` if it is none).

    Args:
        dialect: One of :data:`DIALECTS`.
        table: The name of the decision table.

    Raises:
        ValueError: *dialect* is none of :data:`DIALECTS`.
    """
    syntax = _syntax(dialect)
    view = f"CREATE OR REPLACE {syntax.kind} {table} AS\n{_table(dialect)}"
    return (*_duckdb_macros(), view) if syntax.macros else (view,)


@functools.cache
def _table(dialect: str) -> str:
    # The SELECT of the decision table (cached: it classifies every combination).
    return _SYNTAX[dialect].table()


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
        columns: The names of *source*'s columns (other than findings columns,
            they are ignored); a findings column it lacks is read as unknown, as
            in ``imnm batch``.  A name matches a findings column whatever the
            case of its ASCII letters, as both engines resolve names (and as
            ``imnm batch`` reads a header): ``ANTI_SRP`` is ``anti_srp``.
            Default: all of them.

    Raises:
        ValueError: *dialect* is none of :data:`DIALECTS`.
    """
    syntax = _syntax(dialect)
    names = None if columns is None else {_engine_name(name) for name in columns}
    present = [c for c in COLUMNS if names is None or c.name in names]

    positions = {
        column.name: syntax.position(column, f"c.{column.name}")
        if column in present
        else str(column.values.index(column.unknown))
        for column in COLUMNS
    }
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


def _engine_name(name: str) -> str:
    # DuckDB and Spark (by default) resolve a column name whatever the case of
    # its ASCII letters: `c.anti_srp` reads a column named ANTI_SRP.
    return name.lower() if name.isascii() else name


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

    Creates (or replaces) the temporary table and macros of
    :func:`setup_statements` in *connection*, a matter of milliseconds, then
    returns the relation of :func:`classify_query` (not yet run: write it with
    ``.write_parquet(...)``, fetch it, or query it further).  The result columns
    are DuckDB ``ENUM`` types of their values: they read, compare and sort as
    text, and a Parquet file stores them as text.

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
    key = _key([_case_position(column, column.name) for column in COLUMNS])
    table = session.createDataFrame(rows, schema).selectExpr("*", f"{key} AS {_KEY}")
    query = classify_query("{cohort}", "spark", table="{table}", columns=cohort.columns)
    return session.sql(query, cohort=cohort, table=table)
