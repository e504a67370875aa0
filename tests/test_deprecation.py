from __future__ import annotations

import types
import warnings

import pytest

from imnm._deprecation import DeprecatedNames


def _module_with_a_renamed_function() -> types.ModuleType:
    module = types.ModuleType("imnm_example")

    def new() -> str:
        return "the replacement"

    module.new = new  # type: ignore[attr-defined]
    module.__getattr__ = DeprecatedNames(  # type: ignore[method-assign]
        "imnm_example", {"old": (new, "imnm_example.new")}
    )
    return module


def test_the_old_name_still_works_and_warns_with_the_replacement() -> None:
    module = _module_with_a_renamed_function()
    with pytest.warns(DeprecationWarning, match=r"imnm_example\.old is deprecated") as caught:
        old = module.old
    assert old is module.new
    message = str(caught[0].message)
    assert "use imnm_example.new instead" in message
    assert "next major release" in message


def test_the_warning_points_at_the_code_that_used_the_old_name() -> None:
    module = _module_with_a_renamed_function()
    with pytest.warns(DeprecationWarning, match="deprecated") as caught:
        module.old  # noqa: B018 - the access is what warns
    assert caught[0].filename == __file__


def test_an_unknown_name_is_an_ordinary_attribute_error_without_a_warning() -> None:
    module = _module_with_a_renamed_function()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not hasattr(module, "missing")
        with pytest.raises(
            AttributeError, match="module 'imnm_example' has no attribute 'missing'"
        ):
            module.missing  # noqa: B018
