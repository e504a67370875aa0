"""attrs validators that raise :class:`imnm.InvalidValue` naming the field.

attrs' own validators raise a bare ``TypeError`` whose message names the
attribute but not our error family; these keep every construction error inside
:class:`imnm.ImnmError` while still behaving as ``ValueError``.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from ._shown import bounded_repr
from .errors import InvalidValue

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

# The JSON Schema keywords a validator enforces on a value it accepts, so that
# imnm.serialize can publish a schema that says what the validators say.
_SCHEMA_ATTRIBUTE = "__imnm_json_schema__"


def with_schema(validator: Validator, **keywords: object) -> Validator:
    """Record on *validator* the JSON Schema *keywords* that describe what it accepts."""
    setattr(validator, _SCHEMA_ATTRIBUTE, keywords)
    return validator


def schema_of(validator: object) -> dict[str, object]:
    """The JSON Schema keywords recorded on *validator* (and on what it wraps).

    ``attrs.validators.optional`` is looked through: the keywords describe the
    value when it is not ``None``.
    """
    inner = getattr(validator, "validator", None)
    if inner is not None:
        return schema_of(inner)
    return dict(getattr(validator, _SCHEMA_ATTRIBUTE, {}))


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Accept a string with at least one non-space character."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(attribute.name, value, "must be a non-empty string")


# JSON Schema searches for a pattern anywhere in the string: one character that
# str.strip() keeps.  Spelled out, because "\s" means other characters in
# ECMA-262 (JSON Schema's regular expressions) than in Python.
# (A test checks that the class holds exactly the characters str.isspace() accepts.)
PYTHON_SPACES = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NON_EMPTY = {"pattern": f"[^{PYTHON_SPACES}]"}
with_schema(text, **_NON_EMPTY)


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Accept ``None`` or what :func:`text` accepts."""
    if value is not None:
        text(instance, attribute, value)


with_schema(optional_text, **_NON_EMPTY)


def matches(pattern: re.Pattern[str], expected: str) -> Validator:
    """Accept a string that fully matches *pattern* (read as ASCII), described as *expected*."""
    pattern = re.compile(pattern.pattern, pattern.flags | re.ASCII)

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or pattern.fullmatch(value) is None:
            raise InvalidValue(attribute.name, value, f"must be {expected}")

    return with_schema(check, pattern=schema_pattern(pattern.pattern))


def schema_pattern(pattern: str) -> str:
    r"""*pattern* (ASCII) as a JSON Schema pattern that matches what ``fullmatch`` does.

    JSON Schema searches, so the pattern is anchored; ``(?![\s\S])`` ends it at
    the end of the string in ECMA-262 and in Python alike (Python's ``$`` also
    matches before a final newline).  ``\d`` is spelled ``[0-9]``: :func:`matches`
    reads its pattern as ASCII, and ``\d`` means more in a Python validator.
    """
    body = re.sub(r"(?<!\\)\\d", "[0-9]", pattern)
    return f"^(?:{body})(?![\\s\\S])"


def instance_of(cls: type | tuple[type, ...], expected: str) -> Validator:
    """Accept an instance of *cls*, described as *expected*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise InvalidValue(attribute.name, value, f"must be {expected}")

    return check


def member_of(enum_cls: type[enum.Enum]) -> Validator:
    """Accept a member of *enum_cls*; the message lists every member."""
    names = ", ".join(f"{enum_cls.__name__}.{m.name}" for m in enum_cls)
    return instance_of(enum_cls, f"one of {names}")


_E = TypeVar("_E", bound=enum.Enum)


def enum_field(default: _E) -> _E:
    """An attrs field holding a member of *default*'s enum, *default* when not given."""
    field: _E = attrs.field(default=default, validator=member_of(type(default)))
    return field


def positive_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Accept an ``int`` (not a ``bool``) greater than zero."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidValue(attribute.name, value, "must be a positive integer")


with_schema(positive_int, minimum=1)


def tuple_of(cls: type, expected: str, *, non_empty: bool = False) -> Validator:
    """Accept a tuple whose items are all instances of *cls*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidValue(attribute.name, value, f"must be a tuple of {expected}")
        if non_empty and not value:
            raise InvalidValue(attribute.name, value, f"must hold at least one {expected}")
        for index, item in enumerate(value):
            if not isinstance(item, cls):
                raise InvalidValue(f"{attribute.name}[{index}]", item, f"must be {expected}")
            if isinstance(item, str) and not item.strip():
                raise InvalidValue(f"{attribute.name}[{index}]", item, "must be a non-empty string")

    keywords: dict[str, object] = {"items": _NON_EMPTY if cls is str else {}}
    if non_empty:
        keywords["minItems"] = 1
    return with_schema(check, **keywords)


def one_of(choices: frozenset[str], expected: str) -> Validator:
    """Accept one of the strings in *choices*; the message lists them."""
    valid = ", ".join(repr(c) for c in sorted(choices))

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or value not in choices:
            raise InvalidValue(attribute.name, value, f"must be a {expected}, one of {valid}")

    return with_schema(check, enum=sorted(choices))


def frozenset_of(choices: frozenset[str], expected: str) -> Validator:
    """Accept a frozenset whose items all come from *choices*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, frozenset):
            raise InvalidValue(attribute.name, value, f"must be a frozenset of {expected}")
        unknown = [item for item in value if item not in choices]
        if unknown:
            valid = ", ".join(sorted(choices))
            shown = ", ".join(bounded_repr(item) for item in unknown[:3])
            more = ", ..." if len(unknown) > 3 else ""
            raise InvalidValue(
                attribute.name, value, f"holds unknown {expected} [{shown}{more}]; valid: {valid}"
            )

    return with_schema(check, items={"enum": sorted(choices)}, uniqueItems=True)


def check_all(instance: object) -> None:
    """Run every field validator of the attrs *instance*, and of the attrs instances it holds.

    Called explicitly, the validators run even when attrs' validators are
    switched off (``attrs.validators.set_disabled(True)``), for the places
    where a wrong-typed value must not pass.

    Raises:
        InvalidValue: A field holds a value its validator refuses.
    """
    for field in attrs.fields(type(instance)):  # type: ignore[arg-type]
        value = getattr(instance, field.name)
        if field.validator is not None:
            field.validator(instance, field, value)
        for item in value if isinstance(value, (tuple, frozenset)) else (value,):
            if _is_attrs_instance(item):
                check_all(item)


@functools.lru_cache(maxsize=64)
def _is_attrs_class(cls: type) -> bool:
    # Cached: attrs.has() costs microseconds on an enum class (its metaclass's
    # __getattr__ runs for the missing attribute), and check_all asks per value.
    return attrs.has(cls)


def _is_attrs_instance(item: object) -> bool:
    try:
        # (mypy: a class may not hash, if its metaclass says so: that is the except.)
        return _is_attrs_class(type(item))  # type: ignore[arg-type]
    except TypeError:
        return attrs.has(type(item))
