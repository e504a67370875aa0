"""Streaming writers of flat rows as CSV, JSON Lines or a JSON array.

A writer takes one row (a tuple matching its columns) at a time and writes it
at once, so memory stays constant however many rows pass through.  ``None``
becomes an empty CSV cell and a JSON ``null``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["FORMATS", "Writer", "format_for"]

#: The output formats, by name.
FORMATS = ("csv", "jsonl", "json")

_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}

Row = Sequence[object]


class Writer:
    """Writes rows of fixed columns to a text stream in one format.

    Call :meth:`close` after the last row: it finishes the document (a JSON
    array needs its closing bracket) but does not close the stream.
    """

    def __init__(self, stream: TextIO, fmt: str, columns: Sequence[str]) -> None:
        self._stream = stream
        self._columns = tuple(columns)
        self._count = 0
        self._fmt = fmt
        self.write: Callable[[Row], object]
        if fmt == "csv":
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(self._columns)
            self.write = writer.writerow
        elif fmt == "jsonl":
            self.write = self._write_jsonl
        elif fmt == "json":
            self.write = self._write_json_item
        else:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

    def _write_jsonl(self, row: Row) -> None:
        self._stream.write(json.dumps(dict(zip(self._columns, row, strict=True))) + "\n")

    def _write_json_item(self, row: Row) -> None:
        self._stream.write(",\n" if self._count else "[\n")
        self._count += 1
        self._stream.write(json.dumps(dict(zip(self._columns, row, strict=True))))

    def close(self) -> None:
        """Finish the document."""
        if self._fmt == "json":
            self._stream.write("\n]\n" if self._count else "[]\n")


def format_for(path: str, default: str) -> str:
    """The format that *path*'s extension names, or *default* for another extension."""
    lowered = path.lower()
    for extension, fmt in _EXTENSIONS.items():
        if lowered.endswith(extension):
            return fmt
    return default
