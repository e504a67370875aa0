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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, TextIO

import attrs

from .. import _arrow, cohort
from .._json import MAX_DOCUMENT_SIZE
from .._json import parse as parse_json
from .._shown import bounded_repr, shown
from ..classifier import classify
from ..combined import side_by_side
from ..errors import ImnmError, InvalidPayload, InvalidValue
from ..findings import Findings
from ..iim import IIMFindings
from ..serialize import from_dict
from ._fields import FIELDS, findings_from_cells
from ._iim import IIM_COLUMNS, iim_cells, iim_findings_from_cells
from ._output import PARQUET_BATCH_ROWS
from ._words import fold, plural, suggestion

__all__ = [
    "ERROR_COLUMNS",
    "INPUT_FORMATS",
    "RESULT_COLUMNS",
    "InputError",
    "InputFormat",
    "Parsed",
    "ParsedRows",
    "RowError",
    "read_csv",
    "read_jsonl",
    "read_parquet",
    "run_batch",
]

#: The columns of a result row.
RESULT_COLUMNS = ("line", "id", *cohort.RESULT_COLUMNS)
#: The columns of an error-report row.
ERROR_COLUMNS = ("line", "id", "field", "value", "message")

#: A row that parsed: (line number, row id or None, findings), and with EULAR/ACR
#: columns the EULAR/ACR findings as a fourth item.
Parsed = tuple[int, "str | None", Findings] | tuple[int, "str | None", Findings, IIMFindings]

if TYPE_CHECKING:
    from _csv import Reader as _CsvReader

_FIELDS_BY_NAME = {field.name: field for field in FIELDS}
_FIELD_NAMES = frozenset(_FIELDS_BY_NAME)
_IIM_NAMES = frozenset(IIM_COLUMNS)
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
            what += f"; got {bounded_repr(self.value)}"
        return f"{where}: {what}"


Notice = Callable[[str], object]

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _ignore(text: str) -> None:
    pass


def _check_columns(names: list[str], id_column: str, ignore_extra: bool, notice: Notice) -> None:
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise InputError(
            f"the header repeats the column(s) {_names(repeated)} (case and spaces aside)"
        )
    extra = [
        name
        for name in names
        if name not in _FIELD_NAMES and name not in _IIM_NAMES and name != id_column
    ]
    valid = [field.name for field in FIELDS]
    if extra and not ignore_extra:
        # At most ten names, each shown briefly: a header can be any width.
        unknown = ", ".join(f"{bounded_repr(name)}{suggestion(name, valid)}" for name in extra[:10])
        unknown += f" and {len(extra) - 10} more" if len(extra) > 10 else ""
        looks = [sep for sep, word in _DELIMITERS.items() if any(sep in name for name in extra)]
        hint = f"; the file looks {_DELIMITERS[looks[0]]}-separated" if looks else ""
        raise InputError(
            f"unknown {'column' if len(extra) == 1 else 'columns'} "
            f"{unknown}{hint}; the columns are {id_column!r} and the fields {', '.join(valid)} "
            "(pass --ignore-extra-columns to skip others)"
        )
    if extra:
        notice(f"ignoring {plural(len(extra), 'column')} (--ignore-extra-columns): {_names(extra)}")
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


