"""The immutable domain model: references, ontology terms and disease knowledge.

Every class is a frozen, slotted attrs class with keyword-only fields.  Fields
hold only immutable values (strings, numbers, tuples, frozensets and other
model instances), so every instance is hashable and safe to share between
threads.  Validation runs on construction and again on :func:`attrs.evolve`.
"""

from __future__ import annotations

import re

import attrs

from . import _subtype_ids
from . import _validators as v
from .errors import InvalidValue, UnknownId

__all__ = [
    "SUBTYPE_IDS",
    "Autoantibody",
    "Complication",
    "Disease",
    "OntologyTerm",
    "Reference",
    "Statement",
    "Subtype",
    "Therapy",
]

SUBTYPE_IDS: frozenset[str] = _subtype_ids.SUBTYPE_IDS
"""The wire id of every form of IMNM (classifier contract); each names a catalog subtype."""

# Crossref's recommended pattern for modern DOIs ("10." + registrant + "/" + suffix).
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+", re.ASCII)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_PAGES = re.compile(r"[A-Za-z]?\d+(?:-[A-Za-z]?\d+)?", re.ASCII)
# re.ASCII throughout: \d would otherwise accept any Unicode digit.
# Local-id shapes of the prefixes the library uses; an unknown prefix must
# still look like a CURIE (prefix ":" local id) to be accepted.
_CURIE_LOCAL_IDS = {
    "HP": re.compile(r"\d{7}", re.ASCII),
    "ORPHA": re.compile(r"[1-9]\d*", re.ASCII),
    "ICD10": re.compile(r"[A-Z]\d\d(?:\.\d{1,2})?", re.ASCII),
    "ICD10CM": re.compile(r"[A-Z]\d\d(?:\.[0-9A-Z]{1,4})?", re.ASCII),
    "UMLS": re.compile(r"C\d{7}", re.ASCII),
}
_CURIE_PREFIX = r"[A-Za-z][A-Za-z0-9_.-]*"
_CURIE_LOCAL = r"[A-Za-z0-9_.-]+"
_CURIE = re.compile(rf"(?P<prefix>{_CURIE_PREFIX}):(?P<local>{_CURIE_LOCAL})", re.ASCII)
# The same rule as one regular expression, for the JSON Schema: a known prefix
# with its local-id shape, or any other prefix with any local id.
_KNOWN_PREFIXES = "|".join(map(re.escape, _CURIE_LOCAL_IDS))
_CURIE_SCHEMA_PATTERN = v.schema_pattern(
    "{}|(?!(?:{}):){}:{}".format(
        "|".join(f"{re.escape(p)}:(?:{shape.pattern})" for p, shape in _CURIE_LOCAL_IDS.items()),
        _KNOWN_PREFIXES,
        _CURIE_PREFIX,
        _CURIE_LOCAL,
    )
)


