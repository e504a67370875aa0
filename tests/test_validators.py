"""``imnm._validators.check_all``: every validator, of nested attrs instances too."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from imnm import InvalidValue
from imnm import _validators as v


@attrs.frozen
class _Leaf:
    count: int = attrs.field(validator=v.positive_int)


class _Unhashable(type):
    # A metaclass that makes its classes unhashable: check_all must still look at them.
    __hash__ = None  # type: ignore[assignment]


class _Odd(metaclass=_Unhashable):
    pass


@attrs.frozen
class _Tree:
    leaf: Any
    leaves: tuple[Any, ...] = ()
    other: Any = None


def _broken_leaf() -> _Leaf:
    with attrs.validators.disabled():
        return _Leaf(0)


@pytest.mark.parametrize(
    ("tree", "field"),
    [
        (_Tree(leaf=_broken_leaf()), "count"),
        (_Tree(leaf=_Leaf(1), leaves=(_Leaf(2), _broken_leaf())), "count"),
        (_Tree(leaf=_Tree(leaf=_broken_leaf())), "count"),
    ],
)
def test_a_nested_instance_that_its_validator_refuses_is_found(tree: _Tree, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        v.check_all(tree)
    assert raised.value.field == field


def test_values_of_every_kind_pass_when_valid() -> None:
    tree = _Tree(leaf=_Leaf(1), leaves=(_Leaf(2), "text", 3), other=_Odd())
    v.check_all(tree)
    v.check_all(_Tree(leaf=_Odd, other=frozenset({_Leaf(4)})))


def test_an_attrs_class_that_does_not_hash_is_still_checked() -> None:
    @attrs.frozen
    class Odd(metaclass=_Unhashable):
        count: int = attrs.field(validator=v.positive_int)

    with attrs.validators.disabled():
        odd = Odd(-1)
    with pytest.raises(TypeError):
        hash(Odd)
    with pytest.raises(InvalidValue):
        v.check_all(_Tree(leaf=odd))
