"""How a refused value appears in an error message: short, bounded and safe.

Every error path shows the values it refuses through this module, so that no
message grows with its input and showing a value can never fail: a value
nested 100,000 deep, a 50 MB string or an object whose ``__repr__`` raises
gives a short phrase, not a ``RecursionError``, a 50 MB message or that
object's error.
"""

from __future__ import annotations

import reprlib
from typing import Final

__all__ = ["MAX_SHOWN", "bounded_repr", "bounded_text", "shown"]

MAX_SHOWN: Final = 60
"""The most characters :func:`shown` and :func:`bounded_repr` give for one value."""

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = MAX_SHOWN
_REPR.maxother = MAX_SHOWN
_REPR.maxlong = 40


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def bounded_repr(value: object) -> str:
    """A Python ``repr`` of *value*, at most :data:`MAX_SHOWN` characters.

    Containers are shown to three levels and a few items; a value whose
    ``repr`` fails (by raising, or by recursing too deep) is shown by its type.
    """
    try:
        text = _REPR.repr(value)
    except Exception:
        text = f"<{_type_name(value)} object>"
    return _cut(text)


def bounded_text(value: object) -> str:
    """``str(value)``, at most :data:`MAX_SHOWN` characters, or its type if that fails."""
    try:
        text = str(value)
    except Exception:
        text = f"<{_type_name(value)} object>"
    return _cut(text)


def shown(value: object) -> str:
    """*value* as a short JSON-like phrase for a message about a document.

    JSON scalars are shown as JSON (strings cut short); anything else by what
    it is ("an array", "an object", ...), so it is never walked.
    """
    import json  # imported here: only a message about a document needs it, not `import imnm`

    kind = type(value)
    if value is None or kind is bool:
        return json.dumps(value)
    if kind is str:
        assert isinstance(value, str)
        text = json.dumps(value[:MAX_SHOWN], ensure_ascii=False)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: shown as its escape
                text = json.dumps(value[:MAX_SHOWN])
        if len(value) > MAX_SHOWN or len(text) > MAX_SHOWN:
            return text[: MAX_SHOWN - 4] + '..."'
        return text
    if kind is int and abs(value) < 10**18:  # type: ignore[arg-type]
        return str(value)
    if kind is float:
        return repr(value)
    names = {list: "an array", dict: "an object", int: "a very large integer"}
    return names.get(kind, f"a {_type_name(value)}")


def _type_name(value: object) -> str:
    return str(getattr(type(value), "__name__", "value"))
