"""MkDocs hook: fills the documentation's data sections from the library itself.

A page asks for generated content with a marker on a line of its own, e.g.
``<!-- imnm:criteria-table -->``.  At build time (``mkdocs build`` and ``mkdocs
serve``) :func:`on_page_markdown` replaces each marker with Markdown made from
:mod:`imnm.catalog` and :mod:`imnm.criteria`, so the site cannot disagree with
the code.  An unknown marker fails the build.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator

import try_it
import try_it_iim
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import imnm
from imnm import catalog, criteria, iim, ruleset
from imnm._markdown import escape as _md
from imnm._markdown import table
from imnm.classifier import DISCLAIMER, CriteriaStatus
from imnm.model import Reference, Statement, Subtype

_MARKER = re.compile(r"^<!-- imnm:(?P<name>[a-z-]+) -->$", re.MULTILINE)
# Where references get their anchors; every other page links there.
_REFERENCES_PAGE = "knowledge/references.md"
_FORMS_PAGE = "knowledge/forms.md"
_CLASSIFIER_PAGE = "concepts/classifier.md"

Renderer = Callable[[str], str]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace every ``<!-- imnm:NAME -->`` marker on *page* with generated Markdown.

    Raises:
        PluginError: A marker names no known section.
    """

    def expand(match: re.Match[str]) -> str:
        renderer = _RENDERERS.get(match["name"])
        if renderer is None:
            known = ", ".join(sorted(_RENDERERS))
            raise PluginError(
                f"{page.file.src_uri}: unknown marker imnm:{match['name']}; known: {known}"
            )
        return renderer(page.file.src_uri)

    return _MARKER.sub(expand, markdown)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the "Try it" page's data, once proven equal to the library's answers.

    Raises:
        PluginError: The data disagrees with :func:`imnm.classify` somewhere.
    """
    assets = (
        (try_it.ENMC_ASSET, try_it.enmc_data(_short), try_it.check_enmc),
        (try_it_iim.ASSET, try_it_iim.iim_data(), try_it_iim.check_iim),
    )
    for path, data, check in assets:
        content = json.dumps(data, separators=(",", ":"))
        try:
            check(json.loads(content))
        except ValueError as error:
            raise PluginError(f"{path}: {error}") from error
        files.append(File.generated(config, path, content=content))
    return files


# --- helpers -----------------------------------------------------------------


def _url(from_uri: str, to_path: str) -> str:
    """The URL of *to_path* (relative to the site root) as raw HTML on the page *from_uri* needs it.

    Markdown links are rewritten by MkDocs; raw HTML is not, so it needs the
    built page's own depth (directory URLs: ``a/b.md`` is served as ``a/b/``).
    """
    path = posixpath.splitext(from_uri)[0]
    if posixpath.basename(path) == "index":
        path = posixpath.dirname(path)
    depth = path.count("/") + 1 if path else 0
    return "../" * depth + to_path


def _link(from_uri: str, to_uri: str, anchor: str) -> str:
    """A relative link from the page *from_uri* to *anchor* on the page *to_uri*."""
    if from_uri == to_uri:
        return f"#{anchor}"
    return f"{posixpath.relpath(to_uri, posixpath.dirname(from_uri) or '.')}#{anchor}"


def _short(reference: Reference) -> str:
    """A short name such as "Dalakas 2015"."""
    surname = reference.authors[0].rsplit(" ", 1)[0]
    return f"{surname} {reference.year}"


def _cite(from_uri: str, references: tuple[Reference, ...]) -> str:
    """Links to *references* on the references page, or a dash when there are none."""
    if not references:
        return "-"
    return ", ".join(
        f"[{_md(_short(ref))}]({_link(from_uri, _REFERENCES_PAGE, ref.id)})" for ref in references
    )


def _statement(from_uri: str, statement: Statement) -> str:
    text = _md(statement.text)
    if statement.references:
        text += f" ({_cite(from_uri, statement.references)})"
    return text


def _table(header: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> str:
    return "\n".join(table(header, rows))


def _term(term: imnm.OntologyTerm) -> str:
    return f"{_md(term.label)} (`{term.id}`)"


def _subtype_name(subtype: Subtype | None) -> str:
    return "no subtype" if subtype is None else subtype.name


# --- the knowledge pages ------------------------------------------------------


def _disease(from_uri: str) -> str:
    disease = catalog.IMNM
    codes = _table(
        ("Terminology", "Code", "Label"),
        ((term.prefix, f"`{term.id}`", _md(term.label)) for term in disease.codes),
    )
    facts = "\n".join(f"- {_statement(from_uri, fact)}" for fact in disease.facts)
    forms = "\n".join(
        f"- [{_md(subtype.name)}]({_link(from_uri, _FORMS_PAGE, subtype.id)}): "
        f"{_md(subtype.serum_finding)}"
        for subtype in disease.subtypes
    )
    return (
        f"**{_md(disease.name)} ({_md(disease.abbreviation)})**\n\n"
        f"Hallmark: {_term(disease.hallmark)}.\n\n"
        f"## What the source says\n\n{facts}\n\n"
        f"## The forms\n\n{forms}\n\n"
        f"## Codes\n\n{codes}\n\n"
        f"## Source\n\n{_source_page(from_uri)}\n"
    )


def _subtypes(from_uri: str) -> str:
    return "\n\n".join(_subtype(from_uri, subtype) for subtype in catalog.SUBTYPES)


def _subtype(from_uri: str, subtype: Subtype) -> str:
    parts = [f"## {_md(subtype.name)} {{ #{subtype.id} }}", f"Wire id: `{subtype.id}`."]
    antibody = subtype.autoantibody
    if antibody is None:
        parts.append("Defining autoantibody: none known.")
    else:
        parts.append(
            f"Defining autoantibody: {_md(antibody.name)}, against "
            f"{_md(antibody.target_antigen)}; positive test: {_term(antibody.positivity_term)}."
        )
    parts.append(f"Serum: {_md(subtype.serum_finding)}")
    parts.append(
        "Presentation:\n\n"
        + "\n".join(f"- {_statement(from_uri, s)}" for s in subtype.presentation)
    )
    if subtype.conditions_to_rule_out:
        parts.append(
            "The source page says it is important to rule out:\n\n"
            + "\n".join(f"- {_md(c)}" for c in subtype.conditions_to_rule_out)
        )
    complications = _link(from_uri, "knowledge/complications.md", "complications")
    if subtype.complications:
        parts.append(
            f"[Complications]({complications}) are rare in IMNM; the source names this form "
            "in particular for: " + ", ".join(_md(c.name) for c in subtype.complications) + "."
        )
    else:
        parts.append(
            f"[Complications]({complications}) are rare in IMNM; the source names another "
            "form in particular, which does not mean this form has none."
        )
    if subtype.therapies:
        parts.append(
            "Therapies:\n\n"
            + _table(
                ("Therapy", "What the sources say", "Supported by", "Caveat"),
                (
                    (
                        _md(therapy.name),
                        _md(therapy.recommendation),
                        _cite(from_uri, therapy.references),
                        "-" if therapy.caveat is None else _md(therapy.caveat),
                    )
                    for therapy in subtype.therapies
                ),
            )
        )
    else:
        parts.append("Therapies: the source page gives none for this form.")
    return "\n\n".join(parts)


def _autoantibodies(_from_uri: str) -> str:
    forms = {s.autoantibody.id: s for s in catalog.SUBTYPES if s.autoantibody is not None}
    return _table(
        ("Autoantibody", "Wire id", "Target antigen", "Positive test (HPO)", "Defines"),
        (
            (
                _md(antibody.name),
                f"`{antibody.id}`",
                _md(antibody.target_antigen),
                _term(antibody.positivity_term),
                _md(forms[antibody.id].name),
            )
            for antibody in catalog.AUTOANTIBODIES
        ),
    )


def _complications(_from_uri: str) -> str:
    by_id = {s.id: s for s in catalog.SUBTYPES}
    table = _table(
        ("Complication", "Wire id", "What the source says", "HPO terms", "Named in particular for"),
        (
            (
                _md(complication.name),
                f"`{complication.id}`",
                _md(complication.description),
                "; ".join(_term(t) for t in complication.terms),
                ", ".join(_md(by_id[i].name) for i in sorted(complication.reported_for)),
            )
            for complication in catalog.COMPLICATIONS
        ),
    )
    return f"{_md(catalog.IMNM.complications_statement)}\n\n{table}"


def _uses(from_uri: str, reference: Reference) -> Iterator[str]:
    """What the library cites *reference* for, one item each, in words."""
    statements = [*catalog.IMNM.facts, *(s for t in catalog.SUBTYPES for s in t.presentation)]
    for statement in statements:
        if reference in statement.references:
            yield f'the statement "{_md(statement.text)}"'
    for subtype in catalog.SUBTYPES:
        for therapy in subtype.therapies:
            if reference in therapy.references:
                yield f"{_md(therapy.name)} in {_md(subtype.name)}"
    rules = [f"`{c.id}`" for c in criteria.CRITERIA if reference in c.references]
    if rules:
        link = _link(from_uri, _CLASSIFIER_PAGE, "the-criteria")
        yield f"the [classification rules]({link}) " + ", ".join(rules)


def _references(from_uri: str) -> str:
    parts = []
    for number, reference in enumerate(catalog.REFERENCES, start=1):
        uses = "\n".join(f"- {use}" for use in _uses(from_uri, reference))
        parts.append(
            f"### {number}. {_md(_short(reference))} {{ #{reference.id} }}\n\n"
            f"{_md(reference.citation)}\n\n"
            f"DOI: [{_md(reference.doi)}]({reference.url})\n\n"
            + (f"Note: {_md(reference.note)}\n\n" if reference.note else "")
            + (
                f"The library cites it for:\n\n{uses}"
                if uses
                else "The library cites it for no statement or rule."
            )
        )
    return "\n\n".join(parts)


def _reference_list(_from_uri: str) -> str:
    return "\n".join(
        f"{number}. {_md(reference.citation)} <{reference.url}>"
        for number, reference in enumerate(catalog.REFERENCES, start=1)
    )


def _source_page(_from_uri: str) -> str:
    return f"> {_md(catalog.SOURCE_PAGE)}"


def _citation(_from_uri: str) -> str:
    return (
        f"> The imnm developers. *imnm: {_md(catalog.IMNM.name)} knowledge as typed Python*, "
        f"version {_md(imnm.__version__)}. Software library."
    )


# --- the classifier page ------------------------------------------------------


def _criteria_table(from_uri: str) -> str:
    def row(criterion: criteria.Criterion, effect: str) -> tuple[str, ...]:
        return (
            f"{_md(criterion.title)} (`{criterion.id}`)",
            _md(criterion.description),
            effect,
            _cite(from_uri, criterion.references),
            "-" if criterion.caveat is None else _md(criterion.caveat),
        )

    def applies_to(subtypes: frozenset[str] | None) -> str:
        if subtypes is None:
            return "every result"
        return ", ".join(_md(catalog.get_subtype(i).name) for i in sorted(subtypes))

    serology = (
        row(
            rule.criterion,
            f"assigns {_md(_subtype_name(rule.subtype))}; serology {rule.outcome.value}",
        )
        for rule in criteria.SEROLOGY_RULES
    )
    requirements = (
        row(req.criterion, f"required for {applies_to(req.subtypes)}; {_term(req.term)}")
        for req in criteria.REQUIREMENTS
    )
    header = ("Rule", "What it says", "Effect", "Source", "Caveat")
    return (
        "### Serology rules\n\nExactly one matches any combination of results.\n\n"
        + _table(header, serology)
        + "\n\n### Clinical requirements\n\n"
        + _table(header, requirements)
    )


def _antibody_tests(_from_uri: str) -> str:
    return _table(
        (
            "Findings field",
            "Antibody",
            "Defines",
            "Positive test (HPO)",
            "Alone positive",
            "If untested",
        ),
        (
            (
                f"`{antibody.field}`",
                _md(antibody.name),
                _md(_subtype_name(antibody.subtype)),
                _term(antibody.term),
                f"`{antibody.criterion.id}`",
                _md(antibody.next_step_if_untested),
            )
            for antibody in criteria.ANTIBODIES
        ),
    )


def _note_rules(from_uri: str) -> str:
    def values(rule: criteria.NoteRule) -> str:
        return " or ".join(f"`{v.value}`" for v in sorted(rule.values, key=lambda v: v.value))

    def subtypes(rule: criteria.NoteRule) -> str:
        return ", ".join(
            _md(_subtype_name(None if i is None else catalog.get_subtype(i)))
            for i in sorted(rule.subtypes, key=lambda i: (i is None, i or ""))
        )

    return _table(
        ("Finding", "Value", "Result", "Note added"),
        (
            (f"`{rule.field}`", values(rule), subtypes(rule), _statement(from_uri, rule.statement))
            for rule in criteria.NOTE_RULES
        ),
    )


def _mermaid_label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def _flowchart(_from_uri: str) -> str:
    # The serology rules as a column of questions, in the order the classifier tries
    # them (the first that matches decides; exactly one does), each row a question and
    # its answer side by side: narrow enough that labels keep their size on the page.
    rules = criteria.SEROLOGY_RULES
    # At its own size (not shrunk to the page: docs/assets/diagrams.css lets a
    # narrow screen scroll it sideways instead).
    size = '%%{init: {"flowchart": {"useMaxWidth": false}}}%%'
    lines = [size, "flowchart TD", "    findings([" + _mermaid_label("Findings") + "]) --> row0"]
    for index, rule in enumerate(rules):
        outcome = rule.outcome.value.replace("_", " ")
        checks = "; ".join(
            req.criterion.title for req in criteria.REQUIREMENTS if req.applies_to(rule.subtype)
        )
        result = f"{_subtype_name(rule.subtype)} (serology rule {outcome}). Check: {checks}"
        lines += [
            f"    subgraph row{index} [{_mermaid_label(f'Serology rule {index + 1}')}]",
            "        direction LR",
            f"        rule{index}{{{{{_mermaid_label(rule.criterion.title + '?')}}}}} -->|yes| "
            f"result{index}[{_mermaid_label(result)}]",
            "    end",
        ]
        if index + 1 < len(rules):
            lines.append(f"    row{index} -->|no| row{index + 1}")
    # The status is not a table: it mirrors imnm.classifier, which combines the outcomes.
    status = [
        size,
        "flowchart TD",
        f"    status{{{_mermaid_label('Outcomes of every rule evaluated')}}}",
        f"    status -->|{_mermaid_label('any rule not satisfied')}| "
        f"not_met([{_mermaid_label('criteria: ' + CriteriaStatus.NOT_MET.value)}])",
        f"    status -->|{_mermaid_label('all rules satisfied')}| "
        f"met([{_mermaid_label('criteria: ' + CriteriaStatus.MET.value)}])",
        f"    status -->|{_mermaid_label('otherwise')}| "
        f"insufficient([{_mermaid_label('criteria: ' + CriteriaStatus.INSUFFICIENT_DATA.value)}])",
    ]
    return (
        "```mermaid\n" + "\n".join(lines) + "\n```\n\n"
        "Then the status, from the serology rule's outcome and those of its checks:\n\n"
        "```mermaid\n" + "\n".join(status) + "\n```"
    )


# --- the "Try it" page ------------------------------------------------------------


def _try_it_links(from_uri: str, **links: str) -> dict[str, str]:
    """The "Try it" pages' links (shared script and styles, and *links*) from the page."""
    links = {"common": try_it.COMMON_SCRIPT, "stylesheet": try_it.STYLESHEET, **links}
    return {name: _url(from_uri, path) for name, path in links.items()}


