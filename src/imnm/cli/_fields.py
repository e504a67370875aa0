"""The fields of :class:`imnm.Findings` as text: names, wire values, parsing.

The command line reads findings from options, CSV cells and the decision table;
all of them go through :data:`FIELDS` and :func:`findings_from_cells`, so the
field order and the meaning of an empty cell are defined once.
"""

from __future__ import annotations

import enum
import functools
import types
from collections.abc import Mapping
from typing import Any, cast

import attrs

from ..errors import InvalidValue
from ..findings import Findings
from ._words import ASCII_WHITESPACE, expected, fold

__all__ = ["FIELDS", "Field", "findings_from_cells"]


@attrs.frozen(kw_only=True)
class Field:
    """One field of :class:`imnm.Findings`.

    Attributes:
        name: The attribute name, which is also the CSV column and JSON key.
        default: The value that means "not known" (the field's default).
    """

    name: str
    default: enum.Enum
    # The members by wire value, for parse: one dictionary look-up.
    _members: Mapping[str, enum.Enum] = attrs.field(init=False, repr=False, eq=False)

    @_members.default
    def _members_by_value(self) -> Mapping[str, enum.Enum]:
        return types.MappingProxyType({str(m.value): m for m in type(self.default)})

    @property
    def enum_type(self) -> type[enum.Enum]:
        """The enum whose wire values the field takes."""
        return type(self.default)

    @property
    def values(self) -> tuple[str, ...]:
        """The field's wire values, in the enum's order."""
        return tuple(str(member.value) for member in self.enum_type)

    @property
    def option(self) -> str:
        """The command-line option for the field, e.g. ``"--anti-srp"``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> enum.Enum:
        """The member whose wire value *text* is, by the command line's rule.

        The rule (:func:`imnm.cli._words.fold`): ASCII whitespace around the
        value and the case of ASCII letters do not matter.

        Raises:
            InvalidValue: *text* is none of the field's wire values; the reason
                lists them and names the nearest.
        """
        member = self._members.get(fold(text))
        if member is None:
            reason = f"must be {expected(text, self.values)}"
            raise InvalidValue(self.name, text, reason)
        return member


#: The fields of :class:`imnm.Findings`, in declaration order.
FIELDS: tuple[Field, ...] = tuple(
    Field(name=attribute.name, default=cast(enum.Enum, attribute.default))
    for attribute in attrs.fields(Findings)
)


# Batch inputs repeat a few combinations many times: caching the parse of a
# row's raw cells leaves one dictionary look-up per row.  The bound keeps
# memory constant when cells vary only in spacing.
@functools.lru_cache(maxsize=8192)
def findings_from_cells(cells: tuple[str | None, ...]) -> Findings:
    """The findings that a row of text cells, one per field of :data:`FIELDS`, describes.

    A missing (``None``) or blank cell (nothing but ASCII whitespace) means
    the field is not known.

    Raises:
        InvalidValue: A cell holds none of its field's wire values; the error
            names the field and the value.
    """
    known: dict[str, Any] = {
        field.name: field.parse(cell)
        for field, cell in zip(FIELDS, cells, strict=True)
        if cell is not None and cell.strip(ASCII_WHITESPACE)
    }
    return Findings(**known)
