"""The wire format's fast path: findings and classifications by look-up (private).

The classifier's domain is finite.  A valid findings document describes one of
the :data:`~imnm.findings.COMBINATIONS` findings, and the classification
:func:`~imnm.classify` gives for them is the one canonical classification of
those findings under the current rules.
So a document of either kind that holds exactly what the wire format writes
for one of them is recognised by a dictionary look-up and a comparison, and
read as that object without building anything; and writing one of those
objects again returns the text written the first time.

Anything else (a classification that is not the classifier's, a document with
a problem, an object of another type) is not this module's business: each
method then returns ``None`` and :mod:`imnm.serialize` reads or writes it the
detailed way, with every check and every problem reported.  So the fast path
can only ever accept a document the detailed reader accepts, as an equal object.

The entries are made lazily, on first use of each object, by
:mod:`imnm.serialize`'s own writer: they hold whatever it writes, whatever
shape the model has.  There is at most one entry per findings for each of the
two types, so the tables are bounded by the domain
(:data:`~imnm.findings.COMBINATIONS` entries each).
"""

from __future__ import annotations

import enum
import json
import operator
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final

import attrs

from .classifier import Classification, classify
from .findings import Findings

__all__ = ["FastWire"]

Document = dict[str, Any]


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


# Objects are read as tuples of (key, value) pairs: nothing is lost (two equal
# keys are two pairs, so such a document is simply not a canonical one), the
# hook is a C type, and a findings document is then hashable as it stands.
_PAIRS: Final = json.JSONDecoder(object_pairs_hook=tuple, parse_constant=_refuse_constant)
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = _PAIRS.scan_once  # type: ignore[attr-defined]


@attrs.frozen
class _Entry:
    """What the wire format writes for one canonical object.

    Attributes:
        instance: The object.
        text: Its JSON text, as :func:`imnm.serialize.dumps` writes it.
        pairs: The text as :data:`_PAIRS` reads it.
        body: The document without its envelope, as dicts.
        numbers: Where the document holds a number or a boolean, which ``==``
            cannot tell apart (``1 == 1.0 == True``): paths into :attr:`pairs`.
        body_numbers: The keys of :attr:`body` whose values hold a number or a
            boolean (a classification's rule set version).
        document: The whole document, if it is flat (holds no array or object),
            to be copied by ``dict.copy``; else ``None``.
    """

    instance: Any
    text: str
    pairs: tuple[Any, ...]
    body: Document
    numbers: tuple[tuple[int, ...], ...]
    body_numbers: frozenset[str]
    document: Document | None


@attrs.frozen
class _Field:
    """A field of :class:`~imnm.Findings`: its name, enum, values and written default."""

    name: str
    type: type[enum.Enum]
    members: dict[str, enum.Enum]
    default: object


def _findings_field(field: attrs.Attribute[Any]) -> _Field:
    """What the fast path needs to know of a field of :class:`~imnm.Findings`."""
    assert isinstance(field.type, type)
    assert issubclass(field.type, enum.Enum)  # every field of Findings is an enum
    assert isinstance(field.default, field.type)
    members = {member.value: member for member in field.type}
    return _Field(field.name, field.type, members, field.default.value)


_FINDINGS_FIELDS: Final = tuple(
    _findings_field(field) for field in attrs.fields(attrs.resolve_types(Findings))
)
_FINDINGS_NAMES: Final = frozenset(field.name for field in _FINDINGS_FIELDS)
_FINDINGS_DEFAULTS: Final = tuple((field.name, field.default) for field in _FINDINGS_FIELDS)
# The field of Classification that holds its findings: the key of its entry.
(_FINDINGS_FIELD,) = (
    field.name
    for field in attrs.fields(attrs.resolve_types(Classification))
    if field.type is Findings
)


# What Classification's == compares besides the findings, or all of it if a
# field compares in its own way.
_COMPARED = [field for field in attrs.fields(Classification) if field.eq]
_other_fields: Final[Callable[[object], object]] = (
    operator.attrgetter(*(field.name for field in _COMPARED if field.name != _FINDINGS_FIELD))
    if all(getattr(field, "eq_key", None) is None for field in _COMPARED)
    else lambda obj: obj
)


