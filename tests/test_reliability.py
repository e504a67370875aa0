"""Hostile input: every check is linear, every error is bounded, documented and picklable."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imnm import (
    Classification,
    Disease,
    Findings,
    ImnmError,
    InvalidFindings,
    InvalidPayload,
    InvalidValue,
    OntologyTerm,
    Presence,
    Reference,
    Serology,
    UnknownId,
    UnsupportedType,
    catalog,
    classify,
    classify_many,
    serialize,
)
from imnm.combined import SideBySide
from imnm.errors import MissingExtra
from imnm.iim import IIMAssessment
from imnm.interop.fhir import to_fhir_condition
from imnm.interop.phenopacket import from_phenopacket, to_phenopacket

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _seconds(work: Callable[[], object]) -> float:
    """The least process time of a few runs of *work* (the least is the least disturbed)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def grows_linearly(make: Callable[[int], Callable[[], object]], size: int) -> bool:
    """Whether 8 times the input costs well under the 64 times a quadratic check would.

    A ratio of two runs in one process, with generous slack (linear is 8, quadratic
    64): it compares work, not a machine's speed.
    """
    small, large = _seconds(make(size)), _seconds(make(8 * size))
    return large < 24 * max(small, 1e-3)


def _refuse(text: str) -> Callable[[], object]:
    def load() -> None:
        with pytest.raises(InvalidPayload):
            serialize.loads(text, Findings)

    return load


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "[" * 33 + '"' + '\\"' * n,  # an unterminated string of escaped quotes
        lambda n: "[" * 33 + '"' + "\\" * (2 * n + 1),  # ... ending in a lone backslash
        lambda n: '["' + '\\"' * n + '"]' + "[" * 40,  # a closed one, then deep brackets
        lambda n: "[" * n,
    ],
    ids=["unterminated", "lone-backslash", "terminated", "brackets"],
)
def test_the_depth_check_is_linear_in_the_document(make: Callable[[int], str]) -> None:
    assert grows_linearly(lambda n: _refuse(make(n)), 16_000)


def test_a_quadratic_input_at_the_size_limit_is_refused_as_too_deep() -> None:
    text = "[" * 33 + '"' + '\\"' * ((serialize.MAX_DOCUMENT_SIZE - 40) // 2)
    with pytest.raises(InvalidPayload, match="nests deeper than 32 levels"):
        serialize.loads(text, Findings)


# --- Item 11: every error pickles and deep-copies to an equal message ----------------

_TEXT = st.text(max_size=40)
_ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
) | st.sampled_from([lambda: None, iter(()), threading.Lock(), object()])

# How to build each error class; a new class without an entry is built from one message.
_ERROR_ARGUMENTS: dict[type[ImnmError], st.SearchStrategy[tuple[object, ...]]] = {
    InvalidValue: st.tuples(_TEXT, _ANYTHING, _TEXT),
    UnknownId: st.tuples(_TEXT, _ANYTHING, st.lists(_TEXT, max_size=3).map(tuple)),
    UnsupportedType: st.tuples(_ANYTHING, st.lists(_TEXT, max_size=3).map(tuple)),
    InvalidPayload: st.tuples(st.lists(_TEXT, max_size=130)),
    MissingExtra: st.tuples(_TEXT, _TEXT),
}


def _error_classes() -> list[type[ImnmError]]:
    import imnm.cli._app  # noqa: F401 - its errors count too

    found: list[type[ImnmError]] = []
    pending: list[type[ImnmError]] = [ImnmError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__qualname__)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__qualname__)
@settings(max_examples=40)
@given(data=st.data())
def test_every_error_pickles_and_deep_copies_to_an_equal_message(
    cls: type[ImnmError], data: st.DataObject
) -> None:
    arguments = data.draw(_ERROR_ARGUMENTS.get(cls, st.tuples(_TEXT)))
    error = cls(*arguments)
    for copy_of in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(copy_of) is cls
        assert str(copy_of) == str(error)


def test_a_copied_error_keeps_its_fields_and_a_value_that_cannot_travel_goes_as_its_repr() -> None:
    error = InvalidValue("anti_srp", [1, "two"], "must be a Serology")
    copied = pickle.loads(pickle.dumps(error))
    assert (copied.field, copied.value, copied.reason) == (
        "anti_srp",
        [1, "two"],
        "must be a Serology",
    )
    lock = threading.Lock()
    copied = pickle.loads(pickle.dumps(InvalidValue("anti_srp", lock, "must be a Serology")))
    assert copied.value == repr(lock)


def test_an_error_crosses_a_process_pool_intact() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(Findings, anti_srp="positive")  # type: ignore[arg-type]
        with pytest.raises(InvalidValue) as caught:
            future.result(timeout=60)
    assert caught.value.field == "anti_srp"
    assert caught.value.value == "positive"


