"""Deprecating a public name: it keeps working for one release, with a warning.

A public name is removed or renamed only in a major release, after one release
in which using it raises a :class:`DeprecationWarning` that names its
replacement (see "Versioning and stability" in README.md).  To deprecate
``old`` in favour of ``new``, take ``old`` out of the module's ``__all__``
and add, after ``new`` is defined::

    __getattr__ = DeprecatedNames(__name__, {"old": (new, "imnm.new")})

``tools/api_snapshot.py`` records every deprecated name, so dropping one later
shows in the API snapshot like any other removal.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import attrs

__all__ = ["DeprecatedNames"]


@attrs.frozen
class DeprecatedNames:
    """A module ``__getattr__`` (PEP 562) that serves deprecated names with a warning.

    Attributes:
        module: The module's ``__name__``.
        names: Each deprecated name, mapped to the object it still returns and
            the dotted name of its replacement.
    """

    module: str
    names: Mapping[str, tuple[object, str]]

    def __call__(self, name: str) -> object:
        """The object behind deprecated *name*, after a :class:`DeprecationWarning`.

        Raises:
            AttributeError: *name* is not deprecated (so it does not exist).
        """
        try:
            value, replacement = self.names[name]
        except KeyError:
            raise AttributeError(f"module {self.module!r} has no attribute {name!r}") from None
        warnings.warn(
            f"{self.module}.{name} is deprecated and will be removed in the next major "
            f"release; use {replacement} instead",
            DeprecationWarning,
            # 2: the frame that used the name, as Python calls __getattr__ from C.
            stacklevel=2,
        )
        return value
