"""Griffe extension: each attribute of a class documented once, as a reader wants it.

imnm documents a class's attributes in its docstring's ``Attributes:`` section
(Google style), and attrs declares them as ``name: Type = attrs.field(...)``.
Left alone, mkdocstrings lists every attribute twice (in the section's table
and as a member), shows the ``attrs.field(validator=...)`` call as its value,
and labels a slotted field "class-attribute instance-attribute".  This extension makes each
documented attribute one member entry: its name and type, the section's line
of meaning as its docstring, closed by its default (taken from attrs at build
time, e.g. "Default: ``Serology.NOT_TESTED``."; none when required), and no
badge.  The section is then dropped from the class docstring, so nothing is
said twice.
"""

from __future__ import annotations

import enum
import importlib
from typing import Any

import attrs
import griffe

_SECTION = "Attributes:"


class AttributesOnce(griffe.Extension):
    """Move each class's ``Attributes:`` section onto its attribute members."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite every class of *pkg*, once it is loaded."""
        _visit(pkg)


def _visit(obj: griffe.Object) -> None:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            _rewrite(member)
        if isinstance(member, (griffe.Module, griffe.Class)):
            _visit(member)


def _rewrite(cls: griffe.Class) -> None:
    runtime = _runtime(cls)
    fields = (
        {field.name: field for field in attrs.fields(runtime)}
        if isinstance(runtime, type) and attrs.has(runtime)
        else {}
    )
    defaults: dict[str, str] = {}
    for name, member in cls.members.items():
        if name in fields and isinstance(member, griffe.Attribute):
            # The default goes into the meaning, so that it shows on every page
            # (a page may hide values: the criteria page hides its data tables).
            shown = _default(fields[name].default)
            if shown is not None:
                defaults[name] = f"Default: `{shown}`."
            member.value = None
            # attrs declares a field in the class body, so griffe labels it a class
            # attribute too: it is not one (slots), and a field needs no badge.
            member.labels.difference_update({"class-attribute", "instance-attribute"})
    init = cls.members.get("__init__")
    for member in cls.members.values():
        if isinstance(member, griffe.Attribute) and member.labels == {"instance-attribute"}:
            _from_init(member, init)
    if cls.docstring is None or not cls.docstring.value.strip():
        _add_defaults(cls, defaults)
        return
    documented = [
        item
        for section in cls.docstring.parse("google")
        if section.kind is griffe.DocstringSectionKind.attributes
        for item in section.value
    ]
    members = cls.members
    if not documented or not all(
        isinstance(members.get(item.name), griffe.Attribute) for item in documented
    ):
        _add_defaults(cls, defaults)
        return  # a section naming something else stays as it is
    for item in documented:
        member = cls.members[item.name]
        assert isinstance(member, griffe.Attribute)
        member.docstring = griffe.Docstring(
            item.description, parent=member, parser=cls.docstring.parser
        )
    cls.docstring.value = _without_section(cls.docstring.value)
    _add_defaults(cls, defaults)


def _add_defaults(cls: griffe.Class, defaults: dict[str, str]) -> None:
    for name, words in defaults.items():
        member = cls.members[name]
        if member.docstring is None:
            member.docstring = griffe.Docstring(words, parent=member)  # type: ignore[arg-type]
        else:
            member.docstring.value = f"{member.docstring.value.rstrip()} {words}"


def _from_init(member: griffe.Attribute, init: object) -> None:
    """An attribute set in ``__init__`` (``self.field = field``): the parameter's type, no value."""
    value = member.value
    if isinstance(value, griffe.ExprName) and isinstance(init, griffe.Function):
        parameter = init.parameters[value.name] if value.name in init.parameters else None  # noqa: SIM401 - Parameters has no get()
        if member.annotation is None and parameter is not None:
            member.annotation = parameter.annotation
    member.value = None


def _runtime(cls: griffe.Class) -> object:
    """The class itself, imported (None if it cannot be)."""
    try:
        found: object = importlib.import_module(cls.module.path)
        for part in cls.path.removeprefix(cls.module.path + ".").split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return found


def _default(default: object) -> str | None:
    """The default as a reader writes it, or None when the field is required."""
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        name = getattr(default.factory, "__name__", "_")  # type: ignore[attr-defined]
        if default.takes_self or name.startswith("_"):  # type: ignore[attr-defined]
            return None  # computed from the other fields: the meaning says how
        return f"{name}()"
    if isinstance(default, enum.Enum):
        return f"{type(default).__name__}.{default.name}"
    return repr(default)


def _without_section(text: str) -> str:
    """*text* without its ``Attributes:`` section (the heading and its indented lines)."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.strip() == _SECTION and not line[:1].isspace():
            skipping = True
            continue
        if skipping and (not line.strip() or line[:1].isspace()):
            continue
        if skipping and kept and kept[-1].strip():
            kept.append("")
        skipping = False
        kept.append(line)
    return "\n".join(kept).rstrip()
