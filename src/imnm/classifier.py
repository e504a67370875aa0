"""The classifier: one pure, total function from findings to a classification.

:func:`classify` evaluates the tables of :mod:`imnm.criteria`; it adds no
medical rule of its own.  The input space is finite
(:data:`imnm.findings.COMBINATIONS` findings), so each result is computed once
and then served from a memo: a repeated call costs about one dictionary look-up.
The memo never changes a result (every entry is what the tables give for its
key), so the function stays pure to its callers;
filling it is thread-safe because ``dict.setdefault`` is atomic and two threads
that race compute equal values.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from . import _validators as v
from . import ruleset
from ._shown import bounded_repr
from .criteria import (
    ANTIBODIES,
    NOTE_RULES,
    REQUIREMENTS,
    SEROLOGY_RULES,
    Antibody,
    Criterion,
    Outcome,
    SerologyRule,
)
from .errors import InvalidFindings, InvalidValue
from .findings import Findings, Serology
from .model import Reference, Statement, Subtype
from .ruleset import RULESET, RuleSet

__all__ = [
    "DISCLAIMER",
    "Classification",
    "CriteriaStatus",
    "RuleResult",
    "classify",
    "classify_many",
]


DISCLAIMER: Final = ruleset.DISCLAIMER
"""What every classification is (:data:`imnm.ruleset.DISCLAIMER`), stated by the result itself."""


class CriteriaStatus(enum.Enum):
    """Whether the findings meet the ENMC 2016 criteria for the subtype."""

    MET = "met"
    NOT_MET = "not_met"
    INSUFFICIENT_DATA = "insufficient_data"


@attrs.frozen(kw_only=True)
class RuleResult:
    """One criterion of the explanation, and how the findings fared against it.

    Attributes:
        criterion: The rule, with the references behind it.
        outcome: Satisfied, not satisfied, or unknown.
        detail: The findings the rule read, in words.
    """

    criterion: Criterion = attrs.field(validator=v.instance_of(Criterion, "a Criterion"))
    outcome: Outcome = attrs.field(validator=v.member_of(Outcome))
    detail: str = attrs.field(validator=v.text)


@attrs.frozen(kw_only=True)
class Classification:
    """The classifier's answer for one patient, with its explanation.

    Attributes:
        findings: The findings that were classified.
        subtype: The form of IMNM the serology points to, or None.
        criteria: Whether the ENMC 2016 criteria for it are met.
        explanation: Every rule that was evaluated, the serology rule first.
        next_steps: What would complete or confirm the classification.
        notes: Catalog statements that bear on the findings without changing
            the result (statin exposure, extra-muscular features).
        ruleset: The rule set that produced the result (:data:`imnm.ruleset.RULESET`
            for :func:`classify`); another one makes the result a historical
            record (:attr:`historical`).
        disclaimer: What the result is: criteria output, not a diagnosis
            (:data:`DISCLAIMER` for :func:`classify`; a historical record keeps
            the words it was stored with).
    """

    findings: Findings = attrs.field(validator=v.instance_of(Findings, "a Findings"))
    subtype: Subtype | None = attrs.field(
        validator=attrs.validators.optional(v.instance_of(Subtype, "a Subtype"))
    )
    criteria: CriteriaStatus = attrs.field(validator=v.member_of(CriteriaStatus))
    explanation: tuple[RuleResult, ...] = attrs.field(
        validator=v.tuple_of(RuleResult, "a RuleResult", non_empty=True)
    )
    next_steps: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a string"))
    notes: tuple[Statement, ...] = attrs.field(
        default=(), validator=v.tuple_of(Statement, "a Statement")
    )
    ruleset: RuleSet = attrs.field(default=RULESET, validator=v.instance_of(RuleSet, "a RuleSet"))
    disclaimer: str = attrs.field(default=DISCLAIMER, validator=v.text, repr=False)

    @property
    def historical(self) -> bool:
        """Whether another rule set than this release's made it: a record, not re-derived."""
        return not self.ruleset.current

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every reference cited by the explanation and the notes, once, in order."""
        cited = [ref for result in self.explanation for ref in result.criterion.references]
        cited += [ref for note in self.notes for ref in note.references]
        return tuple(dict.fromkeys(cited))

    @property
    def classified_subtype(self) -> Subtype | None:
        """The subtype, only where the criteria for it are met; otherwise None.

        :attr:`subtype` is what the serology points to, whatever the criteria
        status; filter on this one for "meets the criteria".
        """
        return self.subtype if self.criteria is CriteriaStatus.MET else None

    @property
    def summary(self) -> str:
        """One line for people: what the serology shows, then the criteria status.

        A disease is named only where the criteria are met, e.g.
        ``"Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy"``
        but ``"Anti-HMGCR positive; ENMC 2016 criteria: not met"``.
        """
        found = self.explanation[0].criterion.title
        classified = self.classified_subtype
        if classified is not None:
            name = classified.name[0].lower() + classified.name[1:]
            line = f"{found}; ENMC 2016 criteria met for {name}"
        else:
            line = f"{found}; ENMC 2016 criteria: {self.criteria.value.replace('_', ' ')}"
        if self.historical:
            line += f" (historical record: rule set {self.ruleset.label})"
        return line


_memo: dict[Findings, Classification] = {}


def classify(findings: Findings) -> Classification:
    """Classify one patient's findings.

    Total and pure: every valid :class:`~imnm.Findings` gives a result, the same
    one each time.  The rules and their sources are in :mod:`imnm.criteria`.

    Args:
        findings: What is known about the patient.

    Returns:
        The subtype (or None), the criteria status, the rules that were
        evaluated with their references, next steps and notes.

    Raises:
        InvalidFindings: *findings* is not a :class:`~imnm.Findings`, or holds
            a value of the wrong type.

    Examples:
        >>> from imnm import Findings, Presence, Serology, classify
        >>> result = classify(Findings(
        ...     anti_hmgcr=Serology.POSITIVE, anti_srp=Serology.NEGATIVE,
        ...     elevated_ck=Presence.PRESENT, proximal_weakness=Presence.PRESENT))
        >>> result.summary
        'Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy'
    """
    # Only Findings itself reaches the memo: a subclass may hash and compare as
    # it likes, so it could poison an entry or grow the memo without bound.
    exact = type(findings) is Findings
    # With validators off, a Findings may hold a value that merely compares
    # equal to a valid one: it is checked before any look-up.
    if exact and not attrs.validators.get_disabled():
        try:
            return _memo[findings]
        except KeyError:
            pass
    elif not isinstance(findings, Findings):
        raise InvalidFindings(
            f"classify() takes a Findings; got {type(findings).__name__}: {bounded_repr(findings)}"
        )
    try:
        # Validators can be switched off globally (attrs.validators.set_disabled),
        # which switches off attrs.validate too: run each one explicitly rather
        # than misread a wrong-typed value.
        v.check_all(findings)
    except InvalidValue as error:
        raise InvalidFindings(f"invalid Findings: {error}") from error
    if not exact:
        # Read a subclass's values into Findings itself, memo and all.
        return classify(Findings(**{name: getattr(findings, name) for name in _FIELD_NAMES}))
    return _memo.setdefault(findings, _evaluate(findings))


_FIELD_NAMES = tuple(field.name for field in attrs.fields(Findings))


def classify_many(findings: Iterable[Findings]) -> Iterator[Classification]:
    """Classify a stream of findings lazily, in order, in constant memory.

    Raises:
        InvalidFindings: When the iteration reaches an item that is not valid findings.
    """
    # A generator, not map(): an error that an item raises always reaches the
    # caller; it can never pass for the end of the stream.
    for item in findings:
        yield classify(item)


def _evaluate(findings: Findings) -> Classification:
    number, serology = _first_serology_rule(findings)
    subtype = serology.subtype
    antibodies = tuple(getattr(findings, antibody.field) for antibody in ANTIBODIES)
    explanation = [_serology_result(number, antibodies)]
    next_steps = [
        antibody.next_step_if_untested
        for antibody in ANTIBODIES
        if getattr(findings, antibody.field) is Serology.NOT_TESTED
    ]
    if serology.next_step is not None:
        next_steps.append(serology.next_step)
    for number, requirement in enumerate(REQUIREMENTS):
        if not requirement.applies_to(subtype):
            continue
        result = _requirement_result(number, getattr(findings, requirement.field))
        explanation.append(result)
        if result.outcome is Outcome.UNKNOWN:
            next_steps.append(requirement.next_step)
    if subtype is not None:
        next_steps += [
            f"Consider ruling out {condition}." for condition in subtype.conditions_to_rule_out
        ]
    outcomes = {result.outcome for result in explanation}
    if Outcome.NOT_SATISFIED in outcomes:
        status = CriteriaStatus.NOT_MET
    elif outcomes == {Outcome.SATISFIED}:
        status = CriteriaStatus.MET
    else:
        status = CriteriaStatus.INSUFFICIENT_DATA
    notes = tuple(rule.statement for rule in NOTE_RULES if rule.applies(findings, subtype))
    return Classification(
        findings=findings,
        subtype=subtype,
        criteria=status,
        explanation=tuple(explanation),
        next_steps=tuple(next_steps),
        notes=notes,
    )


def _first_serology_rule(findings: Findings) -> tuple[int, SerologyRule]:
    """The first serology rule that fires for *findings*, and its place in the table."""
    for number, rule in enumerate(SEROLOGY_RULES):
        if rule.matches(findings):
            return number, rule
    # The rules cover every valid findings (a test checks all 6,561).
    raise InvalidFindings(f"no serology rule matches {bounded_repr(findings)}")  # pragma: no cover


# A rule's result depends only on the rule and the values it reads: each one is
# made once (results are immutable, so classifications share them).  At most
# (serology rules x 27 antibody results) and (requirements x 3 values) entries.
@functools.cache
def _serology_result(number: int, results: tuple[Serology, ...]) -> RuleResult:
    """The result of serology rule *number*, given the :data:`ANTIBODIES` results in order."""
    rule = SEROLOGY_RULES[number]
    return RuleResult(
        criterion=rule.criterion, outcome=rule.outcome, detail=_serology_detail(results)
    )


@functools.cache
def _requirement_result(number: int, value: enum.Enum) -> RuleResult:
    """The result of requirement *number* when its field holds *value*."""
    requirement = REQUIREMENTS[number]
    # The requirement reads one field: findings that hold *value* there fare as any do.
    known: dict[str, Any] = {requirement.field: value}
    alone = Findings(**known)
    return RuleResult(
        criterion=requirement.criterion,
        outcome=requirement.evaluate(alone),
        detail=f"{requirement.finding}: {_words(value)}.",
    )


def _serology_detail(
    results: tuple[Serology, ...], antibodies: tuple[Antibody, ...] = ANTIBODIES
) -> str:
    """The antibody results in words, in the order of *antibodies*."""
    words = (f"{a.name} {_words(result)}" for a, result in zip(antibodies, results, strict=True))
    return "; ".join(words) + "."


def _words(value: enum.Enum) -> str:
    # "non_necrotizing" is one word with a prefix; "not_tested" is two words.
    return str(value.value).replace("non_", "non-").replace("_", " ")
