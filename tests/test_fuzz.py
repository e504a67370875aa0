"""Bounded fuzz tests: every public entry point, fed hostile input, raises only documented errors.

Each test asserts what the Reliability page promises: an input a function
refuses gives one of its documented errors (never a ``RecursionError``, a
``KeyError`` or a traceback from inside), and the message is bounded, however
large the input.  The number of examples is modest so that the suite stays
fast; CI's hypothesis profile runs more.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imnm import Findings, catalog, classify, serialize
from imnm.cli._batch import InputError, RowError, read_csv, read_jsonl
from imnm.errors import ImnmError, InvalidFindings, InvalidPayload, InvalidValue, UnknownId
from imnm.interop.fhir import to_fhir_condition
from imnm.interop.phenopacket import from_phenopacket, read_phenopacket, to_phenopacket

# The longest message any error may have: the most problems, each at its longest.
MESSAGE_BOUND = (InvalidPayload.MAX_PROBLEMS + 1) * (InvalidPayload.MAX_PROBLEM_LENGTH + 2) + 100
FIELD_NAMES = [field.name for field in attrs.fields(Findings)]
WIRE_VALUES = ["positive", "negative", "not_tested", "present", "absent", "unknown", "necrotizing"]
PHENOPACKET_KEYS = [
    "id",
    "metaData",
    "phenopacketSchemaVersion",
    "phenotypicFeatures",
    "phenotypic_features",
    "type",
    "label",
    "excluded",
    "diseases",
    "term",
    "subject",
    "measurements",
    "onset",
]

fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_KEYS = st.sampled_from(FIELD_NAMES + PHENOPACKET_KEYS + ["kind", "imnm_format", "id"]) | st.text(
    max_size=8
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from([*WIRE_VALUES, "HP:0003701", "2.0", "findings"])
    | st.text(max_size=12)
)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=20,
)
PYTHON_VALUES = JSON_VALUES | st.sampled_from(
    [object(), b"bytes", {1, 2}, frozenset(), Findings, Findings(), dt.date(2020, 1, 1)]
)


def bounded(error: BaseException) -> None:
    message = str(error)
    assert len(message) <= MESSAGE_BOUND
    message.encode("utf-8")  # printable as it is


def json_text(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@fuzz
@given(
    kind=st.sampled_from(sorted(serialize.DOCUMENT_KINDS)),
    text=st.text(max_size=200)
    | st.binary(max_size=200)
    | JSON_VALUES.map(json_text)
    | st.integers(0, 60).map(lambda n: "[" * n + "]" * n),
)
def test_loads_raises_only_invalid_payload(kind: str, text: str | bytes) -> None:
    try:
        serialize.loads(text, serialize.DOCUMENT_KINDS[kind])
    except InvalidPayload as error:
        bounded(error)


@fuzz
@given(kind=st.sampled_from(sorted(serialize.DOCUMENT_KINDS)), data=JSON_VALUES)
def test_from_dict_raises_only_invalid_payload(kind: str, data: object) -> None:
    try:
        serialize.from_dict(data, serialize.DOCUMENT_KINDS[kind])
    except InvalidPayload as error:
        bounded(error)


@fuzz
@given(data=JSON_VALUES)
def test_from_phenopacket_raises_only_invalid_payload(data: object) -> None:
    for read in (from_phenopacket, read_phenopacket):
        try:
            read(data)
        except InvalidPayload as error:
            bounded(error)


_HPO_IDS = ["HP:0003701", "HP:0003236", "HP:0003560", "HP:0001234"]
_FEATURES = st.fixed_dictionaries(
    {
        "type": st.fixed_dictionaries(
            {"id": st.sampled_from(_HPO_IDS), "label": st.text(max_size=30)}
        )
    },
    optional={"excluded": JSON_VALUES},
)


@fuzz
@given(features=st.lists(_FEATURES, max_size=5))
def test_phenopacket_features_raise_only_invalid_payload(features: list[object]) -> None:
    packet = {"id": "p", "metaData": {"phenopacketSchemaVersion": "2.0"}}
    try:
        from_phenopacket({**packet, "phenotypicFeatures": features})
    except InvalidPayload as error:
        bounded(error)


@fuzz
@given(value=PYTHON_VALUES)
def test_classify_raises_only_invalid_findings(value: object) -> None:
    try:
        classify(value)  # type: ignore[arg-type]
    except InvalidFindings as error:
        bounded(error)


@fuzz
@given(values=st.dictionaries(st.sampled_from(FIELD_NAMES), PYTHON_VALUES, max_size=3))
def test_findings_raise_only_invalid_value(values: dict[str, object]) -> None:
    try:
        findings = Findings(**values)  # type: ignore[arg-type]
    except InvalidValue as error:
        bounded(error)
    else:
        assert classify(findings).findings == findings


@fuzz
@given(given_id=PYTHON_VALUES)
def test_catalog_lookups_raise_only_unknown_id(given_id: object) -> None:
    for get in (catalog.get_subtype, catalog.get_reference, catalog.get_complication):
        try:
            get(given_id)  # type: ignore[arg-type]
        except UnknownId as error:
            bounded(error)


@fuzz
@given(findings=PYTHON_VALUES, text=PYTHON_VALUES)
def test_exports_raise_only_documented_errors(findings: object, text: object) -> None:
    result = classify(Findings())
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    exports: list[Callable[[], object]] = [
        lambda: to_fhir_condition(findings, result, patient_reference="Patient/1"),  # type: ignore[arg-type]
        lambda: to_fhir_condition(Findings(), result, patient_reference=text),  # type: ignore[arg-type]
        lambda: to_phenopacket(findings, result, subject_id="s", created=now),  # type: ignore[arg-type]
        lambda: to_phenopacket(Findings(), result, subject_id=text, created=now),  # type: ignore[arg-type]
        lambda: to_phenopacket(Findings(), result, subject_id="s", created=text),  # type: ignore[arg-type]
    ]
    for export in exports:
        try:
            export()
        except (InvalidFindings, InvalidValue) as error:
            bounded(error)


@fuzz
@given(value=PYTHON_VALUES)
def test_dumps_raises_only_imnm_errors(value: object) -> None:
    try:
        serialize.dumps(value)
    except ImnmError as error:
        bounded(error)


_ODD_CELLS = ["", " ", '"', "\r", "\n", ",", "\ud800"]
_CELLS = st.sampled_from([*WIRE_VALUES, *_ODD_CELLS]) | st.text(max_size=6)


@fuzz
@given(
    header=st.lists(st.sampled_from([*FIELD_NAMES, "id"]) | st.text(max_size=5), max_size=5),
    rows=st.lists(st.lists(_CELLS, max_size=6), max_size=6),
)
def test_csv_rows_are_each_one_result_or_one_error(
    header: list[str], rows: list[list[str]]
) -> None:
    text = "\n".join(",".join(cells) for cells in [header, *rows]) + "\n"
    try:
        parsed = list(read_csv(io.StringIO(text, newline=""), ignore_extra=True))
    except InputError as error:
        bounded(error)
        return
    lines = text.count("\n") + text.count("\r")
    for row in parsed:
        assert row.line > 1 if isinstance(row, RowError) else row[0] > 1
        assert (row.line if isinstance(row, RowError) else row[0]) <= lines
        if isinstance(row, RowError):
            assert len(str(row)) <= MESSAGE_BOUND


@fuzz
@given(
    lines=st.lists(
        JSON_VALUES.map(json_text)
        | st.text(max_size=30)
        | st.sampled_from(["[" * 40, "\r", "{}\r{}"]),
        max_size=6,
    )
)
def test_json_lines_are_each_one_result_or_one_error(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    parsed = list(read_jsonl(io.StringIO(text, newline="")))
    # Every non-blank line gives exactly one row, whatever it holds.
    expected = sum(1 for line in text.split("\n")[:-1] if line.strip())
    assert len(parsed) == expected
    for row in parsed:
        if isinstance(row, RowError):
            assert len(str(row)) <= MESSAGE_BOUND
            str(row).encode("utf-8", "surrogateescape")
