"""The "Try it" page: the classifier's answers as a data asset, and the form that reads them.

The page never re-implements a rule.  At build time :func:`enmc_data` runs
:func:`imnm.classify` on every combination of :class:`imnm.Findings` and writes
the results, in the library's own wire format, into one JSON asset that the
page's script (``docs/assets/try-it/try-it.js``) looks answers up in.
:func:`check_enmc` then decodes the asset the way the script does and proves,
combination by combination, that :func:`imnm.serialize.loads` reads back a
classification equal to :func:`imnm.classify`'s; the build fails otherwise.

The asset stays small by hash-consing: every distinct string, number, list and
object of the wire documents is stored once in ``nodes``; a list or object node
holds the indices of its items (a number inside one is always such an index; a
node that is itself a number is that number), and ``results`` holds one node
index per combination.  A combination's position
is the mixed-radix number of its values' positions in ``fields``, the first
field most significant.

The form (:func:`enmc_form`) is generated from the same :func:`fields`, whose
labels are the attribute docstrings of :class:`imnm.Findings` and of its enums.
This module is build tooling beside ``imnm_pages.py``; it is not a page.
"""

from __future__ import annotations

import enum
import functools
import html
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

import attrs
import griffe

from imnm import Classification, Findings, catalog, classify, criteria, serialize
from imnm.classifier import CriteriaStatus
from imnm.errors import InvalidPayload
from imnm.model import Reference

__all__ = [
    "COMMON_SCRIPT",
    "ENMC_ASSET",
    "SCRIPT",
    "STYLESHEET",
    "Choice",
    "Field",
    "attribute_labels",
    "check_enmc",
    "choices",
    "data_attributes",
    "decode",
    "document_header",
    "enmc_data",
    "enmc_form",
    "enum_fields",
    "fields",
    "fieldset",
    "findings_at",
    "widget",
]

ENMC_ASSET = "assets/try-it/enmc.json"
"""Where the built site serves the ENMC data, relative to the site root."""
COMMON_SCRIPT = "assets/try-it/try-it-common.js"
"""The script both "Try it" pages share (hand-written, static, in ``docs/``)."""
SCRIPT = "assets/try-it/try-it.js"
"""The page's script (hand-written, static, in ``docs/``)."""
STYLESHEET = "assets/try-it/try-it.css"
"""The page's styles (hand-written, static, in ``docs/``)."""

#: A JSON value as :mod:`json` reads it.
Json = Any


@attrs.frozen
class Choice:
    """One value a finding can take, as the form shows it.

    Attributes:
        value: The wire value, e.g. ``"not_tested"``.
        label: The value in words, e.g. ``"not tested"``.
        hint: The enum member's docstring, if it has one.
    """

    value: str
    label: str
    hint: str | None


@attrs.frozen
class Field:
    """One field of :class:`imnm.Findings`, as the form shows it.

    Attributes:
        name: The attribute name, also the wire key and the URL parameter.
        label: The attribute's docstring (``Attributes:`` section), without its full stop.
        choices: The enum's members, in order.
        default: The wire value of the field's default.
    """

    name: str
    label: str
    choices: tuple[Choice, ...]
    default: str


def _words(value: str) -> str:
    # "non_necrotizing" is one word with a prefix; "not_tested" is two words.
    return value.replace("non_", "non-").replace("_", " ")


def _docstring(obj: griffe.Object | griffe.Alias) -> str | None:
    return None if obj.docstring is None else " ".join(obj.docstring.value.split())


def attribute_labels(cls: type) -> dict[str, str]:
    """The descriptions of *cls*' ``Attributes:`` docstring section, by name, without full stops."""
    docstring = griffe.load(cls.__module__)[cls.__name__].docstring
    assert docstring is not None, f"{cls.__name__} has a docstring (tests/test_docstrings.py)"
    return {
        attribute.name: " ".join(attribute.description.split()).removesuffix(".")
        for section in docstring.parse("google")
        if section.kind is griffe.DocstringSectionKind.attributes
        for attribute in section.value
    }


