"""How a command prints one result: the output styles and their registries.

A :class:`Style` pairs an exporter (a result to Markdown text or to a JSON
document) with how its product is printed.  :data:`CLASSIFY_STYLES` is the one
``{style: exporter}`` map of ``imnm classify`` and :data:`SHOW_STYLES` that of
``imnm show``: their ``--format`` choices, the ``--json``/``--markdown``
short forms and the options that only some styles take are all derived from
these maps, so a new style is one entry.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from .. import catalog, serialize
from ..classifier import Classification
from ..criteria import CRITERIA
from . import _render

__all__ = [
    "CLASSIFY_STYLES",
    "SHOW_STYLES",
    "TOPICS",
    "Medium",
    "Options",
    "Style",
    "json_text",
]

T = TypeVar("T")

#: The values of the command's style-dependent options, by parameter name.
Options = Mapping[str, Any]


class Medium(enum.Enum):
    """How an exporter's product is printed."""

    #: Markdown text, rendered for the terminal.
    TERMINAL = "terminal"
    #: Markdown text, printed as it is.
    MARKDOWN = "markdown"
    #: A JSON document, indented or compact (see :func:`json_text`).
    JSON = "json"


@attrs.frozen(kw_only=True)
class Style(Generic[T]):
    """One way to print a command's result.

    Attributes:
        export: The result and the command's options to Markdown text (for
            the Markdown media) or to a JSON document (for :attr:`Medium.JSON`).
        medium: How the product is printed.
        options: The parameter names of the style-dependent options this
            style reads; the command refuses them with any other style.
    """

    export: Callable[[T, Options], Any]
    medium: Medium
    options: frozenset[str] = frozenset()

    @property
    def accepts(self) -> frozenset[str]:
        """The style-dependent options it takes: its own, and ``indent`` for JSON."""
        return self.options | ({"indent"} if self.medium is Medium.JSON else frozenset())


def json_text(document: object, *, indent: bool) -> str:
    """*document* as JSON text: indented by two spaces, or compact on one line.

    The compact form is the wire format's own (:func:`imnm.serialize.dumps`).
    """
    if indent:
        return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=2)
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _markdown(result: Classification, options: Options) -> str:
    return _render.classification_markdown(result)


def _wire(result: Classification, options: Options) -> dict[str, Any]:
    return serialize.to_dict(result)


def _phenopacket(result: Classification, options: Options) -> dict[str, Any]:
    from ..interop.phenopacket import to_phenopacket

    created: dt.datetime | None = options["created"]
    # The command line is the edge where reading the clock belongs.
    when = dt.datetime.now(dt.timezone.utc) if created is None else created
    when = when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
    return to_phenopacket(result.findings, result, subject_id=options["subject_id"], created=when)


def _fhir(result: Classification, options: Options) -> dict[str, Any]:
    from ..interop.fhir import to_fhir_condition

    return to_fhir_condition(
        result.findings, result, patient_reference=options["patient_reference"]
    )


def _fhir_observation(result: Classification, options: Options) -> dict[str, Any]:
    from ..interop.fhir import to_fhir_observation

    return to_fhir_observation(
        result.findings, result, patient_reference=options["patient_reference"]
    )


#: The output styles of ``imnm classify``; text is the default.
CLASSIFY_STYLES: Mapping[str, Style[Classification]] = {
    "text": Style(export=_markdown, medium=Medium.TERMINAL),
    "markdown": Style(export=_markdown, medium=Medium.MARKDOWN),
    "json": Style(export=_wire, medium=Medium.JSON),
    "phenopacket": Style(
        export=_phenopacket, medium=Medium.JSON, options=frozenset({"subject_id", "created"})
    ),
    "fhir": Style(export=_fhir, medium=Medium.JSON, options=frozenset({"patient_reference"})),
    "fhir-observation": Style(
        export=_fhir_observation, medium=Medium.JSON, options=frozenset({"patient_reference"})
    ),
}

_COLLECTIONS: dict[str, tuple[object, ...]] = {
    "complications": catalog.COMPLICATIONS,
    "criteria": CRITERIA,
    "references": catalog.REFERENCES,
}
#: The topics of ``imnm show``: the subtype ids, then the collections.
TOPICS = (*(subtype.id for subtype in catalog.SUBTYPES), *_COLLECTIONS)


def _topic_markdown(topic: str | None, options: Options) -> str:
    if topic is None:
        return _render.disease_markdown(catalog.IMNM)
    if topic == "complications":
        return _render.complications_markdown(catalog.IMNM)
    if topic == "criteria":
        return _render.criteria_markdown()
    if topic == "references":
        return _render.references_markdown(catalog.REFERENCES)
    return _render.subtype_markdown(catalog.get_subtype(topic))


def _topic_wire(topic: str | None, options: Options) -> object:
    if topic in _COLLECTIONS:
        return [serialize.to_dict(item) for item in _COLLECTIONS[topic]]
    return serialize.to_dict(catalog.IMNM if topic is None else catalog.get_subtype(topic))


#: The output styles of ``imnm show`` (a topic, or None for everything); text is the default.
SHOW_STYLES: Mapping[str, Style[str | None]] = {
    "text": Style(export=_topic_markdown, medium=Medium.TERMINAL),
    "markdown": Style(export=_topic_markdown, medium=Medium.MARKDOWN),
    "json": Style(export=_topic_wire, medium=Medium.JSON),
}
