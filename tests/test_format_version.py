"""The wire format's version promise, as a test: changed documents need a new format version.

``tools/format_fingerprint.py`` pins a fingerprint of the documents' structure per
format version (``tests/api/format_fingerprints.json``).  The first test is the
guard; the others rehearse a format version 2 against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import format_fingerprint as ff
from imnm import Findings, serialize

V1 = ff.read_pins()["1"]["sha256"]
CHANGED = "0" * 64


def test_the_documents_have_the_structure_pinned_for_their_format_version() -> None:
    found = ff.problems(ff.current(), ff.read_pins())
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_format_version_1_is_pinned_as_released_in_0_1_0() -> None:
    assert ff.read_pins()["1"]["released"] == "0.1.0"


def test_the_fingerprint_reads_structure_not_prose() -> None:
    schema = serialize.json_schema(Findings)
    reworded = json.loads(json.dumps(schema).replace("Anti-SRP autoantibody test.", "Reworded."))
    assert reworded != schema
    assert ff.fingerprint({"findings": reworded}) == ff.fingerprint({"findings": schema})
    extended = json.loads(json.dumps(schema))
    extended["properties"]["anti_srp"]["enum"].append("equivocal")
    assert ff.fingerprint({"findings": extended}) != ff.fingerprint({"findings": schema})


def test_a_new_findings_field_changes_the_fingerprint() -> None:
    schemas = {k: serialize.json_schema(c) for k, c in serialize.DOCUMENT_KINDS.items()}
    today = ff.fingerprint(schemas)
    assert today == ff.current().digest
    schemas["findings"]["properties"]["anti_xyz"] = {"type": "string", "enum": ["positive"]}
    assert ff.fingerprint(schemas) != today


# --- Rehearsal: the steps of a format version 2, each checked by the guard -------------

RELEASED_V1: ff.Pins = {"1": {"sha256": V1, "released": "0.1.0"}}


def test_changed_documents_of_a_released_version_say_exactly_what_to_do() -> None:
    (problem,) = ff.problems(ff.Format(version=1, upgrades=(), digest=CHANGED), RELEASED_V1)
    assert problem.startswith("The documents changed:")
    for step in (
        "Bump serialize.FORMAT_VERSION to 2",
        "serialize._UPGRADES[1]",
        "golden files for version 2",
        "python tools/write_schemas.py",
        ff.UPDATE_COMMAND,
        "CHANGELOG.md",
    ):
        assert step in problem


def test_a_released_fingerprint_is_never_re_pinned() -> None:
    with pytest.raises(ValueError, match=r"imnm 0\.1\.0; its fingerprint never changes"):
        ff.update(ff.Format(version=1, upgrades=(), digest=CHANGED), RELEASED_V1)


def test_a_bump_without_an_upgrade_step_or_a_pin_is_refused() -> None:
    bumped = ff.Format(version=2, upgrades=(), digest=CHANGED)
    missing_step, missing_pin = ff.problems(bumped, RELEASED_V1)
    assert missing_step.startswith("serialize._UPGRADES has no step from format version 1 to 2")
    assert missing_pin.startswith("format version 2 has no pinned fingerprint")


def test_an_unreleased_version_is_pinned_re_pinned_then_released() -> None:
    v2 = ff.Format(version=2, upgrades=(1,), digest=CHANGED)
    pins = ff.update(v2, RELEASED_V1)
    assert pins["1"] == RELEASED_V1["1"]
    assert pins["2"] == {"sha256": CHANGED, "released": None}
    assert ff.problems(v2, pins) == []
    # While version 2 is being built, its documents may change again: re-pin.
    v2_again = ff.Format(version=2, upgrades=(1,), digest="1" * 64)
    (problem,) = ff.problems(v2_again, pins)
    assert "not released yet" in problem
    assert ff.UPDATE_COMMAND in problem
    pins = ff.update(v2_again, pins)
    assert ff.problems(v2_again, pins) == []
    # The release freezes it.
    with pytest.raises(ValueError, match="pin format version 2 first"):
        ff.release(v2, pins, "0.2.0")
    released = ff.release(v2_again, pins, "0.2.0")
    assert released["2"]["released"] == "0.2.0"
    assert ff.release(v2_again, released, "0.3.0") == released
    assert "released" in ff.problems(v2, released)[0]


def test_a_pinned_version_newer_than_the_code_is_refused() -> None:
    pins = {**RELEASED_V1, "2": {"sha256": CHANGED, "released": None}}
    (problem,) = ff.problems(ff.Format(version=1, upgrades=(), digest=V1), pins)
    assert "never taken back" in problem


def test_the_guard_reads_serializes_own_version_and_upgrade_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The next version, bumped without its upgrade step.
    today, steps = serialize.FORMAT_VERSION, dict(serialize._UPGRADES)
    before = ff.current().digest
    monkeypatch.setattr(serialize, "FORMAT_VERSION", today + 1)
    serialize._schema.cache_clear()
    try:
        now = ff.current()
        assert (now.version, now.upgrades) == (today + 1, frozenset(steps))
        assert now.digest != before  # the schemas say which versions they accept
        found = ff.problems(now, ff.read_pins())
        assert any(f"no step from format version {today} to" in p for p in found)
        assert any(f"format version {today + 1} has no pinned fingerprint" in p for p in found)
    finally:
        serialize._schema.cache_clear()


def test_the_command_line_checks_updates_and_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pins = tmp_path / "pins.json"
    monkeypatch.setattr(ff, "PINS", pins)
    ff.write_pins(RELEASED_V1)
    v2 = ff.Format(version=2, upgrades=(1,), digest=CHANGED)
    assert ff.main([], fmt=lambda: v2) == 1
    assert "no pinned fingerprint" in capsys.readouterr().out
    assert ff.main(["--update"], fmt=lambda: v2) == 0
    assert "matches its pinned fingerprint" in capsys.readouterr().out
    assert ff.main(["--release", "0.2.0"], fmt=lambda: v2) == 0
    changed = ff.Format(version=2, upgrades=(1,), digest="1" * 64)
    assert ff.main(["--update"], fmt=lambda: changed) == 1
    assert "never changes" in capsys.readouterr().out
    written: Any = json.loads(pins.read_text(encoding="utf-8"))
    assert written["2"] == {"sha256": CHANGED, "released": "0.2.0"}