@pytest.mark.parametrize(
    "call",
    [
        lambda: serialize.dumps(object()),
        lambda: serialize.loads("{}", int),
        lambda: serialize.from_dict({}, dict),
        lambda: serialize.json_schema(list[int]),
        lambda: serialize.to_dict([]),
    ],
)
def test_an_unsupported_type_is_an_imnm_error(call: Callable[[], object]) -> None:
    with pytest.raises(UnsupportedType, match=r"^the wire format holds Autoantibody, ") as caught:
        call()
    assert isinstance(caught.value, TypeError)


# --- Item 9: every shown value is bounded and safe --------------------------------------


class _Unshowable:
    def __repr__(self) -> str:
        raise RuntimeError("repr failed")

    __str__ = __repr__


def _deep(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES = {
    "deep": _deep(100_000),
    "huge": "x" * 50_000_000,
    "unshowable": _Unshowable(),
    "surrogate": "\ud800" * 10,
}


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize(
    "call",
    [
        lambda value: Findings(anti_srp=value),
        lambda value: classify(value),
        lambda value: from_phenopacket(value),
        lambda value: from_phenopacket({"metaData": {"phenopacketSchemaVersion": value}}),
        lambda value: to_fhir_condition(value, classify(Findings()), patient_reference="P/1"),
        lambda value: to_fhir_condition(
            Findings(),
            classify(Findings()),
            patient_reference=[value],  # type: ignore[arg-type]
        ),
        lambda value: to_phenopacket(value, classify(Findings()), subject_id="s", created=NOW),
        lambda value: serialize.to_dict(value),
        lambda value: serialize.from_dict({"anti_srp": value}, Findings),
        lambda value: catalog.get_subtype(value),
    ],
    ids=[
        "Findings",
        "classify",
        "from_phenopacket",
        "from_phenopacket-version",
        "to_fhir_condition",
        "to_fhir_condition-reference",
        "to_phenopacket",
        "to_dict",
        "from_dict",
        "get_subtype",
    ],
)
def test_a_hostile_value_gives_a_short_documented_error(
    call: Callable[[object], object], value: object
) -> None:
    with pytest.raises(ImnmError) as caught:
        call(value)
    message = str(caught.value)
    assert len(message) < 1_000
    message.encode("utf-8")  # printable: a lone surrogate is shown escaped


# --- Item 10: the problems and the work of one document are capped ----------------------


def _bad_catalog(items: int) -> str:
    return json.dumps({"subtypes": [1] * items})


def test_an_invalid_document_lists_at_most_max_problems() -> None:
    with pytest.raises(InvalidPayload) as caught:
        serialize.loads(_bad_catalog(300_000), Disease)
    problems = caught.value.problems
    assert len(problems) == InvalidPayload.MAX_PROBLEMS + 1
    assert problems[-1] == "$: more problems, not listed (the first 100 are)"
    assert len(str(caught.value)) < 50_000


def test_the_work_on_an_invalid_document_stops_with_the_problems() -> None:
    def refuse(items: int) -> Callable[[], object]:
        text = _bad_catalog(items)

        def load() -> None:
            with pytest.raises(InvalidPayload):
                serialize.loads(text, Disease)

        return load

    assert grows_linearly(refuse, 20_000)


def test_a_long_problem_is_cut() -> None:
    error = InvalidPayload(["$: " + "x" * 5000])
    assert len(error.problems[0]) == InvalidPayload.MAX_PROBLEM_LENGTH


# --- Items 5 and 6: the memo and switched-off validators ------------------------------


def test_a_findings_subclass_never_reaches_the_memo() -> None:
    from imnm import classifier

    target = Findings(anti_hmgcr=Serology.POSITIVE)
    expected = classify(target)

    @attrs.frozen(kw_only=True, eq=False)
    class Impostor(Findings):
        def __hash__(self) -> int:
            return hash(target)

        def __eq__(self, other: object) -> bool:
            return True

    impostor = Impostor(anti_srp=Serology.POSITIVE)
    assert classify(impostor).subtype == classify(Findings(anti_srp=Serology.POSITIVE)).subtype
    assert classify(target) == expected
    assert all(type(key) is Findings for key in classifier._memo)


def test_identity_hashed_findings_do_not_grow_the_memo() -> None:
    from imnm import classifier

    @attrs.frozen(kw_only=True, eq=False)
    class ByIdentity(Findings):
        pass

    classify(Findings())
    before = len(classifier._memo)
    for _ in range(1_000):
        classify(ByIdentity())
    assert len(classifier._memo) == before


@pytest.fixture
def validators_off() -> Iterator[None]:
    attrs.validators.set_disabled(True)
    try:
        yield
    finally:
        attrs.validators.set_disabled(False)


@pytest.mark.usefixtures("validators_off")
def test_with_validators_off_classify_refuses_a_wrong_value() -> None:
    bad = Findings(anti_srp="positive")  # type: ignore[arg-type]
    with pytest.raises(InvalidFindings, match="anti_srp"):
        classify(bad)


@pytest.mark.usefixtures("validators_off")
def test_with_validators_off_classify_many_never_stops_silently() -> None:
    stream = [Findings(), Findings(anti_srp="positive"), Findings()]  # type: ignore[arg-type]
    results = classify_many(stream)
    assert next(results) == classify(Findings())
    with pytest.raises(InvalidFindings):
        next(results)


@pytest.mark.usefixtures("validators_off")
def test_with_validators_off_dumps_refuses_a_wrong_value() -> None:
    with pytest.raises(InvalidValue, match="anti_srp"):
        serialize.dumps(Findings(anti_srp="positive"))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="findings"):
        serialize.dumps(attrs.evolve(classify(Findings()), findings="x"))  # type: ignore[arg-type]


