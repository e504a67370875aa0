"""Strict JSON text reading, shared by the wire format and the batch reader.

:func:`parse` reads one JSON document as :func:`imnm.serialize.loads` does:
at most :data:`MAX_DOCUMENT_SIZE` long and :data:`MAX_DEPTH` deep, UTF-8,
no duplicate keys, no ``NaN`` or ``Infinity``.  Every check is linear in the
length of the text, and the depth is checked before the decoder (which
recurses) sees the text, so no input can exhaust the stack.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import accumulate
from typing import Any, Final

from ._shown import shown
from .errors import InvalidPayload

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_SIZE", "parse"]

MAX_DOCUMENT_SIZE: Final = 1024 * 1024
"""The longest document :func:`parse` reads: 1 MiB (bytes, or characters for ``str``)."""
MAX_DEPTH: Final = 32
"""The deepest nesting of arrays and objects :func:`parse` reads."""


def parse(text: object) -> object:
    """The JSON value *text* (``str`` or UTF-8 ``bytes``) holds.

    Raises:
        InvalidPayload: The text is too long or deep, not UTF-8, or not
            strict JSON; the one problem has the path ``$``.
    """
    if isinstance(text, (bytes, bytearray)):
        check_size(len(text), "bytes")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidPayload(
                [f"$: not UTF-8 text: {error.reason} at byte {error.start}"]
            ) from None
    elif not isinstance(text, str):
        raise InvalidPayload([f"$: expected JSON text (str or bytes); got {shown(text)}"])
    else:
        check_size(len(text), "characters")
    check_depth(text)
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InvalidPayload([f"$: malformed JSON: {error.msg} ({where})"]) from None
    except ValueError as error:  # a duplicate key, NaN, or an integer too long to read
        raise InvalidPayload([f"$: malformed JSON: {error}"]) from None


def check_size(size: int, unit: str) -> None:
    """Refuse a document longer than :data:`MAX_DOCUMENT_SIZE`."""
    if size > MAX_DOCUMENT_SIZE:
        raise InvalidPayload(
            [f"$: the document is {size} {unit} long; the limit is {MAX_DOCUMENT_SIZE}"]
        )


# A string, or an unterminated one (which runs to the end of the text).  Every
# opening quote outside a string matches, so the search never starts again
# inside a string: one pass over the text, whatever it holds.  (A pattern that
# requires the closing quote fails at each quote of an unterminated string and
# retries at the next one: quadratic.)
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")


def check_depth(text: str) -> None:
    """Refuse *text* if its arrays and objects nest deeper than :data:`MAX_DEPTH`.

    Linear in ``len(text)``: most documents are checked by two C-speed counts;
    otherwise strings are dropped, then the brackets left are counted.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = max(accumulate(1 if char in "[{" else -1 for char in brackets), default=0)
    if depth > MAX_DEPTH:
        raise InvalidPayload([f"$: the document nests deeper than {MAX_DEPTH} levels"])


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) < len(pairs):
        # Parsers differ on which of two equal keys wins: refuse rather than guess.
        counts = Counter(key for key, _ in pairs)
        duplicate = next(key for key, count in counts.items() if count > 1)
        raise ValueError(f"duplicate key {shown(duplicate)}")
    return result


def _constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


_DECODER: Final = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)
