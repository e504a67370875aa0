"""Look-up by id over a fixed tuple of catalog items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from .errors import UnknownId


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def by_id(kind: str, items: tuple[_T, ...]) -> Callable[[str], _T]:
    """A function that returns the item of *items* with a given id.

    The function raises :class:`imnm.UnknownId`, naming *kind* and the valid
    ids, for any other id (an unhashable one included).
    """
    index = {item.id: item for item in items}
    valid = tuple(sorted(index))

    def get(id: str) -> _T:  # noqa: A002 - "id" is the word users know
        try:
            return index[id]
        except (KeyError, TypeError):
            raise UnknownId(kind, id, valid) from None

    get.__name__ = f"get_{kind}"
    get.__qualname__ = get.__name__
    get.__doc__ = f"""The {kind} with this id.

    Raises:
        UnknownId: No {kind} has that id; the message lists the valid ids.
    """
    return get
