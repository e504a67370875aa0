"""Record imnm's public API in a text file, and check the code against it.

The public API is every name in ``__all__`` of every public module (a module
whose dotted name has no part that starts with an underscore), and the wire
format's JSON Schemas (``imnm/schemas/*.json``, read from the imported
package).  Each line of the snapshot is one fact, and the lines are sorted, so a
change to the API shows as a short, readable diff.

Usage (from the repository root, in the dev environment)::

    python tools/api_snapshot.py            # compare with the snapshot; exit 1 on a change
    python tools/api_snapshot.py --update   # rewrite the snapshot from the code
    python tools/api_snapshot.py --print    # write the current surface to stdout

This file is a development tool: it is not part of the shipped package.
"""

from __future__ import annotations

import argparse
import difflib
import enum
import hashlib
import importlib
import importlib.resources
import inspect
import json
import pkgutil
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from imnm._deprecation import DeprecatedNames

PACKAGE = "imnm"
SNAPSHOT = Path(__file__).resolve().parents[1] / "tests" / "api" / "public_api.txt"
UPDATE_COMMAND = "python tools/api_snapshot.py --update"

# A constant whose canonical form is longer than this is recorded by digest:
# the line still changes when the value does, without pasting the catalog.
_INLINE_LIMIT = 120
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_DEPRECATED = ": deprecated, use "

INSTRUCTIONS = f"""\
The public API of {PACKAGE} changed (lines starting with '-' are in the committed
snapshot, lines starting with '+' are in the code).

If the change is intended:
  1. Run `{UPDATE_COMMAND}` and commit tests/api/public_api.txt.
  2. Record it in CHANGELOG.md under ## Unreleased, with the heading it belongs to:
     - Added: a new name, parameter with a default, field with a default, enum member
       or optional schema property -> minor release.
     - Changed: a different signature, type, default, value or schema -> major release
       if existing callers or documents break, minor otherwise; a change of the
       catalog's medical content ("content sha256") is at least a minor release.
     - Deprecated: a name that still works but warns (imnm._deprecation) -> minor release.
     - Removed / renamed: a major release, and only after one release in which the old
       name raised a DeprecationWarning pointing to its replacement.
  3. If a "schema" line changed other than a description, the wire format changed: run
     `python tools/format_fingerprint.py` and do what it says (a released format version
     needs a new serialize.FORMAT_VERSION, an upgrade step and golden files; see
     "Changing the format" in docs/wire-format.md).
See "Versioning and stability" in README.md.
"""


class SnapshotError(Exception):
    """The public surface cannot be read (a module fails to import, lacks ``__all__``...)."""


def public_modules() -> list[ModuleType]:
    """Import and return every public module of the package, sorted by name.

    Raises:
        SnapshotError: A public module cannot be imported (for example because
            an optional dependency is missing) or has no ``__all__``.
    """
    root = _import(PACKAGE)
    names = [PACKAGE]

    def walk_error(name: str) -> None:
        raise SnapshotError(_import_failure(name, sys.exc_info()[1]))

    for info in pkgutil.walk_packages(root.__path__, PACKAGE + ".", onerror=walk_error):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    modules = [_import(name) for name in sorted(names)]
    for module in modules:
        if not isinstance(getattr(module, "__all__", None), list | tuple):
            raise SnapshotError(f"public module {module.__name__} has no __all__")
    return modules


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as error:
        raise SnapshotError(_import_failure(name, error)) from error


def _import_failure(name: str, error: BaseException | None) -> str:
    return (
        f"cannot import public module {name} ({type(error).__name__}: {error}); the API "
        f"snapshot needs every optional dependency: pip install -e '.[dev]' and every extra"
    )


def surface() -> list[str]:
    """The public API, one sorted line per fact."""
    modules = public_modules()
    homes = {module.__name__: frozenset(module.__all__) for module in modules}
    lines: list[str] = []
    for module in modules:
        for name in module.__all__:
            lines += _describe_export(module, name, homes)
        lines += _deprecated(module)
    lines += _schema_lines()
    return sorted(lines, key=_by_path)


def _by_path(line: str) -> tuple[list[str], str]:
    # Part by part, so that a class comes just before its members.
    return _path(line).split("."), line


def _path(line: str) -> str:
    return re.split(r"[:= ]", line, maxsplit=1)[0]


def render() -> str:
    """The snapshot file's text."""
    return "".join(line + "\n" for line in surface())


