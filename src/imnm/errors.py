"""The exceptions that imnm raises.

Every error the library raises on purpose derives from :class:`ImnmError`, so a
caller can catch the whole family in one ``except`` clause.  Each leaf also
derives from the builtin that fits its meaning (``ValueError``, ``KeyError``,
``TypeError``), so code written against the builtins keeps working.
"""

from __future__ import annotations

__all__ = [
    "ImnmError",
    "InvalidFindings",
    "InvalidPayload",
    "InvalidValue",
    "MissingExtra",
    "UnknownId",
]


class ImnmError(Exception):
    """Root of every error raised by imnm."""


class InvalidValue(ImnmError, ValueError):
    """A model was built with a value its field does not accept.

    Attributes:
        field: The name of the offending field.
        value: The value that was refused.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason}; got {value!r}")


class UnknownId(ImnmError, KeyError):
    """A catalog look-up was given an id the catalog does not hold.

    Attributes:
        kind: What was looked up ("subtype", "complication", ...).
        given: The id that was asked for.
        valid: The ids that exist, sorted.
    """

    def __init__(self, kind: str, given: object, valid: tuple[str, ...]) -> None:
        self.kind = kind
        self.given = given
        self.valid = valid
        super().__init__(kind, given)

    def __str__(self) -> str:
        # KeyError.__str__ would print the args tuple; a person wants a sentence.
        choices = ", ".join(repr(v) for v in self.valid)
        return f"unknown {self.kind} id {self.given!r}; valid ids: {choices}"


class InvalidFindings(ImnmError, TypeError):
    """:func:`imnm.classify` was given something that is not valid findings."""


class InvalidPayload(ImnmError, ValueError):
    """A serialized document could not be read.

    Attributes:
        problems: Every problem found, each as ``"<json path>: <message>"``.
    """

    def __init__(self, problems: tuple[str, ...] | list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = "invalid payload" if count == 1 else f"invalid payload ({count} problems)"
        return head + ": " + "; ".join(self.problems)


class MissingExtra(ImnmError, ImportError):
    """A feature needs an optional dependency that is not installed.

    Attributes:
        module: The module that could not be imported, e.g. ``"pyarrow"``.
        extra: The extra of imnm that installs it, e.g. ``"parquet"``.
    """

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f'this needs {module}, which is not installed: pip install "imnm[{extra}]"',
            name=module,
        )

    def __reduce__(self) -> tuple[type[MissingExtra], tuple[str, str]]:
        # ImportError pickles its message as the only argument; rebuild from the fields.
        return (type(self), (self.module, self.extra))
