import csv
import io
import json
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imnm.cli._batch import INPUT_FORMATS
from imnm.cli._output import FORMATS, format_for, open_writer

COLUMNS = ("line", "id", "subtype")
ROWS = [(2, "a", "anti-srp"), (3, None, None)]


def write(fmt: str, rows: Sequence[tuple[object, ...]]) -> str:
    stream = io.StringIO()
    writer = open_writer(stream, fmt, COLUMNS)
    for row in rows:
        writer.write(row)
    writer.close()
    return stream.getvalue()


_CELLS = (
    st.none() | st.integers() | st.text(alphabet=st.sampled_from(',"\n\r a\t\u00e9'), max_size=4)
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.integers(1, 6).flatmap(lambda n: st.tuples(*[_CELLS] * n)), max_size=12),
    repeat=st.booleans(),
)
def test_csv_text_is_exactly_what_the_csv_module_writes(
    rows: list[tuple[object, ...]], repeat: bool
) -> None:
    # The writer encodes the repeating part of each row once; the text must not change.
    if repeat:
        rows = rows + [(i, *row[1:]) for i, row in enumerate(rows)]
    columns = ("a", "b")
    stream, expected = io.StringIO(), io.StringIO()
    writer = open_writer(stream, "csv", columns)
    reference = csv.writer(expected, lineterminator="\n")
    reference.writerow(columns)
    for row in rows:
        writer.write(row)
        reference.writerow(row)
    writer.close()
    assert stream.getvalue() == expected.getvalue()


def test_csv_has_a_header_and_empty_cells_for_none() -> None:
    assert list(csv.reader(io.StringIO(write("csv", ROWS)))) == [
        ["line", "id", "subtype"],
        ["2", "a", "anti-srp"],
        ["3", "", ""],
    ]


def test_json_lines_hold_one_object_per_row_with_null_for_none() -> None:
    lines = write("jsonl", ROWS).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"line": 2, "id": "a", "subtype": "anti-srp"},
        {"line": 3, "id": None, "subtype": None},
    ]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_json_is_one_array_of_objects(rows: list[tuple[object, ...]]) -> None:
    assert json.loads(write("json", rows)) == [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xml"):
        open_writer(io.StringIO(), "xml", COLUMNS)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a.csv", "csv"), ("A.JSONL", "jsonl"), ("a.ndjson", "jsonl"), ("a.json", "json"), ("a", "x")],
)
def test_format_follows_the_extension(path: str, fmt: str) -> None:
    assert format_for(path, FORMATS, "x") == fmt


def test_every_format_has_its_own_extensions() -> None:
    for registry in (FORMATS, INPUT_FORMATS):
        extensions = [ext for entry in registry.values() for ext in entry.extensions]
        assert len(extensions) == len(set(extensions))
        assert all(ext.startswith(".") and ext == ext.lower() for ext in extensions)
        for name, entry in registry.items():
            assert {format_for(f"x{ext.upper()}", registry, "?") for ext in entry.extensions} == {
                name
            }