def choices(enum_type: type[enum.Enum]) -> tuple[Choice, ...]:
    """The members of *enum_type* as the form shows them, hints from their docstrings."""
    members = griffe.load(enum_type.__module__)[enum_type.__name__].members
    return tuple(
        Choice(
            value=str(member.value),
            label=_words(str(member.value)),
            hint=_docstring(members[member.name]),
        )
        for member in enum_type
    )


def enum_fields(cls: type) -> tuple[Field, ...]:
    """The enum-valued fields of the attrs class *cls*, in order, labelled from docstrings."""
    labels = attribute_labels(cls)
    result = []
    for attribute in attrs.fields(attrs.resolve_types(cls)):
        enum_type = attribute.type
        if not (isinstance(enum_type, type) and issubclass(enum_type, enum.Enum)):
            continue
        result.append(
            Field(
                name=attribute.name,
                label=labels[attribute.name],
                choices=choices(enum_type),
                default=str(cast("enum.Enum", attribute.default).value),
            )
        )
    return tuple(result)


def document_header(cls: type) -> dict[str, Json]:
    """The wire document of *cls*' defaults, less its fields: ``kind`` and ``imnm_format``."""
    names = {attribute.name for attribute in attrs.fields(cls)}
    document: dict[str, Json] = json.loads(serialize.dumps(cls()))
    return {key: value for key, value in document.items() if key not in names}


@functools.cache
def fields() -> tuple[Field, ...]:
    """The fields of :class:`imnm.Findings`, in declaration order, labelled from docstrings."""
    return enum_fields(Findings)


def _fields_json() -> list[Json]:
    # Through JSON, as the asset is read: tuples become lists.
    return list(json.loads(json.dumps([attrs.asdict(field) for field in fields()])))


def _all_findings() -> Iterator[Findings]:
    """Every Findings, in the asset's order (the first field varies slowest)."""
    attributes: tuple[attrs.Attribute[Any], ...] = attrs.fields(attrs.resolve_types(Findings))
    domains = [
        [cast("type[enum.Enum]", attribute.type)(choice.value) for choice in field.choices]
        for attribute, field in zip(attributes, fields(), strict=True)
    ]
    names = [field.name for field in fields()]
    for values in itertools.product(*domains):
        yield Findings(**cast("dict[str, Any]", dict(zip(names, values, strict=True))))


class _Nodes:
    """The hash-consed node table of the asset."""

    def __init__(self) -> None:
        self.nodes: list[Json] = []
        self._ids: dict[str, int] = {}

    def add(self, value: Json) -> Json:
        """The node index of *value*; null and booleans stay as they are."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, list):
            entry: Json = [self.add(item) for item in value]
        elif isinstance(value, dict):
            entry = {key: self.add(item) for key, item in value.items()}
        elif isinstance(value, (str, int, float)):
            entry = value  # a leaf (a number only ever as a node of its own)
        else:
            raise TypeError(f"the try-it asset cannot hold {value!r}")
        key = json.dumps(entry, separators=(",", ":"))
        index = self._ids.get(key)
        if index is None:
            index = self._ids[key] = len(self.nodes)
            self.nodes.append(entry)
        return index


def _wire(result: Classification) -> dict[str, Json]:
    """What the page shows of *result*: its wire document, less the findings, plus the summary."""
    document: dict[str, Json] = json.loads(serialize.dumps(result))
    for key in ("kind", "imnm_format", "findings"):
        del document[key]
    document["summary"] = result.summary
    return document


def enmc_data(short: Callable[[Reference], str]) -> dict[str, Json]:
    """The ENMC asset: every combination's classification, and the tables to show it.

    Args:
        short: A reference's short name, e.g. "Allenbach 2018" (the site's own).
    """
    nodes = _Nodes()
    results = [nodes.add(_wire(classify(findings))) for findings in _all_findings()]
    return {
        "kind": "classification",
        "imnm_format": serialize.FORMAT_VERSION,
        "fields": _fields_json(),
        "findings_document": document_header(Findings),
        "statuses": {status.value: _words(status.value) for status in CriteriaStatus},
        "outcomes": {outcome.value: _words(outcome.value) for outcome in criteria.Outcome},
        "subtypes": {subtype.id: subtype.name for subtype in catalog.SUBTYPES},
        "criteria": {
            criterion.id: {
                "title": criterion.title,
                "description": criterion.description,
                "caveat": criterion.caveat,
                "references": [reference.id for reference in criterion.references],
            }
            for criterion in criteria.CRITERIA
        },
        "references": {
            reference.id: {"short": short(reference), "citation": reference.citation}
            for reference in catalog.REFERENCES
        },
        "nodes": nodes.nodes,
        "results": results,
    }


def findings_at(data: dict[str, Json], findings: Findings) -> int:
    """The position of *findings* in ``data["results"]``, computed as the page's script does."""
    position = 0
    for field in data["fields"]:
        values = [choice["value"] for choice in field["choices"]]
        position = position * len(values) + values.index(getattr(findings, field["name"]).value)
    return position


