"""The catalog's knowledge and a classification, rendered as Markdown.

Pure functions from model objects to Markdown text: the command line prints
them (raw with ``--markdown``, rendered for the terminal otherwise), and a
documentation site can include the same text.  Every statement keeps its
published sources as numbered citations, listed at the end of the text and
numbered locally: [1] is the first source the text cites.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._markdown import escape, heading, table
from ..catalog import IMNM, SOURCE_PAGE
from ..classifier import Classification
from ..criteria import CRITERIA, Criterion
from ..model import Complication, Disease, Reference, Statement, Subtype, Therapy
from ._fields import FIELDS

__all__ = [
    "DISCLAIMER",
    "classification_markdown",
    "complications_markdown",
    "criteria_markdown",
    "disclaimer_line",
    "disease_markdown",
    "references_markdown",
    "subtype_markdown",
]

#: Closes every rendering that could be read as advice.
DISCLAIMER = "*imnm informs; it does not diagnose. Findings are for a clinician to interpret.*"


class _Citations:
    """Numbers references in the order a text first cites them, and lists those cited.

    Numbering is local to the text shown: a lone source is [1].  *numbering*
    fixes the numbers in advance (the whole catalog numbers its references as
    the source page does).
    """

    def __init__(self, numbering: Iterable[Reference] = ()) -> None:
        self._numbers = {reference: number for number, reference in enumerate(numbering, 1)}
        self._cited: dict[Reference, int] = {}

    def cite(self, references: Iterable[Reference]) -> str:
        numbers = []
        for reference in references:
            number = self._numbers.setdefault(reference, len(self._numbers) + 1)
            self._cited[reference] = number
            numbers.append(number)
        return f" [{', '.join(map(str, numbers))}]" if numbers else ""

    def markdown(self, level: int) -> list[str]:
        if not self._cited:
            return []
        lines = [heading(level, "References"), ""]
        for reference, number in sorted(self._cited.items(), key=lambda item: item[1]):
            lines.append(f"- [{number}] {reference.citation} <{reference.url}>")
            if reference.note is not None:
                lines.append(f"  *Note:* {reference.note}")
        lines.append("")
        return lines


def _statements(statements: Iterable[Statement], citations: _Citations) -> list[str]:
    return [f"- {s.text}{citations.cite(s.references)}" for s in statements]


def disclaimer_line(disclaimer: str) -> str:
    """A result's disclaimer as the Markdown line that closes its rendering."""
    return f"*{disclaimer}*"


def _finish(lines: list[str], citations: _Citations, level: int, *, disclaim: str = "") -> str:
    lines += citations.markdown(level)
    if disclaim:
        lines += [disclaim, ""]
    return "\n".join(lines).rstrip() + "\n"


def _named(name: str, ident: str) -> str:
    """*name* with its wire id, unless the name already says it ("(dysphagia)")."""
    if ident.replace("-", " ") in name.lower():
        return name
    return f"{name} (`{ident}`)"


def _therapy(therapy: Therapy, citations: _Citations) -> list[str]:
    lines = [f"- **{therapy.name}.** {therapy.recommendation}{citations.cite(therapy.references)}"]
    if therapy.caveat is not None:
        lines.append(f"  *Caveat:* {therapy.caveat}")
    return lines


def _subtype_lines(subtype: Subtype, level: int, citations: _Citations) -> list[str]:
    lines = [heading(level, f"{subtype.name} (`{subtype.id}`)"), "", subtype.serum_finding, ""]
    if subtype.autoantibody is not None:
        antibody = subtype.autoantibody
        term = antibody.positivity_term
        lines += [
            f"Autoantibody: {antibody.name}, against {antibody.target_antigen} "
            f"({term.id} {term.label}).",
            "",
        ]
    lines += [heading(level + 1, "Presentation"), ""]
    lines += [*_statements(subtype.presentation, citations), ""]
    if subtype.therapies:
        lines += [heading(level + 1, "Therapies"), ""]
        for therapy in subtype.therapies:
            lines += _therapy(therapy, citations)
        lines.append("")
    if subtype.conditions_to_rule_out:
        lines += [heading(level + 1, "Conditions to rule out"), ""]
        lines += [*(f"- {condition}" for condition in subtype.conditions_to_rule_out), ""]
    lines += [heading(level + 1, "Complications"), "", _complications_note(subtype), ""]
    if subtype.complications:
        lines += [*(f"- {c.name}" for c in subtype.complications), ""]
    return lines


