"""The streaming core of ``imnm batch``: each input row gives one result or one error.

Readers turn a text stream into an iterator of parsed rows (line, id, findings)
and :class:`RowError` items; :func:`run_batch` classifies the parsed rows and
hands each result or error to a writer.  Nothing holds more than one row, so
memory stays constant for any input size.  A bad row never stops the stream;
only a problem with the input as a whole (an empty file, an unknown column)
raises :class:`InputError`, before any row is read.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from ..classifier import classify
from ..errors import ImnmError, InvalidPayload, InvalidValue
from ..findings import Findings
from ..serialize import from_dict
from ._fields import FIELDS, findings_from_cells
from ._words import fold, plural, quoted, suggestion

__all__ = [
    "ERROR_COLUMNS",
    "INPUT_FORMATS",
    "RESULT_COLUMNS",
    "InputError",
    "InputFormat",
    "Parsed",
    "RowError",
    "read_csv",
    "read_jsonl",
    "run_batch",
]

#: The columns of a result row.
RESULT_COLUMNS = ("line", "id", "subtype", "criteria")
#: The columns of an error-report row.
ERROR_COLUMNS = ("line", "id", "field", "value", "message")

#: A row that parsed: (line number, row id or None, findings).
Parsed = tuple[int, "str | None", Findings]

if TYPE_CHECKING:
    from _csv import Reader as _CsvReader

_FIELDS_BY_NAME = {field.name: field for field in FIELDS}
_FIELD_NAMES = frozenset(_FIELDS_BY_NAME)
# What a findings document may hold: its fields and the wire format's envelope.
_KEYS = _FIELD_NAMES | {"kind", "imnm_format"}


class InputError(ImnmError, ValueError):
    """The input as a whole cannot be read (no header, unknown or repeated columns)."""


@attrs.frozen(kw_only=True)
class RowError:
    """One input row that could not be classified.

    Attributes:
        line: The line of the input where the row starts (a CSV header is line 1).
        id: The row's id, if it has one.
        field: The field at fault, or None when the row as a whole is.
        value: The refused value, if one was.
        message: What is wrong, in words.
    """

    line: int
    id: str | None
    field: str | None
    value: object
    message: str

    def as_row(self) -> tuple[object, ...]:
        """The error as a row of :data:`ERROR_COLUMNS`."""
        return (self.line, self.id, self.field, self.value, self.message)

    def __str__(self) -> str:
        where = f"line {self.line}" + ("" if self.id is None else f" (id {self.id})")
        what = self.message if self.field is None else f"{self.field}: {self.message}"
        if self.value is not None:
            what += f"; got {self.value!r}"
        return f"{where}: {what}"


Notice = Callable[[str], object]

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _ignore(text: str) -> None:
    pass


def _check_columns(names: list[str], id_column: str, ignore_extra: bool, notice: Notice) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(
            f"the header repeats the column(s) {quoted(repeated)} (case and spaces aside)"
        )
    extra = [name for name in names if name not in _FIELD_NAMES and name != id_column]
    valid = [field.name for field in FIELDS]
    if extra and not ignore_extra:
        unknown = ", ".join(f"{name!r}{suggestion(name, valid)}" for name in extra)
        looks = [sep for sep, word in _DELIMITERS.items() if any(sep in name for name in extra)]
        hint = f"; the file looks {_DELIMITERS[looks[0]]}-separated" if looks else ""
        raise InputError(
            f"unknown {'column' if len(extra) == 1 else 'columns'} "
            f"{unknown}{hint}; the columns are {id_column!r} and the fields {', '.join(valid)} "
            "(pass --ignore-extra-columns to skip others)"
        )
    if extra:
        notice(f"ignoring {plural(len(extra), 'column')} (--ignore-extra-columns): {quoted(extra)}")
    missing = [field for field in FIELDS if field.name not in names]
    if missing:
        notice(
            f"the input has no column {', '.join(field.name for field in missing)}: "
            "every row reads "
            + ("it" if len(missing) == 1 else "them")
            + " as unknown ("
            + ", ".join(f"{field.name}={field.default.value}" for field in missing)
            + ")"
        )


def _sniff(header: str) -> str:
    """The delimiter of a CSV header line: comma, semicolon or tab (comma if none shows)."""
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:  # one column: no delimiter to see
        return ","


def _parse(line: int, row_id: str | None, cells: tuple[str | None, ...]) -> Parsed | RowError:
    try:
        return (line, row_id, findings_from_cells(cells))
    except InvalidValue as error:
        return RowError(
            line=line, id=row_id, field=error.field, value=error.value, message=error.reason
        )


def read_csv(
    stream: TextIO,
    *,
    id_column: str = "id",
    ignore_extra: bool = False,
    notice: Notice = _ignore,
) -> Iterator[Parsed | RowError]:
    """Parse a CSV stream whose header names fields of :class:`imnm.Findings`.

    The delimiter (comma, semicolon or tab) is read from the header line.
    Column names and cells are matched by the command line's rule
    (:func:`imnm.cli._words.fold`: ASCII whitespace and case do not matter).
    A column that is absent, and a blank cell, mean the field is not known.
    Blank lines are skipped.

    Args:
        stream: The CSV text, opened with ``newline=""``.
        id_column: The column that holds each row's id, if the header has it.
        ignore_extra: Skip columns that are neither fields nor the id column
            instead of refusing the input.
        notice: Called once, before any row, with each thing worth saying
            about the input as a whole: a delimiter other than the comma,
            the fields that have no column, the columns ignored.

    Raises:
        InputError: When the input has no header, or a header with repeated or
            unknown columns; raised at once, before any row is read.
    """
    first = stream.readline()
    if not first:
        raise InputError("the input is empty: expected a header of field names")
    delimiter = _sniff(first)
    if delimiter != ",":
        notice(f"reading the input as {_DELIMITERS[delimiter]}-separated")
    reader = csv.reader(itertools.chain((first,), stream), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        raise InputError(f"unreadable CSV header: {error}") from None
    names = [fold(name) for name in header]
    id_column = fold(id_column)
    _check_columns(names, id_column, ignore_extra, notice)
    index = {name: position for position, name in enumerate(names)}
    positions = tuple(index.get(field.name) for field in FIELDS)
    return _csv_rows(reader, positions, index.get(id_column), len(names))


def _csv_rows(
    reader: _CsvReader, positions: tuple[int | None, ...], id_position: int | None, width: int
) -> Iterator[Parsed | RowError]:
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            end = reader.line_num
            yield RowError(line=start, id=None, field=None, value=None, message=f"{error}")
            continue
        end = reader.line_num
        if not cells:
            continue
        row_id = None
        if id_position is not None and id_position < len(cells):
            row_id = cells[id_position]
        if len(cells) != width:
            message = f"the row has {len(cells)} cells; the header has {width}"
            yield RowError(line=start, id=row_id, field=None, value=None, message=message)
            continue
        yield _parse(
            start,
            row_id,
            tuple(None if position is None else cells[position] for position in positions),
        )


def read_jsonl(
    stream: TextIO,
    *,
    id_column: str = "id",
    ignore_extra: bool = False,
    notice: Notice = _ignore,
) -> Iterator[Parsed | RowError]:
    """Parse a JSON Lines stream of findings documents, one a line.

    Each line is read as the wire format reads a findings document
    (:func:`imnm.serialize.from_dict`), except that keys and string values
    are matched by the command line's rule (:func:`imnm.cli._words.fold`:
    ASCII whitespace and case do not matter): an absent key means the field
    is not known, and ``"kind"`` and ``"imnm_format"`` may be given.  Blank
    lines are skipped.

    Args:
        stream: The text, one JSON object a line.
        id_column: The key that holds each object's id, if it has one.
        ignore_extra: Skip keys that are neither fields, the id key nor the
            document envelope, instead of refusing the row.
        notice: Called with the first line of each key ignored.
    """
    id_column = fold(id_column)
    ignored: set[str] = set()
    for line, text in enumerate(stream, 1):
        if not text.strip():
            continue
        try:
            document = json.loads(text)
        except ValueError as error:
            yield RowError(line=line, id=None, field=None, value=None, message=f"bad JSON: {error}")
            continue
        if not isinstance(document, dict):
            message = f"expected a JSON object, got {type(document).__name__}"
            yield RowError(line=line, id=None, field=None, value=None, message=message)
            continue
        folded = {fold(key): value for key, value in document.items()}
        repeats = len(folded) < len(document)
        raw_id = folded.pop(id_column, None)
        row_id = None if raw_id is None else str(raw_id)
        if repeats:
            message = "the object repeats a key (case and spaces aside)"
            yield RowError(line=line, id=row_id, field=None, value=None, message=message)
            continue
        if ignore_extra:
            for key in folded.keys() - _KEYS - ignored:
                notice(f"ignoring the key {key!r}, first on line {line} (--ignore-extra-columns)")
                ignored.add(key)
            folded = {key: value for key, value in folded.items() if key in _KEYS}
        try:
            yield (line, row_id, _findings_from_document(folded))
        except InvalidValue as error:
            yield RowError(
                line=line, id=row_id, field=error.field, value=error.value, message=error.reason
            )
        except InvalidPayload as error:
            yield _payload_error(line, row_id, error.problems)


def _findings_from_document(document: dict[str, Any]) -> Findings:
    try:
        return _findings_from_items(tuple(document.items()))
    except TypeError:  # a list or object value cannot be a cache key; the reader refuses it
        return from_dict(document, Findings)


# As for CSV cells: repeated documents are read once (see findings_from_cells).
@functools.lru_cache(maxsize=8192)
def _findings_from_items(items: tuple[tuple[str, Any], ...]) -> Findings:
    # String values of fields are read by the command line's rule; anything else
    # (null, a number) is left to the wire format's strict reader to report.
    document = {
        key: _FIELDS_BY_NAME[key].parse(value).value
        if key in _FIELDS_BY_NAME and isinstance(value, str)
        else value
        for key, value in items
    }
    return from_dict(document, Findings)


def _payload_error(line: int, row_id: str | None, problems: tuple[str, ...]) -> RowError:
    # Each problem reads "$.<field>: <message>"; a row has one error, naming every field.
    split = [problem.partition(": ") for problem in problems]
    fields = [path.removeprefix("$.") for path, _, _ in split if path.startswith("$.")]
    message = split[0][2] if len(problems) == 1 else "; ".join(problems)
    return RowError(
        line=line, id=row_id, field=",".join(fields) or None, value=None, message=message
    )


@attrs.frozen(kw_only=True)
class InputFormat:
    """One input format of ``imnm batch``.

    Attributes:
        extensions: The file extensions (lower case, with the dot) that name it.
        reader: Reads the stream into parsed rows and errors, with the keyword
            arguments of :func:`read_csv`.
        binary: Whether the reader takes the binary stream rather than text.
    """

    extensions: tuple[str, ...]
    reader: Callable[..., Iterator[Parsed | RowError]]
    binary: bool = False


#: The input formats, by name: ``--input-format`` and the extension guess derive from it.
INPUT_FORMATS: dict[str, InputFormat] = {
    "csv": InputFormat(extensions=(".csv",), reader=read_csv),
    "jsonl": InputFormat(extensions=(".jsonl", ".ndjson"), reader=read_jsonl),
}


def run_batch(
    rows: Iterable[Parsed | RowError],
    write_result: Callable[[tuple[object, ...]], object],
    write_error: Callable[[RowError], object],
) -> tuple[int, int]:
    """Classify parsed rows and pass on each result or error, in input order.

    Args:
        rows: What a reader yields.
        write_result: Called with each result as a row of :data:`RESULT_COLUMNS`.
        write_error: Called with each :class:`RowError`.

    Returns:
        The number of rows classified and the number of rows that failed.
    """
    classified = failed = 0
    for row in rows:
        if isinstance(row, RowError):
            write_error(row)
            failed += 1
            continue
        line, row_id, findings = row
        result = classify(findings)
        subtype = result.subtype
        write_result((line, row_id, None if subtype is None else subtype.id, result.criteria.value))
        classified += 1
    return classified, failed
