"""The ``imnm`` command line (needs the ``cli`` extra: ``pip install "imnm[cli]"``).

This package imports click and rich only when :func:`main` runs, so the
library never depends on them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_MISSING_EXTRA = 'imnm: the command line needs the "cli" extra: pip install "imnm[cli]"\n'


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``imnm`` command with *argv* (default: ``sys.argv[1:]``) and exit.

    Prints a one-line message and exits with status 1 when click or rich is
    not installed.
    """
    try:
        from ._app import cli
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in {"click", "rich"}:
            raise
        sys.stderr.write(_MISSING_EXTRA)
        raise SystemExit(1) from None
    cli.main(args=argv, prog_name="imnm")
