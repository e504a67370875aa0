"""pyarrow, imported when a feature first needs it (the ``parquet`` extra)."""

from __future__ import annotations

from typing import Any

from .errors import MissingExtra

__all__ = ["modules"]


def modules() -> tuple[Any, Any]:
    """The ``pyarrow`` and ``pyarrow.parquet`` modules.

    Raises:
        MissingExtra: pyarrow is not installed.
    """
    try:
        import pyarrow
        import pyarrow.parquet
    except ModuleNotFoundError as error:
        raise MissingExtra("pyarrow", "parquet") from error
    return pyarrow, pyarrow.parquet