def decode(data: dict[str, Json], findings: Findings) -> dict[str, Json]:
    """The classification document the asset holds for *findings*, as the page's script reads it.

    The document is the wire format's, with ``findings`` and ``summary`` added.
    """

    def node(index: Json) -> Json:
        if index is None or isinstance(index, bool):
            return index
        entry = data["nodes"][index]
        if isinstance(entry, list):
            return [node(item) for item in entry]
        if isinstance(entry, dict):
            return {key: node(item) for key, item in entry.items()}
        return entry

    document = node(data["results"][findings_at(data, findings)])
    return {
        "kind": data["kind"],
        "imnm_format": data["imnm_format"],
        "findings": {
            field["name"]: getattr(findings, field["name"]).value for field in data["fields"]
        },
        **document,
    }


def check_enmc(data: dict[str, Json]) -> int:
    """Prove that *data* gives :func:`imnm.classify`'s answer for every combination.

    Returns:
        The number of combinations checked.

    Raises:
        ValueError: The asset's fields differ from :class:`imnm.Findings`', it
            holds a different number of results, or a combination decodes to
            another classification or summary than the library's.
    """
    if data["fields"] != _fields_json():
        raise ValueError("the try-it asset's fields are not those of imnm.Findings")
    checked = 0
    for findings in _all_findings():
        document = decode(data, findings)
        summary = document.pop("summary")
        expected = classify(findings)
        try:
            decoded = serialize.loads(json.dumps(document), Classification)
        except InvalidPayload as error:
            message = f"the try-it asset holds an invalid result for {findings}: {error}"
            raise ValueError(message) from None
        if decoded != expected:
            raise ValueError(f"the try-it asset disagrees with classify() for {findings}")
        if summary != expected.summary:
            raise ValueError(f"the try-it asset's summary disagrees for {findings}")
        checked += 1
    if checked != len(data["results"]):
        raise ValueError(f"the try-it asset holds {len(data['results'])} results, not {checked}")
    return checked


# --- the form -------------------------------------------------------------------


def data_attributes(values: Mapping[str, str]) -> str:
    """``data-NAME="value"`` attributes, escaped, each with a leading space."""
    return "".join(f' data-{name}="{html.escape(v)}"' for name, v in values.items())


def fieldset(field: Field, extra: str = "") -> str:
    """A fieldset of labelled radio buttons, one per choice, the default checked.

    Args:
        field: The question and its choices.
        extra: HTML added to the legend after the field's name.
    """
    buttons = []
    for choice in field.choices:
        checked = " checked" if choice.value == field.default else ""
        hint = (
            ""
            if choice.hint is None
            else f' <span class="imnm-try-it__hint">{html.escape(choice.hint)}</span>'
        )
        buttons.append(
            f'<label><input type="radio" name="{field.name}" value="{choice.value}"{checked}>'
            f" {html.escape(choice.label)}{hint}</label>"
        )
    return (
        f'<fieldset data-field="{field.name}"><legend>{html.escape(field.label)} '
        f"<code>{field.name}</code>{extra}</legend>"
        f'<div class="imnm-try-it__choices">{"".join(buttons)}</div></fieldset>'
    )


