"""JSON Schema (draft 2020-12) generated from the attrs classes of the model.

The schema is read off the classes themselves, so it cannot drift from them:
field types give the JSON types, the validators give the constraints they
enforce (each records them with :func:`imnm._validators.with_schema`), the
class docstrings give the descriptions.  Types named in *by_id* are written as
the id of a catalog entity rather than as a nested object.
"""

from __future__ import annotations

import enum
import inspect
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

import attrs

from . import _validators as v
from ._docstrings import attribute_docs

__all__ = ["document_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def document_schema(
    cls: type,
    *,
    kind: str,
    version: int,
    by_id: Mapping[type, tuple[str, ...]],
) -> Schema:
    """The schema of a top-level *kind* document holding a *cls*.

    Args:
        cls: The attrs class the document holds.
        kind: The document's ``"kind"``.
        version: The current format version; the document may also carry
            any earlier one.
        by_id: Types written as an id, with the ids that exist.
    """
    defs: dict[str, Schema] = {}
    body = _object_schema(cls, by_id, defs)
    envelope: Schema = {
        "kind": {"description": "What the document holds.", "const": kind},
        "imnm_format": {
            "description": "The wire format version; absent means the current one.",
            "type": "integer",
            "minimum": 1,
            "maximum": version,
        },
    }
    schema: Schema = {
        "$schema": DRAFT,
        "$id": f"urn:imnm:format:{version}:{kind}",
        "title": f"imnm {kind} document (format {version})",
        **body,
        "properties": {**envelope, **body["properties"]},
    }
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _object_schema(
    cls: type, by_id: Mapping[type, tuple[str, ...]], defs: dict[str, Schema]
) -> Schema:
    attrs.resolve_types(cls)
    described = attribute_docs(cls)
    properties: Schema = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        prop: Schema = {"description": described[field.name]}
        prop.update(_value_schema(field.type, v.schema_of(field.validator), by_id, defs))
        if field.default is attrs.NOTHING:
            required.append(field.name)
        else:
            prop["default"] = _json_value(field.default)
        properties[field.name] = prop
    schema: Schema = {
        "description": _summary(cls),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _value_schema(
    tp: Any,
    constraints: Schema,
    by_id: Mapping[type, tuple[str, ...]],
    defs: dict[str, Schema],
) -> Schema:
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        (inner,) = (arg for arg in args if arg is not type(None))
        return {"anyOf": [_value_schema(inner, constraints, by_id, defs), {"type": "null"}]}
    if origin in (tuple, frozenset):
        item_constraints = constraints.pop("items", {})
        items = _value_schema(args[0], item_constraints, by_id, defs)
        return {"type": "array", "items": items, **constraints}
    if tp in by_id:
        return {"type": "string", "enum": list(by_id[tp]), **constraints}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [member.value for member in tp]}
    if attrs.has(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = _object_schema(tp, by_id, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    return {"type": _JSON_TYPES[tp], **constraints}


_JSON_TYPES = {str: "string", int: "integer", bool: "boolean"}


def _json_value(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _summary(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or cls.__name__).partition("\n")[0]