def _describe_export(module: ModuleType, name: str, homes: dict[str, frozenset[str]]) -> list[str]:
    path = f"{module.__name__}.{name}"
    try:
        obj = getattr(module, name)
    except AttributeError:
        return [f"{path}: MISSING (listed in __all__ but not defined)"]
    if inspect.ismodule(obj):
        return [f"{path}: module {obj.__name__}"]
    home = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if (
        (inspect.isclass(obj) or inspect.isfunction(obj))
        and home != module.__name__
        and qualname in homes.get(str(home), frozenset())
    ):
        # Re-exported: described once, where it is defined.
        return [f"{path}: same as {home}.{qualname}"]
    if inspect.isclass(obj):
        return _describe_class(path, obj)
    if callable(obj):
        return [f"{path}: function {_signature(obj)}"]
    return [f"{path}: {_describe_constant(module, name, obj)}"]


def _deprecated(module: ModuleType) -> list[str]:
    served = vars(module).get("__getattr__")
    if not isinstance(served, DeprecatedNames):
        return []
    return [
        f"{module.__name__}.{name}{_DEPRECATED}{replacement}"
        for name, (_, replacement) in served.names.items()
    ]


def _describe_class(path: str, cls: type) -> list[str]:
    if issubclass(cls, enum.Enum):
        lines = [f"{path}: enum"]
        lines += [f"{path}.{name} = {member.value!r}" for name, member in cls.__members__.items()]
        return lines + _members(path, cls, skip=frozenset(cls.__members__))
    bases = ", ".join(base.__qualname__ for base in cls.__bases__ if base is not object)
    bases = f"({bases})" if bases else ""
    if attrs.has(cls):
        fields = attrs.fields(cls)
        lines = [f"{path}: attrs class{bases}"]
        for index, field in enumerate(fields):
            where = "keyword" if field.kw_only else f"position {index}"
            default = "" if field.default is attrs.NOTHING else f" = {_value(field.default)}"
            annotation = _declared(cls, field.name, field.type)
            lines.append(f"{path}.{field.name}: field ({where}) {_type(annotation)}{default}")
        return lines + _members(path, cls, skip=frozenset(f.name for f in fields))
    return [f"{path}: class{bases}", *_members(path, cls, skip=frozenset(), init=True)]


def _declared(cls: type, name: str, fallback: object) -> object:
    # The annotation as written: attrs.resolve_types() (which cattrs and tests
    # may call) replaces Attribute.type with the class it names, in place.
    for owner in cls.__mro__:
        annotations = vars(owner).get("__annotations__", {})
        if name in annotations:
            return annotations[name]
    return fallback


def _members(path: str, cls: type, *, skip: frozenset[str], init: bool = False) -> list[str]:
    """Public methods and properties that the package defines on *cls* or its bases."""
    lines: list[str] = []
    seen = set(skip)
    for owner in cls.__mro__:
        if owner.__module__.partition(".")[0] != PACKAGE:
            continue
        for name, raw in vars(owner).items():
            public = not name.startswith("_") or (init and name == "__init__")
            if not public or name in seen:
                continue
            seen.add(name)
            if isinstance(raw, property):
                returns = inspect.signature(raw.fget).return_annotation if raw.fget else None
                lines.append(f"{path}.{name}: property -> {_type(returns)}")
            elif isinstance(raw, classmethod | staticmethod):
                kind = type(raw).__name__
                lines.append(f"{path}.{name}: {kind} {_signature(raw.__func__)}")
            elif inspect.isfunction(raw):
                lines.append(f"{path}.{name}: method {_signature(raw)}")
            else:
                lines.append(f"{path}.{name}: attribute {type(raw).__qualname__}")
    return lines


