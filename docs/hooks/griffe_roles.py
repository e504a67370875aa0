"""Griffe extension: render the Sphinx roles of imnm's docstrings as API links.

The docstrings cross-reference in the style of attrs and packaging
(``:class:`~imnm.Findings```, ``:func:`get_subtype```).  mkdocstrings renders
docstrings as Markdown, where those roles would show up verbatim; this turns
each into a code span linked to the object's page (``[`Findings`][imnm.findings.Findings]``),
or a plain code span for a name outside imnm.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod):`(?P<tilde>~?)(?P<target>[\w.]+)`")


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx cross-reference roles in every docstring of a package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of *pkg* and everything in it, once it is loaded."""
        _rewrite(pkg, pkg)


def _rewrite(obj: griffe.Object, pkg: griffe.Module) -> None:
    if obj.docstring is not None:
        obj.docstring.value = _ROLE.sub(lambda m: _link(m, obj, pkg), obj.docstring.value)
    for member in obj.members.values():
        if not member.is_alias:
            _rewrite(member, pkg)  # type: ignore[arg-type]


def _link(match: re.Match[str], obj: griffe.Object, pkg: griffe.Module) -> str:
    target = match["target"]
    shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
    path = _canonical(target, obj, pkg)
    return f"[`{shown}`][{path}]" if path is not None else f"`{shown}`"


def _canonical(target: str, obj: griffe.Object, pkg: griffe.Module) -> str | None:
    """The documented path of *target* as seen from *obj*, or None outside the package."""
    try:
        if target == pkg.name or target.startswith(pkg.name + "."):
            found = pkg if target == pkg.name else pkg[target.removeprefix(pkg.name + ".")]
        else:
            found = pkg[obj.resolve(target).removeprefix(pkg.name + ".")]
    except (KeyError, griffe.NameResolutionError):
        return None
    # An alias is a re-export (imnm.Findings); its target is where it is documented.
    if isinstance(found, griffe.Alias):
        return found.final_target.path
    path: str = found.path
    return path