def _written_defaults(cls: type) -> Document:
    """The defaults of *cls*'s fields that the fast path fills in, as the format writes them."""
    defaults: Document = {}
    for field in attrs.fields(cls):
        if isinstance(field.default, enum.Enum):
            defaults[field.name] = field.default.value
        elif field.default == ():
            defaults[field.name] = []
        elif field.default is None or isinstance(field.default, str):
            defaults[field.name] = field.default
        elif attrs.has(type(field.default)):  # a flat value object, e.g. the rule set
            defaults[field.name] = attrs.asdict(field.default)
    return defaults


class _NotCanonical(Exception):
    """Raised inside the fast path when a document cannot be one of the canonical ones."""


class FastWire:
    """Look-up tables of the canonical findings and classifications, filled lazily.

    Args:
        write: The detailed writer: an object's document, envelope included.
        encode: A document's JSON text, as the detailed writer writes it.
        envelopes: For each document type, the envelope it is written with
            (``{"kind": ..., "imnm_format": ...}``).
        max_size: The longest text the fast path reads (the same limit as the
            detailed reader's; anything longer is left to it).
        parse: The detailed reader's JSON parser (it refuses two equal keys
            and constants such as NaN by raising ``ValueError``).
    """

    def __init__(
        self,
        *,
        write: Callable[[object], Document],
        encode: Callable[[Document], str],
        envelopes: Mapping[type, Mapping[str, object]],
        max_size: int,
        parse: Callable[[str], object],
    ) -> None:
        self._write = write
        self._encode = encode
        self._envelopes: dict[type, dict[str, object]] = {
            cls: dict(envelopes[cls]) for cls in (Findings, Classification)
        }
        self._max_size = max_size
        self._parse = parse
        # Every text the format writes begins so; any other text cannot be a
        # canonical one as written, and is parsed into dicts straight away.
        self._starts = {
            cls: encode(dict(envelope))[:-1] for cls, envelope in self._envelopes.items()
        }
        self._findings: dict[Hashable, Findings] = {}
        self._entries: dict[type, dict[Findings, _Entry]] = {Findings: {}, Classification: {}}
        self._by_pairs: dict[type, dict[Hashable, _Entry]] = {Findings: {}, Classification: {}}
        self._defaults = _written_defaults(Classification)
        self._kept: dict[Hashable, Any] = {}

    # --- Writing ------------------------------------------------------------------

    def text(self, obj: object) -> str | None:
        """*obj*'s JSON text, if it is canonical; otherwise ``None``."""
        entry = self._entry(obj)
        return None if entry is None else entry.text

    def document(self, obj: object) -> Document | None:
        """A new copy of *obj*'s document, if it is canonical and flat; otherwise ``None``.

        A flat document (no array or object inside, as a findings document) is
        copied by ``dict.copy``.  A nested one is not copied: the detailed
        writer's generated functions build it afresh faster than a copy could.
        """
        entry = self._entry(obj)
        return None if entry is None or entry.document is None else entry.document.copy()

    # --- Reading ------------------------------------------------------------------

    def load(self, text: object, cls: type) -> Any:
        """The canonical object JSON *text* holds, or ``None`` (then read it the detailed way)."""
        if cls is not Findings and cls is not Classification:
            return None
        if isinstance(text, (bytes, bytearray)) and type(text) in (bytes, bytearray):
            if len(text) > self._max_size:
                return None
            try:
                source = text.decode("utf-8")
            except UnicodeDecodeError:
                return None
        elif isinstance(text, str) and type(text) is str and len(text) <= self._max_size:
            source = text
        else:
            return None
        if source.startswith(self._starts[cls]):
            try:
                # The C scanner alone: json's decode() adds two regular expressions.
                pairs, end = _SCAN(source, 0)
            except (StopIteration, ValueError, RecursionError):
                pairs, end = None, -1
            if end == len(source):
                # The text exactly as the format writes it: one look-up.
                try:
                    key = self._key(cls, pairs)
                    entry = self._by_pairs[cls].get(key)
                except TypeError:  # an array where an object should be
                    entry = None
                # For findings the look-up compared the whole document already.
                if (
                    entry is not None
                    and (key is pairs or entry.pairs == pairs)
                    and _same_numbers(entry, pairs)
                ):
                    return entry.instance
        # Otherwise, perhaps a canonical document written another way
        # (indented, keys in another order, the envelope or defaults left out).
        try:
            body = self._open(self._parse(source), cls)
        except (ValueError, RecursionError, _NotCanonical):
            return None  # malformed, duplicate keys, too deep, ...
        return self.read(body, cls, parsed=True)

    def read(self, body: Document, cls: type, *, parsed: bool) -> Any:
        """The canonical object *body* (a document without its envelope) holds, or ``None``.

        Args:
            body: The document, its envelope removed, upgraded to the current format.
            cls: The type asked for.
            parsed: *body* comes from a JSON parser, so it holds nothing but
                dicts, lists, strings, numbers, booleans and None.  Otherwise it
                is compared type for type.
        """
        if cls is Findings:
            return self._read_findings(body, parsed=parsed)
        if cls is not Classification:
            return None
        findings_body = body.get(_FINDINGS_FIELD)
        if type(findings_body) is not dict:
            return None
        findings = self._read_findings(findings_body, parsed=parsed)
        if findings is None:
            return None
        entry = self._entries[Classification].get(findings) or self._new_entry(
            Classification, findings
        )
        canonical = entry.body
        if len(body) != len(canonical):
            body = {**self._defaults, **body}
        if len(findings_body) != len(_FINDINGS_FIELDS):  # read above: defaults left out
            body = {**body, _FINDINGS_FIELD: canonical[_FINDINGS_FIELD]}
        # No JSON value but a string, null, array or object equals one of
        # those, so == is exact on parsed JSON without numbers.  Where the
        # canonical body holds numbers (1 == 1.0 == True), or the body was not
        # parsed (an object of another type may claim equality), the types are
        # checked too, key by key, only where they can differ.
        if body != canonical:
            return None
        numbered = entry.body_numbers
        if parsed:
            same = all(_same(canonical[key], body[key]) for key in numbered)
        else:
            same = all(
                _same(canonical[key], value) if key in numbered else _plain(value)
                for key, value in body.items()
            )
        return entry.instance if same else None

    def _open(self, document: object, cls: type) -> Document:
        """*document* without its envelope, if the envelope is the current one's."""
        if type(document) is not dict:
            raise _NotCanonical
        envelope = self._envelopes[cls]
        for key, value in envelope.items():
            if key in document:
                found = document.pop(key)
                if type(found) is not type(value) or found != value:
                    raise _NotCanonical
        return document

    def _read_findings(self, body: Document, *, parsed: bool) -> Findings | None:
        if not body.keys() <= _FINDINGS_NAMES:
            return None
        key = tuple([body.get(name, default) for name, default in _FINDINGS_DEFAULTS])
        if not parsed and any(type(value) is not str for value in key):
            return None
        try:
            found = self._findings.get(key)
        except TypeError:  # an array or object where a value should be
            return None
        if found is not None:
            return found
        values: dict[str, enum.Enum] = {}
        for field, value in zip(_FINDINGS_FIELDS, key, strict=True):
            if type(value) is not str or value not in field.members:
                return None
            values[field.name] = field.members[value]
        findings = self._findings.setdefault(key, Findings(**values))  # type: ignore[arg-type]
        if findings not in self._entries[Findings]:
            self._new_entry(Findings, findings)  # so that its text is known from now on
        return findings

    # --- The entries --------------------------------------------------------------

    @staticmethod
    def _key(cls: type, pairs: object) -> Hashable:
        """The look-up key of a document read as pairs: the findings it describes."""
        if cls is Findings or type(pairs) is not tuple:
            return pairs
        return dict(pairs).get(_FINDINGS_FIELD)

    def _entry(self, obj: object) -> _Entry | None:
        if type(obj) is Findings:
            key = obj
        elif type(obj) is Classification:
            key = obj.findings
            if type(key) is not Findings:
                return None
        else:
            return None
        entry = self._entries[type(obj)].get(key)
        if entry is None:
            if not _is_valid(key):
                return None
            entry = self._new_entry(type(obj), key)
        instance = entry.instance
        if obj is instance or key is obj:  # findings: the look-up compared them already
            return entry
        # The look-up compared the findings; the other fields are compared here.
        return entry if _other_fields(obj) == _other_fields(instance) else None

    def _new_entry(self, cls: type, findings: Findings) -> _Entry:
        """The entry of the canonical *cls* of *findings* (valid findings), made and kept."""
        instance: object = findings if cls is Findings else classify(findings)
        document = _share(self._write(instance), self._kept)
        text = self._encode(document)
        pairs = _share(_PAIRS.decode(text), self._kept)
        envelope = self._envelopes[cls]
        body = {key: value for key, value in document.items() if key not in envelope}
        flat = not any(type(value) in (dict, list) for value in document.values())
        entry = _Entry(
            instance=instance,
            text=text,
            pairs=pairs,
            body=body,
            numbers=tuple(_number_paths(pairs, ())),
            body_numbers=frozenset(key for key, value in body.items() if _has_numbers(value)),
            document=document if flat else None,
        )
        kept = self._entries[cls].setdefault(findings, entry)
        self._by_pairs[cls].setdefault(self._key(cls, kept.pairs), kept)
        return kept

    def size(self) -> dict[str, int]:
        """How many entries each table holds (for tests and the benchmark)."""
        sizes = {cls.__name__: len(entries) for cls, entries in self._entries.items()}
        sizes["findings read"] = len(self._findings)
        return sizes