def _curie(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    match = _CURIE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidValue(attribute.name, value, "must be a CURIE such as 'HP:0003701'")
    local_shape = _CURIE_LOCAL_IDS.get(match["prefix"])
    if local_shape is not None and local_shape.fullmatch(match["local"]) is None:
        raise InvalidValue(attribute.name, value, f"is not a well-formed {match['prefix']} id")


v.with_schema(_curie, pattern=_CURIE_SCHEMA_PATTERN)


_slug = v.matches(_ID, "a lower-case id of letters, digits and single hyphens")


@attrs.frozen(kw_only=True)
class Reference:
    """A published source, cited in AMA (Vancouver-family) style.

    Attributes:
        id: Stable short id used on the wire, e.g. ``"allenbach-2018"``.
        authors: Authors as "Surname Initials"; a group author may close the list.
        more_authors: True when the source has authors beyond ``authors``.
        title: Article title.
        journal: NLM abbreviation of the journal.
        year: Year of publication.
        volume: Volume, if any.
        issue: Issue, if any.
        pages: Page range or article number, e.g. ``"1734-1747"`` or ``"e0133702"``.
        doi: The DOI, without a ``doi:`` or URL prefix.
        note: A caveat a reader should know, e.g. that the study is not about IMNM.
    """

    id: str = attrs.field(validator=_slug)
    authors: tuple[str, ...] = attrs.field(validator=v.tuple_of(str, "author name", non_empty=True))
    more_authors: bool = attrs.field(default=False, validator=v.instance_of(bool, "a bool"))
    title: str = attrs.field(validator=v.text)
    journal: str = attrs.field(validator=v.text)
    year: int = attrs.field(validator=v.positive_int)
    volume: str | None = attrs.field(default=None, validator=v.optional_text)
    issue: str | None = attrs.field(default=None, validator=v.optional_text)
    pages: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(v.matches(_PAGES, "a page range such as '87-99'")),
    )
    doi: str = attrs.field(validator=v.matches(_DOI, "a DOI such as '10.1056/NEJMc1506163'"))
    note: str | None = attrs.field(default=None, validator=v.optional_text)

    @property
    def url(self) -> str:
        """The DOI as a resolvable ``https://doi.org/`` URL."""
        return f"https://doi.org/{self.doi}"

    @property
    def citation(self) -> str:
        """The reference in AMA style.

        AMA lists every author up to six; with more, the first three and "et al".
        """
        listed = self.authors
        if self.more_authors or len(listed) > 6:
            listed = (*listed[:3], "et al")
        locator = f"{self.year}"
        if self.volume is not None:
            locator += f";{self.volume}"
            if self.issue is not None:
                locator += f"({self.issue})"
        if self.pages is not None:
            locator += f":{self.pages}"
        title = self.title if self.title.endswith((".", "?", "!")) else self.title + "."
        return f"{', '.join(listed)}. {title} {self.journal}. {locator}. doi:{self.doi}"


@attrs.frozen(kw_only=True)
class OntologyTerm:
    """A concept in a published terminology, named by a CURIE.

    Attributes:
        id: The CURIE, e.g. ``"HP:0003701"`` or ``"ORPHA:206569"``.
        label: The terminology's own label for the concept.
    """

    id: str = attrs.field(validator=_curie)
    label: str = attrs.field(validator=v.text)

    @property
    def prefix(self) -> str:
        """The part of the CURIE before the colon, e.g. ``"HP"``."""
        return self.id.partition(":")[0]

    @property
    def local_id(self) -> str:
        """The part of the CURIE after the colon, e.g. ``"0003701"``."""
        return self.id.partition(":")[2]


@attrs.frozen(kw_only=True)
class Statement:
    """One sourced sentence of disease knowledge.

    Every statement comes from the source page (``imnm.catalog.SOURCE_PAGE``);
    ``references`` names the published sources that also support it.

    Attributes:
        text: The statement, as a sentence.
        references: Published sources that support it (may be empty).
    """

    text: str = attrs.field(validator=v.text)
    references: tuple[Reference, ...] = attrs.field(
        default=(), validator=v.tuple_of(Reference, "a Reference")
    )


@attrs.frozen(kw_only=True)
class Autoantibody:
    """A myositis-specific autoantibody that defines a form of IMNM.

    Attributes:
        id: Wire id, e.g. ``"anti-srp"``.
        name: Display name, e.g. ``"anti-SRP"``.
        target_antigen: The antigen the antibody binds.
        positivity_term: The HPO term for a positive test.
    """

    id: str = attrs.field(validator=_slug)
    name: str = attrs.field(validator=v.text)
    target_antigen: str = attrs.field(validator=v.text)
    positivity_term: OntologyTerm = attrs.field(
        validator=v.instance_of(OntologyTerm, "an OntologyTerm")
    )


