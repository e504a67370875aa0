"""The rule sets: which version of which criteria produced a result, and what a result is.

Every :class:`~imnm.Classification` names the rule set that produced it
(:attr:`~imnm.Classification.ruleset`), and so does every
:class:`~imnm.iim.IIMAssessment` (:attr:`~imnm.iim.IIMAssessment.ruleset`); the
wire format, the batch outputs and every export carry it.

* :data:`RULESET` is this release's ENMC 2016 rule set: its ``digest`` is a
  SHA-256 of the rule tables of :mod:`imnm.criteria` (:func:`tables_digest`).
* :data:`IIM_RULESET` is this release's EULAR/ACR 2017 rule set: its ``digest``
  covers the item table, cut-offs, calculator rule and notes of :mod:`imnm.iim`
  (``tables_digest("eular-acr-2017")``).

A change to the tables that keeps the version fails the test suite.  Reading a
result made by a current rule set re-derives it from its findings and refuses
one that contradicts the rules; a result made by another version loads as a
historical record (``historical``).

:data:`DISCLAIMER` is what every result is, whichever criteria made it; each
result carries it (``disclaimer``), and so do its documents and exports.
"""

from __future__ import annotations

import enum
import importlib
import re
import types
from collections.abc import Mapping
from typing import Any, cast

import attrs

from . import _validators as v

__all__ = [
    "CURRENT",
    "DISCLAIMER",
    "IIM_RULESET",
    "RULESET",
    "RULESET_V1",
    "RuleSet",
    "tables_digest",
]

DISCLAIMER = (
    "This is the output of classification criteria applied to the findings given, "
    "not a diagnosis: a clinician interprets it with everything else known about "
    "the patient."
)
"""What every result is, whichever criteria made it (the result names them).

Every :class:`~imnm.Classification` and :class:`~imnm.iim.IIMAssessment`
carries it (``disclaimer``), in memory, in its wire document, in the batch and
table outputs (the ``disclaimer`` column) and in every export.  Stored results
of a current rule set are re-derived with it, so its words change only with a
new rule set version (a test pins them).
"""

_DIGEST = re.compile(r"[0-9a-f]{64}", re.ASCII)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


@attrs.frozen(kw_only=True)
class RuleSet:
    """A version of the classification rules.

    Attributes:
        id: Which rules: ``"enmc-2016"`` (the ENMC 2016 criteria as imnm encodes
            them) or ``"eular-acr-2017"`` (the EULAR/ACR 2017 criteria).
        version: Their version; it changes whenever the rule tables change.
        digest: SHA-256 (hex) of the rule tables (:func:`tables_digest`); None
            for version 1, recorded before rule sets had digests.
    """

    id: str = attrs.field(validator=v.matches(_ID, "a lower-case id such as 'enmc-2016'"))
    version: int = attrs.field(validator=v.positive_int)
    digest: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(v.matches(_DIGEST, "64 lower-case hex digits")),
    )

    @property
    def current(self) -> bool:
        """Whether this is this release's rule set of its criteria (:data:`CURRENT`).

        A result made by any other rule set is a historical record of what that
        rule set said.
        """
        return CURRENT.get(self.id) == self

    @property
    def label(self) -> str:
        """The rule set in words, e.g. ``"enmc-2016 version 2"``."""
        return f"{self.id} version {self.version}"


RULESET = RuleSet(
    id="enmc-2016",
    version=2,
    digest="a8e18cb32598a4f6f94ebbceae3228290559be4f17ec8c646a41cb50d7c429d8",
)
"""The rule set of this release; :func:`imnm.classify` stamps it on every result."""

RULESET_V1 = RuleSet(id="enmc-2016", version=1)
"""The rule set of the first release, which wrote wire format version 1 (no digest recorded)."""

IIM_RULESET = RuleSet(
    id="eular-acr-2017",
    version=1,
    digest="ac9bbb0eb73ecb49f7a8f89296f42f820b32587c29d1f164c9c01968ed1ecae3",
)
"""This release's EULAR/ACR 2017 rule set; :func:`imnm.iim.assess` stamps it on every result.

Version 1 is the rule set of the release that first assessed by these criteria
(wire format version 2).
"""

CURRENT: Mapping[str, RuleSet] = types.MappingProxyType(
    {ruleset.id: ruleset for ruleset in (RULESET, IIM_RULESET)}
)
"""This release's rule set of each criteria, by id: a result by any other version is historical."""


def tables_digest(ruleset_id: str = RULESET.id) -> str:
    """SHA-256 (hex) of the rule tables of a rule set, as canonical JSON.

    Computed on demand (never at import): the tests compare it with the
    ``digest`` of :data:`CURRENT` ``[ruleset_id]``.  Catalog entities the rules
    point to (a subtype, a reference) count by id; everything else by value.

    Args:
        ruleset_id: ``"enmc-2016"`` (the tables of :mod:`imnm.criteria`) or
            ``"eular-acr-2017"`` (those of :mod:`imnm.iim`).

    Raises:
        KeyError: No rule set has that id.
    """
    import hashlib  # only the tests and tools ask: not paid at import
    import json

    module_name, names = _TABLES[ruleset_id]
    module = importlib.import_module(f"{__package__}.{module_name}")
    tables = {name.lower().lstrip("_"): getattr(module, name) for name in names}
    text = json.dumps(_canonical(tables), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The rule tables of each rule set: (module of imnm, its tables), each keyed in
# the digest by its name in lower case (without a leading underscore).
_TABLES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    RULESET.id: ("criteria", ("ANTIBODIES", "SEROLOGY_RULES", "REQUIREMENTS", "NOTE_RULES")),
    IIM_RULESET.id: (
        "iim",
        # The words of its categories and next steps are part of every stored result.
        (
            *("ITEMS", "CUTOFFS", "CALCULATOR_RULE", "NOTES", "AGE_LIMIT"),
            *("_PHRASES", "_OUTCOME_PHRASES", "_ORDER", "_KNOWN_VALUES"),
            *("_STEP", "_BRANCH", "_BRANCH_SEPARATOR", "_RANGE", "_ALTERNATIVE_SEPARATOR"),
        ),
    ),
}


def _canonical(value: object) -> object:
    import json

    from .model import Autoantibody, Reference, Subtype

    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (Subtype, Reference, Autoantibody)):
        return value.id
    if attrs.has(type(value)):
        fields = attrs.asdict(cast(Any, value), recurse=False)
        return {name: _canonical(item) for name, item in fields.items()}
    if isinstance(value, Mapping):
        return {_key(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(item) for item in value), key=json.dumps)
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if isinstance(value, range):
        return [value.start, value.stop, value.step]
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def _key(key: object) -> str:
    """A mapping's key in canonical JSON: an enum member by its value, a class by its name."""
    if isinstance(key, enum.Enum):
        return str(key.value)
    return key.__qualname__ if isinstance(key, type) else str(key)
