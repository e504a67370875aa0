"""The public API guard: the code's public surface must match the committed snapshot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import api_snapshot
import imnm

SNAPSHOT = Path(__file__).parent / "api" / "public_api.txt"


def test_the_public_api_matches_the_committed_snapshot() -> None:
    changes = api_snapshot.report(SNAPSHOT.read_text(encoding="utf-8"), api_snapshot.render())
    if changes:
        pytest.fail(changes, pytrace=False)


def test_the_snapshot_reads_field_types_as_written_even_once_attrs_resolved_them() -> None:
    # cattrs and some tests call attrs.resolve_types(), which swaps each
    # field's type string for the class it names, for the rest of the process.
    attrs.resolve_types(imnm.Findings)
    assert api_snapshot.render() == SNAPSHOT.read_text()


def test_the_snapshot_lists_every_public_module_and_skips_private_ones() -> None:
    listed = {line.split(":")[0].rsplit(".", 1)[0] for line in SNAPSHOT.read_text().splitlines()}
    modules = {module.__name__ for module in api_snapshot.public_modules()}
    assert modules <= listed | {"imnm"}
    assert {"imnm", "imnm.catalog", "imnm.classifier", "imnm.findings"} <= modules
    assert not any("._" in name for name in modules)


def _run_tool(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run tools/api_snapshot.py in a fresh interpreter, with *env* added."""
    # Without coverage's variables: a subprocess measuring a throw-away copy of
    # the package would add files to the coverage data that vanish before the report.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COV_CORE_", "COVERAGE_"))}
    command = [sys.executable, api_snapshot.__file__, *args]
    return subprocess.run(command, env=clean | env, capture_output=True, text=True, check=False)


def _run_guard(package_copy: Path) -> subprocess.CompletedProcess[str]:
    """Check the committed snapshot against a copy of the package."""
    return _run_tool("--snapshot", str(SNAPSHOT), PYTHONPATH=str(package_copy.parent))


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the imported imnm package (the source tree, or the installed wheel)."""
    source = Path(imnm.__file__).parent
    return Path(shutil.copytree(source, tmp_path / "imnm", ignore=shutil.ignore_patterns("*.pyc")))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the mutation no longer applies to {path.name}: update it"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_guard_passes_an_unchanged_copy_of_the_package(package_copy: Path) -> None:
    result = _run_guard(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "old", "new", "reported"),
    [
        pytest.param(
            "classifier.py",
            "def classify(findings: Findings) -> Classification:",
            "def classify(findings: Findings, *, strict: bool = False) -> Classification:",
            (
                "-imnm.classifier.classify: function (findings: Findings) -> Classification",
                "+imnm.classifier.classify: function"
                " (findings: Findings, *, strict: bool = False) -> Classification",
            ),
            id="parameter-added",
        ),
        pytest.param(
            "classifier.py",
            "    next_steps: tuple[str, ...] = attrs.field(",
            "    follow_up: tuple[str, ...] = attrs.field(",
            (
                "-imnm.classifier.Classification.next_steps: field (keyword)",
                "+imnm.classifier.Classification.follow_up: field (keyword)",
            ),
            id="field-renamed",
        ),
        pytest.param(
            "__init__.py",
            '    "classify_many",\n',
            "",
            ("-imnm.classify_many: same as imnm.classifier.classify_many",),
            id="name-removed",
        ),
        pytest.param(
            "findings.py",
            'NOT_DONE = "not_done"',
            'NOT_DONE = "not-done"',
            ("-imnm.findings.Biopsy.NOT_DONE = 'not_done'",),
            id="wire-value-changed",
        ),
    ],
)
def test_the_guard_reports_a_deliberate_change_to_the_public_api(
    package_copy: Path, module: str, old: str, new: str, reported: tuple[str, ...]
) -> None:
    _edit(package_copy / module, old, new)
    result = _run_guard(package_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    diff_lines = result.stdout.splitlines()
    for line in reported:
        assert any(d.startswith(line) for d in diff_lines), (line, result.stdout)
    assert "python tools/api_snapshot.py --update" in result.stdout
    for heading in ("Added", "Changed", "Deprecated", "Removed"):
        assert f"- {heading}" in result.stdout


def test_a_name_removed_without_deprecation_is_called_out(package_copy: Path) -> None:
    _edit(package_copy / "__init__.py", '    "classify_many",\n', "")
    result = _run_guard(package_copy)
    assert result.returncode == 1
    notice = "Removed without a release of DeprecationWarning first (a major change):"
    after_notice = result.stdout.split(notice)[1].split("\n\n")[0].split()
    assert after_notice == ["imnm.classify_many"]


def test_a_removed_class_is_called_out_once_and_a_deprecated_name_not_at_all() -> None:
    committed = (
        "imnm.m.Gone: attrs class\n"
        "imnm.m.Gone.field: field (keyword) str\n"
        "imnm.m.Kept: attrs class\n"
        "imnm.m.Kept.old_field: field (keyword) str\n"
        "imnm.m.old_name: deprecated, use imnm.m.new_name\n"
        'schema x.json /type = "object"\n'
    )
    current = "imnm.m.Kept: attrs class\n"
    removed = api_snapshot.removed_without_deprecation(committed, current)
    assert removed == ["imnm.m.Gone", "imnm.m.Kept.old_field"]


def test_the_guard_fails_loudly_when_a_public_module_cannot_be_imported(
    package_copy: Path,
) -> None:
    (package_copy / "extra.py").write_text("import imnm_missing_dependency\n__all__ = []\n")
    result = _run_guard(package_copy)
    assert result.returncode == 2
    assert "cannot import public module imnm.extra" in result.stderr
    assert "No module named 'imnm_missing_dependency'" in result.stderr


def test_a_public_module_without_all_is_refused(package_copy: Path) -> None:
    (package_copy / "extra.py").write_text('"""A module that forgot __all__."""\n')
    result = _run_guard(package_copy)
    assert result.returncode == 2
    assert "public module imnm.extra has no __all__" in result.stderr


def test_private_modules_and_packages_are_not_part_of_the_api(package_copy: Path) -> None:
    (package_copy / "_helpers.py").write_text("def anything(x): ...\n")
    (package_copy / "_internal").mkdir()
    (package_copy / "_internal" / "__init__.py").write_text("")
    (package_copy / "_internal" / "shown.py").write_text("def anything(x): ...\n")
    result = _run_guard(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_update_writes_a_snapshot_that_check_then_accepts(tmp_path: Path) -> None:
    snapshot = tmp_path / "api" / "snapshot.txt"
    assert api_snapshot.main(["--update", "--snapshot", str(snapshot)]) == 0
    assert snapshot.read_text() == SNAPSHOT.read_text()
    assert api_snapshot.main(["--snapshot", str(snapshot)]) == 0


def test_a_new_or_changed_json_schema_is_reported(package_copy: Path) -> None:
    schemas = package_copy / "schemas"
    schemas.mkdir(exist_ok=True)
    (schemas / "example.json").write_text('{"properties": {"x": {"type": "string"}}}')
    result = _run_guard(package_copy)
    assert result.returncode == 1
    assert '+schema example.json /properties/x/type = "string"' in result.stdout.splitlines()


def test_a_deprecated_name_is_recorded_so_that_its_removal_shows(package_copy: Path) -> None:
    with (package_copy / "classifier.py").open("a") as module:
        module.write(
            "from ._deprecation import DeprecatedNames\n"
            "__getattr__ = DeprecatedNames(\n"
            '    __name__, {"classify_one": (classify, "imnm.classify")}\n'
            ")\n"
        )
    result = _run_guard(package_copy)
    assert result.returncode == 1
    expected = "+imnm.classifier.classify_one: deprecated, use imnm.classify"
    assert expected in result.stdout.splitlines()


def test_the_snapshot_does_not_depend_on_hash_randomisation() -> None:
    first, second = (
        _run_tool("--print", PYTHONHASHSEED="1"),
        _run_tool("--print", PYTHONHASHSEED="2"),
    )
    assert first.stdout == second.stdout == SNAPSHOT.read_text()
