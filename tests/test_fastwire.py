"""The wire format's fast path (imnm._fastwire) gives what the detailed path gives.

Every test here reads or writes the same thing twice: through the public
functions of imnm.serialize as they are, and with the fast path switched off
(the detailed reader and writer alone), and requires the same object, the same
text, or the same refusal with the same problems.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import itertools
import json
import pathlib
import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies
from imnm import (
    Classification,
    Findings,
    InvalidPayload,
    Serology,
    Statement,
    _json,
    classify,
    serialize,
)
from imnm._fastwire import FastWire, _has_numbers, _same
from imnm.findings import COMBINATIONS
from imnm.ruleset import RULESET_V1

GOLDEN = pathlib.Path(__file__).parent / "golden"


class _Off:
    """A fast path that knows nothing: everything goes the detailed way."""

    def text(self, _obj: object) -> None:
        return None

    def document(self, _obj: object) -> None:
        return None

    def load(self, _text: object, _cls: type) -> None:
        return None

    def read(self, _body: object, _cls: type, *, parsed: bool) -> None:
        return None


@contextlib.contextmanager
def detailed_only() -> Iterator[None]:
    saved = serialize._fast
    serialize._fast = lambda _version: _Off()  # type: ignore[assignment]
    try:
        yield
    finally:
        serialize._fast = saved


def outcome(call: Callable[[], object]) -> tuple[str, object]:
    """What *call* gives: its result, the problems it reports, or the error it raises."""
    try:
        return ("result", call())
    except InvalidPayload as error:
        return ("refused", error.problems)
    except Exception as error:
        return (type(error).__name__, str(error))


def both_ways(call: Callable[[], object]) -> tuple[tuple[str, object], tuple[str, object]]:
    fast = outcome(call)
    with detailed_only():
        detailed = outcome(call)
    return fast, detailed


def all_findings() -> list[Findings]:
    fields = attrs.fields(attrs.resolve_types(Findings))
    values: list[list[Any]] = [list(cast("type[enum.Enum]", field.type)) for field in fields]
    names = [field.name for field in fields]
    combos = itertools.product(*values)
    return [Findings(**dict(zip(names, combo, strict=True))) for combo in combos]


# --- Golden files and the whole domain ---------------------------------------------


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda path: path.stem)
def test_every_golden_file_reads_the_same_both_ways(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    cls = serialize.DOCUMENT_KINDS[json.loads(text).get("kind", "findings")]
    fast, detailed = both_ways(lambda: serialize.loads(text, cls))
    assert fast == detailed
    assert fast[0] == "result"
    assert both_ways(lambda: serialize.from_dict(json.loads(text), cls)) == (fast, fast)
    written, written_detailed = both_ways(lambda: serialize.dumps(fast[1]))
    assert written == written_detailed


def test_every_findings_and_classification_is_written_and_read_the_same_both_ways() -> None:
    count = 0
    for findings in all_findings():
        for obj in (findings, classify(findings)):
            cls = type(obj)
            text = serialize.dumps(obj)
            document = serialize.to_dict(obj)
            with detailed_only():
                assert serialize.dumps(obj) == text
                assert serialize.to_dict(obj) == document
                assert serialize.loads(text, cls) == obj
                assert serialize.from_dict(document, cls) == obj
            assert serialize.loads(text, cls) == obj
            assert serialize.loads(text.encode("utf-8"), cls) == obj
            assert serialize.from_dict(document, cls) == obj
            # An equal object that is not the classifier's own is written the same.
            assert serialize.dumps(attrs.evolve(obj)) == text
            count += 1
    assert count == 2 * COMBINATIONS


def test_to_dict_hands_out_a_new_document_each_time() -> None:
    first = serialize.to_dict(Findings())
    first["anti_srp"] = "changed"
    assert serialize.to_dict(Findings())["anti_srp"] == "not_tested"


def test_a_classification_that_is_not_the_classifiers_own_goes_the_detailed_way() -> None:
    canonical = classify(Findings(anti_srp=Serology.POSITIVE))
    # A historical record (another rule set): reading keeps it as written.
    other = attrs.evolve(canonical, next_steps=("Something else.",), ruleset=RULESET_V1)
    text = serialize.dumps(other)
    assert text != serialize.dumps(canonical)
    assert both_ways(lambda: serialize.loads(text, Classification)) == (
        ("result", other),
        ("result", other),
    )


def test_invalid_objects_are_written_as_the_detailed_writer_writes_them() -> None:
    with attrs.validators.disabled():
        wrong = Findings(anti_srp="positive")  # type: ignore[arg-type]
        not_findings = attrs.evolve(classify(Findings()), findings=cast("Findings", "none"))
    for obj in (wrong, not_findings):
        fast, detailed = both_ways(functools.partial(serialize.dumps, obj))
        assert fast == detailed


# --- Generated documents, valid and not ---------------------------------------------

objects = strategies.findings | strategies.findings.map(classify)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
# Values the fast path must tell from the canonical ones: equal to them under == or in hash.
look_alikes = st.sampled_from([True, 1.0, 1, 2, 0, "1", None, "findings", "classification"])


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside *document*."""
    if isinstance(document, dict):
        items: Any = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return
    for key, value in items:
        yield (*prefix, key)
        yield from paths(value, (*prefix, key))