def _names(names: list[str]) -> str:
    # At most ten names, each shown briefly: a header can be any width.
    shown = ", ".join(bounded_repr(name) for name in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _sniff(header: str) -> str:
    """The delimiter of a CSV header line: comma, semicolon or tab (comma if none shows)."""
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:  # one column: no delimiter to see
        return ","


def _parse(
    line: int,
    row_id: str | None,
    cells: tuple[str | None, ...],
    iim: tuple[str | None, ...] | None = None,
) -> Parsed | RowError:
    try:
        if iim is None:
            return (line, row_id, findings_from_cells(cells))
        return (line, row_id, findings_from_cells(cells), iim_findings_from_cells(iim))
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
    iim_positions = None
    if _IIM_NAMES & set(names):
        iim_positions = tuple(index.get(name) for name in IIM_COLUMNS)
    rows = _csv_rows(reader, positions, index.get(id_column), len(names), iim_positions)
    return ParsedRows(rows, with_iim=iim_positions is not None)


class ParsedRows(Iterator["Parsed | RowError"]):
    """What :func:`read_csv` yields, and whether its rows hold EULAR/ACR findings.

    Attributes:
        with_iim: Whether the header has EULAR/ACR columns: then every parsed
            row has its :class:`~imnm.iim.IIMFindings` as a fourth item.
    """

    def __init__(self, rows: Iterator[Parsed | RowError], *, with_iim: bool) -> None:
        self._rows = rows
        self.with_iim = with_iim

    def __next__(self) -> Parsed | RowError:
        return next(self._rows)


def _csv_rows(
    reader: _CsvReader,
    positions: tuple[int | None, ...],
    id_position: int | None,
    width: int,
    iim_positions: tuple[int | None, ...] | None = None,
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
        if end > start and (len(cells) != width or _breaks_a_field(cells, positions)):
            # No field value holds a line break inside it: a quote that is never
            # closed swallows the lines after it into one cell.  Say so, and which.
            message = (
                f"a quoted cell runs over lines {start} to {end}; is a quote not closed? "
                f"(those lines were read as this one row)"
            )
            yield RowError(line=start, id=None, field=None, value=None, message=message)
            continue
        if len(cells) != width:
            message = f"the row has {len(cells)} cells; the header has {width}"
            yield RowError(line=start, id=row_id, field=None, value=None, message=message)
            continue
        yield _parse(
            start,
            row_id,
            tuple(None if position is None else cells[position] for position in positions),
            None
            if iim_positions is None
            else tuple(None if position is None else cells[position] for position in iim_positions),
        )


def _breaks_a_field(cells: list[str], positions: tuple[int | None, ...]) -> bool:
    # A line break at either end of a cell is whitespace the matching rule
    # drops; one inside it is not part of any field value.
    return any(
        "\n" in fold(cells[position]) or "\r" in fold(cells[position])
        for position in positions
        if position is not None and position < len(cells)
    )


def read_jsonl(
    stream: TextIO,
    *,
    id_column: str = "id",
    ignore_extra: bool = False,
    notice: Notice = _ignore,
) -> Iterator[Parsed | RowError]:
    """Parse a JSON Lines stream of findings documents, one a line.

    Each line is read as :func:`imnm.serialize.loads` reads a findings
    document (as long and as deep, no duplicate keys, no ``NaN``, the same
    types), except that keys and string values are matched by the command
    line's rule (:func:`imnm.cli._words.fold`: ASCII whitespace and case do
    not matter): an absent key means the field is not known, and ``"kind"``
    and ``"imnm_format"`` may be given.  Lines end at a line feed (a carriage
    return before it is dropped; a bare one is JSON whitespace).  Blank lines
    are skipped.  Whatever a line holds, it gives one row or one error.

    Args:
        stream: The text, one JSON object a line.
        id_column: The key that holds each object's id, if it has one.  A
            string id is written as it is; another JSON value as its JSON text.
        ignore_extra: Skip keys that are neither fields, the id key nor the
            document envelope, instead of refusing the row.
        notice: Called with the first line of each key ignored.
    """
    id_column = fold(id_column)
    ignored: set[str] = set()
    for line, text in _lines(stream):
        if text is not None and not text.strip():
            continue
        try:
            yield _jsonl_row(line, text, id_column, ignore_extra, notice, ignored)
        except Exception as error:  # one bad row is one reported row
            message = f"could not be read ({type(error).__name__})"
            yield RowError(line=line, id=None, field=None, value=None, message=message)


def _lines(stream: TextIO) -> Iterator[tuple[int, str | None]]:
    """Each line of *stream* with its number; None for a line over the size limit.

    Lines end at a line feed only, whatever newline mode *stream* reads in; at
    most the size limit of a line is held in memory.
    """
    line = 0
    limit = MAX_DOCUMENT_SIZE + 2  # the document, then "\r\n"
    while True:
        pieces: list[str] = []
        size = 0
        while True:
            piece = stream.readline(limit + 1 - size if size <= limit else 1 << 16)
            if not piece:
                break
            if size <= limit:
                pieces.append(piece)
            size += len(piece)
            if piece.endswith("\n"):
                break
        if not size:
            return
        line += 1
        yield line, ("".join(pieces) if size <= limit else None)


def _jsonl_row(
    line: int,
    text: str | None,
    id_column: str,
    ignore_extra: bool,
    notice: Notice,
    ignored: set[str],
) -> Parsed | RowError:
    if text is None:
        message = f"the line is longer than the limit of {MAX_DOCUMENT_SIZE} characters"
        return RowError(line=line, id=None, field=None, value=None, message=message)
    try:
        document = parse_json(text.rstrip("\n").removesuffix("\r"))
    except InvalidPayload as error:
        return _payload_error(line, None, error.problems)
    if not isinstance(document, dict):
        message = f"expected a JSON object; got {shown(document)}"
        return RowError(line=line, id=None, field=None, value=None, message=message)
    folded = {fold(key): value for key, value in document.items()}
    repeats = len(folded) < len(document)
    raw_id = folded.pop(id_column, None)
    row_id = raw_id if raw_id is None or isinstance(raw_id, str) else _ID_ENCODER.encode(raw_id)
    if row_id is not None and not _is_text(row_id):
        message = "the id is not text (it holds a lone surrogate)"
        return RowError(line=line, id=_escaped(row_id), field=None, value=None, message=message)
    if repeats:
        message = "the object repeats a key (case and spaces aside)"
        return RowError(line=line, id=row_id, field=None, value=None, message=message)
    if ignore_extra:
        for key in folded.keys() - _KEYS - ignored:
            notice(
                f"ignoring the key {bounded_repr(key)}, first on line {line} "
                "(--ignore-extra-columns)"
            )
            ignored.add(key)
        folded = {key: value for key, value in folded.items() if key in _KEYS}
    try:
        return (line, row_id, _findings_from_document(folded))
    except InvalidValue as error:
        return RowError(
            line=line, id=row_id, field=error.field, value=error.value, message=error.reason
        )
    except InvalidPayload as error:
        return _payload_error(line, row_id, error.problems)


# A non-string id is written as its JSON text: 7, true, [1,2].
_ID_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _findings_from_document(document: dict[str, Any]) -> Findings:
    # The type is part of the key: 1, 1.0 and true are equal and hash alike,
    # but not all of them are valid, so they must never share an entry.
    try:
        key = tuple((name, type(value), value) for name, value in document.items())
        hash(key)
    except TypeError:  # a list or object value cannot be a cache key; the reader refuses it
        return _read_document(document)
    return _findings_from_items(key)


# As for CSV cells: repeated documents are read once (see findings_from_cells).
@functools.lru_cache(maxsize=8192)
def _findings_from_items(items: tuple[tuple[str, type, Any], ...]) -> Findings:
    return _read_document({name: value for name, _, value in items})


def _read_document(document: dict[str, Any]) -> Findings:
    # String values of fields are read by the command line's rule; anything else
    # (null, a number) is left to the wire format's strict reader to report.
    return from_dict(
        {
            key: _FIELDS_BY_NAME[key].parse(value).value
            if key in _FIELDS_BY_NAME and isinstance(value, str)
            else value
            for key, value in document.items()
        },
        Findings,
    )


def _is_text(value: str) -> bool:
    """Whether *value* can be written as UTF-8.

    Undecodable input bytes, kept as surrogate escapes, are written back as they were.
    """
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _escaped(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _payload_error(line: int, row_id: str | None, problems: tuple[str, ...]) -> RowError:
    # Each problem reads "$.<field>: <message>"; a row has one error, naming every field.
    split = [problem.partition(": ") for problem in problems]
    fields = [path.removeprefix("$.") for path, _, _ in split if path.startswith("$.")]
    message = split[0][2] if len(problems) == 1 else "; ".join(problems)
    return RowError(
        line=line, id=row_id, field=",".join(fields) or None, value=None, message=message
    )


def read_parquet(
    stream: IO[bytes],
    *,
    id_column: str = "id",
    ignore_extra: bool = False,
    notice: Notice = _ignore,
) -> Iterator[Parsed | RowError]:
    """Parse a Parquet file whose columns name fields of :class:`imnm.Findings`.

    Read one record batch at a time, so memory stays flat.  Column names and
    cells are matched as in a CSV file, and a null means what a blank CSV cell
    means; a column of numbers, booleans or dates is read as its text (so a
    value that is no wire value is reported, not lost).  A row's ``line`` is
    its row number in the file, from 1.  Needs the ``parquet`` extra (pyarrow).

    Args:
        stream: The file, opened in binary mode; it must be seekable (a
            Parquet file is read from its end, so not from a pipe).
        id_column: The column that holds each row's id, if the file has it.
        ignore_extra: Skip columns that are neither fields nor the id column
            instead of refusing the input.
        notice: As for :func:`read_csv`.

    Raises:
        InputError: When the input is not a seekable Parquet file, a column
            cannot be read as text, or the columns are repeated or unknown;
            raised at once, before any row is read.
    """
    pa, pq = _arrow.modules()
    if not stream.seekable():
        raise InputError("Parquet input must be a file: it is read from its end, not from a pipe")
    try:
        file = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"unreadable Parquet file: {error}") from None
    schema = file.schema_arrow
    originals = {fold(name): name for name in schema.names}
    names = [fold(name) for name in schema.names]
    id_column = fold(id_column)
    _check_columns(names, id_column, ignore_extra, notice)
    wanted = [name for name in (id_column, *(field.name for field in FIELDS)) if name in originals]
    for name in wanted:
        kind = schema.field(originals[name]).type
        try:
            pa.array([], kind).cast(pa.string())
        except pa.ArrowException:
            raise InputError(
                f"column {name!r} holds {kind}, which cannot be read as text"
            ) from None
    columns = {originals[name]: name for name in wanted}
    return _parquet_rows(
        file.iter_batches(PARQUET_BATCH_ROWS, columns=list(columns)), columns, id_column
    )


def _parquet_rows(
    batches: Iterator[Any], columns: dict[str, str], id_column: str
) -> Iterator[Parsed | RowError]:
    pa, _ = _arrow.modules()
    line = 0
    for batch in batches:
        size = batch.num_rows
        names = {columns[name]: name for name in batch.schema.names}
        ids = _texts(pa, batch, names.get(id_column), size)
        # Each findings column as small integer codes into its few distinct
        # values: a row is then a tuple of codes, parsed once per batch.
        codes, values = [], []
        for field in FIELDS:
            name = names.get(field.name)
            if name is None:
                codes.append(itertools.repeat(0, size))
                values.append([None])
                continue
            encoded = batch.column(name).cast(pa.string()).dictionary_encode()
            codes.append(encoded.indices.fill_null(-1).to_pylist())
            values.append([*encoded.dictionary.to_pylist(), None])  # -1: null
        parsed: dict[tuple[int, ...], Parsed | RowError] = {}
        for row_id, key in zip(ids, zip(*codes, strict=True), strict=True):
            line += 1
            known = parsed.get(key)
            if known is None:
                cells = tuple(column[code] for column, code in zip(values, key, strict=True))
                known = parsed[key] = _parse(0, None, cells)
            if isinstance(known, RowError):
                yield attrs.evolve(known, line=line, id=row_id)
            else:
                yield (line, row_id, known[2])


def _texts(pa: Any, batch: Any, name: str | None, size: int) -> list[str | None]:
    if name is None:
        return [None] * size
    texts: list[str | None] = batch.column(name).cast(pa.string()).to_pylist()
    return texts


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
    "parquet": InputFormat(extensions=(".parquet",), reader=read_parquet, binary=True),
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
    # Rows repeat: each findings' result cells are made once.  Keyed only by
    # Findings itself, as classify's memo is, so one entry per combination at most.
    made: dict[Findings, tuple[object, ...]] = {}
    for row in rows:
        if isinstance(row, RowError):
            write_error(row)
            failed += 1
            continue
        line, row_id, findings = row[:3]
        if len(row) == 4:  # with EULAR/ACR findings: both, each shared fact entered once
            try:
                both = side_by_side(findings, row[3])
            except ImnmError as error:
                write_error(
                    RowError(line=line, id=row_id, field=None, value=None, message=str(error))
                )
                failed += 1
                continue
            cells: tuple[object, ...] = (
                *cohort.result_cells(both.classification),
                *iim_cells(both.assessment),
            )
        else:
            exact = type(findings) is Findings
            known = made.get(findings) if exact else None
            if known is None:
                known = cohort.result_cells(classify(findings))
                if exact:
                    made[findings] = known
            cells = known
        write_result((line, row_id, *cells))
        classified += 1
    return classified, failed
