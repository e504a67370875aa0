"""The built documentation site says what the code says.

The knowledge and classifier pages are generated from :mod:`imnm.catalog` and
:mod:`imnm.criteria` at build time (``docs/hooks/imnm_pages.py``); these tests
read the built HTML and check that every catalog item and rule is there.
"""

from __future__ import annotations

import enum
import hashlib
import importlib
import inspect
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import imnm
from imnm import catalog, criteria
from imnm.classifier import CriteriaStatus

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.docs_site, pytest.mark.source_tree]


class _Page(HTMLParser):
    """The parts of an HTML page the tests read: text, link targets, ids, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.hrefs: set[str] = set()
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self.mermaid: list[str] = []
        self._in_mermaid = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("href"):
            self.hrefs.add(str(found["href"]))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "script" and found.get("src"):
            self.scripts.append(str(found["src"]))
        if tag == "pre" and "mermaid" in (found.get("class") or "").split():
            self._in_mermaid = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_mermaid = False

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._in_mermaid:
            self.mermaid.append(data)

    @property
    def text(self) -> str:
        # Whitespace is not content: a table cell may wrap anywhere.
        return re.sub(r"\s+", " ", "".join(self.chunks))


def read(site: Path, page: str) -> _Page:
    parsed = _Page()
    parsed.feed((site / page / "index.html").read_text(encoding="utf-8"))
    return parsed


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_forms_page_shows_every_subtype_with_its_antibody_therapies_and_caveats(
    site_dir: Path,
) -> None:
    page = read(site_dir, "knowledge/forms")
    for subtype in catalog.SUBTYPES:
        assert subtype.id in page.ids
        assert subtype.name in page.text
        assert words(subtype.serum_finding) in page.text
        for statement in subtype.presentation:
            assert words(statement.text) in page.text
        for condition in subtype.conditions_to_rule_out:
            assert words(condition) in page.text
        for therapy in subtype.therapies:
            assert words(therapy.recommendation) in page.text
            if therapy.caveat is not None:
                assert words(therapy.caveat) in page.text
            for reference in therapy.references:
                assert f"../references/#{reference.id}" in page.hrefs


def test_autoantibody_page_shows_every_autoantibody_with_its_hpo_term(site_dir: Path) -> None:
    page = read(site_dir, "knowledge/autoantibodies")
    for antibody in catalog.AUTOANTIBODIES:
        assert antibody.name in page.text
        assert antibody.target_antigen in page.text
        assert antibody.positivity_term.id in page.text
        assert words(antibody.positivity_term.label) in page.text


def test_complications_page_shows_every_complication_with_its_hpo_terms(site_dir: Path) -> None:
    page = read(site_dir, "knowledge/complications")
    for complication in catalog.COMPLICATIONS:
        assert complication.name in page.text
        assert complication.description in page.text
        for term in complication.terms:
            assert term.id in page.text
            assert term.label in page.text


def test_references_page_cites_every_reference_with_a_doi_link(site_dir: Path) -> None:
    page = read(site_dir, "knowledge/references")
    for reference in catalog.REFERENCES:
        assert reference.id in page.ids
        assert reference.url in page.hrefs
        assert words(reference.citation) in page.text
        if reference.note is not None:
            assert words(reference.note) in page.text


def test_disease_page_shows_every_code_and_fact(site_dir: Path) -> None:
    page = read(site_dir, "knowledge")
    for code in catalog.IMNM.codes:
        assert code.id in page.text
        assert code.label in page.text
    for fact in catalog.IMNM.facts:
        assert words(fact.text) in page.text
    assert catalog.IMNM.hallmark.id in page.text


def test_classifier_page_tabulates_every_criterion_with_its_sources(site_dir: Path) -> None:
    page = read(site_dir, "concepts/classifier")
    for criterion in criteria.CRITERIA:
        assert criterion.id in page.text
        assert words(criterion.description) in page.text
        if criterion.caveat is not None:
            assert words(criterion.caveat) in page.text
        for reference in criterion.references:
            assert f"../../knowledge/references/#{reference.id}" in page.hrefs
    for rule in criteria.NOTE_RULES:
        assert words(rule.statement.text) in page.text


def test_classifier_page_tabulates_every_antibody_test(site_dir: Path) -> None:
    page = read(site_dir, "concepts/classifier")
    for antibody in criteria.ANTIBODIES:
        assert antibody.field in page.text
        assert antibody.term.id in page.text
        assert words(antibody.next_step_if_untested) in page.text


def test_classifier_flowchart_has_a_branch_for_every_serology_rule(site_dir: Path) -> None:
    page = read(site_dir, "concepts/classifier")
    chart = "".join(page.mermaid)
    assert "\nflowchart TD\n" in chart
    for rule in criteria.SEROLOGY_RULES:
        assert f'{{{{"{rule.criterion.title}?"}}}} -->|yes|' in chart
    for requirement in criteria.REQUIREMENTS:
        assert requirement.criterion.title in chart
    for status in CriteriaStatus:
        assert f"criteria: {status.value}" in chart


def test_about_page_cites_the_library_version_and_every_source(site_dir: Path) -> None:
    page = read(site_dir, "about")
    assert f"version {imnm.__version__}" in page.text
    assert words(catalog.SOURCE_PAGE) in page.text
    for reference in catalog.REFERENCES:
        assert reference.url in page.hrefs


def test_changelog_page_is_the_repository_changelog(site_dir: Path) -> None:
    page = read(site_dir, "changelog")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", changelog, re.MULTILINE)
    assert headings
    for heading in headings:
        assert heading.replace("[", "").replace("]", "") in page.text


def test_api_reference_documents_every_public_name(site_dir: Path) -> None:
    anchors: set[str] = set()
    for page in (site_dir / "api").iterdir():
        anchors |= read(site_dir, f"api/{page.name}").ids
    modules = {"catalog", "criteria", "__version__"}
    for name in sorted(set(imnm.__all__) - modules):
        owner = getattr(imnm, name).__module__
        assert f"{owner}.{name}" in anchors, name


def test_every_page_loads_scripts_only_from_the_site_itself(site_dir: Path) -> None:
    pages = sorted(site_dir.rglob("*.html"))
    assert pages
    for path in pages:
        parsed = _Page()
        parsed.feed(path.read_text(encoding="utf-8"))
        remote = [src for src in parsed.scripts if re.match(r"(https?:)?//", src)]
        assert not remote, f"{path.relative_to(site_dir)} loads {remote}"


def test_site_serves_the_vendored_mermaid_named_in_its_source_note(site_dir: Path) -> None:
    vendored = site_dir / "assets" / "vendor" / "mermaid"
    note = (vendored / "SOURCE.txt").read_text(encoding="utf-8")
    digest = hashlib.sha256((vendored / "mermaid.min.js").read_bytes()).hexdigest()
    assert f"sha256 {digest}" in note
    assert "MIT" in (vendored / "LICENSE").read_text(encoding="utf-8")


def _attrs_classes() -> Iterator[tuple[str, type]]:
    """Every attrs class of a module the API pages document, with that page's name."""
    for page in sorted((ROOT / "docs" / "api").glob("*.md")):
        (module_name,) = re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), re.M)
        module = importlib.import_module(module_name)
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == module_name:
                yield page.stem, cls


