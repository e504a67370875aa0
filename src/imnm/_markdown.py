"""Markdown text: one home for escaping, headings and tables.

The command line's renderer (:mod:`imnm.cli._render`) and the documentation
site's hook (``docs/hooks/imnm_pages.py``) both write Markdown from the
library's data; both escape and lay out tables here, so the two cannot drift.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["escape", "heading", "table"]

# Characters that would start Markdown syntax inside running text or a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape(text: str) -> str:
    r"""*text* with every character that Markdown could read as syntax escaped (table cells too).

    Examples:
        >>> print(escape("a | b_c"))
        a \| b\_c
    """
    return _SPECIAL.sub(r"\\\1", text)


def heading(level: int, text: str) -> str:
    """An ATX heading of *level* (1 for ``#``)."""
    return f"{'#' * level} {text}"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """The lines of a pipe table whose cells are Markdown already (see :func:`escape`)."""
    names = tuple(header)
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines
