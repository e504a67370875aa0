"""The distributions downstream apps install: exactly the package, complete.

By default the sdist and the wheel are built here, the way ``.ci/run`` builds
them (the wheel from the sdist); with ``IMNM_DIST`` set to a folder holding one
of each, that pair is checked instead, so CI checks the files it releases.
"""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

pytestmark = pytest.mark.source_tree

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "imnm"
# What ships, as globs under the package folder.  A file in the wheel that no
# glob names fails the test: add a glob only for what users need at run time.
SHIPPED = ("**/*.py", "py.typed", "schemas/*.json")
# What the sdist holds besides PKG-INFO: enough to build the wheel and to run
# the tests (tools/ holds the API snapshot generator that a test runs; examples/
# the made-up cohort that README and the CLI tests use), and the
# .gitignore that hatchling adds so that a build from the sdist skips caches.
SDIST_TOP_LEVEL = frozenset(
    {
        "src",
        "tests",
        "tools",
        "examples",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "pyproject.toml",
        ".gitignore",
    }
)
CACHES = ("__pycache__", ".pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("IMNM_DIST")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)]
    subprocess.run(command, check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Iterator[zipfile.ZipFile]:
    (path,) = dist.glob("imnm-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


@pytest.fixture(scope="module")
def sdist_names(dist: Path) -> list[str]:
    (path,) = dist.glob("imnm-*.tar.gz")
    with tarfile.open(path) as archive:
        return [member.name for member in archive.getmembers() if member.isfile()]


def package_files(source: Path) -> set[str]:
    """The files of the source package that should ship, as wheel paths."""
    return {
        f"imnm/{path.relative_to(source).as_posix()}"
        for pattern in SHIPPED
        for path in source.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def wheel_problems(names: Iterable[str], expected: set[str], dist_info: str) -> list[str]:
    """What is wrong with a wheel whose files are *names*; empty when nothing is."""
    names = set(names)
    problems = [f"missing from the wheel: {name}" for name in sorted(expected - names)]
    problems += [
        f"should not be in the wheel: {name}"
        for name in sorted(names - expected)
        if not name.startswith(f"{dist_info}/")
    ]
    problems += [
        f"missing from the wheel: {dist_info}/{name}"
        for name in ("METADATA", "WHEEL", "RECORD")
        if f"{dist_info}/{name}" not in names
    ]
    return problems


def test_the_wheel_holds_the_package_and_nothing_else(wheel: zipfile.ZipFile) -> None:
    expected = package_files(SOURCE)
    assert {"imnm/__init__.py", "imnm/py.typed"} <= expected
    dist_info = f"imnm-{version('imnm')}.dist-info"
    assert wheel_problems(wheel.namelist(), expected, dist_info) == []


def test_every_json_schema_in_the_source_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    schemas = {f"imnm/schemas/{path.name}" for path in SOURCE.glob("schemas/*.json")}
    assert schemas <= set(wheel.namelist())


def test_the_wheel_problems_name_extra_missing_and_cached_files() -> None:
    expected = {"imnm/__init__.py", "imnm/py.typed"}
    names = [
        "imnm/__init__.py",
        "imnm/__pycache__/__init__.cpython-311.pyc",
        "tests/test_model.py",
        "imnm-1.0.dist-info/METADATA",
        "imnm-1.0.dist-info/WHEEL",
        "imnm-1.0.dist-info/RECORD",
        "imnm-1.0.dist-info/licenses/LICENSE",
    ]
    assert wheel_problems(names, expected, "imnm-1.0.dist-info") == [
        "missing from the wheel: imnm/py.typed",
        "should not be in the wheel: imnm/__pycache__/__init__.cpython-311.pyc",
        "should not be in the wheel: tests/test_model.py",
    ]
    assert wheel_problems(names[:1], {"imnm/__init__.py"}, "imnm-1.0.dist-info") == [
        f"missing from the wheel: imnm-1.0.dist-info/{name}"
        for name in ("METADATA", "WHEEL", "RECORD")
    ]


def test_the_wheel_is_pure_python_and_carries_the_package_metadata(
    wheel: zipfile.ZipFile,
) -> None:
    assert wheel.filename is not None
    assert Path(wheel.filename).name == f"imnm-{version('imnm')}-py3-none-any.whl"
    metadata = email.parser.Parser().parsestr(
        wheel.read(f"imnm-{version('imnm')}.dist-info/METADATA").decode()
    )
    assert metadata["Name"] == "imnm"
    assert metadata["Version"] == version("imnm")
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_no_shipped_file_hard_codes_the_version(wheel: zipfile.ZipFile) -> None:
    # The version lives in pyproject.toml alone; imnm.__version__ reads the metadata.
    shipped = [name for name in wheel.namelist() if name.startswith("imnm/")]
    assert [name for name in shipped if version("imnm").encode() in wheel.read(name)] == []


def test_the_sdist_holds_what_building_and_testing_need_and_no_caches(
    sdist_names: list[str],
) -> None:
    top = f"imnm-{version('imnm')}"
    assert all(name.startswith(f"{top}/") for name in sdist_names)
    entries = {name.split("/")[1] for name in sdist_names}
    assert entries == SDIST_TOP_LEVEL | {"PKG-INFO"}
    assert f"{top}/tests/api/public_api.txt" in sdist_names
    assert f"{top}/tools/api_snapshot.py" in sdist_names
    assert [name for name in sdist_names if any(cache in name for cache in CACHES)] == []


def test_readme_install_from_a_built_wheel_gives_a_working_command_line(
    dist: Path, tmp_path: Path
) -> None:
    # README "Installing imnm into another project": imnm is not on an index yet,
    # so the wheel is installed with its `cli` extra into a fresh venv, and the
    # main command runs from there.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "not yet published on a package index" in readme
    # README's own command, run as written (by sh) next to a dist/ with the one wheel.
    (command,) = [
        line.partition("#")[0].strip()
        for line in readme.splitlines()
        if line.startswith("pip install ") and "dist/imnm-" in line
    ]
    (tmp_path / "dist").symlink_to(dist, target_is_directory=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    pip = f"{bindir / 'python'} -m pip --quiet"
    subprocess.run(
        ["sh", "-c", pip + command.removeprefix("pip")],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    ran = subprocess.run(
        [str(bindir / "imnm"), "classify", "--example"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert "ENMC 2016 criteria" in ran.stdout
    assert (
        f"imnm {version('imnm')}"
        in subprocess.run(
            [str(bindir / "imnm"), "--version"], capture_output=True, text=True, check=True
        ).stdout
    )
