"""The wire format: strict, versioned JSON for imnm's objects, with JSON Schema.

Documents hold a :class:`~imnm.Findings`, a :class:`~imnm.Classification`, a
catalog type (:class:`~imnm.Reference`, :class:`~imnm.OntologyTerm`,
:class:`~imnm.Statement`, :class:`~imnm.Autoantibody`, :class:`~imnm.Therapy`,
:class:`~imnm.Complication`, :class:`~imnm.Subtype`, :class:`~imnm.Criterion`)
or the whole catalog, :data:`imnm.catalog.IMNM` (a :class:`~imnm.Disease`).

* Keys are the attribute names (snake_case); enums are written as their values.
* :func:`dumps` and :func:`to_dict` add ``"kind"`` (e.g. ``"findings"``) and
  ``"imnm_format"`` (:data:`FORMAT_VERSION`).  Readers accept documents with or
  without them: an absent version means the current one.  A document of an
  earlier version is upgraded on reading; one of a newer version is refused.
* Inside a classification, catalog entities are written by id (the subtype,
  each explanation entry's criterion, the references of each note) and read
  back as the catalog's own instances; everywhere else objects are written in
  full.
* Reading is strict: every problem (unknown or missing key, wrong type,
  unknown enum value or id, a value a model validator refuses, malformed JSON)
  is reported in one :class:`~imnm.InvalidPayload`, each with its JSON path.
* A result (a classification or an EULAR/ACR assessment, alone or side by
  side) names the rule set that made it (``"ruleset"``) and says what it is
  (``"disclaimer"``, :data:`imnm.ruleset.DISCLAIMER`).  One made by this
  release's rule sets (:data:`imnm.ruleset.CURRENT`, by id and version) is re-derived from its
  findings on reading, and refused when it contradicts the rules (each field
  that does is a problem with its path).  One made by another rule set
  version loads as it was written, a historical record (``historical``).
  A version-1 classification (the first release) was made by
  :data:`imnm.ruleset.RULESET_V1`; a version-2 assessment (the release
  that added them) by :data:`imnm.ruleset.IIM_RULESET`.

Example:
    >>> from imnm import Findings, Serology, serialize
    >>> serialize.dumps(Findings(anti_srp=Serology.POSITIVE))[:60]
    '{"kind":"findings","imnm_format":3,"anti_srp":"positive","an'
    >>> serialize.loads('{"anti_srp": "positive"}', Findings) == Findings(
    ...     anti_srp=Serology.POSITIVE)
    True
"""

from __future__ import annotations

import copy
import decimal
import enum
import functools
import json
import operator
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, Final, TypeVar, Union, cast, get_args, get_origin

import attrs
from cattrs import BaseConverter
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override
from cattrs.preconf.json import JsonConverter
from cattrs.preconf.json import make_converter as _json_converter

from . import _json, catalog, criteria, iim
from . import _validators as v
from ._fastwire import FastWire
from ._schema import document_schema
from ._shown import bounded_text, shown
from .classifier import Classification, classify
from .combined import SideBySide, divergences
from .criteria import Criterion
from .errors import InvalidPayload, InvalidValue, UnknownId, UnsupportedType
from .findings import Findings
from .model import (
    Autoantibody,
    Complication,
    Disease,
    OntologyTerm,
    Reference,
    Statement,
    Subtype,
    Therapy,
)
from .ruleset import CURRENT, DISCLAIMER, IIM_RULESET, RULESET_V1

__all__ = [
    "DOCUMENT_KINDS",
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "MAX_DOCUMENT_SIZE",
    "dumps",
    "from_dict",
    "json_schema",
    "loads",
    "make_converter",
    "to_dict",
]

T = TypeVar("T")