def _try_it(from_uri: str) -> str:
    links = _try_it_links(
        from_uri,
        asset=try_it.ENMC_ASSET,
        script=try_it.SCRIPT,
        references="knowledge/references/",
        forms="knowledge/forms/",
    )
    return try_it.enmc_form(links, DISCLAIMER)


def _try_it_iim(from_uri: str) -> str:
    links = _try_it_links(
        from_uri, asset=try_it_iim.ASSET, script=try_it_iim.SCRIPT, criteria="concepts/iim/"
    )
    return try_it_iim.iim_form(links, try_it_iim.disclaimer())


def _unconfirmed(from_uri: str) -> str:
    return _table(
        ("Rule", "Caveat", "Source"),
        (
            (
                f"{_md(c.title)} (`{c.id}`)",
                _md(c.caveat),
                _cite(from_uri, c.references),
            )
            for c in criteria.CRITERIA
            if c.caveat is not None
        ),
    )


def _disclaimer(_from_uri: str) -> str:
    return f"> {_md(DISCLAIMER)}"


def _rulesets(_from_uri: str) -> str:
    return _table(
        ("id", "version", "digest (SHA-256 of the rule tables)"),
        ((f"`{r.id}`", str(r.version), f"`{r.digest}`") for r in ruleset.CURRENT.values()),
    )