def _is_valid(findings: Findings) -> bool:
    # Validators can be switched off: only real members count (an enum's
    # instances are its members, so the type says it).
    return all(type(getattr(findings, field.name)) is field.type for field in _FINDINGS_FIELDS)


def _share(value: Any, kept: dict[Hashable, Any]) -> Any:
    """*value* with each part replaced by an equal one already kept, to save memory.

    Strings, tuples and dicts of strings recur from one canonical document to
    the next (the findings' values, whole explanation entries); each is kept
    once.  A kept dict is shared by several entries: none is ever handed out or
    changed.  Nothing that holds a number is shared (``1 == True``).
    """
    kind = type(value)
    if kind is str:
        return kept.setdefault(value, value)
    if kind is list:
        return [_share(item, kept) for item in value]
    if kind is dict:
        shared = {_share(key, kept): _share(item, kept) for key, item in value.items()}
        if _has_numbers(shared):
            return shared
        try:
            return kept.setdefault(tuple(shared.items()), shared)
        except TypeError:  # holds a list: not hashable, not shared
            return shared
    if kind is tuple:
        value = tuple(_share(item, kept) for item in value)
        if not _has_numbers(value):
            try:
                return kept.setdefault((tuple, value), value)
            except TypeError:
                pass
    return value


def _number_paths(value: Any, path: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The paths (indexes into nested tuples and lists) to every number and boolean."""
    if type(value) in (tuple, list):
        return [found for i, item in enumerate(value) for found in _number_paths(item, (*path, i))]
    return [path] if isinstance(value, (int, float)) else []


def _has_numbers(value: Any) -> bool:
    if type(value) is dict:
        return any(_has_numbers(item) for item in value.values())
    if type(value) in (list, tuple):
        return any(_has_numbers(item) for item in value)
    return isinstance(value, (int, float))  # bool is an int


def _same_numbers(entry: _Entry, pairs: Any) -> bool:
    """Whether *pairs*, equal to the entry's, has the same types of numbers (1 is not 1.0)."""
    for path in entry.numbers:
        expected, found = entry.pairs, pairs
        for index in path:
            expected, found = expected[index], found[index]
        if type(found) is not type(expected):
            return False
    return True


def _plain(value: Any) -> bool:
    """Whether *value* holds nothing but dicts, lists, strings and None (keys aside)."""
    kind = type(value)
    if kind is str or value is None:
        return True
    if kind is dict:
        return all(map(_plain, value.values()))
    return kind is list and all(map(_plain, value))


def _same(expected: Any, value: Any) -> bool:
    """Whether *value* equals *expected* (a document), type for type."""
    kind = type(expected)
    if type(value) is not kind:
        return False
    if kind is dict:
        return expected.keys() == value.keys() and all(
            _same(item, value[key]) for key, item in expected.items()
        )
    if kind is list:
        return len(expected) == len(value) and all(
            _same(item, other) for item, other in zip(expected, value, strict=True)
        )
    return bool(expected == value)
