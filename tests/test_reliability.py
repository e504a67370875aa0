"""Hostile input: every check is linear, every error is bounded, documented and picklable."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from imnm import Findings, serialize
from imnm.errors import InvalidPayload


def _seconds(work: Callable[[], object]) -> float:
    """The least process time of a few runs of *work* (the least is the least disturbed)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def grows_linearly(make: Callable[[int], Callable[[], object]], size: int) -> bool:
    """Whether 8 times the input costs well under the 64 times a quadratic check would.

    A ratio of two runs in one process, with generous slack (linear is 8, quadratic
    64): it compares work, not a machine's speed.
    """
    small, large = _seconds(make(size)), _seconds(make(8 * size))
    return large < 24 * max(small, 1e-3)


def _refuse(text: str) -> Callable[[], object]:
    def load() -> None:
        with pytest.raises(InvalidPayload):
            serialize.loads(text, Findings)

    return load


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "[" * 33 + '"' + '\\"' * n,  # an unterminated string of escaped quotes
        lambda n: "[" * 33 + '"' + "\\" * (2 * n + 1),  # ... ending in a lone backslash
        lambda n: '["' + '\\"' * n + '"]' + "[" * 40,  # a closed one, then deep brackets
        lambda n: "[" * n,
    ],
    ids=["unterminated", "lone-backslash", "terminated", "brackets"],
)
def test_the_depth_check_is_linear_in_the_document(make: Callable[[int], str]) -> None:
    assert grows_linearly(lambda n: _refuse(make(n)), 16_000)


def test_a_quadratic_input_at_the_size_limit_is_refused_as_too_deep() -> None:
    text = "[" * 33 + '"' + '\\"' * ((serialize.MAX_DOCUMENT_SIZE - 40) // 2)
    with pytest.raises(InvalidPayload, match="nests deeper than 32 levels"):
        serialize.loads(text, Findings)
