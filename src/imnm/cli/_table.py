"""The complete decision table: every combination of findings and its classification.

The classifier's input space is finite (:data:`imnm.findings.COMBINATIONS`), so its whole
behaviour fits in one table.  Joined on the field columns, the table
classifies any number of rows in SQL, DuckDB, Polars or Spark without calling
Python per row.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ..classifier import classify
from ..findings import Findings
from ._fields import FIELDS

__all__ = ["TABLE_COLUMNS", "decision_table"]

#: The table's columns: the fields of :class:`imnm.Findings`, then the result.
TABLE_COLUMNS: tuple[str, ...] = (*(field.name for field in FIELDS), "subtype", "criteria")


def decision_table() -> Iterator[tuple[str | None, ...]]:
    """Every combination of findings with its subtype id (or None) and criteria status.

    The order is stable: :func:`itertools.product` over the fields in the order
    of :class:`imnm.Findings` (``anti_srp`` varies slowest), each field's values
    in the order of its enum (e.g. positive, negative, not_tested).

    Yields:
        One row of :data:`TABLE_COLUMNS` per combination, as wire values.
    """
    names = [field.name for field in FIELDS]
    for values in itertools.product(*(field.enum_type for field in FIELDS)):
        known: dict[str, Any] = dict(zip(names, values, strict=True))
        result = classify(Findings(**known))
        subtype = None if result.subtype is None else result.subtype.id
        yield (*(str(value.value) for value in values), subtype, result.criteria.value)