def test_classify_many_passes_on_every_error() -> None:
    results = classify_many([Findings(), "not findings", Findings()])  # type: ignore[list-item]
    next(results)
    with pytest.raises(InvalidFindings):
        next(results)


# --- Item 8: a phenopacket that says one thing twice, or two things at once ------------

_PACKET = {"id": "p1", "metaData": {"phenopacketSchemaVersion": "2.0"}}
_WEAK = {"type": {"id": "HP:0003701", "label": "Proximal muscle weakness"}}


def test_a_phenopacket_with_both_spellings_of_a_field_is_refused() -> None:
    packet = {
        **_PACKET,
        "phenotypicFeatures": [_WEAK],
        "phenotypic_features": [{**_WEAK, "excluded": True}],
    }
    with pytest.raises(InvalidPayload) as caught:
        from_phenopacket(packet)
    assert caught.value.problems == (
        '$.phenotypicFeatures: given twice, as "phenotypicFeatures" and "phenotypic_features"',
    )


def test_a_known_hpo_id_with_another_label_is_refused() -> None:
    packet = {
        **_PACKET,
        "phenotypicFeatures": [{"type": {"id": "HP:0003701", "label": "Dysphagia"}}],
    }
    with pytest.raises(InvalidPayload) as caught:
        from_phenopacket(packet)
    assert caught.value.problems == (
        '$.phenotypicFeatures[0].type.label: "Dysphagia" is not the label of HP:0003701, '
        '"Proximal muscle weakness"; the id and the label disagree',
    )


def test_the_known_disease_with_another_label_is_refused() -> None:
    disease = {"term": {"id": "ORPHA:206569", "label": "Dermatomyositis"}}
    with pytest.raises(InvalidPayload, match="the id and the label disagree"):
        from_phenopacket({**_PACKET, "diseases": [disease]})


def test_a_label_differing_only_in_case_and_spacing_is_the_label() -> None:
    feature = {"type": {"id": "HP:0003701", "label": " proximal  Muscle weakness"}}
    packet = {**_PACKET, "phenotypicFeatures": [feature]}
    assert from_phenopacket(packet) == Findings(proximal_weakness=Presence.PRESENT)


def test_to_phenopacket_refuses_a_moment_utc_cannot_hold() -> None:
    late = dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with pytest.raises(InvalidValue, match=r"^created: must fall in the years 1 to 9999 in UTC"):
        to_phenopacket(Findings(), classify(Findings()), subject_id="s", created=late)


# --- Low: the shipped schemas say exactly what the loader accepts ------------------------


# The keywords a generator must understand to generate what a schema allows, and
# those that say nothing about what is allowed.
_NOTES = frozenset({"$schema", "$id", "$defs", "title", "description", "default"})