FORMAT_VERSION: Final = 3
"""The wire format version that :func:`dumps` writes and :func:`loads` reads up to."""
MAX_DOCUMENT_SIZE: Final = _json.MAX_DOCUMENT_SIZE
"""The longest document :func:`loads` reads: 1 MiB (bytes, or characters for ``str``)."""
MAX_DEPTH: Final = _json.MAX_DEPTH
"""The deepest nesting of arrays and objects :func:`loads` reads.

The deepest valid document (the catalog) nests 8 levels.
"""

DOCUMENT_KINDS: Final[Mapping[str, type]] = types.MappingProxyType(
    {
        "autoantibody": Autoantibody,
        "classification": Classification,
        "complication": Complication,
        "criterion": Criterion,
        "disease": Disease,
        "findings": Findings,
        "iim_assessment": iim.IIMAssessment,
        "iim_findings": iim.IIMFindings,
        "ontology_term": OntologyTerm,
        "reference": Reference,
        "side_by_side": SideBySide,
        "statement": Statement,
        "subtype": Subtype,
        "therapy": Therapy,
    }
)
"""Every document kind of the wire format, with the type a document of that kind holds.

A kind is part of the wire format (the ``"kind"`` of a document and the name of
its schema, ``imnm/schemas/<kind>.json``): renaming a class does not change it.
"""
_KINDS: Final[dict[type, str]] = {cls: kind for kind, cls in DOCUMENT_KINDS.items()}

# Catalog entities a result names by id: how to look one up, and all of them.
_BY_ID: Final[dict[type, tuple[Callable[[str], Any], tuple[Any, ...]]]] = {
    Subtype: (catalog.get_subtype, catalog.SUBTYPES),
    Criterion: (criteria.get_criterion, criteria.CRITERIA),
    Reference: (catalog.get_reference, catalog.REFERENCES),
    iim.Item: (iim.get_item, iim.ITEMS),
    iim.IIMNote: (iim.get_note, iim.NOTES),
}
# The results: documents that name catalog entities (and EULAR/ACR items) by id.
_RESULTS: Final = (Classification, iim.IIMAssessment, SideBySide)

# Upgrades of a document body from format version N to N + 1, by N: reading a
# version-N document applies every step from N on.  A step is added with each
# new version and never removed, so every earlier version stays readable.
_UPGRADES: dict[int, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}