# --- EULAR/ACR 2017 (imnm.iim) ------------------------------------------------


def _iim_references(_from_uri: str) -> str:
    refs = (iim.LUNDBERG_2017, iim.LUNDBERG_2017_ARTHRITIS_RHEUMATOL)
    return "\n".join(f"- {_md(ref.citation)} <{ref.url}>" for ref in refs)


def _iim_items(_from_uri: str) -> str:
    def weight(item: iim.Item, *, with_biopsy: bool) -> str:
        found = item.weight(with_biopsy=with_biopsy)
        return "-" if found is None else str(found)

    rows = (
        (
            _md(item.group.value.replace("_", " ")),
            f"{_md(item.label)} (`{item.id}`)",
            f"`{item.field}`" + (" (biopsy)" if item.group is iim.ItemGroup.MUSCLE_BIOPSY else ""),
            weight(item, with_biopsy=False),
            weight(item, with_biopsy=True),
            "not mapped" if item.term is None else _term(item.term),
            _md(item.source) + ("" if item.caveat is None else f"; caveat: {_md(item.caveat)}"),
        )
        for item in iim.ITEMS
    )
    header = ("Group", "Item", "Field", "Without biopsy", "With biopsy", "HPO", "Source")
    return _table(header, rows)


def _iim_cutoffs(_from_uri: str) -> str:
    rows = [
        (
            f"`{cutoff.category.value}`",
            f">= {cutoff.score(with_biopsy=False)}",
            f">= {cutoff.score(with_biopsy=True)}",
            _md(cutoff.probability),
            _md(cutoff.source),
        )
        for cutoff in iim.CUTOFFS
    ]
    lowest = iim.CUTOFFS[-1]
    rows.append(
        (
            f"`{iim.IIMCategory.NOT_IIM.value}`",
            f"< {lowest.score(with_biopsy=False)}",
            f"< {lowest.score(with_biopsy=True)}",
            "< 50%",
            _md(lowest.source),
        )
    )
    header = ("Category", "Without biopsy", "With biopsy", "Probability", "Source")
    return _table(header, iter(rows))


