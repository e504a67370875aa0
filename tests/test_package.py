from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from importlib.metadata import version
from importlib.resources import files

import pytest

import imnm

# Every module whose dotted name has no part starting with "_": the public API.
PUBLIC_MODULES = ["imnm"] + [
    module.name
    for module in pkgutil.walk_packages(imnm.__path__, "imnm.")
    if not any(part.startswith("_") for part in module.name.split("."))
]


def test_the_public_modules_are_found() -> None:
    # Guards the discovery above: a broken walk would silently test nothing.
    assert {"imnm.classifier", "imnm.serialize", "imnm.interop.fhir", "imnm.cli"} <= set(
        PUBLIC_MODULES
    )


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_name_in_all_resolves_and_none_is_private(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        assert hasattr(module, name), name
        assert not name.startswith("_") or name == "__version__", name


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_names_each_export_once(module_name: str) -> None:
    names = importlib.import_module(module_name).__all__
    assert len(set(names)) == len(names)


def test_every_public_class_and_function_of_the_top_level_has_a_docstring() -> None:
    for name in imnm.__all__:
        obj = getattr(imnm, name)
        if callable(obj):
            assert obj.__doc__, name


def test_the_version_comes_from_the_package_metadata() -> None:
    assert imnm.__version__ == version("imnm")


def test_a_name_the_package_lacks_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = imnm.no_such_name  # type: ignore[attr-defined]


def test_the_package_ships_its_py_typed_marker() -> None:
    assert files("imnm").joinpath("py.typed").is_file()


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (imnm.InvalidValue, ValueError),
        (imnm.UnknownId, KeyError),
        (imnm.InvalidFindings, TypeError),
        (imnm.InvalidPayload, ValueError),
    ],
)
def test_each_error_derives_from_the_root_and_its_fitting_builtin(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, imnm.ImnmError)
    assert issubclass(error, builtin)


def test_invalid_payload_lists_every_problem_in_its_message() -> None:
    error = imnm.InvalidPayload(["$.a: bad", "$.b: worse"])
    assert error.problems == ("$.a: bad", "$.b: worse")
    assert str(error) == "invalid payload (2 problems): $.a: bad; $.b: worse"
    assert str(imnm.InvalidPayload(["$: bad"])) == "invalid payload: $: bad"


def test_importing_imnm_does_not_import_optional_or_heavy_modules() -> None:
    optional = ("cattrs", "click", "rich", "imnm.cli", "imnm.serialize", "imnm.interop")
    # importlib.metadata costs more to import than imnm: only __version__ reads it.
    # json and pickle (about 5 ms together) serve only error messages and pickled errors.
    heavy = ("importlib.metadata", "json", "pickle")
    code = f"import sys, imnm; print(sorted(m for m in {optional + heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_docstring_says_the_library_does_not_diagnose() -> None:
    assert "does not diagnose" in (imnm.__doc__ or "")


@pytest.mark.parametrize("module", ["imnm.interop.fhir", "imnm.interop.phenopacket"])
def test_importing_an_export_does_not_read_the_version(module: str) -> None:
    # The exports read imnm.__version__ when they build a document, not at import.
    code = f"import sys, {module}; print('importlib.metadata' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
