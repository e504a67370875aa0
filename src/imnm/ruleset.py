"""The rule set: which version of the classification rules produced a result.

Every :class:`~imnm.Classification` names the rule set that produced it
(:attr:`~imnm.Classification.ruleset`), and the wire format, the batch outputs
and every export carry it.  :data:`RULESET` is the rule set of this release:
its ``digest`` is a SHA-256 of the rule tables of :mod:`imnm.criteria`
(:func:`tables_digest`), so a change to the tables that keeps the version
fails the test suite.  Reading a classification made by :data:`RULESET`
re-derives it from its findings and refuses one that contradicts the rules; a
classification made by another rule set version loads as a historical record
(:attr:`~imnm.Classification.historical`).
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, cast

import attrs

from . import _validators as v

__all__ = ["RULESET", "RULESET_V1", "RuleSet", "tables_digest"]

_DIGEST = re.compile(r"[0-9a-f]{64}", re.ASCII)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


@attrs.frozen(kw_only=True)
class RuleSet:
    """A version of the classification rules.

    Attributes:
        id: Which rules, e.g. ``"enmc-2016"`` (the ENMC 2016 criteria as imnm encodes them).
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


def tables_digest() -> str:
    """SHA-256 (hex) of the rule tables of :mod:`imnm.criteria`, as canonical JSON.

    Computed on demand (never at import): the tests compare it with
    ``RULESET.digest``.  Catalog entities the rules point to (a subtype, a
    reference) count by id; everything else by value.
    """
    from . import criteria

    tables = {
        "antibodies": criteria.ANTIBODIES,
        "serology_rules": criteria.SEROLOGY_RULES,
        "requirements": criteria.REQUIREMENTS,
        "note_rules": criteria.NOTE_RULES,
    }
    text = json.dumps(_canonical(tables), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: object) -> object:
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
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(item) for item in value), key=json.dumps)
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if isinstance(value, range):
        return [value.start, value.stop, value.step]
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")