def _complications_note(subtype: Subtype, disease: Disease = IMNM) -> str:
    """What the source says about complications, for *subtype*: rare in IMNM as a whole."""
    if any(subtype.id in c.reported_for for c in disease.complications):
        return "Rare in IMNM; the source names this form in particular for:"
    forms = {i for c in disease.complications for i in c.reported_for}
    names = " and ".join(_lower_first(s.name) for s in disease.subtypes if s.id in forms)
    listed = "; ".join(_lower_first(c.name) for c in disease.complications)
    return (
        f"Rare in IMNM: {listed}. The source names {names} in particular; "
        "that does not mean this form has none."
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def subtype_markdown(subtype: Subtype, *, level: int = 1) -> str:
    """One form of IMNM: serology, presentation, therapies, what to rule out.

    Args:
        subtype: A catalog subtype.
        level: The Markdown heading level of its title.
    """
    citations = _Citations()
    return _finish(_subtype_lines(subtype, level, citations), citations, level + 1)


def _complication_lines(complications: Iterable[Complication], level: int) -> list[str]:
    lines = []
    for complication in complications:
        terms = "; ".join(f"{term.id} {term.label}" for term in complication.terms)
        reported = ", ".join(f"`{s}`" for s in sorted(complication.reported_for))
        lines += [
            heading(level, _named(complication.name, complication.id)),
            "",
            complication.description,
            "",
            f"HPO: {terms}. Named in particular for (any form can have it): {reported}.",
            "",
        ]
    return lines


def complications_markdown(disease: Disease = IMNM, *, level: int = 1) -> str:
    """The complications reported in a disease, with their HPO terms.

    Args:
        disease: The disease, by default ``imnm.catalog.IMNM``.
        level: The Markdown heading level of the title.
    """
    lines = [heading(level, "Complications"), "", disease.complications_statement, ""]
    lines += _complication_lines(disease.complications, level + 1)
    return "\n".join(lines).rstrip() + "\n"


def _criterion_lines(criteria: Iterable[Criterion], level: int, citations: _Citations) -> list[str]:
    lines = []
    for criterion in criteria:
        lines += [
            heading(level, _named(criterion.title, criterion.id)),
            "",
            f"{criterion.description}{citations.cite(criterion.references)}",
            "",
        ]
        if criterion.caveat is not None:
            lines += [f"*Caveat:* {criterion.caveat}", ""]
    return lines


def criteria_markdown(criteria: Iterable[Criterion] = CRITERIA, *, level: int = 1) -> str:
    """The classification rules, serology first, each with its sources.

    Args:
        criteria: The rules, by default every one in ``imnm.criteria.CRITERIA``.
        level: The Markdown heading level of the title.
    """
    citations = _Citations()
    lines = [heading(level, "Classification criteria (ENMC 2016)"), ""]
    lines += _criterion_lines(criteria, level + 1, citations)
    return _finish(lines, citations, level + 1)


def references_markdown(references: Iterable[Reference], *, level: int = 1) -> str:
    """A numbered list of references in AMA style, with DOI links and notes.

    Args:
        references: Catalog references, e.g. ``imnm.catalog.REFERENCES``.
        level: The Markdown heading level of the title.
    """
    citations = _Citations()
    citations.cite(references)
    return _finish([], citations, level)


def disease_markdown(disease: Disease = IMNM, *, level: int = 1) -> str:
    """Everything the catalog knows: codes, facts, forms, complications, criteria, sources.

    References are numbered as the disease lists them (the source page's order),
    and every one is listed.

    Args:
        disease: The disease, by default ``imnm.catalog.IMNM``.
        level: The Markdown heading level of the title.
    """
    citations = _Citations(disease.references)
    citations.cite(disease.references)
    sub = level + 1
    lines = [heading(level, f"{disease.name} ({disease.abbreviation})"), ""]
    lines += [f"Source: {SOURCE_PAGE}", ""]
    lines += table(("Code", "Label"), ((term.id, escape(term.label)) for term in disease.codes))
    lines += ["", f"Hallmark: {disease.hallmark.label} ({disease.hallmark.id}).", ""]
    lines += [*_statements(disease.facts, citations), ""]
    lines += [heading(sub, "Forms"), ""]
    for subtype in disease.subtypes:
        lines += _subtype_lines(subtype, sub + 1, citations)
    lines += [heading(sub, "Complications"), "", disease.complications_statement, ""]
    lines += _complication_lines(disease.complications, sub + 1)
    lines += [heading(sub, "Classification criteria (ENMC 2016)"), ""]
    lines += _criterion_lines(CRITERIA, sub + 1, citations)
    return _finish(lines, citations, sub, disclaim=DISCLAIMER)


def classification_markdown(classification: Classification) -> str:
    """A classification explained: the findings, each rule with its source, what to do next.

    Args:
        classification: What :func:`imnm.classify` returned.
    """
    citations = _Citations()
    findings = classification.findings
    lines = [heading(1, classification.summary), ""]
    lines += table(
        ("Finding", "Value"), ((f"`{f.name}`", getattr(findings, f.name).value) for f in FIELDS)
    )
    lines += ["", heading(2, "Rules"), ""]
    lines += table(
        ("Rule", "Outcome", "Findings read", "Source"),
        (
            (
                escape(result.criterion.title),
                result.outcome.value.replace("_", " "),
                escape(result.detail),
                citations.cite(result.criterion.references).strip(),
            )
            for result in classification.explanation
        ),
    )
    caveats = [
        f"- *{result.criterion.title}:* {result.criterion.caveat}"
        for result in classification.explanation
        if result.criterion.caveat is not None
    ]
    lines.append("")
    if caveats:
        lines += ["Caveats:", "", *caveats, ""]
    if classification.next_steps:
        lines += [heading(2, "Next steps"), ""]
        lines += [*(f"- {step}" for step in classification.next_steps), ""]
    if classification.notes:
        lines += [heading(2, "Notes"), ""]
        lines += [*_statements(classification.notes, citations), ""]
    return _finish(lines, citations, 2, disclaim=disclaimer_line(classification.disclaimer))
