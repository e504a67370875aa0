"""The EULAR/ACR 2017 findings as command-line text, and the assessment as Markdown.

``imnm assess`` reads :class:`imnm.iim.IIMFindings` from options (one per field,
the biopsy features included) or a JSON document; its options and their help
come from the fields and their docstrings, like ``imnm classify``'s.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from typing import Any, cast

import attrs

from .. import serialize
from .._docstrings import attribute_docs
from ..combined import SideBySide
from ..errors import InvalidValue
from ..iim import BiopsyFeatures, IIMAssessment, IIMFindings
from ._render import classification_markdown, disclaimer_line
from ._styles import Medium, Options, Style
from ._words import fold

__all__ = [
    "ASSESS_STYLES",
    "BIOPSY_OPTIONS",
    "IIM_COLUMNS",
    "IIM_OPTIONS",
    "IIM_RESULT_COLUMNS",
    "IIMOption",
    "assessment_markdown",
    "iim_cells",
    "iim_findings_from_cells",
    "iim_findings_from_text",
    "side_by_side_markdown",
]


@attrs.frozen(kw_only=True)
class IIMOption:
    """One field of :class:`~imnm.iim.IIMFindings` or :class:`~imnm.iim.BiopsyFeatures`.

    Attributes:
        name: The attribute name (the option is ``--name-with-hyphens``).
        help: The field's docstring entry.
        values: The wire values the field takes, or None for the age (an integer).
        default: The value that means "not known", as text.
    """

    name: str
    help: str
    values: tuple[str, ...] | None
    default: str

    @property
    def option(self) -> str:
        """The command-line option, e.g. ``"--heliotrope-rash"``."""
        return "--" + self.name.replace("_", "-")


def _options(cls: type) -> tuple[IIMOption, ...]:
    docs = attribute_docs(cls)
    options = []
    for field in attrs.fields(cls):
        if field.name == "biopsy":
            continue
        default = field.default
        if isinstance(default, enum.Enum):
            values = tuple(str(m.value) for m in type(default))
            options.append(
                IIMOption(
                    name=field.name, help=docs[field.name], values=values, default=default.value
                )
            )
        else:
            options.append(
                IIMOption(name=field.name, help=docs[field.name], values=None, default="unknown")
            )
    return tuple(options)


IIM_OPTIONS: tuple[IIMOption, ...] = _options(IIMFindings)
"""The options of the clinical fields, in declaration order (age first)."""
BIOPSY_OPTIONS: tuple[IIMOption, ...] = _options(BiopsyFeatures)
"""The options of the biopsy features; giving any of them means there are biopsy data."""


IIM_COLUMNS: tuple[str, ...] = tuple(o.name for o in (*IIM_OPTIONS, *BIOPSY_OPTIONS))
"""The input columns of ``imnm batch`` that hold EULAR/ACR findings (field names)."""
IIM_RESULT_COLUMNS = ("iim_category", "iim_score_low", "iim_score_high")
"""The result columns ``imnm batch`` adds when its input has EULAR/ACR columns."""


def _parse(option: IIMOption, text: str, cls: type) -> Any:
    text = fold(text)
    if option.values is None:
        if not text.isascii() or not text.isdigit():
            raise InvalidValue(option.name, text, "must be a whole number of years")
        return int(text)
    field_type = type(attrs.fields_dict(cls)[option.name].default)
    try:
        return cast("type[enum.Enum]", field_type)(text)
    except ValueError:
        choices = ", ".join(repr(value) for value in option.values)
        raise InvalidValue(option.name, text, f"must be one of {choices}") from None


def iim_findings_from_text(
    base: IIMFindings, given: dict[str, str], *, biopsy: bool = False
) -> IIMFindings:
    """*base* with the fields named in *given* (attribute name to text) replaced.

    A biopsy feature given, or *biopsy*, means there are biopsy data: the
    biopsy's other features keep *base*'s values, or are unknown.

    Raises:
        InvalidValue: A text is none of its field's values.
    """
    clinical = {
        option.name: _parse(option, given[option.name], IIMFindings)
        for option in IIM_OPTIONS
        if option.name in given
    }
    features = {
        option.name: _parse(option, given[option.name], BiopsyFeatures)
        for option in BIOPSY_OPTIONS
        if option.name in given
    }
    if features or biopsy:
        clinical["biopsy"] = attrs.evolve(base.biopsy or BiopsyFeatures(), **features)
    return attrs.evolve(base, **clinical)


# As for the ENMC cells: repeated rows are parsed once; the bound keeps memory constant.
@functools.lru_cache(maxsize=8192)
def iim_findings_from_cells(cells: tuple[str | None, ...]) -> IIMFindings:
    """The EULAR/ACR findings a row of text cells, one per :data:`IIM_COLUMNS`, describes.

    A missing (``None``) or blank cell means unknown; a biopsy feature cell
    that is not blank means there are biopsy data.

    Raises:
        InvalidValue: A cell holds none of its field's values.
    """
    given = {
        name: cell
        for name, cell in zip(IIM_COLUMNS, cells, strict=True)
        if cell is not None and fold(cell)
    }
    return iim_findings_from_text(IIMFindings(), given)


def iim_cells(assessment: IIMAssessment) -> tuple[str, str, str]:
    """The :data:`IIM_RESULT_COLUMNS` of one assessment: category and score range."""
    return (assessment.category.value, str(assessment.score_low), str(assessment.score_high))


def _assessment_lines(assessment: IIMAssessment, level: int) -> list[str]:
    lines = [f"{'#' * level} {assessment.summary}", ""]
    findings = assessment.findings
    age = "unknown" if findings.age_at_onset is None else str(findings.age_at_onset)
    lines += [f"Age at onset: {age}. Biopsy data: {'yes' if assessment.with_biopsy else 'no'}.", ""]
    lines += ["| Item | Finding | Weight | Source |", "|---|---|---|---|"]
    caveats = []
    for result in assessment.items:
        item = result.item
        status = result.status.value.replace("_", " ")
        lines.append(
            f"| {item.label.replace('|', chr(92) + '|')} | {status} | {result.weight} "
            f"| {item.source} |"
        )
        if item.caveat is not None and item.caveat not in caveats:
            caveats.append(item.caveat)
    lines.append("")
    if caveats:
        lines += ["Caveats:", "", *(f"- {caveat}" for caveat in caveats), ""]
    if assessment.next_steps:
        lines += [f"{'#' * (level + 1)} Next steps", ""]
        lines += [*(f"- {step}" for step in assessment.next_steps), ""]
    if assessment.notes:
        lines += [f"{'#' * (level + 1)} Notes", ""]
        for note in assessment.notes:
            caveat = "" if note.caveat is None else f" *Caveat:* {note.caveat}"
            lines.append(f"- {note.text} ({note.source}){caveat}")
        lines.append("")
    references = {ref for result in assessment.items for ref in result.item.references}
    lines += [f"{'#' * (level + 1)} References", ""]
    lines += [f"- {ref.citation} <{ref.url}>" for ref in sorted(references, key=lambda r: r.id)]
    lines.append("")
    return lines


def assessment_markdown(assessment: IIMAssessment) -> str:
    """An EULAR/ACR 2017 assessment explained: every item, the next steps, notes, sources."""
    lines = _assessment_lines(assessment, 1)
    lines += [disclaimer_line(assessment.disclaimer), ""]
    return "\n".join(lines).rstrip() + "\n"


def side_by_side_markdown(both: SideBySide) -> str:
    """Both answers, the shared facts filled in, the divergences, then each explained."""
    lines = ["# ENMC 2016 and EULAR/ACR 2017, side by side", ""]
    lines += [f"- ENMC 2016: {both.classification.summary}", f"- {both.assessment.summary}", ""]
    if both.derived:
        lines += ["## Shared facts filled in", "", *(f"- {d}" for d in both.derived), ""]
    if both.divergences:
        lines += ["## Where they diverge", "", *(f"- {d}" for d in both.divergences), ""]
    # One disclaimer closes the page: each part's own, once.
    disclaimers = dict.fromkeys(
        disclaimer_line(part.disclaimer) for part in (both.classification, both.assessment)
    )
    enmc = classification_markdown(both.classification)
    for line in disclaimers:
        enmc = enmc.replace(f"\n{line}\n", "\n")
    # One level down: both explanations sit under this page's title.
    lines += [("#" + line) if line.startswith("#") else line for line in enmc.splitlines()]
    lines.append("")
    lines += _assessment_lines(both.assessment, 2)
    for line in disclaimers:
        lines += [line, ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown(result: IIMAssessment | SideBySide, options: Options) -> str:
    if isinstance(result, SideBySide):
        return side_by_side_markdown(result)
    return assessment_markdown(result)


def _wire(result: IIMAssessment | SideBySide, options: Options) -> dict[str, Any]:
    return serialize.to_dict(result)


#: The output styles of ``imnm assess`` (an assessment, or both side by side); text is the default.
ASSESS_STYLES: Mapping[str, Style[IIMAssessment | SideBySide]] = {
    "text": Style(export=_markdown, medium=Medium.TERMINAL),
    "markdown": Style(export=_markdown, medium=Medium.MARKDOWN),
    "json": Style(export=_wire, medium=Medium.JSON),
}