def mutate(document: Any, path: tuple[Any, ...], how: str, value: object) -> Any:
    document = json.loads(json.dumps(document))
    *parents, last = path
    target = document
    for step in parents:
        target = target[step]
    if how == "replace":
        target[last] = value
    elif how == "delete":
        del target[last]
    elif isinstance(target, dict):  # "add": an unknown key beside it
        target[f"{last}_extra"] = value
    else:
        target.append(value)
    return document


@settings(max_examples=300, deadline=None)
@given(
    obj=objects,
    data=st.data(),
    how=st.sampled_from(["replace", "delete", "add"]),
    value=json_values | look_alikes,
    indent=st.sampled_from([None, 2]),
)
def test_changed_documents_are_refused_or_read_the_same_both_ways(
    obj: Any, data: st.DataObject, how: str, value: object, indent: int | None
) -> None:
    document = serialize.to_dict(obj)
    path = data.draw(st.sampled_from(list(paths(document))))
    changed = mutate(document, path, how, value)
    text = json.dumps(changed, indent=indent, ensure_ascii=False)
    cls = type(obj)
    fast, detailed = both_ways(lambda: serialize.loads(text, cls))
    assert fast == detailed
    fast, detailed = both_ways(lambda: serialize.from_dict(changed, cls))
    assert fast == detailed


@settings(max_examples=100, deadline=None)
@given(obj=objects, data=st.data())
def test_documents_written_another_way_are_read_the_same_both_ways(
    obj: Any, data: st.DataObject
) -> None:
    document = serialize.to_dict(obj)
    keys = data.draw(st.permutations(list(document)))
    dropped = data.draw(st.sets(st.sampled_from(["kind", "imnm_format", "next_steps", "notes"])))
    # The envelope is optional; so are the fields whose value is the default (empty).
    optional = {key for key in dropped if key in ("kind", "imnm_format") or document.get(key) == []}
    changed = {key: document[key] for key in keys if key not in optional}
    text = json.dumps(changed, indent=data.draw(st.sampled_from([None, 1, "\t"])))
    fast, detailed = both_ways(lambda: serialize.loads(text, type(obj)))
    assert fast == detailed == ("result", obj)


@settings(max_examples=100, deadline=None)
@given(obj=objects, data=st.data())
def test_texts_with_a_duplicate_key_or_a_non_json_number_are_refused_the_same(
    obj: Any, data: st.DataObject
) -> None:
    text = serialize.dumps(obj)
    keys = [match.start() for match in re.finditer(r'"[a-z_]+":', text)]
    at = data.draw(st.sampled_from(keys))
    key = text[at : text.index(":", at) + 1]
    extra = data.draw(st.sampled_from(['"positive",', "NaN,", "Infinity,", '"x",']))
    changed = text[:at] + key + extra + text[at:]
    fast, detailed = both_ways(lambda: serialize.loads(changed, type(obj)))
    assert fast == detailed
    assert fast[0] == "refused"


_NOW = serialize.FORMAT_VERSION
# Not a version (true, a string, null), none (0) or a newer one: refused either way.
_REFUSED = ["true", f'"{_NOW}"', str(_NOW + 1), "0", "null"]


@pytest.mark.parametrize("version", ["1.0", f"{_NOW}.0", *_REFUSED])
def test_a_format_version_that_only_looks_like_the_current_one_is_read_the_same(
    version: str,
) -> None:
    for obj in (Findings(), classify(Findings())):
        current = f'"imnm_format":{_NOW}'
        text = serialize.dumps(obj).replace(current, f'"imnm_format":{version}')
        fast, detailed = both_ways(functools.partial(serialize.loads, text, type(obj)))
        assert fast == detailed
        if version in _REFUSED:
            assert fast[0] == "refused"