def _iim_rule(_from_uri: str) -> str:
    rule = iim.CALCULATOR_RULE
    skin = ", ".join(_md(item.label) for item in rule.skin)
    return (
        f"> {_md(rule.text)}\n\n"
        f"Source: {_md(rule.source)}. Also: {_md(rule.supporting)}.\n\n"
        f"Skin items: {skin}. imnm applies the rule only where the score alone reaches "
        f"`{rule.applies_from.value}` or higher."
    )


def _iim_notes(_from_uri: str) -> str:
    return "\n".join(
        f"- {_md(note.text)} (source: {_md(note.source)}"
        + ("" if note.caveat is None else f"; caveat: {_md(note.caveat)}")
        + f"; id `{note.id}`)"
        for note in iim.NOTES
    )


_RENDERERS: dict[str, Renderer] = {
    "antibody-tests": _antibody_tests,
    "autoantibodies": _autoantibodies,
    "iim-cutoffs": _iim_cutoffs,
    "iim-items": _iim_items,
    "iim-notes": _iim_notes,
    "iim-references": _iim_references,
    "iim-rule": _iim_rule,
    "citation": _citation,
    "classifier-flowchart": _flowchart,
    "complications": _complications,
    "criteria-table": _criteria_table,
    "disclaimer": _disclaimer,
    "disease": _disease,
    "note-rules": _note_rules,
    "reference-list": _reference_list,
    "rulesets": _rulesets,
    "references": _references,
    "source-page": _source_page,
    "subtypes": _subtypes,
    "try-it": _try_it,
    "try-it-iim": _try_it_iim,
    "unconfirmed": _unconfirmed,
}
