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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import attrs
import griffe

from imnm import Classification, Findings, catalog, classify, criteria, serialize
from imnm.classifier import CriteriaStatus
from imnm.errors import InvalidPayload
from imnm.model import Reference

__all__ = [
    "ENMC_ASSET",
    "SCRIPT",
    "STYLESHEET",
    "Choice",
    "Field",
    "check_enmc",
    "decode",
    "enmc_data",
    "enmc_form",
    "fields",
    "findings_at",
]

ENMC_ASSET = "assets/try-it/enmc.json"
"""Where the built site serves the ENMC data, relative to the site root."""
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


@functools.cache
def fields() -> tuple[Field, ...]:
    """The fields of :class:`imnm.Findings`, in declaration order, labelled from docstrings."""
    module = griffe.load(Findings.__module__)
    docstring = module[Findings.__name__].docstring
    assert docstring is not None, "Findings has a docstring (tests/test_docstrings.py)"
    labels = {
        attribute.name: " ".join(attribute.description.split()).removesuffix(".")
        for section in docstring.parse("google")
        if section.kind is griffe.DocstringSectionKind.attributes
        for attribute in section.value
    }
    result = []
    for attribute in attrs.fields(attrs.resolve_types(Findings)):
        enum_type = cast("type[enum.Enum]", attribute.type)
        members = module[enum_type.__name__].members
        choices = tuple(
            Choice(
                value=str(member.value),
                label=_words(str(member.value)),
                hint=_docstring(members[member.name]),
            )
            for member in enum_type
        )
        result.append(
            Field(
                name=attribute.name,
                label=labels[attribute.name],
                choices=choices,
                default=str(cast("enum.Enum", attribute.default).value),
            )
        )
    return tuple(result)


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
        "findings_document": {
            key: value
            for key, value in json.loads(serialize.dumps(Findings())).items()
            if key not in {field.name for field in fields()}
        },
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


def _attributes(**values: str) -> str:
    return "".join(f' data-{name}="{html.escape(v)}"' for name, v in values.items())


def _fieldset(field: Field) -> str:
    choices = []
    for choice in field.choices:
        checked = " checked" if choice.value == field.default else ""
        hint = (
            ""
            if choice.hint is None
            else f' <span class="imnm-try-it__hint">{html.escape(choice.hint)}</span>'
        )
        choices.append(
            f'<label><input type="radio" name="{field.name}" value="{choice.value}"{checked}>'
            f" {html.escape(choice.label)}{hint}</label>"
        )
    return (
        f'<fieldset data-field="{field.name}"><legend>{html.escape(field.label)} '
        f"<code>{field.name}</code></legend>"
        f'<div class="imnm-try-it__choices">{"".join(choices)}</div></fieldset>'
    )


def enmc_form(links: dict[str, str], disclaimer: str) -> str:
    """The page's HTML: the findings form and the (empty) result the script fills.

    Args:
        links: Relative URLs from the page: ``asset``, ``script``, ``stylesheet``,
            ``references`` (the references page) and ``forms`` (the forms page).
        disclaimer: The sentence that closes every result.
    """
    fieldsets = "".join(_fieldset(field) for field in fields())
    parts: Sequence[str] = (
        f'<div class="imnm-try-it" data-imnm-try-it{_attributes(**links)}>',
        f'<link rel="stylesheet" href="{html.escape(links["stylesheet"])}">',
        "<noscript><p>This page needs JavaScript to look up the result; the command "
        "line (<code>imnm classify</code>) gives the same answers.</p></noscript>",
        '<p class="imnm-try-it__problem" role="alert" hidden></p>',
        '<div class="imnm-try-it__layout">',
        '<form class="imnm-try-it__form" aria-label="Findings (ENMC 2016)">',
        fieldsets,
        '<div class="imnm-try-it__actions">',
        '<button type="button" class="md-button" data-action="clear">Clear all findings</button>',
        '<button type="button" class="md-button" data-action="copy-link">Copy link</button>',
        '<button type="button" class="md-button" data-action="copy-json">Copy as JSON</button>',
        '<span class="imnm-try-it__copied" role="status"></span>',
        "</div></form>",
        '<section class="imnm-try-it__result" aria-labelledby="imnm-try-it-result" hidden>',
        '<h2 id="imnm-try-it-result">Result</h2>',
        '<p class="imnm-try-it__summary" aria-live="polite" aria-atomic="true"></p>',
        '<dl class="imnm-try-it__status">',
        '<dt>Subtype</dt><dd class="imnm-try-it__subtype"></dd>',
        '<dt>Criteria</dt><dd class="imnm-try-it__criteria"></dd>',
        "</dl>",
        "<h3>Rules evaluated</h3>",
        '<ol class="imnm-try-it__rules"></ol>',
        "<h3>Next steps</h3>",
        '<ul class="imnm-try-it__next-steps"></ul>',
        "<h3>Notes</h3>",
        '<ul class="imnm-try-it__notes"></ul>',
        "<h3>Caveats</h3>",
        '<ul class="imnm-try-it__caveats"></ul>',
        f'<p class="imnm-try-it__disclaimer">{html.escape(disclaimer)}</p>',
        "<details><summary>Findings as JSON (for <code>imnm classify -</code>)</summary>",
        '<pre><code class="imnm-try-it__json"></code></pre></details>',
        "</section></div>",
        f'<script src="{html.escape(links["script"])}" defer></script>',
        "</div>",
    )
    return "".join(parts)