def widget(
    *,
    name: str,
    links: Mapping[str, str],
    criteria: str,
    form: str,
    result: str,
    disclaimer: str,
    command: str,
) -> str:
    """The HTML both "Try it" pages share: form, buttons, result, disclaimer, JSON.

    Args:
        name: The page's own marker attribute, e.g. ``imnm-try-it``.
        links: Relative URLs from the page: at least ``common`` (the shared
            script), ``script`` (the page's own) and ``stylesheet``.
        criteria: The criteria's name, e.g. "ENMC 2016".
        form: The form's fieldsets.
        result: The result's own parts, between its summary and its next steps,
            notes and caveats (lists the script fills), then the disclaimer.
        disclaimer: The sentence that closes every result.
        command: The command line that reads the findings document.
    """
    heading = f"{name}-result"
    parts: Sequence[str] = (
        f'<div class="imnm-try-it" data-{name}{data_attributes(links)}>',
        f'<link rel="stylesheet" href="{html.escape(links["stylesheet"])}">',
        "<noscript><p>This page needs JavaScript to show the result; the command "
        f"line (<code>{html.escape(command)}</code>) gives the same answers.</p></noscript>",
        '<p class="imnm-try-it__problem" role="alert" hidden></p>',
        '<div class="imnm-try-it__layout">',
        f'<form class="imnm-try-it__form" aria-label="Findings ({html.escape(criteria)})">',
        form,
        '<div class="imnm-try-it__actions">',
        '<button type="button" class="md-button" data-action="clear">Clear all findings</button>',
        '<button type="button" class="md-button" data-action="copy-link">Copy link</button>',
        '<button type="button" class="md-button" data-action="copy-json">Copy as JSON</button>',
        '<span class="imnm-try-it__copied" role="status"></span>',
        "</div></form>",
        f'<section class="imnm-try-it__result" aria-labelledby="{heading}" hidden>',
        f'<h2 id="{heading}">Result</h2>',
        '<p class="imnm-try-it__summary" aria-live="polite" aria-atomic="true"></p>',
        result,
        "<h3>Next steps</h3>",
        '<ul class="imnm-try-it__next-steps"></ul>',
        "<h3>Notes</h3>",
        '<ul class="imnm-try-it__notes"></ul>',
        "<h3>Caveats</h3>",
        '<ul class="imnm-try-it__caveats"></ul>',
        f'<p class="imnm-try-it__disclaimer">{html.escape(disclaimer)}</p>',
        f"<details><summary>Findings as JSON (for <code>{html.escape(command)}</code>)</summary>",
        '<pre><code class="imnm-try-it__json"></code></pre></details>',
        "</section></div>",
        f'<script src="{html.escape(links["common"])}" defer></script>',
        f'<script src="{html.escape(links["script"])}" defer></script>',
        "</div>",
    )
    return "".join(parts)


def enmc_form(links: dict[str, str], disclaimer: str) -> str:
    """The page's HTML: the findings form and the (empty) result the script fills.

    Args:
        links: Relative URLs from the page: ``asset``, ``common``, ``script``,
            ``stylesheet``, ``references`` (the references page) and ``forms``
            (the forms page).
        disclaimer: The sentence that closes every result.
    """
    result = "".join(
        (
            '<dl class="imnm-try-it__status">',
            '<dt>Subtype</dt><dd class="imnm-try-it__subtype"></dd>',
            '<dt>Criteria</dt><dd class="imnm-try-it__criteria"></dd>',
            "</dl>",
            "<h3>Rules evaluated</h3>",
            '<ol class="imnm-try-it__rules"></ol>',
        )
    )
    return widget(
        name="imnm-try-it",
        links=links,
        criteria="ENMC 2016",
        form="".join(fieldset(field) for field in fields()),
        result=result,
        disclaimer=disclaimer,
        command="imnm classify -",
    )