@st.composite
def schema_documents(draw: st.DrawFn, node: dict[str, Any], root: dict[str, Any]) -> Any:
    """Any JSON value *node* (a schema, or part of *root*) allows.

    It knows the keywords imnm's schemas use and refuses any other, so that a
    new keyword cannot make this test pass without generating what it allows.
    (hypothesis-jsonschema would do this, but 0.23 uses hypothesis internals
    that current hypothesis has removed.)
    """
    unknown = node.keys() - _NOTES - {
        "$ref", "anyOf", "const", "enum", "type", "properties", "required",
        "additionalProperties", "items", "minItems", "uniqueItems", "pattern",
        "minimum", "maximum",
    }  # fmt: skip
    assert not unknown, f"the generator does not know {sorted(unknown)}"
    if "$ref" in node:
        return draw(schema_documents(root["$defs"][node["$ref"].rpartition("/")[2]], root))
    if "anyOf" in node:
        return draw(schema_documents(draw(st.sampled_from(node["anyOf"])), root))
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return draw(st.sampled_from(node["enum"]))
    kind = node["type"]
    if kind == "object":
        assert node.get("additionalProperties") is False
        required = set(node.get("required", ()))
        return {
            key: draw(schema_documents(value, root))
            for key, value in node["properties"].items()
            if key in required or draw(st.booleans())
        }
    if kind == "array":
        return draw(
            st.lists(
                schema_documents(node["items"], root),
                min_size=node.get("minItems", 0),
                max_size=max(3, node.get("minItems", 0)),
                unique_by=(lambda item: json.dumps(item, sort_keys=True))
                if node.get("uniqueItems")
                else None,
            )
        )
    if kind == "string":
        return draw(st.from_regex(_ecma(node["pattern"])) if "pattern" in node else st.text())
    if kind == "integer":
        number = draw(st.integers(node.get("minimum"), node.get("maximum")))
        # 2018.0 is an integer in JSON Schema's data model.
        return float(number) if abs(number) < 2**53 and draw(st.booleans()) else number
    if kind == "null":
        return None
    assert kind == "boolean", kind
    return draw(st.booleans())


def _ecma(pattern: str) -> str:
    """*pattern* (ECMA-262, as JSON Schema reads it) for Python's re, as far as ours need.

    In ECMA-262 ``\\d`` is ``[0-9]`` and ``$`` is the very end of the string.
    """
    pattern = re.sub(r"(?<!\\)\\d", "[0-9]", pattern)
    return pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern


@pytest.mark.parametrize("kind", sorted(serialize.DOCUMENT_KINDS))
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_document_a_schema_allows_loads(kind: str, data: st.DataObject) -> None:
    cls = serialize.DOCUMENT_KINDS[kind]
    schema = serialize.json_schema(cls)
    document = data.draw(schema_documents(schema, schema))
    problems: tuple[str, ...] = ()
    try:
        serialize.from_dict(document, cls)  # raises if the loader refuses what the schema allows
    except InvalidPayload as error:
        problems = error.problems
    # Beyond the schema (of the current version): a result by this release's
    # rule set must be the one its findings give (it is re-derived on reading),
    # and an older document may not hold a key its version did not have; only
    # that may differ.
    beyond = ("contradicts rule set", "not a key of format version")
    assert not problems or cls in (Classification, IIMAssessment, SideBySide), problems
    assert all(any(words in problem for words in beyond) for problem in problems), problems


def _python_validator(cls: type) -> jsonschema.Draft202012Validator:
    # jsonschema runs the schema's patterns with Python's re: the strictest test of them.
    return jsonschema.Draft202012Validator(serialize.json_schema(cls))


@pytest.mark.parametrize(
    ("label", "document"),
    [
        ("trailing newline", {"id": "HP:0003701\n", "label": "Proximal muscle weakness"}),
        ("arabic digits", {"id": "HP:\u0660\u0660\u0660\u0663\u0667\u0660\u0661", "label": "x"}),
        ("only a separator", {"id": "HP:0003701", "label": "\x1c"}),
        ("only a next line", {"id": "HP:0003701", "label": "\x85 "}),
    ],
)
def test_schema_and_loader_refuse_the_same_strings(label: str, document: dict[str, str]) -> None:
    assert not _python_validator(OntologyTerm).is_valid(document), label
    with pytest.raises(InvalidPayload):
        serialize.from_dict(document, OntologyTerm)


def test_a_byte_order_mark_is_text_for_both() -> None:
    document = {"id": "HP:0003701", "label": "\ufeff"}  # a space in ECMA-262, not in Python
    assert _python_validator(OntologyTerm).is_valid(document)
    assert serialize.from_dict(document, OntologyTerm).label == "\ufeff"


def test_an_integral_number_is_an_integer_for_both() -> None:
    reference = json.loads(serialize.dumps(catalog.REFERENCES[0]))
    reference["year"] = float(reference["year"])
    assert _python_validator(Reference).is_valid(reference)
    assert serialize.from_dict(reference, Reference) == catalog.REFERENCES[0]
    reference["year"] += 0.5
    assert not _python_validator(Reference).is_valid(reference)
    with pytest.raises(InvalidPayload, match=r"\$\.year: expected an integer"):
        serialize.from_dict(reference, Reference)


def test_the_non_space_class_is_exactly_pythons_whitespace() -> None:
    from imnm._validators import PYTHON_SPACES

    spaces = re.compile(f"[{PYTHON_SPACES}]")
    assert [c for c in range(0x110000) if bool(spaces.fullmatch(chr(c))) != chr(c).isspace()] == []