class _Text(str):
    """A string that inspect prints without quotes (annotations, default values)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _signature(func: Any) -> str:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return "(signature not available)"
    empty = inspect.Parameter.empty
    parameters = [
        parameter.replace(
            annotation=empty
            if parameter.annotation is empty
            else _Text(_type(parameter.annotation)),
            default=empty if parameter.default is empty else _Text(_value(parameter.default)),
        )
        for parameter in signature.parameters.values()
    ]
    returns = signature.return_annotation
    return str(
        signature.replace(
            parameters=parameters,
            return_annotation=returns if returns is empty else _Text(_type(returns)),
        )
    )


def _type(annotation: object) -> str:
    # Modules use `from __future__ import annotations`, so annotations are the
    # source text; anything else is formatted the way inspect does.
    if annotation is None or annotation is inspect.Signature.empty:
        return "None" if annotation is None else "(not annotated)"
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _value(value: object) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    factory = getattr(value, "factory", None) if isinstance(value, attrs.Factory) else None  # type: ignore[arg-type]
    if factory is not None:
        return f"Factory({getattr(factory, '__qualname__', repr(factory))})"
    return _ADDRESS.sub("", repr(value))


def _describe_constant(module: ModuleType, name: str, value: object) -> str:
    declared = getattr(module, "__annotations__", {}).get(name)
    kind = _type(declared) if declared is not None else type(value).__qualname__
    if name == "__version__":
        return f"constant {kind} (the version from the package metadata)"
    canonical = json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False)
    if len(canonical) <= _INLINE_LIMIT:
        return f"constant {kind} = {canonical}"
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return f"constant {kind}, content sha256 {digest}"


def _canonical(value: object) -> object:
    """A JSON-able form of *value* that does not depend on hash order or addresses."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return _value(value)
    if attrs.has(type(value)):
        fields = {f.name: _canonical(getattr(value, f.name)) for f in attrs.fields(type(value))}  # type: ignore[arg-type]
        return {"__class__": type(value).__qualname__, **fields}
    if isinstance(value, tuple | list):
        return [_canonical(item) for item in value]
    if isinstance(value, frozenset | set):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, Mapping):
        return {str(_canonical(key)): _canonical(item) for key, item in value.items()}
    return _value(value)


def _schema_lines() -> list[str]:
    folder = importlib.resources.files(PACKAGE).joinpath("schemas")
    if not folder.is_dir():
        return []
    lines: list[str] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            document = json.loads(entry.read_text(encoding="utf-8"))
            lines += [
                f"schema {entry.name} {pointer} = {leaf}" for pointer, leaf in _leaves(document)
            ]
    return lines


def _leaves(node: object, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every scalar of a JSON document with its JSON Pointer; empty containers too."""
    if isinstance(node, dict) and node:
        for key, item in node.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield from _leaves(item, f"{pointer}/{escaped}")
    elif isinstance(node, list) and node:
        for index, item in enumerate(node):
            yield from _leaves(item, f"{pointer}/{index}")
    else:
        yield pointer or "/", json.dumps(node, ensure_ascii=False)


def difference(committed: str, current: str) -> str:
    """A unified diff from the committed snapshot to the current surface ("" if equal)."""
    return "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile="committed snapshot (tests/api/public_api.txt)",
            tofile="current code",
            n=0,
        )
    )


def removed_without_deprecation(committed: str, current: str) -> list[str]:
    """Public paths that *current* drops although *committed* did not deprecate them.

    A removed class is listed once, without its members; schemas are left out
    (the wire format has its own rules).
    """
    before = {
        _path(line): line for line in committed.splitlines() if not line.startswith("schema ")
    }
    after = {_path(line) for line in current.splitlines()}
    gone = {path for path, line in before.items() if path not in after and _DEPRECATED not in line}
    return sorted(path for path in gone if path.rpartition(".")[0] not in gone)


def report(committed: str, current: str) -> str:
    """What changed from *committed* to *current*, and what to do about it ("" if nothing)."""
    diff = difference(committed, current)
    if not diff:
        return ""
    removed = removed_without_deprecation(committed, current)
    if removed:
        diff += "\nRemoved without a release of DeprecationWarning first (a major change):\n"
        diff += "".join(f"  {path}\n" for path in removed)
    return f"{diff}\n{INSTRUCTIONS}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--update", action="store_true", help="rewrite the snapshot")
    action.add_argument("--print", action="store_true", help="print the current surface")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="snapshot file")
    options = parser.parse_args(argv)
    try:
        current = render()
    except SnapshotError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if options.print:
        sys.stdout.write(current)
        return 0
    if options.update:
        options.snapshot.parent.mkdir(parents=True, exist_ok=True)
        options.snapshot.write_text(current, encoding="utf-8")
        print(f"wrote {options.snapshot} ({current.count(chr(10))} lines)")
        return 0
    committed = options.snapshot.read_text(encoding="utf-8") if options.snapshot.exists() else ""
    changes = report(committed, current)
    if changes:
        sys.stdout.write(changes)
        return 1
    print(f"the public API matches {options.snapshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