class _LooksLikeEverything:
    """An object that claims to equal anything (as ``unittest.mock.ANY`` does)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("positive")


class _Text(str):
    pass


@pytest.mark.parametrize("value", [_LooksLikeEverything(), _Text("positive")], ids=repr)
@pytest.mark.parametrize("cls", [Findings, Classification], ids=lambda cls: cls.__name__)
def test_from_dict_compares_types_not_only_equality(value: object, cls: type) -> None:
    findings = Findings(anti_srp=Serology.POSITIVE)
    document = serialize.to_dict(findings if cls is Findings else classify(findings))
    if cls is Findings:
        document["anti_srp"] = value
    else:
        document["findings"]["anti_srp"] = value
    fast, detailed = both_ways(functools.partial(serialize.from_dict, document, cls))
    assert fast == detailed


def test_from_dict_refuses_a_look_alike_array_the_same() -> None:
    document = serialize.to_dict(classify(Findings()))
    document["explanation"] = _LooksLikeEverything()
    fast, detailed = both_ways(functools.partial(serialize.from_dict, document, Classification))
    assert fast == detailed
    assert fast[0] == "refused"


# --- The tables ------------------------------------------------------------------------


def fresh(write: Callable[[object], dict[str, Any]] = serialize._write) -> FastWire:
    return FastWire(
        write=write,
        encode=serialize._ENCODER.encode,
        envelopes={
            cls: {"kind": kind, "imnm_format": serialize.FORMAT_VERSION}
            for kind, cls in serialize.DOCUMENT_KINDS.items()
        },
        max_size=serialize.MAX_DOCUMENT_SIZE,
        parse=_json.parse,
    )


def test_the_tables_are_filled_lazily_and_bounded_by_the_domain() -> None:
    fast = fresh()
    assert fast.size() == {"Findings": 0, "Classification": 0, "findings read": 0}
    findings = Findings(anti_hmgcr=Serology.POSITIVE)
    assert fast.text(findings) == serialize.dumps(findings)
    assert fast.size() == {"Findings": 1, "Classification": 0, "findings read": 0}
    for _ in range(2):  # twice: nothing is added the second time
        for one in all_findings():
            assert fast.load(serialize.dumps(classify(one)), Classification) == classify(one)
            assert fast.text(one) is not None
    assert fast.size() == {
        "Findings": COMBINATIONS,
        "Classification": COMBINATIONS,
        "findings read": COMBINATIONS,
    }


def test_the_fast_path_reads_only_findings_and_classifications() -> None:
    fast = fresh()
    assert fast.load("{}", Statement) is None
    assert fast.read({}, dict, parsed=True) is None
    assert fast.text("not an object") is None
    assert fast.load(b"\xff", Findings) is None
    assert fast.load(" " * (serialize.MAX_DOCUMENT_SIZE + 1), Findings) is None
    assert fast.load(b" " * (serialize.MAX_DOCUMENT_SIZE + 1), Findings) is None
    assert fast.load(bytearray(b"{}"), Findings) == Findings()
    assert (
        fast.load("[" * (serialize.MAX_DEPTH + 1) + "]" * (serialize.MAX_DEPTH + 1), Findings)
        is None
    )
    assert fast.load('{"findings": []}', Classification) is None
    assert fast.load("[]", Classification) is None


def test_numbers_in_a_document_are_compared_type_for_type() -> None:
    # Today's documents hold no number but the format version; a model that
    # writes one (say a rule-set version) is compared exactly: 1 is not true.
    def write(obj: object) -> dict[str, Any]:
        return {**serialize._write(obj), "edition": 1}

    fast = fresh(write)
    canonical = classify(Findings())
    body = {
        key: value for key, value in write(canonical).items() if key not in ("kind", "imnm_format")
    }
    assert fast.read(dict(body), Classification, parsed=True) is canonical
    assert fast.read({**body, "edition": True}, Classification, parsed=True) is None
    assert fast.read({**body, "edition": 1.0}, Classification, parsed=False) is None


def test_same_and_has_numbers() -> None:
    assert _same({"a": [1, "x", None]}, {"a": [1, "x", None]})
    assert not _same({"a": [1]}, {"a": [True]})
    assert not _same({"a": [1]}, {"a": [1, 2]})
    assert not _same({"a": 1}, {"b": 1})
    assert not _same(["x"], ("x",))
    assert _has_numbers({"a": [None, {"b": 0.5}]})
    assert not _has_numbers({"a": ["x", None, {"b": []}]})