def _documented_attributes(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of *cls*'s docstring: name to the start of its meaning."""
    section = inspect.cleandoc(cls.__doc__ or "").partition("Attributes:\n")[2]
    items = re.findall(r"^ {4}(\w+): (.+)$", section, re.M)
    # The words before the first code span or role: they render as they are written.
    return {name: re.split(r"[`:]", meaning)[0] for name, meaning in items}


def test_api_pages_show_each_attrs_field_once_with_type_default_and_meaning(
    site_dir: Path,
) -> None:
    checked = 0
    for page_name, cls in _attrs_classes():
        html = (site_dir / "api" / page_name / "index.html").read_text(encoding="utf-8")
        assert "attrs.field(" not in html, page_name
        assert 'doc-section-title">Attributes:' not in html, page_name
        squashed = re.sub(r"\s+", "", read(site_dir, f"api/{page_name}").text)
        path = f"{cls.__module__}.{cls.__qualname__}"
        meanings = _documented_attributes(cls)
        for field in attrs.fields(cls):
            assert html.count(f'id="{path}.{field.name}"') == 1, (path, field.name)
            # The type as the page shows it: as written, less module prefixes (enum.Enum).
            written = field.type.__name__ if isinstance(field.type, type) else str(field.type)
            shown_type = re.sub(r"\b[a-z_]+\.(?=\w)", "", written).replace(" ", "")
            entry = f"{field.name}:{shown_type}"
            default = field.default
            shown: str | None
            if default is attrs.NOTHING:
                shown = None
            elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                # A default computed from the other fields shows none: its meaning says how.
                name = default.factory.__name__
                shown = None if default.takes_self else f"{name}()"
            elif isinstance(default, enum.Enum):
                shown = f"{type(default).__name__}.{default.name}"
            else:
                shown = repr(default)
            entry += re.sub(r"\s+", "", meanings.get(field.name, ""))
            # The meaning, then the default, before the next entry's permalink (¶).
            squashed_default = None if shown is None else re.sub(r"\s+", "", shown)
            closing = (
                "" if squashed_default is None else f"[^¶]*Default:{re.escape(squashed_default)}\\."
            )
            assert re.search(re.escape(entry) + closing, squashed), (path, entry, shown)
            checked += 1
    assert checked >= len(attrs.fields(imnm.Findings))
