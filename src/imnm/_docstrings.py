"""Reading the project's Google-style docstrings: one home for the JSON Schema and the CLI.

:mod:`imnm._schema` describes each field of a document from its class's
``Attributes:`` section; the command line's help describes each findings
option from the same section.
"""

from __future__ import annotations

import inspect
import itertools
import re

__all__ = ["attribute_docs"]

_ATTRIBUTE_LINE = re.compile(r" {4}(?P<name>\w+): (?P<text>.*)")


def attribute_docs(cls: type) -> dict[str, str]:
    """The Google-style ``Attributes:`` section of *cls*'s docstring, by name.

    Every field of a public class is documented there (the project's rule), so
    a field without an entry fails in the tests that regenerate the schemas.
    """
    lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
    start = lines.index("Attributes:") + 1
    section = itertools.takewhile(lambda line: not line or line.startswith(" "), lines[start:])
    docs: dict[str, str] = {}
    name = ""
    for line in section:
        match = _ATTRIBUTE_LINE.fullmatch(line)
        if match is not None:
            name = match["name"]
            docs[name] = match["text"]
        else:  # a continuation line
            docs[name] += " " + line
    return {name: " ".join(text.split()) for name, text in docs.items()}