@attrs.frozen(kw_only=True)
class Therapy:
    """A therapy recommendation for one form of IMNM.

    Attributes:
        id: Wire id, unique within its subtype, e.g. ``"rituximab"``.
        name: The treatment, e.g. ``"Rituximab"``.
        recommendation: What the sources say about it, as a sentence.
        references: Published sources that support the recommendation.
        caveat: Anything a reader must know about where the statement comes from.
    """

    id: str = attrs.field(validator=_slug)
    name: str = attrs.field(validator=v.text)
    recommendation: str = attrs.field(validator=v.text)
    references: tuple[Reference, ...] = attrs.field(
        default=(), validator=v.tuple_of(Reference, "a Reference")
    )
    caveat: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class Complication:
    """A complication reported in IMNM.

    Complications are rare in IMNM and can occur in any of its forms.

    Attributes:
        id: Wire id, e.g. ``"dysphagia"``.
        name: Display name.
        description: What the source page says, as a sentence.
        terms: HPO terms for the complication (one or more).
        reported_for: Ids of the forms the source names "in particular" for it.
            Not "only": a form not named here can have it too.
    """

    id: str = attrs.field(validator=_slug)
    name: str = attrs.field(validator=v.text)
    description: str = attrs.field(validator=v.text)
    terms: tuple[OntologyTerm, ...] = attrs.field(
        validator=v.tuple_of(OntologyTerm, "an OntologyTerm", non_empty=True)
    )
    reported_for: frozenset[str] = attrs.field(validator=v.frozenset_of(SUBTYPE_IDS, "subtype id"))


@attrs.frozen(kw_only=True)
class Subtype:
    """One of the forms of IMNM.

    Attributes:
        id: Wire id, e.g. ``"anti-hmgcr"`` (the ids are those of ``SUBTYPE_IDS``).
        name: Display name.
        autoantibody: The defining autoantibody, or None for the seronegative form.
        serum_finding: What serology shows.
        presentation: The clinical presentation, one statement each.
        therapies: Therapy recommendations, each with its sources.
        conditions_to_rule_out: Diagnoses to exclude before assigning this form.
        complications: Complications the source names for this form in
            particular (every form can have any complication of the disease).
    """

    id: str = attrs.field(validator=v.one_of(SUBTYPE_IDS, "subtype id"))
    name: str = attrs.field(validator=v.text)
    autoantibody: Autoantibody | None = attrs.field(
        validator=attrs.validators.optional(v.instance_of(Autoantibody, "an Autoantibody"))
    )
    serum_finding: str = attrs.field(validator=v.text)
    presentation: tuple[Statement, ...] = attrs.field(
        validator=v.tuple_of(Statement, "a Statement", non_empty=True)
    )
    therapies: tuple[Therapy, ...] = attrs.field(
        default=(), validator=v.tuple_of(Therapy, "a Therapy")
    )
    conditions_to_rule_out: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a condition name")
    )
    complications: tuple[Complication, ...] = attrs.field(
        default=(), validator=v.tuple_of(Complication, "a Complication")
    )


@attrs.frozen(kw_only=True)
class Disease:
    """The disease as a whole: its names, codes, hallmark and forms.

    Attributes:
        name: Full name.
        abbreviation: Usual abbreviation.
        codes: Identifiers in disease terminologies (Orphanet, ICD-10, ICD-10-CM, UMLS).
        hallmark: The hallmark clinical feature, as an HPO term.
        facts: General statements about the disease, one sentence each.
        subtypes: The forms of the disease.
        complications: Complications reported in the disease.
        complications_statement: What the source says about complications as a whole.
        references: The sources the page cites.
    """

    name: str = attrs.field(validator=v.text)
    abbreviation: str = attrs.field(validator=v.text)
    codes: tuple[OntologyTerm, ...] = attrs.field(
        validator=v.tuple_of(OntologyTerm, "an OntologyTerm")
    )
    hallmark: OntologyTerm = attrs.field(validator=v.instance_of(OntologyTerm, "an OntologyTerm"))
    facts: tuple[Statement, ...] = attrs.field(validator=v.tuple_of(Statement, "a Statement"))
    subtypes: tuple[Subtype, ...] = attrs.field(
        validator=v.tuple_of(Subtype, "a Subtype", non_empty=True)
    )
    complications: tuple[Complication, ...] = attrs.field(
        validator=v.tuple_of(Complication, "a Complication")
    )
    complications_statement: str = attrs.field(validator=v.text)
    references: tuple[Reference, ...] = attrs.field(validator=v.tuple_of(Reference, "a Reference"))

    def code(self, prefix: str) -> OntologyTerm:
        """The disease's code in the terminology named by *prefix* (e.g. ``"ORPHA"``).

        Raises:
            UnknownId: The disease has no code with that prefix.
        """
        for term in self.codes:
            if term.prefix == prefix:
                return term
        raise UnknownId("terminology", prefix, tuple(sorted(t.prefix for t in self.codes)))
