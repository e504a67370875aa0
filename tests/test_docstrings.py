"""Every public name of imnm has a docstring, so the API reference documents it.

Read statically with griffe (the reader mkdocstrings uses), which also sees the
docstrings of module-level constants that ``__doc__`` cannot hold.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Reads files of the repository checkout, which an installed wheel does not have.
pytestmark = pytest.mark.source_tree

SRC = Path(__file__).resolve().parents[1] / "src"


def public_objects() -> Iterator[tuple[str, bool]]:
    """(path, has a docstring) of every name a public module exports, and their methods."""
    import griffe

    package = griffe.load("imnm", search_paths=[str(SRC)])
    modules = [package, *(m for m in package.modules.values() if not m.name.startswith("_"))]
    for module in modules:
        for name in sorted(str(export) for export in module.exports or ()):
            member = module.members[name]
            if member.is_alias:
                continue  # a re-export: checked where it is defined
            yield member.path, bool(member.docstring and member.docstring.value.strip())
            if not member.is_class:
                continue
            for child in member.members.values():
                if not child.is_alias and child.is_function and not child.name.startswith("_"):
                    yield child.path, bool(child.docstring and child.docstring.value.strip())


def test_every_public_name_has_a_docstring(require: Callable[[bool, str], None]) -> None:
    require(importlib.util.find_spec("griffe") is not None, "griffe is not installed")
    found = dict(public_objects())
    assert "imnm.classifier.classify" in found  # the walk reached the modules
    assert [path for path, documented in found.items() if not documented] == []
