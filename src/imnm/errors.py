"""The exceptions that imnm raises.

Every error the library raises on purpose derives from :class:`ImnmError`, so a
caller can catch the whole family in one ``except`` clause.  Each leaf also
derives from the builtin that fits its meaning (``ValueError``, ``KeyError``,
``TypeError``), so code written against the builtins keeps working.

Every error pickles and deep-copies to an error of the same class with an equal
message (so errors cross process pools intact), and every message is bounded:
a refused value is shown briefly (at most 60 characters, never by walking a
deep structure, never by letting its ``__repr__`` fail), and
:class:`InvalidPayload` lists at most :attr:`InvalidPayload.MAX_PROBLEMS`
problems.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._shown import bounded_repr

__all__ = [
    "ImnmError",
    "InvalidFindings",
    "InvalidPayload",
    "InvalidValue",
    "MissingExtra",
    "UnknownId",
    "UnsupportedType",
]


class ImnmError(Exception):
    """Root of every error raised by imnm."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls the class with self.args, which fails for
        # an error whose __init__ takes other arguments.  Rebuild it without
        # __init__ instead; a value that does not pickle travels as its repr.
        return (_rebuild, (type(self), _picklable(self.args), _picklable(self.__dict__)))


def _rebuild(cls: type[ImnmError], args: tuple[object, ...], state: dict[str, Any]) -> ImnmError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def _picklable(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_picklable(item) for item in value)
    if isinstance(value, dict):
        return {key: _picklable(item) for key, item in value.items()}
    import pickle  # imported here: only pickling or copying an error (its __reduce__) gets here

    try:
        pickle.dumps(value)
    except Exception:
        return bounded_repr(value)
    return value


class InvalidValue(ImnmError, ValueError):
    """A model was built with a value its field does not accept.

    Attributes:
        field: The name of the offending field.
        value: The value that was refused.
        reason: What the field accepts, in words.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason}; got {bounded_repr(value)}")


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
        choices = ", ".join(repr(v) for v in valid)
        self._message = f"unknown {kind} id {bounded_repr(given)}; valid ids: {choices}"
        super().__init__(kind, given)

    def __str__(self) -> str:
        # KeyError.__str__ would print the args tuple; a person wants a sentence.
        return self._message


class UnsupportedType(ImnmError, TypeError):
    """The wire format was asked for a type it does not hold.

    Attributes:
        given: What was given instead of a document type.
        supported: The names of the types the wire format holds, sorted.
    """

    def __init__(self, given: object, supported: tuple[str, ...]) -> None:
        self.given = given
        self.supported = supported
        super().__init__(f"the wire format holds {', '.join(supported)}; got {bounded_repr(given)}")


class InvalidFindings(ImnmError, TypeError):
    """:func:`imnm.classify` was given something that is not valid findings."""


class InvalidPayload(ImnmError, ValueError):
    """A serialized document could not be read.

    Attributes:
        problems: The problems found, each as ``"<json path>: <message>"``: at
            most :attr:`MAX_PROBLEMS` of them, then, if there were more, one
            saying so (readers stop looking soon after that many).
    """

    MAX_PROBLEMS: ClassVar[int] = 100
    """The most problems one error lists."""
    MAX_PROBLEM_LENGTH: ClassVar[int] = 1000
    """The most characters one problem is shown with."""

    def __init__(self, problems: tuple[str, ...] | list[str]) -> None:
        listed = [
            problem
            if len(problem) <= self.MAX_PROBLEM_LENGTH
            else problem[: self.MAX_PROBLEM_LENGTH - 3] + "..."
            for problem in problems[: self.MAX_PROBLEMS]
        ]
        if len(problems) > self.MAX_PROBLEMS:
            listed.append(f"$: more problems, not listed (the first {self.MAX_PROBLEMS} are)")
        self.problems = tuple(listed)
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
