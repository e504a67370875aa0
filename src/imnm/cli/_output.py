"""Streaming writers of flat rows, and the one registry of row formats.

:data:`FORMATS` maps each format's name to its file extensions and its writer;
the ``--format`` choices of ``imnm batch`` and ``imnm table`` and the guess
from an output file's extension are both derived from it, so a new format is
one entry here.  A writer takes one row (a tuple matching its columns) at a
time and writes it at once, so memory stays constant however many rows pass
through.  ``None`` becomes an empty CSV cell and a JSON ``null``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Protocol

import attrs

from .. import _arrow

__all__ = ["FORMATS", "PARQUET_BATCH_ROWS", "Format", "RowWriter", "format_for", "open_writer"]

#: Rows per record batch of a Parquet file, read or written at a time.
PARQUET_BATCH_ROWS = 1 << 16

Row = Sequence[object]


class RowWriter(Protocol):
    """What every format's writer does: take rows, then finish the document."""

    def write(self, row: Row) -> object:
        """Write one row at once."""

    def close(self) -> None:
        """Finish the document (e.g. a JSON array's closing bracket); the stream stays open."""


@attrs.frozen(kw_only=True)
class Format:
    """One output format of rows.

    Attributes:
        extensions: The file extensions (lower case, with the dot) that name it.
        writer: Makes the writer from an open stream and the column names.
        binary: Whether the writer takes a binary stream rather than text.
    """

    extensions: tuple[str, ...]
    writer: Callable[[IO[Any], tuple[str, ...]], RowWriter]
    binary: bool = False


class _CsvWriter:
    """CSV, exactly as :func:`csv.writer` writes it, with the repeating part of rows encoded once.

    A row's cells after the first :data:`_OWN` (``line`` and ``id`` in ``imnm
    batch``) are the result cells, which repeat from row to row and include the
    long ``disclaimer``: their CSV text is made once per distinct tuple (at most
    :data:`_MOST_TAILS` of them kept) and reused.  Each part is encoded by the
    csv module itself, inside a row, so the text is the same as one
    ``writerow`` of the whole row (a test checks it on arbitrary rows).
    """

    _OWN = 2
    _MOST_TAILS = 1 << 16

    def __init__(self, stream: IO[str], columns: tuple[str, ...]) -> None:
        csv.writer(stream, lineterminator="\n").writerow(columns)
        self._stream = stream
        self._buffer = io.StringIO()
        # The line terminator decides what is quoted: it must be the real one.
        self._encoder = csv.writer(self._buffer, lineterminator="\n")
        self._tails: dict[tuple[object, ...], str] = {}

    def _encode(self, cells: Sequence[object]) -> str:
        """*cells* as one CSV line, without its line terminator."""
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._encoder.writerow(cells)
        return buffer.getvalue()[:-1]

    def write(self, row: Row) -> None:
        tail = tuple(row[self._OWN :])
        if not tail:
            self._stream.write(self._encode(row) + "\n")
            return
        text = self._tails.get(tail)
        if text is None:
            # After an empty first cell, as inside a row: a lone "" would be quoted.
            text = self._encode(("", *tail))
            if len(self._tails) < self._MOST_TAILS:
                self._tails[tail] = text
        # Before an empty last cell, as inside a row; the cell itself is dropped.
        head = self._encode((*row[: self._OWN], ""))[:-1]
        self._stream.write(head + text + "\n")

    def close(self) -> None:
        pass


class _JsonLinesWriter:
    def __init__(self, stream: IO[str], columns: tuple[str, ...]) -> None:
        self._stream = stream
        self._columns = columns

    def write(self, row: Row) -> None:
        self._stream.write(json.dumps(dict(zip(self._columns, row, strict=True))) + "\n")

    def close(self) -> None:
        pass


class _JsonArrayWriter(_JsonLinesWriter):
    _count = 0

    def write(self, row: Row) -> None:
        self._stream.write(",\n" if self._count else "[\n")
        self._count += 1
        self._stream.write(json.dumps(dict(zip(self._columns, row, strict=True))))

    def close(self) -> None:
        self._stream.write("\n]\n" if self._count else "[]\n")


class _ParquetWriter:
    """Parquet (the ``parquet`` extra): one record batch per :data:`PARQUET_BATCH_ROWS` rows.

    ``line`` is an integer column and every other column text (a value that is
    not a string is written as its ``str``, as the CSV writer does).
    """

    def __init__(self, stream: IO[bytes], columns: tuple[str, ...]) -> None:
        pa, pq = _arrow.modules()
        self._pa = pa
        self._schema = pa.schema(
            [(name, pa.int64() if name == "line" else pa.string()) for name in columns]
        )
        self._writer = pq.ParquetWriter(stream, self._schema)
        self._rows: list[Row] = []

    def write(self, row: Row) -> None:
        self._rows.append(row)
        if len(self._rows) >= PARQUET_BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        arrays = [
            self._array(values, field.type)
            for field, values in zip(self._schema, zip(*self._rows, strict=True), strict=True)
        ]
        self._writer.write_batch(self._pa.record_batch(arrays, schema=self._schema))
        self._rows.clear()

    def _array(self, values: Sequence[object], kind: Any) -> Any:
        try:
            return self._pa.array(values, kind)
        except (self._pa.ArrowTypeError, self._pa.ArrowInvalid):  # a value that is not text
            return self._pa.array([_text(value) for value in values], kind)

    def close(self) -> None:
        if self._rows:
            self._flush()
        self._writer.close()


def _text(value: object) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


#: The row formats, by name: the first is the default where an extension names none.
FORMATS: Mapping[str, Format] = {
    "csv": Format(extensions=(".csv",), writer=_CsvWriter),
    "jsonl": Format(extensions=(".jsonl", ".ndjson"), writer=_JsonLinesWriter),
    "json": Format(extensions=(".json",), writer=_JsonArrayWriter),
    "parquet": Format(extensions=(".parquet",), writer=_ParquetWriter, binary=True),
}


def open_writer(stream: IO[Any], fmt: str, columns: Sequence[str]) -> RowWriter:
    """A writer of rows of *columns* in the format named *fmt*, on *stream*.

    Raises:
        ValueError: *fmt* is not a name in :data:`FORMATS`.
    """
    try:
        entry = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return entry.writer(stream, tuple(columns))


class _HasExtensions(Protocol):
    @property
    def extensions(self) -> tuple[str, ...]: ...


def format_for(path: str, registry: Mapping[str, _HasExtensions], default: str) -> str:
    """The name of the format in *registry* whose extension ends *path*, else *default*.

    The extension is compared without regard to case.
    """
    lowered = path.lower()
    for name, entry in registry.items():
        if lowered.endswith(entry.extensions):
            return name
    return default