def _upgrade_1_to_2(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Format 2 added document kinds (the EULAR/ACR ones) and a classification's ``ruleset``.

    The first release wrote version 1 with the rules of :data:`~imnm.ruleset.RULESET_V1`,
    so a version-1 classification reads as that rule set's historical record;
    other version-1 bodies read unchanged.
    """
    if kind != "classification":
        return body
    if "ruleset" in body:
        raise InvalidPayload(["$.ruleset: not a key of format version 1"])
    return {**body, "ruleset": attrs.asdict(RULESET_V1)}


_UPGRADES[1] = _upgrade_1_to_2


def _upgrade_2_to_3(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Format 3 added each result's ``disclaimer`` and an assessment's ``ruleset``.

    A version-2 result said the same words only outside its document, and
    its assessments were made by :data:`~imnm.ruleset.IIM_RULESET`; side by side,
    both parts are upgraded.  Other version-2 bodies read unchanged.
    """
    if kind == "side_by_side":
        parts = {"classification": "classification", "assessment": "iim_assessment"}
        upgraded = dict(body)
        for key, part in parts.items():
            if isinstance(body.get(key), dict):
                upgraded[key] = _upgrade_2_to_3(part, body[key])
        return upgraded
    if kind not in ("classification", "iim_assessment"):
        return body
    added: dict[str, Any] = {"disclaimer": DISCLAIMER}
    if kind == "iim_assessment":
        added = {"ruleset": attrs.asdict(IIM_RULESET), **added}
    for key in added:
        if key in body:
            raise InvalidPayload([f"$.{key}: not a key of format version 2"])
    return {**body, **added}


_UPGRADES[2] = _upgrade_2_to_3


def make_converter() -> JsonConverter:
    """A new cattrs converter for imnm's wire format (cattrs' stdlib-json preconf).

    It structures and unstructures every document type's body (without the
    ``"kind"`` and ``"imnm_format"`` envelope, which :func:`from_dict` and
    :func:`to_dict` handle).  It is strict: structuring raises cattrs'
    detailed validation errors for anything the format does not allow.
    """
    return _make_converter(detailed=True)


def _make_converter(*, detailed: bool) -> JsonConverter:
    """The wire format's converter; *detailed* reports every problem, not only the first."""
    full = _strict_converter(detailed=detailed)
    # Classification names catalog entities by id; a copy of the converter with
    # id hooks for those types builds its hooks.  Copy before any hook for a
    # catalog type is generated, so the copy generates its own.
    by_id = full.copy()
    for cls, (get, _) in _BY_ID.items():
        by_id.register_structure_hook(cls, _structure_by_id(get))
        by_id.register_unstructure_hook(cls, _unstructure_by_id)
    for result in _RESULTS:
        full.register_structure_hook(result, by_id.get_structure_hook(result))
        full.register_unstructure_hook(result, by_id.get_unstructure_hook(result))
    return full


def to_dict(obj: object) -> dict[str, Any]:
    """*obj* as a document of JSON values (dicts, lists, strings, ints, bools, None).

    Raises:
        UnsupportedType: *obj* is not of a type the wire format holds.
        InvalidValue: *obj* holds a value its field does not accept (only
            possible when attrs validators are switched off, when every
            value is checked here instead).
    """
    known = _fast(FORMAT_VERSION).document(obj)
    return _write(obj) if known is None else known


def dumps(obj: object) -> str:
    """*obj* as a JSON document (compact, UTF-8 text, keys in attribute order).

    Raises:
        UnsupportedType: *obj* is not of a type the wire format holds.
        InvalidValue: *obj* holds a value its field does not accept (only
            possible when attrs validators are switched off, when every
            value is checked here instead).
    """
    known = _fast(FORMAT_VERSION).text(obj)
    return _ENCODER.encode(_write(obj)) if known is None else known


def _write(obj: object) -> dict[str, Any]:
    """The detailed writer: *obj*'s document, built by the converter."""
    kind = _kind(type(obj))
    if attrs.validators.get_disabled():
        # Built without its validators, obj may hold anything: check it here.
        v.check_all(obj)
    return {"kind": kind, "imnm_format": FORMAT_VERSION, **_fast_converter().unstructure(obj)}


def from_dict(data: object, cls: type[T]) -> T:
    """Read a *cls* from a document of JSON values, as :func:`json.loads` gives it.

    Raises:
        InvalidPayload: The document is not a valid *cls* document; the error
            lists every problem with its JSON path.
        UnsupportedType: *cls* is not a type the wire format holds.
    """
    return _read(data, cls, parsed=False)


def _read(data: object, cls: type[T], *, parsed: bool) -> T:
    """:func:`from_dict`; *parsed*: *data* is the JSON parser's own result, free to change."""
    kind = _kind(cls)
    if not isinstance(data, dict):
        raise InvalidPayload([f"$: expected an object; got {shown(data)}"])
    body = data if parsed else dict(data)
    version = _check_envelope(body, kind)
    for step in range(version, FORMAT_VERSION):
        body = _UPGRADES[step](kind, body)
    # The findings and classifications of the classifier's finite domain are
    # recognised by a look-up (imnm._fastwire); anything else is read below.
    known: T | None = _fast(FORMAT_VERSION).read(body, cls, parsed=parsed)
    if known is not None:
        return known
    # Most documents are valid: the fast converter reads them, and the model's
    # own validators check every value as it is built.  Only when it fails (or
    # when validators are switched off) does the detailed converter read the
    # document again, to report every problem with its path.
    if not attrs.validators.get_disabled():
        try:
            fast: T = _fast_converter().structure(body, cls)
        except Exception:  # read again below, to report every problem with its path
            pass
        else:
            return _rederived(fast)
    try:
        result: T = _converter().structure(body, cls)
    except Exception as error:  # every failure is reported as a problem of the payload
        problems = _problems(error, "$")
        raise InvalidPayload(list(islice(problems, InvalidPayload.MAX_PROBLEMS + 1))) from None
    return _rederived(result)


def _rederived(loaded: T) -> T:
    """*loaded*, re-derived when it is a result of a current rule set.

    A classification or an assessment by another rule set version is a
    historical record and is returned as it was written.  Side by side, each
    part is re-derived by its own rule set, and the divergences between the
    parts are checked when both are current (the shared facts filled in, the
    ``derived`` texts, are kept as written: the findings before the filling
    are not in the document).  (The fast look-up in :func:`_read` only
    recognises documents that :func:`imnm.classify` gives, so they need no
    check.)

    Raises:
        InvalidPayload: It contradicts the rules; each field that does is a
            problem with its path, e.g. ``$.criteria``.
    """
    if isinstance(loaded, SideBySide):
        classification, assessment = loaded.classification, loaded.assessment
        wanted = attrs.evolve(
            loaded,
            classification=_derive(classification),
            assessment=_derive(assessment),
        )
        if not (classification.historical or assessment.historical):
            wanted = attrs.evolve(
                wanted, divergences=divergences(wanted.classification, wanted.assessment)
            )
        label = f"{classification.ruleset.label} and {assessment.ruleset.label}"
        return cast(T, _checked(loaded, wanted, label))
    if isinstance(loaded, Classification):
        return cast(T, _checked(loaded, _derive(loaded), loaded.ruleset.label))
    if isinstance(loaded, iim.IIMAssessment):
        return cast(T, _checked(loaded, _derive(loaded), loaded.ruleset.label))
    return loaded


_Result = TypeVar("_Result", Classification, iim.IIMAssessment)


def _derive(result: _Result) -> _Result:
    """What the current rule set gives for *result*'s findings; *result* if it is historical."""
    current = CURRENT.get(result.ruleset.id)
    if current is None or current.version != result.ruleset.version:
        return result  # a historical record (a wrong digest of a current version is not one)
    if isinstance(result, Classification):
        return classify(result.findings)
    return iim.assess(result.findings)


def _checked(loaded: T, wanted: T, label: str) -> T:
    """*wanted* if *loaded* equals it; otherwise every difference as a problem with its path."""
    if loaded == wanted:
        return wanted
    converter = _fast_converter()
    problems = [
        f"{path}: contradicts rule set {label} for these findings, which gives {shown(value)}"
        for path, value in _differences(
            converter.unstructure(loaded), converter.unstructure(wanted), "$"
        )
    ]
    raise InvalidPayload(problems)


def _differences(have: object, want: object, path: str) -> Iterator[tuple[str, object]]:
    """Where the JSON value *have* differs from *want*: (path, wanted value)."""
    if isinstance(have, dict) and isinstance(want, dict):
        for key in [*want, *(key for key in have if key not in want)]:
            yield from _differences(have.get(key), want.get(key), f"{path}.{key}")
    elif isinstance(have, list) and isinstance(want, list) and len(have) == len(want):
        for index, (mine, theirs) in enumerate(zip(have, want, strict=True)):
            yield from _differences(mine, theirs, f"{path}[{index}]")
    elif have != want:
        yield path, want


def loads(text: str | bytes, cls: type[T]) -> T:
    """Read a *cls* from JSON text.

    Args:
        text: The document, as ``str`` or UTF-8 ``bytes``, at most
            :data:`MAX_DOCUMENT_SIZE` long and :data:`MAX_DEPTH` deep.
        cls: The type the document holds, e.g. :class:`~imnm.Findings`.

    Raises:
        InvalidPayload: The text is not a valid *cls* document: too long or
            deep, not UTF-8, malformed JSON, or a document :func:`from_dict`
            refuses.  The error lists every problem with its JSON path.
        UnsupportedType: *cls* is not a type the wire format holds.
    """
    _kind(cls)
    known: T | None = _fast(FORMAT_VERSION).load(text, cls)
    return _read(_json.parse(text), cls, parsed=True) if known is None else known


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a *cls* document, in the current format.

    The same schemas ship as JSON files in the package (``imnm/schemas/<kind>.json``)
    for readers in other languages.

    Raises:
        UnsupportedType: *cls* is not a type the wire format holds.
    """
    _kind(cls)
    return copy.deepcopy(_schema(cls))


# --- Reading and writing documents -------------------------------------------------


@functools.cache
def _converter() -> JsonConverter:
    return make_converter()


@functools.cache
def _fast_converter() -> JsonConverter:
    return _make_converter(detailed=False)


# Made once: json.dumps and json.loads with options build a new encoder or decoder per call.
# A document is built afresh by the converter, so it cannot hold a cycle to check for.
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=False
)


@functools.cache
def _schema(cls: type) -> dict[str, Any]:
    by_id = {}
    if cls in _RESULTS:
        by_id = {tp: tuple(item.id for item in items) for tp, (_, items) in _BY_ID.items()}
    return document_schema(cls, kind=_kind(cls), version=FORMAT_VERSION, by_id=by_id)


def _kind(cls: object) -> str:
    try:
        return _KINDS[cls]  # type: ignore[index]
    except (KeyError, TypeError):  # TypeError: not even hashable
        raise UnsupportedType(cls, tuple(sorted(tp.__name__ for tp in _KINDS))) from None


def _check_envelope(body: dict[str, Any], kind: str) -> int:
    """Remove ``kind`` and ``imnm_format`` from *body*; return the format version."""
    problems = []
    found = body.pop("kind", kind)
    if not (isinstance(found, str) and found == kind):
        problems.append(f"$.kind: expected {shown(kind)}; got {shown(found)}")
    given = body.pop("imnm_format", FORMAT_VERSION)
    version = _integer(given)
    if version is None or version < 1:
        problems.append(f"$.imnm_format: expected a format version (1 or more); got {shown(given)}")
    elif version > FORMAT_VERSION:
        problems.append(
            f"$.imnm_format: format version {version} is newer than this imnm reads "
            f"(up to {FORMAT_VERSION}); upgrade imnm"
        )
    if problems or version is None:
        raise InvalidPayload(problems)
    return version


def _integer(value: object) -> int | None:
    """*value* as an integer if it is one in JSON's data model, else None.

    As in JSON Schema, a number with a zero fractional part (``2018.0``) is an
    integer; ``true`` is not.
    """
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None


@functools.cache
def _fast(version: int) -> FastWire:
    """The findings and classifications of the classifier's finite domain, by look-up.

    One per format version: the documents it knows are the ones written now.
    """
    return FastWire(
        write=_write,
        encode=_ENCODER.encode,
        envelopes={cls: {"kind": kind, "imnm_format": version} for cls, kind in _KINDS.items()},
        max_size=MAX_DOCUMENT_SIZE,
        parse=_json.parse,
    )


# --- The converter's hooks --------------------------------------------------------


class _Problem(ValueError):
    """A value the format does not allow; *subpath* extends the JSON path."""

    def __init__(self, message: str, subpath: str = "") -> None:
        super().__init__(message)
        self.subpath = subpath


def _strict_converter(*, detailed: bool) -> JsonConverter:
    converter = _json_converter(forbid_extra_keys=True, detailed_validation=detailed)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(decimal.Decimal, _structure_decimal)
    converter.register_unstructure_hook(decimal.Decimal, _unstructure_decimal)
    # Registered for the base class, this hook serves every enum (cattrs' own
    # enum hook would accept a value of any JSON type and report it poorly).
    converter.register_structure_hook(enum.Enum, _structure_enum)
    # What Enum.value returns, without the cost of its descriptor.
    converter.register_unstructure_hook(enum.Enum, operator.attrgetter("_value_"))
    converter.register_structure_hook_factory(_is_optional, _structure_optional)
    converter.register_structure_hook_factory(_is_collection, _structure_collection)
    converter.register_unstructure_hook_factory(_is_collection, _unstructure_collection)
    converter.register_structure_hook_factory(attrs.has, _structure_attrs)
    return converter


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _Problem(f"expected a string; got {shown(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Problem("expected text; got a string with a lone surrogate") from None
    return value


def _structure_int(value: object, _: object) -> int:
    integer = _integer(value)
    if integer is None:
        raise _Problem(f"expected an integer; got {shown(value)}")
    return integer


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"expected true or false; got {shown(value)}")
    return value


def _structure_decimal(value: object, _: object) -> decimal.Decimal:
    # A score in tenths, written as a string such as "5.3": exact in every language.
    if not isinstance(value, str) or _SCORE.fullmatch(value) is None:
        raise _Problem(f'expected a score such as "5.3" (a string); got {shown(value)}')
    return decimal.Decimal(value)


def _unstructure_decimal(value: decimal.Decimal) -> str:
    return f"{value:.1f}"


_SCORE: Final = re.compile(r"[0-9]{1,2}\.[0-9]", re.ASCII)


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    members = _members(cls)
    if isinstance(value, str) and value in members:
        return members[value]
    expected = ", ".join(shown(value) for value in members)
    raise _Problem(f"expected one of {expected}; got {shown(value)}")


@functools.cache
def _members(cls: type[enum.Enum]) -> dict[object, enum.Enum]:
    return {member.value: member for member in cls}


def _is_optional(tp: object) -> bool:
    args = get_args(tp)
    return get_origin(tp) in (Union, types.UnionType) and len(args) == 2 and type(None) in args


def _structure_optional(tp: Any, converter: BaseConverter) -> Callable[[object, object], Any]:
    (inner,) = (arg for arg in get_args(tp) if arg is not type(None))
    structure_inner = converter.get_structure_hook(inner)

    def structure(value: object, _: object) -> Any:
        return None if value is None else structure_inner(value, inner)

    return structure


def _is_collection(tp: object) -> bool:
    args = get_args(tp)
    origin = get_origin(tp)
    return (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or origin is frozenset


def _structure_collection(tp: Any, converter: BaseConverter) -> Callable[[object, object], Any]:
    item_type = get_args(tp)[0]
    structure_item = converter.get_structure_hook(item_type)
    unique = get_origin(tp) is frozenset
    if not converter.detailed_validation:

        def structure_fast(value: object, _: object) -> Any:
            if not isinstance(value, list):
                raise _Problem(f"expected an array; got {shown(value)}")
            items = [structure_item(element, item_type) for element in value]
            if not unique:
                return tuple(items)
            result = frozenset(items)
            if len(result) < len(items):
                raise _Problem("duplicate item")  # the detailed converter says which
            return result

        return structure_fast

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, list):
            raise _Problem(f"expected an array; got {shown(value)}")
        items: list[Any] = []
        seen: set[Any] = set()
        errors: list[Exception] = []
        for index, element in enumerate(value):
            if len(errors) > InvalidPayload.MAX_PROBLEMS:
                break  # no more will be listed: stop the work here
            try:
                item = structure_item(element, item_type)
                if unique:
                    if item in seen:
                        raise _Problem(f"duplicate item {shown(element)}")
                    seen.add(item)
                items.append(item)
            except Exception as error:
                _add_note(error, IterableValidationNote(f"index {index}", index, item_type))
                errors.append(error)
        if errors:
            raise IterableValidationError("while structuring an array", errors, tp)
        return frozenset(items) if unique else tuple(items)

    return structure


def _unstructure_collection(tp: Any, converter: BaseConverter) -> Callable[[Iterable[Any]], Any]:
    unstructure_item = converter.get_unstructure_hook(get_args(tp)[0])
    if get_origin(tp) is frozenset:
        # A set has no order; sorting makes equal sets equal documents.
        return lambda value: sorted(unstructure_item(item) for item in value)
    return lambda value: [unstructure_item(item) for item in value]


def _structure_attrs(cls: type, converter: BaseConverter) -> Callable[[object, object], Any]:
    attrs.resolve_types(cls)
    # In detailed mode each field's validator runs as the field is read, so that
    # every value a validator refuses is reported with its path, not only the
    # first one.  Otherwise the class validates its fields as it is built.
    overrides: dict[str, Any] = {
        field.name: override(
            struct_hook=_validated(converter.get_structure_hook(field.type), field)
        )
        for field in attrs.fields(cls)
        if field.validator is not None and converter.detailed_validation
    }
    structure_dict: Callable[[dict[str, Any], type], Any] = make_dict_structure_fn(
        cls, converter, **overrides
    )

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise _Problem(f"expected an object; got {shown(value)}")
        return structure_dict(value, cls)

    return structure


def _add_note(error: Exception, note: str) -> None:
    # What cattrs does to place an error; Exception.add_note is Python 3.11+.
    notes = getattr(error, "__notes__", [])
    setattr(error, "__notes__", [*notes, note])  # noqa: B010 - not declared before 3.11


def _validated(
    structure: Callable[[object, Any], Any], field: attrs.Attribute[Any]
) -> Callable[[object, Any], Any]:
    validator = field.validator
    assert validator is not None  # only fields with a validator get here

    def structure_and_validate(value: object, tp: Any) -> Any:
        result = structure(value, tp)
        try:
            validator(None, field, result)
        except InvalidValue as error:
            subpath = error.field.removeprefix(field.name)  # e.g. "[2]" for an item
            raise _Problem(f"{error.reason}; got {shown(error.value)}", subpath) from None
        return result

    return structure_and_validate


def _structure_by_id(get: Callable[[str], Any]) -> Callable[[object, object], Any]:
    def structure(value: object, _: object) -> Any:
        if not isinstance(value, str):
            raise _Problem(f"expected an id (a string); got {shown(value)}")
        try:
            return get(value)
        except UnknownId as error:
            raise _Problem(str(error)) from None

    return structure


def _unstructure_by_id(entity: Any) -> str:
    return str(entity.id)


# --- Reporting problems ------------------------------------------------------------


def _problems(error: BaseException, path: str) -> Iterator[str]:
    """Every problem in a cattrs error tree, as ``"<json path>: <message>"``."""
    if isinstance(error, (ClassValidationError, IterableValidationError)):
        for inner in error.exceptions:
            yield from _problems(inner, path + _step(inner))
    elif isinstance(error, ForbiddenExtraKeysError):
        allowed = ", ".join(field.name for field in attrs.fields(error.cl))
        for key in sorted(error.extra_fields, key=str):
            yield f"{path}{_key(key)}: unknown key; the keys are {allowed}"
    elif isinstance(error, _Problem):
        yield f"{path}{error.subpath}: {error}"
    elif isinstance(error, KeyError):  # cattrs reads a required key that is not there
        yield f"{path}: required key is missing"
    else:
        yield f"{path}: could not be read ({type(error).__name__}: {bounded_text(error)})"


def _step(error: BaseException) -> str:
    """The path step from a cattrs error group to *error*, one of its members."""
    # The first placing note is the one its own group added: one is added per level.
    placing = (AttributeValidationNote, IterableValidationNote)
    notes = getattr(error, "__notes__", ())
    note = next((note for note in notes if isinstance(note, placing)), None)
    if isinstance(note, AttributeValidationNote):
        return _key(note.name)
    if isinstance(note, IterableValidationNote):
        return f"[{note.index}]"
    return ""  # a failure of the object as a whole


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _key(key: object) -> str:
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f".{key}"
    return f"[{shown(key)}]"
