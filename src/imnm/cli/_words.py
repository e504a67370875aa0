"""How the command line matches what a person typed, and words it prints back.

One rule for every value the command line reads from a person: a CSV cell, a
string value of a JSON Lines row, an option's value, and the names of CSV
columns and JSON Lines keys.  :func:`fold` strips ASCII whitespace from both
ends and lower-cases ASCII letters; the folded text must then equal a valid
value exactly.  Text that holds any other character after the strip (a
non-breaking space U+00A0, a Unicode letter) is never folded, so it never
matches: :func:`expected` then names the character.  The wire format itself
(:mod:`imnm.serialize`) stays strict: the command line is the forgiving edge.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ..cohort import WHITESPACE, fold

__all__ = ["ASCII_WHITESPACE", "expected", "fold", "plural", "quoted", "suggestion"]

# The rule itself lives below the command line: the generated SQL of imnm.sql follows it too.
ASCII_WHITESPACE = WHITESPACE


def quoted(values: Iterable[str]) -> str:
    """*values* quoted and separated by commas: ``'a', 'b'``."""
    return ", ".join(repr(value) for value in values)


def suggestion(text: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice nearest to *text*, or empty if none is near.

    The nearest is the only choice that *text* begins, else the closest by
    :func:`difflib.get_close_matches`; case and any whitespace are ignored.
    """
    key = text.strip().lower()
    starting = [choice for choice in choices if key and choice.startswith(key)]
    near = starting if len(starting) == 1 else difflib.get_close_matches(key, choices, n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def expected(text: str, choices: Sequence[str]) -> str:
    """What a refusal of *text* says it expected: the choices, and the nearest one.

    >>> expected("pos", ["positive", "negative"])
    "one of 'positive', 'negative' (did you mean 'positive'?)"
    """
    words = f"one of {quoted(choices)}{suggestion(text, choices)}"
    odd = next((char for char in text.strip(ASCII_WHITESPACE) if not char.isascii()), None)
    if odd is not None:
        words += f"; the value holds U+{ord(odd):04X}, which is not ASCII"
    return words


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """*count* and the noun in the form the count takes: ``1 row``, ``2 rows``.

    >>> plural(1, "row"), plural(1_500, "row"), plural(0, "column")
    ('1 row', '1,500 rows', '0 columns')
    """
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
